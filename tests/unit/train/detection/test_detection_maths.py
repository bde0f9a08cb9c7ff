"""The detector's maths against independent references written out here: IoU, NMS and batched NMS
(torchvision.ops definitions, not imported), VOC AP (a plain loop), the YOLO loss's gradient
(torch.autograd.gradcheck), encode -> decode round trips, and k-means anchors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from playground.train.detection.anchors import kmeans_anchors, mean_best_iou
from playground.train.detection.decode import batched_nms, decode_grid, detect, iou_matrix, nms
from playground.train.detection.metrics import mean_average_precision, pr_curve
from playground.train.detection.yolo_loss import encode, loss_parts, yolo_loss


# ---------------------------------------------------------------- references, written out
def ref_iou(a, b):
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def ref_nms(boxes, scores, thr):
    """torchvision.ops.nms: sort by score, keep, discard boxes with IoU > thr with a kept one."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    keep, suppressed = [], set()
    for i in order:
        if i in suppressed:
            continue
        keep.append(i)
        for j in order:
            if j not in suppressed and j != i and j not in keep and ref_iou(boxes[i], boxes[j]) > thr:
                suppressed.add(j)
    return keep


def ref_batched_nms(boxes, scores, classes, thr):
    """torchvision.ops.batched_nms's trick: shift each class's boxes far apart, then one NMS."""
    offset = (np.max(boxes) + 1) * np.asarray(classes, dtype=np.float64)[:, None]
    return ref_nms(np.asarray(boxes) + offset, scores, thr)


def ref_ap(dets, truths, thr=0.5):
    """VOC AP with plain Python: dets [(image, score, box)], truths {image: [box]}."""
    dets = sorted(dets, key=lambda d: -d[1])
    used = {k: [False] * len(v) for k, v in truths.items()}
    n_true = sum(len(v) for v in truths.values())
    tp = fp = 0
    points = []
    for image, _, box in dets:
        best, best_iou = -1, -1.0
        for k, t in enumerate(truths.get(image, [])):
            o = ref_iou(box, t)
            if o > best_iou:
                best, best_iou = k, o
        if best >= 0 and best_iou >= thr and not used[image][best]:
            used[image][best] = True
            tp += 1
        else:
            fp += 1
        points.append((tp / n_true, tp / (tp + fp)))
    ap, prev_recall = 0.0, 0.0
    for k, (r, _) in enumerate(points):  # at each new recall level, the best precision from here on
        if r > prev_recall:
            ap += (r - prev_recall) * max(p for _, p in points[k:])
            prev_recall = r
    return ap


def random_boxes(rng, n):
    xy = rng.uniform(0, 0.8, size=(n, 2))
    wh = rng.uniform(0.05, 0.3, size=(n, 2))
    return np.concatenate([xy, xy + wh], 1)


# ---------------------------------------------------------------- IoU, NMS
def test_iou_matrix_matches_reference():
    rng = np.random.default_rng(0)
    a, b = random_boxes(rng, 7), random_boxes(rng, 5)
    want = np.array([[ref_iou(x, y) for y in b] for x in a])
    np.testing.assert_allclose(iou_matrix(a, b), want, atol=1e-12)
    assert iou_matrix(a[:1], a[:1])[0, 0] == pytest.approx(1.0)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("thr", [0.1, 0.3, 0.5, 0.7])
def test_nms_matches_reference(seed, thr):
    rng = np.random.default_rng(seed)
    boxes, scores = random_boxes(rng, 40), rng.uniform(size=40)
    assert nms(boxes, scores, thr).tolist() == ref_nms(boxes, scores, thr)


@pytest.mark.parametrize("seed", range(5))
def test_batched_nms_matches_reference(seed):
    rng = np.random.default_rng(seed)
    boxes, scores, classes = random_boxes(rng, 40), rng.uniform(size=40), rng.integers(0, 3, 40)
    assert batched_nms(boxes, scores, classes, 0.4).tolist() == ref_batched_nms(boxes, scores, classes, 0.4)


