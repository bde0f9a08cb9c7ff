"""What the Autoencoder panel needs from the training thread, as plain numpy data.

Owns ``find_bottleneck`` (the narrowest layer between input and output: the code; the last of the
narrowest when several follow each other, e.g. a Linear layer and its activation), ``LatentView``
with ``latent_view`` (one split's codes as points, PCA'd to a plane when the code has more than 2
numbers, coloured by the stored class labels; reconstructions beside their inputs; a grid of
pictures decoded from evenly spaced points of the plane) and ``decode_points`` (points of the plane
-> pictures, through the layers after the bottleneck only: ``nn.subgraph.run_from``). Runs in the
training thread and returns copies. The drawing lives in ``playground/ui/generative``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from playground.core.errors import TrainingError
from playground.nn.subgraph import layer_outputs, run_from
from playground.train import probes


@dataclass(frozen=True)
class Plane:
    """How a code becomes a point of the plane and back: ``point = (code - mean) @ axes.T``;
    ``code = mean + point @ axes``. For a 2-number code: mean 0 and the identity."""

    mean: np.ndarray  # (d,)
    axes: np.ndarray  # (2, d), orthonormal rows

    def to_points(self, codes: np.ndarray) -> np.ndarray:
        return (np.asarray(codes, dtype=np.float64) - self.mean) @ self.axes.T  # (N, 2)

    def to_codes(self, points: np.ndarray) -> np.ndarray:
        return self.mean + np.asarray(points, dtype=np.float64) @ self.axes  # (N, d)


def find_bottleneck(model: torch.nn.Module, x: torch.Tensor, layer: str | None = None) -> tuple[str, int]:
    """(name, width) of the code layer for input ``x`` (one or more examples): ``layer`` when
    given, else the narrowest layer strictly between input and output."""
    with torch.no_grad(), probes.eval_mode(model):
        outs = layer_outputs(model, x[:1])
    names = list(outs)
    widths = {n: int(t[0].numel()) for n, t in outs.items()}
    if layer is not None:
        if layer not in widths:
            raise TrainingError(f"there is no layer named '{layer}'", where="autoencoder",
                                fix=f"choose one of: {', '.join(names[1:-1])}")
        return layer, widths[layer]
    inner = names[1:-1]  # not the input, not the output
    if not inner:
        raise TrainingError("the network has no layer between its input and its output", where="autoencoder",
                            fix="build an encoder that squeezes the input to a few numbers and a decoder after it")
    narrowest = min(widths[n] for n in inner)
    if narrowest >= widths[names[0]]:
        raise TrainingError(f"no layer is narrower than the input ({widths[names[0]]} numbers), so there is no "
                            f"code to show", where="autoencoder",
                            fix="add a bottleneck: a Linear layer with 2 units between the encoder and the decoder")
    last = max(i for i, n in enumerate(inner) if widths[n] == narrowest)
    return inner[last], narrowest


def plane_of(codes: np.ndarray) -> Plane:
    """The identity for 2-number codes; else PCA: the mean and the two directions of most variance."""
    codes = np.asarray(codes, dtype=np.float64).reshape(len(codes), -1)
    d = codes.shape[1]
    if d <= 2:
        axes = np.eye(2, d) if d == 2 else np.array([[1.0], [0.0]])[:, :d]
        return Plane(np.zeros(d), axes)
    mean = codes.mean(axis=0)
    _, _, vt = np.linalg.svd(codes - mean, full_matrices=False)
    return Plane(mean, vt[:2])


@torch.no_grad()
def decode_points(trainer, layer: str, plane: Plane, points: np.ndarray) -> np.ndarray:
    """Pictures (K, C, H, W) in 0..1 decoded from ``points`` (K, 2) of the plane: each point becomes
    a code (``plane.to_codes``), shaped like the layer's output, and runs through the layers after it."""
    model = trainer.model
    x, _ = trainer.examples("train", [0])
    with probes.eval_mode(model):
        shape = layer_outputs(model, x)[layer].shape[1:]
        codes = torch.as_tensor(plane.to_codes(points), dtype=torch.float32, device=x.device)
        out = run_from(model, layer, codes.reshape(len(codes), *shape))
    return trainer.objective.predict(out).clamp(0, 1).cpu().numpy().copy()


@dataclass
class LatentView:
    layer: str
    width: int  # numbers in the code
    plane: Plane
    points: np.ndarray  # (N, 2) each example's code on the plane
    labels: np.ndarray | None  # (N,) class labels (None: the data has none)
    class_names: tuple[str, ...]
    inputs: np.ndarray  # (M, C, H, W) the first examples, pixels in 0..1
    recon: np.ndarray  # (M, C, H, W) their reconstructions
    grid: np.ndarray  # (G, G, C, H, W) decoded from the grid points, row 0 at the top (largest y)
    xs: np.ndarray  # (G,) grid coordinates on the plane
    ys: np.ndarray  # (G,) top to bottom
    mse: float  # the split's reconstruction MSE in pixels
    split: str
    step: int


def _grid_axes(points: np.ndarray, g: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.percentile(points, 2, axis=0), np.percentile(points, 98, axis=0)
    span = np.maximum(hi - lo, 1e-6)
    lo, hi = lo - 0.05 * span, hi + 0.05 * span
    return np.linspace(lo[0], hi[0], g), np.linspace(hi[1], lo[1], g)


@torch.no_grad()
def latent_view(trainer, split: str = "val", layer: str | None = None, shown: int = 12, grid: int = 8) -> LatentView:
    """The panel's picture of ``split``: codes, reconstructions and a decoded grid."""
    feed = trainer.feeds[split] if len(trainer.feeds[split]) else trainer.train_feed
    split = split if len(trainer.feeds[split]) else "train"
    x, y = feed.all()
    model = trainer.model
    name, width = find_bottleneck(model, x, layer)
    with probes.eval_mode(model):
        codes, outs = [], []
        for i in range(0, len(x), 1024):
            outs_i = layer_outputs(model, x[i:i + 1024])
            codes.append(outs_i[name].reshape(len(outs_i[name]), -1))
            outs.append(list(outs_i.values())[-1])
        code = torch.cat(codes).double().cpu().numpy()  # (N, d)
        out = torch.cat(outs)
    pixels = trainer.objective.predict(out).clamp(0, 1)
    target = y if y.shape == pixels.shape else None
    mse = float(((pixels - target) ** 2).mean()) if target is not None else float("nan")
    part = getattr(trainer.splits, split)
    labels = part.y.numpy().copy() if getattr(part, "targets_from_inputs", False) else None
    plane = plane_of(code)
    points = plane.to_points(code)
    xs, ys = _grid_axes(points, grid)
    grid_points = np.array([(gx, gy) for gy in ys for gx in xs])  # row by row, top first
    decoded = decode_points(trainer, name, plane, grid_points)
    m = min(shown, len(x))
    inputs = (target[:m] if target is not None else x[:m] * trainer.splits.std + trainer.splits.mean)
    return LatentView(name, width, plane, points, labels, tuple(trainer.info.class_names),
                      inputs.cpu().numpy().copy(), pixels[:m].cpu().numpy().copy(),
                      decoded.reshape(grid, grid, *decoded.shape[1:]), xs, ys, mse, split, trainer.step_count)
