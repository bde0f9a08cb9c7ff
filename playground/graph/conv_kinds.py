"""Convolution and pooling layer kinds as ``LayerSpec`` records (and the classic edge kernels of
``FixedConv2d``). Shape rules follow torch's output-size formula (``kind_parts.window_out``) and
say which number to change when a window does not fit. Nothing here imports torch.
"""

from __future__ import annotations

from math import prod

from playground.graph.kind_parts import BIAS, DILATION, INIT_PARAMS, conv_like, dims, kernel_param, need_rank, stride_param
from playground.graph.layer_spec import TRAINABLE, LayerSpec, ShapeProblem
from playground.graph.params import ParamSpec as P

#: this module's records, in catalog order within each category (``layers.py`` registers them)
KINDS: list[LayerSpec] = []
_add = KINDS.append

# ---- Convolution -------------------------------------------------------------------------------


def _conv_shape(nd: int):
    def rule(ins, p):
        shape = need_rank(ins, (nd + 1,), f"Conv{nd}d needs {dims((0,) * (nd + 1))}",
                      "add a Reshape before it" if nd == 1 else "use an Image input, or Reshape a vector to (C, H, W)")
        c, g = shape[0], p["groups"]
        if c % g or p["filters"] % g:
            raise ShapeProblem(f"groups {g} must divide both the input channels {c} and the filters {p['filters']}",
                               "pick groups that divides both (1 is ordinary convolution)")
        return conv_like(shape, p, nd, p["filters"], "kernel")
    return rule


def _conv_params(filters: int) -> tuple:
    return (P("filters", "int", filters, "Number of output channels (feature maps), one per learned kernel.", 1, 4096,
              key=True), kernel_param(), stride_param(),
            P("padding", "padding", 0, "Zeros added around the border: a number, or 'same' to keep the size (stride 1).",
              0, 64, key=True),
            DILATION,
            P("groups", "int", 1, "Split channels into groups convolved separately (groups = channels: depthwise).", 1, 4096),
            BIAS, *INIT_PARAMS, TRAINABLE)


def _conv_torch(nd: int):
    def recipe(p, ins):
        return (f"nn.Conv{nd}d", {"in_channels": ins[0][0], "out_channels": p["filters"], "kernel_size": p["kernel_size"],
                                   "stride": p["stride"], "padding": p["padding"], "dilation": p["dilation"],
                                   "groups": p["groups"], "bias": p["bias"]})
    return recipe


