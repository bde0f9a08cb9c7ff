"""evaluation_view / saliency_view: what the evaluation panel gets, against loops, softmax and autograd here."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from playground.data.spec import DatasetInfo
from playground.data.splits import Splits, TensorSplit
from playground.train import TrainConfig, Trainer
from playground.train.evaluation_view import evaluation_view, gallery_indices, saliency_view, stored_inputs

from train_helpers import mlp


def _trainer(splits, model=None, steps=0):
    trainer = Trainer(model or mlp(), splits, TrainConfig(epochs=1, batch_size=20, lr=0.05))
    if steps:
        trainer.fit()
    return trainer


def test_cells_probabilities_and_gallery_examples(blob_splits):
    trainer = _trainer(blob_splits, mlp(hidden=3, seed=3))  # untrained: plenty of mistakes in every row
    view = evaluation_view(trainer, "val", per_cell=2)
    x, y = trainer.feeds["val"].all()
    with torch.no_grad():
        trainer.model.eval()
        out = trainer.model(x)
        trainer.model.train()
    pred, true = out.argmax(1).numpy(), y.numpy()
    assert np.array_equal(view.true, true) and np.array_equal(view.evaluation.predictions, pred)
    expected = set(np.flatnonzero(pred != true)[:2].tolist())
    for r in range(3):
        for c in range(3):
            cell = [i for i in range(len(true)) if true[i] == r and pred[i] == c]
            assert view.cell(r, c).tolist() == cell
            expected |= set(cell[:2])
    assert view.shown.tolist() == sorted(expected)
    probs = torch.softmax(out, 1).numpy()
    for k, i in enumerate(view.shown):
        assert view.row_of(int(i)) == k
        assert np.allclose(view.probs[k], probs[i], atol=1e-6)
        assert np.allclose(view.inputs[k], x[i].numpy())  # no normalization in these splits
    assert view.row_of(10_000) == -1


def test_gallery_indices_without_mistakes_keeps_every_cell_prefix(blob_splits):
    trainer = _trainer(blob_splits, steps=1)
    ev = trainer.evaluate("test")
    true = trainer.feeds["test"].all()[1].numpy()
    idx = gallery_indices(ev, true, per_cell=1000)
    assert idx.tolist() == list(range(len(true)))  # everything fits: every example comes back


def _image_splits():
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (60, 1, 4, 4), generator=g, dtype=torch.uint8)
    y = torch.arange(60) % 2
    mean, std = torch.tensor([0.4]).reshape(1, 1, 1), torch.tensor([0.3]).reshape(1, 1, 1)
    parts = [TensorSplit(x[i::3], y[i::3], scale=1 / 255, mean=mean, std=std, seed=i) for i in range(3)]
    info = DatasetInfo("img", "Img", "classification", (1, 4, 4), 2, ("a", "b"), ())
    return Splits(info, *parts, mean=mean, std=std, kind="image"), x


def test_stored_inputs_are_pixels_in_0_1_both_ways():
    splits, x = _image_splits()
    model = nn.Sequential(nn.Flatten(), nn.Linear(16, 2))
    trainer = Trainer(model, splits, TrainConfig(epochs=1))
    idx = np.array([0, 5, 3])
    want = x[1::3][idx].float().numpy() / 255
    assert np.allclose(stored_inputs(trainer, "val", idx), want, atol=1e-6)
    xs, ys = trainer.feeds["val"].sample(torch.as_tensor(idx))  # the saliency path undoes normalization
    sal = saliency_view(trainer, xs[:1], ys[:1], None, "val 0")
    assert np.allclose(sal.x, want[0], atol=1e-6)
    view = evaluation_view(trainer, "val")
    assert view.kind == "image" and np.allclose(view.inputs[view.row_of(5)], want[1], atol=1e-6)


def test_saliency_is_the_gradient_of_the_chosen_score(blob_splits):
    trainer = _trainer(blob_splits, steps=1)
    x, y = trainer.feeds["val"].sample([4])
    for target in (None, 0, 2):
        sal = saliency_view(trainer, x, y, target, "val 4")
        xx = x.detach().clone().requires_grad_(True)
        out = trainer.model(xx)
        t = int(out.argmax(1)) if target is None else target
        (grad,) = torch.autograd.grad(out[0, t], xx)
        assert sal.target == t and sal.label == int(y[0])
        assert np.allclose(sal.grad, grad[0].numpy(), atol=1e-6)
        assert np.allclose(sal.amap, grad[0].abs().numpy(), atol=1e-6)
        assert np.allclose(sal.probs, torch.softmax(out.detach(), 1)[0].numpy(), atol=1e-6)
        assert sal.predicted == int(out.argmax(1))


def test_regression_view_keeps_targets(regression_splits):
    trainer = Trainer(mlp(3, 8, 2), regression_splits, TrainConfig(epochs=1))
    view = evaluation_view(trainer, "val")
    y = trainer.feeds["val"].all()[1].numpy()
    assert view.evaluation.task == "regression" and view.inputs is None
    assert np.allclose(view.true, y.reshape(len(y), -1))
    assert view.true.shape == view.evaluation.predictions.shape


def test_the_view_holds_the_same_numbers_as_trainer_evaluate(blob_splits):
    trainer = _trainer(blob_splits, mlp(hidden=4, seed=1))
    view, ev = evaluation_view(trainer, "test"), trainer.evaluate("test")
    assert view.evaluation.loss == ev.loss and view.evaluation.accuracy == ev.accuracy
    assert np.array_equal(view.evaluation.confusion, ev.confusion)
    assert np.array_equal(view.evaluation.misclassified, ev.misclassified)
    assert np.allclose(view.evaluation.auc, ev.auc) and np.allclose(view.evaluation.f1, ev.f1)
