"""Segmentation done fully: IoU / Dice / pixel accuracy against hand-computed masks and a
straightforward implementation written here, the Dice / IoU losses by gradcheck and against a
plain re-implementation, the per-shape masks of shapes_seg, and the task record end to end."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from playground.train import metrics
from playground.train.losses import get_loss


def naive_iou(true: np.ndarray, pred: np.ndarray, c: int) -> float:
    """|T ∩ P| / |T ∪ P| for class c over all pixels; NaN when c is in neither."""
    t, p = true == c, pred == c
    union = np.logical_or(t, p).sum()
    return np.logical_and(t, p).sum() / union if union else float("nan")


def naive_dice(true: np.ndarray, pred: np.ndarray, c: int) -> float:
    t, p = true == c, pred == c
    size = t.sum() + p.sum()
    return 2 * np.logical_and(t, p).sum() / size if size else float("nan")


def test_iou_and_dice_of_hand_drawn_masks():
    true = np.array([[[0, 0, 1, 1],
                      [0, 0, 1, 1],
                      [0, 0, 0, 0],
                      [2, 2, 0, 0]]])
    pred = np.array([[[0, 1, 1, 1],  # one background pixel called class 1
                      [0, 0, 1, 0],  # one class-1 pixel missed
                      [0, 0, 0, 0],
                      [2, 0, 0, 0]]])  # one class-2 pixel missed
    cm = metrics.confusion_matrix(true, pred, 3)
    # class 1: 4 true, 4 predicted, 3 shared -> IoU 3/5, Dice 6/8; class 2: 2 true, 1 predicted, 1 shared -> 1/2, 2/3
    # background: 10 true, 11 predicted, 9 shared -> IoU 9/12, Dice 18/21
    np.testing.assert_allclose(metrics.iou_per_class(cm), [9 / 12, 3 / 5, 1 / 2])
    np.testing.assert_allclose(metrics.dice_per_class(cm), [18 / 21, 6 / 8, 2 / 3])
    assert metrics.mean_present(metrics.iou_per_class(cm)) == pytest.approx((9 / 12 + 3 / 5 + 1 / 2) / 3)
    assert metrics.accuracy(true, pred) == pytest.approx(13 / 16)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_metrics_match_a_straightforward_implementation(seed):
    rng = np.random.default_rng(seed)
    c = 4
    true = rng.integers(0, c - 1, size=(5, 9, 9))  # class 3 never true ...
    pred = np.where(rng.random(true.shape) < 0.7, true, rng.integers(0, c - 1, size=true.shape))  # ... nor predicted
    cm = metrics.confusion_matrix(true, pred, c)
    iou = metrics.iou_per_class(cm)
    np.testing.assert_allclose(iou, [naive_iou(true, pred, k) for k in range(c)])
    np.testing.assert_allclose(metrics.dice_per_class(cm), [naive_dice(true, pred, k) for k in range(c)])
    assert np.isnan(iou[3]) and metrics.mean_present(iou) == pytest.approx(np.nanmean(iou))
    per_image = metrics.iou_per_example(true, pred, c)
    expected = [np.nanmean([naive_iou(true[i], pred[i], k) for k in range(c)]) for i in range(len(true))]
    np.testing.assert_allclose(per_image, expected)


def naive_soft_dice(probs: torch.Tensor, onehot: torch.Tensor, smooth: float) -> torch.Tensor:
    scores = []
    for k in range(probs.shape[1]):
        p, t = probs[:, k].reshape(-1), onehot[:, k].reshape(-1)
        scores.append((2 * (p * t).sum() + smooth) / (p.sum() + t.sum() + smooth))
    return 1 - torch.stack(scores).mean()


def naive_soft_iou(probs, onehot, smooth):
    scores = []
    for k in range(probs.shape[1]):
        p, t = probs[:, k].reshape(-1), onehot[:, k].reshape(-1)
        inter = (p * t).sum()
        scores.append((inter + smooth) / (p.sum() + t.sum() - inter + smooth))
    return 1 - torch.stack(scores).mean()


@pytest.mark.parametrize("smooth", [1.0, 0.1])
def test_soft_dice_and_iou_losses_match_a_plain_version(smooth):
    g = torch.Generator().manual_seed(0)
    out = torch.randn(3, 4, 5, 5, generator=g, dtype=torch.float64)
    y = torch.randint(0, 4, (3, 5, 5), generator=g)
    probs, onehot = torch.softmax(out, 1), F.one_hot(y, 4).permute(0, 3, 1, 2).double()
    assert float(get_loss("dice").fn(out, y, smooth=smooth)) == pytest.approx(float(naive_soft_dice(probs, onehot, smooth)))
    assert float(get_loss("iou").fn(out, y, smooth=smooth)) == pytest.approx(float(naive_soft_iou(probs, onehot, smooth)))
    total = F.cross_entropy(out, y) + naive_soft_dice(probs, onehot, smooth)
    assert float(get_loss("ce_dice").fn(out, y, smooth=smooth)) == pytest.approx(float(total))
    # one output (sigmoid) for two classes: the same as two scores [0, z] under softmax
    z = torch.randn(3, 1, 5, 5, generator=g, dtype=torch.float64)
    yb = torch.randint(0, 2, (3, 5, 5), generator=g)
    two = torch.cat([torch.zeros_like(z), z], 1)
    single = get_loss("dice").fn(z, get_loss("dice").target(yb, 1, "segmentation"), smooth=smooth)
    assert float(single) == pytest.approx(float(get_loss("dice").fn(two, yb, smooth=smooth)))


@pytest.mark.parametrize("name", ["dice", "iou", "ce_dice"])
def test_overlap_losses_pass_gradcheck(name):
    g = torch.Generator().manual_seed(1)
    out = torch.randn(2, 3, 4, 4, generator=g, dtype=torch.float64, requires_grad=True)
    y = torch.randint(0, 3, (2, 4, 4), generator=g)
    assert torch.autograd.gradcheck(lambda o: get_loss(name).fn(o, y), (out,))
    z = torch.randn(2, 1, 4, 4, generator=g, dtype=torch.float64, requires_grad=True)
    yb = get_loss(name).target(torch.randint(0, 2, (2, 4, 4), generator=g), 1, "segmentation").double()
    assert torch.autograd.gradcheck(lambda o: get_loss(name).fn(o, yb), (z,))


def test_shapes_seg_per_shape_masks_label_each_shape_kind():
    from playground.data import load
    from playground.data.shapes import load_shapes, load_shapes_seg

    params = {"n_images": 70, "noise": 0.1, "rotation": 20.0}
    binary = load_shapes_seg(params, None, 3)
    kinds = load_shapes_seg({**params, "mask": "per shape"}, None, 3)
    shapes = load_shapes(params, None, 3)  # the same pictures with one label each
    assert kinds.class_names[1:] == shapes.class_names and kinds.class_names[0] == "background"
    assert torch.equal(binary.x, kinds.x) and torch.equal(kinds.x, shapes.x)
    assert torch.equal(kinds.y > 0, binary.y > 0)  # the same pixels are shape
    for mask, label in zip(kinds.y, shapes.y):  # every shape pixel carries its image's kind + 1
        assert mask[mask > 0].unique().tolist() in ([], [int(label) + 1])
    assert load("shapes_seg", params={"n_images": 70, "mask": "per shape"}).info.num_classes == 8


def test_unknown_mask_option_is_refused_naming_the_choices():
    from playground.core.errors import DataError
    from playground.data import load

    with pytest.raises(DataError, match="binary, per shape"):
        load("shapes_seg", params={"n_images": 14, "mask": "instances"})


def _seg_trainer(loss="auto", epochs=1):
    from train_helpers import tensor_splits

    from playground.train import TrainConfig, Trainer

    g = torch.Generator().manual_seed(0)
    x = torch.rand(60, 1, 8, 8, generator=g)
    y = (x[:, 0] > 0.5).long() + (x[:, 0] > 0.8).long()  # (60, 8, 8): three brightness classes
    splits = tensor_splits(x, y, task="segmentation", num_classes=3)
    model = torch.fx.symbolic_trace(nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 3, 1)))
    return Trainer(model, splits, TrainConfig(epochs=epochs, batch_size=16, lr=0.05, optimizer="adam", loss=loss))


@pytest.mark.parametrize("loss", ["cross_entropy", "dice", "iou", "ce_dice"])
def test_segmentation_evaluation_reports_iou_dice_and_worst_images(loss):
    from playground.train.evaluation import model_outputs
    from playground.train.tasks import get_task

    trainer = _seg_trainer(loss, epochs=3)
    trainer.fit()
    ev = trainer.evaluate("test")
    x, y = trainer.feeds["test"].all()
    pred = model_outputs(trainer.model, x).argmax(1).numpy()
    true = y.numpy()
    np.testing.assert_allclose(ev.iou, [naive_iou(true, pred, k) for k in range(3)])
    assert ev.mean_iou == pytest.approx(np.nanmean([naive_iou(true, pred, k) for k in range(3)]))
    assert ev.dice == pytest.approx(np.nanmean([naive_dice(true, pred, k) for k in range(3)]))
    assert ev.accuracy == pytest.approx(float(np.mean(true == pred)))
    assert ev.example_iou.shape == (len(true),)
    data = ev.to_dict()
    assert set(get_task("segmentation").test_keys) <= set(data)
    assert data["pixel_accuracy"] == data["accuracy"]
