"""The network's own loss landscape around its current weights (Li et al., 2018): torch in, numpy out.

Owns ``filter_normalized_direction`` (a random direction in weight space, each filter (row of a
weight matrix, output channel of a kernel) scaled to the norm of the same filter of the weights;
biases and other 1-D parameters get 0, as in the paper), ``landscape`` (the loss on a grid
θ + α·d₁ + β·d₂ evaluated with ``torch.func.functional_call``, so the model's own weights are never
changed), ``pca_directions`` (the two directions along which the recorded training path varied most,
the paper's way to see a trajectory: random directions in a space of many weights are nearly
orthogonal to it), ``project`` (weights seen during training as (α, β) coordinates: least squares
on the two directions) and ``trainer_landscape`` (all of it for a Trainer, on a fixed set of training
examples, run in the training thread). It draws nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.func import functional_call

from playground.core.errors import TrainingError

EXAMPLES = 256  # training examples the loss is measured on (at most)
MIN_EXAMPLES = 16
BUDGET_SECONDS = 4.0  # a grid that would take longer is measured on fewer examples
MAX_PATH_PARAMS = 2_000_000  # larger networks get no training path (snapshots would cost too much)


@dataclass
class Landscape:
    alphas: np.ndarray  # (n,)
    betas: np.ndarray  # (n,)
    losses: np.ndarray  # (n, n): losses[i, j] at (alphas[j], betas[i])
    center: float  # the loss at the current weights (α = β = 0)
    path: np.ndarray  # (T, 2): the training path's snapshots projected on (d₁, d₂), may be empty
    examples: int
    step: int
    explained: tuple[float, float] | None = None  # PCA directions: the share of the path's variance along each


def trainable(model: nn.Module) -> dict[str, torch.Tensor]:
    return {name: p for name, p in model.named_parameters() if p.requires_grad}


def filter_normalized_direction(params: dict[str, torch.Tensor], generator: torch.Generator) -> dict[str, torch.Tensor]:
    out = {}
    for name, p in params.items():
        d = torch.randn(p.shape, generator=generator, dtype=torch.float32).to(p.device, p.dtype)
        if p.dim() <= 1:
            d.zero_()
        else:
            d_rows, p_rows = d.reshape(d.shape[0], -1), p.detach().reshape(p.shape[0], -1)  # (filters, rest)
            scale = p_rows.norm(dim=1) / (d_rows.norm(dim=1) + 1e-10)
            d = (d_rows * scale[:, None]).reshape(p.shape)
        out[name] = d
    return out


def pca_directions(params: dict[str, torch.Tensor], snapshots: list[np.ndarray]) -> tuple[dict, dict, tuple]:
    """The first two principal directions of the snapshots' offsets from the current weights (unit
    vectors, as dicts shaped like ``params``) and the share of variance each explains."""
    if len(snapshots) < 3:
        raise TrainingError(f"the recorded training path has {len(snapshots)} point(s)", where="landscape",
                            fix="keep this view open while training runs (it records the path), or use random directions")
    offsets = torch.as_tensor(np.stack(snapshots), dtype=torch.float64) - flat(params)  # (T, P)
    _u, s, vh = torch.linalg.svd(offsets, full_matrices=False)  # vh: (T, P), rows are the directions
    if len(s) < 2 or float(s[1]) <= 1e-12 * max(1.0, float(s[0])):
        raise TrainingError("the weights moved along one line only", where="landscape", fix="train a few more steps")
    share = (s ** 2 / (s ** 2).sum()).tolist()
    return unflat(vh[0], params), unflat(vh[1], params), (share[0], share[1])


def unflat(vector: torch.Tensor, like: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    out, at = {}, 0
    for name, p in like.items():
        out[name] = vector[at: at + p.numel()].reshape(p.shape).to(p.device, p.dtype)
        at += p.numel()
    return out


def flat(tensors: dict[str, torch.Tensor]) -> torch.Tensor:
    return torch.cat([t.detach().reshape(-1).double().cpu() for t in tensors.values()])


def project(points: np.ndarray, theta0: torch.Tensor, d1: torch.Tensor, d2: torch.Tensor) -> np.ndarray:
    """(T, P) flat weight vectors -> (T, 2) coordinates (α, β) with θ ≈ θ₀ + α d₁ + β d₂ (least squares)."""
    if not len(points):
        return np.zeros((0, 2))
    basis = torch.stack([d1, d2], 1)  # (P, 2)
    offsets = torch.as_tensor(np.asarray(points), dtype=torch.float64) - theta0  # (T, P)
    return torch.linalg.lstsq(basis, offsets.T).solution.T.numpy()  # (T, 2)


def landscape(model: nn.Module, x: torch.Tensor, loss_fn, d1: dict, d2: dict, alphas: np.ndarray,
              betas: np.ndarray) -> np.ndarray:
    """losses[i, j] = loss_fn(model's output for ``x`` with θ + alphas[j] d₁ + betas[i] d₂). One row
    of the grid is one ``torch.func.vmap`` call over the stacked weights (a plain loop when a layer
    cannot be vmapped)."""
    params = trainable(model)
    buffers = dict(model.named_buffers())
    out = np.zeros((len(betas), len(alphas)))
    a = torch.as_tensor(np.asarray(alphas), dtype=torch.float32)

    def one(moved):
        return loss_fn(functional_call(model, {**moved, **buffers}, (x,)))

    was = model.training
    model.eval()
    try:
        with torch.no_grad():
            batched = torch.func.vmap(one)
            for i, b in enumerate(betas):
                row = {k: p + a.to(p.device, p.dtype).reshape(-1, *[1] * p.dim()) * d1[k] + float(b) * d2[k]
                       for k, p in params.items()}  # (n, *shape): the row's weights, stacked
                try:
                    out[i] = batched(row).double().cpu().numpy()
                except Exception:  # noqa: BLE001 - a layer vmap cannot batch: one point at a time
                    for j in range(len(alphas)):
                        out[i, j] = float(one({k: v[j] for k, v in row.items()}))
    finally:
        model.train(was)
    return out


def trainer_landscape(trainer, snapshots: list[np.ndarray], n: int = 21, seed: int = 0,
                      examples: int = EXAMPLES, directions: str = "random") -> Landscape:
    """The landscape around a Trainer's current weights on its first ``examples`` training
    examples, the grid wide enough to hold the projected training path (random directions: at
    least ±1, one filter's own size). ``directions``: "random" (filter-normalized) or "pca"."""
    feed = trainer.train_feed
    count = min(examples, len(feed))
    model = trainer.model
    x, y = trainer.examples("train", list(range(count)))
    start = time.perf_counter()
    was = model.training
    model.eval()
    with torch.no_grad():
        model(x)
    model.train(was)
    per_pass = time.perf_counter() - start
    if per_pass * n * n > BUDGET_SECONDS and count > MIN_EXAMPLES:  # a big network: fewer examples, same grid
        count = max(MIN_EXAMPLES, int(count * BUDGET_SECONDS / (per_pass * n * n)))
        x, y = x[:count], y[:count]
    target = trainer.objective.target(y)

    def loss_fn(out):
        return trainer.objective.loss(out, target)

    params = trainable(model)
    explained = None
    if directions == "pca":
        d1, d2, explained = pca_directions(params, snapshots)
    else:
        g = torch.Generator().manual_seed(seed)
        d1, d2 = filter_normalized_direction(params, g), filter_normalized_direction(params, g)
    path = project(snapshots, flat(params), flat(d1), flat(d2)) if snapshots else np.zeros((0, 2))
    reach = 1.15 * float(np.abs(path).max()) if len(path) else 0.0
    span = max(reach, 1e-3) if directions == "pca" else max(1.0, reach)
    alphas = betas = np.linspace(-span, span, n)
    losses = landscape(model, x, loss_fn, d1, d2, alphas, betas)
    return Landscape(alphas, betas, losses, losses[n // 2, n // 2], path, count, trainer.step_count, explained)


def snapshot(trainer) -> np.ndarray | None:
    """The trainer's weights as one flat float64 vector (None when the network is too big to keep a path)."""
    params = trainable(trainer.model)
    if sum(p.numel() for p in params.values()) > MAX_PATH_PARAMS:
        return None
    return flat(params).numpy()
