"""Every layer kind of the catalog, as ``LayerSpec`` records (activations come from a table).

Shape rules work on one sample's shape (no batch dimension) and match torch exactly; a test
compares them with real forward passes. Messages say what is wrong with the numbers; the fix
says what to change. Nothing here imports torch: modules are named as "nn.X" (torch.nn) or "pg.X"
(playground.nn.modules).
"""

from __future__ import annotations

from math import prod

from playground.graph.layers import REGISTRY, TRAINABLE, LayerSpec, Shape, ShapeProblem
from playground.graph.params import ParamSpec as P

# ---- shared parameter specs --------------------------------------------------------------------

INIT_CHOICES = ("default", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "normal", "zeros", "orthogonal")
BIAS_INIT_CHOICES = ("default", "zeros", "small_positive", "normal")

INIT_PARAMS = (
    P("weight_init", "choice", "default", "How the weights start: Xavier keeps the signal's variance for tanh/sigmoid, "
      "He (Kaiming) for ReLU; 'default' is PyTorch's own choice.", choices=INIT_CHOICES, label="weight init"),
    P("bias_init", "choice", "default", "How the biases start: zeros, a small positive value (0.01, keeps ReLUs alive), "
      "N(0, 1), or PyTorch's default.", choices=BIAS_INIT_CHOICES, label="bias init"),
)


def _kernel(default: int = 3) -> P:
    return P("kernel_size", "int", default, "Side of the square window that slides over the input.", 1, 31, key=True,
             label="kernel")


def _stride(default: int = 1) -> P:
    return P("stride", "int", default, "How many pixels the window moves each step; 2 halves the size.", 1, 16, key=True)


_DILATION = P("dilation", "int", 1, "Gap between kernel taps: 2 spreads a 3x3 kernel over 5x5 without more weights.", 1, 16)
_BIAS = P("bias", "bool", True, "Add a learned constant to every output.")


def _rank(node_shapes: list[Shape], ranks: tuple[int, ...], what: str, fix: str) -> Shape:
    shape = node_shapes[0]
    if len(shape) not in ranks:
        raise ShapeProblem(f"{what}, got {_dims(shape)} {_fmt(shape)}", fix)
    return shape


