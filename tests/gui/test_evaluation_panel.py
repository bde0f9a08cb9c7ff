"""Evaluation panel: the numbers it shows against scikit-learn and torch.autograd computed here.

Confusion matrix, precision/recall/F1 and one-vs-rest AUC against sklearn on the model's own
predictions (a direct forward pass of the trainer's model); a clicked cell lists exactly the
examples with that (true, predicted); a clicked gallery tile becomes the shared input; the saliency
map equals |d score / d input| from autograd, for the predicted class and for a chosen one; 2-D
points show a table and feature bars; a regression dataset shows MSE / MAE / R^2.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from sklearn.metrics import (confusion_matrix, mean_absolute_error, mean_squared_error,
                             precision_recall_fscore_support, r2_score, roc_auc_score)

from playground.train.probes import eval_mode


def _trained_panel(window, qtbot, steps: int):
    panel = window.training.show_panel("evaluation")
    session = window.training.session
    qtbot.waitUntil(lambda: panel.results >= 1, timeout=60000)
    if steps:
        session.step(steps)
        qtbot.waitUntil(lambda: session.state != "running" and session.trainer is not None
                        and session.trainer.step_count == steps, timeout=60000)
    trainer = session.trainer
    qtbot.waitUntil(lambda: panel.view is not None and panel.view.step == trainer.step_count
                    and not panel.in_flight, timeout=60000)
    assert panel.last_error == ""
    return panel, trainer


def _reference(trainer, split="val"):
    """Outputs, labels, predictions and probabilities of ``split`` by a direct forward pass."""
    x, y = trainer.feeds[split].all()
    model = trainer.model
    with eval_mode(model), torch.no_grad():
        out = model(x)  # (N, C) or (N, 1)
    if out.shape[1] == 1:  # one output: a logit for class 1
        p1 = torch.sigmoid(out[:, 0])
        probs = torch.stack([1 - p1, p1], dim=1)
    else:
        probs = torch.softmax(out, dim=1)
    return out, y.cpu().numpy(), probs.argmax(1).cpu().numpy(), probs.cpu().numpy()


def _saliency_reference(trainer, split, index, target=None):
    x, _ = trainer.feeds[split].sample([index])
    x = x.detach().clone().requires_grad_(True)
    model = trainer.model
    with eval_mode(model):
        out = model(x)
        t = int(out.argmax(1)) if target is None else target
        (grad,) = torch.autograd.grad(out[0, t], x)
    return grad[0].abs(), t


def test_lenet5_matrix_scores_and_roc_match_sklearn(make_window, qtbot):
    window = make_window("lenet5")
    panel, trainer = _trained_panel(window, qtbot, 30)
    _, y, pred, probs = _reference(trainer)
    c = trainer.info.num_classes
    names = trainer.info.class_names

    cm = confusion_matrix(y, pred, labels=list(range(c)))
    shown = np.array([[int(panel.matrix.text_at(r, k)) for k in range(c)] for r in range(c)])
    assert np.array_equal(shown, cm)
    assert [panel.matrix.verticalHeaderItem(r).text() for r in range(c)] == list(names)

    p, r, f, s = precision_recall_fscore_support(y, pred, labels=list(range(c)), zero_division=0)
    for i, name in enumerate(names):
        row = panel.scores.values[name]
        assert row["precision"] == pytest.approx(p[i]) and row["recall"] == pytest.approx(r[i])
        assert row["F1"] == pytest.approx(f[i]) and row["support"] == s[i]
        assert panel.scores.item(i, 0).text() == f"{p[i]:.3f}"
    for avg, label in (("macro", "macro avg"), ("weighted", "weighted avg")):
        pa, ra, fa, _ = precision_recall_fscore_support(y, pred, labels=list(range(c)), average=avg, zero_division=0)
        got = panel.scores.values[label]
        assert (got["precision"], got["recall"], got["F1"]) == pytest.approx((pa, ra, fa))
    assert panel.scores.values["accuracy"]["F1"] == pytest.approx(np.mean(y == pred))

    aucs = [roc_auc_score(y == k, probs[:, k]) for k in range(c)]
    assert [panel.scores.values[n]["AUC"] for n in names] == pytest.approx(aucs, abs=1e-6)
    assert panel.roc.labels == [f"{names[k]} (AUC {aucs[k]:.3f})" for k in range(c)]
    assert panel.scores.values["macro avg"]["AUC"] == pytest.approx(
        roc_auc_score(y, probs, multi_class="ovr", labels=list(range(c))), abs=1e-6)

    panel.normalize.setChecked(True)  # rows as shares, counts kept
    row0 = cm[0] / max(1, cm[0].sum())
    assert panel.matrix.text_at(0, 0) == f"{row0[0]:.0%}\n{cm[0, 0]}"
    window.training.session.shutdown()


def test_clicking_a_cell_lists_its_examples_and_a_tile_sets_the_choice(make_window, qtbot):
    window = make_window("lenet5")
    panel, trainer = _trained_panel(window, qtbot, 20)
    _, y, pred, _ = _reference(trainer)
    assert np.array_equal(panel.listed, np.flatnonzero(y != pred))  # misclassified first
    cm = confusion_matrix(y, pred, labels=list(range(trainer.info.num_classes)))
    off = cm - np.diag(np.diag(cm))
    r, k = np.unravel_index(np.argmax(off), off.shape)  # the most common mistake
    table = panel.matrix
    rect = table.visualItemRect(table.item(int(r), int(k)))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    expected = np.flatnonzero((y == r) & (pred == k))
    assert panel.cell == (r, k)
    assert np.array_equal(panel.listed, expected) and len(expected) == cm[r, k]
    assert np.array_equal(panel.gallery.indices, expected[:len(panel.gallery.indices)])
    assert len(panel.gallery.indices) == min(len(expected), 48)
    names = trainer.info.class_names
    assert panel.gallery.grid.captions[0].startswith(names[r][:3])

    grid = panel.gallery.grid
    before = panel.results
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.tile_rect(1 if len(expected) > 1 else 0)
                     .center().toPoint())
    chosen = int(expected[1 if len(expected) > 1 else 0])
    assert (panel.choice.split, panel.choice.index, panel.choice.custom) == ("val", chosen, None)
    assert grid.highlight == (1 if len(expected) > 1 else 0)
    qtbot.waitUntil(lambda: panel.results > before and not panel.in_flight, timeout=60000)
    assert panel.tabs.currentWidget() is panel.saliency_box

    ref, target = _saliency_reference(trainer, "val", chosen)
    assert panel.saliency.target == target == k
    assert np.allclose(panel.saliency.amap, ref.amax(dim=0).numpy(), rtol=1e-4, atol=1e-7)
    assert np.allclose(panel.saliency_box.grid.tiles[2], ref.amax(dim=0).numpy(), rtol=1e-4, atol=1e-7)
    assert f"true {names[r]}" in panel.saliency_box.caption.text()

    before = panel.results  # explain another class's score
    panel.saliency_box.target.setCurrentIndex(int(r) + 1)
    qtbot.waitUntil(lambda: panel.results > before and not panel.in_flight, timeout=60000)
    ref, _ = _saliency_reference(trainer, "val", chosen, int(r))
    assert panel.saliency.target == r
    assert np.allclose(panel.saliency.amap, ref.amax(dim=0).numpy(), rtol=1e-4, atol=1e-7)

    panel.back.click()
    assert np.array_equal(panel.listed, np.flatnonzero(y != pred))
    window.training.session.shutdown()


def test_points_show_a_table_and_feature_bars_and_follow_the_split(make_window, qtbot):
    window = make_window("perceptron")
    panel, trainer = _trained_panel(window, qtbot, 0)
    panel.split_combo.setCurrentIndex(panel.split_combo.findData("test"))
    qtbot.waitUntil(lambda: panel.view.split == "test" and not panel.in_flight, timeout=60000)
    _, y, pred, probs = _reference(trainer, "test")
    assert np.array_equal(panel.listed, np.flatnonzero(y != pred))
    assert panel.gallery.stack.currentWidget() is panel.gallery.table
    table = panel.gallery.table
    assert table.rowCount() == min(len(panel.listed), 48)
    if table.rowCount():
        first = int(panel.listed[0])
        assert table.item(0, 0).text() == str(first)
        assert table.item(0, 3).text() == f"{probs[first, pred[first]]:.2f}"
        before = panel.results
        table.cellClicked.emit(0, 1)
        assert (panel.choice.split, panel.choice.index) == ("test", first)
        qtbot.waitUntil(lambda: panel.results > before and not panel.in_flight, timeout=60000)
    assert roc_auc_score(y, probs[:, 1]) == pytest.approx(panel.scores.values[trainer.info.class_names[1]]["AUC"])
    index = panel.choice.index
    ref, _ = _saliency_reference(trainer, panel.choice.split, index, 0)  # one output: its own gradient
    assert panel.saliency_box.stack.currentWidget() is panel.saliency_box.bars
    assert np.allclose(panel.saliency_box.bar_item.opts["height"], ref.numpy(), rtol=1e-5)
    window.training.session.shutdown()


def test_regression_shows_errors_and_predicted_against_true(make_window, qtbot):
    window = make_window("perceptron")
    window.doc.set_dataset({"name": "plane", "params": {}})
    panel, trainer = _trained_panel(window, qtbot, 5)
    qtbot.waitUntil(lambda: panel.view.evaluation.task == "regression", timeout=60000)
    out, y, _, _ = _reference(trainer)
    pred, true = out.numpy().ravel(), y.ravel()
    ev = panel.view.evaluation
    assert ev.mse == pytest.approx(mean_squared_error(true, pred), rel=1e-5)
    assert ev.mae == pytest.approx(mean_absolute_error(true, pred), rel=1e-5)
    assert ev.r2 == pytest.approx(r2_score(true, pred), rel=1e-5, abs=1e-6)
    assert panel.top.currentWidget() is panel.regression and not panel.gallery_box.isVisible()
    xs, ys = panel.regression.scatter.getData()
    assert np.allclose(xs, true) and np.allclose(ys, pred, atol=1e-5)
    assert f"R² {ev.r2:.3f}" in panel.regression.numbers.text()
    window.training.session.shutdown()
