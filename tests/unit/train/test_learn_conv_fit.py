"""Convolution arithmetic cell by cell against torch.nn.functional, the size formula against the
graph's shape inference and a real forward pass; function fitting against the model's forward."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from playground.graph.model import Graph
from playground.graph.shapes import infer
from playground.nn.build import build_module
from playground.train.learn import conv_arithmetic as ca

CASES = [  # kind, k, s, p, d, output_padding, n
    ("Conv2d", 3, 1, 0, 1, 0, 6), ("Conv2d", 3, 2, 1, 1, 0, 7), ("Conv2d", 3, 1, 2, 2, 0, 7),
    ("Conv2d", 2, 1, "same", 1, 0, 5), ("Conv2d", 5, 3, 2, 1, 0, 7), ("Conv2d", 1, 1, 0, 1, 0, 4),
    ("MaxPool2d", 2, 2, 0, 1, 0, 6), ("MaxPool2d", 3, 2, 1, 2, 0, 7), ("AvgPool2d", 3, 2, 1, 1, 0, 7),
    ("AvgPool2d", 2, 2, 0, 1, 0, 5),
    ("ConvTranspose2d", 2, 2, 0, 1, 0, 3), ("ConvTranspose2d", 3, 2, 1, 1, 1, 4), ("ConvTranspose2d", 3, 1, 0, 2, 0, 3),
]


def _torch(e: ca.Example) -> np.ndarray:
    g = e.geometry
    x = torch.tensor(e.x)[None, None]  # (1, 1, n, n)
    w = torch.tensor(e.kernel)[None, None]  # (1, 1, k, k)
    if g.kind == "Conv2d":
        out = F.conv2d(x, w, stride=g.s, padding=g.p, dilation=g.d)
    elif g.kind == "MaxPool2d":
        out = F.max_pool2d(x, g.k, stride=g.s, padding=g.p, dilation=g.d)
    elif g.kind == "AvgPool2d":
        out = F.avg_pool2d(x, g.k, stride=g.s, padding=g.p)
    else:
        out = F.conv_transpose2d(x, w, stride=g.s, padding=g.p, output_padding=g.output_padding, dilation=g.d)
    return out[0, 0].numpy()


@pytest.mark.parametrize("kind, k, s, p, d, op, n", CASES)
def test_every_output_cell_matches_torch(kind, k, s, p, d, op, n):
    g = ca.Geometry(kind, k, s, p, d, op, (n, n))
    e = ca.example(g, n)
    expected = _torch(e)
    np.testing.assert_allclose(e.out, expected, atol=1e-9)
    assert e.out.shape == (ca.output_size(g, n),) * 2
    for cell in e.cells:  # each cell's own worked sum (its numbers) gives the same value
        vals, ws = np.array(cell.values), np.array(cell.weights)
        own = {"MaxPool2d": vals.max(), "AvgPool2d": vals.mean()}.get(kind, (vals * ws).sum())
        assert own == pytest.approx(expected[cell.out], abs=1e-9)


def test_transposed_scatter_is_the_reverse_of_gathering():
    g = ca.Geometry("ConvTranspose2d", 3, 2, 1, 1, 0, (3, 3))
    e = ca.example(g, 3)
    for (i, j), targets in e.scatter.items():  # an input cell reaches exactly the outputs whose gradient it gets
        x = torch.tensor(e.x)[None, None].requires_grad_(True)
        out = F.conv_transpose2d(x, torch.tensor(e.kernel)[None, None], stride=2, padding=1)
        mask = torch.zeros_like(out)
        for r, c in targets:
            mask[0, 0, r, c] = 1
        touched = torch.autograd.functional.jacobian(
            lambda v: F.conv_transpose2d(v, torch.ones_like(torch.tensor(e.kernel))[None, None], stride=2, padding=1),
            x.detach())[0, 0, :, :, 0, 0, i, j]
        assert set(map(tuple, torch.nonzero(touched).tolist())) == set(targets)


def test_channel_mix_is_a_1x1_convolution():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(3, 4, 5)), rng.normal(size=(2, 3)), rng.normal(size=2)
    ref = F.conv2d(torch.tensor(x)[None], torch.tensor(w)[:, :, None, None], torch.tensor(b))[0].numpy()
    np.testing.assert_allclose(ca.channel_mix(x, w, b), ref, atol=1e-12)


@pytest.mark.parametrize("kind, params", [
    ("Conv2d", {"kernel_size": 3, "stride": 2, "padding": 1, "dilation": 2}),
    ("Conv2d", {"kernel_size": 4, "stride": 1, "padding": "same"}),
    ("MaxPool2d", {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("AvgPool2d", {"kernel_size": 2, "stride": 2}),
    ("ConvTranspose2d", {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1}),
])
def test_formula_matches_shape_inference_and_a_forward_pass(kind, params):
    graph = Graph()
    a = graph.add_node("ImageInput", params={"channels": 2, "height": 13, "width": 13})
    b = graph.add_node(kind, params=params)
    graph.connect(a.id, b.id)
    shapes = infer(graph)
    g = ca.geometry(graph, shapes, b.id)
    n = ca.output_size(g, 13)
    assert shapes.shape(b.id)[1:] == (n, n)
    out = build_module(graph)(torch.zeros(1, 2, 13, 13))
    assert tuple(out.shape[2:]) == (n, n)
    assert ca.formula_text(g, 13).endswith(f"= {n}")


def test_geometry_of_a_dense_layer_says_what_to_pick():
    from playground.core.errors import GraphError

    graph = Graph()
    a = graph.add_node("VectorInput", params={"features": 3})
    b = graph.add_node("Linear", params={"units": 2})
    graph.connect(a.id, b.id)
    with pytest.raises(GraphError, match="not a convolution"):
        ca.geometry(graph, infer(graph), b.id)


# ---- function fitting -------------------------------------------------------------------------------

def _fit_trainer():
    from playground.data import load
    from playground.graph.project import load_project
    from playground.train import TrainConfig, Trainer

    project = load_project("fit_1d")
    splits = load("sine", params={"n_points": 120}, seed=0)
    model = build_module(project.graph, seed=0)
    return Trainer(model, splits, TrainConfig.from_dict(project.training))


def test_fit_curve_is_the_model_forward_and_units_sum_to_it():
    from playground.train.learn.function_fit import fit_curve

    trainer = _fit_trainer()
    r = fit_curve(trainer)
    splits = trainer.splits
    x = (torch.tensor(r["xs"], dtype=torch.float32)[:, None] - splits.mean) / splits.std
    with torch.no_grad():
        ref = trainer.model(x)[:, 0].numpy()
    np.testing.assert_allclose(r["curve"], ref, atol=1e-5)
    assert r["units"].shape == (8, len(r["xs"]))
    np.testing.assert_allclose(r["units"].sum(axis=0) + r["bias"], r["curve"], atol=1e-5)
    assert r["activation"] == "Tanh"
    assert r["xs"].min() < r["points"]["train"][0].min() and r["xs"].max() > r["points"]["train"][0].max()


def test_fit_curve_needs_one_input_and_skips_units_for_deeper_nets():
    from torch import fx, nn

    from playground.core.errors import TrainingError
    from playground.train import TrainConfig, Trainer
    from playground.train.learn.function_fit import fit_curve, one_hidden_layer
    from train_helpers import blobs, tensor_splits

    trainer = Trainer(fx.symbolic_trace(nn.Sequential(nn.Linear(2, 3))), tensor_splits(*blobs(), num_classes=3),
                      TrainConfig(epochs=1))
    with pytest.raises(TrainingError, match="one input"):
        fit_curve(trainer)
    deep = fx.symbolic_trace(nn.Sequential(nn.Linear(1, 4), nn.ReLU(), nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 1)))
    assert one_hidden_layer(deep) is None
    assert one_hidden_layer(fx.symbolic_trace(nn.Sequential(nn.Linear(1, 4), nn.ReLU(), nn.Linear(4, 1)))) is not None
