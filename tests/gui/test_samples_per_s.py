"""Issue 19 item 4: one samples/s, the engine's wall-clock meter, shown the same in the status line
and the curves, with its definition in the tooltip, and never 0 while running."""

from __future__ import annotations

import math
import time

from playground.train import Callback
from playground.ui.training.status import format_status


class _Clock(Callback):
    def __init__(self):
        self.points = []

    def on_batch_end(self, trainer, info):
        self.points.append((time.perf_counter(), trainer.samples_seen, info.size))


def test_status_line_and_curves_show_the_same_wall_clock_rate(window, qtbot):
    s = window.training.session
    clock = _Clock()
    s.extra_callbacks.append(clock)
    s.apply_setting(epochs=100000)
    shown = []
    s.status.connect(lambda c: shown.append(dict(c)))
    s.play()
    qtbot.waitUntil(lambda: s.state == "running" and len(clock.points) > 300, timeout=60000)
    qtbot.waitUntil(lambda: any(math.isfinite(c["samples_per_s"]) for c in shown[-1:]), timeout=20000)
    status = window.training.status_line
    rate = shown[-1]["samples_per_s"]
    assert rate > 0
    assert f"{rate:,.0f} samples/s" in status.text()
    assert window.training.curves.speed.text() == f"{rate:,.0f} samples/s"
    assert "wall-clock" in status.toolTip() and "validation" in status.toolTip()
    s.pause()
    qtbot.waitUntil(lambda: s.state == "paused", timeout=20000)
    # an independent wall-clock figure over the same stretch of batches
    pts = clock.points[-200:]
    samples = sum(p[2] for p in pts[1:])
    wall = samples / (pts[-1][0] - pts[0][0])
    assert wall / 10 < rate < 10 * wall  # same order: the rate counts validation passes, and a busy machine varies
    running = [c for c in shown if c["step"] > 0]
    assert not [c for c in running if c["samples_per_s"] == 0]  # never 0 while running
    s.shutdown()


def test_an_unmeasured_rate_reads_as_a_dash_not_zero():
    text = format_status({"epoch": 0, "step": 3, "samples_per_s": math.nan, "elapsed": 0.0})
    assert "\u2013 samples/s" in text and " 0 samples/s" not in text
