"""The detection view's explanations and data, against straightforward implementations written here:
which box NMS removed and which kept box removed it, the responsible cell, the best anchor, and
reading an evaluation into ``DetectionData``."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from playground.core.errors import PlaygroundError
from playground.train.detection.explain import best_anchor, explain_detections, responsible_cell
from playground.train.detection.view_data import DetectionData, from_evaluation, truths_from_targets
from playground.train.detection.yolo_loss import encode


def ref_iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def ref_nms_with_reasons(boxes, scores, classes, conf, thr):
    """Greedy NMS per class written out: kept indices and {removed index: (kept index, IoU)}."""
    kept, removed = [], {}
    for c in sorted(set(classes.tolist())):
        todo = sorted([i for i in range(len(scores)) if classes[i] == c and scores[i] >= conf],
                      key=lambda i: (-scores[i], i))
        while todo:
            best = todo.pop(0)
            kept.append(best)
            rest = []
            for i in todo:
                v = ref_iou(boxes[best], boxes[i])
                if v > thr:
                    removed[i] = (best, v)
                else:
                    rest.append(i)
            todo = rest
    return kept, removed


def random_candidates(seed, n=60):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0.2, 0.8, size=(6, 2))
    pick = rng.integers(0, 6, size=n)
    c = centres[pick] + rng.normal(0, 0.03, size=(n, 2))
    wh = rng.uniform(0.1, 0.3, size=(n, 2))
    boxes = np.concatenate([c - wh / 2, c + wh / 2], 1)
    return boxes, rng.uniform(0, 1, size=n), rng.integers(0, 3, size=n)


@pytest.mark.parametrize("seed,conf,thr", [(0, 0.2, 0.5), (1, 0.0, 0.3), (2, 0.5, 0.7), (3, 0.1, 0.1)])
def test_explained_nms_matches_a_greedy_loop_and_names_who_removed_each_box(seed, conf, thr):
    boxes, scores, classes = random_candidates(seed)
    ex = explain_detections(boxes, scores, classes, conf, thr)
    kept, removed = ref_nms_with_reasons(boxes, scores, classes, conf, thr)
    assert sorted(ex.kept.index.tolist()) == sorted(kept)
    assert {r.index for r in ex.removed} == set(removed)
    assert len(ex.removed) > 0
    for r in ex.removed:
        by, v = removed[r.index]
        assert int(ex.kept.index[r.by]) == by
        assert r.iou == pytest.approx(v)
    assert ex.below_threshold == int((scores < conf).sum())


def test_reason_reads_like_the_view_says():
    boxes = np.array([[0.1, 0.1, 0.5, 0.5], [0.12, 0.1, 0.52, 0.5], [0.6, 0.6, 0.9, 0.9]])
    ex = explain_detections(boxes, np.array([0.9, 0.8, 0.7]), np.array([0, 0, 1]), 0.25, 0.5)
    assert len(ex.removed) == 1 and ex.removed[0].index == 1
    iou = ref_iou(boxes[0], boxes[1])
    assert ex.reason(ex.removed[0], ("circle", "square")) == (
        f"removed: overlaps kept box 1 (circle 0.90) by IoU {iou:.2f} > 0.50")


@pytest.mark.parametrize("cx,cy,grid,want", [(0.3, 0.7, 4, (2, 1)), (0.0, 0.0, 7, (0, 0)), (1.0, 1.0, 7, (6, 6)),
                                            (0.5, 0.24, (5, 8), (1, 4)), (0.125, 0.125, 8, (1, 1))])
def test_responsible_cell_is_the_cell_holding_the_centre(cx, cy, grid, want):
    assert responsible_cell(cx, cy, grid) == want  # floor(cy * S_h), floor(cx * S_w), edges kept inside


def test_responsible_cell_and_best_anchor_agree_with_the_loss_assignment():
    anchors = np.array([[0.1, 0.1], [0.25, 0.2], [0.35, 0.4]])
    rng = np.random.default_rng(5)
    for _ in range(20):
        cx, cy, w, h = rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.4), rng.uniform(0.05, 0.4)
        t = torch.zeros(1, 5, 6, dtype=torch.float64)
        t[0, 0] = torch.tensor([1.0, 0, cx, cy, w, h])
        enc = encode(t, torch.from_numpy(anchors), (6, 6))
        a, i, j = (enc[0, ..., 4] > 0).nonzero()[0].tolist()
        assert responsible_cell(cx, cy, 6) == (i, j)
        k, iou = best_anchor(w, h, anchors)
        assert k == a
        # IoU of sizes by hand: the boxes share a centre
        inter = min(w, anchors[k, 0]) * min(h, anchors[k, 1])
        assert iou == pytest.approx(inter / (w * h + anchors[k].prod() - inter))


def _targets():
    t = np.zeros((2, 5, 6))
    t[0, 0] = [1, 2, 0.5, 0.5, 0.2, 0.4]
    t[0, 1] = [1, 0, 0.2, 0.3, 0.1, 0.1]
    t[1, 0] = [1, 1, 0.7, 0.7, 0.3, 0.2]
    return t


def test_truths_from_targets_gives_corner_boxes_of_present_rows():
    boxes, classes = truths_from_targets(_targets())
    np.testing.assert_allclose(boxes[0], [[0.4, 0.3, 0.6, 0.7], [0.15, 0.25, 0.25, 0.35]])
    np.testing.assert_allclose(boxes[1], [[0.55, 0.6, 0.85, 0.8]])
    assert [c.tolist() for c in classes] == [[2, 0], [1]]


def test_from_evaluation_reads_candidates_in_either_form():
    images = np.zeros((2, 1, 8, 8))
    cand = np.array([[[0.5, 0.5, 0.2, 0.2]], [[0.3, 0.3, 0.2, 0.4]]])  # (N, K, 4) centre/size
    scores, classes = np.array([[0.9], [0.8]]), np.array([[1], [2]])
    ev = SimpleNamespace(task="detection", inputs=images, candidate_boxes=cand, candidate_scores=scores,
                         candidate_classes=classes, box_format="cxcywh", targets=_targets(),
                         anchors=[[0.1, 0.1]], S=4, class_names=("a", "b", "c"))
    d = from_evaluation(SimpleNamespace(evaluation=ev, inputs=images))  # an EvaluationView wrapping it
    np.testing.assert_allclose(d.boxes[1], [[0.2, 0.1, 0.4, 0.5]])
    assert d.grid == (4, 4) and d.class_names == ("a", "b", "c") and len(d) == 2
    np.testing.assert_allclose(d.true_boxes[1], [[0.55, 0.6, 0.85, 0.8]])
    listed = SimpleNamespace(images=images, candidates=[(b, s, c) for b, s, c in zip(d.boxes, d.scores, d.classes)],
                             true_boxes=d.true_boxes, true_classes=d.true_classes, anchors=d.anchors,
                             grid=(4, 4), class_names=d.class_names)
    again = from_evaluation(listed)
    for a, b in zip(again.boxes + again.true_boxes, d.boxes + d.true_boxes):
        np.testing.assert_allclose(a, b)


def test_from_evaluation_names_what_is_missing():
    with pytest.raises(PlaygroundError, match="anchors.*candidates"):
        from_evaluation(SimpleNamespace(images=np.zeros((1, 1, 4, 4)), grid=4, targets=_targets()[:1]))
    with pytest.raises(PlaygroundError, match="3 images but true boxes for 2"):
        DetectionData(np.zeros((3, 1, 4, 4)), [np.zeros((0, 4))] * 3, [np.zeros(0)] * 3, [np.zeros(0)] * 3,
                      *truths_from_targets(_targets()), np.ones((1, 2)), 4, ("a",))


def test_scores_at_the_thresholds_count_what_is_kept():
    boxes, classes = truths_from_targets(_targets())
    # each true box predicted exactly, plus a weak duplicate of the first that NMS removes
    cand = [np.concatenate([boxes[0], boxes[0][:1] + 0.01]), boxes[1]]
    data = DetectionData(np.zeros((2, 1, 8, 8)), cand, [np.array([0.9, 0.8, 0.3]), np.array([0.7])],
                         [np.array([2, 0, 2]), np.array([1])], boxes, classes, np.ones((1, 2)) * 0.2, 4,
                         ("a", "b", "c"))
    assert data.scores_at(0.25, 0.5).map == pytest.approx(1.0)
    # NMS off (threshold 1): the duplicate is a false positive after the true one, AP of class 2 stays 1
    assert data.scores_at(0.1, 1.0).ap[2] == pytest.approx(1.0)
    # a confidence threshold above class 1's only box loses it: AP 0 for that class
    low = data.scores_at(0.75, 0.5)
    assert low.ap[1] == 0.0 and low.map == pytest.approx(2 / 3)


def test_from_evaluation_reads_an_evaluation_view_around_a_detection_record():
    """The shape the detection task's Evaluation takes: ``evaluation.detection`` holds the boxes,
    ``evaluation.images`` the whole split's pictures, the view's ``inputs``/``shown`` a subset."""
    boxes, classes = truths_from_targets(_targets())
    record = SimpleNamespace(images=None, candidate_boxes=np.stack([boxes[0][:1], boxes[1]]),
                             candidate_scores=np.array([[0.9], [0.8]]), candidate_classes=np.array([[2], [1]]),
                             true_boxes=boxes, true_classes=classes, anchors=np.array([[0.2, 0.3]]), grid=(4, 4),
                             class_names=("a", "b", "c"), map50=0.61, ap_conf_threshold=0.01, conf_threshold=0.3,
                             iou_threshold=0.45, box_format="xyxy")
    evaluation = SimpleNamespace(task="detection", images=np.ones((2, 1, 8, 8)), detection=record, class_names=())
    view = SimpleNamespace(evaluation=evaluation, inputs=np.zeros((1, 1, 8, 8)), shown=np.array([1]))
    d = from_evaluation(view)
    assert len(d) == 2 and d.images.max() == 1  # the whole split's images, not the view's subset
    assert d.indices.tolist() == [0, 1]
    assert (d.conf_threshold, d.iou_threshold, d.reported_map, d.reported_conf) == (0.3, 0.45, 0.61, 0.01)
    assert d.class_names == ("a", "b", "c") and d.grid == (4, 4)
    np.testing.assert_allclose(d.boxes[1], boxes[1])
    # no images on the Evaluation: the view's kept examples and their split indices
    evaluation.images = None
    record.candidate_boxes, record.candidate_scores = record.candidate_boxes[1:], record.candidate_scores[1:]
    record.candidate_classes, record.true_boxes, record.true_classes = record.candidate_classes[1:], boxes[1:], classes[1:]
    d = from_evaluation(view)
    assert len(d) == 1 and d.indices.tolist() == [1] and d.images.max() == 0


def test_images_that_are_not_pictures_are_refused_with_their_shape():
    boxes, classes = truths_from_targets(_targets())
    with pytest.raises(PlaygroundError, match=r"shape \(2,\), not pictures"):
        DetectionData(np.arange(2), boxes, [np.zeros(1)] * 2, [np.zeros(1)] * 2, boxes, classes, np.ones((1, 2)),
                      4, ("a", "b", "c"))
