"""The analytic receptive field (graph/receptive.py) checked against autograd on the built module.

Reference: which input pixels a unit really depends on. All convolution weights are set to positive
constants and biases to zero, pooling is average pooling and the input is positive, so no gradient
can cancel: the nonzero entries of d(unit)/d(input) are exactly the pixels the unit sees. For
convolutions, pooling, dilation and branches the bounding box of that region must equal the
analytic ``span`` clipped to the image; for transposed convolution and upsampling, where the
(size, jump, start) description is only an upper bound, the region must lie inside it.
"""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from playground.graph.model import Graph
from playground.graph.receptive import ReceptiveField, receptive_fields
from playground.graph.shapes import infer
from playground.nn.build import build_module

pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths:UserWarning")


def chain(*layers) -> tuple[Graph, list[str]]:
    g = Graph()
    ids = [g.add_node(kind, params=params).id for kind, params in layers]
    for a, b in zip(ids, ids[1:]):
        g.connect(a, b)
    return g, ids


def branches(inp, stem, arms, merge: str) -> Graph:
    """input -> stem layers -> each arm (list of layers) -> merge node."""
    g, ids = chain(inp, *stem)
    m = g.add_node(merge).id
    for arm in arms:
        prev = ids[-1]
        for kind, params in arm:
            nid = g.add_node(kind, params=params).id
            g.connect(prev, nid)
            prev = nid
        g.connect(prev, m)
    return g


def _positive_module(graph: Graph) -> nn.Module:
    module = build_module(graph, seed=0).double().eval()
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.modules.conv._ConvNd, nn.Linear)):
                m.weight.fill_(1.0 / m.weight[0].numel())
                if m.bias is not None:
                    m.bias.zero_()
    return module


def _dependence(module: nn.Module, shape: tuple[int, ...]):
    """Function (i, j) -> boolean (H, W) map of the input pixels that output position (i, j) depends on."""
    x = (torch.rand(1, *shape, dtype=torch.float64, generator=torch.Generator().manual_seed(0)) + 0.5)
    x.requires_grad_(True)
    out = module(x)  # (1, C, h, w)

    def region(i: int, j: int) -> torch.Tensor:
        (grad,) = torch.autograd.grad(out[0, :, i, j].sum(), x, retain_graph=True)
        return grad[0].abs().sum(0) > 0  # (H, W)

    return out.shape[2:], region


def _bounds(mask_1d: torch.Tensor) -> tuple[int, int]:
    idx = torch.nonzero(mask_1d).flatten()
    return int(idx.min()), int(idx.max())


def _clipped(rf: ReceptiveField, index: int, size: int) -> tuple[int, int]:
    first, last = rf.span(index)
    return max(0, math.ceil(first - 1e-9)), min(size - 1, math.floor(last + 1e-9))


def compare(graph: Graph, exact: str | None = "all", fields=None) -> int:
    """Check every output unit's gradient region against the analytic span.

    ``exact``: "all" - the region's bounding box equals the clipped span for every unit;
    "interior" - equal along each axis where the span lies inside the image, contained where it is
    clipped (dilated kernels have holes, so a clipped border tap may land on no real pixel);
    None - contained everywhere. Returns how many (unit, axis) pairs were checked for equality.
    """
    shapes = infer(graph)
    fields = fields or receptive_fields(graph, shapes)
    (out_node,) = graph.output_nodes()
    rf = fields[out_node.id]
    assert rf is not None and not rf.whole_input, rf
    inp = graph.input_nodes()[0]
    in_shape = shapes.shape(inp.id)
    H, W = in_shape[1:]
    module = _positive_module(graph)
    (h, w), region = _dependence(module, in_shape)
    assert (h, w) == shapes.shape(out_node.id)[1:]
    equal_checks = 0
    for i in range(h):
        for j in range(w):
            mask = region(i, j)
            assert mask.any(), f"unit ({i}, {j}) depends on no pixel at all"
            where = f"unit ({i}, {j}) of '{out_node.name}', field {rf}"
            for axis, index, size, seen in (("rows", i, H, _bounds(mask.any(1))), ("cols", j, W, _bounds(mask.any(0)))):
                first, last = rf.span(index)
                want = _clipped(rf, index, size)
                inside = first >= 0 and last <= size - 1
                if exact == "all" or (exact == "interior" and inside):
                    equal_checks += 1
                    assert seen == want, f"{where}: sees {axis} {seen}, analytic {want}"
                else:
                    assert want[0] <= seen[0] and seen[1] <= want[1], f"{where}: sees {axis} {seen}, analytic {want}"
    return equal_checks


