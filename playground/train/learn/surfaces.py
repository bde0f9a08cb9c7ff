"""Two-parameter loss surfaces for the optimizer race: the classic test functions and a linear
regression on real points (no Qt).

Owns ``Surface`` (a record: key, title, the loss as a torch function of a (2,) parameter tensor,
the view's range, a default start, where the minima are and the one-line lesson it teaches) and
``SURFACES``, the table the view's picker is built from. A surface with ``data`` is a mean of
per-example losses, so an optimizer can take it on a mini-batch (``batch_loss``); the others can
be made stochastic with ``noisy`` (Gaussian noise added to the gradient, the way a mini-batch's
gradient scatters around the true one). ``grid`` evaluates a surface on a mesh for the heat map.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np
import torch


@dataclass(frozen=True)
class Surface:
    key: str
    title: str
    fn: Callable  # (p: (..., 2) tensor, setting: float) -> (...) loss
    xrange: tuple[float, float]
    yrange: tuple[float, float]
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    lesson: str
    setting: str = ""  # the name of the slider's value ("condition number"), "" when none
    setting_range: tuple[float, float, float] = (1.0, 1.0, 1.0)  # low, high, default
    data: Callable | None = None  # () -> (x (N,), y (N,)) for a data surface
    labels: tuple[str, str] = ("x", "y")
    lr: float = 0.05  # a learning rate that works for the gradient-sized optimizers (SGD, momentum) here
    step: float = 0.05  # and for those whose step is about lr whatever the gradient (AdaGrad ×10, RMSProp, Adam)

    def loss(self, p: torch.Tensor, setting: float | None = None) -> torch.Tensor:
        return self.fn(p, self.setting_range[2] if setting is None else setting)

    def grid(self, n: int = 120, setting: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(xs (n,), ys (n,), loss (n, n)) with loss[i, j] at (xs[j], ys[i])."""
        xs = np.linspace(*self.xrange, n)
        ys = np.linspace(*self.yrange, n)
        gx, gy = np.meshgrid(xs, ys)
        p = torch.as_tensor(np.stack([gx, gy], -1), dtype=torch.float64)  # (n, n, 2)
        with torch.no_grad():
            return xs, ys, self.loss(p, setting).numpy()


def bowl(p, kappa):
    """A quadratic bowl stretched by the condition number κ: (x² + κ y²) / 2 (a ravine when κ is large)."""
    return 0.5 * (p[..., 0] ** 2 + kappa * p[..., 1] ** 2)


def rosenbrock(p, _s):
    return (1 - p[..., 0]) ** 2 + 100 * (p[..., 1] - p[..., 0] ** 2) ** 2


def beale(p, _s):
    x, y = p[..., 0], p[..., 1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2


def saddle(p, _s):
    return p[..., 0] ** 2 - p[..., 1] ** 2


def himmelblau(p, _s):
    x, y = p[..., 0], p[..., 1]
    return (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2


@lru_cache(maxsize=1)
def diabetes_points() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's diabetes data (shipped in its wheel): body-mass index against disease
    progression a year later, both standardized; 442 real patients."""
    from sklearn.datasets import load_diabetes

    d = load_diabetes()
    x = np.asarray(d.data[:, 2], dtype=np.float64)
    y = np.asarray(d.target, dtype=np.float64)
    return (x - x.mean()) / x.std(), (y - y.mean()) / y.std()


def regression_losses(p: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example squared errors of the line y = w x + b, (..., N) for p = (..., 2) = (w, b)."""
    return (p[..., 0:1] * x + p[..., 1:2] - y) ** 2


def linear_regression(p, _s):
    x, y = (torch.as_tensor(v, dtype=p.dtype) for v in diabetes_points())
    return 0.5 * regression_losses(p, x, y).mean(-1)


SURFACES: tuple[Surface, ...] = (
    Surface("bowl", "Quadratic bowl", bowl, (-3, 3), (-3, 3), (-2.8, 1.5), ((0, 0),),
            "A larger condition number makes a ravine: plain SGD zig-zags across it, momentum and Adam go along it.",
            "condition number κ", (1.0, 100.0, 10.0), lr=0.18, step=0.1),
    Surface("rosenbrock", "Rosenbrock", rosenbrock, (-2, 2), (-1, 3), (-1.5, 2.5), ((1, 1),),
            "A curved, flat-bottomed valley: finding it is easy, following it to (1, 1) is slow.", lr=0.001,
            step=0.05),
    Surface("beale", "Beale", beale, (-4.5, 4.5), (-4.5, 4.5), (1.0, 1.4), ((3, 0.5),),
            "Steep walls and flat plateaus: adaptive step sizes (AdaGrad, RMSProp, Adam) cope with both.", lr=0.005,
            step=0.05),
    Surface("saddle", "Saddle", saddle, (-2, 2), (-2, 2), (-1.8, 0.02), (),
            "A saddle point: the gradient vanishes at the centre; momentum and noise help roll off it."),
    Surface("himmelblau", "Himmelblau", himmelblau, (-5, 5), (-5, 5), (0.0, -0.5),
            ((3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
            "Four minima: where an optimizer ends depends on the start and on its momentum.", lr=0.01, step=0.1),
    Surface("linreg", "Linear regression (w, b)", linear_regression, (-1.5, 2.0), (-1.5, 1.5), (-1.2, 1.2), (),
            "Fitting y = w·x + b to 442 real patients (diabetes data): full-batch gradient descent follows the "
            "gradient of the whole loss, SGD (batch 1) and mini-batch SGD follow noisy estimates of it.",
            data=diabetes_points, labels=("w", "b"), lr=0.1, step=0.05),
)

BY_KEY = {s.key: s for s in SURFACES}


def get_surface(key: str) -> Surface:
    return BY_KEY[key]


def batch_loss(surface: Surface, p: torch.Tensor, indices: torch.Tensor | None) -> torch.Tensor:
    """A data surface's loss on the examples ``indices`` (None: all of them)."""
    x, y = (torch.as_tensor(v, dtype=p.dtype) for v in surface.data())
    if indices is not None:
        x, y = x[indices], y[indices]
    return 0.5 * regression_losses(p, x, y).mean(-1)
