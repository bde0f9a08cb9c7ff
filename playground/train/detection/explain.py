"""Why the detector drew what it drew: NMS decisions with their reasons, the responsible cell and anchor.

Owns the explanations the detection view shows a student, all on numpy and all derived from the
maths in ``decode.py`` and ``anchors.py`` (nothing here re-decides what NMS keeps):

- ``explain_detections``: one image's candidates, a confidence threshold and an NMS IoU threshold
  -> ``Explained``: the boxes kept (``decode.detect``), and for every box above the threshold that
  NMS removed, which kept box removed it and by what IoU. In greedy NMS a box is removed by the
  first kept box of its class, in score order, that overlaps it by more than the threshold, so
  that box is found after the fact from ``detect``'s answer.
- ``responsible_cell``: the grid cell (row, column) holding a true box's centre, the one the
  YOLO loss makes answer for it (``yolo_loss.encode`` assigns the same cell).
- ``best_anchor``: the anchor whose shape fits a box best (IoU of sizes, ``anchors.shape_iou``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .anchors import shape_iou
from .decode import Detections, detect, iou_matrix


@dataclass
class Removed:
    """A box NMS removed: its candidate ``index``, the kept box that removed it (``by``: its rank
    among the kept boxes, 0 = highest score) and their ``iou``."""

    index: int
    by: int
    iou: float


@dataclass
class Explained:
    """One image at the current thresholds: the kept boxes and the reasons for the removed ones."""

    kept: Detections
    removed: list[Removed] = field(default_factory=list)
    below_threshold: int = 0  # candidates under the confidence threshold (never drawn)
    iou_threshold: float = 0.5

    def reason(self, removed: Removed, class_names=()) -> str:
        """'removed: overlaps kept box 2 (circle 0.91) by IoU 0.78 > 0.50'."""
        k = removed.by
        cls = int(self.kept.classes[k])
        name = class_names[cls] if 0 <= cls < len(class_names) else str(cls)
        return (f"removed: overlaps kept box {k + 1} ({name} {self.kept.scores[k]:.2f}) by IoU "
                f"{removed.iou:.2f} > {self.iou_threshold:.2f}")


def explain_detections(boxes: np.ndarray, scores: np.ndarray, classes: np.ndarray, conf_threshold: float,
                       iou_threshold: float) -> Explained:
    """One image's candidates (K, 4) xyxy, (K,), (K,) -> what ``detect`` keeps and why it removed the rest."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    scores, classes = np.asarray(scores, dtype=np.float64), np.asarray(classes)
    kept = detect(boxes, scores, classes, conf_threshold, iou_threshold)
    above = np.flatnonzero(scores >= conf_threshold)
    gone = np.setdiff1d(above, kept.index)
    # the score order NMS walked (stable, as decode.nms sorts), to tell which kept box came first
    rank = np.empty(len(scores), dtype=np.int64)
    rank[np.argsort(-scores, kind="stable")] = np.arange(len(scores))
    removed = []
    if len(gone) and len(kept.index):
        ious = iou_matrix(boxes[gone], kept.boxes)  # (R, D)
        for row, g in enumerate(gone):
            able = (kept.classes == classes[g]) & (ious[row] > iou_threshold) & (rank[kept.index] < rank[g])
            if able.any():
                first = int(np.flatnonzero(able)[np.argmin(rank[kept.index][able])])
                removed.append(Removed(int(g), first, float(ious[row, first])))
    removed.sort(key=lambda r: rank[r.index])
    return Explained(kept, removed, len(scores) - len(above), float(iou_threshold))


def responsible_cell(cx: float, cy: float, grid) -> tuple[int, int]:
    """(row, column) of the cell holding centre (cx, cy) (image fractions) on an ``S`` or
    ``(S_h, S_w)`` grid; a centre on the right or bottom edge stays in the last cell."""
    sh, sw = (grid, grid) if np.isscalar(grid) else grid
    return (min(max(int(np.floor(cy * sh)), 0), sh - 1), min(max(int(np.floor(cx * sw)), 0), sw - 1))


def best_anchor(w: float, h: float, anchors) -> tuple[int, float]:
    """The anchor whose size fits a ``w`` x ``h`` box best, and that IoU of sizes."""
    ious = shape_iou(np.array([[w, h]], dtype=np.float64), np.asarray(anchors, dtype=np.float64))[0]
    k = int(np.argmax(ious))
    return k, float(ious[k])
