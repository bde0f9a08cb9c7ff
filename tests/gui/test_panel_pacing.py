"""Redraws that can wait are spaced out while training when the window is slow (the session's
``GuiLoad``); probes that cost training much are asked less often; a panel dragged out of its tab
group (floating) counts as on screen and is asked."""

from __future__ import annotations

import time

import numpy as np
import pytest

from playground.ui.training.pacing import JOB_SHARE


def _chunk(start, n):
    steps = np.arange(start, start + n, dtype=float)
    return {"step": steps, "loss": np.full(n, 1.0), "lr": np.full(n, 0.1), "epoch": np.ones(n)}


def _drawn(curves) -> int:
    x, _y = curves.curves["loss"].item.getOriginalDataset()
    return 0 if x is None else len(x)


def test_curves_redraw_at_once_when_idle_and_paced_while_training(window, qtbot, monkeypatch):
    curves = window.training.curves
    session = window.training.session
    curves.start_run()
    curves.add_batches(_chunk(1, 5))
    assert _drawn(curves) == 5  # not training: drawn at once
    monkeypatch.setattr(session, "state", "running")
    session.load.slowdown = 5.0  # a slow window: redraw every 0.5 s
    curves.add_batches(_chunk(6, 5))  # drawn a moment ago: these wait for their turn
    curves.add_batches(_chunk(11, 5))
    assert curves.curves["loss"].series.n == 15  # the data is all there
    assert _drawn(curves) == 5
    assert curves._later.isActive()
    qtbot.waitUntil(lambda: _drawn(curves) == 15, timeout=3000)


def test_a_costly_probe_is_asked_less_often_while_training(make_window, qtbot, monkeypatch):
    window = make_window("lenet5")
    session = window.training.session
    panel = window.training.show_panel("activations")
    qtbot.waitUntil(lambda: panel.results >= 1, timeout=30000)
    assert panel.job_seconds == 0  # asked at rest: not what pacing limits, not timed
    session.play()
    qtbot.waitUntil(lambda: panel.job_seconds > 0, timeout=30000)  # asked while training: timed in the worker
    session.pause()
    qtbot.waitUntil(lambda: session.state == "paused", timeout=30000)
    session.load.slowdown = 1.0
    panel.job_seconds = 0.001
    assert panel.pace() == pytest.approx(panel.interval_ms / 1000)  # a cheap probe: its own interval
    panel.job_seconds = 0.06
    assert panel.pace() == pytest.approx(0.06 / JOB_SHARE)
    session.load.slowdown = 3.0
    panel.job_seconds = 0.0
    assert panel.pace() == pytest.approx(3.0 * panel.interval_ms / 1000)
    monkeypatch.setattr(session, "state", "running")
    panel._asked_at = time.monotonic()
    panel.in_flight = False
    assert panel.request() is False  # asked a moment ago: the timer asks again when due
    assert panel.stale and panel.timer.isActive()


def test_a_panel_floated_out_of_its_tab_group_is_on_screen_and_asked(make_window, qtbot):
    window = make_window("lenet5")
    dock, host = window.docks["activations"], window.training.hosts["activations"]
    assert not host.on_screen  # a tab behind Problems: nothing built, nothing asked
    dock.setFloating(True)
    dock.show()
    qtbot.waitUntil(lambda: host.on_screen and host.panel() is not None, timeout=5000)
    qtbot.waitUntil(lambda: host.panel().results >= 1, timeout=30000)


def test_a_costly_probe_at_rest_does_not_slow_the_live_one(make_window, qtbot):
    """Training Health measures 256 examples at rest (~0.1 s) but only flags the next step while
    training: the rest measurement must not space the live ones out."""
    window = make_window("lenet5")
    panel = window.training.show_panel("health")
    qtbot.waitUntil(lambda: panel.results >= 1, timeout=30000)
    assert panel.job_seconds == 0
    assert panel.pace() == pytest.approx(window.training.session.load.interval(panel.interval_ms / 1000))
