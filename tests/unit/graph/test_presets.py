"""Every preset checks clean, builds, and runs a real forward pass with the shape the checker promised."""

import pytest
import torch

from playground.graph.networks import several, subgraph
from playground.graph.project import load_project, preset_names
from playground.graph.summary import summarize
from playground.nn.build import build_module


@pytest.mark.parametrize("name", preset_names())
def test_preset_checks_clean_and_runs(name):
    project = load_project(name)
    assert summarize(project.graph).issues == [], [str(i) for i in summarize(project.graph).issues]
    assert project.description and project.dataset["name"]
    for graph in networks_of(project.graph):  # a GAN preset: its generator and its discriminator
        summary = summarize(graph)
        module = build_module(graph).eval()
        out = module(torch.randn(3, *module.meta["input_shape"]))
        assert list(out.shape[1:]) == summary.output_shape
        assert sum(p.numel() for p in module.parameters()) == summary.total_params


def networks_of(graph):
    """The graph's separate networks as graphs of their own (just the graph when it holds one)."""
    return [subgraph(graph, part.node_ids) for part in several(graph)] or [graph]


def test_classic_structures_are_there():
    resnet = load_project("resnet_small").graph
    assert sum(n.kind == "Add" for n in resnet.nodes.values()) == 3
    google = load_project("googlenet_small").graph
    cats = [n for n in google.nodes.values() if n.kind == "Concat"]
    assert len(cats) == 2 and all(len(google.inputs_of(c.id)) == 4 for c in cats)
    assert any(n.kind == "ConvTranspose2d" for n in load_project("encoder_decoder").graph.nodes.values())
