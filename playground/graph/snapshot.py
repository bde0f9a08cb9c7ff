"""Whole-graph snapshots for undo: take the state, later bring the graph back to it.

Compound edits (paste, duplicate, ready-made blocks, "append after", auto layout) change many
nodes and edges at once; the app snapshots the graph before and after and undoes/redoes by
``restore``, which goes through the graph's own methods so every view hears the events. Node ids
are kept, so references held by other commands stay valid. No Qt, no torch.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from playground.graph.model import Edge, Graph, Node


@dataclass(frozen=True)
class GraphState:
    nodes: tuple[Node, ...]  # deep copies, in the graph's order
    edges: tuple[Edge, ...]


def take(graph: Graph) -> GraphState:
    return GraphState(tuple(copy.deepcopy(n) for n in graph.nodes.values()), tuple(graph.edges))


def restore(graph: Graph, state: GraphState) -> None:
    """Make ``graph`` equal to ``state`` with the fewest edits (each one emits its event)."""
    target = {n.id: n for n in state.nodes}
    wanted_edges = set(state.edges)
    for edge in list(graph.edges):
        if edge not in wanted_edges:
            graph.disconnect(edge.src, edge.dst)
    for node_id in list(graph.nodes):
        if node_id not in target:
            graph.remove_node(node_id)
    renamed = [nid for nid, node in graph.nodes.items() if node.name != target[nid].name]
    for nid in renamed:  # two steps, so that swapped names never clash
        graph.rename(nid, graph.unique_name("renaming"))
    for nid in renamed:
        graph.rename(nid, target[nid].name)
    for node in state.nodes:
        current = graph.nodes.get(node.id)
        if current is None:
            graph.add_node(node.kind, node.name, dict(node.params), node.pos, node_id=node.id)
            continue
        for key, value in node.params.items():
            if current.params.get(key) != value:
                graph.set_param(node.id, key, value)
        if current.pos != node.pos:
            graph.move(node.id, node.pos)
    present = set(graph.edges)
    for edge in sorted(state.edges, key=lambda e: (e.dst, e.port)):
        if edge not in present:
            graph.add_edge(edge)
