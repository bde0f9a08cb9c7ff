"""The Optimizers panel: its race is torch.optim's (checked against the Race it builds, which is
checked against hand-stepped torch.optim in tests/unit), Play runs on a timer, clicks choose the
start, bad settings say what is wrong, the regression surface races batch sizes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt

from playground.train.learn.surfaces import get_surface
from playground.ui.learn.optimizer import OptimizerPanel


@pytest.fixture
def panel(qtbot):
    p = OptimizerPanel()
    qtbot.addWidget(p)
    p.resize(1100, 600)
    p.show()
    qtbot.waitExposed(p)
    return p


def row_of(panel, key):
    return next(r for r in range(panel.table.rowCount()) if panel.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == key)


def test_steps_follow_torch_optim_and_the_table_shows_what_each_keeps(panel, qtbot):
    panel.surface_box.setCurrentIndex(panel.surface_box.findData("rosenbrock"))
    panel.table.item(row_of(panel, "adam"), 0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    panel.advance(9)
    assert panel.race.steps == 10 and panel.step_label.text() == "step 10"
    surface = get_surface("rosenbrock")
    for racer in panel.race.racers:  # the same optimizer, stepped here by hand on the surface
        p = torch.tensor(surface.start, dtype=torch.float64, requires_grad=True)
        opt = racer.kind.cls([p], **racer.settings)
        for _ in range(10):
            opt.zero_grad()
            surface.loss(p).backward()
            opt.step()
        np.testing.assert_allclose(racer.path[-1], p.detach().numpy(), rtol=1e-10)
        line, head, pointer = panel.surface_plot.paths[racer.kind.key]
        np.testing.assert_allclose(line.getData()[0], np.array(racer.path)[:, 0])
    adam_row = row_of(panel, "adam")
    text = panel.table.item(adam_row, 4).text()
    assert "m (1st moment)" in text and "1 − β₁ᵗ = " + f"{1 - 0.9 ** 10:.3g}" in text
    momentum = next(r for r in panel.race.racers if r.kind.key == "momentum")
    pointer = panel.surface_plot.paths["momentum"][2]
    xs, ys = pointer.getData()
    np.testing.assert_allclose([xs[1] - xs[0], ys[1] - ys[0]], momentum.velocity_step())  # the velocity arrow


def test_play_runs_on_a_timer_and_pauses(panel, qtbot):
    qtbot.mouseClick(panel.play, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.race.steps >= 3, timeout=5000)
    qtbot.mouseClick(panel.play, Qt.MouseButton.LeftButton)
    steps = panel.race.steps
    qtbot.wait(150)
    assert panel.race.steps == steps and not panel.timer.isActive()
    panel.set_on_screen(False)  # a hidden race does not run
    panel.toggle()
    qtbot.wait(150)
    assert panel.race.steps == steps


def test_click_sets_the_start(panel, qtbot):
    where = panel.surface_plot.view_to_widget(1.0, -2.0)
    qtbot.mouseClick(panel.surface_plot.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert panel.start == pytest.approx((1.0, -2.0), abs=0.1)
    assert all(r.path[0] == panel.start for r in panel.race.racers) and panel.race.steps == 0


def test_bad_settings_say_what_is_wrong(panel, qtbot):
    r = row_of(panel, "momentum")
    panel.table.item(r, 1).setText("fast")
    assert panel.race is None and "learning rate 'fast' is not a number" in panel.message.text()
    panel.advance(1)  # nothing to step, nothing breaks
    panel.table.item(r, 1).setText("0.01")
    panel.table.item(r, 2).setText("momentum=0.9, nesterov=1, dampening=0.5")  # torch.optim refuses this itself
    assert panel.race is None and "Nesterov" in panel.message.text()
    panel.table.item(r, 2).setText("momentum=0.5")
    assert panel.race is not None and not panel.message.isVisible()


def test_regression_surface_races_batch_sizes(panel):
    panel.surface_box.setCurrentIndex(panel.surface_box.findData("linreg"))
    assert [r.kind.key for r in panel.race.racers] == ["gd", "sgd1", "minibatch"]
    panel.advance(5)
    assert len(panel.race.racers[1].path) == 6
    px, py = get_surface("linreg").data()
    w, b = np.polyfit(px, py, 1)
    np.testing.assert_allclose(panel.surface_plot.minima.data["x"], [w])  # the star is the least-squares line
