"""Fixed pairs, triplets and one-shot references drawn from labels, the same for the same seed.

Owns ``sample_pairs`` (i, j, same: half of the pairs of one class, half of two), ``sample_triplets``
(anchor, positive, negative) and ``one_shot_split`` (one reference example per class, the rest to
classify). Numpy only. The training loss forms its own pairs and triplets inside each batch
(``playground/train/metric_losses.py``); these fixed ones are for evaluation (verification ROC,
one-shot accuracy), the views and the lessons, so the same seed always shows the same pairs.
"""

from __future__ import annotations

import numpy as np


def _by_class(labels: np.ndarray) -> dict[int, np.ndarray]:
    labels = np.asarray(labels).reshape(-1)
    return {int(c): np.flatnonzero(labels == c) for c in np.unique(labels)}


def sample_pairs(labels, count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``count`` pairs of distinct examples: indices i, j (count,) and same (count,) bool, the first
    half of one class, the rest of two different classes (all of one kind when the labels allow
    only that kind; none when they allow neither)."""
    groups = _by_class(labels)
    rng = np.random.default_rng(seed)
    classes = np.array(list(groups))
    twice = np.array([c for c in classes if len(groups[c]) >= 2])
    can_same, can_diff = len(twice) > 0, len(classes) >= 2
    if not (can_same or can_diff):
        count = 0
    n_same = (count // 2 if can_diff else count) if can_same else 0
    i, j = np.zeros(count, dtype=np.int64), np.zeros(count, dtype=np.int64)
    for k in range(n_same):
        i[k], j[k] = rng.choice(groups[int(rng.choice(twice))], size=2, replace=False)
    for k in range(n_same, count):
        a, b = rng.choice(classes, size=2, replace=False)
        i[k], j[k] = rng.choice(groups[int(a)]), rng.choice(groups[int(b)])
    return i, j, np.arange(count) < n_same


def sample_triplets(labels, count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``count`` triplets (anchor, positive, negative): anchor and positive distinct and of one class,
    the negative of another. Empty when no class has two examples or there is a single class."""
    groups = _by_class(labels)
    rng = np.random.default_rng(seed)
    classes = np.array(list(groups))
    twice = np.array([c for c in classes if len(groups[c]) >= 2])
    if len(twice) == 0 or len(classes) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    out = np.zeros((3, count), dtype=np.int64)
    for k in range(count):
        c = int(rng.choice(twice))
        out[0, k], out[1, k] = rng.choice(groups[c], size=2, replace=False)
        other = int(rng.choice(classes[classes != c]))
        out[2, k] = rng.choice(groups[other])
    return out[0], out[1], out[2]


def one_shot_split(labels, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """One reference example per class (the class order of ``np.unique``) and every other example:
    (references (C,), queries (N - C,)) as indices."""
    labels = np.asarray(labels).reshape(-1)
    rng = np.random.default_rng(seed)
    refs = np.array([rng.choice(members) for members in _by_class(labels).values()], dtype=np.int64)
    queries = np.setdiff1d(np.arange(len(labels)), refs)
    return refs, queries
