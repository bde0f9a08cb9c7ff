"""MSE, MAE and Huber fitted side by side: the same line y = w x + b, three losses, one dataset.

Owns ``fit_line`` (full-batch Adam from torch.optim on the registry's own loss function) and
``robust_fits`` (the three fits on a 1-D dataset, by default the "line" set with a share of
outliers, so a student sees MSE pulled towards the corrupted points while MAE and Huber stay with
the bulk). Small and quick (a few hundred steps on a few hundred points); the view runs it off the
GUI thread. It draws nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from playground.data import load
from playground.train.losses import get_loss

ROBUST_LOSSES = ("mse", "mae", "huber")
STEPS = 400
LR = 0.05


@dataclass
class LineFit:
    loss: str
    w: float
    b: float
    final_loss: float


def fit_line(x: np.ndarray, y: np.ndarray, loss: str, steps: int = STEPS, lr: float = LR,
             settings: dict | None = None) -> LineFit:
    """Minimize the registry's ``loss`` of y = w x + b over all points with torch.optim.Adam."""
    spec = get_loss(loss)
    settings = spec.resolve(settings, where="Losses explorer")
    xt = torch.as_tensor(np.asarray(x, dtype=np.float32).reshape(-1, 1))  # (n, 1)
    yt = torch.as_tensor(np.asarray(y, dtype=np.float32).reshape(-1, 1))  # (n, 1)
    w = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=lr)
    value = torch.tensor(0.0)
    for _ in range(int(steps)):
        opt.zero_grad()
        value = spec.fn(xt * w + b, yt, **settings)
        value.backward()
        opt.step()
    with torch.no_grad():
        final = float(spec.fn(xt * w + b, yt, **settings))
    return LineFit(loss, float(w.detach()), float(b.detach()), final)


def dataset_points(name: str = "line", params: dict | None = None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """All points (x (n,), y (n,)) of a 1-D regression dataset, in its own units."""
    splits = load(name, params=params, seed=seed)
    xs, ys = [], []
    for part in splits.parts().values():
        if len(part):
            xs.append(part.x.reshape(len(part), -1)[:, 0].numpy())
            ys.append(part.y.reshape(len(part), -1)[:, 0].numpy())
    return np.concatenate(xs).astype(np.float64), np.concatenate(ys).astype(np.float64)


def robust_fits(name: str = "line", outliers: float = 0.15, seed: int = 0, steps: int = STEPS) -> dict:
    """The dataset's points and the MSE / MAE / Huber line fitted to them."""
    x, y = dataset_points(name, {"outliers": outliers}, seed)
    fits = {loss: fit_line(x, y, loss, steps) for loss in ROBUST_LOSSES}
    return {"x": x, "y": y, "fits": fits, "dataset": name, "outliers": outliers}
