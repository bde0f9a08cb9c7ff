"""One unit's receptive-field box and the table rows (graph/receptive_box.py).

References: boxes composed by hand from the layers' kernel, stride, padding and dilation (the
textbook recursion, written out here on its own), and pixel dependence counted by brute force on a
1-D chain of windows (which input indices can reach output index i).
"""

from __future__ import annotations

import pytest

from playground.graph.model import Graph
from playground.graph.project import load_project
from playground.graph.receptive import ReceptiveField, receptive_fields
from playground.graph.receptive_box import layer_rows, spatial_nodes, unit_box
from playground.graph.shapes import infer


def chain(*layers) -> tuple[Graph, list[str]]:
    g = Graph()
    ids = [g.add_node(kind, params=params).id for kind, params in layers]
    for a, b in zip(ids, ids[1:]):
        g.connect(a, b)
    return g, ids


def reachable(layers: list[tuple[int, int, int, int]], n_in: int, index: int) -> tuple[int, int]:
    """Brute force along one axis: the first and last input pixel that output ``index`` depends on,
    through windows (k, s, p, d) applied in order; padding positions count as reachable (they may
    lie outside [0, n_in)). Returns unclipped bounds."""
    positions = {index}
    for k, s, p, d in reversed(layers):
        positions = {o * s - p + t * d for o in positions for t in range(k)}
    return min(positions), max(positions)


IMG = {"channels": 1, "height": 20, "width": 20}


@pytest.mark.parametrize("layers", [
    [(3, 1, 1, 1)],
    [(5, 1, 2, 1), (2, 2, 0, 1), (5, 1, 0, 1)],  # LeNet-5's conv1, pool1, conv2
    [(3, 2, 1, 1), (3, 1, 2, 2), (2, 2, 0, 1)],  # stride, then dilation
    [(3, 1, 0, 3), (3, 2, 1, 1)],
])
def test_unit_box_matches_brute_force_dependence(layers):
    kinds = [("ImageInput", IMG)] + [("Conv2d", {"kernel_size": k, "stride": s, "padding": p, "dilation": d})
                                     for k, s, p, d in layers]
    g, ids = chain(*kinds)
    shapes = infer(g)
    field = receptive_fields(g, shapes)[ids[-1]]
    _, h, w = shapes.shape(ids[-1])
    for row in range(h):
        for col in (0, w - 1):
            lo_r, hi_r = reachable(layers, 20, row)
            lo_c, hi_c = reachable(layers, 20, col)
            ub = unit_box(field, row, col, 20, 20)
            assert ub.full == (lo_r, lo_c, hi_r, hi_c)
            assert ub.box == (max(0, lo_r), max(0, lo_c), min(19, hi_r), min(19, hi_c))
            assert ub.past_border == (max(0, -lo_r), max(0, -lo_c), max(0, hi_r - 19), max(0, hi_c - 19))
            assert ub.clipped == (lo_r < 0 or lo_c < 0 or hi_r > 19 or hi_c > 19)


def test_whole_input_box_is_the_image():
    ub = unit_box(ReceptiveField(28, 4, 13.5, whole_input=True), 3, 2, 28, 30)
    assert ub.box == (0, 0, 27, 29) and not ub.clipped and (ub.height, ub.width) == (28, 30)


def test_table_rows_match_the_analytic_fields_and_name_the_formula():
    for preset in ("lenet5", "resnet_small"):
        g = load_project(preset).graph
        shapes = infer(g)
        fields = receptive_fields(g, shapes)
        rows = layer_rows(g, shapes, fields)
        assert [r.node_id for r in rows] == shapes.order
        for r in rows:
            f = fields[r.node_id]
            assert r.size == (f.size if f else None) and r.jump == (f.jump if f else None)
            rule = g.nodes[r.node_id].spec.rf
            if rule == "window" and not r.whole_input:
                assert "(k-1)*d*j_in" in r.formula and r.formula.endswith(f"= {r.jump_text}")
            if rule == "merge":
                assert r.formula.startswith("union of the branches")
                for src in g.inputs_of(r.node_id):
                    assert g.nodes[src].name in r.formula
    lenet = load_project("lenet5").graph
    rows = {r.name: r for r in layer_rows(lenet, infer(lenet), receptive_fields(lenet))}
    # conv2 by hand: conv1 (k5) -> 5, pool1 (k2, s2) -> 6 with jump 2, conv2 (k5) -> 6 + 4*2 = 14
    assert rows["conv2"].size_text == "14x14" and rows["conv2"].jump_text == "2"
    assert "6 + (5-1)*1*2 = 14" in rows["conv2"].formula
    assert rows["fc1"].size_text == "whole input"


def test_non_image_networks_have_no_spatial_nodes():
    g = load_project("tfp_mlp").graph
    shapes = infer(g)
    assert spatial_nodes(g, shapes) == []
    assert all(r.size is None and r.size_text == "-" for r in layer_rows(g, shapes, receptive_fields(g, shapes)))
    lenet = load_project("lenet5").graph
    names = [lenet.nodes[n].name for n in spatial_nodes(lenet, infer(lenet))]
    assert names[:3] == ["input", "conv1", "tanh1"] and "pool2" in names and "flatten1" not in names
