"""Shape inference, parameter and MAC counts checked against real torch forward passes.

Reference: the built ``torch.fx`` module itself. Every node becomes a submodule named after it, so
forward hooks give each node's real output shape; the parameter count is ``sum(p.numel())`` of
that submodule, and MACs of Linear / convolutions are recomputed from the torch module's own
attributes (not from the catalog's formulas). One case per layer kind (at least), with non-default
parameters where they change the arithmetic, plus hypothesis-drawn random valid graphs.
"""

from __future__ import annotations

import random
from math import prod

import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from torch import nn

from playground.core.errors import GraphError
from playground.graph.layers import all_specs, get_spec
from playground.graph.model import Graph
from playground.graph.shapes import infer
from playground.graph.validate import errors, validate
from playground.nn.build import build_module, resolve

BATCH = 2

pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths:UserWarning")


# ---- the reference: one real forward pass ------------------------------------------------------


def _run(module: nn.Module, x: torch.Tensor, train: bool) -> dict[str, dict]:
    """Forward ``x`` once; per child name: output shape (no batch), input shapes, the module."""
    seen: dict[str, dict] = {}
    handles = []
    for name, child in module.named_children():
        def hook(mod, inputs, output, name=name):
            assert output.shape[0] == x.shape[0], f"{name} changed the batch size"
            seen[name] = {"out": tuple(output.shape[1:]), "ins": [tuple(i.shape[1:]) for i in inputs],
                          "out_numel": output.numel(), "in_numel": [i.numel() for i in inputs], "module": mod}
        handles.append(child.register_forward_hook(hook))
    module.train(train)
    try:
        with torch.no_grad():
            out = module(x)
    finally:
        for h in handles:
            h.remove()
    seen["__output__"] = {"out": tuple(out.shape[1:])}
    return seen


def _reference_macs(rec: dict) -> int | None:
    """MACs per sample computed from the torch module's attributes, for Linear and convolutions."""
    mod = rec["module"]
    if isinstance(mod, nn.Linear):
        return rec["out_numel"] // BATCH * mod.in_features
    if isinstance(mod, nn.modules.conv._ConvNd):
        if mod.transposed:  # every input value is scattered through out_channels/groups kernels
            return rec["in_numel"][0] // BATCH * (mod.out_channels // mod.groups) * prod(mod.kernel_size)
        return rec["out_numel"] // BATCH * (mod.in_channels // mod.groups) * prod(mod.kernel_size)
    return None


def check_against_torch(graph: Graph, modes=(False, True), seed: int = 0) -> dict[str, dict]:
    """Assert every node's inferred shape / params (and MACs where known) equal a real forward pass."""
    problems = errors(validate(graph))
    assert not problems, problems
    shapes = infer(graph)
    module = build_module(graph, seed=seed)
    children = dict(module.named_children())
    x = torch.randn(BATCH, *module.meta["input_shape"])
    for train in modes:
        seen = _run(module, x, train)
        for nid, node in graph.nodes.items():
            info = shapes.nodes[nid]
            assert node.name in seen, f"node {node.name} ({node.kind}) did not run in the forward pass"
            rec = seen[node.name]
            mode = "train" if train else "eval"
            assert rec["out"] == info.shape, (f"{node.kind} '{node.name}' ({mode}): inferred {info.shape}, "
                                              f"torch gives {rec['out']} (inputs {rec['ins']}, params {node.params})")
            real_params = sum(p.numel() for p in children[node.name].parameters())
            assert info.params == real_params, f"{node.kind} '{node.name}': counted {info.params} params, torch has {real_params}"
            macs = _reference_macs(rec)
            if macs is not None:
                assert info.macs == macs, f"{node.kind} '{node.name}': counted {info.macs} MACs, reference {macs}"
        assert seen["__output__"]["out"] == tuple(module.meta["output_shape"])
    assert sum(sum(p.numel() for p in c.parameters()) for c in children.values()) == shapes.total_params
    return seen


def chain(*layers) -> tuple[Graph, list[str]]:
    """A graph from (kind, params) pairs, each feeding the next."""
    g = Graph()
    ids = [g.add_node(kind, params=params).id for kind, params in layers]
    for a, b in zip(ids, ids[1:]):
        g.connect(a, b)
    return g, ids


