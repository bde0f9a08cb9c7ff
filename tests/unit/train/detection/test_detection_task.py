"""The detection task's record: output check, anchors learnt from the training boxes, decoding, and the
evaluation's mAP@0.5 against a plain-Python decode + AP written here on a hand-made head output."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from playground.core.errors import TrainingError
from playground.data import load
from playground.train.detection.anchors import kmeans_anchors
from playground.train.detection.evaluation import EPOCH_IMAGES, true_boxes
from playground.train.evaluation import evaluate, split_metrics
from playground.train.losses import check_loss
from playground.train.objective import Objective
from playground.train.tasks import get_task

C = 4


# ---------------------------------------------------------------- the record's checks
def test_a_fitting_grid_head_passes_and_mismatches_say_the_filters_that_fit():
    assert check_loss("yolo", "detection", C, (27, 8, 8), (5, 6)) == []
    assert check_loss("yolo", "detection", C, (9, 4, 4), (5, 6)) == []  # one anchor
    flat = check_loss("yolo", "detection", C, (36,), (5, 6), dataset="dataset 'boxes'")
    assert len(flat) == 1 and "grid of predictions" in flat[0] and "27 filters for 3 anchors" in flat[0]
    odd = check_loss("yolo", "detection", C, (30, 8, 8), (5, 6), dataset="dataset 'boxes'")
    assert len(odd) == 1 and "30 maps" in odd[0] and "multiple of 5+4 = 9" in odd[0] and "27 filters" in odd[0]


def test_losses_and_tasks_refuse_each_other_by_name():
    wrong = check_loss("cross_entropy", "detection", C, (27, 8, 8), (5, 6), dataset="dataset 'boxes'")
    assert len(wrong) == 1 and "YOLO" in wrong[0] and "detection task" in wrong[0]
    wrong = check_loss("yolo", "classification", 3, (3,), (), dataset="dataset 'toy'")
    assert len(wrong) == 1 and "detection loss" in wrong[0] and "Cross-entropy" in wrong[0]


@pytest.fixture(scope="module")
def splits():
    return load("shapes_detect", params={"n_images": 60}, seed=1)


def test_objective_learns_one_anchor_per_head_slot_from_the_training_boxes(splits):
    obj = Objective.build("auto", {}, splits.info, (2 * (5 + C), 4, 4), train_targets=splits.train.y)
    assert obj.name == "yolo" and obj.settings["lambda_coord"] == 5.0 and obj.settings["lambda_noobj"] == 0.5
    y = splits.train.y.numpy()
    wh = y[y[..., 0] > 0.5][:, 4:6]  # every training box's (w, h)
    np.testing.assert_allclose(obj.settings["anchors"], kmeans_anchors(wh, 2), atol=1e-6)
    custom = Objective.build("yolo", {"lambda_noobj": 2.0}, splits.info, (27, 8, 8), train_targets=splits.train.y)
    assert len(custom.settings["anchors"]) == 3 and custom.settings["lambda_noobj"] == 2.0
    with pytest.raises(TrainingError, match="learns its settings from the training targets"):
        Objective.build("auto", {}, splits.info, (27, 8, 8))


# ---------------------------------------------------------------- a hand-made head, decoded by hand
S, ANCHOR = 2, (0.25, 0.25)


def logit(p):
    return math.log(p / (1 - p))


def _cell(out, image, row, col, box, obj, cls):
    """Write logits that decode to ``box`` (cx, cy, w, h) with objectness logit ``obj`` and class logits ``cls``."""
    cx, cy, w, h = box
    out[image, 0, row, col] = logit(cx * S - col)
    out[image, 1, row, col] = logit(cy * S - row)
    out[image, 2, row, col] = math.log(w / ANCHOR[0])
    out[image, 3, row, col] = math.log(h / ANCHOR[1])
    out[image, 4, row, col] = obj
    out[image, 5:, row, col] = torch.tensor(cls)


def _hand_case():
    out = torch.zeros(2, 5 + 2, S, S, dtype=torch.float64)  # 2 images, 1 anchor, 2 classes
    out[:, 4] = -30.0  # no object anywhere unless set below
    _cell(out, 0, 0, 0, (0.25, 0.25, 0.3, 0.3), 3.0, [4.0, -4.0])  # class 0, on its true box
    _cell(out, 0, 0, 1, (0.75, 0.25, 0.3, 0.3), 0.5, [3.0, -3.0])  # class 0, nothing there
    _cell(out, 0, 1, 1, (0.77, 0.76, 0.2, 0.22), 1.0, [-2.0, 2.0])  # class 1, near its true box
    _cell(out, 1, 1, 0, (0.25, 0.75, 0.3, 0.3), 2.0, [5.0, -5.0])  # class 0, wrong place
    _cell(out, 1, 0, 1, (0.74, 0.26, 0.28, 0.3), 0.0, [5.0, -5.0])  # class 0, on its true box
    y = torch.zeros(2, 3, 6)
    y[0, 0] = torch.tensor([1, 0, 0.25, 0.25, 0.3, 0.3])
    y[0, 1] = torch.tensor([1, 1, 0.75, 0.75, 0.2, 0.2])
    y[1, 0] = torch.tensor([1, 0, 0.75, 0.25, 0.3, 0.3])
    return out, y


def ref_decode(out):
    """Plain Python: every cell's (image, class, score, corners) from the logits."""
    sig = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731
    found = []
    for n in range(out.shape[0]):
        for i in range(S):
            for j in range(S):
                p = [float(v) for v in out[n, :, i, j]]
                cx, cy = (j + sig(p[0])) / S, (i + sig(p[1])) / S
                w, h = ANCHOR[0] * math.exp(p[2]), ANCHOR[1] * math.exp(p[3])
                e = [math.exp(v) for v in p[5:]]
                probs = [v / sum(e) for v in e]
                k = max(range(len(probs)), key=probs.__getitem__)
                found.append((n, k, sig(p[4]) * probs[k], (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)))
    return found


