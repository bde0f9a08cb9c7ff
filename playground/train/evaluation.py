"""Running a model over a whole split and turning its outputs into metrics.

Owns ``model_outputs`` (the model over many examples in evaluation mode, in chunks),
``split_metrics`` (the per-epoch numbers: loss, accuracy or MSE and R^2) and ``evaluate`` with its
``Evaluation`` record (confusion matrix, per-class precision/recall/F1, ROC and AUC, the indices of
misclassified examples, or MSE/MAE/R^2 for regression). The maths lives in ``metrics.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from playground.train import metrics
from playground.train.history import SplitMetrics, plain_json
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
    """Loss and accuracy (classification) or loss, MSE and R^2 (regression) of outputs against labels."""
    if len(out) == 0:
        return SplitMetrics(float("nan"))
    if loss is None:
        loss = float(objective.loss(out, objective.target(y) if target is None else target))
    if objective.classifies:
        acc = float((objective.predict(out) == y).float().mean())
        return SplitMetrics(loss, accuracy=acc)
    pred = out.reshape(len(out), -1).double().cpu().numpy()
    true = y.reshape(len(y), -1).double().cpu().numpy()
    return SplitMetrics(loss, mse=metrics.mse(true, pred), r2=metrics.r2_score(true, pred))


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
        else:
            data.update(mse=self.mse, mae=self.mae, r2=self.r2)
        return plain_json(data)


@torch.no_grad()
def evaluate(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, objective: Objective,
             class_names: tuple[str, ...] = (), batch_size: int = EVAL_BATCH) -> Evaluation:
    """All evaluation numbers for examples ``x`` (network input form) with labels/targets ``y``."""
    out = model_outputs(model, x, batch_size)
    n = len(x)
    if n == 0:
        return Evaluation(objective.task, float("nan"), 0)
    y = y.to(out.device)
    loss = float(objective.loss(out, objective.target(y)))
    if not objective.classifies:
        pred = out.reshape(n, -1).double().cpu().numpy()
        true = y.reshape(n, -1).double().cpu().numpy()
        return Evaluation(objective.task, loss, n, mse=metrics.mse(true, pred),
                          mae=float(np.mean(np.abs(true - pred))), r2=metrics.r2_score(true, pred),
                          predictions=pred)
    c = objective.num_classes
    pred_t = objective.predict(out)
    pred, true = pred_t.cpu().numpy(), y.cpu().numpy()
    cm = metrics.confusion_matrix(true, pred, c)
    precision, recall, f1, support = metrics.precision_recall_f1(cm)
    wrong = (pred != true).reshape(n, -1).any(axis=1)
    ev = Evaluation(objective.task, loss, n, accuracy=metrics.accuracy(true, pred),
                    class_names=tuple(class_names) or tuple(str(i) for i in range(c)), confusion=cm,
                    precision=precision, recall=recall, f1=f1, support=support,
                    misclassified=np.flatnonzero(wrong), predictions=pred)
    if objective.task == "classification":  # ROC per example; not per pixel
        probs = objective.probabilities(out).double().cpu().numpy()
        curves, areas = metrics.roc_one_vs_rest(true, probs)
        ev.roc = [(f, t) for f, t, _ in curves]
        ev.auc = areas
        ev.auc_macro = metrics.macro_auc(areas, c)
    return ev
