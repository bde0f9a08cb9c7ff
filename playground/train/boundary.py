"""The network's answer over the 2-D input plane: the decision surface and each hidden unit's map.

Owns ``plane_grid`` (a regular grid covering the data's extent plus a margin), ``decision_surface``
(the model's output on that grid: the probability of class 1 for two classes, the winning class
and its probability for more, the predicted value for regression; plus the training and test
points and their loss/accuracy, like TensorFlow Playground shows) and ``neuron_surfaces`` (every
hidden unit's output on a coarser grid). It does not draw anything (``ui/panels/boundary.py``).

Coordinates are in the dataset's stored units, the ones its points are plotted in. The network's
input is the stored point normalized like every sample, ``(x - mean) / std`` (for 2-D points
datasets mean 0 and std 1, so the network sees the raw (x1, x2); a PointsInput computes its extra
features such as x1^2 or sin(x1) inside the model). Maps are (R, R) with row i at ``ys[i]`` and
column j at ``xs[j]``: row 0 is the bottom of the plane (smallest y).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from playground.core.errors import TrainingError
from playground.train import probes
from playground.train.evaluation import model_outputs, split_metrics

RESOLUTION = 80  # 6400 grid points: a small MLP's forward pass takes about a millisecond
NEURON_RESOLUTION = 32
NEURON_LIMIT = 96  # at most this many hidden-unit maps
POINT_LIMIT = 1000  # at most this many training (and test) points are sent to the plot
METRIC_LIMIT = 5000  # loss and accuracy over at most this many examples per split
MARGIN = 0.08  # the grid reaches this fraction of the data's span beyond it on every side
CHUNK = 8192

NOT_2D = "the decision boundary needs a dataset with 2 input features, like spiral or circle"
_ACTIVATION_MODULES = ("torch.nn.modules.activation", "playground.nn.modules")
_ACTIVATION_FUNCTIONS = {torch.relu, torch.tanh, torch.sigmoid, nn.functional.relu, nn.functional.gelu,
                         nn.functional.silu, nn.functional.leaky_relu, nn.functional.elu, torch.nn.functional.tanh,
                         torch.nn.functional.sigmoid}


def check_planar(trainer) -> None:
    """TrainingError unless the trainer's inputs are 2 numbers per example."""
    shape = tuple(trainer.info.input_shape)
    if shape != (2,):
        got = "x".join(str(s) for s in shape) or "a scalar"
        raise TrainingError(f"{NOT_2D} (dataset '{trainer.info.name}' has inputs of shape {got})",
                            where="Decision Boundary",
                            fix="pick a 2-D points dataset (circle, xor, gauss, spiral, moons, plane or multi_gauss)")


def stored_points(split) -> tuple[np.ndarray, np.ndarray]:
    """All of a split's inputs in stored (plot) units, float (n, 2), and its labels or targets."""
    x = split.x.to(torch.float32)
    if getattr(split, "scale", 1.0) != 1.0:
        x = x * split.scale
    return x.reshape(len(x), -1).numpy().astype(np.float64), split.y.numpy()


def extent(points: np.ndarray, margin: float = MARGIN) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1): the points' bounding box widened by ``margin`` of its span (a flat side gets 1)."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    points = points[np.isfinite(points).all(axis=1)]
    if len(points) == 0:
        return -1.0, 1.0, -1.0, 1.0
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = np.where(hi - lo > 1e-9, (hi - lo) * margin, 1.0)
    return float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1])


def plane_grid(points: np.ndarray, resolution: int = RESOLUTION, margin: float = MARGIN):
    """(xs (R,), ys (R,), grid (R*R, 2)) over the points' extent; grid[i * R + j] = (xs[j], ys[i])."""
    r = max(2, int(resolution))
    x0, x1, y0, y1 = extent(points, margin)
    xs, ys = np.linspace(x0, x1, r), np.linspace(y0, y1, r)
    gx, gy = np.meshgrid(xs, ys)  # (R, R) each, rows follow ys
    return xs, ys, np.stack([gx.ravel(), gy.ravel()], axis=1)  # (R*R, 2)


def _all_points(trainer) -> np.ndarray:
    parts = [stored_points(s)[0] for s in trainer.splits.parts().values() if len(s)]
    return np.concatenate(parts) if parts else np.zeros((0, 2))


def _network_input(trainer, grid: np.ndarray) -> torch.Tensor:
    """Stored grid points -> what the network takes: normalized like the dataset, on the device."""
    x = torch.as_tensor(grid, dtype=torch.float32)  # (R*R, 2)
    mean, std = trainer.splits.mean.float().reshape(-1), trainer.splits.std.float().reshape(-1)
    return ((x - mean) / std).to(trainer.device)


def _subsample(n: int, limit: int) -> np.ndarray:
    """The same ``limit`` sorted indices of ``n`` every time (points must not jump between updates)."""
    if n <= limit:
        return np.arange(n)
    return np.sort(np.random.default_rng(0).choice(n, size=limit, replace=False))


