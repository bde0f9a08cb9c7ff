"""Every activation of the catalog as a curve: f and f' over x, with its dead and saturated regions.

Owns ``activation_kinds`` (the Activation-category layer kinds, in catalog order), ``make_module``
(the real torch module the graph would build for a kind and its parameters), ``curve`` (f(x) by the
module's forward, f'(x) by ``torch.autograd`` through that same module, and the regions where the
gradient vanishes: "dead" where it is exactly 0, "saturated" where it is below a tenth of its
largest value), and ``layer_inputs`` (run in the training thread: a histogram of the values that
reach one activation layer of the user's network, and the share of them in each region).

Vector activations are shown as a course draws them: Maxout with k pieces as max_i(w_i x + b_i)
over k fixed example lines (the real ``Maxout`` module takes the max over k channels), and Softmax /
LogSoftmax as the first of two scores (x, 0), which is the sigmoid (log-sigmoid) of x. It does not
draw anything (``ui/learn/activation_view.py``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from playground.core.errors import TrainingError
from playground.graph.layers import all_specs, get_spec
from playground.nn.build import resolve

X_RANGE = (-6.0, 6.0)
POINTS = 601
SATURATED = 0.1  # |f'| below this share of its largest value on the range counts as saturated
DEAD = 1e-7  # |f'| at or below this is no gradient at all
HISTOGRAM_EXAMPLES = 256
BINS = 60
VECTOR_KINDS = ("Maxout", "Softmax", "LogSoftmax")


def activation_kinds() -> list[str]:
    return [s.kind for s in all_specs() if s.category == "Activation"]


def maxout_lines(pieces: int) -> tuple[np.ndarray, np.ndarray]:
    """The k example lines (slopes, intercepts) the explorer feeds Maxout: slopes from -1 to 1.5."""
    k = max(1, int(pieces))
    slopes = np.linspace(-1.0, 1.5, k) if k > 1 else np.array([1.0])
    intercepts = -0.5 * np.abs(np.linspace(-1.0, 1.0, k)) if k > 1 else np.zeros(1)
    return slopes, intercepts


def make_module(kind: str, params: dict | None = None) -> nn.Module:
    """The torch module the network builder makes for ``kind`` with ``params`` (defaults filled in)."""
    spec = get_spec(kind)
    if spec.category != "Activation":
        raise TrainingError(f"'{kind}' is not an activation", fix=f"pick one of: {', '.join(activation_kinds())}")
    p = {**spec.defaults(), **(params or {})}
    channels = p.get("pieces", 1) if kind == "Maxout" else 2
    class_name, kwargs = spec.torch(p, [(channels,)])
    return resolve(class_name)(**kwargs)


def apply(kind: str, module: nn.Module, x: torch.Tensor, params: dict | None = None) -> torch.Tensor:
    """f(x) for a 1-D tensor x through ``module``, vector activations as the module docstring says."""
    if kind == "Maxout":
        pieces = {**get_spec(kind).defaults(), **(params or {})}["pieces"]
        w, b = (torch.as_tensor(v, dtype=x.dtype) for v in maxout_lines(pieces))
        return module(x[:, None] * w + b).reshape(-1)  # (N, k) -> (N, 1) -> (N,)
    if kind in ("Softmax", "LogSoftmax"):
        return module(torch.stack([x, torch.zeros_like(x)], dim=1))[:, 0]  # scores (N, 2) -> first (N,)
    return module(x[:, None]).reshape(-1)  # (N, 1) -> (N,)


@dataclass
class Curve:
    kind: str
    x: np.ndarray
    f: np.ndarray
    df: np.ndarray
    regions: list[tuple[float, float, str]] = field(default_factory=list)  # (x0, x1, "dead" | "saturated")
    formula: str = ""
    doc: str = ""


def region_labels(f: np.ndarray, df: np.ndarray, top: float | None = None) -> np.ndarray:
    """Per point: "dead" (output 0 and no gradient: the unit is switched off), "saturated" (the curve
    has flattened: a gradient under a tenth of its largest) or "" (it learns)."""
    g = np.abs(df)
    top = float(g.max()) if top is None and len(g) else (top or 0.0)
    labels = np.full(len(g), "", dtype=object)
    labels[g < SATURATED * top] = "saturated"
    labels[(g <= DEAD) & (np.abs(f) <= 1e-6)] = "dead"
    return labels


def regions(x: np.ndarray, f: np.ndarray, df: np.ndarray) -> list[tuple[float, float, str]]:
    """Runs of equal region labels as (x0, x1, label). A straight piece with a small constant slope
    (leaky ReLU's negative side) has not saturated, and neither has a dip inside the range (GELU's
    minimum): saturation is the flattening towards large |x|, so a saturated run touches an end."""
    labels = region_labels(f, df)
    out, start = [], 0
    for i in range(1, len(x) + 1):
        if i == len(x) or labels[i] != labels[start]:
            run = np.abs(df[start:i])
            flat = labels[start] == "saturated" and np.ptp(run) < 1e-9 and run.max() > DEAD
            inside = labels[start] == "saturated" and start > 0 and i < len(x)
            if labels[start] and not flat and not inside:
                out.append((float(x[start]), float(x[i - 1]), str(labels[start])))
            start = i
    return out


def evaluate(kind: str, module: nn.Module, x: np.ndarray, params: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(f(x), f'(x)) at the points ``x``: the module's forward, and autograd through it."""
    xt = torch.as_tensor(np.asarray(x, dtype=np.float64)).requires_grad_(True)
    y = apply(kind, module.to(torch.float64), xt, params)
    (grad,) = torch.autograd.grad(y.sum(), xt)  # each y_i depends on x_i only: the sum's gradient is f'(x_i)
    return y.detach().numpy(), grad.numpy()


