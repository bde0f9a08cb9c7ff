"""Running part of a built network: every layer's output, or only the layers after one layer.

Owns ``layer_outputs`` (each layer's output for an input, in the graph's order: what finds an
autoencoder's bottleneck) and ``run_from`` (the network's output when one layer's output is
replaced by a given tensor, computing only the layers after it: an autoencoder's decoder fed a
point of its latent plane). Both walk the ``torch.fx`` graph that ``build.py`` makes, whose module
names are the layer names. A later layer that needs something from before the chosen layer (a skip
connection around it) makes ``run_from`` refuse, in words, rather than run half a network.
"""

from __future__ import annotations

import functools
from typing import Any

import torch
from torch import fx

from playground.core.errors import GraphError


def _name(node: fx.Node) -> str:
    return str(node.target) if node.op == "call_module" else node.name


def _execute(gm: fx.GraphModule, node: fx.Node, env: dict[fx.Node, Any]) -> Any:
    args = fx.node.map_arg(node.args, lambda n: env[n])
    kwargs = fx.node.map_arg(node.kwargs, lambda n: env[n])
    if node.op == "call_module":
        return gm.get_submodule(node.target)(*args, **kwargs)
    if node.op == "call_function":
        return node.target(*args, **kwargs)
    if node.op == "call_method":
        return getattr(args[0], node.target)(*args[1:], **kwargs)
    if node.op == "get_attr":
        return functools.reduce(getattr, node.target.split("."), gm)
    raise GraphError(f"cannot run a '{node.op}' step on its own", where=node.name)


def layer_outputs(gm: fx.GraphModule, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """Every layer's output for input ``x``, by layer name, in the order the network runs them
    (the input placeholder included under its own name)."""
    env: dict[fx.Node, Any] = {}
    out: dict[str, torch.Tensor] = {}
    for node in gm.graph.nodes:
        if node.op == "placeholder":
            env[node] = x
        elif node.op == "output":
            break
        else:
            env[node] = _execute(gm, node, env)
        if isinstance(env[node], torch.Tensor):
            out[_name(node)] = env[node]
    return out


def run_from(gm: fx.GraphModule, layer: str, value: torch.Tensor) -> torch.Tensor:
    """The network's output with layer ``layer``'s output set to ``value`` (batch first), running
    only the layers after it. GraphError when ``layer`` is unknown or a later layer needs a value
    from before it."""
    nodes = list(gm.graph.nodes)
    start = next((i for i, n in enumerate(nodes) if _name(n) == layer and n.op != "output"), None)
    if start is None:
        raise GraphError(f"there is no layer named '{layer}'", where="decoder",
                         fix="name a layer of the network (playground check lists them)")
    env: dict[fx.Node, Any] = {nodes[start]: value}
    for node in nodes[start + 1:]:
        needed = [n for n in node.all_input_nodes if n not in env]
        if needed:
            raise GraphError(f"layer '{_name(node)}' also takes '{_name(needed[0])}', which comes before "
                             f"'{layer}', so the layers after '{layer}' cannot run from its output alone",
                             where="decoder", fix=f"decode from a layer that every later layer depends on only "
                                                  f"through it (no skip connection around '{layer}')")
        if node.op == "output":
            return fx.node.map_arg(node.args[0], lambda n: env[n])
        env[node] = _execute(gm, node, env)
    raise GraphError(f"'{layer}' is the network's output; there is nothing after it to run", where="decoder")
