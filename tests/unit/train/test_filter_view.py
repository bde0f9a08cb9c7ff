"""filter_view: kernels against the modules' weights, edge filters against a numpy correlation
loop, histograms against numpy.histogram, and the bounded history."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from playground.nn.modules import EdgeConv2d
from playground.train import filter_view as fv

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float)  # written out again: independent of EDGE_KERNELS
SOBEL_Y = SOBEL_X.T
PREWITT_X = np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], float)
SCHARR_X = np.array([[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]], float)
LAPLACIAN = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], float)


def correlate(img: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Plain cross-correlation with zero padding 1 (what a Conv2d does), by loops."""
    h, w = img.shape
    pad = np.zeros((h + 2, w + 2))
    pad[1:-1, 1:-1] = img
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            out[i, j] = sum(pad[i + a, j + b] * k[a, b] for a in range(3) for b in range(3))
    return out


def test_edge_responses_match_a_correlation_loop():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 9, 11)).astype(np.float32)
    gray = x.astype(float).mean(axis=0)
    got = fv.edge_responses(x)
    assert list(got) == list(fv.EDGE_VIEWS)
    sx, sy = correlate(gray, SOBEL_X), correlate(gray, SOBEL_Y)
    np.testing.assert_allclose(got["Sobel x"], sx, atol=1e-4)
    np.testing.assert_allclose(got["Sobel y"], sy, atol=1e-4)
    np.testing.assert_allclose(got["Sobel |grad|"], np.hypot(sx, sy), atol=1e-4)
    np.testing.assert_allclose(got["Prewitt |grad|"],
                               np.hypot(correlate(gray, PREWITT_X), correlate(gray, PREWITT_X.T)), atol=1e-4)
    np.testing.assert_allclose(got["Scharr |grad|"],
                               np.hypot(correlate(gray, SCHARR_X), correlate(gray, SCHARR_X.T)), atol=1e-3)
    np.testing.assert_allclose(got["Laplacian"], correlate(gray, LAPLACIAN), atol=1e-4)
    with pytest.raises(Exception, match="image"):
        fv.edge_responses(np.zeros(5))


def test_vertical_edge_lights_sobel_x_not_sobel_y():
    img = np.zeros((1, 8, 8), np.float32)
    img[:, :, 4:] = 1.0  # dark left half, bright right half
    got = fv.edge_responses(img)
    inner = (slice(1, -1), slice(1, -1))
    assert got["Sobel x"][inner].max() == pytest.approx(4.0)
    assert np.abs(got["Sobel y"][inner]).max() == pytest.approx(0.0)


def test_conv_kernels_of_every_conv_kind():
    torch.manual_seed(0)
    model = nn.Sequential()
    model.add_module("c2", nn.Conv2d(3, 4, 5))
    model.add_module("c1", nn.Conv1d(4, 2, 3))
    model.add_module("t2", nn.ConvTranspose2d(4, 6, 2, groups=2))
    model.add_module("edge", EdgeConv2d(6, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]))
    model.add_module("fc", nn.Linear(3, 2))
    assert fv.conv_layers(model) == ["c2", "c1", "t2", "edge"]
    assert fv.weight_layers(model) == ["c2", "c1", "t2", "edge", "fc"]
    assert fv.first_learned_conv(model) == "c2"
    np.testing.assert_array_equal(fv.conv_kernels(model, "c2"), model.c2.weight.detach().numpy())
    np.testing.assert_array_equal(fv.conv_kernels(model, "c1"), model.c1.weight.detach().numpy()[:, :, None, :])
    k = fv.conv_kernels(model, "t2")  # (out 6, in/groups 2, 2, 2)
    assert k.shape == (6, 2, 2, 2)
    w = model.t2.weight.detach().numpy()  # (in 4, out/groups 3, 2, 2)
    for o in range(6):  # output channel o belongs to group o // 3 and sees inputs 2g, 2g+1
        g = o // 3
        for i in range(2):
            np.testing.assert_array_equal(k[o, i], w[2 * g + i, o % 3])
    np.testing.assert_array_equal(fv.conv_kernels(model, "edge")[2, 0], SOBEL_X)
    with pytest.raises(Exception, match="no convolution kernels"):
        fv.conv_kernels(model, "fc")