def curve(kind: str, params: dict | None = None, x_range=X_RANGE, points: int = POINTS,
          module: nn.Module | None = None) -> Curve:
    """f and f' of ``kind`` over ``x_range`` (f' by autograd through the real module)."""
    module = module if module is not None else make_module(kind, params)
    xs = np.linspace(float(x_range[0]), float(x_range[1]), int(points))
    f, df = evaluate(kind, module, xs, params)
    details = get_spec(kind).details
    formula = details.partition(". ")[0].rstrip(".")
    return Curve(kind, xs, f, df, [] if kind == "Identity" else regions(xs, f, df), formula, get_spec(kind).doc)


# ---- the user's network (training thread) --------------------------------------------------------


def activation_layers(graph) -> list[tuple[str, str, dict]]:
    """(node name, kind, params) of every activation layer of ``graph``, in the graph's order."""
    return [(n.name, n.kind, dict(n.params)) for n in graph.nodes.values() if n.spec.category == "Activation"]


def _layer_input(trainer, node: str, count: int) -> tuple[torch.Tensor, nn.Module]:
    model = trainer.model
    try:
        module = model.get_submodule(node)
    except AttributeError:
        raise TrainingError(f"the network has no layer named '{node}'", where="Activations explorer",
                            fix="pick one of the network's activation layers") from None
    feed = trainer.feeds["train"]
    if not len(feed):
        raise TrainingError("the training split is empty", fix="give the dataset some training examples")
    idx = np.arange(min(count, len(feed)))
    x, _ = feed.sample(idx)
    seen: list[torch.Tensor] = []
    handle = module.register_forward_pre_hook(lambda _m, args: seen.append(args[0].detach()))
    was = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(x)
    finally:
        handle.remove()
        model.train(was)
    if not seen:
        raise TrainingError(f"layer '{node}' did not run", fix="connect it to the network's output")
    return seen[0], module


def layer_inputs(trainer, node: str, bins: int = BINS, count: int = HISTOGRAM_EXAMPLES) -> dict:
    """What reaches activation layer ``node`` for up to ``count`` training examples: a histogram
    (edges (bins+1,), counts (bins,)) of its input values, the curve of its own module (its learned
    PReLU slope included) over a range covering them, and the share of inputs in each region."""
    z, module = _layer_input(trainer, node, count)
    kind = _kind_of(module)
    values = z.float().cpu().reshape(-1).numpy().astype(np.float64)
    values = values[np.isfinite(values)]
    lo, hi = (float(values.min()), float(values.max())) if len(values) else (-1.0, 1.0)
    span = max(abs(lo), abs(hi), 1.0) * 1.1
    counts, edges = np.histogram(values, bins=bins, range=(-span, span))
    module = copy.deepcopy(module).cpu()  # its own copy: the training run's module stays as it is
    c = curve(kind, None, (-span, span), module=module)
    top = float(np.abs(c.df).max())
    labels = region_labels(*evaluate(kind, module, values), top) if len(values) else np.array([])
    share = {name: float(np.mean(labels == name)) if len(values) else 0.0 for name in ("dead", "saturated")}
    return {"node": node, "kind": kind, "edges": edges, "counts": counts.astype(np.float64), "curve": c,
            "share": share, "count": int(len(values)), "step": int(getattr(trainer, "step_count", 0))}


def _kind_of(module: nn.Module) -> str:
    name = type(module).__name__
    kinds = activation_kinds()
    if name in kinds:
        return name
    raise TrainingError(f"'{name}' is not one of the catalog's activations", fix="pick an activation layer")
