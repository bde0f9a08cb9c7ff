"""A detector's outputs made from true boxes, for the detection view's tests: the responsible anchor
confident, the cell's other anchors weaker near-duplicates (so NMS has something to remove), noise elsewhere."""
from __future__ import annotations

import numpy as np
import torch

from playground.data.detection_shapes import CLASSES, draw
from playground.train.detection.anchors import anchors_from_targets
from playground.train.detection.decode import decode_grid
from playground.train.detection.view_data import DetectionData, truths_from_targets
from playground.train.detection.yolo_loss import encode


def fake_outputs(targets, anchors, S, C, rng):
    enc = encode(targets, anchors, (S, S))  # (N, B, S, S, 6)
    n, b = enc.shape[:2]
    p = torch.zeros(n, b, S, S, 5 + C, dtype=torch.float64)
    p[..., 4] = -4.0 + torch.from_numpy(rng.normal(0, 1.0, size=(n, b, S, S)))
    p[..., 5:] = torch.from_numpy(rng.normal(0, 1.0, size=(n, b, S, S, C)))
    resp = enc[..., 4] > 0.5
    for (i, a, r, c) in resp.nonzero().tolist():
        row = enc[i, a, r, c]
        cx, cy = (c + row[0]) / S, (r + row[1]) / S
        w, h = anchors[a, 0] * torch.exp(row[2]), anchors[a, 1] * torch.exp(row[3])
        for a2 in range(b):
            jit = torch.from_numpy(rng.normal(0, 0.15 if a2 != a else 0.05, size=4))
            p[i, a2, r, c, 0] = torch.logit((cx * S - c).clamp(0.02, 0.98)) + jit[0]
            p[i, a2, r, c, 1] = torch.logit((cy * S - r).clamp(0.02, 0.98)) + jit[1]
            p[i, a2, r, c, 2] = torch.log(w / anchors[a2, 0]) + jit[2]
            p[i, a2, r, c, 3] = torch.log(h / anchors[a2, 1]) + jit[3]
            p[i, a2, r, c, 4] = (4.0 if a2 == a else 0.5) + rng.normal(0, 0.5)
            p[i, a2, r, c, 5:] = 0.0
            p[i, a2, r, c, 5 + int(row[5])] = 5.0
    return p.permute(0, 1, 4, 2, 3).reshape(n, b * (5 + C), S, S)


def make_data(n=12, seed=0, S=8, k=3):
    rng = np.random.default_rng(seed)
    images, targets = draw(n, rng, noise=0.05, max_rotation=15)
    t = torch.from_numpy(targets).double()
    anchors = torch.from_numpy(anchors_from_targets(t, k))
    out = fake_outputs(t, anchors, S, len(CLASSES), rng)
    boxes, scores, classes = decode_grid(out, anchors.numpy())
    tb, tc = truths_from_targets(targets)
    return DetectionData(images[:, None], list(boxes), list(scores), list(classes), tb, tc, anchors.numpy(), S, CLASSES)
