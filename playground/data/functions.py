"""1-D function regression for the universal-approximation demo and the robust-loss demo: sine,
step, abs, bumps, line.

x is uniform in [-1, 1]; the target is f(x) plus optional Gaussian noise, shaped (N, 1); with
``outliers`` > 0 that share of the points (chosen at random) has its target pushed far up (by 2 to
4), the corrupted labels that MSE chases and MAE / Huber shrug off. Owns the functions and their
registry records only.
"""

from __future__ import annotations

import numpy as np
import torch

from .spec import DatasetSpec, Param, RawData


def sine(x: np.ndarray, p: dict) -> np.ndarray:
    return np.sin(np.pi * p["frequency"] * x)


def step(x: np.ndarray, p: dict) -> np.ndarray:
    return (x >= 0).astype(np.float64)


def absolute(x: np.ndarray, p: dict) -> np.ndarray:
    return np.abs(x)


def bumps(x: np.ndarray, p: dict) -> np.ndarray:
    """A sum of ``bumps`` Gaussian bumps, evenly spaced in [-0.75, 0.75], heights alternating in sign."""
    k = p["bumps"]
    centres = np.linspace(-0.75, 0.75, k) if k > 1 else np.zeros(1)
    heights = np.where(np.arange(k) % 2 == 0, 1.0, -0.6)
    width = 0.6 / k
    return (heights * np.exp(-0.5 * ((x[:, None] - centres) / width) ** 2)).sum(axis=1)  # (n,)


def line(x: np.ndarray, p: dict) -> np.ndarray:
    return 0.8 * x + 0.2


def add_outliers(y: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    """``y`` with round(share * n) random targets raised by 2 to 4 (none drawn when share is 0)."""
    count = int(round(share * len(y)))
    if count <= 0:
        return y
    y = y.copy()
    idx = rng.choice(len(y), size=count, replace=False)
    y[idx] += rng.uniform(2.0, 4.0, size=count)
    return y


def _loader(f):
    def load(params: dict, root, seed: int) -> RawData:
        rng = np.random.default_rng(seed)
        n = params["n_points"]
        x = rng.uniform(-1, 1, size=n)
        y = f(x, params) + rng.normal(0, params["noise"], size=n)
        y = add_outliers(y, params.get("outliers", 0.0), rng)
        return RawData(
            x=torch.from_numpy(x.astype(np.float32)[:, None]),  # (n, 1)
            y=torch.from_numpy(y.astype(np.float32)[:, None]),  # (n, 1)
            kind="points",
        )

    return load


_COMMON = {
    "n_points": Param(200, 10, 100_000, "number of points, 10 to 100000"),
    "noise": Param(0.0, 0.0, 1.0, "standard deviation of Gaussian noise added to the target, 0 to 1"),
    "outliers": Param(0.0, 0.0, 0.5, "share of points whose target is pushed far up (corrupted labels), 0 to 0.5"),
}

#: name, title, function, extra parameters, description
_TABLE = [
    ("sine", "Sine wave (1-D)", sine,
     {"frequency": Param(1.0, 0.25, 8.0, "half-periods across [-1, 1], 0.25 to 8")},
     "Fit y = sin(pi * frequency * x): a smooth curve that needs a few hidden units."),
    ("step", "Step (1-D)", step, {},
     "Fit a jump from 0 to 1 at x = 0: sharp edges are hard for smooth activations."),
    ("abs", "Absolute value (1-D)", absolute, {},
     "Fit y = |x|: two ReLUs are enough."),
    ("bumps", "Sum of bumps (1-D)", bumps,
     {"bumps": Param(3, 1, 8, "number of bumps, 1 to 8")},
     "Fit several up-and-down bumps: each one needs its own hidden units."),
    ("line", "Straight line (1-D)", line,
     {"noise": Param(0.1, 0.0, 1.0, "standard deviation of Gaussian noise added to the target, 0 to 1")},
     "Fit y = 0.8x + 0.2 with some noise; add outliers to see MSE pulled away while MAE and Huber hold."),
]

SPECS = [
    DatasetSpec(
        name=name,
        title=title,
        task="regression",
        description=desc,
        source="generated",
        input_shape=(1,),
        classes=(),
        loader=_loader(f),
        parameters={**_COMMON, **extra},
        target_shape=(1,),
        group="1-D functions",
    )
    for name, title, f, extra, desc in _TABLE
]
