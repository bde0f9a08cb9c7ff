"""What a task's targets look like, as data: the part of a task record the data package needs.

Owns ``TargetForm`` (one small record per task: are the labels class indices, one per example or
one per pixel, boxes, what a class count counts, whether augmentation can follow them) and ``TARGET_FORMS`` (the table), with ``target_form``
to look one up. Splitting (stratify or not), the preview (round-robin over classes, pixel counts)
and ``DatasetInfo.num_classes`` read it instead of testing task names. The rest of a task's record
(losses, metrics, decoding, views) lives above the data in ``playground/train/tasks``; a new task
adds one ``TargetForm`` here and one ``TaskSpec`` there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch

from playground.core.errors import DataError


def every_label(y: torch.Tensor) -> torch.Tensor:
    """Class labels (N,) or masks (N, H, W) -> every label, flat (one per example or pixel)."""
    return y.reshape(-1)


def box_labels(y: torch.Tensor) -> torch.Tensor:
    """Padded boxes (N, K, 6: present, class, ...) -> the class of every present box, int64."""
    return y[..., 1][y[..., 0] > 0.5].long()


@dataclass(frozen=True)
class TargetForm:
    """How one task's targets look. ``classes``: labels are class indices (with class names);
    ``per_example``: exactly one class label per example (split stratified, previews round-robin
    over classes, ROC curves per example); ``per_pixel``: one class label per pixel, (H, W) masks;
    ``unit``: what the class-count table counts ("samples" or "pixels")."""

    task: str
    describe: str
    classes: bool
    per_example: bool = False
    per_pixel: bool = False
    unit: str = "samples"
    no_augmentation: str = ""  # why image augmentation cannot follow these targets ("" = it can)
    from_inputs: bool = False  # the targets are the inputs themselves (pixels in 0..1); stored labels only colour plots
    class_labels: Callable[[torch.Tensor], torch.Tensor] = every_label  # the class of each counted thing


TARGET_FORMS: dict[str, TargetForm] = {f.task: f for f in (
    TargetForm("classification", "one class label per example, int64 (N,)", classes=True, per_example=True),
    TargetForm("regression", "numbers per example, float32 (N, k)", classes=False),
    TargetForm("segmentation", "one class label per pixel, int64 masks (N, H, W)", classes=True,
               per_pixel=True, unit="pixels"),
    TargetForm("detection", "up to K boxes per image, float32 (N, K, 6): present, class, cx, cy, w, h in 0..1",
               classes=True, unit="boxes",
               no_augmentation="flips, shifts and turns would move the shapes away from their boxes",
               class_labels=box_labels),
    TargetForm("embedding", "one class label per example, int64 (N,); the loss compares examples in pairs or "
               "triplets inside each batch", classes=True, per_example=True),
    TargetForm("reconstruction", "the input images themselves, float32 pixels in 0..1 (N, C, H, W); "
               "the class labels only colour the plots", classes=False, from_inputs=True),
)}


def target_form(task: str) -> TargetForm:
    """The record of ``task``; DataError naming the known tasks otherwise."""
    try:
        return TARGET_FORMS[task]
    except KeyError:
        raise DataError(f"unknown task '{task}'", where="dataset",
                        fix=f"use one of: {', '.join(TARGET_FORMS)}") from None