def ref_iou(a, b):
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - iw * ih
    return iw * ih / union


def ref_ap(dets, truths):
    """VOC all-point AP of one class: dets [(image, score, box)], truths {image: [box]}."""
    dets = sorted(dets, key=lambda d: -d[1])
    used = {k: [False] * len(v) for k, v in truths.items()}
    total = sum(len(v) for v in truths.values())
    tp, rows = 0, []
    for rank, (image, _, box) in enumerate(dets, 1):
        ious = [ref_iou(box, t) for t in truths.get(image, [])]
        best = max(range(len(ious)), key=ious.__getitem__) if ious else -1
        if best >= 0 and ious[best] >= 0.5 and not used[image][best]:
            used[image][best], tp = True, tp + 1
        rows.append((tp / total, tp / rank))
    return sum((r - (rows[k - 1][0] if k else 0.0)) * max(p for _, p in rows[k:]) for k, (r, _) in enumerate(rows))


class _Identity(torch.nn.Module):
    def forward(self, x):
        return x


def _objective(num_classes=2):
    from types import SimpleNamespace

    info = SimpleNamespace(task="detection", num_classes=num_classes, target_shape=(3, 6), name="hand")
    y = torch.tensor([[[1, 0, 0.5, 0.5, *ANCHOR]]])
    return Objective.build("yolo", {}, info, (5 + num_classes, S, S), train_targets=y)


def test_evaluation_map50_matches_a_plain_decode_and_ap():
    out, y = _hand_case()
    obj = _objective()
    assert obj.settings["anchors"] == [list(ANCHOR)]
    ev = evaluate(_Identity(), out, y, obj, ("circle", "square"))
    d = ev.detection
    candidates = [c for c in ref_decode(out) if c[2] >= d.ap_conf_threshold]  # far apart: NMS removes none
    truths = {0: {}, 1: {}}  # class -> image -> corner boxes, from the padded targets
    for n, rows in enumerate(y.tolist()):
        for present, k, cx, cy, w, h in rows:
            if present:
                truths[int(k)].setdefault(n, []).append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    want = [ref_ap([(n, s, b) for n, k, s, b in candidates if k == cls], truths[cls]) for cls in (0, 1)]
    np.testing.assert_allclose(d.ap, want, atol=1e-9)
    assert d.map50 == pytest.approx(np.mean(want)) and 0 < d.map50 < 1
    # what the view reads: every raw candidate, the truths, anchors, grid, names, curves
    ref = ref_decode(out)
    np.testing.assert_allclose(d.candidate_scores.reshape(-1), [c[2] for c in ref], atol=1e-6)  # float32
    np.testing.assert_allclose(d.candidate_boxes.reshape(-1, 4), [c[3] for c in ref], atol=1e-6)
    assert d.candidate_classes.reshape(-1).tolist() == [c[1] for c in ref]
    np.testing.assert_allclose(d.true_boxes[0], [(0.1, 0.1, 0.4, 0.4), (0.65, 0.65, 0.85, 0.85)], atol=1e-6)
    assert [t.tolist() for t in d.true_classes] == [[0, 1], [0]]
    assert d.grid == (S, S) and d.class_names == ("circle", "square") and len(d.curves) == 2
    assert d.images.shape == out.shape and d.images.min() >= 0 and d.images.max() <= 1
    assert d.responsible(0) == [(0, 0, 0), (0, 1, 1)] and d.cell_of(3) == (0, 1, 1)
    # at the default threshold 0.25 only the confident boxes are drawn
    assert [len(x.index) for x in d.detections] == [sum(1 for n, _, s, _ in ref if n == k and s >= 0.25) for k in (0, 1)]
    report = ev.to_dict()
    assert set(get_task("detection").test_keys) <= set(report) and report["map50"] == pytest.approx(d.map50)


