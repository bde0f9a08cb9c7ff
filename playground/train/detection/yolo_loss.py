"""The YOLO head's layout, the encoding of true boxes into its targets, and its loss.

The network ends in ``B * (5 + C)`` channels over an ``S_h x S_w`` grid: output (N, B*(5+C), S_h, S_w).
For anchor ``b`` the channels ``b*(5+C) .. b*(5+C)+4+C`` are ``tx, ty, tw, th, objectness, class
scores``. A box's centre is ``((j + sigmoid(tx)) / S_w, (i + sigmoid(ty)) / S_h)`` in the cell at
row ``i``, column ``j``; its size is the anchor's size times ``exp(tw), exp(th)`` (YOLOv2).

Target assignment: a true box belongs to the cell holding its centre and, in that cell, to the
anchor whose shape fits it best (highest IoU of sizes). That cell and anchor are "responsible"
for it; when two boxes claim the same cell and anchor, the later one wins. The loss, summed and
divided by the batch size, is

    lambda_coord * sum_resp [(sig(tx) - tx*)^2 + (sig(ty) - ty*)^2 + (tw - tw*)^2 + (th - th*)^2]
    + sum_resp BCE(obj, 1) + lambda_noobj * sum_others BCE(obj, 0) + sum_resp CE(class scores, class)

with ``tx* = cx*S_w - j`` and ``tw* = log(w / anchor_w)``. Owns none of the decoding (``decode.py``).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from playground.nn.detection_head import split_head

from .anchors import shape_iou

LAMBDA_COORD, LAMBDA_NOOBJ = 5.0, 0.5
#: columns of an encoded target cell
ENCODED = ("tx", "ty", "tw", "th", "obj", "class")


def head_layout(channels: int, num_anchors: int) -> int:
    """The number of classes a head of ``channels`` channels has for ``num_anchors`` anchors (-1 if none)."""
    if num_anchors <= 0 or channels % num_anchors or channels // num_anchors < 6:
        return -1
    return channels // num_anchors - 5


def encode(targets: torch.Tensor, anchors: torch.Tensor, grid: tuple[int, int]) -> torch.Tensor:
    """Padded true boxes (N, MAX, 6: present, class, cx, cy, w, h) -> dense targets (N, B, S_h, S_w, 6)
    with columns ``ENCODED``; cells and anchors with no box are all zero."""
    sh, sw = grid
    anchors = torch.as_tensor(anchors, dtype=torch.float64, device=targets.device)
    n = targets.shape[0]
    dense = torch.zeros(n, len(anchors), sh, sw, len(ENCODED), dtype=torch.float64, device=targets.device)
    rows = torch.arange(n, device=targets.device)
    for m in range(targets.shape[1]):  # slot by slot: one box per image at a time, later slots win
        t = targets[:, m].double()
        keep = t[:, 0] > 0.5
        if not keep.any():
            continue
        t, r = t[keep], rows[keep]
        cx, cy, wh = t[:, 2], t[:, 3], t[:, 4:6].clamp_min(1e-9)
        j = (cx * sw).floor().long().clamp(0, sw - 1)
        i = (cy * sh).floor().long().clamp(0, sh - 1)
        a = shape_iou(wh, anchors).argmax(-1)
        dense[r, a, i, j] = torch.stack([cx * sw - j, cy * sh - i, torch.log(wh[:, 0] / anchors[a, 0]),
                                         torch.log(wh[:, 1] / anchors[a, 1]), torch.ones_like(cx), t[:, 1]], dim=1)
    return dense


def loss_parts(out: torch.Tensor, targets: torch.Tensor, anchors, lambda_coord: float = LAMBDA_COORD,
               lambda_noobj: float = LAMBDA_NOOBJ) -> dict[str, torch.Tensor]:
    """The four weighted terms (each already divided by the batch size): coord, obj, noobj, class."""
    anchors = torch.as_tensor(anchors, dtype=torch.float64)
    p = split_head(out, len(anchors))  # (N, B, S_h, S_w, 5+C)
    t = encode(targets, anchors, tuple(p.shape[2:4])).to(device=out.device, dtype=out.dtype)
    resp = t[..., 4] > 0.5  # (N, B, S_h, S_w)
    n = max(out.shape[0], 1)
    coord = ((torch.sigmoid(p[..., 0:2]) - t[..., 0:2]) ** 2).sum(-1) + ((p[..., 2:4] - t[..., 2:4]) ** 2).sum(-1)
    bce = F.binary_cross_entropy_with_logits(p[..., 4], t[..., 4], reduction="none")
    scores, labels = p[resp][:, 5:], t[resp][:, 5].long()  # (R, C), (R,)
    cls = F.cross_entropy(scores, labels, reduction="sum") if len(labels) else p.sum() * 0
    return {
        "coord": lambda_coord * (coord * resp).sum() / n,
        "obj": (bce * resp).sum() / n,
        "noobj": lambda_noobj * (bce * ~resp).sum() / n,
        "class": cls / n,
    }


def yolo_loss(out: torch.Tensor, targets: torch.Tensor, anchors=None, lambda_coord: float = LAMBDA_COORD,
              lambda_noobj: float = LAMBDA_NOOBJ) -> torch.Tensor:
    """The whole loss of a batch: the sum of ``loss_parts``."""
    if anchors is None:
        raise ValueError("the YOLO loss needs anchors (the Objective chooses them from the training boxes)")
    return sum(loss_parts(out, targets, anchors, lambda_coord, lambda_noobj).values())
