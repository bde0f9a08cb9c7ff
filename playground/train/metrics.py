"""Evaluation numbers computed from plain numpy arrays: the maths, with no model and no torch.

Owns the confusion matrix, per-class precision/recall/F1/support, ROC curves and their area
(binary and one-vs-rest), accuracy, MSE and R^2, and for segmentation IoU and Dice per class
and IoU per example. Each follows scikit-learn's definition (the
tests compare against it): zero-division gives 0, ROC thresholds start at +inf, R^2 is averaged
uniformly over outputs. Running a model over a split lives in ``evaluation.py``.
"""

from __future__ import annotations

import numpy as np


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """``cm[i, j]``: examples of true class i predicted as class j, (C, C) int64."""
    y_true = np.asarray(y_true, dtype=np.int64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.int64).ravel()
    flat = np.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes)
    return flat[: num_classes * num_classes].reshape(num_classes, num_classes)


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    return float((y_true == y_pred).mean()) if y_true.size else float("nan")


def precision_recall_f1(cm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per class: precision, recall, F1 (0 where undefined) and support, from a confusion matrix."""
    cm = np.asarray(cm, dtype=np.float64)
    tp = np.diag(cm)
    predicted = cm.sum(axis=0)
    support = cm.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(tp), where=both > 0)
    return precision, recall, f1, support.astype(np.int64)


def roc_curve(y_true: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """False- and true-positive rates at every distinct score threshold, highest threshold first.

    ``y_true`` is 0/1 (1 = positive). The first point is (0, 0) at threshold +inf, like
    ``sklearn.metrics.roc_curve(..., drop_intermediate=False)``. Rates are nan when a side is empty.
    """
    y_true = np.asarray(y_true).ravel().astype(bool)
    scores = np.asarray(scores, dtype=np.float64).ravel()
    order = np.argsort(-scores, kind="mergesort")
    scores, y_true = scores[order], y_true[order]
    last = np.r_[np.flatnonzero(np.diff(scores)), scores.size - 1]  # last index of each distinct score
    tps = np.cumsum(y_true)[last].astype(np.float64)
    fps = (last + 1) - tps
    tps, fps = np.r_[0.0, tps], np.r_[0.0, fps]
    thresholds = np.r_[np.inf, scores[last]]
    with np.errstate(invalid="ignore", divide="ignore"):
        fpr = fps / fps[-1] if fps[-1] > 0 else np.full_like(fps, np.nan)
        tpr = tps / tps[-1] if tps[-1] > 0 else np.full_like(tps, np.nan)
    return fpr, tpr, thresholds


def auc(x: np.ndarray, y: np.ndarray) -> float:
    """Area under a curve by the trapezoidal rule (x increasing)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.size < 2 or np.isnan(x).any() or np.isnan(y).any():
        return float("nan")
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2))


def roc_one_vs_rest(y_true: np.ndarray, probs: np.ndarray) -> tuple[list, np.ndarray]:
    """One ROC curve (fpr, tpr, thresholds) and AUC per class, class c against all others.

    ``probs`` is (N, C). With C == 2 both curves describe the same binary problem.
    """
    y_true = np.asarray(y_true).ravel()
    probs = np.asarray(probs, dtype=np.float64)
    curves, areas = [], []
    for c in range(probs.shape[1]):
        fpr, tpr, thr = roc_curve(y_true == c, probs[:, c])
        curves.append((fpr, tpr, thr))
        areas.append(auc(fpr, tpr))
    return curves, np.asarray(areas)


def macro_auc(areas: np.ndarray, num_classes: int) -> float:
    """The headline AUC: the positive class's for 2 classes, else the mean over classes (macro, one-vs-rest)."""
    areas = np.asarray(areas, dtype=np.float64)
    if num_classes == 2:
        return float(areas[1])
    valid = areas[~np.isnan(areas)]
    return float(valid.mean()) if valid.size else float("nan")


def mse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    y_true, y_pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    return float(np.mean((y_true - y_pred) ** 2)) if y_true.size else float("nan")


def r2_score(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Coefficient of determination, averaged uniformly over output columns (sklearn's default)."""
    y_true = np.asarray(y_true, dtype=np.float64).reshape(len(y_true), -1)
    y_pred = np.asarray(y_pred, dtype=np.float64).reshape(len(y_pred), -1)
    if len(y_true) < 2:
        return float("nan")
    ss_res = ((y_true - y_pred) ** 2).sum(axis=0)
    ss_tot = ((y_true - y_true.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(ss_tot > 0, 1 - ss_res / ss_tot, np.where(ss_res == 0, 1.0, 0.0))
    return float(scores.mean())


# ---- segmentation: overlap of predicted and true regions, per class ------------------------------------

def iou_per_class(cm: np.ndarray) -> np.ndarray:
    """Intersection over union per class from a (pixel) confusion matrix: TP / (TP + FP + FN).
    NaN for a class that is neither in the truth nor in the prediction (nothing to overlap)."""
    cm = np.asarray(cm, dtype=np.float64)
    tp = np.diag(cm)
    union = cm.sum(axis=0) + cm.sum(axis=1) - tp
    return np.divide(tp, union, out=np.full_like(tp, np.nan), where=union > 0)


def dice_per_class(cm: np.ndarray) -> np.ndarray:
    """Dice (F1 of pixels) per class: 2 TP / (2 TP + FP + FN); NaN where the class is absent from both."""
    cm = np.asarray(cm, dtype=np.float64)
    tp = np.diag(cm)
    both = cm.sum(axis=0) + cm.sum(axis=1)
    return np.divide(2 * tp, both, out=np.full_like(tp, np.nan), where=both > 0)


def mean_present(values: np.ndarray) -> float:
    """The mean over the classes that have a value (NaN ones skipped); NaN when none has."""
    values = np.asarray(values, dtype=np.float64)
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else float("nan")


def iou_per_example(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Each example's mean IoU over the classes present in its true or predicted mask, (N,)."""
    n = len(y_true)
    t = np.asarray(y_true, dtype=np.int64).reshape(n, -1)
    p = np.asarray(y_pred, dtype=np.int64).reshape(n, -1)
    cc = num_classes * num_classes
    code = np.arange(n)[:, None] * cc + t * num_classes + p  # (N, pixels): example, true, predicted
    cms = np.bincount(code.ravel(), minlength=n * cc).reshape(n, num_classes, num_classes).astype(np.float64)
    tp = np.diagonal(cms, axis1=1, axis2=2)  # (N, C)
    union = cms.sum(axis=1) + cms.sum(axis=2) - tp
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = np.where(union > 0, tp / np.where(union > 0, union, 1), np.nan)
    present = union > 0
    return np.where(present.any(axis=1), np.nansum(iou, axis=1) / np.maximum(present.sum(axis=1), 1), np.nan)