def test_per_epoch_metrics_give_the_same_map_on_their_images():
    out, y = _hand_case()
    obj = _objective()
    m = split_metrics(obj, out, y)
    assert m.map50 == pytest.approx(evaluate(_Identity(), out, y, obj, ()).detection.map50)
    assert m.loss == pytest.approx(float(obj.loss(out, y)))
    assert EPOCH_IMAGES >= 100


def test_predict_is_decode_threshold_and_nms():
    out, _ = _hand_case()
    obj = _objective()
    dup = out[:1].clone()
    _cell(dup, 0, 0, 0, (0.45, 0.25, 0.4, 0.4), 3.0, [4.0, -4.0])  # two class-0 boxes overlapping
    _cell(dup, 0, 0, 1, (0.55, 0.25, 0.4, 0.4), 0.5, [3.0, -3.0])  # by IoU 0.6: the less sure one goes
    found = obj.predict(dup)
    ref = sorted((c for c in ref_decode(dup) if c[2] >= 0.25), key=lambda c: -c[2])
    first, second = [c for c in ref if c[1] == 0]
    assert len(ref) == 3 and ref_iou(first[3], second[3]) > 0.5
    kept = [c for c in ref if c is not second]
    assert len(found) == 1 and found[0].removed_by_nms == 1 and found[0].above_threshold == 3
    np.testing.assert_allclose(found[0].scores, [c[2] for c in kept], atol=1e-6)  # float32 decoding
    np.testing.assert_allclose(found[0].boxes, [c[3] for c in kept], atol=1e-6)


def test_true_boxes_convert_centre_size_to_corners():
    y = torch.zeros(1, 2, 6)
    y[0, 1] = torch.tensor([1, 3, 0.5, 0.5, 0.2, 0.4])
    boxes, classes = true_boxes(y)
    np.testing.assert_allclose(boxes[0], [[0.4, 0.3, 0.6, 0.7]], atol=1e-6)
    assert classes[0].tolist() == [3]


def test_evaluation_view_keeps_the_pictures_not_the_example_indices():
    """The Evaluation panel evaluates from one forward pass with example indices standing in for
    the inputs; the detection page must still get the pictures (it got (N,) indices before)."""
    from playground.data import load_settings
    from playground.graph.project import load_project
    from playground.nn.build import build_module
    from playground.train import TrainConfig, Trainer
    from playground.train.evaluation import display_images
    from playground.train.evaluation_view import evaluation_view

    project = load_project("yolo_small")
    splits = load_settings({"name": "shapes_detect", "params": {"n_images": 40}}, 0)
    trainer = Trainer(build_module(project.graph, seed=0), splits,
                      TrainConfig.from_dict(project.training).replace(epochs=1, device="cpu"))
    view = evaluation_view(trainer, "val")
    x, _ = trainer.feeds["val"].all()
    assert view.evaluation.images.shape == tuple(x.shape)
    np.testing.assert_allclose(view.evaluation.images, display_images(x))
    assert view.evaluation.detection.images is view.evaluation.images or np.array_equal(
        view.evaluation.detection.images, view.evaluation.images)
