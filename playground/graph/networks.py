"""Several named networks in one graph: the separate connected parts of the canvas, each with its own input.

A project usually holds one network. A GAN holds two, a generator and a discriminator, drawn side
by side on the same canvas and never connected to each other. This module owns that idea as data:
``networks(graph)`` finds the connected parts (edges taken both ways) in the graph's own order and
names each by its input layer (``Network.name``), ``subgraph(graph, ids)`` copies one part out as
a graph of its own (same node ids and names), which ``validate``, shape inference, ``nn.build``
and the code generator then treat as any single network, and ``several(graph)`` says when the graph
is such a collection (more than one part, each with exactly one input layer).

It does not decide what the networks are for (``playground.train.gan`` finds a GAN's pair).
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.graph.model import Graph


@dataclass(frozen=True)
class Network:
    name: str  # the name of its input layer ("" when it has none)
    input_kind: str  # its input layer's kind ("" when it has none)
    node_ids: tuple[str, ...]  # in the graph's node order


def networks(graph: Graph) -> list[Network]:
    """The connected parts of ``graph``, in the order of their first node."""
    parent = {nid: nid for nid in graph.nodes}

    def root(nid: str) -> str:
        while parent[nid] != nid:
            parent[nid] = parent[parent[nid]]
            nid = parent[nid]
        return nid

    for edge in graph.edges:
        if edge.src in parent and edge.dst in parent:
            parent[root(edge.src)] = root(edge.dst)
    groups: dict[str, list[str]] = {}
    for nid in graph.nodes:
        groups.setdefault(root(nid), []).append(nid)
    out = []
    for ids in groups.values():
        inputs = [graph.nodes[i] for i in ids if graph.nodes[i].spec.is_input]
        first = inputs[0] if len(inputs) == 1 else None
        out.append(Network(first.name if first else "", first.kind if first else "", tuple(ids)))
    return out


def several(graph: Graph) -> list[Network]:
    """The parts when the graph holds several separate networks, each with one input; [] otherwise."""
    parts = networks(graph)
    if len(parts) > 1 and all(p.name for p in parts):
        return parts
    return []


def subgraph(graph: Graph, node_ids) -> Graph:
    """A copy of ``graph`` holding only ``node_ids`` and the edges between them (ids and names kept)."""
    keep = set(node_ids)
    part = graph.copy()
    for nid in [n for n in part.nodes if n not in keep]:
        part.remove_node(nid)
    return part


def network_graph(graph: Graph, name: str) -> Graph | None:
    """The network whose input layer is called ``name``, as a graph of its own; None when absent."""
    for part in networks(graph):
        if part.name == name:
            return subgraph(graph, part.node_ids)
    return None