def _conv_params_count(nd: int):
    return lambda i, o, p: o[0] * (i[0][0] // p["groups"]) * p["kernel_size"] ** nd + (o[0] if p["bias"] else 0)


def _conv_macs(nd: int):
    return lambda i, o, p: prod(o) * (i[0][0] // p["groups"]) * p["kernel_size"] ** nd


for _nd, _doc in ((1, "Slides small learned kernels along a sequence (channels, length)."),
                  (2, "Slides small learned kernels over an image; each kernel makes one feature map.")):
    _add(LayerSpec(
        f"Conv{_nd}d", "Convolution", _doc, _conv_params(16 if _nd == 1 else 8),
        shape=_conv_shape(_nd), torch=_conv_torch(_nd), count_params=_conv_params_count(_nd), count_macs=_conv_macs(_nd),
        rf="window", prefix="conv", has_weights=True,
        details="Output size = floor((input + 2*padding - dilation*(kernel-1) - 1) / stride) + 1. "
                "A 1x1 convolution mixes channels without looking at neighbours.",
    ))


def _convt_shape(ins, p):
    shape = need_rank(ins, (3,), "ConvTranspose2d needs an image (channels, height, width)", "put it after a Conv2d or Reshape")
    s, d, op = p["stride"], p["dilation"], p["output_padding"]
    if op >= max(s, d):
        raise ShapeProblem(f"output_padding {op} must be smaller than the stride {s} or the dilation {d}",
                           f"use output_padding {max(s, d) - 1} or less")
    out = [(n - 1) * s - 2 * p["padding"] + d * (p["kernel_size"] - 1) + op + 1 for n in shape[1:]]
    if min(out) < 1:
        raise ShapeProblem(f"padding {p['padding']} is too large: the output would be {out[0]}x{out[1]}",
                           "lower the padding")
    return (p["filters"], *out)


_add(LayerSpec(
    "ConvTranspose2d", "Convolution", "Transposed ('up') convolution: makes feature maps larger, as in a decoder.",
    (P("filters", "int", 8, "Number of output channels.", 1, 4096, key=True), kernel_param(2), stride_param(2),
     P("padding", "int", 0, "Removes this many pixels from each border of the output.", 0, 64),
     P("output_padding", "int", 0, "Extra pixels on one side to hit an exact size.", 0, 16), DILATION, BIAS, *INIT_PARAMS,
     TRAINABLE),
    shape=_convt_shape,
    torch=lambda p, ins: ("nn.ConvTranspose2d", {"in_channels": ins[0][0], "out_channels": p["filters"],
                                                  "kernel_size": p["kernel_size"], "stride": p["stride"],
                                                  "padding": p["padding"], "output_padding": p["output_padding"],
                                                  "dilation": p["dilation"], "bias": p["bias"]}),
    count_params=lambda i, o, p: i[0][0] * o[0] * p["kernel_size"] ** 2 + (o[0] if p["bias"] else 0),
    count_macs=lambda i, o, p: prod(i[0]) * o[0] * p["kernel_size"] ** 2,
    rf="transposed", prefix="up", has_weights=True, title="Transposed Conv2d",
    details="Output size = (input-1)*stride - 2*padding + dilation*(kernel-1) + output_padding + 1.",
))

#: classic hand-made 3x3 filters (x: responds to vertical edges, y: to horizontal ones)
EDGE_KERNELS: dict[str, list[list[float]]] = {
    "sobel_x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel_y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "prewitt_x": [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]],
    "prewitt_y": [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],
    "scharr_x": [[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]],
    "scharr_y": [[-3, -10, -3], [0, 0, 0], [3, 10, 3]],
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
}


def _edge_shape(ins, p):
    shape = need_rank(ins, (3,), "an edge filter needs an image (channels, height, width)", "put it right after an Image input")
    p = {**p, "kernel_size": 3, "stride": 1, "dilation": 1}
    return conv_like(shape, p, 2, shape[0], "kernel")


_add(LayerSpec(
    "FixedConv2d", "Convolution", "A classic edge filter (Sobel, Prewitt, Scharr, Laplacian) applied to every channel.",
    (P("filter", "choice", "sobel_x", "Which hand-made kernel: _x finds vertical edges, _y horizontal ones.",
       choices=tuple(EDGE_KERNELS), key=True),
     P("trainable", "bool", False, "Off: the kernel stays fixed. On: it is only the starting point and training may change it."),
     P("padding", "int", 1, "Zeros added around the border (1 keeps the size).", 0, 8)),
    shape=_edge_shape,
    torch=lambda p, ins: ("pg.EdgeConv2d", {"channels": ins[0][0], "kernel": EDGE_KERNELS[p["filter"]],
                                             "padding": p["padding"], "trainable": p["trainable"]}),
    count_params=lambda i, o, p: i[0][0] * 9,
    count_macs=lambda i, o, p: prod(o) * 9,
    rf="window", prefix="edge", title="Edge filter (fixed Conv2d)",
    details="Compare these hand-made filters with what the first learned convolution finds.",
))

# ---- Pooling -----------------------------------------------------------------------------------


def _pool_shape(ins, p):
    shape = need_rank(ins, (3,), "pooling needs an image (channels, height, width)", "put it after a Conv2d")
    return conv_like(shape, {**p, "dilation": p.get("dilation", 1)}, 2, shape[0], "window", pool=True)


_POOL_PARAMS = (kernel_param(2), stride_param(2), P("padding", "int", 0, "Border added before pooling (at most half the window).", 0, 16))
_add(LayerSpec(
    "MaxPool2d", "Pooling", "Keeps the largest value in each window: smaller maps, a little shift tolerance.",
    (*_POOL_PARAMS, DILATION), shape=_pool_shape,
    torch=lambda p, ins: ("nn.MaxPool2d", {k: p[k] for k in ("kernel_size", "stride", "padding", "dilation")}),
    rf="window", prefix="pool", title="Max pool",
))
_add(LayerSpec(
    "AvgPool2d", "Pooling", "Averages each window: smaller, smoother maps.",
    _POOL_PARAMS, shape=_pool_shape,
    torch=lambda p, ins: ("nn.AvgPool2d", {k: p[k] for k in ("kernel_size", "stride", "padding")}),
    rf="window", prefix="pool", title="Average pool",
))
_add(LayerSpec(
    "GlobalAvgPool", "Pooling", "Averages each whole feature map to one number: (C, H, W) -> (C,).",
    (), shape=lambda ins, p: (need_rank(ins, (2, 3), "global pooling needs feature maps", "put it after a convolution")[0],),
    torch=lambda p, ins: ("pg.GlobalAvgPool", {}), rf="global", prefix="gap", title="Global average pool",
    details="Used by GoogLeNet and ResNet instead of big fully connected layers.",
))
