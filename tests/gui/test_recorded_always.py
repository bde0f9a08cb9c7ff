"""Issue 19 item 7: Training Health and the histograms are recorded for every run from its first step,
whether or not their panel is open; a panel opened after training shows the whole run, bounded."""

from __future__ import annotations

import numpy as np


def test_health_and_histograms_opened_after_training_show_the_whole_run(window, qtbot, monkeypatch):
    from playground.train.recorder import CAPACITY, RunRecorder

    # a generous budget, so how many points a 132-step run gets does not depend on this machine's load
    monkeypatch.setattr(RunRecorder.__init__, "__defaults__", (100.0, 100.0, CAPACITY))  # no throttling: every step may be measured
    s = window.training.session
    s.apply_setting(epochs=12)
    window.training.show_panel("curves")  # only the curves are on screen while it trains
    with qtbot.waitSignal(s.finished, timeout=120000):
        s.play()
    qtbot.waitUntil(lambda: s.thread is None, timeout=20000)
    steps = s.trainer.step_count
    recorder = s.recorder
    assert recorder.measurements >= 10
    health = window.training.show_panel("health")
    qtbot.waitUntil(lambda: health.results >= 1 and health.history.n >= 10, timeout=60000)
    h = health.history
    recorded = h.steps[: h.n]
    assert recorded[0] == 1 and recorded[-1] > 0.8 * steps  # from the first step to the end
    assert np.all(np.diff(recorded) > 0)
    for curve in health.curves["ratio"]:  # the update/weight plot is not empty
        _, y = curve.getOriginalDataset()
        assert np.isfinite(y).sum() >= 10
    filters = window.training.show_panel("filters")
    filters.tabs.setCurrentIndex(2)  # Histograms
    qtbot.waitUntil(lambda: filters.results >= 1 and filters.hist_page.view is not None, timeout=60000)
    hist_steps = filters.hist_page.view.steps  # what the heat map draws
    assert hist_steps[0] == 1 and hist_steps[-1] > 0.8 * steps and len(hist_steps) >= 10
    s.shutdown()


def test_a_long_run_stays_bounded_and_keeps_its_beginning():
    from types import SimpleNamespace

    from playground.train.recorder import HealthHistory

    h = HealthHistory(capacity=64)
    for step in range(1, 10001):
        h.add(SimpleNamespace(step=step, layers=[SimpleNamespace(name="a", grad_norm=1.0, update_ratio=1e-3)]))
    assert h.n <= 64 and h.steps[0] == 1 and h.steps[h.n - 1] > 9000
