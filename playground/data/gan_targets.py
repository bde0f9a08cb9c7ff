"""Target distributions for a GAN on 2-D data (GAN Lab's view): what the generator must learn to imitate.

Owns the samplers and their dataset records: ``ring`` (Gaussians evenly spaced on a circle),
``grid`` (Gaussians on a square grid), ``spiral`` (one arm with a little spread), ``moons`` (two
interlocking half circles) and ``drawn`` (small Gaussians around points the user drew, given as
text ``"x1,y1; x2,y2; ..."``). Each sampler takes ``(n, params, rng)`` and returns
``(x (n, 2) float, mode (n,) int)``: the label of every real point is the *mode* it came from (which
Gaussian, which moon, which stretch of the spiral), so the same data also shows, coloured by mode,
in the dataset preview, and mode coverage (``train.gan.metrics``) can count how many modes receive
generated points. Same seed, same points. Coordinates are raw, about [-3, 3].

It does not own training, the GAN's metrics or any view.
"""

from __future__ import annotations

import numpy as np
import torch

from playground.core.errors import DataError

from .spec import DatasetSpec, Param, RawData

N_POINTS = 512
SPIRAL_SECTIONS = 6  # a spiral's "modes": equal stretches along the arm
MAX_DRAWN = 200


def ring(n: int, params: dict, rng) -> tuple[np.ndarray, np.ndarray]:
    """``modes`` Gaussians (std ``spread``) evenly spaced on a circle of radius ``radius``."""
    m = params["modes"]
    angles = 2 * np.pi * np.arange(m) / m
    centers = params["radius"] * np.stack([np.cos(angles), np.sin(angles)], axis=1)  # (m, 2)
    return _around(centers, n, params["spread"], rng)


def grid(n: int, params: dict, rng) -> tuple[np.ndarray, np.ndarray]:
    """``side`` x ``side`` Gaussians (std ``spread``) on a square grid spanning [-radius, radius]^2."""
    s = params["side"]
    ticks = np.linspace(-params["radius"], params["radius"], s) if s > 1 else np.zeros(1)
    gx, gy = np.meshgrid(ticks, ticks, indexing="xy")
    centers = np.stack([gx.ravel(), gy.ravel()], axis=1)  # (side*side, 2)
    return _around(centers, n, params["spread"], rng)


def spiral(n: int, params: dict, rng) -> tuple[np.ndarray, np.ndarray]:
    """One arm of 1.5 turns out to ``radius``, Gaussian spread ``spread``; modes: equal stretches."""
    t = rng.uniform(0.0, 1.0, n)
    angle = 1.5 * 2 * np.pi * t
    r = params["radius"] * (0.15 + 0.85 * t)
    x = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1) + rng.normal(0, params["spread"], (n, 2))
    mode = np.minimum((t * SPIRAL_SECTIONS).astype(np.int64), SPIRAL_SECTIONS - 1)
    return x, mode


def moons(n: int, params: dict, rng) -> tuple[np.ndarray, np.ndarray]:
    """Two interlocking half circles (scikit-learn's make_moons), scaled to about [-radius, radius]."""
    which = rng.integers(0, 2, n)
    angle = rng.uniform(0, np.pi, n)
    upper = np.stack([np.cos(angle), np.sin(angle)], axis=1)  # (n, 2)
    lower = np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1)
    x = np.where(which[:, None] == 0, upper, lower) - np.array([0.5, 0.25])
    x = x * (params["radius"] / 1.5) + rng.normal(0, params["spread"], (n, 2))
    return x, which.astype(np.int64)


def parse_points(text: str, where: str = "dataset 'gan_drawn'") -> np.ndarray:
    """``"x1,y1; x2,y2"`` -> (k, 2) array; DataError naming the bad part and the form otherwise."""
    rows = [part.strip() for part in str(text).replace("\n", ";").split(";") if part.strip()]
    if not rows:
        raise DataError("no points were drawn", where=where,
                        fix='click on the GAN plane to draw points, or write them as "x1,y1; x2,y2"')
    if len(rows) > MAX_DRAWN:
        raise DataError(f"{len(rows)} points were drawn; at most {MAX_DRAWN} are kept", where=where,
                        fix="draw fewer points")
    out = []
    for i, row in enumerate(rows):
        parts = row.split(",")
        try:
            x, y = (float(v) for v in parts)
        except ValueError:
            raise DataError(f"point {i + 1} ('{row[:40]}') is not two numbers 'x,y'", where=where,
                            fix='write points as "x1,y1; x2,y2", e.g. "0,1; 1.5,-0.5"') from None
        if not (np.isfinite(x) and np.isfinite(y)) or max(abs(x), abs(y)) > 100:
            raise DataError(f"point {i + 1} ({row[:40]}) is not a finite number within ±100", where=where,
                            fix="draw inside the plane")
        out.append((x, y))
    return np.asarray(out, dtype=np.float64)


