"""Copy and paste part of a graph: a fragment is the chosen nodes and the edges between them.

``extract`` gives plain JSON-ready data (the clipboard carries it as text); ``insert`` adds a
fragment to a graph under fresh names where the old ones are taken, shifted by an offset, and
returns the new node ids. A fragment from elsewhere (a user's clipboard) that does not fit raises
``GraphError``. No Qt, no torch.
"""

from __future__ import annotations

from typing import Any

from playground.core.errors import GraphError
from playground.graph.layers import get_spec
from playground.graph.model import Graph

FORMAT = "playground-fragment"


def extract(graph: Graph, node_ids: list[str]) -> dict[str, Any]:
    chosen = [nid for nid in graph.nodes if nid in set(node_ids)]
    nodes = [{"name": graph.nodes[nid].name, "kind": graph.nodes[nid].kind,
              "params": {k: list(v) if isinstance(v, tuple) else v for k, v in graph.nodes[nid].params.items()},
              "pos": list(graph.nodes[nid].pos)} for nid in chosen]
    edges = [[graph.nodes[e.src].name, graph.nodes[e.dst].name, e.port]
             for e in graph.edges if e.src in chosen and e.dst in chosen]
    return {"format": FORMAT, "nodes": nodes, "edges": edges}


def insert(graph: Graph, fragment: Any, offset: tuple[float, float] = (30.0, 30.0)) -> list[str]:
    """Add ``fragment`` to ``graph``; returns the new ids (raises GraphError when it does not fit)."""
    if not isinstance(fragment, dict) or fragment.get("format") != FORMAT:
        raise GraphError("the clipboard holds no Playground layers", fix="copy some layers first")
    ids: dict[str, str] = {}
    try:
        for raw in fragment["nodes"]:
            spec = get_spec(raw["kind"])
            name = raw["name"] if graph.find(raw["name"]) is None else graph.unique_name(spec.prefix or spec.kind.lower())
            x, y = raw.get("pos", (0.0, 0.0))
            node = graph.add_node(spec.kind, name, raw.get("params", {}), (x + offset[0], y + offset[1]))
            ids[raw["name"]] = node.id
        for src, dst, port in fragment["edges"]:
            graph.connect(ids[src], ids[dst], port if graph.nodes[ids[dst]].spec.is_merge else None)
    except (KeyError, TypeError, ValueError) as exc:
        raise GraphError(f"the clipboard's layers cannot be pasted ({exc.__class__.__name__}: {exc})") from None
    return list(ids.values())
