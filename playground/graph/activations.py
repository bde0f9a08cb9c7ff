"""Activation functions as a table; each row becomes an Activation-category layer record.

Each row: kind, torch module, its parameters, the formula and a one-line doc, and the pros/cons a
course teaches (the palette tooltip shows them). Maxout and the softmaxes have their own shape rule.
"""

from __future__ import annotations

from playground.graph.layer_spec import TRAINABLE, LayerSpec, ShapeProblem
from playground.graph.params import ParamSpec as P

#: the activation records, in table order (``layers.py`` registers them)
KINDS: list[LayerSpec] = []
_add = KINDS.append

_SLOPE = P("slope", "float", 0.01, "Slope for negative inputs.", 0.0, 1.0, key=True, structural=False)
_ALPHA = P("alpha", "float", 1.0, "Value the output approaches for very negative inputs is -alpha.", 0.0, 10.0,
           key=True, structural=False)

#: kind, module, (params), kwargs from params, formula, doc, details
ACTIVATIONS = (
    ("Identity", "nn.Identity", (), lambda p: {}, "f(x) = x",
     "Passes values through unchanged (a linear network).", "Stacking linear layers without an activation is still linear."),
    ("Step", "pg.Step", (P("straight_through", "bool", True, "Pass the gradient through as if it were the identity "
                           "(the perceptron rule). Off: the true gradient, which is zero everywhere.", structural=False),),
     lambda p: {"straight_through": p["straight_through"]}, "f(x) = 1 if x > 0 else 0",
     "The perceptron's threshold: 1 when the input is positive, else 0.",
     "Its gradient is zero almost everywhere, which is why smooth activations replaced it."),
    ("Sigmoid", "nn.Sigmoid", (), lambda p: {}, "f(x) = 1 / (1 + e^-x)", "Squashes to (0, 1).",
     "Saturated units kill gradients; outputs are not zero-centred; exp is costly."),
    ("Tanh", "nn.Tanh", (), lambda p: {}, "f(x) = tanh(x)", "Squashes to (-1, 1), zero-centred.",
     "Still kills gradients when saturated."),
    ("ReLU", "nn.ReLU", (), lambda p: {}, "f(x) = max(0, x)", "Zero for negatives, identity for positives.",
     "Does not saturate for x > 0 and is cheap; units can 'die' (always 0) with a large learning rate."),
    ("LeakyReLU", "nn.LeakyReLU", (_SLOPE,), lambda p: {"negative_slope": p["slope"]}, "f(x) = max(slope*x, x)",
     "Like ReLU but with a small slope for negatives, so units do not die.", ""),
    ("PReLU", "nn.PReLU", (P("per_channel", "bool", False, "Learn one slope per channel instead of one in all."),
                           TRAINABLE),
     None, "f(x) = max(a*x, x), a learned", "Leaky ReLU whose negative slope is learned.", ""),
    ("ELU", "nn.ELU", (_ALPHA,), lambda p: {"alpha": p["alpha"]}, "f(x) = x if x > 0 else alpha*(e^x - 1)",
     "Smooth for negatives, outputs closer to zero mean.", "Negative saturation adds robustness to noise; needs exp."),
    ("SELU", "nn.SELU", (), lambda p: {}, "f(x) = lambda*ELU(x), lambda~1.0507, alpha~1.6733",
     "Scaled ELU that keeps activations normalized by itself.", "'Self-normalizing': deep SELU nets can train without BatchNorm."),
    ("GELU", "nn.GELU", (), lambda p: {}, "f(x) = x * Phi(x)", "Smooth ReLU used by transformers.", ""),
    ("SiLU", "nn.SiLU", (), lambda p: {}, "f(x) = x * sigmoid(x)", "Swish: smooth, non-monotonic ReLU-like.", ""),
    ("Softplus", "nn.Softplus", (P("beta", "float", 1.0, "Sharpness: larger beta is closer to ReLU.", 0.01, 100.0,
                                   structural=False),), lambda p: {"beta": p["beta"]}, "f(x) = log(1 + e^(beta*x)) / beta",
     "A smooth version of ReLU.", ""),
    ("Softsign", "nn.Softsign", (), lambda p: {}, "f(x) = x / (1 + |x|)", "Like tanh but approaches +-1 more slowly.", ""),
    ("Hardtanh", "nn.Hardtanh", (), lambda p: {}, "f(x) = clip(x, -1, 1)", "A piecewise-linear tanh.", ""),
    ("Mish", "nn.Mish", (), lambda p: {}, "f(x) = x * tanh(softplus(x))", "Smooth, self-regularizing ReLU-like.", ""),
)


def _prelu_torch(p, ins):
    return "nn.PReLU", {"num_parameters": ins[0][0] if p["per_channel"] else 1}


for _kind, _module, _params, _kwargs, _formula, _doc, _details in ACTIVATIONS:
    _add(LayerSpec(
        _kind, "Activation", _doc, _params, shape=lambda ins, p: ins[0],
        torch=_prelu_torch if _kwargs is None else (lambda m, k: lambda p, ins: (m, k(p)))(_module, _kwargs),
        count_params=(lambda i, o, p: i[0][0] if p["per_channel"] else 1) if _kind == "PReLU" else (lambda i, o, p: 0),
        prefix=_kind.lower(), details=f"{_formula}. {_details}".strip(),
    ))


def _maxout_shape(ins, p):
    c, k = ins[0][0], p["pieces"]
    if c % k:
        raise ShapeProblem(f"{c} inputs cannot be split into groups of {k} pieces",
                           f"make the previous layer's units a multiple of {k} (e.g. {c - c % k + k})")
    return (c // k, *ins[0][1:])


_add(LayerSpec(
    "Maxout", "Activation", "Keeps the largest of every k consecutive inputs (channels): k linear pieces per unit.",
    (P("pieces", "int", 2, "k: how many linear pieces each output takes the max of.", 1, 16, key=True),),
    shape=_maxout_shape, torch=lambda p, ins: ("pg.Maxout", {"pieces": p["pieces"]}), prefix="maxout",
    details="f(x) = max(w1.x + b1, ..., wk.x + bk) after a Linear layer with k times the units. "
            "Generalizes ReLU and leaky ReLU and never dies, at k times the parameters.",
))
for _kind, _doc in (("Softmax", "Turns scores into probabilities that sum to 1 (over the channels)."),
                    ("LogSoftmax", "The logarithm of softmax (numerically stable).")):
    _add(LayerSpec(
        _kind, "Activation", _doc, (), shape=lambda ins, p: ins[0],
        torch=(lambda m: lambda p, ins: (m, {"dim": 1}))(f"nn.{_kind}"), prefix=_kind.lower(),
        details="f(x)_i = e^x_i / sum_j e^x_j. Leave it out before a cross-entropy loss: the loss applies it itself.",
    ))
