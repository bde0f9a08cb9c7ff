"""A wide merge (issue #12, defect 7): 2,000 ReLUs into one Concat must cost O(n) work, not O(n²).

Counted, not timed: how often an edge is re-pathed on the canvas and how often the graph scans its
whole edge list, while n edges are added. Before the fix each new input re-pathed every earlier
input of the Concat (n²/2 re-paths) and each ``connect`` scanned every edge.
"""

from __future__ import annotations

import pytest

from playground.graph.model import Graph
from playground.graph.project import Project
from playground.ui.canvas.edge_item import EdgeItem

N = 2000


class CountingList(list):
    """An edge list that counts full scans (iterations)."""

    scans = 0

    def __iter__(self):
        CountingList.scans += 1
        return super().__iter__()


def wide_graph(graph: Graph, n: int) -> None:
    src = graph.add_node("VectorInput", "input").id
    cat = graph.add_node("Concat", "cat", pos=(0.0, 240.0)).id
    for i in range(n):
        relu = graph.add_node("ReLU", f"r{i}", pos=(12.0 * i, 120.0)).id
        graph.connect(src, relu)
        graph.connect(relu, cat)


@pytest.fixture
def repaths(monkeypatch):
    calls = []
    original = EdgeItem.update_path

    def counted(self):
        calls.append(self)
        original(self)

    monkeypatch.setattr(EdgeItem, "update_path", counted)
    return calls


def test_graph_connect_does_not_scan_every_edge():
    graph = Graph()
    graph.edges = CountingList()
    CountingList.scans = 0
    wide_graph(graph, N)
    assert len(graph.in_edges(graph.find("cat").id)) == N
    assert CountingList.scans <= 10  # one index build, not one scan per connect (2 * N before)
    graph.disconnect(graph.find("r7").id, graph.find("cat").id)
    srcs = [e.src for e in graph.in_edges(graph.find("cat").id)][:8]
    assert srcs == [graph.find(f"r{i}").id for i in (0, 1, 2, 3, 4, 5, 6, 8)]


def test_opening_a_wide_merge_repaths_each_edge_a_few_times(make_window, repaths):
    graph = Graph()
    wide_graph(graph, N)
    window = make_window(Project(graph, name="wide"))
    edges = 2 * N
    assert len(window.scene.edges) == edges
    assert len(repaths) <= 4 * edges  # ~n²/2 = 2,000,000 before


def test_adding_a_wide_merge_in_one_edit_is_linear_and_spreads_the_inputs(window, repaths):
    doc = window.doc

    def build():
        wide_graph_into(doc.graph)

    def wide_graph_into(graph):
        src = graph.find("input").id
        cat = graph.add_node("Concat", "cat", pos=(0.0, 700.0)).id
        for i in range(N):
            relu = graph.add_node("ReLU", f"r{i}", pos=(12.0 * i, 650.0)).id
            graph.connect(src, relu)
            graph.connect(relu, cat)

    repaths.clear()
    doc.compound("Add a wide merge", build)
    assert len(repaths) <= 4 * (2 * N + 5)
    # the inputs sit on the Concat's wide port in port order, 8 apart, centred (the reference layout)
    cat = doc.graph.find("cat")
    port_x = window.scene.nodes[cat.id].in_port.scenePos().x()
    for edge in doc.graph.in_edges(cat.id)[:3] + doc.graph.in_edges(cat.id)[-3:]:
        end = window.scene.edges[edge]._path.pointAtPercent(1.0)
        assert end.x() == pytest.approx(port_x + (edge.port - (N - 1) / 2) * 8)
    # undo takes it all away in one step, again without re-pathing per pair of edges
    repaths.clear()
    doc.undo_stack.undo()
    assert doc.graph.find("cat") is None and len(window.scene.edges) == 5
