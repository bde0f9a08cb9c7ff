"""Automatic top-to-bottom layout: each node goes one row below its deepest input.

Rows are spaced ``dy`` apart; nodes in the same row are spread ``dx`` apart and centred, ordered
by the mean x of their inputs so that branches do not cross needlessly.
"""

from __future__ import annotations

from playground.graph.model import Graph

DX, DY = 200.0, 110.0


def auto_layout(graph: Graph, dx: float = DX, dy: float = DY) -> dict[str, tuple[float, float]]:
    """New positions for every node (node id -> (x, y)); does not change the graph."""
    try:
        order = graph.topological_order()
    except Exception:  # a loop: keep a simple column
        order = list(graph.nodes)
    depth: dict[str, int] = {}
    for nid in order:
        depth[nid] = max((depth.get(src, 0) + 1 for src in graph.inputs_of(nid)), default=0)
    rows: dict[int, list[str]] = {}
    for nid in order:
        rows.setdefault(depth[nid], []).append(nid)
    pos: dict[str, tuple[float, float]] = {}
    for level in sorted(rows):
        ids = rows[level]
        ids.sort(key=lambda n: sum(pos[s][0] for s in graph.inputs_of(n) if s in pos) / max(1, len(graph.inputs_of(n))))
        width = (len(ids) - 1) * dx
        for i, nid in enumerate(ids):
            pos[nid] = (i * dx - width / 2, level * dy)
    return pos


def apply_layout(graph: Graph) -> None:
    for nid, p in auto_layout(graph).items():
        graph.move(nid, p)