def merge(kind: str, inp: tuple, branches: list[list[tuple]], after: list[tuple] = ()) -> Graph:
    """input -> each branch (a list of layers; empty = the input itself) -> merge node -> after."""
    g = Graph()
    src = g.add_node(inp[0], params=inp[1]).id
    m = g.add_node(kind).id
    for layers in branches:
        prev = src
        for k, p in layers:
            prev_new = g.add_node(k, params=p).id
            g.connect(prev, prev_new)
            prev = prev_new
        g.connect(prev, m)
    prev = m
    for k, p in after:
        nxt = g.add_node(k, params=p).id
        g.connect(prev, nxt)
        prev = nxt
    return g


# ---- one or more cases per layer kind ----------------------------------------------------------

IMG = ("ImageInput", {"channels": 4, "height": 13, "width": 11})
IMG6 = ("ImageInput", {"channels": 6, "height": 7, "width": 9})
VEC = ("VectorInput", {"features": 12})
SEQ = [("VectorInput", {"features": 24}), ("Reshape", {"shape": [4, 6]})]  # (4, 6): a sequence

CASES: list[tuple[str, str, object]] = [
    # (kind under test, case id, graph factory)
    ("PointsInput", "points-3-features", lambda: chain(
        ("PointsInput", {"x1": True, "x2": False, "x1_sq": True, "x1x2": True, "sin_x2": True}), ("Linear", {"units": 3}))[0]),
    ("PointsInput", "points-all", lambda: chain(
        ("PointsInput", {f: True for f in ("x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2")}), ("Identity", {}))[0]),
    ("VectorInput", "vector", lambda: chain(("VectorInput", {"features": 5}), ("Identity", {}))[0]),
    ("NoiseInput", "noise-3", lambda: chain(("NoiseInput", {"dim": 3}), ("Linear", {"units": 2}))[0]),
    ("ImageInput", "image-rgb", lambda: chain(("ImageInput", {"channels": 3, "height": 9, "width": 11}), ("Identity", {}))[0]),
    ("Linear", "linear", lambda: chain(VEC, ("Linear", {"units": 7}))[0]),
    ("Linear", "linear-no-bias", lambda: chain(VEC, ("Linear", {"units": 3, "bias": False}))[0]),
    ("Conv1d", "conv1d-s2-g2", lambda: chain(*SEQ, ("Conv1d", {"filters": 6, "kernel_size": 3, "stride": 2, "groups": 2,
                                                               "padding": 1}))[0]),
    ("Conv1d", "conv1d-same-dil2", lambda: chain(*SEQ, ("Conv1d", {"filters": 5, "kernel_size": 2, "padding": "same",
                                                                   "dilation": 2, "bias": False}))[0]),
    ("Conv2d", "conv2d-s2-d2-g2", lambda: chain(IMG, ("Conv2d", {"filters": 6, "kernel_size": 3, "stride": 2,
                                                                 "padding": 1, "dilation": 2, "groups": 2}))[0]),
    ("Conv2d", "conv2d-same-even-k", lambda: chain(IMG, ("Conv2d", {"filters": 5, "kernel_size": 4, "padding": "same",
                                                                    "dilation": 2}))[0]),
    ("Conv2d", "conv2d-depthwise-s3", lambda: chain(IMG, ("Conv2d", {"filters": 8, "kernel_size": 5, "stride": 3,
                                                                     "groups": 4, "bias": False}))[0]),
    ("ConvTranspose2d", "convT-k3-s2-p1-op1", lambda: chain(IMG, ("ConvTranspose2d", {
        "filters": 5, "kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1}))[0]),
    ("ConvTranspose2d", "convT-d2-op1", lambda: chain(IMG, ("ConvTranspose2d", {
        "filters": 3, "kernel_size": 3, "stride": 1, "dilation": 2, "output_padding": 1, "bias": False}))[0]),
    ("ConvTranspose2d", "convT-default", lambda: chain(IMG, ("ConvTranspose2d", {}))[0]),
    ("FixedConv2d", "edge-laplacian-p0", lambda: chain(IMG, ("FixedConv2d", {"filter": "laplacian", "padding": 0}))[0]),
    ("FixedConv2d", "edge-trainable-p2", lambda: chain(IMG, ("FixedConv2d", {"trainable": True, "padding": 2}))[0]),
    ("MaxPool2d", "maxpool-k3-s2-p1-d2", lambda: chain(IMG, ("MaxPool2d", {"kernel_size": 3, "stride": 2, "padding": 1,
                                                                           "dilation": 2}))[0]),
    ("MaxPool2d", "maxpool-default-odd", lambda: chain(IMG, ("MaxPool2d", {}))[0]),
    ("AvgPool2d", "avgpool-k3-s2-p1", lambda: chain(IMG, ("AvgPool2d", {"kernel_size": 3, "stride": 2, "padding": 1}))[0]),
    ("AvgPool2d", "avgpool-k4-s3", lambda: chain(IMG, ("AvgPool2d", {"kernel_size": 4, "stride": 3}))[0]),
    ("GlobalAvgPool", "gap-image", lambda: chain(IMG, ("GlobalAvgPool", {}))[0]),
    ("GlobalAvgPool", "gap-sequence", lambda: chain(*SEQ, ("GlobalAvgPool", {}))[0]),
    ("Flatten", "flatten-image", lambda: chain(IMG, ("Flatten", {}), ("Linear", {"units": 2}))[0]),
    ("Flatten", "flatten-vector", lambda: chain(VEC, ("Flatten", {}))[0]),
    ("Reshape", "reshape-minus-one", lambda: chain(("VectorInput", {"features": 24}), ("Reshape", {"shape": [2, -1, 3]}))[0]),
    ("Reshape", "reshape-image-to-vector", lambda: chain(IMG, ("Reshape", {"shape": [-1]}), ("Linear", {"units": 2}))[0]),
    ("Upsample", "upsample-nearest-3", lambda: chain(IMG, ("Upsample", {"scale": 3}))[0]),
    ("Upsample", "upsample-bilinear-2", lambda: chain(IMG, ("Upsample", {"scale": 2, "mode": "bilinear"}))[0]),
    ("BatchNorm", "bn-image", lambda: chain(IMG, ("BatchNorm", {"momentum": 0.3}))[0]),
    ("BatchNorm", "bn-vector", lambda: chain(VEC, ("BatchNorm", {}))[0]),
    ("BatchNorm", "bn-sequence", lambda: chain(*SEQ, ("BatchNorm", {}))[0]),
    ("LayerNorm", "ln-image", lambda: chain(IMG, ("LayerNorm", {}))[0]),
    ("LayerNorm", "ln-vector-no-affine", lambda: chain(VEC, ("LayerNorm", {"affine": False}))[0]),
    ("GroupNorm", "gn-3-groups", lambda: chain(IMG6, ("GroupNorm", {"groups": 3}))[0]),
    ("GroupNorm", "gn-no-affine-vector", lambda: chain(VEC, ("GroupNorm", {"groups": 4, "affine": False}))[0]),
    ("InstanceNorm", "in-image-affine", lambda: chain(IMG, ("InstanceNorm", {"affine": True}))[0]),
    ("InstanceNorm", "in-sequence", lambda: chain(*SEQ, ("InstanceNorm", {}))[0]),
    ("Dropout", "dropout-vector", lambda: chain(VEC, ("Dropout", {"p": 0.3}))[0]),
    ("Dropout", "dropout-image", lambda: chain(IMG, ("Dropout", {}))[0]),
    ("Dropout2d", "dropout2d", lambda: chain(IMG, ("Dropout2d", {"p": 0.2}))[0]),
    ("Add", "add-residual", lambda: merge("Add", IMG, [[], [("Conv2d", {"filters": 4, "kernel_size": 3, "padding": "same"}),
                                                            ("ReLU", {})]])),
    ("Add", "add-three-branches", lambda: merge("Add", VEC, [[("Linear", {"units": 5})], [("Linear", {"units": 5})],
                                                             [("Linear", {"units": 5, "bias": False})]],
                                                after=[("Linear", {"units": 2})])),
    ("Concat", "concat-inception", lambda: merge("Concat", IMG, [
        [("Conv2d", {"filters": 3, "kernel_size": 1})],
        [("Conv2d", {"filters": 2, "kernel_size": 5, "padding": 2})],
        [("MaxPool2d", {"kernel_size": 3, "stride": 1, "padding": 1})]], after=[("Conv2d", {"filters": 2})])),
    ("Concat", "concat-vectors", lambda: merge("Concat", VEC, [[], [("Linear", {"units": 3})]])),
    ("Maxout", "maxout-vector-3", lambda: chain(VEC, ("Linear", {"units": 9}), ("Maxout", {"pieces": 3}))[0]),
    ("Maxout", "maxout-image", lambda: chain(IMG6, ("Maxout", {"pieces": 2}))[0]),
    ("PReLU", "prelu-per-channel-image", lambda: chain(IMG, ("PReLU", {"per_channel": True}))[0]),
    ("PReLU", "prelu-per-channel-vector", lambda: chain(VEC, ("PReLU", {"per_channel": True}))[0]),
    ("PReLU", "prelu-shared", lambda: chain(IMG, ("PReLU", {}))[0]),
    ("Softmax", "softmax-vector", lambda: chain(VEC, ("Softmax", {}))[0]),
    ("Softmax", "softmax-image", lambda: chain(IMG, ("Softmax", {}))[0]),
    ("LogSoftmax", "logsoftmax", lambda: chain(VEC, ("LogSoftmax", {}))[0]),
    ("Step", "step-no-st", lambda: chain(VEC, ("Step", {"straight_through": False}))[0]),
    ("LeakyReLU", "leaky-0.2", lambda: chain(IMG, ("LeakyReLU", {"slope": 0.2}))[0]),
    ("ELU", "elu-alpha-2", lambda: chain(IMG, ("ELU", {"alpha": 2.0}))[0]),
    ("Softplus", "softplus-beta-3", lambda: chain(VEC, ("Softplus", {"beta": 3.0}))[0]),
]
_SIMPLE_ACTIVATIONS = ("Identity", "Sigmoid", "Tanh", "ReLU", "SELU", "GELU", "SiLU", "Softsign", "Hardtanh", "Mish")
CASES += [(k, k.lower(), (lambda k: lambda: chain(IMG, (k, {}))[0])(k)) for k in _SIMPLE_ACTIVATIONS]


def test_cases_cover_every_layer_kind():
    covered = {kind for kind, _, _ in CASES}
    missing = [s.kind for s in all_specs() if s.kind not in covered]
    assert not missing, f"add a shape-vs-torch case for: {missing}"
    assert covered <= {s.kind for s in all_specs()}
    assert len({cid for _, cid, _ in CASES}) == len(CASES)


@pytest.mark.parametrize("kind, factory", [pytest.param(k, f, id=f"{k}:{cid}") for k, cid, f in CASES])
def test_every_kind_matches_a_real_forward_pass(kind, factory):
    graph = factory()
    assert any(n.kind == kind for n in graph.nodes.values())
    check_against_torch(graph)


def test_checker_catches_a_wrong_shape_rule(monkeypatch):
    """The comparison above can fail: a shape rule that is off by one is reported."""
    from dataclasses import replace

    from playground.graph import layers

    real = get_spec("AvgPool2d")  # also loads the catalog before the registry is patched
    wrong = replace(real, shape=lambda ins, p: (lambda s: (s[0], s[1] + 1, s[2]))(real.shape(ins, p)))
    monkeypatch.setitem(layers.REGISTRY.specs, "AvgPool2d", wrong)
    graph, _ = chain(IMG, ("AvgPool2d", {}))
    with pytest.raises(AssertionError, match="AvgPool2d"):
        check_against_torch(graph, modes=(False,))


# ---- random valid graphs (hypothesis) ----------------------------------------------------------


class _Draws:
    """The randomness a graph generator needs, from hypothesis (shrinkable) or from random.Random."""

    def __init__(self, data=None, rng: random.Random | None = None):
        self.data, self.rng = data, rng

    def int(self, lo: int, hi: int) -> int:
        return self.data.draw(st.integers(lo, hi)) if self.data else self.rng.randint(lo, hi)

    def pick(self, seq):
        seq = list(seq)
        return self.data.draw(st.sampled_from(seq)) if self.data else self.rng.choice(seq)

    def coin(self) -> bool:
        return self.data.draw(st.booleans()) if self.data else self.rng.random() < 0.5


_IMG_ACTS = ("ReLU", "Tanh", "LeakyReLU", "ELU", "GELU", "Sigmoid", "PReLU", "SiLU", "Identity", "Hardtanh")


def _channels(g: Graph, nid: str) -> int:
    shape = infer(g).shape(nid)
    return shape[0] if shape else 1


def _conv_params(d: _Draws, same: bool = False) -> dict:
    k = d.int(1, 5)
    stride = 1 if same else d.int(1, 2)
    padding = "same" if same else d.pick([0, 1, 2] + (["same"] if stride == 1 else []))
    return {"filters": d.int(1, 6), "kernel_size": k, "stride": stride, "padding": padding, "dilation": d.int(1, 2),
            "bias": d.coin()}


def random_image_graph(d: _Draws) -> Graph:
    g = Graph()
    cur = g.add_node("ImageInput", params={"channels": d.int(1, 3), "height": d.int(8, 20), "width": d.int(8, 20)}).id

    def add(kind, params, *srcs):
        node = g.add_node(kind, params=params)
        for s in srcs:
            g.connect(s, node.id)
        return node.id

    for _ in range(d.int(1, 6)):
        what = d.pick(["conv", "conv", "pool", "act", "norm", "dropout", "residual", "concat"])
        if what == "conv":
            p = _conv_params(d)
            c = _channels(g, cur)
            if d.coin() and c > 1 and c % 2 == 0:
                p["groups"], p["filters"] = 2, 2 * d.int(1, 3)
            cur = add("Conv2d", p, cur)
        elif what == "pool":
            kind = d.pick(["MaxPool2d", "AvgPool2d"])
            p = {"kernel_size": d.int(2, 3), "stride": d.int(1, 2), "padding": d.int(0, 1)}
            if kind == "MaxPool2d":
                p["dilation"] = d.int(1, 2)
            cur = add(kind, p, cur)
        elif what == "act":
            kind = d.pick(_IMG_ACTS)
            cur = add(kind, {"per_channel": d.coin()} if kind == "PReLU" else {}, cur)
        elif what == "norm":
            c = _channels(g, cur)
            if d.coin():
                cur = add("BatchNorm", {}, cur)
            else:
                cur = add("GroupNorm", {"groups": d.pick([x for x in range(1, c + 1) if c % x == 0])}, cur)
        elif what == "dropout":
            cur = add(d.pick(["Dropout", "Dropout2d"]), {"p": 0.25}, cur)
        elif what == "residual":
            p = _conv_params(d, same=True)
            p["filters"] = _channels(g, cur)
            branch = add("Conv2d", p, cur)
            if d.coin():
                branch = add(d.pick(_IMG_ACTS), {}, branch)
            cur = add("Add", {}, cur, branch)
        else:  # concat: two or three branches that keep the spatial size
            srcs = []
            for _ in range(d.int(2, 3)):
                kind = d.pick(["conv", "pool", "self"])
                if kind == "conv":
                    srcs.append(add("Conv2d", _conv_params(d, same=True), cur))
                elif kind == "pool":
                    srcs.append(add("MaxPool2d", {"kernel_size": 3, "stride": 1, "padding": 1}, cur))
                elif cur not in srcs:
                    srcs.append(cur)
            if len(srcs) < 2:
                srcs.append(add("Conv2d", {"filters": 2, "kernel_size": 1}, cur))
            cur = add("Concat", {}, *srcs)
    cur = add("Flatten", {}, cur)
    add("Linear", {"units": d.int(1, 5)}, cur)
    return g


def random_vector_graph(d: _Draws) -> Graph:
    g = Graph()
    if d.coin():
        feats = ("x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2")
        cur = g.add_node("PointsInput", params={f: d.coin() for f in feats}).id
    else:
        cur = g.add_node("VectorInput", params={"features": d.int(1, 8)}).id

    def add(kind, params, *srcs):
        node = g.add_node(kind, params=params)
        for s in srcs:
            g.connect(s, node.id)
        return node.id

    for _ in range(d.int(1, 6)):
        what = d.pick(["linear", "linear", "act", "maxout", "norm", "dropout", "add", "concat"])
        if what == "linear":
            cur = add("Linear", {"units": d.int(1, 8), "bias": d.coin()}, cur)
        elif what == "act":
            kind = d.pick(_IMG_ACTS + ("Step", "Softplus", "SELU", "Mish"))
            cur = add(kind, {"per_channel": True} if kind == "PReLU" else {}, cur)
        elif what == "maxout":
            k = d.int(1, 4)
            cur = add("Linear", {"units": k * d.int(1, 4)}, cur)
            cur = add("Maxout", {"pieces": k}, cur)
        elif what == "norm":
            cur = add(d.pick(["LayerNorm", "BatchNorm"]), {}, cur)
        elif what == "dropout":
            cur = add("Dropout", {"p": 0.1}, cur)
        elif what == "add":
            units = d.int(1, 6)
            a = add("Linear", {"units": units}, cur)
            b = add("Linear", {"units": units}, cur)
            cur = add("Add", {}, a, b)
        else:
            a = add("Linear", {"units": d.int(1, 4)}, cur)
            cur = add("Concat", {}, cur, a)
    add("Linear", {"units": d.int(1, 4)}, cur)
    return g


def _valid(g: Graph) -> bool:
    return not errors(validate(g))


@pytest.mark.parametrize("generator, at_least", [(random_image_graph, 0.85), (random_vector_graph, 0.9)])
def test_random_generators_mostly_make_valid_graphs(generator, at_least):
    """The property tests below skip invalid draws; make sure they test many graphs, not few."""
    rng = random.Random(1234)
    graphs = [generator(_Draws(rng=rng)) for _ in range(300)]
    share = sum(_valid(g) for g in graphs) / len(graphs)
    assert share >= at_least, f"only {share:.0%} of the random graphs are valid"
    assert max(len(g.nodes) for g in graphs) >= 8


_PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.filter_too_much])


@_PROPERTY
@given(st.data())
def test_random_image_graphs_match_torch(data):
    graph = random_image_graph(_Draws(data))
    assume(_valid(graph))
    check_against_torch(graph)


@_PROPERTY
@given(st.data())
def test_random_vector_graphs_match_torch(data):
    graph = random_vector_graph(_Draws(data))
    assume(_valid(graph))
    check_against_torch(graph)


# ---- checks that catch a real torch failure -----------------------------------------------------


def _torch_module_for(graph: Graph, nid: str) -> tuple[nn.Module, list[tuple]]:
    """The torch module a node would become, built from its recipe, and its inferred input shapes."""
    shapes = infer(graph)
    node = graph.nodes[nid]
    ins = [shapes.shape(s) for s in graph.inputs_of(nid)]
    class_name, kwargs = node.spec.torch(node.params, ins)
    return resolve(class_name)(**kwargs), ins


def test_kernel_larger_than_input_is_worded_and_torch_really_fails():
    g, (inp, conv) = chain(("ImageInput", {"channels": 1, "height": 4, "width": 4}), ("Conv2d", {"kernel_size": 5}))
    issues = errors(validate(g))
    assert [i.node_id for i in issues] == [conv]
    msg = issues[0].message
    assert "5x5" in msg and "4x4" in msg and "conv1" in msg
    assert "lower the kernel_size to 4" in msg and "add padding 1" in msg
    with pytest.raises(GraphError):
        build_module(g)
    module, ins = _torch_module_for(g, conv)
    with pytest.raises(RuntimeError):
        module(torch.zeros(BATCH, *ins[0]))
    # and the suggested fixes really work in torch
    for fix in ({"kernel_size": 4}, {"padding": 1}):
        g.set_param(conv, "kernel_size", 5)
        g.set_param(conv, "padding", 0)
        for k, v in fix.items():
            g.set_param(conv, k, v)
        check_against_torch(g, modes=(False,))


REJECTED = [
    ("pool-window-too-large", [("ImageInput", {"height": 3, "width": 3}), ("MaxPool2d", {"kernel_size": 4, "stride": 1})]),
    ("avgpool-too-large", [("ImageInput", {"height": 3, "width": 8}), ("AvgPool2d", {"kernel_size": 5, "stride": 1})]),
    ("pool-padding-over-half", [("ImageInput", {"height": 8, "width": 8}), ("MaxPool2d", {"kernel_size": 3, "padding": 2})]),
    ("dilated-kernel-too-large", [("ImageInput", {"height": 6, "width": 9}),
                                  ("Conv2d", {"kernel_size": 3, "dilation": 3})]),
    ("conv-groups", [("ImageInput", {"channels": 3}), ("Conv2d", {"groups": 2, "filters": 4})]),
    ("conv-same-stride-2", [("ImageInput", {"channels": 3}), ("Conv2d", {"padding": "same", "stride": 2})]),
    ("conv1d-on-vector", [("VectorInput", {}), ("Conv1d", {})]),
    ("conv2d-on-vector", [("VectorInput", {}), ("Conv2d", {})]),
    ("convT-output-padding", [("ImageInput", {"height": 5, "width": 5}),
                              ("ConvTranspose2d", {"stride": 2, "output_padding": 2})]),
    ("linear-on-image", [("ImageInput", {"height": 5, "width": 5}), ("Linear", {})]),
    ("groupnorm-groups", [("ImageInput", {"channels": 6}), ("GroupNorm", {"groups": 4})]),
    ("maxout-pieces", [("VectorInput", {"features": 7}), ("Maxout", {"pieces": 2})]),
    ("reshape-count", [("VectorInput", {"features": 7}), ("Reshape", {"shape": [2, -1]})]),
    ("upsample-vector", [("VectorInput", {}), ("Upsample", {})]),
]


@pytest.mark.parametrize("layers", [pytest.param(layers, id=cid) for cid, layers in REJECTED])
def test_rejected_configurations_really_fail_in_torch(layers):
    """Every shape check here stands for a real torch failure, and is reported on the culprit."""
    g, ids = chain(*layers)
    bad = ids[-1]
    issues = errors(validate(g))
    assert [i.node_id for i in issues] == [bad], issues
    assert "; " in issues[0].message, "the message should end with a fix"
    with pytest.raises(GraphError):
        build_module(g)
    # build the torch module from its recipe on the real input tensor and watch it fail
    g2, ids2 = chain(*layers[:-1], ("Identity", {}))
    x = torch.randn(BATCH, *infer(g2).shape(ids2[-2]))
    node = g.nodes[bad]
    try:
        class_name, kwargs = node.spec.torch(node.params, [tuple(x.shape[1:])])
        module = resolve(class_name)(**kwargs)
        module(x)
    except (RuntimeError, ValueError):
        return
    pytest.fail(f"torch accepted {layers[-1]} on input {tuple(x.shape[1:])}, so the check rejects a working network")


@pytest.mark.parametrize("kind", ["Add", "Concat"])
def test_rejected_merges_really_fail_in_torch(kind):
    g = merge(kind, ("ImageInput", {"channels": 2, "height": 8, "width": 8}),
              [[("Conv2d", {"filters": 2, "kernel_size": 3})], [("Conv2d", {"filters": 3, "kernel_size": 1})]])
    m = next(n for n in g.nodes.values() if n.kind == kind)
    issues = errors(validate(g))
    assert [i.node_id for i in issues] == [m.id]
    module, ins = _torch_module_for(g, m.id)
    with pytest.raises(RuntimeError):
        module(*(torch.zeros(BATCH, *s) for s in ins))


_ONE_POSITION = [
    pytest.param([("ImageInput", {"channels": 2, "height": 2, "width": 2}), ("MaxPool2d", {}), ("InstanceNorm", {})],
                 id="1x1-map"),
    pytest.param([("VectorInput", {"features": 2}), ("Reshape", {"shape": [2, 1]}), ("InstanceNorm", {})], id="length-1"),
]


@pytest.mark.parametrize("layers", _ONE_POSITION)
def test_instance_norm_on_one_position_fails_in_torch(layers):
    """The reference for the next test: torch refuses InstanceNorm on 1x1 maps (no running stats, so
    evaluation normalizes per instance too and fails the same way)."""
    g, ids = chain(*layers)
    module, ins = _torch_module_for(g, ids[-1])
    assert prod(ins[0][1:]) == 1
    for train in (True, False):
        module.train(train)
        with pytest.raises(ValueError, match="more than 1 spatial element"):
            module(torch.randn(BATCH, *ins[0]))


@pytest.mark.parametrize("layers", _ONE_POSITION)
def test_instance_norm_on_one_position_is_reported(layers):
    g, ids = chain(*layers)
    issues = errors(validate(g))
    assert [i.node_id for i in issues] == [ids[-1]], "a graph that cannot train must be marked red on the InstanceNorm"


def test_get_spec_kinds_are_the_catalog():
    assert {get_spec(s.kind).kind for s in all_specs()} == {s.kind for s in all_specs()}
