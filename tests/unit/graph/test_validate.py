"""Validation messages: bound to the node, with the numbers and a fix; never an exception."""

from playground.graph.model import Edge, Graph
from playground.graph.validate import errors, validate


def _chain(*layers):
    g = Graph()
    ids = []
    for kind, params in layers:
        ids.append(g.add_node(kind, params=params).id)
    for a, b in zip(ids, ids[1:]):
        g.connect(a, b)
    return g, ids


def _only_error(g):
    errs = errors(validate(g))
    assert len(errs) == 1, errs
    return errs[0]


def test_kernel_larger_than_input_names_numbers_and_fixes():
    g, ids = _chain(("ImageInput", {"height": 16, "width": 16}), ("MaxPool2d", {"kernel_size": 4, "stride": 4}),
                    ("Conv2d", {"kernel_size": 5}))
    issue = _only_error(g)
    assert issue.node_id == ids[2]
    assert issue.message == ("Conv2d 'conv1': kernel 5x5 is larger than its input 4x4; lower the kernel_size to 4, "
                             "add padding 1, or remove a pooling layer before it")


def test_linear_after_feature_maps_asks_for_flatten():
    g, ids = _chain(("ImageInput", {}), ("Conv2d", {"filters": 4, "kernel_size": 3}), ("Linear", {}))
    issue = _only_error(g)
    assert issue.node_id == ids[2]
    assert "(4, 26, 26)" in issue.message and "add a Flatten" in issue.message and "2704 features" in issue.message


def test_residual_add_with_mismatched_shapes():
    g, (i, c) = _chain(("ImageInput", {}), ("Conv2d", {"filters": 8, "padding": 1}))
    add = g.add_node("Add")
    g.connect(c, add.id)
    g.connect(i, add.id)
    issue = _only_error(g)
    assert issue.node_id == add.id
    assert "(8, 28, 28), (1, 28, 28)" in issue.message and "1x1 Conv2d" in issue.message


def test_concat_needs_equal_sizes():
    g, (i, a) = _chain(("ImageInput", {}), ("Conv2d", {"filters": 4}))
    b = g.add_node("Conv2d", params={"padding": "same"})
    g.connect(i, b.id)
    cat = g.add_node("Concat")
    g.connect(a, cat.id)
    g.connect(b.id, cat.id)
    assert "match in everything but channels" in _only_error(g).message


def test_structure_problems():
    assert "empty" in _only_error(Graph()).message
    g, (i, a) = _chain(("VectorInput", {}), ("Linear", {}))
    dangling = g.add_node("ReLU")
    msgs = [e.message for e in errors(validate(g))]
    assert any("has no input" in m and "relu1" in m for m in msgs)
    assert any("loose end" in m for m in msgs)
    g2, _ = _chain(("Linear", {}), ("ReLU", {}))
    assert any("no input layer" in e.message for e in errors(validate(g2)))
    g3, (x, y, z) = _chain(("VectorInput", {}), ("Linear", {}), ("ReLU", {}))
    g3.edges.append(Edge(z, y, 1))  # a loop, as a hand-edited file could hold
    cyc = errors(validate(g3))
    assert {e.node_id for e in cyc} == {y, z} and all("loop" in e.message for e in cyc)
    assert dangling.id in {e.node_id for e in errors(validate(g))}


def test_merge_with_one_input_and_stride_with_same_padding():
    g, (i, c) = _chain(("ImageInput", {}), ("Conv2d", {"stride": 2, "padding": "same"}))
    assert "padding 'same' needs stride 1" in _only_error(g).message
    g2, (i2, a2) = _chain(("ImageInput", {}), ("Add", {}))
    assert "needs at least 2 inputs but has 1" in _only_error(g2).message


def test_advice_warnings_do_not_block():
    g, _ = _chain(("VectorInput", {}), ("Linear", {}), ("Linear", {}), ("Softmax", {}))
    issues = validate(g)
    assert not errors(issues)
    text = " ".join(i.message for i in issues)
    assert "two linear layers in a row act as one" in text and "applies softmax itself" in text