def test_rgb_patches_are_symmetric_around_grey():
    k = np.zeros((2, 3, 2, 2))
    k[0, 0, 0, 0] = 2.0  # strongest positive red
    k[1, 2, 1, 1] = -1.0
    p = fv.rgb_patches(k)
    assert p.shape == (2, 2, 2, 3)
    assert p[0, 0, 0, 0] == 1.0 and p[1, 1, 1, 2] == pytest.approx(0.25)
    assert p[0, 1, 1, 1] == 0.5  # zero weight is mid-grey
    with pytest.raises(ValueError):
        fv.rgb_patches(np.zeros((2, 1, 3, 3)))


def test_histogram_equals_numpy():
    rng = np.random.default_rng(1)
    v = rng.normal(size=5000).astype(np.float32)
    for edges in (np.linspace(-2, 2, 17), np.linspace(v.min(), v.max(), 41), np.array([-1.0, 0.0, 0.5, 3.0])):
        np.testing.assert_array_equal(fv.histogram(torch.from_numpy(v), edges), np.histogram(v, edges)[0])
    edges = np.array([0.0, 1.0, 2.0])
    np.testing.assert_array_equal(fv.histogram(np.array([0.0, 1.0, 2.0, 2.5, -1.0]), edges), [1, 2])


def test_history_is_bounded_and_widens_exactly():
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh())
    x = torch.randn(8, 4)
    hist = fv.HistogramHistory()
    assert hist.record(model, 0, x)
    assert not hist.record(model, 0, x)  # same step: nothing new
    first = hist.view("weights", "0")
    np.testing.assert_array_equal(first.counts[-1], np.histogram(model[0].weight.detach().numpy(), first.edges)[0])
    assert hist.names("activations") == ["0", "1"]
    with torch.no_grad():
        model[0].weight.mul_(5.0)  # values leave the first bin edges
    hist.record(model, 1, x)
    v = hist.view("weights", "0")
    w = model[0].weight.detach().numpy()
    assert v.edges[0] <= w.min() and v.edges[-1] >= w.max()
    np.testing.assert_array_equal(v.counts[-1], np.histogram(w, v.edges)[0])
    assert v.counts[0].sum() == 12  # the first snapshot is still all there, re-binned
    np.testing.assert_allclose(np.diff(v.edges), np.diff(v.edges)[0])
    act = hist.view("activations", "0")
    np.testing.assert_array_equal(act.counts[-1], np.histogram(model[0](x).detach().numpy(), act.edges)[0])
    first = int(hist.view("weights", "0").steps[0])
    for step in range(2, 2 + fv.HISTORY + 5):
        hist.record(model, step, None)
    v = hist.view("weights", "0")
    assert len(v.steps) <= fv.HISTORY and v.counts.shape[0] == len(v.steps)  # bounded ...
    assert v.steps[0] == first and v.steps[-1] == fv.HISTORY + 6  # ... by thinning: the whole run stays
    assert np.all(np.diff(v.steps) > 0)
    with torch.no_grad():
        model[0].weight.mul_(1e6)  # diverging weights: bins merge instead of growing without bound
    hist.record(model, 1000, None)
    v = hist.view("weights", "0")
    assert len(v.edges) - 1 <= fv.MAX_BINS
    np.testing.assert_array_equal(v.counts[-1], np.histogram(model[0].weight.detach().numpy(), v.edges)[0])
    assert (v.counts.sum(axis=1) == 12).all()
    hist.record(nn.Sequential(nn.Linear(4, 3)), 5, None)  # another model: starts over
    assert len(hist.view("weights", "0").steps) == 1


def test_dense_weights_as_input_images():
    model = nn.Sequential(nn.Flatten(), nn.Linear(2 * 4 * 5, 3), nn.Linear(3, 2))
    assert fv.image_weight_layers(model, (2, 4, 5)) == ["1"]
    assert fv.image_weight_layers(model, (40,)) == []
    imgs = fv.dense_as_images(model, "1", (2, 4, 5))
    w = model[1].weight.detach().numpy()
    assert imgs.shape == (3, 2, 4, 5)
    assert imgs[2, 1, 3, 4] == w[2, 1 * 20 + 3 * 5 + 4]
