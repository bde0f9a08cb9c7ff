"""The pieces the layer-kind tables share: common parameter specs (weight and bias init, kernel,
stride, dilation, bias) and shape-rule helpers (a rank check, window arithmetic for convolutions
and pooling, shapes in words). It owns no layer kind (``layer_kinds.py``, ``conv_kinds.py`` and
``activations.py`` do) and imports neither torch nor the registry.
"""

from __future__ import annotations

from playground.graph.layer_spec import Shape, ShapeProblem
from playground.graph.params import ParamSpec as P

# ---- parameter specs --------------------------------------------------------------------

INIT_CHOICES = ("default", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "normal", "zeros", "orthogonal")
BIAS_INIT_CHOICES = ("default", "zeros", "small_positive", "normal")

INIT_PARAMS = (
    P("weight_init", "choice", "default", "How the weights start: Xavier keeps the signal's variance for tanh/sigmoid, "
      "He (Kaiming) for ReLU; 'default' is PyTorch's own choice.", choices=INIT_CHOICES, label="weight init"),
    P("bias_init", "choice", "default", "How the biases start: zeros, a small positive value (0.01, keeps ReLUs alive), "
      "N(0, 1), or PyTorch's default.", choices=BIAS_INIT_CHOICES, label="bias init"),
)


def kernel_param(default: int = 3) -> P:
    return P("kernel_size", "int", default, "Side of the square window that slides over the input.", 1, 31, key=True,
             label="kernel")


def stride_param(default: int = 1) -> P:
    return P("stride", "int", default, "How many pixels the window moves each step; 2 halves the size.", 1, 16, key=True)


DILATION = P("dilation", "int", 1, "Gap between kernel taps: 2 spreads a 3x3 kernel over 5x5 without more weights.", 1, 16)
BIAS = P("bias", "bool", True, "Add a learned constant to every output.")


def need_rank(node_shapes: list[Shape], ranks: tuple[int, ...], what: str, fix: str) -> Shape:
    shape = node_shapes[0]
    if len(shape) not in ranks:
        raise ShapeProblem(f"{what}, got {dims(shape)} {fmt(shape)}", fix)
    return shape


def fmt(shape: Shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")"


def dims(shape: Shape) -> str:
    return {1: "a vector", 2: "a sequence (channels, length)", 3: "an image (channels, height, width)"}.get(
        len(shape), f"a {len(shape)}-D tensor"
    )


def window_out(size: int, k: int, s: int, p: int, d: int) -> int:
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def conv_like(in_shape: Shape, p: dict, nd: int, channels_out: int, what: str, pool: bool = False) -> Shape:
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
        out.append(window_out(size, k, s, pad, d))
    return (channels_out, *out)
