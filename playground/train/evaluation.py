"""Running a model over a whole split and turning its outputs into metrics.

Owns ``model_outputs`` (the model over many examples in evaluation mode, in chunks),
``split_metrics`` (the per-epoch numbers: loss, accuracy or MSE and R^2) and ``evaluate`` with its
``Evaluation`` record (confusion matrix, per-class precision/recall/F1, ROC and AUC, the indices of
misclassified examples; MSE/MAE/R^2 for regression; IoU and Dice for segmentation; boxes, AP and
mAP@0.5 for detection). Which numbers a
task gets is its record's business (``playground/train/tasks``); the maths lives in ``metrics.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from playground.train.history import SplitMetrics, plain_json

if TYPE_CHECKING:
    from playground.train.objective import Objective

EVAL_BATCH = 1024


@torch.inference_mode()
def model_outputs(model: torch.nn.Module, x: torch.Tensor, batch_size: int = EVAL_BATCH) -> torch.Tensor:
    """The model's outputs for all of ``x`` in evaluation mode (dropout off); the mode is restored after."""
    was_training = model.training
    model.eval()
    try:
        parts = [model(x[i:i + batch_size]) for i in range(0, len(x), batch_size)]
    finally:
        model.train(was_training)
    if not parts:
        return torch.empty(0)
    return torch.cat(parts)


@torch.no_grad()
def split_metrics(objective: Objective, out: torch.Tensor, y: torch.Tensor, target: torch.Tensor | None = None,
                  loss: float | None = None) -> SplitMetrics:
    """The task's per-epoch numbers (loss and accuracy, or loss, MSE and R^2) of outputs against labels."""
    if len(out) == 0:
        return SplitMetrics(float("nan"))
    if loss is None:
        loss = float(objective.loss(out, objective.target(y) if target is None else target))
    return objective.kind.split_metrics(objective, out, y, loss)


@dataclass
class Evaluation:
    """Everything the evaluation panel shows for one split. Arrays are numpy; nothing is a tensor."""

    task: str
    loss: float
    count: int
    accuracy: float | None = None
    class_names: tuple[str, ...] = ()
    confusion: np.ndarray | None = None  # (C, C): rows true class, columns predicted
    precision: np.ndarray | None = None  # (C,)
    recall: np.ndarray | None = None
    f1: np.ndarray | None = None
    support: np.ndarray | None = None
    roc: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # per class: (fpr, tpr), one vs rest
    auc: np.ndarray | None = None  # (C,) one vs rest
    auc_macro: float | None = None  # the positive class's AUC for 2 classes, else the mean over classes
    misclassified: np.ndarray | None = None  # indices into the split (images with any wrong pixel for segmentation)
    predictions: np.ndarray | None = None
    mse: float | None = None
    mae: float | None = None
    r2: float | None = None
    iou: np.ndarray | None = None  # (C,) segmentation: intersection over union per class (NaN: class absent)
    mean_iou: float | None = None  # the mean of ``iou`` over the classes present
    dice_per_class: np.ndarray | None = None  # (C,)
    dice: float | None = None  # the mean of ``dice_per_class`` over the classes present
    example_iou: np.ndarray | None = None  # (N,) each image's mean IoU (worst examples first when sorted)
    scores: dict[str, Any] = field(default_factory=dict)  # a task's own numbers (metric learning), in to_dict
    images: np.ndarray | None = None  # (N, C, H, W) float32 inputs rescaled to 0..1 per image (``keeps_images``)
    detection: Any = None  # detection: a train.detection.evaluation.DetectionEvaluation (boxes, AP, mAP@0.5)

    def to_dict(self, curves: bool = False) -> dict[str, Any]:
        """JSON-ready numbers (the ROC curves themselves only with ``curves=True``)."""
        data: dict[str, Any] = {"task": self.task, "loss": self.loss, "count": self.count}
        if self.accuracy is not None:
            data.update(
                accuracy=self.accuracy, class_names=list(self.class_names), confusion_matrix=self.confusion,
                precision=self.precision, recall=self.recall, f1=self.f1, support=self.support,
                auc=self.auc, auc_macro=self.auc_macro,
                misclassified=self.misclassified,
            )
            if curves:
                data["roc"] = [{"fpr": f, "tpr": t} for f, t in self.roc]
            if self.mean_iou is not None:
                data.update(pixel_accuracy=self.accuracy, iou=self.iou, mean_iou=self.mean_iou,
                            dice_per_class=self.dice_per_class, dice=self.dice)
        elif self.detection is not None:
            data.update(class_names=list(self.class_names), **self.detection.to_dict(curves))
        elif not self.scores:
            data.update(mse=self.mse, mae=self.mae, r2=self.r2)
        data.update(self.scores)
        return plain_json(data)


@torch.no_grad()
def evaluate(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, objective: Objective,
             class_names: tuple[str, ...] = (), batch_size: int = EVAL_BATCH,
             pictures: torch.Tensor | None = None) -> Evaluation:
    """All evaluation numbers for examples ``x`` (network input form) with labels/targets ``y``;
    which numbers is the task record's business (``objective.kind.evaluate``). ``pictures``: the
    inputs to draw when ``x`` is not them (the Evaluation panel passes example indices as ``x``)."""
    out = model_outputs(model, x, batch_size)
    n = len(x)
    if n == 0:
        return Evaluation(objective.task, float("nan"), 0)
    y = y.to(out.device)
    loss = float(objective.loss(out, objective.target(y)))
    kind = objective.kind
    extra = {"images": display_images(x if pictures is None else pictures)} if kind.keeps_images else {}
    return kind.evaluate(objective, out, y, tuple(class_names), loss, **extra)


def display_images(x: torch.Tensor) -> np.ndarray:
    """Network inputs (N, C, H, W) -> float32 pictures, each stretched to 0..1 (undoes any per-channel
    normalization up to contrast) for drawing predictions over them."""
    flat = x.detach().float().reshape(len(x), -1)
    low, high = flat.min(1, keepdim=True).values, flat.max(1, keepdim=True).values
    return ((flat - low) / (high - low).clamp_min(1e-12)).reshape(x.shape).cpu().numpy()
