"""The graph model: mutations, their events, and the edits it refuses (with readable reasons)."""

import pytest

from playground.core.errors import GraphError
from playground.graph.model import Edge, Graph


def _stack(*kinds):
    g = Graph()
    ids = [g.add_node(k).id for k in kinds]
    for a, b in zip(ids, ids[1:]):
        g.connect(a, b)
    return g, ids


def test_every_mutation_emits_its_event():
    g = Graph()
    seen = []
    for name in ("node_added", "node_removed", "node_changed", "edge_added", "edge_removed", "changed"):
        getattr(g.events, name).connect(lambda *a, _n=name: seen.append(_n))
    a = g.add_node("VectorInput")
    b = g.add_node("Linear")
    g.connect(a.id, b.id)
    g.set_param(b.id, "units", 3)
    g.rename(b.id, "out")
    g.move(b.id, (10, 20))
    g.disconnect(a.id, b.id)
    g.remove_node(b.id)
    assert seen == ["node_added", "changed", "node_added", "changed", "edge_added", "changed", "node_changed", "changed",
                    "node_changed", "changed", "node_changed", "edge_removed", "changed", "node_removed", "changed"]


def test_names_are_unique_and_generated_from_the_kind():
    g, ids = _stack("ImageInput", "Conv2d", "ReLU", "Conv2d")
    assert [g.nodes[i].name for i in ids] == ["input", "conv1", "relu1", "conv2"]
    with pytest.raises(GraphError, match="already a layer named 'conv1'"):
        g.rename(ids[3], "conv1")
    for bad in ("1conv", "my layer", "class", "forward", ""):
        with pytest.raises(GraphError):
            g.rename(ids[3], bad)
    g.rename(ids[3], "features")
    assert g.by_name("features").id == ids[3]


def test_connect_refuses_loops_second_inputs_and_inputs_into_input_layers():
    g, (i, a, b) = _stack("VectorInput", "Linear", "ReLU")
    with pytest.raises(GraphError, match="loop"):
        g.connect(b, a)
    with pytest.raises(GraphError, match="takes one input"):
        g.connect(i, b)
    with pytest.raises(GraphError, match="input layer"):
        g.connect(a, i)
    with pytest.raises(GraphError, match="feed itself"):
        g.connect(a, a)
    assert len(g.edges) == 2


def test_merge_nodes_take_many_inputs_in_port_order():
    g, (i, a, b) = _stack("ImageInput", "Conv2d", "ReLU")
    add = g.add_node("Concat")
    g.connect(b, add.id)
    g.connect(i, add.id)
    assert g.inputs_of(add.id) == [b, i]
    assert [e.port for e in g.in_edges(add.id)] == [0, 1]


def test_set_param_checks_the_spec_and_returns_the_old_value():
    g, (i, c) = _stack("ImageInput", "Conv2d")
    assert g.set_param(c, "kernel_size", 5) == 3
    with pytest.raises(GraphError, match="kernel_size must be at least 1"):
        g.set_param(c, "kernel_size", 0)
    with pytest.raises(GraphError, match="has no parameter 'kernal'"):
        g.set_param(c, "kernal", 3)
    assert g.set_param(c, "padding", "same") == 0
    with pytest.raises(GraphError, match="'same'"):
        g.set_param(c, "padding", "half")
    assert g.nodes[c].params["kernel_size"] == 5


def test_remove_node_returns_what_undo_needs():
    g, (i, a, b) = _stack("VectorInput", "Linear", "ReLU")
    node, edges = g.remove_node(a)
    assert node.name == "fc1" and set(edges) == {Edge(i, a, 0), Edge(a, b, 0)}
    assert not g.edges
    g.add_node(node.kind, node.name, node.params, node.pos, node_id=node.id)
    for e in edges:
        g.add_edge(e)
    assert g.topological_order() == [i, a, b]


def test_copy_is_independent():
    g, (i, a) = _stack("VectorInput", "Linear")
    c = g.copy()
    c.set_param(a, "units", 99)
    assert g.nodes[a].params["units"] == 8
    assert c.add_node("ReLU").id not in g.nodes
