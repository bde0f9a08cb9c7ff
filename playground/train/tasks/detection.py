"""The object-detection task's record: boxes per image, the YOLO grid head, its loss, NMS and mAP@0.5.

Owns the detection parts the table needs: the output check (a grid of ``B * (5 + C)`` maps, in
words with the number of filters that fits), ``predict`` (decode every cell and anchor, drop the
unsure ones, non-max suppression per class) and ``SPEC``. The head's layout and loss live in
``playground/train/detection/yolo_loss.py``, the decoding in ``detection/decode.py`` (and
``nn/detection_head.py``, which exports carry), the numbers in ``detection/evaluation.py``.
"""

from __future__ import annotations

import numpy as np

from playground.data.targets import target_form
from playground.train.detection import evaluation
from playground.train.detection.decode import decode_grid, detect
from playground.train.tasks.registry import TaskSpec, shape_text

#: anchors the message suggests for a head that does not fit
SUGGESTED_ANCHORS = 3


def _check(spec, num_classes: int, out_shape: tuple, target_shape: tuple, dataset: str) -> list[str]:
    per_anchor = 5 + num_classes
    want = f"{SUGGESTED_ANCHORS * per_anchor} filters for {SUGGESTED_ANCHORS} anchors"
    if len(out_shape) != 3:
        return [f"detection needs a grid of predictions, (B*(5+C), S, S), but the network gives "
                f"{shape_text(out_shape)} per image; end it with a 1x1 convolution over the last feature "
                f"maps with B*(5+{num_classes}) filters, e.g. {want}"]
    channels = out_shape[0]
    if channels % per_anchor:
        return [f"the network gives {channels} maps per grid cell, but a YOLO head for {dataset}'s {num_classes} "
                f"classes needs a multiple of 5+{num_classes} = {per_anchor} (per anchor: 4 box numbers, 1 "
                f"objectness, {num_classes} class scores); give the last convolution {want}"]
    if min(out_shape[1:]) < 1:
        return [f"the grid is {out_shape[1]}x{out_shape[2]}; keep at least one cell (pool less)"]
    return []


def predict(out, threshold: float, anchors) -> list:
    """Outputs (N, B*(5+C), S_h, S_w) -> per image ``decode.Detections`` (boxes as image-fraction
    corners, scores, classes): candidates at least ``threshold`` confident, NMS within each class."""
    boxes, conf, cls = decode_grid(out.float(), np.asarray(anchors, dtype=np.float64))
    return [detect(b, s, c, threshold, evaluation.IOU_THRESHOLD) for b, s, c in zip(boxes, conf, cls)]


def export_decode(objective) -> dict:
    """What an exported ``.py`` needs to turn the head's outputs into boxes (``nn.detection_head``)."""
    return {"kind": "yolo", "anchors": [list(map(float, a)) for a in objective.settings["anchors"]],
            "conf_threshold": evaluation.CONF_THRESHOLD, "iou_threshold": evaluation.IOU_THRESHOLD}


def _summary(ev) -> str:
    d = ev.detection
    per_class = ", ".join(f"{name} {ap:.3f}" for name, ap in zip(d.class_names, d.ap) if np.isfinite(ap))
    return f"test: mAP@0.5 {d.map50:.4f} (AP {per_class}), loss {ev.loss:.4f} on {ev.count} images"


SPEC = TaskSpec(
    name="detection", title="Object detection", targets=target_form("detection"),
    losses=("yolo",), default_loss=lambda outputs: "yolo", check_output=_check, predict=predict,
    split_metrics=evaluation.split_metrics, evaluate=evaluation.evaluate,
    test_keys=("loss", "map50", "ap", "class_names", "anchors", "grid"), summary=_summary,
    classifies=False, predict_settings=("anchors",), keeps_images=True, export_decode=export_decode,
    ui_thumbnail="playground.ui.tasks.thumbnails:boxes_thumbnail",
    ui_evaluation="playground.ui.tasks.detection_view:DetectionPage",
)
