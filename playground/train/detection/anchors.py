"""Anchor box sizes chosen from the data: k-means on the true boxes' (width, height).

Owns ``kmeans_anchors``: YOLOv2's recipe, clustering box sizes with the distance ``1 - IoU``
(boxes compared as if they shared a centre, so big boxes do not dominate as they would with
Euclidean distance), seeded and deterministic; the anchors come back sorted by area. Also
``shape_iou`` (IoU of sizes only), which target assignment uses to pick a box's anchor.
"""

from __future__ import annotations

import numpy as np
import torch


def shape_iou(wh: torch.Tensor | np.ndarray, anchors: torch.Tensor | np.ndarray):
    """IoU of boxes (..., 2) with anchors (A, 2) as if centred on the same point: (..., A)."""
    lib = torch if isinstance(wh, torch.Tensor) else np
    w, h = wh[..., 0:1], wh[..., 1:2]
    inter = lib.minimum(w, anchors[:, 0]) * lib.minimum(h, anchors[:, 1])
    return inter / (w * h + anchors[:, 0] * anchors[:, 1] - inter)


def kmeans_anchors(wh: np.ndarray, k: int, *, seed: int = 0, iterations: int = 100) -> np.ndarray:
    """``k`` anchor sizes (k, 2) from box sizes ``wh`` (N, 2), sorted by area.

    Starts from ``k`` distinct boxes picked at random (seeded), assigns each box to the anchor it
    overlaps most (highest shape IoU), moves each anchor to its boxes' median, and stops when the
    assignment no longer changes. With fewer distinct sizes than ``k``, sizes repeat.
    """
    wh = np.asarray(wh, dtype=np.float64).reshape(-1, 2)
    if len(wh) == 0:
        raise ValueError("no boxes to choose anchors from")
    rng = np.random.default_rng(seed)
    distinct = np.unique(wh, axis=0)
    start = rng.choice(len(distinct), size=min(k, len(distinct)), replace=False)
    anchors = distinct[start]
    if len(anchors) < k:
        anchors = np.concatenate([anchors, anchors[rng.integers(0, len(anchors), k - len(anchors))]])
    assign = None
    for _ in range(iterations):
        new = shape_iou(wh, anchors).argmax(1)
        if assign is not None and np.array_equal(new, assign):
            break
        assign = new
        for j in range(k):
            if (assign == j).any():
                anchors[j] = np.median(wh[assign == j], axis=0)
    return anchors[np.argsort(anchors[:, 0] * anchors[:, 1], kind="stable")]


def mean_best_iou(wh: np.ndarray, anchors: np.ndarray) -> float:
    """How well the anchors fit the boxes: the average over boxes of the best anchor's shape IoU."""
    return float(shape_iou(np.asarray(wh, dtype=np.float64), np.asarray(anchors, dtype=np.float64)).max(1).mean())


def anchors_from_targets(targets: torch.Tensor, k: int, seed: int = 0) -> np.ndarray:
    """Anchors (k, 2) from padded detection targets (N, MAX, 6) with columns (present, class, cx, cy, w, h)."""
    present = targets[..., 0] > 0.5
    return kmeans_anchors(targets[present][:, 4:6].double().cpu().numpy(), k, seed=seed)
