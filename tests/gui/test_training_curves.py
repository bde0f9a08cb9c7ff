"""The curves panel: points from the session land in the right series, earlier runs are kept as
overlays that can be hidden, read-out, log scale, CSV/PNG export, and a million points redraw."""

from __future__ import annotations

import csv
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground.train import EpochRecord, SplitMetrics


@pytest.fixture
def curves(window):
    return window.training.curves


def _chunk(start, n, loss=1.0):
    steps = np.arange(start, start + n, dtype=float)
    return {"step": steps, "loss": np.full(n, loss), "lr": np.full(n, 0.1), "epoch": np.ones(n)}


def _epoch(step, val_loss, acc):
    return EpochRecord(1, step, SplitMetrics(0.5, acc), SplitMetrics(val_loss, acc - 0.1), 0.0, 0.1, 100.0, 1.0)


def test_batches_and_epochs_fill_the_series(curves):
    curves.start_run()
    curves.add_batches(_chunk(1, 10, loss=2.0))
    curves.add_epoch(_epoch(10, 1.5, 0.8))
    assert curves.curves["loss"].series.n == 10
    assert curves.curves["smooth"].series.view()[1][-1] == pytest.approx(2.0)
    assert curves.curves["val_loss"].series.view()[1].tolist() == [1.5]
    assert curves.curves["val_acc"].series.view()[1].tolist() == [pytest.approx(0.7)]
    assert curves.curves["lr"].series.n == 10
    text = curves.values_at(10)
    assert "step 10" in text and "loss 2" in text and "val loss 1.5" in text


def test_a_new_run_keeps_the_old_one_as_an_overlay_that_can_be_hidden(curves, window):
    curves.start_run()
    curves.add_batches(_chunk(1, 20, loss=1.0))
    window.doc.project.training = dict(window.doc.project.training, optimizer="adam")
    curves.start_run()
    assert len(curves.runs) == 1 and curves.run_list.count() == 1
    assert curves.curves["loss"].series.n == 0
    run = curves.runs[0]
    assert run.data["loss"][0].tolist() == list(range(1, 21))
    assert all(item.isVisible() for item in run.items)
    curves.set_run_visible(0, False)
    assert not any(item.isVisible() for item in run.items)
    assert curves.run_list.item(0).checkState() == Qt.CheckState.Unchecked


def test_log_scale_and_exports(curves, tmp_path):
    curves.start_run()
    curves.add_batches(_chunk(1, 5, loss=0.5))
    curves.start_run()
    curves.add_batches(_chunk(1, 3, loss=0.25))
    curves.set_log(True)
    assert curves.log_box.isChecked() and curves.loss_plot.ctrl.logYCheck.isChecked()
    path = curves.export_csv(tmp_path / "c.csv")
    rows = list(csv.DictReader(open(path)))
    assert {r["run"] for r in rows} == {curves.runs[0].label, "current"}
    current = [float(r["value"]) for r in rows if r["run"] == "current" and r["series"] == "loss"]
    assert current == [0.25] * 3
    png = curves.export_png(tmp_path / "c.png")
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_a_million_points_redraw_at_interactive_speed(curves, qtbot):
    curves.start_run()
    n = 1_000_000
    curves.add_batches({"step": np.arange(1, n + 1, dtype=float), "loss": np.random.rand(n) + 0.1,
                        "lr": np.full(n, 0.1), "epoch": np.ones(n)})
    curves.graphics.repaint()
    start = time.perf_counter()
    for i in range(5):
        curves.add_batches(_chunk(n + 1 + i, 1))
        curves.graphics.repaint()
    per_frame = (time.perf_counter() - start) / 5
    print(f"redraw with 1e6 points: {per_frame * 1000:.1f} ms")
    assert curves.curves["loss"].series.n == n + 5


def test_learning_rate_is_drawn_from_zero(make_window, qtbot):
    """A constant learning rate of 0.03 sat on the middle of a -0.47..0.53 axis and read as 0
    (seen walking the overfitting lesson); now the axis runs from 0 to a little above it."""
    import numpy as np

    from playground.ui.panels.curves import CurvesPanel

    window = make_window("tfp_mlp")
    window.training.session.step(30)
    panel = window.findChild(CurvesPanel)
    qtbot.waitUntil(lambda: len(panel.curves["lr"].series.view()[1]) >= 30, timeout=60000)
    panel._redraw()
    low, high = panel.lr_plot.vb.viewRange()[1]
    lr = float(np.max(panel.curves["lr"].series.view()[1]))
    assert low == 0.0 and lr < high <= lr * 1.2


def test_axes_grow_in_steps_and_leave_a_zoom_alone(curves):
    """While points stream in, the step and loss axes jump to the next 1-1.5-2-3-4-5-6-8 x 10^k
    (their ticks, the costly part of a repaint, are redrawn only then), from 0 up; accuracy spans
    0..1; a range the person set by zooming stays until Rescale."""
    from playground.ui.plots.live_curve import nice_ceil

    curves.start_run()
    for step in range(10, 80, 10):  # epochs as they come (the accuracy plot's x is linked to the loss plot's)
        curves.add_batches(_chunk(step - 9, 10, loss=0.7))
        curves.add_epoch(_epoch(step, 0.65, 0.5))
        curves._redraw()
    assert curves.loss_plot.vb.viewRange()[0] == pytest.approx([0, 80 * 1.04])
    curves.add_batches(_chunk(71, 160, loss=0.7))
    curves._redraw()
    (x0, x1), (y0, y1) = curves.loss_plot.vb.viewRange()
    assert x0 == 0 and x1 == pytest.approx(300 * 1.04) and nice_ceil(230) == 300
    assert y0 == 0 and y1 == pytest.approx(0.8 * 1.04)
    before = curves.loss_plot.getAxis("bottom").picture
    curves.add_batches(_chunk(231, 50, loss=0.6))  # still under 300: the axes keep their drawing
    curves._redraw()
    assert curves.loss_plot.vb.viewRange()[0] == pytest.approx([0, 312])
    assert before is None or curves.loss_plot.getAxis("bottom").picture is before
    curves.add_epoch(_epoch(280, 0.65, 0.9))
    curves._redraw()
    assert curves.acc_plot.vb.viewRange()[1] == pytest.approx([0, 1.04])
    curves.loss_plot.setXRange(100, 200, padding=0)  # the person zooms in
    curves.add_batches(_chunk(281, 100, loss=0.5))
    curves._redraw()
    assert curves.loss_plot.vb.viewRange()[0] == pytest.approx([100, 200])
    curves.rescale()
    assert curves.loss_plot.vb.viewRange()[0] == pytest.approx([0, 400 * 1.04])


def test_epoch_symbols_give_way_to_the_line_beyond_a_few_hundred_points(curves):
    """Thousands of epoch symbols cost 50-90 ms a repaint on the fast engine; past SYMBOL_LIMIT the
    epoch curves are drawn as lines."""
    from playground.ui.plots.live_curve import SYMBOL_LIMIT

    curves.start_run()
    for step in range(1, 11):
        curves.add_epoch(_epoch(step, 1.0, 0.5))
    curves._redraw()
    assert curves.curves["val_loss"].item.opts["symbol"] == "o"
    for step in range(11, SYMBOL_LIMIT + 20):
        curves.add_epoch(_epoch(step, 1.0, 0.5))
    curves._redraw()
    assert curves.curves["val_loss"].item.opts["symbol"] is None
    curves.start_run()  # a new run starts with symbols again
    curves.add_epoch(_epoch(1, 1.0, 0.5))
    curves._redraw()
    assert curves.curves["val_loss"].item.opts["symbol"] == "o"
