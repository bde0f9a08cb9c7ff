"""The Backprop panel in the window: the walk's steps, clicked units and connections show the
trace's numbers (checked against torch.autograd in tests/unit/train/test_learn_backprop.py), the
gradient check beside the backprop value, and a clear message for a network that is not dense."""

from __future__ import annotations

import re

import pytest
import torch
from PySide6.QtCore import QPointF, Qt

from playground.train.learn.backprop_text import f


def shown(window, qtbot, n=1):
    panel = window.training.show_panel("backprop")
    qtbot.waitUntil(lambda: panel.results >= n and not panel.in_flight, timeout=60000)
    return panel


def test_walk_clicks_and_gradient_check(make_window, qtbot):
    window = make_window("tfp_mlp")
    panel = shown(window, qtbot)
    assert not panel.last_error, panel.last_error
    trace = panel.trace
    assert [s.kind for s in panel.steps] == ["input"] + ["forward"] * 3 + ["loss"] + ["backward"] * 3 + ["update"]
    assert not panel.previous.isEnabled()
    for _ in range(5):
        qtbot.mouseClick(panel.next, Qt.MouseButton.LeftButton)
    assert panel.steps[panel.index].kind == "backward" and panel.steps[panel.index].layer == 2
    picture = panel.canvas.picture
    assert picture.unit_label[-1] == "δ" and (picture.unit_values[-1] == trace.layers[-1].delta[0]).all()
    # click the first unit of fc2 on the canvas: its δ formula with the trace's numbers
    pos = panel.canvas.unit_pos(2, 0)
    qtbot.mouseClick(panel.canvas, Qt.MouseButton.LeftButton, pos=pos.toPoint())
    text = panel.formula.text()
    assert "fc2[1]" in text and f"= {f(trace.layers[1].delta[0, 0])}" in text
    # click the middle of the connection from fc2[1] to fc3[1]: ∂L/∂w and the numerical check beside it
    a, b = panel.canvas.unit_pos(2, 0), panel.canvas.unit_pos(3, 0)
    mid = QPointF((a.x() + b.x()) / 2, (a.y() + b.y()) / 2)
    qtbot.mouseClick(panel.canvas, Qt.MouseButton.LeftButton, pos=mid.toPoint())
    assert panel.selected == ("weight", 2, 0, 0)
    text = panel.formula.text()
    numeric, backprop = (float(v) for v in re.search(r"2ε = (\S+)\s+vs backprop (\S+)", text).groups())
    assert numeric == pytest.approx(float(trace.layers[2].dW[0, 0]), rel=2e-2, abs=1e-3)
    assert backprop == pytest.approx(float(trace.layers[2].dW[0, 0]), rel=2e-2, abs=1e-3)
    # the last step draws the updated weights
    panel.go(len(panel.steps) - 1)
    assert (panel.canvas.picture.edges[0] == trace.layers[0].W_after).all()
    assert not panel.next.isEnabled()


def test_batch_and_example_choose_what_goes_through(make_window, qtbot):
    window = make_window("tfp_mlp")
    panel = shown(window, qtbot)
    panel.batch.setValue(4)
    panel.example.setValue(3)
    qtbot.waitUntil(lambda: panel.trace is not None and panel.trace.indices == [3, 4, 5, 6] and not panel.in_flight,
                    timeout=60000)
    x, _ = panel.session.trainer.examples("train", [3, 4, 5, 6])
    assert torch.allclose(torch.as_tensor(panel.trace.x, dtype=torch.float32), x, atol=1e-6)


def test_a_convolutional_network_gets_a_clear_message(make_window, qtbot):
    window = make_window("lenet5")
    panel = shown(window, qtbot)
    assert "dense" in panel.last_error and "Conv2d" in panel.last_error
    assert panel.message_label.isVisible()
