"""The window with the fused engine: the status line says "fast engine", the curves fill, and the
buffer between the training thread and the window stays bounded however fast training runs."""

from __future__ import annotations

import pytest

from playground.train.fused import compiler
from playground.ui.training.bridge import Bridge
from playground.ui.training.status import format_status


@pytest.fixture
def fast_live(window, qtbot, monkeypatch):
    assert compiler.wait(timeout=600), compiler.error()
    monkeypatch.setenv("PLAYGROUND_ENGINE", "fast")
    s = window.training.session
    s.apply_setting(epochs=100000)
    window.doc.mark_saved()
    yield window, s
    s.shutdown()
    window.doc.mark_saved()


def test_status_line_says_fast_engine_and_the_curves_fill(fast_live, qtbot):
    window, s = fast_live
    s.play()
    qtbot.waitUntil(lambda: "fast engine" in window.training.status_line.text(), timeout=60000)
    assert s.trainer.engine == "fast"
    curves = window.training.curves
    qtbot.waitUntil(lambda: curves.curves["val_loss"].series.n >= 3, timeout=30000)
    x, _ = curves.curves["loss"].series.view()
    assert (x[1:] > x[:-1]).all()  # steps in order, even when rows were thinned
    s.pause()
    qtbot.waitUntil(lambda: s.state == "paused", timeout=30000)
    at = s.trainer.step_count
    s.step()
    qtbot.waitUntil(lambda: s.trainer.step_count == at + 1, timeout=30000)
    assert s.trainer.engine == "fast"


def test_torch_path_has_no_fast_engine_in_the_status():
    counters = {"epoch": 3, "step": 75, "samples_per_s": 1000.0, "elapsed": 2.0}
    assert "fast engine" not in format_status({**counters, "engine": "torch"})
    assert format_status({**counters, "engine": "fast"}).endswith("fast engine")


def test_the_buffer_stays_bounded_and_keeps_the_sample_count():
    bridge = Bridge()
    steps = 50 * bridge.MAX_ROWS
    for step in range(1, steps + 1):
        bridge.put(("b", step, 0.5, 0.03, 10, 1 + step // 25))
        if step % 25 == 0:
            bridge.put(("epoch", object(), "fast"))
    events = bridge.take()
    rows = [e for e in events if e[0] == "b"]
    assert len(rows) <= bridge.MAX_ROWS and len(events) <= bridge.MAX_ROWS + bridge.MAX_EPOCHS + 2
    assert rows[-1][1] == steps  # the latest step is always there
    assert sum(r[4] for r in rows) == 10 * steps  # samples/s still counts every example
    assert [r[1] for r in rows] == sorted(r[1] for r in rows)
    assert bridge.take() == []
