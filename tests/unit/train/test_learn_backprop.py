"""Backprop step by step: every z, a, δ, ∂L/∂W, ∂L/∂b and the update against torch.autograd and
torch.optim.SGD on the built module itself; the numerical gradient against autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from playground.core.errors import TrainingError
from playground.train.learn.backprop_steps import dense_chain, numeric_gradient, trace_backprop, trainer_trace
from train_helpers import blobs, mlp, tensor_splits


def autograd_reference(model, x, target, loss_fn, lr):
    """z of each Linear (forward hooks), δ = ∂L/∂z (retain_grad), a after each block, weight/bias
    grads from loss.backward(), and the weights after one torch.optim.SGD step."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    zs = []

    def keep(_module, _inputs, out):
        out.retain_grad()
        zs.append(out)

    hooks = [m.register_forward_hook(keep) for m in linears]
    model.zero_grad()
    out = model(x)
    loss = loss_fn(out, target)
    loss.backward()
    for h in hooks:
        h.remove()
    ref = {"z": [z.detach().numpy() for z in zs], "delta": [z.grad.numpy() for z in zs],
           "dW": [m.weight.grad.numpy().copy() for m in linears], "db": [m.bias.grad.numpy().copy() for m in linears],
           "out": out.detach().numpy(), "loss": float(loss.detach())}
    torch.optim.SGD(model.parameters(), lr=lr).step()
    ref["W_after"] = [m.weight.detach().numpy().copy() for m in linears]
    ref["b_after"] = [m.bias.detach().numpy().copy() for m in linears]
    return ref


def check(trace, ref):
    close = dict(rtol=1e-4, atol=1e-6)
    assert trace.loss == pytest.approx(ref["loss"], rel=1e-5)
    np.testing.assert_allclose(trace.output, ref["out"], **close)
    for k, layer in enumerate(trace.layers):
        np.testing.assert_allclose(layer.z, ref["z"][k], **close)
        np.testing.assert_allclose(layer.delta, ref["delta"][k], **close)
        np.testing.assert_allclose(layer.dW, ref["dW"][k], **close)
        np.testing.assert_allclose(layer.db, ref["db"][k], **close)
        np.testing.assert_allclose(layer.W_after, ref["W_after"][k], **close)
        np.testing.assert_allclose(layer.b_after, ref["b_after"][k], **close)
        if k + 1 < len(trace.layers):  # a = f(z) is what the next layer reads
            np.testing.assert_allclose(trace.layers[k + 1].a_in, layer.a, **close)


@pytest.mark.parametrize("act", [nn.Tanh, nn.ReLU, nn.Sigmoid, nn.LeakyReLU])
def test_trace_matches_autograd_and_sgd_on_a_traced_mlp(act):
    model = torch.fx.symbolic_trace(mlp(inputs=2, hidden=5, outputs=3, act=act, seed=1))
    x, y = blobs(n=12, classes=3)
    trace = trace_backprop(model, x, y, F.cross_entropy, lr=0.1)
    before = [p.detach().clone() for p in model.parameters()]
    ref = autograd_reference(torch.fx.symbolic_trace(mlp(inputs=2, hidden=5, outputs=3, act=act, seed=1)), x, y,
                             F.cross_entropy, 0.1)
    check(trace, ref)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))  # the model is left as it was
    # f'(z) is the activation's own derivative, unit by unit
    z = torch.tensor(trace.layers[0].z, requires_grad=True)
    act()(z).sum().backward()
    np.testing.assert_allclose(trace.layers[0].fprime, z.grad.numpy(), rtol=1e-6)


def test_trace_matches_autograd_on_the_projects_network_through_the_trainer():
    from playground.data import load
    from playground.graph.project import load_project
    from playground.nn.build import build_module
    from playground.train import TrainConfig, Trainer

    project = load_project("tfp_mlp")
    config = TrainConfig.from_dict(project.training)
    splits = load(project.dataset["name"], params=project.dataset.get("params"), seed=0)
    trainer = Trainer(build_module(project.graph, seed=0), splits, config)
    trace = trainer_trace(trainer, "train", [0, 1, 2, 3])
    x, y = trainer.examples("train", [0, 1, 2, 3])
    target = trainer.objective.target(y)
    reference_model = build_module(project.graph, seed=0)
    reference_model.load_state_dict(trainer.model.state_dict())
    ref = autograd_reference(reference_model, x, target, trainer.objective.loss, config.lr)
    check(trace, ref)
    assert trace.loss_name == "bce" and trace.x.shape == (4, 2) and len(trace.layers) == 3


def test_numeric_gradient_matches_autograd_for_weights_and_biases():
    model = torch.fx.symbolic_trace(mlp(inputs=2, hidden=4, outputs=3, act=nn.Tanh, seed=2))
    x, y = blobs(n=6, classes=3)
    trace = trace_backprop(model, x, y, F.cross_entropy, lr=0.1)
    ref = autograd_reference(torch.fx.symbolic_trace(mlp(inputs=2, hidden=4, outputs=3, act=nn.Tanh, seed=2)), x, y,
                             F.cross_entropy, 0.1)
    for layer, j, i in [(0, 1, 0), (1, 3, 2), (2, 2, 3), (1, 0, -1)]:
        auto = ref["db"][layer][j] if i < 0 else ref["dW"][layer][j, i]
        assert numeric_gradient(trace, layer, j, i) == pytest.approx(float(auto), rel=1e-4, abs=1e-7)


def test_networks_that_are_not_dense_stacks_are_refused_with_a_reason():
    conv = torch.fx.symbolic_trace(nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(8, 2)))
    with pytest.raises(TrainingError, match="Conv2d"):
        dense_chain(conv)
    softmax = torch.fx.symbolic_trace(nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=1)))
    with pytest.raises(TrainingError, match="elementwise"):
        dense_chain(softmax)
    with pytest.raises(TrainingError, match="no dense"):
        dense_chain(torch.fx.symbolic_trace(nn.Sequential(nn.Flatten())))
