"""Decision surface and hidden-unit maps over the 2-D plane, checked against direct forward passes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score, log_loss
from torch import nn

from playground.core.errors import TrainingError
from playground.data import load
from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.train import TrainConfig
from playground.train.boundary import (NOT_2D, decision_surface, hidden_outputs, neuron_surfaces, plane_grid)
from playground.train.engine import Trainer
from playground.train.probes import node_outputs

from train_helpers import blobs, mlp, tensor_splits


def preset_trainer(preset="tfp_mlp", dataset=None, **params):
    project = load_project(preset)
    return Trainer(build_module(project.graph), load(dataset or project.dataset["name"], params=params),
                   TrainConfig(device="cpu"))


def forward(model, x: np.ndarray) -> torch.Tensor:
    model.eval()
    with torch.no_grad():
        return model(torch.as_tensor(x, dtype=torch.float32))


def test_plane_grid_covers_the_points_with_a_margin_in_row_order():
    rng = np.random.default_rng(3)
    pts = rng.uniform([-3, 10], [5, 12], size=(200, 2))
    xs, ys, grid = plane_grid(pts, 25)
    assert xs.shape == ys.shape == (25,) and grid.shape == (625, 2)
    assert xs[0] < pts[:, 0].min() and xs[-1] > pts[:, 0].max()
    assert ys[0] < pts[:, 1].min() and ys[-1] > pts[:, 1].max()
    assert xs[-1] - xs[0] < 1.5 * (pts[:, 0].max() - pts[:, 0].min())  # a margin, not a different range
    np.testing.assert_allclose(np.diff(xs), np.diff(xs)[0])
    for i, j in [(0, 0), (3, 17), (24, 24)]:
        np.testing.assert_allclose(grid[i * 25 + j], [xs[j], ys[i]])
    xs, ys, _ = plane_grid(np.array([[1.0, 2.0], [1.0, 2.0]]), 5)  # one point: still a real range
    assert xs[0] < 1 < xs[-1] and ys[0] < 2 < ys[-1]


def test_binary_surface_is_the_probability_of_class_1_from_the_model():
    trainer = preset_trainer("tfp_mlp")  # circle, one output with BCE
    assert trainer.model.training
    result = decision_surface(trainer, resolution=30)
    assert trainer.model.training  # eval mode only for the look, then back
    assert result["kind"] == "binary" and result["values"].shape == (30, 30)
    xs, ys = result["xs"], result["ys"]
    gx, gy = np.meshgrid(xs, ys)
    direct = torch.sigmoid(forward(trainer.model, np.stack([gx.ravel(), gy.ravel()], 1)))[:, 0].numpy()
    np.testing.assert_allclose(result["values"], direct.reshape(30, 30), atol=1e-6)
    np.testing.assert_array_equal(result["classes"], direct.reshape(30, 30) > 0.5)


def test_points_and_metrics_match_the_dataset():
    trainer = preset_trainer("tfp_mlp")
    result = decision_surface(trainer, resolution=10)
    data = load("circle")
    for name, split in (("train", data.train), ("test", data.test)):
        px, py = result["points"][name]
        np.testing.assert_allclose(px, split.x.numpy())
        np.testing.assert_array_equal(py, split.y.numpy())
        out = forward(trainer.model, split.x.numpy())[:, 0]
        p1 = torch.sigmoid(out).numpy()
        m = result["metrics"][name]
        assert m["accuracy"] == pytest.approx(accuracy_at_half(split.y.numpy(), p1))
        assert m["loss"] == pytest.approx(log_loss(split.y.numpy(), p1, labels=[0, 1]), rel=1e-4)
    xs, ys = result["xs"], result["ys"]
    everything = torch.cat([data.train.x, data.val.x, data.test.x]).numpy()
    assert xs[0] < everything[:, 0].min() and xs[-1] > everything[:, 0].max()
    assert ys[0] < everything[:, 1].min() and ys[-1] > everything[:, 1].max()


def accuracy_at_half(y, p1):
    return accuracy_score(y, (p1 > 0.5).astype(int))


def test_points_are_subsampled_to_the_bound_and_stay_put():
    trainer = preset_trainer("tfp_mlp", "circle", n_points=3000)
    a = decision_surface(trainer, resolution=8, point_limit=300)
    b = decision_surface(trainer, resolution=8, point_limit=300)
    px, py = a["points"]["train"]
    assert len(px) == 300 and len(py) == 300
    np.testing.assert_array_equal(px, b["points"]["train"][0])
    stored = {tuple(p) for p in trainer.splits.train.x.numpy().astype(np.float64)}
    assert all(tuple(p) in stored for p in px)


def test_multiclass_surface_is_the_argmax_and_its_probability():
    splits = tensor_splits(*blobs(), num_classes=3, name="blobs")
    trainer = Trainer(mlp(outputs=3), splits, TrainConfig(device="cpu"))
    result = decision_surface(trainer, resolution=20)
    assert result["kind"] == "multiclass"
    gx, gy = np.meshgrid(result["xs"], result["ys"])
    probs = torch.softmax(forward(trainer.model, np.stack([gx.ravel(), gy.ravel()], 1)), 1).numpy()
    np.testing.assert_array_equal(result["classes"], probs.argmax(1).reshape(20, 20))
    np.testing.assert_allclose(result["values"], probs.max(1).reshape(20, 20), atol=1e-6)


def test_regression_surface_is_the_predicted_value():
    trainer = preset_trainer("tfp_mlp", "plane")
    result = decision_surface(trainer, resolution=12)
    assert result["kind"] == "regression" and result["classes"] is None
    gx, gy = np.meshgrid(result["xs"], result["ys"])
    direct = forward(trainer.model, np.stack([gx.ravel(), gy.ravel()], 1))[:, 0].numpy()
    np.testing.assert_allclose(result["values"], direct.reshape(12, 12), atol=1e-6)
    x, y = trainer.splits.test.x.numpy(), trainer.splits.test.y.numpy()
    mse = float(((forward(trainer.model, x).numpy() - y) ** 2).mean())
    assert result["metrics"]["test"]["loss"] == pytest.approx(mse, rel=1e-4)
    assert "accuracy" not in result["metrics"]["test"]


def test_the_grid_is_normalized_like_the_dataset():
    x, y = blobs(classes=2)
    splits = tensor_splits(x, y, num_classes=2)
    mean, std = torch.tensor([1.0, -2.0]), torch.tensor([2.0, 0.5])
    splits.mean, splits.std = mean, std
    for part in splits.parts().values():
        part.mean, part.std = mean, std
    trainer = Trainer(mlp(outputs=2), splits, TrainConfig(device="cpu"))
    result = decision_surface(trainer, resolution=9)
    gx, gy = np.meshgrid(result["xs"], result["ys"])
    grid = (np.stack([gx.ravel(), gy.ravel()], 1) - mean.numpy()) / std.numpy()
    probs = torch.softmax(forward(trainer.model, grid), 1)[:, 1].numpy()
    np.testing.assert_allclose(result["values"], probs.reshape(9, 9), atol=1e-6)
    px, _ = result["points"]["train"]
    np.testing.assert_allclose(px, splits.train.x.numpy())  # stored units, not normalized


def test_neuron_maps_are_each_hidden_units_activation():
    trainer = preset_trainer("tfp_mlp")
    result = neuron_surfaces(trainer, resolution=16)
    names = [(n, k) for n, k, _ in result["units"]]
    assert names == [("tanh1", k) for k in range(8)] + [("tanh2", k) for k in range(8)]
    gx, gy = np.meshgrid(result["xs"], result["ys"])
    grid = torch.as_tensor(np.stack([gx.ravel(), gy.ravel()], 1), dtype=torch.float32)
    m = trainer.model
    with torch.no_grad():
        h1 = torch.tanh(grid @ m.fc1.weight.T + m.fc1.bias)
        h2 = torch.tanh(h1 @ m.fc2.weight.T + m.fc2.bias)
    for (name, k, tile) in result["units"]:
        want = (h1 if name == "tanh1" else h2)[:, k].numpy().reshape(16, 16)
        np.testing.assert_allclose(tile, want, atol=1e-6)


def test_neuron_maps_of_a_plain_module_and_the_limit():
    splits = tensor_splits(*blobs(), num_classes=3)
    trainer = Trainer(mlp(hidden=16, outputs=3, act=nn.ReLU), splits, TrainConfig(device="cpu"))
    result = neuron_surfaces(trainer, resolution=8, limit=20)
    assert result["total"] == 32 and len(result["units"]) == 20
    assert {n for n, _, _ in result["units"]} == {"1", "3"}  # the ReLUs, not the Linears before them


def test_hidden_outputs_skip_input_features_pre_activations_and_the_output():
    trainer = preset_trainer("tfp_mlp", "xor")
    record = node_outputs(trainer.model, torch.zeros(4, 2))
    assert [n for n, _ in hidden_outputs(record)] == ["tanh1", "tanh2"]


def test_a_model_without_2d_input_gets_a_clear_message():
    trainer = preset_trainer("tfp_mlp")
    trainer.info = dataclasses.replace(trainer.info, input_shape=(1, 8, 8), name="digits")
    for fn in (decision_surface, neuron_surfaces):
        with pytest.raises(TrainingError, match="2 input features, like spiral or circle") as err:
            fn(trainer)
        assert err.value.fix and NOT_2D in str(err.value)
