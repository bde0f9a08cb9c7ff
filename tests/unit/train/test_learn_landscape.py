"""Loss landscape: filter normalization, the grid against the model's own loss with the moved
weights loaded into a copy, the centre equal to the loss at the current weights, projection."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from playground.train import TrainConfig, Trainer
from playground.train.learn.landscape import (filter_normalized_direction, flat, landscape, project, snapshot,
                                              trainable, trainer_landscape)
from train_helpers import blobs, tensor_splits


def conv_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 4 * 4, 2))


def test_filter_normalized_directions_match_each_filters_norm_and_skip_biases():
    model = conv_net()
    params = trainable(model)
    d = filter_normalized_direction(params, torch.Generator().manual_seed(1))
    for name, p in params.items():
        if p.dim() <= 1:
            assert torch.count_nonzero(d[name]) == 0
            continue
        for i in range(p.shape[0]):  # each output channel / row
            assert float(d[name][i].norm()) == pytest.approx(float(p[i].detach().norm()), rel=1e-5)
        assert not torch.allclose(d[name] / d[name].norm(), p / p.norm())  # a random direction, not the weights


def test_grid_values_are_the_models_loss_with_moved_weights():
    model = conv_net()
    x, y = torch.randn(8, 1, 6, 6), torch.randint(0, 2, (8,))
    g = torch.Generator().manual_seed(2)
    params = trainable(model)
    d1, d2 = filter_normalized_direction(params, g), filter_normalized_direction(params, g)
    alphas, betas = np.array([-0.5, 0.0, 0.7]), np.array([-1.0, 0.0, 0.25])
    grid = landscape(model, x, lambda out: F.cross_entropy(out, y), d1, d2, alphas, betas)
    for i, b in enumerate(betas):
        for j, a in enumerate(alphas):
            moved = copy.deepcopy(model)
            with torch.no_grad():
                for name, p in moved.named_parameters():
                    p.add_(a * d1[name] + b * d2[name])
            assert grid[i, j] == pytest.approx(float(F.cross_entropy(moved(x), y)), rel=1e-5)
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), conv_net().parameters()))  # untouched


def test_projection_recovers_coordinates():
    g = torch.Generator().manual_seed(3)
    theta, d1, d2 = (torch.randn(50, generator=g, dtype=torch.float64) for _ in range(3))
    points = np.stack([(theta + a * d1 + b * d2).numpy() for a, b in [(0.3, -0.2), (-1.0, 2.0)]])
    np.testing.assert_allclose(project(points, theta, d1, d2), [[0.3, -0.2], [-1.0, 2.0]], atol=1e-10)


def test_trainer_landscape_centre_is_the_loss_at_the_current_weights():
    x, y = blobs(n=120, classes=3)
    torch.manual_seed(0)
    model = torch.fx.symbolic_trace(nn.Sequential(nn.Linear(2, 6), nn.Tanh(), nn.Linear(6, 3)))
    trainer = Trainer(model, tensor_splits(x, y, num_classes=3), TrainConfig(epochs=1, batch_size=16, lr=0.1))
    start = snapshot(trainer)
    trainer.fit()
    land = trainer_landscape(trainer, [start], n=7, examples=50)
    xs, ys = trainer.examples("train", list(range(50)))
    with torch.no_grad():
        expected = float(trainer.objective.loss(trainer.model.eval()(xs), trainer.objective.target(ys)))
    assert land.center == pytest.approx(expected, rel=1e-5)
    assert land.losses.shape == (7, 7) and land.examples == 50
    assert land.path.shape == (1, 2) and land.alphas[-1] >= max(1.0, np.abs(land.path).max())  # the path fits
    np.testing.assert_allclose(flat(trainable(trainer.model)).numpy(), snapshot(trainer))


def test_pca_directions_follow_the_recorded_path():
    from playground.core.errors import TrainingError
    from playground.train.learn.landscape import pca_directions

    model = conv_net()
    params = trainable(model)
    theta = flat(params)
    g = torch.Generator().manual_seed(4)
    u, v = torch.randn(len(theta), generator=g, dtype=torch.float64), torch.randn(len(theta), generator=g, dtype=torch.float64)
    u, v = u / u.norm(), v - (v @ u) / (u @ u) * u
    v = v / v.norm()
    coords = [(3.0, 1.0), (2.0, -0.5), (1.0, 0.4), (0.5, -0.1)]
    path = [(theta + a * u + b * v).numpy() for a, b in coords]
    d1, d2, share = pca_directions(params, path)
    # the two principal directions span the plane of u and v: projecting back recovers the path exactly
    projected = project(np.stack(path), theta, flat(d1), flat(d2))
    rebuilt = theta.numpy() + projected[:, :1] * flat(d1).numpy() + projected[:, 1:] * flat(d2).numpy()
    np.testing.assert_allclose(rebuilt, np.stack(path), atol=1e-5)  # directions are float32 like the weights
    assert share[0] >= share[1] and sum(share) == pytest.approx(1.0)
    with pytest.raises(TrainingError, match="keep this view open"):
        pca_directions(params, path[:2])
