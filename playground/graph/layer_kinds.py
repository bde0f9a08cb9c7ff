"""The layer kinds other than convolution, pooling and activations, as ``LayerSpec`` records: inputs,
dense, shape, normalization, regularization and merge layers.

Shape rules work on one sample's shape (no batch dimension) and match torch exactly; a test
compares them with real forward passes. Messages say what is wrong with the numbers; the fix
says what to change. Nothing here imports torch: modules are named as "nn.X" (torch.nn) or "pg.X"
(playground.nn.modules). Convolutions and pooling live in ``conv_kinds.py``, activations in
``activations.py``; ``layers.py`` gathers them all into the registry.
"""

from __future__ import annotations

from math import prod

from playground.graph.kind_parts import BIAS, INIT_PARAMS, dims, fmt, need_rank
from playground.graph.layer_spec import TRAINABLE, LayerSpec, Shape, ShapeProblem
from playground.graph.params import ParamSpec as P

#: this module's records, in catalog order within each category (``layers.py`` registers them)
KINDS: list[LayerSpec] = []
_add = KINDS.append

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


_add(LayerSpec(
    "PointsInput", "Input", "2-D points (x1, x2), optionally with extra features like TensorFlow Playground.",
    tuple(P(f, "bool", f in ("x1", "x2"), f"Feed {POINT_FEATURE_LABELS[f]} to the network.", label=POINT_FEATURE_LABELS[f])
          for f in POINT_FEATURES),
    shape=_points_shape,
    torch=lambda p, ins: ("pg.PointFeatures", {"features": point_features(p)}),
    rf="input", min_inputs=0, max_inputs=0, prefix="input", title="Points (2-D)",
    details="Engineered features (x1², sin x1, ...) let even a network without hidden layers draw curved boundaries.",
))
_add(LayerSpec(
    "VectorInput", "Input", "A vector of numbers per sample (tabular data such as iris or a CSV file).",
    (P("features", "int", 4, "How many numbers each sample has.", 1, 100000, key=True),),
    shape=lambda ins, p: (p["features"],),
    torch=lambda p, ins: ("nn.Identity", {}),
    rf="input", min_inputs=0, max_inputs=0, prefix="input", title="Vector",
))
_add(LayerSpec(
    "ImageInput", "Input", "Images: channels x height x width (1 channel for gray, 3 for colour).",
    (P("channels", "int", 1, "1 for grayscale, 3 for RGB.", 1, 64, key=True),
     P("height", "int", 28, "Image height in pixels.", 1, 4096, key=True),
     P("width", "int", 28, "Image width in pixels.", 1, 4096, key=True)),
    shape=lambda ins, p: (p["channels"], p["height"], p["width"]),
    torch=lambda p, ins: ("nn.Identity", {}),
    rf="input", min_inputs=0, max_inputs=0, prefix="input", title="Image",
))

