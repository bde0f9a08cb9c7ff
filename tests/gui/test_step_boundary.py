"""Issue 19 item 5: a step perceptron (Points -> Linear(1) -> Step) is drawn as the hard boundary it
is, by the model's own 0/1 output, with the perceptron rule as its loss; no "0.5 / 0.73" plane."""

from __future__ import annotations

import numpy as np
import torch

from tests.unit.train.test_perceptron_rule import step_project


def test_the_step_perceptrons_boundary_is_hard_and_its_own_output(make_window, qtbot):
    window = make_window(step_project())
    panel = window.training.show_panel("boundary")
    qtbot.waitUntil(lambda: panel.results >= 1 and not panel.in_flight, timeout=60000)
    assert panel.last_error == ""
    s = window.training.session
    assert s.trainer.objective.name == "perceptron"
    shown = panel.plane.shown
    assert set(np.unique(shown)) <= {0.0, 1.0} and len(np.unique(shown)) == 2  # two colours, a straight edge
    surface = panel.last_result["surface"]
    gx, gy = np.meshgrid(surface["xs"], surface["ys"])
    grid = torch.as_tensor(np.stack([gx.ravel(), gy.ravel()], 1), dtype=torch.float32)
    splits = s.trainer.splits
    model = s.trainer.model.eval()
    with torch.no_grad():  # the reference: the model's own Step output on the normalized grid
        out = model((grid - splits.mean) / splits.std)[:, 0].numpy().reshape(shown.shape)
    np.testing.assert_array_equal(shown, out)
    s.shutdown()