def img(c=1, h=12, w=12):
    return ("ImageInput", {"channels": c, "height": h, "width": w})


EXACT = {
    "conv-k3": lambda: chain(img(), ("Conv2d", {"filters": 2, "kernel_size": 3}))[0],
    "conv-k3-padded": lambda: chain(img(2, 9, 11), ("Conv2d", {"filters": 2, "kernel_size": 3, "padding": 1}))[0],
    "conv-k5-s2": lambda: chain(img(2, 15, 15), ("Conv2d", {"filters": 2, "kernel_size": 5, "stride": 2, "padding": 1}))[0],
    "two-convs-stride-then-k3": lambda: chain(img(1, 17, 17), ("Conv2d", {"kernel_size": 3, "stride": 2}), ("ReLU", {}),
                                              ("Conv2d", {"kernel_size": 3, "padding": 1}))[0],
    "dilation-2-valid": lambda: chain(img(1, 13, 13), ("Conv2d", {"kernel_size": 3, "dilation": 2}), ("ReLU", {}),
                                      ("Conv2d", {"kernel_size": 3, "dilation": 2}))[0],
    "same-even-kernel": lambda: chain(img(1, 11, 11), ("Conv2d", {"kernel_size": 4, "padding": "same"}),
                                      ("Conv2d", {"kernel_size": 2, "padding": "same"}))[0],
    "avgpool": lambda: chain(img(1, 12, 12), ("AvgPool2d", {"kernel_size": 3, "stride": 2, "padding": 1}))[0],
    "avgpool-default": lambda: chain(img(1, 11, 11), ("AvgPool2d", {}), ("AvgPool2d", {"kernel_size": 3, "stride": 1}))[0],
    "lenet": lambda: chain(img(1, 24, 24), ("Conv2d", {"filters": 2, "kernel_size": 5, "padding": 2}), ("ReLU", {}),
                           ("AvgPool2d", {}), ("Conv2d", {"filters": 3, "kernel_size": 5}), ("ReLU", {}),
                           ("AvgPool2d", {}))[0],
    "edge-filter-then-conv": lambda: chain(img(2, 10, 10), ("FixedConv2d", {"padding": 0}),
                                           ("Conv2d", {"kernel_size": 3, "stride": 2}))[0],
    "norms-and-activations-pass-through": lambda: chain(img(2, 10, 10), ("Conv2d", {"filters": 4, "kernel_size": 3}),
                                                        ("BatchNorm", {}), ("ReLU", {}), ("Dropout", {}),
                                                        ("Conv2d", {"kernel_size": 3}))[0],
    "add-1x1-and-5x5-same": lambda: branches(img(2, 11, 11), [("Conv2d", {"filters": 3, "kernel_size": 3, "stride": 2})],
                                              [[("Conv2d", {"filters": 2, "kernel_size": 1})],
                                               [("Conv2d", {"filters": 2, "kernel_size": 5, "padding": "same"})]], "Add"),
    "add-identity-shortcut": lambda: branches(img(2, 12, 12), [("Conv2d", {"filters": 2, "kernel_size": 3, "padding": 1})],
                                               [[], [("Conv2d", {"filters": 2, "kernel_size": 3, "padding": "same"}),
                                                     ("ReLU", {}),
                                                     ("Conv2d", {"filters": 2, "kernel_size": 3, "padding": "same"})]],
                                               "Add"),
    "concat-1x1-and-avgpool-3x3": lambda: branches(img(1, 9, 9), [],
                                                    [[("Conv2d", {"filters": 2, "kernel_size": 1})],
                                                     [("AvgPool2d", {"kernel_size": 3, "stride": 1, "padding": 1})]],
                                                    "Concat"),
}


