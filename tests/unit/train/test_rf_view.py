"""The receptive-field panel's training-thread side (train/rf_view.py) against torch and brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.train import rf_view
from playground.core.errors import TrainingError


def _box_mass(h, box):
    t, l, b, r = box
    return h[t:b + 1, l:r + 1].sum()


def test_mass_box_holds_the_share_and_a_block_gives_itself():
    block = np.zeros((12, 15))
    block[3:8, 6:11] = 1.0
    assert rf_view.mass_box(block, 1.0) == (3, 6, 7, 10)
    assert rf_view.mass_box(np.zeros((4, 4))) is None
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:20, 0:20]
    for _ in range(5):
        cy, cx, s = rng.uniform(4, 16), rng.uniform(4, 16), rng.uniform(1, 4)
        heat = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * s * s)) * rng.uniform(0.5, 1, (20, 20))
        box = rf_view.mass_box(heat, 0.95)
        assert _box_mass(heat, box) >= 0.95 * heat.sum() - 1e-9
        # greedy growth is not always the smallest box, but close: at most twice the area of the
        # smallest box anywhere that holds the share (brute force over every box)
        t, l, b, r = box
        best = min((bb - tt + 1) * (rr - ll + 1)
                   for tt, bb in itertools.combinations_with_replacement(range(20), 2)
                   for ll, rr in itertools.combinations_with_replacement(range(20), 2)
                   if _box_mass(heat, (tt, ll, bb, rr)) >= 0.95 * heat.sum())
        assert (b - t + 1) * (r - l + 1) <= 2 * best


def test_unit_view_equals_a_forward_pass_and_autograd():
    graph = load_project("lenet5").graph
    torch.manual_seed(0)
    model = build_module(graph, seed=0)
    model.train()
    x = torch.randn(1, 1, 28, 28)
    view = rf_view.unit_view(model, x, "conv2", (3, 4, 6))
    assert model.training  # restored
    with torch.no_grad():
        ref = model.conv2(model.pool1(model.tanh1(model.conv1(x))))  # (1, 16, 10, 10)
    np.testing.assert_allclose(view.feature_map, ref[0, 3].numpy(), rtol=1e-5, atol=1e-6)
    assert view.value == pytest.approx(float(ref[0, 3, 4, 6]), rel=1e-5)
    xg = x.clone().requires_grad_(True)
    out = model.conv2(model.pool1(model.tanh1(model.conv1(xg))))
    (grad,) = torch.autograd.grad(out[0, 3, 4, 6], xg)
    np.testing.assert_allclose(view.heat, grad[0].abs().sum(0).numpy(), rtol=1e-5, atol=1e-8)
    nz = np.nonzero(grad[0, 0].numpy())
    assert view.nonzero_box == (nz[0].min(), nz[1].min(), nz[0].max(), nz[1].max())
    np.testing.assert_allclose(view.image, x[0, 0].numpy())
    assert view.channels == 16 and view.unit == (3, 4, 6)
    clipped = rf_view.unit_view(model, x, "conv2", (99, 99, -5))
    assert clipped.unit == (15, 9, 0)


def test_unit_view_refuses_vectors_and_unknown_nodes():
    graph = load_project("lenet5").graph
    model = build_module(graph, seed=0)
    x = torch.randn(1, 1, 28, 28)
    with pytest.raises(TrainingError, match="no feature maps"):
        rf_view.unit_view(model, x, "fc1", (0, 0, 0))
    with pytest.raises(TrainingError, match="no node 'nope'"):
        rf_view.unit_view(model, x, "nope", (0, 0, 0))
    with pytest.raises(TrainingError, match="image inputs"):
        rf_view.unit_view(model, torch.randn(1, 2), "fc1", (0, 0, 0))


def test_picture_of_three_channels_is_rgb_in_unit_range():
    x = np.random.default_rng(1).normal(size=(3, 5, 6)).astype(np.float32)
    pic = rf_view.picture(x)
    assert pic.shape == (5, 6, 3) and pic.min() == 0 and pic.max() == pytest.approx(1)
    assert rf_view.picture(x[:2]).shape == (5, 6)
