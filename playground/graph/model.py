"""The layer graph as plain data: nodes (layers) and edges (tensors), with change events.

Every mutation goes through a method here and emits an event, so views (the canvas, the inspector)
and checks (validation, shapes) follow the model. Edits that cannot be made (duplicate name, cycle,
bad parameter value, second edge into a one-input port) raise ``GraphError`` with a message a
student understands; *structural* mistakes that a graph can hold while it is being built (a missing
input, mismatched shapes) are reported by ``validate.py`` instead. No torch, no Qt.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any

from playground.core.errors import GraphError
from playground.core.events import Signal
from playground.graph.layers import get_spec, name_problem


@dataclass
class Node:
    id: str  # stable within a session; never shown
    name: str  # unique, a valid Python name; becomes the torch submodule name
    kind: str
    params: dict[str, Any]
    pos: tuple[float, float] = (0.0, 0.0)

    @property
    def spec(self):
        return get_spec(self.kind)


@dataclass(frozen=True)
class Edge:
    src: str  # node id
    dst: str  # node id
    port: int = 0  # input slot of dst (merge nodes: 0, 1, 2, ... in order)


@dataclass
class GraphEvents:
    node_added: Signal = field(default_factory=Signal)  # (node)
    node_removed: Signal = field(default_factory=Signal)  # (node)
    node_changed: Signal = field(default_factory=Signal)  # (node, what: "name" | "params" | "pos")
    edge_added: Signal = field(default_factory=Signal)  # (edge)
    edge_removed: Signal = field(default_factory=Signal)  # (edge)
    changed: Signal = field(default_factory=Signal)  # () after any mutation


class Graph:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        self.events = GraphEvents()
        self._ids = itertools.count(1)

    # ---- queries -------------------------------------------------------------------------------

    def node(self, node_id: str) -> Node:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise GraphError(f"there is no node with id {node_id!r}") from None

    def by_name(self, name: str) -> Node:
        for node in self.nodes.values():
            if node.name == name:
                return node
        raise GraphError(f"there is no layer named '{name}'")

    def find(self, name: str) -> Node | None:
        return next((n for n in self.nodes.values() if n.name == name), None)

    def in_edges(self, node_id: str) -> list[Edge]:
        return sorted((e for e in self.edges if e.dst == node_id), key=lambda e: e.port)

    def out_edges(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges if e.src == node_id]

    def inputs_of(self, node_id: str) -> list[str]:
        return [e.src for e in self.in_edges(node_id)]

    def outputs_of(self, node_id: str) -> list[str]:
        return [e.dst for e in self.out_edges(node_id)]

    def input_nodes(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.spec.is_input]

    def output_nodes(self) -> list[Node]:
        """Nodes whose result nobody uses: the network's output(s)."""
        used = {e.src for e in self.edges}
        return [n for n in self.nodes.values() if n.id not in used and not n.spec.is_input]

    def topological_order(self) -> list[str]:
        """Node ids so that every node comes after its inputs; raises GraphError on a cycle."""
        indegree = {nid: 0 for nid in self.nodes}
        for e in self.edges:
            indegree[e.dst] += 1
        ready = [nid for nid in self.nodes if indegree[nid] == 0]
        order: list[str] = []
        while ready:
            nid = ready.pop(0)
            order.append(nid)
            for e in self.out_edges(nid):
                indegree[e.dst] -= 1
                if indegree[e.dst] == 0:
                    ready.append(e.dst)
        if len(order) != len(self.nodes):
            stuck = [self.nodes[n].name for n in self.nodes if n not in order]
            raise GraphError(f"the layers {', '.join(stuck)} form a loop", fix="remove one of the connections in the loop")
        return order

    def reaches(self, src: str, dst: str) -> bool:
        """True when a path of edges leads from ``src`` to ``dst``."""
        stack, seen = [src], set()
        while stack:
            nid = stack.pop()
            if nid == dst:
                return True
            if nid not in seen:
                seen.add(nid)
                stack.extend(self.outputs_of(nid))
        return False

    def unique_name(self, prefix: str) -> str:
        names = {n.name for n in self.nodes.values()}
        if prefix == "input" and "input" not in names:
            return "input"
        for i in itertools.count(1):
            if f"{prefix}{i}" not in names:
                return f"{prefix}{i}"
        raise AssertionError

    # ---- mutations -----------------------------------------------------------------------------

    def add_node(self, kind: str, name: str | None = None, params: dict[str, Any] | None = None,
                 pos: tuple[float, float] = (0.0, 0.0), node_id: str | None = None) -> Node:
        try:
            spec = get_spec(kind)
        except KeyError as exc:
            raise GraphError(str(exc.args[0])) from None
        name = name or self.unique_name(spec.prefix or kind.lower())
        self._check_name(name)
        values = spec.defaults()
        for key, value in (params or {}).items():
            values[key] = self._coerce(spec, name, key, value)
        node_id = node_id or self._new_id()
        if node_id in self.nodes:
            raise GraphError(f"node id {node_id!r} is already used")
        node = Node(node_id, name, kind, values, (float(pos[0]), float(pos[1])))
        self.nodes[node_id] = node
        self.events.node_added.emit(node)
        self.events.changed.emit()
        return node

    def remove_node(self, node_id: str) -> tuple[Node, list[Edge]]:
        """Remove a node and its edges; returns both so an undo can put them back."""
        node = self.node(node_id)
        edges = [e for e in self.edges if node_id in (e.src, e.dst)]
        for edge in edges:
            self._remove_edge(edge)
        del self.nodes[node_id]
        self.events.node_removed.emit(node)
        self.events.changed.emit()
        return node, edges

    def connect(self, src: str, dst: str, port: int | None = None) -> Edge:
        a, b = self.node(src), self.node(dst)
        spec = b.spec
        if src == dst:
            raise GraphError(f"'{a.name}' cannot feed itself")
        if spec.max_inputs == 0:
            raise GraphError(f"'{b.name}' is an input layer; nothing can feed into it",
                             fix="connect from it instead")
        taken = self.in_edges(dst)
        if any(e.src == src for e in taken):
            raise GraphError(f"'{a.name}' already feeds '{b.name}'")
        if self.reaches(dst, src):
            raise GraphError(f"connecting '{a.name}' to '{b.name}' would make a loop",
                             fix="networks here are feed-forward: connect to a layer further down instead")
        if spec.max_inputs is not None and len(taken) >= spec.max_inputs:
            raise GraphError(f"'{b.name}' ({spec.label}) takes one input and already gets '{self.node(taken[0].src).name}'",
                             fix="disconnect that first, or use an Add or Concat layer to merge several inputs")
        if port is None:
            port = max((e.port for e in taken), default=-1) + 1
        if any(e.port == port for e in taken):
            raise GraphError(f"input {port} of '{b.name}' is already connected")
        edge = Edge(src, dst, port)
        self.edges.append(edge)
        self.events.edge_added.emit(edge)
        self.events.changed.emit()
        return edge

    def disconnect(self, src: str, dst: str) -> Edge:
        edge = next((e for e in self.edges if e.src == src and e.dst == dst), None)
        if edge is None:
            raise GraphError(f"'{self.node(src).name}' is not connected to '{self.node(dst).name}'")
        self._remove_edge(edge)
        self.events.changed.emit()
        return edge

    def add_edge(self, edge: Edge) -> Edge:
        """Put back an edge exactly as it was (undo); checks like ``connect``."""
        return self.connect(edge.src, edge.dst, edge.port)

    def rename(self, node_id: str, name: str) -> None:
        node = self.node(node_id)
        if name == node.name:
            return
        self._check_name(name)
        node.name = name
        self.events.node_changed.emit(node, "name")
        self.events.changed.emit()

    def set_param(self, node_id: str, key: str, value: Any) -> Any:
        """Set one parameter; returns the previous value (for undo)."""
        node = self.node(node_id)
        value = self._coerce(node.spec, node.name, key, value)
        old = node.params.get(key)
        if old == value:
            return old
        node.params[key] = value
        self.events.node_changed.emit(node, "params")
        self.events.changed.emit()
        return old

    def move(self, node_id: str, pos: tuple[float, float]) -> None:
        node = self.node(node_id)
        node.pos = (float(pos[0]), float(pos[1]))
        self.events.node_changed.emit(node, "pos")

    def clear(self) -> None:
        for node_id in list(self.nodes):
            self.remove_node(node_id)

    def copy(self) -> "Graph":
        """An independent copy with the same ids (no listeners)."""
        other = Graph()
        other.nodes = {k: copy.deepcopy(v) for k, v in self.nodes.items()}
        other.edges = list(self.edges)
        other._ids = itertools.count(self._max_id() + 1)
        return other

    # ---- helpers -------------------------------------------------------------------------------

    def _remove_edge(self, edge: Edge) -> None:
        self.edges.remove(edge)
        self.events.edge_removed.emit(edge)

    def _new_id(self) -> str:
        while True:
            node_id = f"n{next(self._ids)}"
            if node_id not in self.nodes:
                return node_id

    def _max_id(self) -> int:
        nums = [int(k[1:]) for k in self.nodes if k[:1] == "n" and k[1:].isdigit()]
        return max(nums, default=0)

    def _check_name(self, name: str) -> None:
        problem = name_problem(name)
        if problem:
            raise GraphError(problem)
        if self.find(name) is not None:
            raise GraphError(f"there is already a layer named '{name}'", fix="pick another name")

    @staticmethod
    def _coerce(spec, node_name: str, key: str, value: Any) -> Any:
        param = spec.param(key)
        if param is None:
            known = ", ".join(p.name for p in spec.params) or "none"
            raise GraphError(f"{spec.kind} has no parameter '{key}' (it has: {known})", where=node_name)
        try:
            return param.coerce(value)
        except ValueError as exc:
            raise GraphError(f"{key} {exc}", where=f"{spec.kind} '{node_name}'") from None