def _fmt(shape: Shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")"


def _dims(shape: Shape) -> str:
    return {1: "a vector", 2: "a sequence (channels, length)", 3: "an image (channels, height, width)"}.get(
        len(shape), f"a {len(shape)}-D tensor"
    )


def _window_out(size: int, k: int, s: int, p: int, d: int) -> int:
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def _conv_like(in_shape: Shape, p: dict, nd: int, channels_out: int, what: str, pool: bool = False) -> Shape:
    k, s, d = p["kernel_size"], p["stride"], p.get("dilation", 1)
    pad = p.get("padding", 0)
    spatial = in_shape[1:]
    if pad == "same":
        if s != 1:
            raise ShapeProblem(f"padding 'same' needs stride 1, but stride is {s}", "set padding to a number, or stride to 1")
        return (channels_out, *spatial)
    if pool and pad * 2 > k:
        raise ShapeProblem(f"padding {pad} is more than half the window {k}", f"use padding {k // 2} or less")
    span = d * (k - 1) + 1
    out = []
    for size in spatial:
        if size + 2 * pad < span:
            box = "x".join([str(span)] * nd)
            inbox = "x".join(str(v) for v in spatial)
            fixes = [f"lower the kernel_size to {max(1, size + 2 * pad)}" if d == 1 else "lower the kernel or the dilation",
                     f"add padding {(span - size + 1) // 2}", "or remove a pooling layer before it"]
            raise ShapeProblem(f"{what} {box} is larger than its input {inbox}" + (f" padded by {pad}" if pad else ""),
                               ", ".join(fixes))
        out.append(_window_out(size, k, s, pad, d))
    return (channels_out, *out)


# ---- Input -------------------------------------------------------------------------------------

POINT_FEATURES = ("x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2")
POINT_FEATURE_LABELS = {"x1": "x1", "x2": "x2", "x1_sq": "x1²", "x2_sq": "x2²", "x1x2": "x1·x2",
                        "sin_x1": "sin(x1)", "sin_x2": "sin(x2)"}


def point_features(p: dict) -> list[str]:
    """The features a PointsInput feeds to the network, in order."""
    return [f for f in POINT_FEATURES if p.get(f, f in ("x1", "x2"))]


def _points_shape(ins, p):
    n = len(point_features(p))
    if n == 0:
        raise ShapeProblem("no input features are switched on", "tick at least x1 or x2")
    return (n,)


REGISTRY.add(LayerSpec(
    "PointsInput", "Input", "2-D points (x1, x2), optionally with extra features like TensorFlow Playground.",
    tuple(P(f, "bool", f in ("x1", "x2"), f"Feed {POINT_FEATURE_LABELS[f]} to the network.", label=POINT_FEATURE_LABELS[f])
          for f in POINT_FEATURES),
    shape=_points_shape,
    torch=lambda p, ins: ("pg.PointFeatures", {"features": point_features(p)}),
    rf="input", min_inputs=0, max_inputs=0, prefix="input", title="Points (2-D)",
    details="Engineered features (x1², sin x1, ...) let even a network without hidden layers draw curved boundaries.",
))
REGISTRY.add(LayerSpec(
    "VectorInput", "Input", "A vector of numbers per sample (tabular data such as iris or a CSV file).",
    (P("features", "int", 4, "How many numbers each sample has.", 1, 100000, key=True),),
    shape=lambda ins, p: (p["features"],),
    torch=lambda p, ins: ("nn.Identity", {}),
    rf="input", min_inputs=0, max_inputs=0, prefix="input", title="Vector",
))
REGISTRY.add(LayerSpec(
    "ImageInput", "Input", "Images: channels x height x width (1 channel for gray, 3 for colour).",
    (P("channels", "int", 1, "1 for grayscale, 3 for RGB.", 1, 64, key=True),
     P("height", "int", 28, "Image height in pixels.", 1, 4096, key=True),
     P("width", "int", 28, "Image width in pixels.", 1, 4096, key=True)),
    shape=lambda ins, p: (p["channels"], p["height"], p["width"]),
    torch=lambda p, ins: ("nn.Identity", {}),
    rf="input", min_inputs=0, max_inputs=0, prefix="input", title="Image",
))

REGISTRY.add(LayerSpec(
    "NoiseInput", "Input", "Random noise z fed to a GAN's generator: dim numbers per sample, drawn fresh each step.",
    (P("dim", "int", 2, "How many noise numbers z each generated sample starts from (k).", 1, 64, key=True),
     P("distribution", "choice", "uniform", "uniform: z in [-1, 1]; normal: z from a standard Gaussian.",
       choices=("uniform", "normal"))),
    shape=lambda ins, p: (p["dim"],),
    torch=lambda p, ins: ("nn.Identity", {}),
    rf="input", min_inputs=0, max_inputs=0, prefix="noise", title="Noise (GAN)",
    details="The generator's input: a graph holding a Noise network beside a Points network is a GAN "
            "(generator and discriminator), trained in the GAN view.",
))

# ---- Dense -------------------------------------------------------------------------------------


def _linear_shape(ins, p):
    shape = ins[0]
    if len(shape) != 1:
        raise ShapeProblem(f"gets {_dims(shape)} {_fmt(shape)} per sample, but a Linear layer needs a flat vector",
                           f"add a Flatten before it (it would then get {prod(shape)} features)")
    return (p["units"],)


REGISTRY.add(LayerSpec(
    "Linear", "Dense", "Fully connected: every output is a weighted sum of all inputs plus a bias (a layer of perceptrons).",
    (P("units", "int", 8, "Number of outputs (neurons).", 1, 100000, key=True), _BIAS, *INIT_PARAMS, TRAINABLE),
    shape=_linear_shape,
    torch=lambda p, ins: ("nn.Linear", {"in_features": ins[0][0], "out_features": p["units"], "bias": p["bias"]}),
    count_params=lambda i, o, p: i[0][0] * o[0] + (o[0] if p["bias"] else 0),
    count_macs=lambda i, o, p: i[0][0] * o[0],
    rf="global", prefix="fc", has_weights=True, title="Linear (dense)",
))

# ---- Convolution -------------------------------------------------------------------------------


def _conv_shape(nd: int):
    def rule(ins, p):
        shape = _rank(ins, (nd + 1,), f"Conv{nd}d needs {_dims((0,) * (nd + 1))}",
                      "add a Reshape before it" if nd == 1 else "use an Image input, or Reshape a vector to (C, H, W)")
        c, g = shape[0], p["groups"]
        if c % g or p["filters"] % g:
            raise ShapeProblem(f"groups {g} must divide both the input channels {c} and the filters {p['filters']}",
                               "pick groups that divides both (1 is ordinary convolution)")
        return _conv_like(shape, p, nd, p["filters"], "kernel")
    return rule


def _conv_params(filters: int) -> tuple:
    return (P("filters", "int", filters, "Number of output channels (feature maps), one per learned kernel.", 1, 4096,
              key=True), _kernel(), _stride(),
            P("padding", "padding", 0, "Zeros added around the border: a number, or 'same' to keep the size (stride 1).",
              0, 64, key=True),
            _DILATION,
            P("groups", "int", 1, "Split channels into groups convolved separately (groups = channels: depthwise).", 1, 4096),
            _BIAS, *INIT_PARAMS, TRAINABLE)


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
    REGISTRY.add(LayerSpec(
        f"Conv{_nd}d", "Convolution", _doc, _conv_params(16 if _nd == 1 else 8),
        shape=_conv_shape(_nd), torch=_conv_torch(_nd), count_params=_conv_params_count(_nd), count_macs=_conv_macs(_nd),
        rf="window", prefix="conv", has_weights=True,
        details="Output size = floor((input + 2*padding - dilation*(kernel-1) - 1) / stride) + 1. "
                "A 1x1 convolution mixes channels without looking at neighbours.",
    ))


def _convt_shape(ins, p):
    shape = _rank(ins, (3,), "ConvTranspose2d needs an image (channels, height, width)", "put it after a Conv2d or Reshape")
    s, d, op = p["stride"], p["dilation"], p["output_padding"]
    if op >= max(s, d):
        raise ShapeProblem(f"output_padding {op} must be smaller than the stride {s} or the dilation {d}",
                           f"use output_padding {max(s, d) - 1} or less")
    out = [(n - 1) * s - 2 * p["padding"] + d * (p["kernel_size"] - 1) + op + 1 for n in shape[1:]]
    if min(out) < 1:
        raise ShapeProblem(f"padding {p['padding']} is too large: the output would be {out[0]}x{out[1]}",
                           "lower the padding")
    return (p["filters"], *out)


REGISTRY.add(LayerSpec(
    "ConvTranspose2d", "Convolution", "Transposed ('up') convolution: makes feature maps larger, as in a decoder.",
    (P("filters", "int", 8, "Number of output channels.", 1, 4096, key=True), _kernel(2), _stride(2),
     P("padding", "int", 0, "Removes this many pixels from each border of the output.", 0, 64),
     P("output_padding", "int", 0, "Extra pixels on one side to hit an exact size.", 0, 16), _DILATION, _BIAS, *INIT_PARAMS,
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
    shape = _rank(ins, (3,), "an edge filter needs an image (channels, height, width)", "put it right after an Image input")
    p = {**p, "kernel_size": 3, "stride": 1, "dilation": 1}
    return _conv_like(shape, p, 2, shape[0], "kernel")


REGISTRY.add(LayerSpec(
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
    shape = _rank(ins, (3,), "pooling needs an image (channels, height, width)", "put it after a Conv2d")
    return _conv_like(shape, {**p, "dilation": p.get("dilation", 1)}, 2, shape[0], "window", pool=True)


_POOL_PARAMS = (_kernel(2), _stride(2), P("padding", "int", 0, "Border added before pooling (at most half the window).", 0, 16))
REGISTRY.add(LayerSpec(
    "MaxPool2d", "Pooling", "Keeps the largest value in each window: smaller maps, a little shift tolerance.",
    (*_POOL_PARAMS, _DILATION), shape=_pool_shape,
    torch=lambda p, ins: ("nn.MaxPool2d", {k: p[k] for k in ("kernel_size", "stride", "padding", "dilation")}),
    rf="window", prefix="pool", title="Max pool",
))
REGISTRY.add(LayerSpec(
    "AvgPool2d", "Pooling", "Averages each window: smaller, smoother maps.",
    _POOL_PARAMS, shape=_pool_shape,
    torch=lambda p, ins: ("nn.AvgPool2d", {k: p[k] for k in ("kernel_size", "stride", "padding")}),
    rf="window", prefix="pool", title="Average pool",
))
REGISTRY.add(LayerSpec(
    "GlobalAvgPool", "Pooling", "Averages each whole feature map to one number: (C, H, W) -> (C,).",
    (), shape=lambda ins, p: (_rank(ins, (2, 3), "global pooling needs feature maps", "put it after a convolution")[0],),
    torch=lambda p, ins: ("pg.GlobalAvgPool", {}), rf="global", prefix="gap", title="Global average pool",
    details="Used by GoogLeNet and ResNet instead of big fully connected layers.",
))

# ---- Shape -------------------------------------------------------------------------------------


def _reshape_shape(ins, p):
    n, target = prod(ins[0]), tuple(p["shape"])
    known = prod(d for d in target if d != -1)
    if -1 in target:
        if n % known:
            raise ShapeProblem(f"cannot reshape {_fmt(ins[0])} ({n} values) into {_fmt(target)}",
                               f"the sizes other than -1 must divide {n}")
        return tuple(n // known if d == -1 else d for d in target)
    if known != n:
        raise ShapeProblem(f"cannot reshape {_fmt(ins[0])} ({n} values) into {_fmt(target)} ({known} values)",
                           "make the sizes multiply to the same number, or use -1 for one of them")
    return target


REGISTRY.add(LayerSpec(
    "Flatten", "Shape", "Turns feature maps into one long vector, so Linear layers can follow.",
    (), shape=lambda ins, p: (prod(ins[0]),), torch=lambda p, ins: ("nn.Flatten", {}), prefix="flatten",
))
REGISTRY.add(LayerSpec(
    "Reshape", "Shape", "Rearranges the values into a new shape (per sample; -1 means 'whatever is left').",
    (P("shape", "shape", (1, -1), "Target shape per sample, e.g. 1, 28, 28.", key=True),),
    shape=_reshape_shape, torch=lambda p, ins: ("pg.Reshape", {"shape": list(p["shape"])}), prefix="reshape",
))
REGISTRY.add(LayerSpec(
    "Upsample", "Shape", "Makes feature maps larger by repeating (nearest) or interpolating (bilinear) pixels.",
    (P("scale", "int", 2, "How many times larger.", 1, 16, key=True),
     P("mode", "choice", "nearest", "nearest repeats pixels; bilinear blends neighbours.", choices=("nearest", "bilinear"))),
    shape=lambda ins, p: (lambda s: (s[0], *(d * p["scale"] for d in s[1:])))(
        _rank(ins, (3,), "Upsample needs an image (channels, height, width)", "put it after a convolution")),
    torch=lambda p, ins: ("nn.Upsample", {"scale_factor": p["scale"], "mode": p["mode"]}),
    rf="upsample", prefix="upsample",
))

# ---- Normalization and regularization ----------------------------------------------------------

_AFFINE = P("affine", "bool", True, "Learn a scale (gamma) and shift (beta) after normalizing.")


def _groupnorm_shape(ins, p):
    c = ins[0][0]
    if c % p["groups"]:
        raise ShapeProblem(f"{p['groups']} groups do not divide the {c} channels",
                           f"pick groups that divides {c}, e.g. {max(g for g in range(1, c + 1) if c % g == 0 and g <= 8)}")
    return ins[0]


REGISTRY.add(LayerSpec(
    "BatchNorm", "Normalization", "Normalizes each channel over the mini-batch (zero mean, unit variance), then scales.",
    (P("momentum", "float", 0.1, "How fast the running statistics for evaluation follow the batches.", 0.0, 1.0),
     TRAINABLE),
    shape=lambda ins, p: ins[0],
    torch=lambda p, ins: (f"nn.BatchNorm{2 if len(ins[0]) == 3 else 1}d", {"num_features": ins[0][0], "momentum": p["momentum"]}),
    count_params=lambda i, o, p: 2 * i[0][0], count_macs=lambda i, o, p: 2 * prod(o), prefix="bn", title="Batch norm",
    details="Makes deep networks much easier to train and allows larger learning rates; "
            "behaves differently in training (batch statistics) and evaluation (running averages).",
))
REGISTRY.add(LayerSpec(
    "LayerNorm", "Normalization", "Normalizes each sample over all its values (no dependence on the batch).",
    (_AFFINE, TRAINABLE), shape=lambda ins, p: ins[0],
    torch=lambda p, ins: ("nn.LayerNorm", {"normalized_shape": list(ins[0]), "elementwise_affine": p["affine"]}),
    count_params=lambda i, o, p: 2 * prod(i[0]) if p["affine"] else 0, prefix="ln", title="Layer norm",
))
REGISTRY.add(LayerSpec(
    "GroupNorm", "Normalization", "Normalizes groups of channels within each sample.",
    (P("groups", "int", 2, "Number of channel groups (must divide the channels).", 1, 1024, key=True), _AFFINE, TRAINABLE),
    shape=_groupnorm_shape,
    torch=lambda p, ins: ("nn.GroupNorm", {"num_groups": p["groups"], "num_channels": ins[0][0], "affine": p["affine"]}),
    count_params=lambda i, o, p: 2 * i[0][0] if p["affine"] else 0, prefix="gn", title="Group norm",
))
def _instancenorm_shape(ins, p):
    shape = _rank(ins, (2, 3), "instance norm needs feature maps (it normalizes over positions)",
                  "use LayerNorm or BatchNorm for vectors")
    if prod(shape[1:]) == 1:
        raise ShapeProblem(f"each feature map of {_fmt(shape)} has a single position, so there is nothing to normalize over",
                           "use BatchNorm or LayerNorm, or remove a pooling layer before it")
    return shape


REGISTRY.add(LayerSpec(
    "InstanceNorm", "Normalization", "Normalizes each channel of each sample over its positions (style transfer's norm).",
    (P("affine", "bool", False, "Learn a scale and shift per channel."), TRAINABLE),
    shape=_instancenorm_shape,
    torch=lambda p, ins: (f"nn.InstanceNorm{len(ins[0]) - 1}d", {"num_features": ins[0][0], "affine": p["affine"]}),
    count_params=lambda i, o, p: 2 * i[0][0] if p["affine"] else 0, prefix="inorm", title="Instance norm",
))
_P_DROP = P("p", "float", 0.5, "Probability of zeroing each value during training (kept values scale by 1/(1-p)).",
            0.0, 0.99, key=True, structural=False)
REGISTRY.add(LayerSpec(
    "Dropout", "Regularization", "Randomly zeroes values while training so the network cannot rely on any one unit.",
    (_P_DROP,), shape=lambda ins, p: ins[0], torch=lambda p, ins: ("nn.Dropout", {"p": p["p"]}), prefix="drop",
))
REGISTRY.add(LayerSpec(
    "Dropout2d", "Regularization", "Randomly zeroes whole feature maps while training.",
    (_P_DROP,), shape=lambda ins, p: _rank(ins, (3,), "Dropout2d drops whole feature maps of an image",
                                           "use Dropout for vectors"),
    torch=lambda p, ins: ("nn.Dropout2d", {"p": p["p"]}), prefix="drop", title="Dropout (channels)",
))

# ---- Merge -------------------------------------------------------------------------------------


def _add_shape(ins, p):
    if len(set(ins)) > 1:
        listing = ", ".join(_fmt(s) for s in ins)
        raise ShapeProblem(f"inputs must all have the same shape, but they are {listing}",
                           "make them equal, e.g. a 1x1 Conv2d with the right filters and stride on the shortcut")
    return ins[0]


def _concat_shape(ins, p):
    rest = {s[1:] for s in ins}
    if len({len(s) for s in ins}) > 1 or len(rest) > 1:
        listing = ", ".join(_fmt(s) for s in ins)
        raise ShapeProblem(f"inputs must match in everything but channels, but they are {listing}",
                           "use padding 'same' (or matching pooling) in every branch so the sizes agree")
    return (sum(s[0] for s in ins), *ins[0][1:])


REGISTRY.add(LayerSpec(
    "Add", "Merge", "Adds its inputs element by element: the shortcut of a residual (ResNet) block.",
    (), shape=_add_shape, torch=lambda p, ins: ("pg.Add", {}), count_macs=lambda i, o, p: prod(o) * (len(i) - 1),
    rf="merge", min_inputs=2, max_inputs=None, prefix="add", title="Add (residual)",
))
REGISTRY.add(LayerSpec(
    "Concat", "Merge", "Stacks its inputs along the channels: how an Inception block joins its branches.",
    (), shape=_concat_shape, torch=lambda p, ins: ("pg.Concat", {}),
    rf="merge", min_inputs=2, max_inputs=None, prefix="cat", title="Concat (channels)",
))

import playground.graph.activations  # noqa: E402,F401  (adds the activation records)
