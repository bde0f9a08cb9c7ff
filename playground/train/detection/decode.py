"""From the YOLO head's outputs to boxes: decoding every cell and anchor, IoU, and non-max suppression.

Owns ``decode_grid`` (torch: every cell and anchor's box, confidence = objectness x class
probability, and class), box format conversion, ``iou_matrix``, ``nms`` (greedy: keep the
highest score, drop every other box overlapping it by more than the IoU threshold, repeat),
``batched_nms`` (the same per class) and ``detect`` (confidence threshold, then NMS per class) on
numpy arrays, which the Evaluation panel re-runs live as its sliders move. Candidates are ordered
``anchor, row, column`` (index ``b*S_h*S_w + i*S_w + j``), so a box tells which cell made it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .yolo_loss import split_head


def cxcywh_to_xyxy(boxes):
    """(..., 4) centre/size -> corners (x0, y0, x1, y1); numpy or torch."""
    lib = torch if isinstance(boxes, torch.Tensor) else np
    cx, cy, w, h = boxes[..., 0], boxes[..., 1], boxes[..., 2], boxes[..., 3]
    return lib.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], -1)


@torch.no_grad()
def decode_grid(out: torch.Tensor, anchors) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every candidate of (N, B*(5+C), S_h, S_w) outputs: boxes (N, K, 4) xyxy as image fractions,
    confidences (N, K) and classes (N, K), with K = B*S_h*S_w, as numpy."""
    anchors = torch.as_tensor(np.asarray(anchors), dtype=out.dtype, device=out.device)
    p = split_head(out, len(anchors))  # (N, B, S_h, S_w, 5+C)
    n, b, sh, sw, _ = p.shape
    cols = torch.arange(sw, device=out.device, dtype=out.dtype)
    rows = torch.arange(sh, device=out.device, dtype=out.dtype)[:, None]
    cx = (cols + torch.sigmoid(p[..., 0])) / sw
    cy = (rows + torch.sigmoid(p[..., 1])) / sh
    w = anchors[:, 0, None, None] * torch.exp(p[..., 2].clamp(max=10))
    h = anchors[:, 1, None, None] * torch.exp(p[..., 3].clamp(max=10))
    conf, cls = (torch.sigmoid(p[..., 4:5]) * torch.softmax(p[..., 5:], -1)).max(-1)
    boxes = cxcywh_to_xyxy(torch.stack([cx, cy, w, h], -1)).reshape(n, -1, 4)
    return (boxes.double().cpu().numpy(), conf.reshape(n, -1).double().cpu().numpy(),
            cls.reshape(n, -1).cpu().numpy())


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
    kept one by IoU > ``iou_threshold``. Equal scores keep their original order."""
    order = np.argsort(-np.asarray(scores), kind="stable")
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    keep: list[int] = []
    while order.size:
        best = order[0]
        keep.append(int(best))
        rest = order[1:]
        order = rest[iou_matrix(boxes[best:best + 1], boxes[rest])[0] <= iou_threshold]
    return np.asarray(keep, dtype=np.int64)


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
           iou_threshold: float = 0.5) -> Detections:
    """One image's candidates (K, 4), (K,), (K,) -> the boxes left after the threshold and per-class NMS."""
    above = np.flatnonzero(np.asarray(scores) >= conf_threshold)
    kept = above[batched_nms(boxes[above], scores[above], classes[above], iou_threshold)]
    return Detections(kept, boxes[kept], scores[kept], classes[kept], len(above), len(above) - len(kept))
