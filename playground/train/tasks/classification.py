"""The classification task's record, and the class-label parts that segmentation reuses.

Owns ``predict_labels`` (outputs -> class labels: argmax, or a threshold on one output),
``check_class_outputs`` (how many outputs fit how many classes), ``class_split_metrics`` (loss and
accuracy), ``class_evaluation`` (confusion matrix, precision/recall/F1, the wrongly predicted
examples) and ``SPEC``. Classification adds one-vs-rest ROC curves per example on top.
"""

from __future__ import annotations

import numpy as np
import torch

from playground.data.targets import target_form
from playground.train import metrics
from playground.train.evaluation import Evaluation
from playground.train.history import SplitMetrics
from playground.train.tasks.registry import TaskSpec, shape_text

#: losses that fit class labels (regression losses compare one-hot or 0/1 targets)
CLASS_LOSSES = ("cross_entropy", "bce", "hinge", "focal", "perceptron", "mse", "mae", "huber")


def class_default_loss(outputs: int) -> str:
    """BCE for one output, cross-entropy for one per class."""
    return "bce" if outputs == 1 else "cross_entropy"


def predict_labels(out: torch.Tensor, threshold: float) -> torch.Tensor:
    """Class labels (B,) or (B, H, W): the argmax over dim 1, or one output above ``threshold``."""
    if out.dim() == 1:
        out = out.unsqueeze(1)
    if out.shape[1] == 1:
        return (out[:, 0] > threshold).long()
    return out.argmax(1)


def check_class_outputs(spec, num_classes: int, k: int, dataset: str) -> list[str]:
    """Problems with ``k`` outputs (channels) for ``num_classes`` classes under loss ``spec``."""
    if k not in (1, num_classes):
        return [f"the network has {k} outputs but {dataset} has {num_classes} classes; "
                f"give the last layer {num_classes} outputs"]
    if k == 1 and num_classes != 2:
        return [f"{dataset} has {num_classes} classes but the network has 1 output; "
                f"give the last layer {num_classes} outputs (with cross-entropy)"]
    if k == 1 and spec.outputs == "classes":
        return [f"{spec.title} needs one output per class but the network has 1 output for {dataset}'s "
                f"2 classes; use binary cross-entropy, or give the last layer 2 outputs"]
    if k > 1 and spec.outputs == "one":
        return [f"{spec.title} needs a single output but the network has {k} (one per class) for {dataset}; "
                f"use cross-entropy, or give the last layer 1 output"]
    return []


def _check(spec, num_classes: int, out_shape: tuple, target_shape: tuple, dataset: str) -> list[str]:
    if len(out_shape) != 1:
        return [f"the network gives {shape_text(out_shape)} per example but classification needs a flat vector "
                f"of class scores; add Flatten and a Linear layer with {num_classes} outputs"]
    return check_class_outputs(spec, num_classes, out_shape[0], dataset)


def class_split_metrics(objective, out: torch.Tensor, y: torch.Tensor, loss: float) -> SplitMetrics:
    return SplitMetrics(loss, accuracy=float((objective.predict(out) == y).float().mean()))


def class_evaluation(objective, out: torch.Tensor, y: torch.Tensor, class_names: tuple, loss: float) -> Evaluation:
    """Confusion matrix (over examples, or pixels for masks), per-class scores, the wrong examples."""
    n, c = len(out), objective.num_classes
    pred = objective.predict(out).cpu().numpy()
    true = y.cpu().numpy()
    cm = metrics.confusion_matrix(true, pred, c)
    precision, recall, f1, support = metrics.precision_recall_f1(cm)
    wrong = (pred != true).reshape(n, -1).any(axis=1)
    return Evaluation(objective.task, loss, n, accuracy=metrics.accuracy(true, pred),
                      class_names=tuple(class_names) or tuple(str(i) for i in range(c)), confusion=cm,
                      precision=precision, recall=recall, f1=f1, support=support,
                      misclassified=np.flatnonzero(wrong), predictions=pred)


def _evaluate(objective, out: torch.Tensor, y: torch.Tensor, class_names: tuple, loss: float) -> Evaluation:
    ev = class_evaluation(objective, out, y, class_names, loss)
    probs = objective.probabilities(out).double().cpu().numpy()  # ROC per example
    curves, areas = metrics.roc_one_vs_rest(y.cpu().numpy(), probs)
    ev.roc = [(f, t) for f, t, _ in curves]
    ev.auc = areas
    ev.auc_macro = metrics.macro_auc(areas, objective.num_classes)
    return ev


def _summary(ev: Evaluation) -> str:
    return (f"test: accuracy {ev.accuracy:.4f}, loss {ev.loss:.4f}"
            + (f", AUC {ev.auc_macro:.4f}" if ev.auc_macro is not None else "") + f" on {ev.count} examples")


SPEC = TaskSpec(
    one_prediction_losses=True,
    name="classification", title="Classification", targets=target_form("classification"),
    losses=CLASS_LOSSES, default_loss=class_default_loss, check_output=_check, predict=predict_labels,
    split_metrics=class_split_metrics, evaluate=_evaluate,
    test_keys=("loss", "accuracy", "confusion_matrix", "precision", "recall", "f1", "auc_macro"),
    summary=_summary,
    ui_thumbnail="playground.ui.tasks.thumbnails:label_thumbnail",
)
