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


# ---- importing trained layers from another project's file (transfer learning) ---------------------

def read_source_state(path) -> dict[str, torch.Tensor]:
    """The trained weights in a project checkpoint (``NAME.pgproj.pt``) or an exported ``.pt``, read
    safely (``weights_only``); raises ProjectFileError saying what the file is not."""
    from pathlib import Path

    from playground.core.errors import ProjectFileError
    from playground.nn.export import load_pt

    where = str(path)
    try:
        data = torch.load(Path(path), map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise ProjectFileError("no file here", where=where, fix="pick a saved checkpoint or exported .pt") from None
    except Exception as exc:  # noqa: BLE001 - truncated, not a torch file, unsafe content
        raise ProjectFileError(f"cannot read this file ({type(exc).__name__})", where=where,
                               fix="pick a Playground checkpoint (.pgproj.pt) or an exported .pt") from None
    if isinstance(data, dict) and data.get("format") == "playground-checkpoint" and isinstance(data.get("model"), dict):
        return data["model"]
    return load_pt(path)[1]


def source_layers(state: dict[str, torch.Tensor]) -> dict[str, dict[str, tuple[int, ...]]]:
    """``{layer: {"weight": (6, 1, 5, 5), "bias": (6,)}}`` from a flat state dict, in file order."""
    layers: dict[str, dict[str, tuple[int, ...]]] = {}
    for key, value in state.items():
        layer, _, tensor = key.rpartition(".")
        if layer and isinstance(value, torch.Tensor):
            layers.setdefault(layer, {})[tensor] = tuple(value.shape)
    return layers


def shape_text(shape: tuple[int, ...]) -> str:
    """``(16, 6, 5, 5)`` as ``16x6x5x5`` (a scalar as ``scalar``)."""
    return "x".join(map(str, shape)) or "scalar"


def _why(a: tuple[int, ...], b: tuple[int, ...]) -> str:
    """What differs between two weight shapes, in words, with both numbers."""
    if len(a) != len(b):
        return "they are different kinds of layer"
    dim = next(i for i in range(len(a)) if a[i] != b[i])
    if dim == 0:
        return f"the number of outputs (filters or units) differs ({a[0]} vs {b[0]})"
    if dim == 1:
        what = "input channels" if len(a) > 2 else "input features"
        return f"the {what} differ ({a[1]} vs {b[1]})"
    return f"the kernel sizes differ ({shape_text(a[2:])} vs {shape_text(b[2:])})"


def mismatch(name: str, source: dict[str, tuple[int, ...]], target: nn.Module | None) -> str | None:
    """Why layer ``name`` of the source cannot go into ``target`` (None when it fits), e.g.
    ``conv2: source 16x6x5x5, here 16x3x5x5: the input channels differ (6 vs 3)``."""
    if not source:
        return f"{name}: the file has no layer of that name"
    if target is None:
        return f"{name}: this project has no layer of that name"
    mine = {k: tuple(v.shape) for k, v in target.state_dict().items()}
    if not mine:
        return f"{name}: this project's {name} has no weights"
    if set(source) != set(mine):
        return (f"{name}: source holds {', '.join(sorted(source))}, here {', '.join(sorted(mine))}: "
                "they are different kinds of layer (or one has no bias)")
    for key in mine:
        a, b = source[key], mine[key]
        if a != b:
            label = "" if key == "weight" else f" {key}"
            return f"{name}{label}: source {shape_text(a)}, here {shape_text(b)}: {_why(a, b)}"
    return None


def _module(model: nn.Module, name: str) -> nn.Module | None:
    try:
        return model.get_submodule(name)
    except AttributeError:
        return None


def layer_rows(state: dict[str, torch.Tensor], model: nn.Module) -> list[dict]:
    """One row per layer of the source file, in file order: ``{"name", "source", "here", "problem"}``
    (shapes as text: the weight's, else the first tensor's; ``problem`` None when it can be imported)."""
    rows = []
    for name, shapes in source_layers(state).items():
        target = _module(model, name)
        mine = {k: tuple(v.shape) for k, v in target.state_dict().items()} if target is not None else {}
        first = lambda d: shape_text(d["weight"]) if "weight" in d else (shape_text(next(iter(d.values()))) if d else "")  # noqa: E731
        rows.append({"name": name, "source": first(shapes), "here": first(mine) if mine else "(none)",
                     "problem": mismatch(name, shapes, target)})
    return rows


def chosen_state(state: dict[str, torch.Tensor], names: list[str]) -> dict[str, torch.Tensor]:
    """The tensors of layers ``names`` from a flat state dict (copies, on the CPU)."""
    wanted = set(names)
    return {k: v.detach().to("cpu").clone() for k, v in state.items() if k.rpartition(".")[0] in wanted}


def keep_imported(reinit, imported: dict[str, torch.Tensor] | None):
    """A ``reinit(model, seed)`` that, after ``reinit``, puts the imported layers back: imported
    weights are the project's initial weights, so Reset draws new ones only for the other layers."""
    if not imported:
        return reinit

    def again(model, seed):
        reinit(model, seed)
        import_layers(imported, model, list(source_layers(imported)))

    return again


@torch.no_grad()
def import_layers(state: dict[str, torch.Tensor], model: nn.Module, names: list[str]) -> list[str]:
    """Copy the source layers ``names`` into ``model`` (same names); returns the mismatch messages of
    the layers that could not be copied (those are left as they were)."""
    layers, problems = source_layers(state), []
    for name in names:
        target = _module(model, name)
        problem = mismatch(name, layers.get(name, {}), target)
        if problem:
            problems.append(problem)
            continue
        device = next(iter(target.state_dict().values())).device
        target.load_state_dict({k: state[f"{name}.{k}"].detach().to(device).clone() for k in layers[name]})
    return problems
