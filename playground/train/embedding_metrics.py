"""How good an embedding is: verification, one-shot and nearest-neighbour numbers, and its 2-D view.

Owns the maths of metric learning on numpy embeddings (N, D): ``distances`` (the course's
d(x1, x2) = ||f(x1) - f(x2)||^2 for pairs), ``verification_accuracy`` (the share of pairs called
right by "same when d < delta"), ``best_threshold`` (the delta with the highest accuracy, searched
over every distinct distance), ``verification_roc`` (true- and false-accept rates as delta moves,
and the AUC), ``one_shot`` (classify each example by the nearest single reference per class),
``nn_accuracy`` (leave-one-out 1-nearest-neighbour) and ``project_2d`` (the embedding itself when
D <= 2, else its first two principal components). It does not own the losses
(``metric_losses.py``) or the task record (``tasks/embedding.py``).
"""

from __future__ import annotations

import numpy as np

from playground.train import metrics

#: at most this many examples enter the leave-one-out 1-NN accuracy (an N x N distance matrix)
NN_LIMIT = 1000


def distances(emb: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """d = ||f(x_i) - f(x_j)||^2 for each pair (i[k], j[k]); (K,) float64."""
    emb = np.asarray(emb, dtype=np.float64)
    diff = emb[np.asarray(i)] - emb[np.asarray(j)]  # (K, D)
    return np.sum(diff * diff, axis=1)


def verification_accuracy(d: np.ndarray, same: np.ndarray, delta: float) -> float:
    """The share of pairs judged right by "same when d < delta"."""
    d, same = np.asarray(d, dtype=np.float64), np.asarray(same, dtype=bool)
    return float(np.mean((d < delta) == same)) if d.size else float("nan")


def best_threshold(d: np.ndarray, same: np.ndarray) -> tuple[float, float]:
    """(delta, accuracy): the threshold, halfway between two neighbouring distinct distances (or just
    outside them all), with the highest verification accuracy over the pairs."""
    d, same = np.asarray(d, dtype=np.float64), np.asarray(same, dtype=bool)
    if d.size == 0:
        return float("nan"), float("nan")
    order = np.argsort(d, kind="mergesort")
    ds, ss = d[order], same[order]
    # delta just above the k smallest distances: those k called "same"
    right = np.r_[0, np.cumsum(ss)] + (np.sum(~ss) - np.r_[0, np.cumsum(~ss)])  # (N + 1,)
    cut = np.r_[np.flatnonzero(np.diff(ds) > 0) + 1, 0, len(ds)]  # only between distinct distances
    k = cut[np.argmax(right[cut])]
    if k == 0:
        delta = ds[0] - 1.0
    elif k == len(ds):
        delta = ds[-1] + 1.0
    else:
        delta = (ds[k - 1] + ds[k]) / 2
    return float(delta), float(right[k] / len(ds))


def verification_roc(d: np.ndarray, same: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """(false-accept rate, true-accept rate, AUC) as delta grows: a smaller distance means "same"."""
    fpr, tpr, _ = metrics.roc_curve(np.asarray(same, dtype=bool), -np.asarray(d, dtype=np.float64))
    return fpr, tpr, metrics.auc(fpr, tpr)


def _sq_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N, D), (M, D) -> (N, M) squared distances."""
    diff = a[:, None, :] - b[None, :, :]  # (N, M, D)
    return np.sum(diff * diff, axis=2)


def one_shot(emb: np.ndarray, labels: np.ndarray, refs: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, float]:
    """Each query takes the class of its nearest reference: (predicted classes (Q,), accuracy)."""
    emb = np.asarray(emb, dtype=np.float64)
    labels = np.asarray(labels).reshape(-1)
    if len(refs) == 0 or len(queries) == 0:
        return np.zeros(0, dtype=np.int64), float("nan")
    nearest = np.argmin(_sq_matrix(emb[queries], emb[refs]), axis=1)
    pred = labels[refs][nearest]
    return pred, float(np.mean(pred == labels[queries]))


def nn_accuracy(emb: np.ndarray, labels: np.ndarray, limit: int = NN_LIMIT) -> float:
    """Leave-one-out 1-nearest-neighbour accuracy over (at most ``limit``, evenly spaced) examples."""
    emb = np.asarray(emb, dtype=np.float64)
    labels = np.asarray(labels).reshape(-1)
    if len(emb) > limit:
        keep = np.linspace(0, len(emb) - 1, limit).round().astype(np.int64)
        emb, labels = emb[keep], labels[keep]
    if len(emb) < 2:
        return float("nan")
    sq = _sq_matrix(emb, emb)
    np.fill_diagonal(sq, np.inf)
    return float(np.mean(labels[np.argmin(sq, axis=1)] == labels))


def project_2d(emb: np.ndarray) -> tuple[np.ndarray, str]:
    """(N, 2) points and how they were made: the embedding itself for D = 2 (D = 1: beside zeros),
    else its projection on the first two principal components (centred, by SVD)."""
    emb = np.asarray(emb, dtype=np.float64)
    n, dim = emb.shape
    if dim == 2:
        return emb.copy(), "the network's 2 outputs"
    if dim == 1:
        return np.c_[emb, np.zeros(n)], "the network's 1 output"
    centred = emb - emb.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    share = float((s[:2] ** 2).sum() / max((s ** 2).sum(), 1e-300))
    return centred @ vt[:2].T, f"PCA of {dim} outputs ({share:.0%} of the variance)"
