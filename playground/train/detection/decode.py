"""From the YOLO head's outputs to boxes: decoding every cell and anchor, IoU, and non-max suppression.

Owns ``decode_grid`` (every cell and anchor's box, confidence = objectness x class probability,
and class, as numpy; the torch maths is ``nn/detection_head.py``'s, which exports carry), box
format conversion, ``iou_matrix``, ``nms`` (greedy: keep the
highest score, drop every other box overlapping it by more than the IoU threshold, repeat),
``batched_nms`` (the same per class) and ``detect`` (confidence threshold, then NMS per class) on
numpy arrays, which the Evaluation panel re-runs live as its sliders move. Candidates are ordered
``anchor, row, column`` (index ``b*S_h*S_w + i*S_w + j``), so a box tells which cell made it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from playground.nn.detection_head import decode_head


def cxcywh_to_xyxy(boxes):
    """(..., 4) centre/size -> corners (x0, y0, x1, y1); numpy or torch."""
    lib = torch if isinstance(boxes, torch.Tensor) else np
    cx, cy, w, h = boxes[..., 0], boxes[..., 1], boxes[..., 2], boxes[..., 3]
    return lib.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], -1)


@torch.no_grad()
def decode_grid(out: torch.Tensor, anchors) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every candidate of (N, B*(5+C), S_h, S_w) outputs: boxes (N, K, 4) xyxy as image fractions,
    confidences (N, K) and classes (N, K), with K = B*S_h*S_w, as numpy (``nn.detection_head``'s
    ``decode_head``, the decoding an exported detector carries)."""
    boxes, conf, cls = decode_head(out, torch.as_tensor(np.asarray(anchors), dtype=out.dtype))
    return boxes.double().cpu().numpy(), conf.double().cpu().numpy(), cls.cpu().numpy()


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box in ``a`` (M, 4) with every box in ``b`` (K, 4), xyxy: (M, K); 0 for empty unions."""
    a, b = np.asarray(a, dtype=np.float64).reshape(-1, 4), np.asarray(b, dtype=np.float64).reshape(-1, 4)
    area = lambda t: np.clip(t[:, 2] - t[:, 0], 0, None) * np.clip(t[:, 3] - t[:, 1], 0, None)  # noqa: E731
    iw = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    ih = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = iw * ih
    union = area(a)[:, None] + area(b)[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Indices of the boxes kept, highest score first: a box is dropped when it overlaps an already
    kept one by IoU > ``iou_threshold``. Equal scores keep their original order. (All overlaps are
    computed once; the greedy pass then only reads rows of kept boxes.)"""
    order = np.argsort(-np.asarray(scores), kind="stable")
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)[order]
    over = iou_matrix(boxes, boxes) > iou_threshold  # (K, K)
    alive = np.ones(len(order), dtype=bool)
    keep: list[int] = []
    for i in range(len(order)):
        if alive[i]:
            keep.append(i)
            alive &= ~over[i]
    return order[np.asarray(keep, dtype=np.int64)]


def batched_nms(boxes: np.ndarray, scores: np.ndarray, classes: np.ndarray, iou_threshold: float) -> np.ndarray:
    """NMS within each class only (boxes of different classes never suppress each other); kept
    indices sorted by score, highest first."""
    classes = np.asarray(classes)
    keep = [np.flatnonzero(classes == c)[nms(boxes[classes == c], scores[classes == c], iou_threshold)]
            for c in np.unique(classes)]
    kept = np.concatenate(keep) if keep else np.zeros(0, dtype=np.int64)
    return kept[np.argsort(-np.asarray(scores)[kept], kind="stable")]


@dataclass
class Detections:
    """One image's final boxes: ``index`` into the candidates, and how many NMS removed."""

    index: np.ndarray  # (D,)
    boxes: np.ndarray  # (D, 4) xyxy
    scores: np.ndarray  # (D,)
    classes: np.ndarray  # (D,)
    above_threshold: int  # candidates above the confidence threshold
    removed_by_nms: int


def detect(boxes: np.ndarray, scores: np.ndarray, classes: np.ndarray, conf_threshold: float = 0.25,
           iou_threshold: float = 0.5, max_candidates: int | None = None) -> Detections:
    """One image's candidates (K, 4), (K,), (K,) -> the boxes left after the threshold and per-class NMS;
    with ``max_candidates``, only that many of the most confident go into NMS."""
    above = np.flatnonzero(np.asarray(scores) >= conf_threshold)
    if max_candidates is not None and len(above) > max_candidates:
        above = above[np.argsort(-np.asarray(scores)[above], kind="stable")[:max_candidates]]
    kept = above[batched_nms(boxes[above], scores[above], classes[above], iou_threshold)]
    return Detections(kept, boxes[kept], scores[kept], classes[kept], len(above), len(above) - len(kept))
