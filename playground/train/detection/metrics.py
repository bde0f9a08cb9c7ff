"""Detection metrics from plain numpy arrays: precision-recall curves, AP at an IoU threshold, mAP.

PASCAL VOC's definitions (2010 onwards): per class, every detection of that class over all images
is taken in order of falling confidence; it is a true positive when its best-overlapping true box
of that class in its image has IoU >= the threshold and was not matched before, else a false
positive. Precision and recall follow after each detection; AP is the area under the precision
curve made monotone (all-point interpolation: precision at recall r is the best precision at any
recall >= r). mAP is the mean AP over classes that have true boxes. No model, no torch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .decode import iou_matrix


@dataclass
class PRCurve:
    """One class's curve: ``precision``/``recall`` after each detection in confidence order."""

    precision: np.ndarray
    recall: np.ndarray
    scores: np.ndarray
    num_true: int
    ap: float


def pr_curve(pred_boxes, pred_scores, true_boxes, iou_threshold: float = 0.5) -> PRCurve:
    """One class over many images: lists (one entry per image) of predicted boxes (D, 4) xyxy and
    scores (D,), and of true boxes (T, 4)."""
    num_true = int(sum(len(t) for t in true_boxes))
    image = np.concatenate([np.full(len(s), k) for k, s in enumerate(pred_scores)] or [np.zeros(0)]).astype(int)
    scores = np.concatenate([np.asarray(s, dtype=np.float64) for s in pred_scores] or [np.zeros(0)])
    boxes = np.concatenate([np.asarray(b, dtype=np.float64).reshape(-1, 4) for b in pred_boxes] or [np.zeros((0, 4))])
    order = np.argsort(-scores, kind="stable")
    used = [np.zeros(len(t), dtype=bool) for t in true_boxes]
    tp = np.zeros(len(order))
    for rank, d in enumerate(order):
        truth = np.asarray(true_boxes[image[d]], dtype=np.float64).reshape(-1, 4)
        if not len(truth):
            continue
        ious = iou_matrix(boxes[d:d + 1], truth)[0]
        best = int(ious.argmax())
        if ious[best] >= iou_threshold and not used[image[d]][best]:
            used[image[d]][best] = True
            tp[rank] = 1
    ctp, cfp = np.cumsum(tp), np.cumsum(1 - tp)
    recall = ctp / num_true if num_true else np.zeros_like(ctp)
    precision = ctp / np.maximum(ctp + cfp, np.finfo(np.float64).eps)
    return PRCurve(precision, recall, scores[order], num_true, average_precision(precision, recall))


def average_precision(precision: np.ndarray, recall: np.ndarray) -> float:
    """VOC all-point interpolated AP: sum over recall steps of the monotone precision envelope."""
    mrec = np.concatenate([[0.0], recall, [1.0]])
    mpre = np.concatenate([[0.0], precision, [0.0]])
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    step = np.flatnonzero(mrec[1:] != mrec[:-1])
    return float(np.sum((mrec[step + 1] - mrec[step]) * mpre[step + 1]))


@dataclass
class DetectionScores:
    curves: list[PRCurve]  # one per class
    ap: np.ndarray  # (C,) nan for a class with no true boxes
    map: float


def mean_average_precision(preds, truths, num_classes: int, iou_threshold: float = 0.5) -> DetectionScores:
    """``preds``: per image (boxes (D, 4), scores (D,), classes (D,)); ``truths``: per image
    (boxes (T, 4), classes (T,)). AP per class and their mean over classes with true boxes."""
    curves = []
    for c in range(num_classes):
        pick = [np.asarray(cls) == c for _, _, cls in preds]
        curves.append(pr_curve([np.asarray(b).reshape(-1, 4)[k] for (b, _, _), k in zip(preds, pick)],
                               [np.asarray(s)[k] for (_, s, _), k in zip(preds, pick)],
                               [np.asarray(b).reshape(-1, 4)[np.asarray(cls) == c] for b, cls in truths],
                               iou_threshold))
    ap = np.array([cv.ap if cv.num_true else np.nan for cv in curves])
    valid = ap[~np.isnan(ap)]
    return DetectionScores(curves, ap, float(valid.mean()) if valid.size else float("nan"))
