"""Importing trained layers from another project's file: exact copies and explained mismatches."""

import torch

from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.nn.export import export_project
from playground.nn.transfer import import_layers, read_source_state, source_layers


def test_imported_weights_equal_the_source_and_mismatches_are_explained(tmp_path):
    source_project = load_project("lenet5")
    source = build_module(source_project.graph, seed=3)
    path = export_project(source_project, "pt", tmp_path / "src.pt", module=source)
    state = read_source_state(path)
    assert source_layers(state)["conv1"]["weight"] == tuple(source.conv1.weight.shape)
    target_project = load_project("lenet5")
    conv1 = target_project.graph.by_name("conv1")
    target_project.graph.set_param(conv1.id, "filters", conv1.params["filters"] + 2)
    target = build_module(target_project.graph, seed=0)
    problems = import_layers(state, target, ["conv1", "fc3", "nope"])
    n = conv1.params["filters"]
    assert any(p.startswith(f"conv1: source ({n - 2}, 1, 5, 5) vs this project's ({n}, 1, 5, 5): different number "
                            "of filters") for p in problems), problems
    assert any(p.startswith("nope:") for p in problems)
    for key, value in source.fc3.state_dict().items():
        assert torch.equal(target.fc3.state_dict()[key], value)
    assert not torch.equal(target.fc1.weight, source.fc1.weight)  # not chosen: untouched
