"""How close the generated points are to the real ones: mode coverage and the energy distance.

- ``mode_coverage(real, modes, fake)``: each generated point counts for the mode of its nearest
  real point when it lies within ``tol`` of it (``tol`` = 3 times the typical spread of a mode's
  real points around their mean, so it follows the target's scale); a mode is *covered* when it
  receives at least a quarter of its fair share (``N / M / 4``) of the generated points. Mode
  collapse shows as few modes covered while the generated points still sit on real ones.
- ``energy_distance(a, b)``: ``2 E|A-B| - E|A-A'| - E|B-B'|`` over all pairs of the two sets
  (Székely's energy distance, squared form; 0 when the two sets are the same distribution, larger
  the more they differ). numpy and scipy's pairwise distances; no Qt, no torch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import cdist

SHARE_OF_FAIR = 0.25


@dataclass(frozen=True)
class Coverage:
    covered: int  # modes receiving enough generated points
    modes: int  # modes of the target
    counts: tuple[int, ...]  # generated points per mode
    on_target: float  # share of generated points within tol of a real point
    tol: float

    @property
    def share(self) -> float:
        return self.covered / self.modes if self.modes else 0.0

    @property
    def collapsed(self) -> bool:
        """Fewer than all modes covered while most generated points do sit on the real data."""
        return self.covered < self.modes and self.on_target >= 0.5


def mode_tolerance(real: np.ndarray, modes: np.ndarray) -> float:
    """3 x the median, over modes, of the RMS distance of a mode's points to their mean."""
    spreads = []
    for m in np.unique(modes):
        pts = real[modes == m]
        spreads.append(float(np.sqrt(((pts - pts.mean(axis=0)) ** 2).sum(axis=1).mean())))
    return 3.0 * max(float(np.median(spreads)), 1e-3)


def nearest(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``a``: (index of its nearest row of ``b``, the distance)."""
    d = cdist(a, b)  # (len(a), len(b))
    idx = d.argmin(axis=1)
    return idx, d[np.arange(len(a)), idx]


def mode_coverage(real: np.ndarray, modes: np.ndarray, fake: np.ndarray, n_modes: int | None = None) -> Coverage:
    real, fake = np.asarray(real, float), np.asarray(fake, float)
    modes = np.asarray(modes)
    n_modes = int(n_modes if n_modes is not None else modes.max() + 1)
    tol = mode_tolerance(real, modes)
    idx, dist = nearest(fake, real)
    near = dist <= tol
    counts = np.bincount(modes[idx][near], minlength=n_modes)[:n_modes]
    need = SHARE_OF_FAIR * len(fake) / n_modes
    return Coverage(int((counts >= need).sum()), n_modes, tuple(int(c) for c in counts),
                    float(near.mean()) if len(fake) else 0.0, tol)


def energy_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Squared energy distance between two point sets (V-statistic over all pairs)."""
    a, b = np.asarray(a, float), np.asarray(b, float)

    def mean_dist(p, q):
        return float(cdist(p, q).mean())

    return 2 * mean_dist(a, b) - mean_dist(a, a) - mean_dist(b, b)
