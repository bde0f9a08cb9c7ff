"""Probes against first principles: every node's output, dead/saturated units, receptive field, saliency."""

import math

import numpy as np
import pytest
import torch
from torch import fx, nn

from playground.train import TrainConfig, Trainer
from playground.train import probes

from train_helpers import tensor_splits


class Merge(nn.Module):
    """Two branches added: a graph shape that Sequential hooks alone would not show."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(1, 4, 3, padding=1)
        self.b = nn.Conv2d(1, 4, 1)
        self.act = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.flat = nn.Flatten()
        self.fc = nn.Linear(4 * 4 * 4, 3)

    def forward(self, x):
        return self.fc(self.flat(self.pool(self.act(self.a(x) + self.b(x)))))


def test_activations_of_every_fx_node_including_merges():
    torch.manual_seed(0)
    model = fx.symbolic_trace(Merge())
    x = torch.randn(2, 1, 8, 8)
    acts = probes.activations(model, x)
    assert list(acts.outputs) == ["a", "b", "add", "act", "pool", "flat", "fc"]
    with torch.no_grad():
        m = model
        np.testing.assert_allclose(acts.outputs["add"], (m.a(x) + m.b(x)).numpy(), rtol=1e-6)
        np.testing.assert_allclose(acts.outputs["fc"], m(x).numpy(), rtol=1e-6)
    assert all(isinstance(v, np.ndarray) for v in acts.outputs.values())


def test_activations_of_a_plain_module_by_hooks():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Sequential(nn.Linear(4, 4), nn.Sigmoid()), nn.Linear(4, 1))
    x = torch.randn(5, 2)
    acts = probes.activations(model, x).outputs
    assert list(acts) == ["0", "1", "2.1", "2", "3"]  # children, and activations nested deeper
    np.testing.assert_allclose(acts["3"], model(x).detach().numpy(), rtol=1e-6)


def test_dead_relu_share_and_saturation():
    lin = nn.Linear(2, 10)
    with torch.no_grad():
        lin.weight.fill_(0.0)
        lin.bias.copy_(torch.tensor([-1.0] * 4 + [1.0] * 6))  # 4 of 10 units never fire
    big = nn.Linear(10, 8)
    with torch.no_grad():
        big.weight.fill_(0.0)
        big.bias.copy_(torch.tensor([10.0] * 2 + [0.0] * 6))  # 2 of 8 sigmoid units saturate
    model = nn.Sequential(lin, nn.ReLU(), big, nn.Sigmoid())
    units = probes.unit_health(model, torch.randn(16, 2))
    relu, sig = units
    assert relu.kind == "relu" and relu.dead_share == pytest.approx(0.4) and math.isnan(relu.saturated_share)
    assert sig.kind == "sigmoid" and sig.saturated_share == pytest.approx(0.25)


def test_effective_receptive_field_of_stacked_convs_matches_the_arithmetic():
    torch.manual_seed(0)
    # two 3x3 convs then a 2x2 max-pool then a 3x3 conv: RF = 3 + 2 + 1 + 2*2 = 10
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.Tanh(), nn.Conv2d(4, 4, 3), nn.Tanh(), nn.AvgPool2d(2),
                          nn.Conv2d(4, 2, 3))
    x = torch.randn(4, 1, 24, 24)
    rf = probes.receptive_field(model, x, "2", unit=(1, 5, 5))
    assert rf.size == (5, 5) and rf.box == (5, 5, 9, 9)
    rf = probes.receptive_field(model, x, "5", unit=(0, 3, 3))
    assert rf.size == (10, 10) and rf.box == (6, 6, 15, 15)
    assert rf.gradient.shape == (1, 24, 24) and rf.map.shape == (24, 24)


def test_saliency_is_the_input_gradient_of_the_chosen_score():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4))
    x = torch.randn(3)
    sal = probes.saliency(model, x, target=2)
    xr = x.clone().requires_grad_(True)
    model(xr.unsqueeze(0))[0, 2].backward()
    np.testing.assert_allclose(sal.gradient, xr.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(sal.map, np.abs(xr.grad.numpy()), rtol=1e-6)
    assert probes.saliency(model, x).target == int(model(x.unsqueeze(0)).argmax())


def test_layer_health_numbers(blob_splits):
    from train_helpers import mlp

    model = mlp()
    groups = probes.layer_groups(model)
    out = model(torch.randn(8, 2)).sum()
    out.backward()
    before = probes.snapshot(groups)
    with torch.no_grad():
        for p in model.parameters():
            p -= 0.1 * p.grad
    health = probes.layer_health(groups, before)
    first = health[0]
    w0 = torch.cat([b.reshape(-1) for b in before[0]])
    g = torch.cat([p.grad.reshape(-1) for p in groups[0][1]])
    assert first.name == "0" and first.params == 2 * 16 + 16
    assert first.grad_norm == pytest.approx(float(g.norm()), rel=1e-5)
    assert first.update_ratio == pytest.approx(float((0.1 * g).norm() / w0.norm()), rel=1e-4)


def test_trainer_probes_on_a_built_graph_module():
    from playground.data import load
    from playground.graph.project import load_project
    from playground.nn.build import build_module

    splits = load("shapes", params=None)
    trainer = Trainer(build_module(load_project("lenet5").graph), splits, TrainConfig(epochs=0))
    acts = trainer.probe("activations", index=0)
    assert acts.outputs["conv1"].shape == (1, 6, 28, 28) and acts.outputs["fc3"].shape == (1, 7)
    rf = trainer.probe("receptive_field", node="conv2")  # 5x5 conv, 2x2 pool, 5x5 conv: 14 pixels
    assert rf.size == (14, 14)
    sal = trainer.probe("saliency", index=3, split="test")
    assert sal.map.shape == (28, 28)
    drawn = trainer.probe("activations", x=np.zeros((1, 28, 28), dtype=np.float32))
    assert drawn.input.shape == (1, 1, 28, 28)
    health = trainer.probe("health")
    assert [u.kind for u in health.units] == ["tanh"] * 4
