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
        # node id -> its in / out edges, so that a query costs the node's degree, not the whole graph
        # (a 2,000-input Concat must not make each new edge scan every edge); kept by the mutations
        # below and rebuilt if ``edges`` was changed behind their back (a test, a hand-made loop)
        self._ins: dict[str, dict[int, Edge]] = {}  # dst -> {port: edge}, in the order connected
        self._outs: dict[str, list[Edge]] = {}
        self._top: dict[str, int] = {}  # dst -> its highest connected input port
        self._indexed: tuple[int, int] = (id(self.edges), 0)
        self._names: dict[str, str] = {}  # name -> node id, checked against ``nodes`` like the edges
        self._named: tuple[int, int] = (id(self.nodes), 0)
        self._free_from: dict[str, int] = {}  # unique_name: no free "<prefix><i>" below this i

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
        node_id = self._name_index().get(name)
        if node_id is None:
            return None
        node = self.nodes.get(node_id)
        if node is not None and node.name == name:
            return node
        return next((n for n in self.nodes.values() if n.name == name), None)  # renamed behind our back

    def in_edges(self, node_id: str) -> list[Edge]:
        return sorted(self._index()[0].get(node_id, {}).values(), key=lambda e: e.port)

    def out_edges(self, node_id: str) -> list[Edge]:
        return list(self._index()[1].get(node_id, ()))

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
        names = self._name_index()
        if prefix == "input" and "input" not in names:
            return "input"
        for i in itertools.count(self._free_from.get(prefix, 1)):
            if f"{prefix}{i}" not in names:
                self._free_from[prefix] = i
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
        names = self._name_index()
        self.nodes[node_id] = node
        names[name] = node_id
        self._named = (id(self.nodes), len(self.nodes))
        self.events.node_added.emit(node)
        self.events.changed.emit()
        return node

    def remove_node(self, node_id: str) -> tuple[Node, list[Edge]]:
        """Remove a node and its edges; returns both so an undo can put them back."""
        node = self.node(node_id)
        ins, outs = self._index()
        touching = set(ins.get(node_id, {}).values()) | set(outs.get(node_id, ()))
        edges = [e for e in self.edges if e in touching]  # in the graph's order, for undo
        for edge in edges:
            self._remove_edge(edge)
        names = self._name_index()
        del self.nodes[node_id]
        names.pop(node.name, None)
        self._named = (id(self.nodes), len(self.nodes))
        self._free_from.clear()
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
        ins, outs = self._index()
        taken = ins.get(dst, {})  # port -> edge: each check below costs O(1), not O(inputs)
        if any(e.dst == dst for e in outs.get(src, ())) if len(outs.get(src, ())) < len(taken) \
                else any(e.src == src for e in taken.values()):
            raise GraphError(f"'{a.name}' already feeds '{b.name}'")
        if self.reaches(dst, src):
            raise GraphError(f"connecting '{a.name}' to '{b.name}' would make a loop",
                             fix="networks here are feed-forward: connect to a layer further down instead")
        if spec.max_inputs is not None and len(taken) >= spec.max_inputs:
            first = min(taken.values(), key=lambda e: e.port)
            raise GraphError(f"'{b.name}' ({spec.label}) takes one input and already gets '{self.node(first.src).name}'",
                             fix="disconnect that first, or use an Add or Concat layer to merge several inputs")
        if port is None:
            port = self._top.get(dst, -1) + 1
        if port in taken:
            raise GraphError(f"input {port} of '{b.name}' is already connected")
        edge = Edge(src, dst, port)
        self.edges.append(edge)
        ins.setdefault(dst, {})[port] = edge
        self._top[dst] = max(port, self._top.get(dst, -1))
        outs.setdefault(src, []).append(edge)
        self._indexed = (id(self.edges), len(self.edges))
        self.events.edge_added.emit(edge)
        self.events.changed.emit()
        return edge

    def disconnect(self, src: str, dst: str) -> Edge:
        edge = next((e for e in self._index()[1].get(src, ()) if e.dst == dst), None)
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
        names = self._name_index()
        names.pop(node.name, None)
        node.name = name
        names[name] = node_id
        self._free_from.clear()
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

    def _name_index(self) -> dict[str, str]:
        """Node ids by name; rebuilt only when ``nodes`` changed outside our methods (``copy``)."""
        if self._named != (id(self.nodes), len(self.nodes)):
            self._names = {n.name: nid for nid, n in self.nodes.items()}
            self._named = (id(self.nodes), len(self.nodes))
            self._free_from.clear()
        return self._names

    def _index(self) -> tuple[dict[str, dict[int, Edge]], dict[str, list[Edge]]]:
        """The in / out edges by node id; rebuilt only when ``edges`` changed outside our methods."""
        if self._indexed != (id(self.edges), len(self.edges)):
            self._ins, self._outs, self._top = {}, {}, {}
            for e in self.edges:
                self._ins.setdefault(e.dst, {})[e.port] = e
                self._top[e.dst] = max(e.port, self._top.get(e.dst, -1))
                self._outs.setdefault(e.src, []).append(e)
            self._indexed = (id(self.edges), len(self.edges))
        return self._ins, self._outs

    def _remove_edge(self, edge: Edge) -> None:
        ins, outs = self._index()
        self.edges.remove(edge)
        del ins[edge.dst][edge.port]
        if self._top.get(edge.dst) == edge.port:  # the highest input went: find the next highest
            self._top[edge.dst] = max(ins[edge.dst], default=-1)
        outs[edge.src].remove(edge)
        self._indexed = (id(self.edges), len(self.edges))
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
