"""Detection's numbers for the Trainer and the Evaluation panel: mAP per epoch, and the test split's record.

Owns ``DetectionEvaluation`` (what the Evaluation panel's Detection page and ``train --out`` read:
every raw candidate box of every evaluated image before threshold and NMS, the true boxes, the
anchors, the grid, the precision-recall curves and AP per class at IoU 0.5, mAP@0.5), the
conversion of padded targets to true boxes (``true_boxes``), ``scores`` (candidates -> detections
per image -> AP per class and mAP) and the task record's two hooks, ``split_metrics`` (loss and
mAP@0.5 per epoch, on at most ``EPOCH_IMAGES`` images so an epoch stays cheap) and ``evaluate``.
The maths lives beside it (``decode.py``, ``metrics.py``); the record in ``tasks/detection.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from playground.train.evaluation import Evaluation
from playground.train.history import SplitMetrics, plain_json

from .anchors import shape_iou
from .decode import Detections, decode_grid, detect
from .metrics import PRCurve, mean_average_precision
from .view_data import truths_from_targets

#: default thresholds of the drawn boxes (the Evaluation page's sliders start here)
CONF_THRESHOLD, IOU_THRESHOLD = 0.25, 0.5
#: candidates at least this confident count towards AP: the PR curve needs the unsure ones too
AP_CONF_THRESHOLD = 0.01
#: the IoU a detection needs with a true box of its class to count as found (PASCAL VOC's AP50)
AP_IOU = 0.5
#: at most this many of an image's most confident candidates go into NMS for AP (COCO keeps 100)
AP_MAX_CANDIDATES = 100
#: per-epoch mAP looks at the first images of a split only (the test evaluation uses all)
EPOCH_IMAGES = 256


def true_boxes(targets) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Padded targets (N, MAX, 6: present, class, cx, cy, w, h), a tensor or an array -> per image
    the true boxes (T, 4) as corners (x0, y0, x1, y1) in image fractions, and their classes (T,)."""
    return truths_from_targets(torch.as_tensor(targets).detach().double().cpu().numpy())


def scores(boxes: np.ndarray, conf: np.ndarray, classes: np.ndarray, truths, num_classes: int,
           conf_threshold: float = AP_CONF_THRESHOLD, iou_threshold: float = IOU_THRESHOLD):
    """Candidates (N, K, 4), (N, K), (N, K) and true (boxes, classes) per image -> (detections per
    image after threshold and per-class NMS, ``metrics.DetectionScores`` at IoU ``AP_IOU``)."""
    found = [detect(b, s, c, conf_threshold, iou_threshold, AP_MAX_CANDIDATES) for b, s, c in zip(boxes, conf, classes)]
    preds = [(d.boxes, d.scores, d.classes) for d in found]
    return found, mean_average_precision(preds, list(zip(*truths)), num_classes, AP_IOU)


