"""2-D point datasets built like TensorFlow Playground's generators (``dataset.ts``), plus moons.

Classification: circle, xor, gauss, spiral, moons. Regression: plane, multi_gauss. Same
constructions, ranges (points in about [-6, 6]) and noise meaning as TF Playground, so a teacher's
habits carry over; TF's labels -1 / +1 become classes 0 / 1. Coordinates stay raw (no
normalization) so a decision-boundary plot is in the dataset's own coordinates. Each generator
takes ``(n, noise, rng)`` and returns ``(x (n, 2) float, y)``; this module owns those generators and
their registry records, nothing else.
"""

from __future__ import annotations

import numpy as np
import torch

from .spec import DatasetSpec, Param, RawData

N_CLASSIFY = 500  # TF Playground's NUM_SAMPLES_CLASSIFY
N_REGRESS = 1200  # TF Playground's NUM_SAMPLES_REGRESS


def _uniform(rng, lo, hi, n):
    return rng.uniform(lo, hi, size=n)


def circle(n: int, noise: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """Half the points inside radius 2.5, half in the ring 3.5..5; labelled by the noisy position."""
    radius = 5.0
    halves = [(0.0, radius * 0.5, n // 2), (radius * 0.7, radius, n - n // 2)]
    xs = []
    for r_lo, r_hi, m in halves:
        r = _uniform(rng, r_lo, r_hi, m)
        angle = _uniform(rng, 0, 2 * np.pi, m)
        xs.append(np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1))  # (m, 2)
    x = np.concatenate(xs)
    noisy = x + _uniform(rng, -radius, radius, (n, 2)) * noise
    y = (np.hypot(noisy[:, 0], noisy[:, 1]) < radius * 0.5).astype(np.int64)
    return x, y


def xor(n: int, noise: float, rng):
    """Uniform in [-5, 5]^2 pushed 0.3 away from the axes; class 1 where x*y >= 0 (noisy)."""
    x = _uniform(rng, -5, 5, (n, 2))
    x += np.where(x > 0, 0.3, -0.3)
    noisy = x + _uniform(rng, -5, 5, (n, 2)) * noise
    y = (noisy[:, 0] * noisy[:, 1] >= 0).astype(np.int64)
    return x, y


def gauss(n: int, noise: float, rng):
    """Two Gaussian clouds at (2, 2) and (-2, -2); noise 0..0.5 sets the variance 0.5..4."""
    variance = 0.5 + (4 - 0.5) * noise / 0.5
    std = np.sqrt(variance)
    pos = rng.normal(2, std, size=(n // 2, 2))
    neg = rng.normal(-2, std, size=(n - n // 2, 2))
    x = np.concatenate([pos, neg])
    y = np.concatenate([np.ones(n // 2, np.int64), np.zeros(n - n // 2, np.int64)])
    return x, y


def spiral(n: int, noise: float, rng):
    """Two interleaved spiral arms (1.75 turns, radius 0..5), uniform noise of size ``noise``."""
    xs, ys = [], []
    for delta, label, m in [(0.0, 1, n // 2), (np.pi, 0, n - n // 2)]:
        i = np.arange(m)
        r = i / m * 5
        t = 1.75 * i / m * 2 * np.pi + delta
        arm = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)  # (m, 2)
        xs.append(arm + _uniform(rng, -1, 1, (m, 2)) * noise)
        ys.append(np.full(m, label, np.int64))
    return np.concatenate(xs), np.concatenate(ys)


def moons(n: int, noise: float, rng):
    """scikit-learn's two moons, centred and scaled by 3 to the same range as the others."""
    from sklearn.datasets import make_moons

    x, y = make_moons(n_samples=n, noise=noise, random_state=int(rng.integers(2**31 - 1)))
    return (x - np.array([0.5, 0.25])) * 3.0, y.astype(np.int64)


def _noisy_uniform(n, noise, rng):
    radius = 6.0
    x = _uniform(rng, -radius, radius, (n, 2))
    return x, x + _uniform(rng, -radius, radius, (n, 2)) * noise


def plane(n: int, noise: float, rng):
    """Target (x + y) / 10, in [-1.2, 1.2], for points uniform in [-6, 6]^2."""
    x, noisy = _noisy_uniform(n, noise, rng)
    return x, (noisy.sum(axis=1) / 10.0)[:, None]  # (n, 1)


GAUSSIANS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])


def multi_gauss(n: int, noise: float, rng):
    """Six signed bumps (radius 2); the target is the bump value largest in absolute size."""
    x, noisy = _noisy_uniform(n, noise, rng)
    d = np.linalg.norm(noisy[:, None, :] - GAUSSIANS[None, :, :2], axis=2)  # (n, 6)
    values = GAUSSIANS[None, :, 2] * np.clip(1 - d / 2, 0, 1)  # (n, 6)
    pick = np.abs(values).argmax(axis=1)
    return x, values[np.arange(n), pick][:, None]  # (n, 1)


def _loader(generate):
    def load(params: dict, root, seed: int) -> RawData:
        rng = np.random.default_rng(seed)
        x, y = generate(params["n_points"], params["noise"], rng)
        y_t = torch.from_numpy(np.ascontiguousarray(y))
        y_t = y_t.to(torch.float32) if y_t.is_floating_point() else y_t.to(torch.int64)
        return RawData(x=torch.from_numpy(x.astype(np.float32)), y=y_t, kind="points")

    return load


def _params(n_default: int, noise_doc: str) -> dict[str, Param]:
    return {
        "n_points": Param(n_default, 10, 100_000, "number of points, 10 to 100000"),
        "noise": Param(0.0, 0.0, 0.5, noise_doc),
    }


_NOISE = "noise, 0 to 0.5 (TF Playground's 0..50)"

#: name, title, task, generator, classes, description
_TABLE = [
    ("circle", "Circle (2-D)", "classification", circle, ("outside", "inside"),
     "Points inside a circle versus points in a ring around it: needs a curved boundary."),
    ("xor", "XOR (2-D)", "classification", xor, ("opposite signs", "same sign"),
     "Four squares, class by whether x and y have the same sign: one straight line cannot split it."),
    ("gauss", "Two Gaussians (2-D)", "classification", gauss, ("lower-left cloud", "upper-right cloud"),
     "Two round clouds of points: a single straight line separates them."),
    ("spiral", "Spiral (2-D)", "classification", spiral, ("second arm", "first arm"),
     "Two interleaved spiral arms: the hardest 2-D set, it needs several layers."),
    ("moons", "Two moons (2-D)", "classification", moons, ("upper moon", "lower moon"),
     "Two interlocking half circles (scikit-learn's make_moons, noise is the Gaussian spread)."),
    ("plane", "Plane (2-D regression)", "regression", plane, (),
     "Predict (x + y) / 10 from the point's position: a tilted plane."),
    ("multi_gauss", "Multi-Gaussian (2-D regression)", "regression", multi_gauss, (),
     "Predict the height of six positive and negative bumps from the point's position."),
]

SPECS = [
    DatasetSpec(
        name=name,
        title=title,
        task=task,
        description=desc,
        source="generated",
        input_shape=(2,),
        classes=classes,
        loader=_loader(gen),
        parameters=_params(N_CLASSIFY if task == "classification" else N_REGRESS, _NOISE),
        target_shape=() if task == "classification" else (1,),
        group="2-D points",
    )
    for name, title, task, gen, classes, desc in _TABLE
]
