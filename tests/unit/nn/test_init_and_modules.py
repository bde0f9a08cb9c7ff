"""Per-layer weight init (nn/init.py) against the textbook formulas, and the custom modules
(nn/modules.py) against torch references: ``torch.autograd.gradcheck`` for gradients, plain torch
expressions for forward values.

Init statistics use big layers (Linear 256->256: 65536 weights; Conv2d 32->64, 3x3: 18432), so the
sample standard deviation is within ~1% of the true one and a wrong gain (>= 4% off) fails.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.autograd import gradcheck

from playground.graph.model import Graph
from playground.nn.build import build_module
from playground.nn.init import init_calls
from playground.nn.modules import Add, Concat, EdgeConv2d, GlobalAvgPool, Maxout, PointFeatures, Reshape, Step

# ---- init ------------------------------------------------------------------------------------------

#: (layer kind, graph input, layer params, fan_in, fan_out)
LAYERS = {
    "linear": ("Linear", ("VectorInput", {"features": 256}), {"units": 256}, 256, 256),
    "conv": ("Conv2d", ("ImageInput", {"channels": 32, "height": 6, "width": 6}), {"filters": 64, "kernel_size": 3},
             32 * 9, 64 * 9),
}

#: the gain each following activation calls for, written out (not taken from torch)
GAINS = {
    None: 1.0,
    ("Identity", ()): 1.0,
    ("GELU", ()): 1.0,
    ("Sigmoid", ()): 1.0,
    ("Tanh", ()): 5 / 3,
    ("ReLU", ()): math.sqrt(2),
    ("LeakyReLU", (("slope", 0.2),)): math.sqrt(2 / (1 + 0.2**2)),
    ("SELU", ()): 3 / 4,
}


def _graph(layer: str, weight_init="default", bias_init="default", after=(), bias=True, **extra) -> Graph:
    """input -> the layer under test (named 'layer') -> ``after`` layers."""
    kind, inp, params, _, _ = LAYERS[layer]
    g = Graph()
    prev = g.add_node(*inp[:1], params=inp[1]).id
    node = g.add_node(kind, name="layer", params={**params, "weight_init": weight_init, "bias_init": bias_init,
                                                   "bias": bias, **extra})
    g.connect(prev, node.id)
    prev = node.id
    for k, p in after:
        nxt = g.add_node(k, params=dict(p)).id
        g.connect(prev, nxt)
        prev = nxt
    return g


def _weights(layer: str, weight_init: str, act=None, between=(), seed=0, **kw) -> nn.Module:
    after = [*between, (act[0], dict(act[1]))] if act else list(between)
    return build_module(_graph(layer, weight_init, after=after, **kw), seed=seed).layer


def _fans(layer):
    return LAYERS[layer][3], LAYERS[layer][4]


def _close(value: float, want: float, rel: float = 0.03) -> bool:
    return abs(value - want) <= rel * want


@pytest.mark.parametrize("layer", list(LAYERS))
@pytest.mark.parametrize("act", [None, ("ReLU", ()), ("LeakyReLU", (("slope", 0.2),))], ids=["none", "relu", "leaky"])
def test_he_normal_std(layer, act):
    w = _weights(layer, "he_normal", act).weight.detach()
    fan_in, _ = _fans(layer)
    slope = dict(act[1]).get("slope", 0.0) if act else 0.0
    want = math.sqrt(2 / (1 + slope**2) / fan_in)
    assert _close(w.std().item(), want), (w.std().item(), want)
    assert abs(w.mean().item()) < 0.02 * want


@pytest.mark.parametrize("layer", list(LAYERS))
def test_he_uniform_bound(layer):
    w = _weights(layer, "he_uniform", ("ReLU", ())).weight.detach()
    bound = math.sqrt(6 / _fans(layer)[0])
    assert w.abs().max().item() <= bound
    assert w.abs().max().item() >= 0.99 * bound
    assert _close(w.std().item(), bound / math.sqrt(3))


@pytest.mark.parametrize("layer", list(LAYERS))
@pytest.mark.parametrize("act", list(GAINS), ids=lambda a: a[0] if a else "none")
def test_xavier_uniform_bound_follows_the_next_activation(layer, act):
    w = _weights(layer, "xavier_uniform", act).weight.detach()
    fan_in, fan_out = _fans(layer)
    bound = GAINS[act] * math.sqrt(6 / (fan_in + fan_out))
    assert w.abs().max().item() <= bound * (1 + 1e-6)
    assert w.abs().max().item() >= 0.99 * bound, f"bound {w.abs().max().item()} is not {bound} (gain {GAINS[act]})"
    assert _close(w.std().item(), bound / math.sqrt(3))


@pytest.mark.parametrize("between", [
    pytest.param([("BatchNorm", {})], id="batchnorm"),
    pytest.param([("Dropout", {"p": 0.1})], id="dropout"),
    pytest.param([("LayerNorm", {}), ("Dropout", {})], id="layernorm-dropout"),
])
def test_gain_looks_through_norms_and_dropout(between):
    w = _weights("linear", "xavier_uniform", ("Tanh", ()), between=between).weight.detach()
    bound = 5 / 3 * math.sqrt(6 / 512)
    assert 0.99 * bound <= w.abs().max().item() <= bound * (1 + 1e-6)


@pytest.mark.parametrize("layer", list(LAYERS))
@pytest.mark.parametrize("act", [None, ("Tanh", ()), ("Sigmoid", ())], ids=["none", "tanh", "sigmoid"])
def test_xavier_normal_std(layer, act):
    w = _weights(layer, "xavier_normal", act).weight.detach()
    fan_in, fan_out = _fans(layer)
    assert _close(w.std().item(), GAINS[act] * math.sqrt(2 / (fan_in + fan_out)))


@pytest.mark.parametrize("layer", list(LAYERS))
def test_normal_is_standard_normal(layer):
    w = _weights(layer, "normal").weight.detach()
    assert _close(w.std().item(), 1.0)
    assert abs(w.mean().item()) < 0.05


@pytest.mark.parametrize("layer", list(LAYERS))
def test_zeros(layer):
    w = _weights(layer, "zeros", ("ReLU", ())).weight.detach()
    assert torch.count_nonzero(w) == 0


@pytest.mark.parametrize("layer", list(LAYERS))
@pytest.mark.parametrize("act", [None, ("Tanh", ())], ids=["none", "tanh"])
def test_orthogonal_rows(layer, act):
    w = _weights(layer, "orthogonal", act).weight.detach().double()
    rows = w.reshape(w.shape[0], -1)  # (out, in * k * k): rows are orthonormal (times the gain)
    assert rows.shape[0] <= rows.shape[1]
    gain = GAINS[act]
    assert torch.allclose(rows @ rows.T, gain**2 * torch.eye(rows.shape[0], dtype=torch.float64), atol=1e-4)


@pytest.mark.parametrize("layer", list(LAYERS))
def test_default_is_pytorchs_own(layer):
    mod = _weights(layer, "default")
    bound = 1 / math.sqrt(_fans(layer)[0])  # kaiming_uniform_(a=sqrt(5)) and the bias rule
    for t in (mod.weight, mod.bias):
        assert t.abs().max().item() <= bound
    assert mod.weight.abs().max().item() >= 0.99 * bound
    assert torch.count_nonzero(mod.bias) == mod.bias.numel()


@pytest.mark.parametrize("layer", list(LAYERS))
@pytest.mark.parametrize("weight_init", ["default", "he_normal", "xavier_uniform", "orthogonal"])
def test_bias_small_positive_zeros_and_normal(layer, weight_init):
    g = _graph(layer, weight_init, bias_init="small_positive")
    assert torch.all(build_module(g).layer.bias == 0.01)
    g = _graph(layer, weight_init, bias_init="zeros")
    assert torch.count_nonzero(build_module(g).layer.bias) == 0
    bias = build_module(_graph(layer, weight_init, bias_init="normal")).layer.bias.detach()
    assert _close(bias.std().item(), 1.0, rel=0.3) and abs(bias.mean().item()) < 0.4


@pytest.mark.parametrize("layer", list(LAYERS))
def test_bias_init_without_a_bias(layer):
    mod = build_module(_graph(layer, "he_normal", bias_init="small_positive", bias=False)).layer
    assert mod.bias is None
    assert all(c.tensor == "weight" for c in init_calls(_graph(layer, "he_normal", "zeros", bias=False)))


@pytest.mark.parametrize("weight_init", ["default", "he_uniform", "xavier_normal", "normal", "orthogonal"])
def test_same_seed_same_weights_other_seed_other_weights(weight_init):
    g = _graph("conv", weight_init, bias_init="normal", after=[("ReLU", {})])
    a, b, c = build_module(g, seed=7), build_module(g, seed=7), build_module(g, seed=8)
    for key, value in a.state_dict().items():
        assert torch.equal(value, b.state_dict()[key]), key
        assert not torch.equal(value, c.state_dict()[key]), key


def test_building_leaves_the_global_random_state_alone():
    state = torch.get_rng_state()
    build_module(_graph("linear", "he_normal", after=[("ReLU", {})]), seed=3)
    assert torch.equal(torch.get_rng_state(), state)


def test_every_layer_of_a_network_is_initialized_by_its_own_choice():
    g = Graph()
    ids = [g.add_node(k, name=n, params=p).id for k, n, p in (
        ("VectorInput", "inp", {"features": 300}),
        ("Linear", "a", {"units": 300, "weight_init": "zeros", "bias_init": "small_positive"}),
        ("Tanh", "t", {}),
        ("Linear", "b", {"units": 300, "weight_init": "xavier_uniform"}),
        ("ReLU", "r", {}),
        ("Linear", "c", {"units": 10, "weight_init": "he_normal", "bias_init": "zeros"}))]
    for x, y in zip(ids, ids[1:]):
        g.connect(x, y)
    m = build_module(g)
    assert torch.count_nonzero(m.a.weight) == 0 and torch.all(m.a.bias == 0.01)
    assert 0.99 <= m.b.weight.abs().max().item() / (math.sqrt(2) * math.sqrt(6 / 600)) <= 1 + 1e-6  # ReLU follows
    assert _close(m.c.weight.std().item(), math.sqrt(2 / 300), rel=0.05) and torch.count_nonzero(m.c.bias) == 0


# ---- custom modules: gradients against gradcheck, values against plain torch ------------------------


def _rand(*shape, seed=0):
    return torch.randn(*shape, dtype=torch.float64, generator=torch.Generator().manual_seed(seed)).requires_grad_(True)


@pytest.mark.parametrize("pieces, shape", [(2, (3, 6)), (3, (2, 6, 2, 3)), (1, (2, 4))])
def test_maxout(pieces, shape):
    x = _rand(*shape)
    m = Maxout(pieces)
    out = m(x)
    c = shape[1] // pieces
    want = torch.stack([x[:, j * pieces:(j + 1) * pieces].max(dim=1).values for j in range(c)], dim=1)
    assert torch.equal(out, want)
    assert gradcheck(m, (x,))


def test_point_features():
    x = _rand(5, 2)
    feats = ["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"]
    m = PointFeatures(feats)
    x1, x2 = x[:, 0], x[:, 1]
    want = torch.stack([x1, x2, x1**2, x2**2, x1 * x2, torch.sin(x1), torch.sin(x2)], dim=1)
    assert torch.allclose(m(x), want)
    assert torch.allclose(PointFeatures(["sin_x2", "x1"])(x), torch.stack([torch.sin(x2), x1], dim=1))
    assert gradcheck(m, (x,))


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (2, 3, 7)])
def test_global_avg_pool(shape):
    x = _rand(*shape)
    assert torch.allclose(GlobalAvgPool()(x), x.mean(dim=tuple(range(2, len(shape)))))
    assert gradcheck(GlobalAvgPool(), (x,))


def test_reshape():
    x = _rand(3, 24)
    m = Reshape([2, -1, 3])
    assert torch.equal(m(x), x.view(3, 2, 4, 3))
    assert gradcheck(m, (x,))


def test_add():
    xs = tuple(_rand(2, 3, 4, seed=s) for s in range(3))
    assert torch.allclose(Add()(*xs), xs[0] + xs[1] + xs[2])
    assert gradcheck(Add(), xs)


def test_concat():
    xs = (_rand(2, 3, 4, 4, seed=1), _rand(2, 1, 4, 4, seed=2))
    out = Concat()(*xs)
    assert out.shape == (2, 4, 4, 4)
    assert torch.equal(out[:, :3], xs[0]) and torch.equal(out[:, 3:], xs[1])
    assert gradcheck(Concat(), xs)


@pytest.mark.parametrize("straight_through", [True, False])
def test_step_forward_and_gradient(straight_through):
    x = torch.tensor([-2.0, -1e-6, 0.0, 1e-6, 3.0], requires_grad=True)
    out = Step(straight_through)(x)
    assert torch.equal(out, (x > 0).float()) and out.dtype == x.dtype
    upstream = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0])
    out.backward(upstream)
    assert torch.equal(x.grad, upstream if straight_through else torch.zeros(5))


@pytest.mark.parametrize("straight_through", [True, False])
def test_step_in_a_built_network_trains_only_with_straight_through(straight_through):
    g = Graph()
    ids = [g.add_node(k, params=p).id for k, p in (("VectorInput", {"features": 3}), ("Linear", {"units": 4}),
                                                    ("Step", {"straight_through": straight_through}),
                                                    ("Linear", {"units": 1}))]
    for a, b in zip(ids, ids[1:]):
        g.connect(a, b)
    m = build_module(g)
    m(torch.randn(8, 3)).sum().backward()
    first = next(mod for name, mod in m.named_children() if isinstance(mod, nn.Linear))
    assert (first.weight.grad.abs().sum() > 0) == straight_through


SOBEL_X = [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]
LAPLACIAN = [[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]


def _per_channel(x, kernel, padding):
    k = torch.tensor(kernel, dtype=x.dtype)[None, None]  # (1, 1, 3, 3)
    return torch.cat([F.conv2d(x[:, c:c + 1], k, padding=padding) for c in range(x.shape[1])], dim=1)


@pytest.mark.parametrize("kernel, padding", [(SOBEL_X, 1), (LAPLACIAN, 0)])
def test_edge_conv_equals_per_channel_conv(kernel, padding):
    x = torch.randn(2, 3, 9, 8)
    m = EdgeConv2d(3, kernel, padding=padding)
    assert torch.allclose(m(x), _per_channel(x, kernel, padding), atol=1e-5)
    assert m.bias is None


def test_edge_conv_is_frozen_unless_trainable():
    x = torch.randn(2, 3, 6, 6, requires_grad=True)
    frozen = EdgeConv2d(3, SOBEL_X)
    assert not frozen.weight.requires_grad
    frozen(x).square().sum().backward()
    assert frozen.weight.grad is None and x.grad is not None and x.grad.abs().sum() > 0
    trainable = EdgeConv2d(3, SOBEL_X, trainable=True)
    assert trainable.weight.requires_grad
    trainable(x).square().sum().backward()
    assert trainable.weight.grad is not None and trainable.weight.grad.abs().sum() > 0
    assert gradcheck(EdgeConv2d(2, SOBEL_X).double(), (_rand(1, 2, 4, 4),))


@pytest.mark.parametrize("trainable", [False, True])
def test_built_edge_filter_is_sobel_and_keeps_its_kernel(trainable):
    g = Graph()
    a = g.add_node("ImageInput", params={"channels": 2, "height": 7, "width": 7})
    b = g.add_node("FixedConv2d", name="edge", params={"filter": "sobel_x", "trainable": trainable})
    g.connect(a.id, b.id)
    for seed in (0, 1):
        m = build_module(g, seed=seed)
        x = torch.randn(2, 2, 7, 7)
        assert torch.allclose(m(x), _per_channel(x, SOBEL_X, 1), atol=1e-5)
        assert m.edge.weight.requires_grad == trainable
