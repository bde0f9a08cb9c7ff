"""The segmentation task's record: one class per pixel, overlap losses, IoU and Dice.

Owns the segmentation parts: the output check (one score map per class at the mask's size),
the evaluation (the pixel confusion matrix and per-class scores of ``classification.py`` plus
per-class IoU, mean IoU, Dice, pixel accuracy and each image's own IoU, for "worst examples")
and ``SPEC``. The maths lives in ``playground/train/metrics.py``; the Dice / IoU losses in
``playground/train/losses.py``.
"""

from __future__ import annotations

import torch

from playground.data.targets import target_form
from playground.train import metrics
from playground.train.evaluation import Evaluation
from playground.train.tasks.classification import (CLASS_LOSSES, check_class_outputs, class_default_loss,
                                                   class_evaluation, class_split_metrics, predict_labels)
from playground.train.tasks.registry import TaskSpec, shape_text


def _check(spec, num_classes: int, out_shape: tuple, target_shape: tuple, dataset: str) -> list[str]:
    if len(out_shape) != 3 or out_shape[1:] != target_shape:
        return [f"segmentation needs one score map per class of size {shape_text(target_shape)}, but the network "
                f"gives {shape_text(out_shape)}; end the network with a 1x1 convolution that keeps the image size"]
    return check_class_outputs(spec, num_classes, out_shape[0], dataset)


def _evaluate(objective, out: torch.Tensor, y: torch.Tensor, class_names: tuple, loss: float) -> Evaluation:
    ev = class_evaluation(objective, out, y, class_names, loss)
    ev.iou = metrics.iou_per_class(ev.confusion)
    ev.mean_iou = metrics.mean_present(ev.iou)
    ev.dice_per_class = metrics.dice_per_class(ev.confusion)
    ev.dice = metrics.mean_present(ev.dice_per_class)
    ev.example_iou = metrics.iou_per_example(y.cpu().numpy(), ev.predictions, objective.num_classes)
    return ev


def _summary(ev: Evaluation) -> str:
    return (f"test: mean IoU {ev.mean_iou:.4f}, Dice {ev.dice:.4f}, pixel accuracy {ev.accuracy:.4f}, "
            f"loss {ev.loss:.4f} on {ev.count} images")


SPEC = TaskSpec(
    name="segmentation", title="Segmentation", targets=target_form("segmentation"),
    losses=CLASS_LOSSES + ("dice", "iou", "ce_dice"), default_loss=class_default_loss, check_output=_check,
    predict=predict_labels, split_metrics=class_split_metrics, evaluate=_evaluate,
    test_keys=("loss", "accuracy", "pixel_accuracy", "mean_iou", "iou", "dice", "confusion_matrix"),
    summary=_summary,
    ui_thumbnail="playground.ui.tasks.thumbnails:mask_thumbnail",
    ui_evaluation="playground.ui.tasks.segmentation_view:SegmentationPage",
)
