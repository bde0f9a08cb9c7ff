"""Shape inference over a whole graph, with parameter, MAC and memory counts per node.

Pure Python and fast (milliseconds), so it re-runs on every edit. A node whose shape cannot be
known (no input yet, or an upstream problem) gets ``shape = None``; a node whose own rule fails
gets a ``problem`` (message and fix) that ``validate.py`` turns into an issue on that node.
Shapes are per sample (no batch dimension) and match torch exactly (tested against forward passes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod

from playground.core.errors import GraphError
from playground.graph.layers import Shape, ShapeProblem
from playground.graph.model import Graph

BYTES_PER_VALUE = 4  # float32


@dataclass
class NodeInfo:
    shape: Shape | None = None
    params: int = 0
    macs: int = 0
    problem: ShapeProblem | None = None

    @property
    def memory(self) -> int:
        """Bytes of this node's output for one sample (float32)."""
        return prod(self.shape) * BYTES_PER_VALUE if self.shape is not None else 0


@dataclass
class GraphShapes:
    nodes: dict[str, NodeInfo] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # topological; empty when the graph has a loop

    def shape(self, node_id: str) -> Shape | None:
        info = self.nodes.get(node_id)
        return info.shape if info else None

    @property
    def total_params(self) -> int:
        return sum(i.params for i in self.nodes.values())

    @property
    def total_macs(self) -> int:
        return sum(i.macs for i in self.nodes.values())

    @property
    def activation_memory(self) -> int:
        """Bytes of all node outputs for one sample (what a forward pass keeps for backward)."""
        return sum(i.memory for i in self.nodes.values())


def infer(graph: Graph) -> GraphShapes:
    result = GraphShapes()
    try:
        order = graph.topological_order()
    except GraphError:
        result.nodes = {nid: NodeInfo() for nid in graph.nodes}
        return result
    result.order = order
    for nid in order:
        node = graph.nodes[nid]
        spec = node.spec
        info = NodeInfo()
        result.nodes[nid] = info
        ins = [result.nodes[src].shape for src in graph.inputs_of(nid)]
        if spec.is_input:
            ins = []
        elif len(ins) < max(spec.min_inputs, 1) or any(s is None for s in ins):
            continue  # no input yet, or an upstream problem: validate reports those
        try:
            info.shape = tuple(int(d) for d in spec.shape(ins, node.params))
        except ShapeProblem as problem:
            info.problem = problem
            continue
        if min(info.shape, default=1) < 1:
            info.problem = ShapeProblem(f"the output would be {info.shape}, which has an empty side",
                                        "use a smaller kernel or stride, or more padding")
            info.shape = None
            continue
        info.params = int(spec.count_params(ins, info.shape, node.params))
        info.macs = int(spec.count_macs(ins, info.shape, node.params))
    return result


def format_shape(shape: Shape | None) -> str:
    if shape is None:
        return "?"
    return "(" + ", ".join(str(d) for d in shape) + ")"


def human_count(n: int) -> str:
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return str(n)


def human_bytes(n: float) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} B"
