"""QUndoCommands: the only way the app changes a graph, so every edit can be undone.

Each command does its edit in ``apply`` and takes it back in ``revert``, calling the graph's own
methods (which emit the events the canvas and inspector follow). ``Document.execute`` runs
``apply`` once *before* pushing, so an edit the graph refuses (a ``GraphError``) never reaches the
undo stack; the stack's first ``redo`` is then skipped. Compound edits (paste, blocks, layout)
use ``GraphDiff``: a snapshot before and after.

A command needs only an ``EditTarget`` (the graph and a way to batch its events); the
``Document`` is one, and imports this module, never the other way round.
"""

from __future__ import annotations

import copy
from typing import Any, ContextManager, Protocol

from PySide6.QtGui import QUndoCommand

from playground.graph.model import Edge, Graph, Node
from playground.graph.snapshot import GraphState, restore


class EditTarget(Protocol):
    """What a graph command edits (``Document`` is one): the graph, and ``batch()``, which holds
    the re-check and the views' updates until the edit is done."""

    @property
    def graph(self) -> Graph: ...

    def batch(self) -> ContextManager[None]: ...

#: ids for QUndoCommand.mergeWith
MERGE_PARAM, MERGE_RENAME = 1, 2


class GraphCommand(QUndoCommand):
    def __init__(self, doc: EditTarget, text: str):
        super().__init__(text)
        self.doc = doc
        self.applied = False  # set by Document.execute: skip the push's redo

    @property
    def graph(self):
        return self.doc.graph

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self.applied:
            self.applied = False
            return
        with self.doc.batch():
            self.apply()

    def undo(self) -> None:
        with self.doc.batch():
            self.revert()


class AddNode(GraphCommand):
    def __init__(self, doc, kind: str, pos: tuple[float, float], name: str | None = None,
                 params: dict[str, Any] | None = None):
        super().__init__(doc, f"Add {kind}")
        self.kind, self.pos, self.name, self.params = kind, pos, name, params
        self.node_id: str | None = None

    def apply(self) -> None:
        node = self.graph.add_node(self.kind, self.name, self.params, self.pos, node_id=self.node_id)
        self.node_id, self.name, self.params = node.id, node.name, dict(node.params)
        self.setText(f"Add {node.name}")

    def revert(self) -> None:
        self.graph.remove_node(self.node_id)


def _put_back(graph, nodes: list[Node], edges: list[Edge]) -> None:
    for node in nodes:
        graph.add_node(node.kind, node.name, dict(node.params), node.pos, node_id=node.id)
    for edge in sorted(set(edges), key=lambda e: (e.dst, e.port)):
        graph.add_edge(edge)


class RemoveItems(GraphCommand):
    """Delete nodes (with their edges) and edges; undo puts all of it back with the same ids."""

    def __init__(self, doc, node_ids: list[str], edges: list[Edge] = ()):
        n = len(node_ids) + len(edges)
        what = doc.graph.nodes[node_ids[0]].name if len(node_ids) == 1 and not edges else f"{n} items"
        super().__init__(doc, f"Delete {what}" if node_ids else f"Disconnect {len(edges)} edge(s)")
        self.node_ids, self.edges = list(node_ids), list(edges)
        self.nodes: list[Node] = []
        self.removed_edges: list[Edge] = []

    def apply(self) -> None:
        self.nodes, self.removed_edges = [], []
        for edge in self.edges:
            if edge in self.graph.edges and edge.src not in self.node_ids and edge.dst not in self.node_ids:
                self.removed_edges.append(self.graph.disconnect(edge.src, edge.dst))
        for nid in self.node_ids:
            node, edges = self.graph.remove_node(nid)
            self.nodes.append(copy.deepcopy(node))
            self.removed_edges.extend(edges)

    def revert(self) -> None:
        _put_back(self.graph, self.nodes, self.removed_edges)


class Connect(GraphCommand):
    def __init__(self, doc, src: str, dst: str, port: int | None = None):
        g = doc.graph
        super().__init__(doc, f"Connect {g.nodes[src].name} to {g.nodes[dst].name}")
        self.src, self.dst, self.port = src, dst, port

    def apply(self) -> None:
        self.port = self.graph.connect(self.src, self.dst, self.port).port

    def revert(self) -> None:
        self.graph.disconnect(self.src, self.dst)


class Disconnect(RemoveItems):
    def __init__(self, doc, edges: list[Edge]):
        super().__init__(doc, [], edges)
        if len(edges) == 1:
            g = doc.graph
            self.setText(f"Disconnect {g.nodes[edges[0].src].name} from {g.nodes[edges[0].dst].name}")


class MoveNodes(GraphCommand):
    def __init__(self, doc, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]], text: str = ""):
        super().__init__(doc, text or (f"Move {len(moves)} layers" if len(moves) > 1 else
                                       f"Move {doc.graph.nodes[next(iter(moves))].name}"))
        self.moves = moves  # id -> (old, new)

    def apply(self) -> None:
        for nid, (_, new) in self.moves.items():
            self.graph.move(nid, new)

    def revert(self) -> None:
        for nid, (old, _) in self.moves.items():
            self.graph.move(nid, old)


class Rename(GraphCommand):
    def __init__(self, doc, node_id: str, name: str):
        super().__init__(doc, f"Rename {doc.graph.nodes[node_id].name} to {name}")
        self.node_id, self.new, self.old = node_id, name, doc.graph.nodes[node_id].name

    def apply(self) -> None:
        self.graph.rename(self.node_id, self.new)

    def revert(self) -> None:
        self.graph.rename(self.node_id, self.old)


class SetParam(GraphCommand):
    """One parameter of one node; consecutive changes of the same one merge into one undo step."""

    def __init__(self, doc, node_id: str, key: str, value: Any):
        node = doc.graph.nodes[node_id]
        super().__init__(doc, f"Set {node.name}.{key}")
        self.node_id, self.key, self.value = node_id, key, value
        self.old = node.params.get(key)

    def apply(self) -> None:
        self.old = self.graph.set_param(self.node_id, self.key, self.value)
        self.value = self.graph.nodes[self.node_id].params[self.key]
        self.setText(f"Set {self.graph.nodes[self.node_id].name}.{self.key} = {self.value}")

    def revert(self) -> None:
        self.graph.set_param(self.node_id, self.key, self.old)

    def id(self) -> int:
        return MERGE_PARAM

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetParam) or (other.node_id, other.key) != (self.node_id, self.key):
            return False
        self.value = other.value
        self.setText(other.text())
        if self.value == self.old:  # back where it started: drop the step
            self.setObsolete(True)
        return True


class GraphDiff(GraphCommand):
    """A compound edit, recorded as the graph's state before and after it."""

    def __init__(self, doc, text: str, before: GraphState, after: GraphState):
        super().__init__(doc, text)
        self.before, self.after = before, after

    def apply(self) -> None:
        restore(self.graph, self.after)

    def revert(self) -> None:
        restore(self.graph, self.before)