@pytest.mark.parametrize("factory", [pytest.param(f, id=k) for k, f in EXACT.items()])
def test_analytic_span_equals_gradient_region(factory):
    assert compare(factory(), exact="all") >= 8


DILATED_PADDED = {
    "dilation-2-padded": lambda: chain(img(1, 13, 13), ("Conv2d", {"kernel_size": 3, "dilation": 2}), ("ReLU", {}),
                                       ("Conv2d", {"kernel_size": 3, "dilation": 2, "padding": 2}))[0],
    "same-even-kernel-dilated": lambda: chain(img(1, 11, 11), ("Conv2d", {"kernel_size": 4, "padding": "same"}),
                                              ("Conv2d", {"kernel_size": 2, "padding": "same", "dilation": 3}))[0],
    "pool-then-dilated-strided-conv": lambda: chain(img(1, 12, 12), ("AvgPool2d", {"kernel_size": 2, "stride": 1}),
                                            ("Conv2d", {"kernel_size": 3, "stride": 2, "dilation": 2, "padding": 1}))[0],
}


@pytest.mark.parametrize("factory", [pytest.param(f, id=k) for k, f in DILATED_PADDED.items()])
def test_dilated_padded_span_is_exact_inside_and_bounds_the_border(factory):
    """A dilated kernel has holes: where its outer tap falls on padding, the unit's first real pixel
    is one hole further in, so only unclipped spans can be exact."""
    assert compare(factory(), exact="interior") >= 4


CONTAINED = {
    "convT-default-k2-s2": lambda: chain(img(1, 5, 5), ("ConvTranspose2d", {"filters": 2}))[0],
    "convT-k3-s2-p1-op1": lambda: chain(img(1, 8, 8), ("Conv2d", {"filters": 2, "kernel_size": 3}),
                                        ("ConvTranspose2d", {"filters": 2, "kernel_size": 3, "stride": 2, "padding": 1,
                                                             "output_padding": 1}))[0],
    "convT-k4-s2-p1": lambda: chain(img(1, 6, 6), ("ConvTranspose2d", {"kernel_size": 4, "stride": 2, "padding": 1}))[0],
    "convT-dilated": lambda: chain(img(1, 6, 6), ("ConvTranspose2d", {"kernel_size": 3, "stride": 1, "dilation": 2,
                                                                       "padding": 1}))[0],
    "encoder-decoder": lambda: chain(img(1, 12, 12), ("Conv2d", {"kernel_size": 3, "stride": 2, "padding": 1}),
                                     ("ConvTranspose2d", {"kernel_size": 4, "stride": 2, "padding": 1}),
                                     ("Conv2d", {"kernel_size": 3, "padding": 1}))[0],
    "upsample-nearest": lambda: chain(img(1, 6, 6), ("Conv2d", {"kernel_size": 3, "padding": 1}),
                                      ("Upsample", {"scale": 3}))[0],
    "maxpool": lambda: chain(img(1, 10, 10), ("MaxPool2d", {"kernel_size": 3, "stride": 2, "dilation": 2}))[0],
}


@pytest.mark.parametrize("factory", [pytest.param(f, id=k) for k, f in CONTAINED.items()])
def test_gradient_region_lies_inside_analytic_span(factory):
    compare(factory(), exact=None)


@pytest.mark.parametrize("before", [pytest.param([], id="on-pixels"),
                                    pytest.param([("Conv2d", {"kernel_size": 3, "padding": 1})], id="after-conv")])
def test_bilinear_upsample_region_lies_inside_analytic_span(before):
    # e.g. on pixels, scale 2: unit 1 samples source x = 0.25, blending pixels 0 and 1, but the
    # analytic field (size 2, jump 0.5, start -0.25) spans [-0.25, 0.75]: pixel 1 is left out
    g, _ = chain(img(1, 6, 6), *before, ("Upsample", {"scale": 2, "mode": "bilinear"}))
    compare(g, exact=None)


