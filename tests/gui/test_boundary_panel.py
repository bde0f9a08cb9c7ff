"""Decision Boundary panel: the surface is the model's own output, the dots are the dataset's points,
discretize leaves two colours, neuron tiles are hidden units, images get a clear message, clicks
choose the input."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from playground.data import load


def shown_panel(window, qtbot, n=1):
    panel = window.training.show_panel("boundary")
    qtbot.waitUntil(lambda: panel.results >= n and not panel.in_flight, timeout=60000)
    return panel


def direct_grid(panel):
    """The plane grid built here, from the points the dataset holds (8% margin, row i = ys[i])."""
    splits = panel.session.trainer.splits
    pts = torch.cat([s.x for s in splits.parts().values()]).double().numpy()
    lo, hi = pts.min(0), pts.max(0)
    pad = (hi - lo) * 0.08
    r = len(panel.last_result["surface"]["xs"])
    xs, ys = np.linspace(lo[0] - pad[0], hi[0] + pad[0], r), np.linspace(lo[1] - pad[1], hi[1] + pad[1], r)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.stack([gx.ravel(), gy.ravel()], 1)


def model_out(panel, grid):
    model = panel.session.trainer.model
    was = model.training
    model.eval()
    with torch.no_grad():
        out = model(torch.as_tensor(grid, dtype=torch.float32))
    model.train(was)
    return out


@pytest.mark.parametrize("preset,dataset", [("tfp_mlp", "circle"), ("perceptron", "gauss")])
def test_surface_is_the_models_output_and_points_are_the_datasets(make_window, qtbot, preset, dataset):
    window = make_window(preset)
    panel = shown_panel(window, qtbot)
    assert panel.last_error == ""
    surface = panel.last_result["surface"]
    xs, ys, grid = direct_grid(panel)
    np.testing.assert_allclose(surface["xs"], xs, atol=1e-9)
    np.testing.assert_allclose(surface["ys"], ys, atol=1e-9)
    p1 = torch.sigmoid(model_out(panel, grid))[:, 0].numpy().reshape(len(ys), len(xs))
    np.testing.assert_allclose(panel.plane.shown, p1, atol=1e-5)
    assert panel.plane.rgb.shape == (len(ys), len(xs), 3)
    data = load(dataset)
    tx, ty = panel.last_result["surface"]["points"]["train"]
    np.testing.assert_allclose(panel.plane.train_points.data["x"], data.train.x.numpy()[:, 0])
    np.testing.assert_allclose(panel.plane.train_points.data["y"], data.train.x.numpy()[:, 1])
    np.testing.assert_array_equal(ty, data.train.y.numpy())
    np.testing.assert_allclose(panel.plane.test_points.data["x"], data.test.x.numpy()[:, 0])
    assert panel.plane.test_points.isVisible()
    panel.show_test.setChecked(False)
    assert not panel.plane.test_points.isVisible()
    assert "Test loss" in panel.metrics_label.text()


def test_discretize_gives_two_values(window, qtbot):
    panel = shown_panel(window, qtbot)
    assert len(np.unique(panel.plane.shown)) > 2
    panel.discretize.setChecked(True)
    values = panel.plane.shown
    assert set(np.unique(values)) <= {0.0, 1.0}
    np.testing.assert_array_equal(values, panel.last_result["surface"]["values"] > 0.5)
    colours = np.unique(panel.plane.rgb.reshape(-1, 3), axis=0)
    assert len(colours) <= 2


def test_a_neuron_tile_is_that_hidden_units_activation(window, qtbot):
    panel = shown_panel(window, qtbot)
    neurons = panel.neurons
    assert [g.captions[0] for g in neurons.grids] == ["tanh1 #0", "tanh2 #0"]
    result = panel.last_result["neurons"]
    gx, gy = np.meshgrid(result["xs"], result["ys"])
    grid = torch.as_tensor(np.stack([gx.ravel(), gy.ravel()], 1), dtype=torch.float32)
    m = panel.session.trainer.model
    with torch.no_grad():
        h1 = torch.tanh(m.fc1(grid))
        h2 = torch.tanh(m.fc2(h1))
    r = len(result["xs"])
    np.testing.assert_allclose(neurons.grids[0].tiles[3], h1[:, 3].numpy().reshape(r, r)[::-1], atol=1e-5)
    np.testing.assert_allclose(neurons.grids[1].tiles[5], h2[:, 5].numpy().reshape(r, r)[::-1], atol=1e-5)
    grid_widget = neurons.grids[1]
    at = grid_widget.tile_rect(5).center()
    move = QMouseEvent(QEvent.Type.MouseMove, at, grid_widget.mapToGlobal(at), Qt.MouseButton.NoButton,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(grid_widget, move)  # a hover (offscreen Qt sends no moves for qtbot.mouseMove)
    assert neurons.hover == (1, 5)
    assert "tanh2 #5" in neurons.preview_caption.text()
    assert neurons.preview.pixmap().width() > grid_widget.tile_rect(5).width()  # shown larger


def test_spiral_updates_live_while_training(window, qtbot):
    window.doc.set_dataset({"name": "spiral", "params": {"n_points": 200}})
    panel = shown_panel(window, qtbot)
    window.training.session.step(60)
    qtbot.waitUntil(lambda: window.training.session.state != "running" and not panel.in_flight
                    and panel.last_result["surface"]["dataset"] == "spiral"
                    and panel.last_result["surface"]["step"] == 60, timeout=60000)
    _, _, grid = direct_grid(panel)
    p1 = torch.sigmoid(model_out(panel, grid))[:, 0].numpy()
    np.testing.assert_allclose(panel.plane.shown.ravel(), p1, atol=1e-5)
    tx, _ = panel.last_result["surface"]["points"]["train"]
    np.testing.assert_allclose(tx, panel.session.trainer.splits.train.x.numpy())


def test_an_image_network_gets_a_clear_message(make_window, qtbot):
    window = make_window("lenet5")
    panel = shown_panel(window, qtbot)
    assert "needs a dataset with 2 input features, like spiral or circle" in panel.last_error
    assert panel.message_label.isVisible()
    assert not panel.plane.isVisible() and not panel.neurons.isVisible()


def test_clicking_the_plane_sets_the_shared_input(window, qtbot):
    panel = shown_panel(window, qtbot)
    plane = panel.plane
    pos = plane.view_to_widget(1.5, -2.0)
    qtbot.mouseClick(plane.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: panel.choice.custom is not None, timeout=5000)
    x, y = panel.choice.custom
    assert x == pytest.approx(1.5, abs=0.15) and y == pytest.approx(-2.0, abs=0.15)
    assert panel.choice.describe().startswith("point (")
    marker = plane.marker.data
    assert len(marker) == 1 and marker["x"][0] == pytest.approx(x)
