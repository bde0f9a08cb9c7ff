"""Per-layer weight initialization, as a list of ``torch.nn.init`` calls.

``init_calls`` turns the graph's ``weight_init`` / ``bias_init`` choices into plain records
(layer, tensor, function, arguments). ``apply_init`` runs them on a built module, and the code
generator prints the very same calls, so a generated model starts exactly like the app's.
The gain follows the activation after the layer (Xavier: tanh 5/3, sigmoid 1; He: ReLU or leaky
ReLU with its slope), the way the course notes derive them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from torch import nn

from playground.graph.model import Graph, Node

#: activation kinds whose gain torch knows: kind -> torch's nonlinearity name
_GAINS = {"Tanh": "tanh", "Sigmoid": "sigmoid", "ReLU": "relu", "LeakyReLU": "leaky_relu", "SELU": "selu"}


@dataclass(frozen=True)
class InitCall:
    layer: str  # node (= submodule) name
    tensor: str  # "weight" | "bias"
    function: str  # name in torch.nn.init
    kwargs: dict[str, Any]

    def source(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.kwargs.items())
        return f"nn.init.{self.function}(self.{self.layer}.{self.tensor}{args})"


def _next_activation(graph: Graph, node: Node) -> Node | None:
    for dst in graph.outputs_of(node.id):
        nxt = graph.nodes[dst]
        if nxt.kind in ("BatchNorm", "LayerNorm", "GroupNorm", "InstanceNorm", "Dropout", "Dropout2d"):
            return _next_activation(graph, nxt)
        if nxt.spec.category == "Activation":
            return nxt
    return None


def _weight_call(graph: Graph, node: Node) -> tuple[str, dict[str, Any]] | None:
    scheme = node.params.get("weight_init", "default")
    act = _next_activation(graph, node)
    slope = float(act.params.get("slope", 0.01)) if act is not None and act.kind == "LeakyReLU" else None
    if scheme in ("xavier_uniform", "xavier_normal", "orthogonal"):
        name = _GAINS.get(act.kind) if act is not None else None
        gain = nn.init.calculate_gain(name, slope) if name else 1.0
        fn = {"xavier_uniform": "xavier_uniform_", "xavier_normal": "xavier_normal_", "orthogonal": "orthogonal_"}[scheme]
        return fn, {"gain": round(float(gain), 6)}
    if scheme in ("he_uniform", "he_normal"):
        kwargs: dict[str, Any] = {"nonlinearity": "relu"}
        if slope is not None:
            kwargs = {"a": slope, "nonlinearity": "leaky_relu"}
        return ("kaiming_uniform_" if scheme == "he_uniform" else "kaiming_normal_"), kwargs
    if scheme == "normal":
        return "normal_", {"mean": 0.0, "std": 1.0}
    if scheme == "zeros":
        return "zeros_", {}
    return None  # "default": keep PyTorch's own initialization


_BIAS_CALLS = {"zeros": ("zeros_", {}), "small_positive": ("constant_", {"val": 0.01}),
               "normal": ("normal_", {"mean": 0.0, "std": 1.0})}


def init_calls(graph: Graph) -> list[InitCall]:
    calls: list[InitCall] = []
    for nid in graph.topological_order():
        node = graph.nodes[nid]
        if not node.spec.has_weights:
            continue
        weight = _weight_call(graph, node)
        if weight:
            calls.append(InitCall(node.name, "weight", *weight))
        bias = _BIAS_CALLS.get(node.params.get("bias_init", "default"))
        if bias and node.params.get("bias", True):
            calls.append(InitCall(node.name, "bias", *bias))
    return calls


def apply_init(module: nn.Module, calls: list[InitCall]) -> None:
    """Run the init calls on ``module`` (whose submodules are named after the nodes)."""
    for call in calls:
        tensor = getattr(module.get_submodule(call.layer), call.tensor)
        getattr(nn.init, call.function)(tensor, **call.kwargs)