_add(LayerSpec(
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
        raise ShapeProblem(f"gets {dims(shape)} {fmt(shape)} per sample, but a Linear layer needs a flat vector",
                           f"add a Flatten before it (it would then get {prod(shape)} features)")
    return (p["units"],)


_add(LayerSpec(
    "Linear", "Dense", "Fully connected: every output is a weighted sum of all inputs plus a bias (a layer of perceptrons).",
    (P("units", "int", 8, "Number of outputs (neurons).", 1, 100000, key=True), BIAS, *INIT_PARAMS, TRAINABLE),
    shape=_linear_shape,
    torch=lambda p, ins: ("nn.Linear", {"in_features": ins[0][0], "out_features": p["units"], "bias": p["bias"]}),
    count_params=lambda i, o, p: i[0][0] * o[0] + (o[0] if p["bias"] else 0),
    count_macs=lambda i, o, p: i[0][0] * o[0],
    rf="global", prefix="fc", has_weights=True, title="Linear (dense)",
))

# ---- Shape -------------------------------------------------------------------------------------


def _reshape_shape(ins, p):
    n, target = prod(ins[0]), tuple(p["shape"])
    known = prod(d for d in target if d != -1)
    if -1 in target:
        if n % known:
            raise ShapeProblem(f"cannot reshape {fmt(ins[0])} ({n} values) into {fmt(target)}",
                               f"the sizes other than -1 must divide {n}")
        return tuple(n // known if d == -1 else d for d in target)
    if known != n:
        raise ShapeProblem(f"cannot reshape {fmt(ins[0])} ({n} values) into {fmt(target)} ({known} values)",
                           "make the sizes multiply to the same number, or use -1 for one of them")
    return target


_add(LayerSpec(
    "Flatten", "Shape", "Turns feature maps into one long vector, so Linear layers can follow.",
    (), shape=lambda ins, p: (prod(ins[0]),), torch=lambda p, ins: ("nn.Flatten", {}), prefix="flatten",
))
_add(LayerSpec(
    "Reshape", "Shape", "Rearranges the values into a new shape (per sample; -1 means 'whatever is left').",
    (P("shape", "shape", (1, -1), "Target shape per sample, e.g. 1, 28, 28.", key=True),),
    shape=_reshape_shape, torch=lambda p, ins: ("pg.Reshape", {"shape": list(p["shape"])}), prefix="reshape",
))
_add(LayerSpec(
    "Upsample", "Shape", "Makes feature maps larger by repeating (nearest) or interpolating (bilinear) pixels.",
    (P("scale", "int", 2, "How many times larger.", 1, 16, key=True),
     P("mode", "choice", "nearest", "nearest repeats pixels; bilinear blends neighbours.", choices=("nearest", "bilinear"))),
    shape=lambda ins, p: (lambda s: (s[0], *(d * p["scale"] for d in s[1:])))(
        need_rank(ins, (3,), "Upsample needs an image (channels, height, width)", "put it after a convolution")),
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


_add(LayerSpec(
    "BatchNorm", "Normalization", "Normalizes each channel over the mini-batch (zero mean, unit variance), then scales.",
    (P("momentum", "float", 0.1, "How fast the running statistics for evaluation follow the batches.", 0.0, 1.0),
     TRAINABLE),
    shape=lambda ins, p: ins[0],
    torch=lambda p, ins: (f"nn.BatchNorm{2 if len(ins[0]) == 3 else 1}d", {"num_features": ins[0][0], "momentum": p["momentum"]}),
    count_params=lambda i, o, p: 2 * i[0][0], count_macs=lambda i, o, p: 2 * prod(o), prefix="bn", title="Batch norm",
    details="Makes deep networks much easier to train and allows larger learning rates; "
            "behaves differently in training (batch statistics) and evaluation (running averages).",
))
_add(LayerSpec(
    "LayerNorm", "Normalization", "Normalizes each sample over all its values (no dependence on the batch).",
    (_AFFINE, TRAINABLE), shape=lambda ins, p: ins[0],
    torch=lambda p, ins: ("nn.LayerNorm", {"normalized_shape": list(ins[0]), "elementwise_affine": p["affine"]}),
    count_params=lambda i, o, p: 2 * prod(i[0]) if p["affine"] else 0, prefix="ln", title="Layer norm",
))
_add(LayerSpec(
    "GroupNorm", "Normalization", "Normalizes groups of channels within each sample.",
    (P("groups", "int", 2, "Number of channel groups (must divide the channels).", 1, 1024, key=True), _AFFINE, TRAINABLE),
    shape=_groupnorm_shape,
    torch=lambda p, ins: ("nn.GroupNorm", {"num_groups": p["groups"], "num_channels": ins[0][0], "affine": p["affine"]}),
    count_params=lambda i, o, p: 2 * i[0][0] if p["affine"] else 0, prefix="gn", title="Group norm",
))
def _instancenorm_shape(ins, p):
    shape = need_rank(ins, (2, 3), "instance norm needs feature maps (it normalizes over positions)",
                  "use LayerNorm or BatchNorm for vectors")
    if prod(shape[1:]) == 1:
        raise ShapeProblem(f"each feature map of {fmt(shape)} has a single position, so there is nothing to normalize over",
                           "use BatchNorm or LayerNorm, or remove a pooling layer before it")
    return shape


_add(LayerSpec(
    "InstanceNorm", "Normalization", "Normalizes each channel of each sample over its positions (style transfer's norm).",
    (P("affine", "bool", False, "Learn a scale and shift per channel."), TRAINABLE),
    shape=_instancenorm_shape,
    torch=lambda p, ins: (f"nn.InstanceNorm{len(ins[0]) - 1}d", {"num_features": ins[0][0], "affine": p["affine"]}),
    count_params=lambda i, o, p: 2 * i[0][0] if p["affine"] else 0, prefix="inorm", title="Instance norm",
))
_P_DROP = P("p", "float", 0.5, "Probability of zeroing each value during training (kept values scale by 1/(1-p)).",
            0.0, 0.99, key=True, structural=False)
_add(LayerSpec(
    "Dropout", "Regularization", "Randomly zeroes values while training so the network cannot rely on any one unit.",
    (_P_DROP,), shape=lambda ins, p: ins[0], torch=lambda p, ins: ("nn.Dropout", {"p": p["p"]}), prefix="drop",
))
_add(LayerSpec(
    "Dropout2d", "Regularization", "Randomly zeroes whole feature maps while training.",
    (_P_DROP,), shape=lambda ins, p: need_rank(ins, (3,), "Dropout2d drops whole feature maps of an image",
                                           "use Dropout for vectors"),
    torch=lambda p, ins: ("nn.Dropout2d", {"p": p["p"]}), prefix="drop", title="Dropout (channels)",
))

# ---- Merge -------------------------------------------------------------------------------------


def _add_shape(ins, p):
    if len(set(ins)) > 1:
        listing = ", ".join(fmt(s) for s in ins)
        raise ShapeProblem(f"inputs must all have the same shape, but they are {listing}",
                           "make them equal, e.g. a 1x1 Conv2d with the right filters and stride on the shortcut")
    return ins[0]


def _concat_shape(ins, p):
    rest = {s[1:] for s in ins}
    if len({len(s) for s in ins}) > 1 or len(rest) > 1:
        listing = ", ".join(fmt(s) for s in ins)
        raise ShapeProblem(f"inputs must match in everything but channels, but they are {listing}",
                           "use padding 'same' (or matching pooling) in every branch so the sizes agree")
    return (sum(s[0] for s in ins), *ins[0][1:])


_add(LayerSpec(
    "Add", "Merge", "Adds its inputs element by element: the shortcut of a residual (ResNet) block.",
    (), shape=_add_shape, torch=lambda p, ins: ("pg.Add", {}), count_macs=lambda i, o, p: prod(o) * (len(i) - 1),
    rf="merge", min_inputs=2, max_inputs=None, prefix="add", title="Add (residual)",
))
_add(LayerSpec(
    "Concat", "Merge", "Stacks its inputs along the channels: how an Inception block joins its branches.",
    (), shape=_concat_shape, torch=lambda p, ins: ("pg.Concat", {}),
    rf="merge", min_inputs=2, max_inputs=None, prefix="cat", title="Concat (channels)",
))
