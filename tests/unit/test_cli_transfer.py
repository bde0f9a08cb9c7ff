"""The transfer presets on the command line: `check` passes, `train --init-from --freeze` starts from
the source's layers and leaves the frozen ones as imported, and `layers PRESET --json` shows each
layer's trainable switch as the project holds it."""

from __future__ import annotations

import json

import pytest
import torch

from playground.cli import main
from playground.data.registry import get
from playground.graph.project import load_project, save_project
from playground.nn.build import build_module
from playground.nn.export import export_project

PRESETS = ("transfer_source", "transfer_source_digits", "transfer_target")


@pytest.mark.parametrize("preset", PRESETS)
def test_check_passes_on_the_transfer_presets(preset, capsys):
    if not get(load_project(preset).dataset["name"]).available():
        pytest.skip("Fashion-MNIST is not installed (apt: dataset-fashion-mnist)")
    assert main(["check", preset]) == 0, capsys.readouterr().out


def test_train_the_target_from_the_source_layers_frozen(tmp_path, capsys):
    source_project = load_project("transfer_source_digits")
    source = build_module(source_project.graph, seed=99)
    pt = export_project(source_project, "pt", tmp_path / "source.pt", module=source)
    ckpt, out = tmp_path / "target.pgproj.pt", tmp_path / "run.json"
    assert main(["train", "transfer_target", "--epochs", "1", "--init-from", str(pt), "--freeze", "conv1,conv2",
                 "--save", str(ckpt), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "imported 3 layer(s)" in err and "conv1, conv2, fc2" in err
    assert "fc1: source 120x64, here 120x400: the input features differ (64 vs 400)" in err
    state = torch.load(ckpt, weights_only=True)
    for name in ("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"):  # frozen: as imported
        assert torch.equal(state["model"][name], source.state_dict()[name])
    assert torch.equal(state["initial"]["fc2.weight"], source.fc2.weight)  # imported, then trained
    assert not torch.equal(state["model"]["fc2.weight"], source.fc2.weight)
    assert json.loads(out.read_text())["test"]["accuracy"] is not None


def test_train_the_digits_source(capsys):
    assert main(["train", "transfer_source_digits", "--epochs", "1", "--batch-size", "256"]) == 0
    assert "accuracy" in capsys.readouterr().out


def test_layers_json_shows_each_layers_trainable_switch(tmp_path, capsys):
    project = load_project("transfer_target")
    for name in ("conv1", "fc2"):
        project.graph.set_param(project.graph.by_name(name).id, "trainable", False)
    path = tmp_path / "frozen.pgproj"
    save_project(project, path)
    assert main(["layers", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = {row["name"]: row for row in data["layers"]}
    assert [row["name"] for row in data["layers"]] == [n.name for n in _in_order(project)]
    for node in project.graph.nodes.values():
        switch = node.params.get("trainable", True)
        assert rows[node.name]["trainable"] is switch and rows[node.name]["kind"] == node.kind
    module = build_module(project.graph)
    assert data["frozen_params"] == sum(p.numel() for p in module.parameters() if not p.requires_grad)
    assert data["trainable_params"] == sum(p.numel() for p in module.parameters() if p.requires_grad)
    assert main(["layers", str(path)]) == 0
    text = capsys.readouterr().out
    assert "conv1     Conv2d      156     frozen" in text and f"{data['frozen_params']:,} frozen" in text


def _in_order(project):
    from playground.graph.shapes import infer

    return [project.graph.nodes[i] for i in infer(project.graph).order]


def test_layers_of_a_project_refuses_markdown(capsys):
    assert main(["layers", "transfer_target", "--markdown"]) == 1
    assert "--markdown" in capsys.readouterr().err
