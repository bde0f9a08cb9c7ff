"""Issue 19 item 8: runs and results belong to their project. Opening another project clears the
curves' runs, Training Health's sanity answers and learning-rate plot, and the drawn input; the
curves have "Clear runs"; the axes rescale when an overlay is ticked or unticked."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt

from playground.graph.project import load_project


def _chunk(start, n, loss):
    steps = np.arange(start, start + n, dtype=float)
    return {"step": steps, "loss": loss * np.linspace(1.0, 0.5, n), "lr": np.full(n, 0.1), "epoch": np.ones(n)}


def test_another_project_starts_with_empty_curves(window, qtbot):
    curves = window.training.curves
    curves.start_run()
    curves.add_batches(_chunk(1, 20, 2e31))
    curves.start_run()
    curves.add_batches(_chunk(1, 20, 1.0))
    assert len(curves.runs) == 1
    window.doc.set_project(load_project("perceptron"))
    s = window.training.session
    qtbot.waitUntil(lambda: not s.timer.isActive(), timeout=20000)  # the session's own "new run" went through
    assert curves.runs == [] and curves.run_list.count() == 0
    assert curves.curves["loss"].series.n == 0
    assert not [i for i in curves.loss_plot.items if getattr(i, "xData", None) is not None and len(i.xData)]


def test_clear_runs_forgets_the_overlays_and_keeps_the_current_run(window):
    curves = window.training.curves
    for loss in (5.0, 3.0, 1.0):
        curves.start_run()
        curves.add_batches(_chunk(1, 10, loss))
    assert len(curves.runs) == 2
    overlays = [item for run in curves.runs for item in run.items]
    curves.clear_button.click()
    assert curves.runs == [] and curves.run_list.count() == 0
    assert not any(item in curves.loss_plot.items for item in overlays)
    assert curves.curves["loss"].series.n == 10


def test_unticking_an_overlay_rescales_the_axes(window, qtbot):
    curves = window.training.curves
    curves.start_run()
    curves.add_batches(_chunk(1, 20, 1e6))  # a run that blew up
    curves.start_run()
    curves.add_batches(_chunk(1, 20, 1.0))
    curves.loss_plot.vb.autoRange()
    assert curves.loss_plot.viewRange()[1][1] > 1e5
    curves.loss_plot.vb.setYRange(0, 2e6)  # the person zoomed: auto-range is off
    curves.set_run_visible(0, False)
    top = curves.loss_plot.viewRange()[1][1]
    assert top < 10, top
    curves.set_run_visible(0, True)
    assert curves.loss_plot.viewRange()[1][1] > 1e5


def test_sanity_answers_and_the_lr_plot_go_with_their_project(make_window, qtbot):
    window = make_window("tfp_mlp")
    s = window.training.session
    panel = window.training.show_panel("health")
    box = panel.sanity
    for tool in ("initial_loss", "lr_finder"):
        qtbot.mouseClick(box.buttons[tool], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: box.busy is None, timeout=120000)
    assert box.answers["initial_loss"].text() and box.lr_plot.isVisibleTo(panel)
    window.doc.set_project(load_project("perceptron"))
    assert box.reports == {} and all(not a.text() for a in box.answers.values())
    assert not box.lr_plot.isVisibleTo(panel) and not box.use_lr.isVisibleTo(panel)
    x, _ = box.lr_curve.getOriginalDataset()
    assert x is None or len(x) == 0
    s.shutdown()


def test_a_drawn_input_does_not_follow_into_another_project(make_window, qtbot):
    window = make_window("lenet5")
    panel = window.training.show_panel("activations")
    qtbot.waitUntil(lambda: panel.picker.facts is not None, timeout=60_000)
    picker = panel.picker
    picker.draw_button.setChecked(True)
    canvas = picker.canvas
    qtbot.waitExposed(canvas)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(40, 40))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(40, 40))
    assert panel.choice.custom is not None and panel.choice.custom.shape == (1, 28, 28)
    window.doc.set_project(load_project("tfp_mlp"))
    assert panel.choice.custom is None and canvas.picture.max() == 0
    assert not picker.draw_button.isChecked()
    n = panel.results
    qtbot.waitUntil(lambda: panel.results > n and panel.last_result is not None, timeout=60_000)
    assert not isinstance(panel.last_result, BaseException)
    assert panel.last_result.nodes[0].value.shape == (2,)  # the 2-D project's own example, not an error
    assert "your drawing" not in panel.verdict.text()
    window.training.session.shutdown()