def test_detect_counts_what_nms_removed():
    boxes = np.array([[0, 0, 1, 1], [0, 0, 1, 0.95], [2, 2, 3, 3], [0, 0, 1, 1.0]], dtype=float)
    scores, classes = np.array([0.9, 0.8, 0.7, 0.1]), np.array([0, 0, 0, 0])
    d = detect(boxes, scores, classes, conf_threshold=0.5, iou_threshold=0.5)
    assert d.index.tolist() == [0, 2] and d.above_threshold == 3 and d.removed_by_nms == 1


# ---------------------------------------------------------------- AP
@pytest.mark.parametrize("seed", range(6))
def test_ap_matches_plain_loop(seed):
    rng = np.random.default_rng(seed)
    truths = {k: list(random_boxes(rng, rng.integers(0, 4))) for k in range(8)}
    dets = []
    for k, ts in truths.items():
        for t in ts:  # near-hits of varying quality, and some misses
            if rng.uniform() < 0.8:
                dets.append((k, rng.uniform(), t + rng.normal(0, 0.03, 4)))
        for b in random_boxes(rng, rng.integers(0, 3)):
            dets.append((k, rng.uniform(), b))
    curve = pr_curve([[d[2] for d in dets if d[0] == k] for k in range(8)],
                     [[d[1] for d in dets if d[0] == k] for k in range(8)],
                     [truths[k] for k in range(8)])
    assert curve.ap == pytest.approx(ref_ap(dets, truths), abs=1e-12)


def test_map_perfect_and_per_class():
    rng = np.random.default_rng(1)
    truths = [(random_boxes(rng, 3), np.array([0, 1, 1])) for _ in range(4)]
    preds = [(b, np.linspace(0.9, 0.5, len(b)), c) for b, c in truths]
    scores = mean_average_precision(preds, truths, num_classes=3)
    assert scores.map == pytest.approx(1.0)
    assert math.isnan(scores.ap[2]) and scores.ap[:2].tolist() == [1.0, 1.0]
    empty = mean_average_precision([(np.zeros((0, 4)), np.zeros(0), np.zeros(0))] * 4, truths, 3)
    assert empty.map == 0.0


# ---------------------------------------------------------------- the loss and the round trip
ANCHORS = torch.tensor([[0.1, 0.1], [0.25, 0.2], [0.35, 0.4]], dtype=torch.float64)
C, S = 4, 4


def padded(boxes):
    """[(class, cx, cy, w, h), ...] per image -> (N, 5, 6)."""
    t = torch.zeros(len(boxes), 5, 6, dtype=torch.float64)
    for n, rows in enumerate(boxes):
        for m, row in enumerate(rows):
            t[n, m] = torch.tensor([1.0, *row])
    return t


TRUE = padded([[(0, 0.3, 0.3, 0.1, 0.12), (3, 0.7, 0.6, 0.3, 0.35)], [(2, 0.95, 0.05, 0.2, 0.2)],
               [(1, 0.5, 0.5, 0.26, 0.18), (1, 0.1, 0.9, 0.1, 0.1), (0, 0.6, 0.2, 0.4, 0.4)]])


def perfect_logits(targets):
    """The outputs a perfect network would give: inverse of the decoding, from the encoded targets."""
    enc = encode(targets, ANCHORS, (S, S))  # (N, B, S, S, 6)
    n, b = enc.shape[:2]
    p = torch.zeros(n, b, S, S, 5 + C, dtype=torch.float64)
    resp = enc[..., 4] > 0.5
    p[..., 0:2] = torch.logit(enc[..., 0:2].clamp(1e-6, 1 - 1e-6))
    p[..., 2:4] = enc[..., 2:4]
    p[..., 4] = torch.where(resp, 12.0, -12.0)
    p[..., 5:] = torch.nn.functional.one_hot(enc[..., 5].long(), C) * 12.0
    return p.permute(0, 1, 4, 2, 3).reshape(n, b * (5 + C), S, S)  # (N, B*(5+C), S, S)


def test_encode_then_decode_gives_back_the_true_boxes():
    boxes, scores, classes = decode_grid(perfect_logits(TRUE), ANCHORS.numpy())
    for n in range(len(TRUE)):
        d = detect(boxes[n], scores[n], classes[n], conf_threshold=0.5)
        t = TRUE[n][TRUE[n, :, 0] > 0]
        want = torch.cat([t[:, 2:4] - t[:, 4:6] / 2, t[:, 2:4] + t[:, 4:6] / 2], 1).numpy()
        order = np.lexsort((want[:, 1], want[:, 0]))
        got = np.lexsort((d.boxes[:, 1], d.boxes[:, 0]))
        np.testing.assert_allclose(d.boxes[got], want[order], atol=1e-5)
        assert d.classes[got].tolist() == t[:, 1].long().numpy()[order].tolist()