@pytest.mark.parametrize("change", [{"size": -2}, {"size": 2}, {"start": 1}, {"jump": 1}])
def test_exact_comparison_can_fail(change):
    """A field that is slightly off (too small, too large, shifted, wrong step) is caught by ``compare``."""
    g = EXACT["conv-k5-s2"]()
    fields = receptive_fields(g)
    wrong = {k: ReceptiveField(v.size + change.get("size", 0), v.jump + change.get("jump", 0),
                               v.start + change.get("start", 0)) if v else v for k, v in fields.items()}
    compare(g, exact="all", fields=fields)
    with pytest.raises(AssertionError):
        compare(g, exact="all", fields=wrong)


@pytest.mark.parametrize("layers", [
    pytest.param([("Conv2d", {"kernel_size": 3}), ("GlobalAvgPool", {})], id="global-avg-pool"),
    pytest.param([("Conv2d", {"kernel_size": 3, "stride": 2}), ("Flatten", {}), ("Linear", {"units": 3})], id="linear"),
    pytest.param([("Flatten", {}), ("Linear", {"units": 3})], id="linear-on-pixels"),
    pytest.param([("Conv2d", {"kernel_size": 3}), ("GlobalAvgPool", {}), ("ReLU", {}), ("Linear", {"units": 2})],
                 id="after-global"),
])
def test_global_layers_see_the_whole_input(layers):
    g, ids = chain(img(1, 11, 7), *layers)
    fields = receptive_fields(g)
    out = fields[ids[-1]]
    assert out.whole_input and out.describe() == "whole input"
    assert not any(fields[i].whole_input for i in ids[:2])  # the input and the first layer do not
    # reference: every output value really depends on every input pixel
    module = _positive_module(g)
    x = torch.rand(1, 1, 11, 7, dtype=torch.float64) + 0.5
    x.requires_grad_(True)
    y = module(x)
    for k in range(y.shape[1]):
        (grad,) = torch.autograd.grad(y[0, k], x, retain_graph=True)
        assert (grad != 0).all()


@pytest.mark.parametrize("layers", [
    pytest.param([("VectorInput", {"features": 4}), ("Linear", {}), ("ReLU", {}), ("Linear", {"units": 2})], id="vector"),
    pytest.param([("PointsInput", {"x1_sq": True}), ("Linear", {"units": 4}), ("Tanh", {})], id="points"),
    pytest.param([("VectorInput", {"features": 16}), ("Reshape", {"shape": [1, 4, 4]}), ("Conv2d", {})],
                 id="vector-reshaped-to-image"),
])
def test_non_image_inputs_have_no_field(layers):
    g, ids = chain(*layers)
    fields = receptive_fields(g)
    assert set(fields) == set(ids)
    assert all(f is None for f in fields.values()), fields


def test_image_input_field_is_one_pixel():
    g, ids = chain(img(3, 8, 8), ("Conv2d", {"kernel_size": 3, "stride": 2}), ("Conv2d", {"kernel_size": 3}))
    fields = receptive_fields(g)
    assert fields[ids[0]] == ReceptiveField(1, 1, 0)
    assert (fields[ids[1]].size, fields[ids[1]].jump, fields[ids[1]].start) == (3, 2, 1)
    assert (fields[ids[2]].size, fields[ids[2]].jump, fields[ids[2]].start) == (7, 2, 3)


def test_merge_of_branches_with_different_strides_is_contained():
    # 8x8 -> (5x5 conv, stride 1) and (1x1 conv, stride 2) both give 4x4; unit 3 of the Add sees
    # columns 3..7 through the first branch and 6 through the second, but the union rule says 6..10
    g = branches(img(1, 8, 8), [], [[("Conv2d", {"filters": 1, "kernel_size": 5})],
                                    [("Conv2d", {"filters": 1, "kernel_size": 1, "stride": 2})]], "Add")
    compare(g, exact=None)