@dataclass
class DetectionEvaluation:
    """A detector's evaluation of N images (the split's order): numpy arrays, no tensors.

    ``images`` (N, C, H, W) float32 the evaluated pictures, each rescaled to 0..1 for drawing.
    ``candidate_boxes`` (N, K, 4) every candidate's box as corners (x0, y0, x1, y1) in image
    fractions (0..1, may run past the edge), before any threshold or NMS (``box_format`` "xyxy");
    ``candidate_scores`` (N, K) its confidence (objectness x class probability);
    ``candidate_classes`` (N, K) int64 its most likely class. K = B*S_h*S_w
    and candidate ``k = b*S_h*S_w + i*S_w + j`` came from anchor ``b`` in the cell at row ``i``,
    column ``j`` (``cell_of``). ``true_boxes`` / ``true_classes``: per image (T, 4) corners and (T,)
    classes. ``anchors`` (B, 2) anchor widths and heights as image fractions (k-means on the
    training boxes); ``grid`` (S_h, S_w). ``curves`` per class (``metrics.PRCurve``: precision,
    recall and scores after each detection in falling confidence, ``num_true``, ``ap``) and ``ap``
    (C,) (NaN: no true box of that class) at IoU 0.5 over the detections at ``ap_conf_threshold``
    after NMS at ``iou_threshold``; ``map50`` their mean over classes present. ``detections``: per
    image the boxes left at the default ``conf_threshold`` / ``iou_threshold`` (``decode.Detections``;
    re-run ``decode.detect`` on one image's candidates for other thresholds).
    """

    images: np.ndarray | None
    candidate_boxes: np.ndarray
    candidate_scores: np.ndarray
    candidate_classes: np.ndarray
    true_boxes: list[np.ndarray]
    true_classes: list[np.ndarray]
    anchors: np.ndarray
    grid: tuple[int, int]
    class_names: tuple[str, ...]
    curves: list[PRCurve]
    ap: np.ndarray
    map50: float
    detections: list[Detections] = field(default_factory=list)
    conf_threshold: float = CONF_THRESHOLD
    iou_threshold: float = IOU_THRESHOLD
    ap_conf_threshold: float = AP_CONF_THRESHOLD
    box_format: str = "xyxy"

    def cell_of(self, k) -> tuple[int, int, int]:
        """Candidate index ``k`` -> (anchor, row, column) of the cell and anchor that predicted it."""
        sh, sw = self.grid
        return int(k) // (sh * sw), int(k) % (sh * sw) // sw, int(k) % sw

    def responsible(self, image: int) -> list[tuple[int, int, int]]:
        """(anchor, row, column) responsible for each true box of ``image``: the cell holding the
        box's centre and the anchor whose shape fits it best (as the loss assigns them)."""
        t = np.asarray(self.true_boxes[image], dtype=np.float64).reshape(-1, 4)
        sh, sw = self.grid
        cx, cy = (t[:, 0] + t[:, 2]) / 2, (t[:, 1] + t[:, 3]) / 2
        best = shape_iou(t[:, 2:] - t[:, :2], np.asarray(self.anchors, dtype=np.float64)).argmax(1)
        cols = np.clip(np.floor(cx * sw), 0, sw - 1).astype(int)
        rows = np.clip(np.floor(cy * sh), 0, sh - 1).astype(int)
        return [(int(b), int(i), int(j)) for b, i, j in zip(best, rows, cols)]

    def to_dict(self, curves: bool = False) -> dict[str, Any]:
        data = {"map50": self.map50, "ap": self.ap, "anchors": self.anchors, "grid": list(self.grid),
                "conf_threshold": self.conf_threshold, "iou_threshold": self.iou_threshold,
                "ap_conf_threshold": self.ap_conf_threshold,
                "detections": int(sum(len(d.index) for d in self.detections)),
                "true_boxes": int(sum(len(t) for t in self.true_boxes))}
        if curves:
            data["pr_curves"] = [{"precision": c.precision, "recall": c.recall} for c in self.curves]
        return plain_json(data)


def _anchors(objective) -> np.ndarray:
    return np.asarray(objective.settings["anchors"], dtype=np.float64).reshape(-1, 2)


def split_metrics(objective, out: torch.Tensor, y: torch.Tensor, loss: float) -> SplitMetrics:
    """Loss, and mAP@0.5 of the first ``EPOCH_IMAGES`` images (decoding every image each epoch would
    cost more than the epoch's training on a small set)."""
    out, y = out[:EPOCH_IMAGES], y[:EPOCH_IMAGES]
    boxes, conf, cls = decode_grid(out.float(), _anchors(objective))
    _, found = scores(boxes, conf, cls, true_boxes(y), objective.num_classes)
    return SplitMetrics(loss, map50=found.map)


def evaluate(objective, out: torch.Tensor, y: torch.Tensor, class_names: tuple, loss: float,
             images: np.ndarray | None = None) -> Evaluation:
    """The whole split: candidates, true boxes, detections at the default thresholds, PR curves, AP,
    mAP; ``images`` (the record asks for them with ``keeps_images``) travel along for drawing."""
    anchors = _anchors(objective)
    boxes, conf, cls = decode_grid(out.float(), anchors)
    truths = true_boxes(y)
    names = tuple(class_names) or tuple(str(c) for c in range(objective.num_classes))
    _, found = scores(boxes, conf, cls, truths, objective.num_classes)
    drawn = [detect(b, s, c, CONF_THRESHOLD, IOU_THRESHOLD) for b, s, c in zip(boxes, conf, cls)]
    record = DetectionEvaluation(images, boxes, conf, cls.astype(np.int64), truths[0], truths[1], anchors,
                                 (int(out.shape[2]), int(out.shape[3])), names, found.curves, found.ap,
                                 found.map, drawn)
    return Evaluation(objective.task, loss, len(out), class_names=names, detection=record, images=images)