def test_encode_assigns_the_centre_cell_and_best_anchor():
    enc = encode(TRUE, ANCHORS, (S, S))
    assert int((enc[..., 4] > 0).sum()) == 6
    # box (0.7, 0.6, 0.3, 0.35): cell row 2, col 2; anchor 2 fits best
    assert enc[0, 2, 2, 2, 4] == 1 and enc[0, 2, 2, 2, 5] == 3
    assert enc[0, 2, 2, 2, 0].item() == pytest.approx(0.7 * S - 2)
    assert enc[0, 2, 2, 2, 2].item() == pytest.approx(math.log(0.3 / 0.35))
    # a centre on the right edge stays in the last column
    assert enc[1, :, 0, S - 1, 4].sum() == 1


def test_perfect_outputs_leave_only_tiny_loss_and_wrong_ones_more():
    good = perfect_logits(TRUE)
    parts = loss_parts(good, TRUE, ANCHORS)
    assert parts["coord"].item() < 1e-6 and sum(parts.values()).item() < 1e-3
    assert yolo_loss(good + 0.5, TRUE, ANCHORS) > yolo_loss(good, TRUE, ANCHORS) + 1


def test_loss_weights_match_a_by_hand_sum():
    torch.manual_seed(0)
    out = torch.randn(3, 3 * (5 + C), S, S, dtype=torch.float64)
    enc = encode(TRUE, ANCHORS, (S, S))
    p = out.reshape(3, 3, 5 + C, S, S).permute(0, 1, 3, 4, 2)
    total = 0.0
    for idx in np.ndindex(*enc.shape[:4]):
        t, q = enc[idx], p[idx]
        obj = torch.sigmoid(q[4])
        if t[4] > 0:
            total += 5 * ((torch.sigmoid(q[0]) - t[0]) ** 2 + (torch.sigmoid(q[1]) - t[1]) ** 2
                          + (q[2] - t[2]) ** 2 + (q[3] - t[3]) ** 2)
            total += -torch.log(obj) - torch.log_softmax(q[5:], 0)[int(t[5])]
        else:
            total += -0.5 * torch.log(1 - obj)
    assert yolo_loss(out, TRUE, ANCHORS).item() == pytest.approx(total.item() / 3, rel=1e-9)


def test_loss_gradient_passes_gradcheck():
    torch.manual_seed(1)
    out = torch.randn(3, 3 * (5 + C), S, S, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda o: yolo_loss(o, TRUE, ANCHORS), (out,), fast_mode=True)


def test_loss_without_boxes_is_only_noobj():
    out = torch.zeros(2, 3 * (5 + C), S, S, dtype=torch.float64)
    parts = loss_parts(out, torch.zeros(2, 5, 6, dtype=torch.float64), ANCHORS)
    assert parts["noobj"].item() == pytest.approx(0.5 * 3 * S * S * math.log(2))
    assert parts["coord"] == 0 and parts["class"] == 0


# ---------------------------------------------------------------- anchors
def test_kmeans_anchors_find_clusters_and_beat_random_sizes():
    rng = np.random.default_rng(0)
    centres = np.array([[0.05, 0.05], [0.2, 0.1], [0.3, 0.35]])
    wh = np.concatenate([c * rng.uniform(0.95, 1.05, size=(50, 2)) for c in centres])
    anchors = kmeans_anchors(wh, 3, seed=0)
    np.testing.assert_allclose(anchors, centres, rtol=0.06)
    assert (anchors[:, 0] * anchors[:, 1]).tolist() == sorted((anchors[:, 0] * anchors[:, 1]).tolist())
    assert mean_best_iou(wh, anchors) > mean_best_iou(wh, rng.uniform(0.05, 0.35, size=(3, 2)))
    np.testing.assert_array_equal(kmeans_anchors(wh, 3, seed=0), anchors)  # deterministic
