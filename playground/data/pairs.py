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


def _member(groups: dict, classes: np.ndarray, rng, exclude: np.ndarray | None = None) -> np.ndarray:
    """One random example of each class in ``classes`` (not the example at position ``exclude`` in
    its class's list, when given)."""
    sizes = np.array([len(groups[int(c)]) for c in classes], dtype=np.int64)
    pos = (rng.random(len(classes)) * (sizes - (exclude is not None))).astype(np.int64)
    if exclude is not None:
        pos += pos >= exclude  # skip the excluded position: uniform over the others
    return pos


def _pick(groups: dict, classes: np.ndarray, pos: np.ndarray) -> np.ndarray:
    return np.array([groups[int(c)][p] for c, p in zip(classes, pos)], dtype=np.int64)


def _other_class(classes: np.ndarray, first: np.ndarray, rng) -> np.ndarray:
    """A class different from each of ``first`` (positions in ``classes``), uniformly."""
    second = (rng.random(len(first)) * (len(classes) - 1)).astype(np.int64)
    return second + (second >= first)


def sample_pairs(labels, count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``count`` pairs of distinct examples: indices i, j (count,) and same (count,) bool, the first
    half of one class, the rest of two different classes (all of one kind when the labels allow
    only that kind; none when they allow neither)."""
    groups = _by_class(labels)
    rng = np.random.default_rng(seed)
    classes = np.array(list(groups), dtype=np.int64)
    twice = np.array([c for c in classes if len(groups[c]) >= 2], dtype=np.int64)
    can_same, can_diff = len(twice) > 0, len(classes) >= 2
    if not (can_same or can_diff):
        count = 0
    n_same = (count // 2 if can_diff else count) if can_same else 0
    c = twice[rng.integers(0, max(len(twice), 1), n_same)] if n_same else np.zeros(0, dtype=np.int64)
    first = _member(groups, c, rng)
    same_i, same_j = _pick(groups, c, first), _pick(groups, c, _member(groups, c, rng, first))
    n_diff = count - n_same
    a = rng.integers(0, max(len(classes), 1), n_diff) if n_diff else np.zeros(0, dtype=np.int64)
    ca, cb = classes[a], classes[_other_class(classes, a, rng)] if n_diff else np.zeros(0, dtype=np.int64)
    diff_i, diff_j = _pick(groups, ca, _member(groups, ca, rng)), _pick(groups, cb, _member(groups, cb, rng))
    return np.r_[same_i, diff_i].astype(np.int64), np.r_[same_j, diff_j].astype(np.int64), np.arange(count) < n_same


def sample_triplets(labels, count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``count`` triplets (anchor, positive, negative): anchor and positive distinct and of one class,
    the negative of another. Empty when no class has two examples or there is a single class."""
    groups = _by_class(labels)
    rng = np.random.default_rng(seed)
    classes = np.array(list(groups), dtype=np.int64)
    twice = np.flatnonzero([len(groups[int(c)]) >= 2 for c in classes])  # positions in ``classes``
    if len(twice) == 0 or len(classes) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    k = twice[rng.integers(0, len(twice), count)]
    c, other = classes[k], classes[_other_class(classes, k, rng)]
    first = _member(groups, c, rng)
    return (_pick(groups, c, first), _pick(groups, c, _member(groups, c, rng, first)),
            _pick(groups, other, _member(groups, other, rng)))


def one_shot_split(labels, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """One reference example per class (the class order of ``np.unique``) and every other example:
    (references (C,), queries (N - C,)) as indices."""
    labels = np.asarray(labels).reshape(-1)
    rng = np.random.default_rng(seed)
    refs = np.array([rng.choice(members) for members in _by_class(labels).values()], dtype=np.int64)
    queries = np.setdiff1d(np.arange(len(labels)), refs)
    return refs, queries