def format_points(points) -> str:
    """(k, 2) -> ``"x1,y1; x2,y2"`` (two decimals), the form ``parse_points`` reads."""
    return "; ".join(f"{x:.2f},{y:.2f}" for x, y in np.asarray(points, dtype=float).reshape(-1, 2))


def drawn(n: int, params: dict, rng) -> tuple[np.ndarray, np.ndarray]:
    """Small Gaussians (std ``spread``) around each drawn point; each drawn point is a mode."""
    return _around(parse_points(params["points"]), n, params["spread"], rng)


def _around(centers: np.ndarray, n: int, spread: float, rng) -> tuple[np.ndarray, np.ndarray]:
    mode = rng.integers(0, len(centers), n)
    return centers[mode] + rng.normal(0, spread, (n, 2)), mode.astype(np.int64)


#: sampler name -> (sampler, mode names for params) ; the records below are built from this table
SAMPLERS = {"ring": ring, "grid": grid, "spiral": spiral, "moons": moons, "drawn": drawn}


def mode_count(name: str, params: dict) -> int:
    """How many modes target ``name`` has with these (resolved) parameters."""
    counts = {"ring": lambda p: p["modes"], "grid": lambda p: p["side"] ** 2,
              "spiral": lambda p: SPIRAL_SECTIONS, "moons": lambda p: 2,
              "drawn": lambda p: len(parse_points(p["points"]))}
    return counts[name](params)


def sample(name: str, n: int, params: dict, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` real points of target ``name`` (resolved params), deterministic in ``seed``."""
    x, mode = SAMPLERS[name](n, params, np.random.default_rng(seed))
    return x.astype(np.float32), mode


def _loader(name: str):
    def load(params: dict, root, seed: int) -> RawData:
        x, mode = sample(name, params["n_points"], params, seed)
        names = tuple(f"mode {i + 1}" for i in range(mode_count(name, params)))
        return RawData(x=torch.from_numpy(x), y=torch.from_numpy(mode), kind="points", class_names=names)

    return load


def _params(**extra: Param) -> dict[str, Param]:
    return {"n_points": Param(N_POINTS, 10, 100_000, "number of real points, 10 to 100000"),
            "radius": Param(2.0, 0.1, 10.0, "size of the pattern (radius of the ring), 0.1 to 10"),
            "spread": Param(0.05, 0.0, 2.0, "standard deviation of each Gaussian around its centre, 0 to 2"),
            **extra}


_TABLE = [
    ("gan_ring", "GAN target: ring of Gaussians", "ring", {"modes": Param(8, 1, 64, "number of Gaussians on the ring, 1 to 64")},
     "Gaussians evenly spaced on a circle, labelled by which one each point came from: the classic test of mode collapse."),
    ("gan_grid", "GAN target: grid of Gaussians", "grid", {"side": Param(3, 1, 8, "Gaussians per side of the grid, 1 to 8")},
     "A square grid of Gaussians, labelled by which one each point came from."),
    ("gan_spiral", "GAN target: spiral", "spiral", {},
     f"One spiral arm; its {SPIRAL_SECTIONS} equal stretches count as its modes."),
    ("gan_moons", "GAN target: two moons", "moons", {},
     "Two interlocking half circles, labelled by moon."),
    ("gan_drawn", "GAN target: drawn by you", "drawn",
     {"points": Param("-1,1; 1,1; 0,-1", None, None, 'the drawn points as "x1,y1; x2,y2; ..."')},
     "Small Gaussians around points you draw on the GAN plane (each drawn point is a mode)."),
]

def _mode_names(sampler: str, params: dict[str, Param]) -> tuple[str, ...]:
    """The modes' names with the default parameters (a loaded set names its own, ``_loader``)."""
    return tuple(f"mode {i + 1}" for i in range(mode_count(sampler, {k: p.default for k, p in params.items()})))


SPECS = [
    DatasetSpec(name=name, title=title, task="classification", description=desc, source="generated",
                input_shape=(2,), classes=_mode_names(sampler, _params(**extra)), loader=_loader(sampler),
                parameters=_params(**extra), group="GAN targets")
    for name, title, sampler, extra, desc in _TABLE
]

#: dataset name -> sampler name (the GAN trainer samples fresh real points from it)
TARGET_OF = {name: sampler for name, _, sampler, _, _ in _TABLE}
