"""The per-layer trainable switch: build, optimizer, summary and codegen agree with torch."""

import pytest
import torch

from playground.core.errors import TrainingError
from playground.graph.project import load_project
from playground.graph.summary import summarize
from playground.nn.build import build_module
from playground.nn.codegen import generate_source
from playground.train.optimizers import make_optimizer


def _lenet(frozen=("conv1", "conv2")):
    project = load_project("lenet5")
    graph = project.graph
    for node in graph.nodes.values():
        if node.name in frozen:
            graph.set_param(node.id, "trainable", False)
    return graph


def test_frozen_layers_do_not_change_and_get_no_optimizer_state():
    model = build_module(_lenet())
    before = {k: v.clone() for k, v in model.state_dict().items()}
    opt = make_optimizer(model.parameters(), "adam", 0.01)
    x = torch.randn(8, *model.meta["input_shape"])
    for _ in range(3):
        opt.zero_grad()
        model(x).square().mean().backward()
        opt.step()
    after = model.state_dict()
    named = dict(model.named_parameters())
    in_state = {id(p) for p in opt.state}
    for name, p in named.items():
        frozen = name.split(".")[0] in ("conv1", "conv2")
        assert p.requires_grad is not frozen
        assert (id(p) in in_state) is not frozen
        assert torch.equal(before[name], after[name]) is frozen
    assert len(opt.state_dict()["state"]) == sum(p.requires_grad for p in model.parameters())


def test_summary_counts_match_requires_grad_of_the_built_module():
    graph = _lenet()
    model = build_module(graph)
    summary = summarize(graph)
    assert summary.trainable_params == sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert summary.frozen_params == sum(p.numel() for p in model.parameters() if not p.requires_grad)
    assert summary.frozen_params > 0
    assert f"{summary.trainable_params:,} trainable, {summary.frozen_params:,} frozen" in summary.to_text()
    assert summary.to_json()["frozen_params"] == summary.frozen_params


def test_generated_code_has_the_same_requires_grad_flags():
    graph = _lenet()
    scope = {"__name__": "generated"}
    exec(compile(generate_source(graph), "<generated>", "exec"), scope)
    generated, built = scope["Model"](), build_module(graph)
    flags = {n: p.requires_grad for n, p in built.named_parameters()}
    assert {n: p.requires_grad for n, p in generated.named_parameters()} == flags
    assert not all(flags.values())


def test_everything_frozen_says_what_to_do():
    model = build_module(_lenet(frozen=("conv1", "conv2", "fc1", "fc2", "fc3")))
    assert not any(p.requires_grad for p in model.parameters())
    with pytest.raises(TrainingError, match="trainable"):
        make_optimizer(model.parameters(), "sgd", 0.1)
