"""The Loss Landscape panel in the window: its centre is the network's own loss at the current
weights (computed here with the trainer's objective), it records the path while training runs,
and PCA directions need a path (a clear message otherwise)."""

from __future__ import annotations

import pytest
import torch


def test_landscape_centre_path_and_pca(make_window, qtbot):
    window = make_window("tfp_mlp")
    s = window.training.session
    panel = window.training.show_panel("landscape")
    panel.size_box.setValue(9)  # a small grid keeps the test short
    qtbot.waitUntil(lambda: panel.results >= 1 and not panel.in_flight, timeout=60000)
    assert not panel.last_error, panel.last_error
    panel.mode.setCurrentIndex(panel.mode.findData("pca"))  # one snapshot: no path to follow yet
    qtbot.waitUntil(lambda: "keep this view open" in panel.last_error, timeout=90000)
    panel.mode.setCurrentIndex(panel.mode.findData("random"))
    qtbot.waitUntil(lambda: not panel.last_error and not panel.in_flight, timeout=90000)
    land, trainer = panel.landscape, s.trainer
    x, y = trainer.examples("train", list(range(land.examples)))
    model = trainer.model
    model.eval()
    with torch.no_grad():
        expected = float(trainer.objective.loss(model(x), trainer.objective.target(y)))
    assert land.center == pytest.approx(expected, rel=1e-5)
    assert panel.plot.image.image.shape == (9, 9)

    s.apply_setting(epochs=10**6)
    s.play()
    qtbot.waitUntil(lambda: len(panel.snapshots) >= 4, timeout=60000)  # snapshots while running
    s.pause()
    qtbot.waitUntil(lambda: s.state == "paused", timeout=20000)
    panel.mode.setCurrentIndex(panel.mode.findData("pca"))
    qtbot.waitUntil(lambda: panel.landscape is not None and panel.landscape.explained is not None
                    and not panel.in_flight, timeout=60000)
    assert len(panel.landscape.path) >= 4 and "PC1" in panel.plot.plot.getAxis("bottom").labelText
    s.shutdown()