def _metrics(trainer, split: str) -> dict:
    feed = trainer.feeds[split]
    if not len(feed):
        return {"count": 0}
    idx = _subsample(len(feed), METRIC_LIMIT)
    x, y = feed.sample(idx)
    out = model_outputs(trainer.model, x)
    m = split_metrics(trainer.objective, out, y)
    result = {"count": len(idx), "of": len(feed), "loss": float(m.loss)}
    if m.accuracy is not None:
        result["accuracy"] = float(m.accuracy)
    return result


def surface_kind(trainer) -> str:
    """"binary", "multiclass" or "regression"."""
    if not trainer.objective.classifies:
        return "regression"
    return "binary" if max(2, trainer.info.num_classes) == 2 else "multiclass"


def decision_surface(trainer, resolution: int = RESOLUTION, point_limit: int = POINT_LIMIT) -> dict:
    """The model's answer over the plane (plain numpy and numbers; see the module docstring).

    Keys: kind; xs, ys; values (R, R): P(class 1) / the winning class's probability / the predicted
    value; classes (R, R) int (the class picked: p > 0.5, or argmax) or None for regression;
    class_names; points {"train"|"test": (x (n, 2), y (n,))} subsampled to ``point_limit``;
    metrics {"train"|"test": {"loss", "accuracy"?, "count", "of"}}; step, epoch."""
    check_planar(trainer)
    xs, ys, grid = plane_grid(_all_points(trainer), resolution)
    r = len(xs)
    kind = surface_kind(trainer)
    model, objective = trainer.model, trainer.objective
    with probes.eval_mode(model), torch.no_grad():
        x = _network_input(trainer, grid)
        out = torch.cat([model(x[i:i + CHUNK]) for i in range(0, len(x), CHUNK)]).float()
        if out.dim() == 1:
            out = out.unsqueeze(1)  # (R*R,) -> (R*R, 1)
        if kind == "regression":
            values, classes = out.reshape(len(out), -1)[:, 0], None
        else:
            probs = objective.probabilities(out)  # (R*R, C)
            if kind == "binary":
                values = probs[:, 1]
                classes = (values > 0.5).long()
            else:
                values, classes = probs.max(dim=1)
        values = values.cpu().numpy().astype(np.float64).reshape(r, r)  # (R, R), row i at ys[i]
        classes = None if classes is None else classes.cpu().numpy().reshape(r, r)
        metrics = {name: _metrics(trainer, name) for name in ("train", "test")}
    points = {}
    for name in ("train", "test"):
        px, py = stored_points(trainer.splits.parts()[name])
        idx = _subsample(len(px), point_limit)
        points[name] = (px[idx], py.reshape(len(py), -1)[idx, 0] if py.ndim > 1 else py[idx])
    return {"kind": kind, "xs": xs, "ys": ys, "values": values, "classes": classes,
            "num_classes": int(trainer.info.num_classes), "class_names": tuple(trainer.info.class_names),
            "points": points, "metrics": metrics, "step": int(getattr(trainer, "step_count", 0)),
            "epoch": int(getattr(trainer, "epoch", 0)), "dataset": trainer.info.name}


def is_activation(what) -> bool:
    if isinstance(what, nn.Module):
        return type(what).__module__ in _ACTIVATION_MODULES and not list(what.children()) and (
            type(what).__module__ != "playground.nn.modules" or type(what).__name__ == "Step")
    return what in _ACTIVATION_FUNCTIONS


def hidden_outputs(record: list) -> list[tuple[str, torch.Tensor]]:
    """The hidden layers among ``node_outputs``: vector outputs (B, k), not the model's own output,
    not the input features, and not a layer whose output only feeds the activation right after it
    (TensorFlow Playground's neurons are the units after their activation)."""
    kept = []
    last = len(record) - 1
    for i, (name, what, out) in enumerate(record):
        if i == last or out.dim() != 2 or type(what).__name__ == "PointFeatures":
            continue
        nxt = record[i + 1] if i < last else None
        if (nxt is not None and is_activation(nxt[1]) and nxt[2].shape == out.shape
                and not is_activation(what)):
            continue  # pre-activation: its activation follows
        kept.append((name, out))
    return kept


def neuron_surfaces(trainer, resolution: int = NEURON_RESOLUTION, limit: int = NEURON_LIMIT) -> dict:
    """Every hidden unit's output over the plane: {"xs", "ys", "units": [(node, unit, map (R, R))],
    "total": how many units there are (more than shown when over ``limit``), "sizes": {node: its
    units, all of them, shown or not}}."""
    check_planar(trainer)
    xs, ys, grid = plane_grid(_all_points(trainer), resolution)
    r = len(xs)
    units, total, sizes = [], 0, {}
    with probes.eval_mode(trainer.model), torch.no_grad():
        record = probes.node_outputs(trainer.model, _network_input(trainer, grid))
        for name, out in hidden_outputs(record):
            maps = out.float().cpu().numpy().T.reshape(out.shape[1], r, r)  # (k, R*R) -> (k, R, R)
            sizes[name] = int(out.shape[1])
            for k in range(out.shape[1]):
                total += 1
                if len(units) < limit:
                    units.append((name, k, maps[k].astype(np.float64)))
    return {"xs": xs, "ys": ys, "units": units, "total": total, "sizes": sizes}
