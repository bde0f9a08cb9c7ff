"""Issue 19 item 2: the checks about an untrained network (initial loss, learning-rate finder) look
at the run's initial weights, so after training they still tell the truth, and say so."""

from __future__ import annotations

import copy

import pytest
import torch
from PySide6.QtCore import Qt

from playground.train import sanity


def _click(qtbot, panel, tool):
    box = panel.sanity
    qtbot.mouseClick(box.buttons[tool], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.busy is None, timeout=120000)
    return box.answers[tool].text()


def test_initial_loss_and_lr_finder_after_training_use_the_initial_weights(make_window, qtbot):
    window = make_window("tfp_mlp")
    s = window.training.session
    s.apply_setting(epochs=8, lr=0.3)
    panel = window.training.show_panel("health")
    got = {}
    s.job_done.connect(lambda owner, result: got.__setitem__(owner, result))
    s.submit("initial", lambda t: copy.deepcopy(t.model.state_dict()))
    qtbot.waitUntil(lambda: "initial" in got, timeout=60000)
    qtbot.waitUntil(lambda: s.thread is None, timeout=20000)
    _click(qtbot, panel, "lr_finder")
    before = panel.sanity.reports["lr_finder"]

    with qtbot.waitSignal(s.finished, timeout=120000):
        s.play()
    qtbot.waitUntil(lambda: s.thread is None, timeout=20000)
    trainer = s.trainer
    assert trainer.step_count > 60
    trained = copy.deepcopy(trainer.model.state_dict())

    text = _click(qtbot, panel, "initial_loss")
    report = panel.sanity.reports["initial_loss"]
    model = copy.deepcopy(trainer.model)  # the reference: the weights captured before Play
    model.load_state_dict(got["initial"])
    model.eval()
    x, _, target = sanity._subset(trainer, 1024)
    with torch.no_grad():
        expected = float(trainer.objective.loss(model(x), target))
        now = float(trainer.objective.loss(trainer.model.eval()(x), target))
    assert report.loss == pytest.approx(expected, rel=1e-6)
    assert abs(now - expected) > 0.05  # the trained network's loss is another number
    assert report.ok and "leak" not in text
    assert "initial weights" in text and f"{trainer.step_count} steps" in text

    text = _click(qtbot, panel, "lr_finder")
    after = panel.sanity.reports["lr_finder"]
    assert after.suggested_lr == pytest.approx(before.suggested_lr)  # same as before training
    assert after.losses == pytest.approx(before.losses)
    assert "initial weights" in text
    final = trainer.model.state_dict()
    assert all(torch.equal(trained[k], final[k]) for k in trained)  # the trained weights are untouched
    s.shutdown()
    window.doc.mark_saved()
