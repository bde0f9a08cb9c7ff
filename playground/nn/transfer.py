"""Keeping trained weights when the network changes: which layers are unchanged, and copying them.

A layer counts as unchanged when a node of the same name exists in both graphs with the same kind
and the same settings, and every weight and buffer it holds has the same shape in both models (so a
Linear whose input size changed upstream starts afresh). Owns that rule and the copy; asking the
person belongs to the app.
"""

from __future__ import annotations

import torch
from torch import nn

from playground.graph.layers import get_spec


def _nodes(graph_dict: dict) -> dict[str, dict]:
    return {n["name"]: n for n in graph_dict.get("nodes", [])}


def _state(model: nn.Module, name: str) -> dict[str, torch.Tensor]:
    try:
        module = model.get_submodule(name)
    except AttributeError:
        return {}
    return module.state_dict()


def _structural(node: dict) -> dict:
    """The settings that change a layer's weights (freezing it or a dropout rate does not)."""
    try:
        spec = get_spec(node["kind"])
    except KeyError:
        return dict(node.get("params") or {})
    return {k: v for k, v in (node.get("params") or {}).items() if (s := spec.param(k)) is None or s.structural}


def unchanged_layers(old_graph: dict, new_graph: dict, old_model: nn.Module, new_model: nn.Module) -> list[str]:
    """Names of the layers with weights or buffers that can keep the old model's values."""
    old_nodes, names = _nodes(old_graph), []
    for name, node in _nodes(new_graph).items():
        before = old_nodes.get(name)
        if before is None or before["kind"] != node["kind"] or _structural(before) != _structural(node):
            continue
        old_state, new_state = _state(old_model, name), _state(new_model, name)
        if new_state and old_state.keys() == new_state.keys() and all(
                old_state[k].shape == new_state[k].shape for k in new_state):
            names.append(name)
    return names


@torch.no_grad()
def copy_weights(old_model: nn.Module, new_model: nn.Module, names: list[str]) -> int:
    """Copy the weights and buffers of ``names`` from ``old_model`` into ``new_model``; how many tensors."""
    copied = 0
    for name in names:
        source = _state(old_model, name)
        target = new_model.get_submodule(name)
        device = next(iter(target.state_dict().values())).device
        target.load_state_dict({k: v.detach().to(device).clone() for k, v in source.items()})
        copied += len(source)
    return copied
