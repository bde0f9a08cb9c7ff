"""A YOLO head's outputs as boxes, in plain torch: the decoding an exported detector carries.

Owns ``split_head`` (the head's layout: (N, B*(5+C), S_h, S_w) -> (N, B, S_h, S_w, 5+C)),
``decode_head`` (every cell and anchor's box as corners in image fractions, its confidence =
objectness x best class probability, and that class), ``nms`` (greedy non-max suppression) and
``detect`` (confidence threshold, then NMS within each class, per image). Self-contained (torch
only, no other imports), because code generation copies these functions verbatim into an exported
``.py`` (read as package data through ``module_source``); the app decodes with the same
``decode_head`` (``playground/train/detection/decode.py``), so exported and in-app boxes agree.
Candidates are ordered anchor, row, column: index ``b*S_h*S_w + i*S_w + j``.
"""

from __future__ import annotations

import torch


def split_head(out, num_anchors):
    """(N, B*(5+C), S_h, S_w) -> (N, B, S_h, S_w, 5+C): one row of predictions per cell and anchor."""
    n, ch, sh, sw = out.shape
    return out.reshape(n, num_anchors, ch // num_anchors, sh, sw).permute(0, 1, 3, 4, 2)


def decode_head(out, anchors):
    """Head outputs (N, B*(5+C), S_h, S_w) and anchor sizes (B, 2) as image fractions -> every candidate:
    boxes (N, K, 4) as (x0, y0, x1, y1) image fractions, confidences (N, K), classes (N, K), K = B*S_h*S_w.

    Centre = (column + sigmoid(tx), row + sigmoid(ty)) / grid size; size = anchor * exp(tw, th) (YOLOv2)."""
    anchors = torch.as_tensor(anchors, dtype=out.dtype, device=out.device).reshape(-1, 2)
    p = split_head(out, len(anchors))  # (N, B, S_h, S_w, 5+C)
    n, _, sh, sw, _ = p.shape
    cols = torch.arange(sw, device=out.device, dtype=out.dtype)
    rows = torch.arange(sh, device=out.device, dtype=out.dtype)[:, None]
    cx = (cols + torch.sigmoid(p[..., 0])) / sw
    cy = (rows + torch.sigmoid(p[..., 1])) / sh
    w = anchors[:, 0, None, None] * torch.exp(p[..., 2].clamp(max=10))
    h = anchors[:, 1, None, None] * torch.exp(p[..., 3].clamp(max=10))
    conf, cls = (torch.sigmoid(p[..., 4:5]) * torch.softmax(p[..., 5:], -1)).max(-1)
    boxes = torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], -1)  # (N, B, S_h, S_w, 4)
    return boxes.reshape(n, -1, 4), conf.reshape(n, -1), cls.reshape(n, -1)


def nms(boxes, scores, iou_threshold):
    """Greedy non-max suppression on (D, 4) corner boxes: indices kept, highest score first. A box is
    dropped when it overlaps an already kept one by IoU > ``iou_threshold``; equal scores keep their order."""
    order = torch.sort(scores, descending=True, stable=True).indices
    boxes = boxes.double()
    area = (boxes[:, 2] - boxes[:, 0]).clamp(min=0) * (boxes[:, 3] - boxes[:, 1]).clamp(min=0)
    keep = []
    while order.numel():
        best, order = order[0], order[1:]
        keep.append(int(best))
        lo = torch.maximum(boxes[best, :2], boxes[order, :2])  # (R, 2)
        hi = torch.minimum(boxes[best, 2:], boxes[order, 2:])
        inter = (hi - lo).clamp(min=0).prod(-1)
        union = area[best] + area[order] - inter
        iou = torch.where(union > 0, inter / union.clamp(min=1e-300), torch.zeros_like(inter))
        order = order[iou <= iou_threshold]
    return torch.tensor(keep, dtype=torch.long)


def detect(out, anchors, conf_threshold=0.25, iou_threshold=0.5):
    """Head outputs (N, B*(5+C), S_h, S_w) -> per image (boxes (D, 4) corners in image fractions,
    scores (D,), classes (D,)): candidates at or above ``conf_threshold``, then NMS within each class,
    sorted by score."""
    boxes, conf, cls = decode_head(out, anchors)
    found = []
    for b, s, c in zip(boxes, conf, cls):
        above = torch.nonzero(s >= conf_threshold).reshape(-1)
        kept = [above[c[above] == k][nms(b[above][c[above] == k], s[above][c[above] == k], iou_threshold)]
                for k in torch.unique(c[above])]
        kept = torch.cat(kept) if kept else torch.zeros(0, dtype=torch.long)
        kept = kept[torch.sort(s[kept], descending=True, stable=True).indices]
        found.append((b[kept], s[kept], c[kept]))
    return found
