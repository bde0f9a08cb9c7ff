"""Can the fused engine train this run, and if so, what is the network in its terms?

Owns ``supports(trainer)`` -> ``(Plan, None)`` or ``(None, reason)``: a table of checks (``CHECKS``),
each a sentence saying what the fast engine does not run, tried in order; and the tables that map
torch modules, losses and optimizers onto the kernel's codes (``ACTIVATIONS``, ``LOSSES``,
``OPTIMIZERS``). A network qualifies when it is a chain: parameter-free input layers (the points
features, identity, an activation) that are computed once on the data, then Linear layers each
followed by at most one element-wise activation. Binding a plan to a Trainer is ``runner.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch
from torch import fx, nn

from playground.data.targets import target_form
from playground.nn.modules import PointFeatures
from playground.train.fused import codes as K

#: torch module type -> activation code (the slope read from the module for leaky ReLU)
ACTIVATIONS: dict[type, int] = {nn.Identity: K.IDENTITY, nn.Tanh: K.TANH, nn.ReLU: K.RELU,
                                nn.Sigmoid: K.SIGMOID, nn.LeakyReLU: K.LEAKY}
#: parameter-free layers that may come before the first Linear (run once on the data, in torch)
PREFIX: tuple[type, ...] = (PointFeatures, nn.Flatten, *ACTIVATIONS)
#: loss name -> (code, settings that must hold)
LOSSES: dict[str, tuple[int, Callable[[dict], bool]]] = {
    "mse": (K.MSE, lambda s: True),
    "bce": (K.BCE, lambda s: True),
    "cross_entropy": (K.CE, lambda s: not s.get("label_smoothing")),
}


#: torch optimizer class -> (code, group settings that must hold)
OPTIMIZERS: dict[type, tuple[int, Callable[[dict], bool]]] = {
    torch.optim.SGD: (K.SGD, lambda g: not g.get("dampening")),
    torch.optim.Adam: (K.ADAM, lambda g: not g.get("amsgrad")),
    torch.optim.AdamW: (K.ADAMW, lambda g: not g.get("amsgrad")),
    torch.optim.RMSprop: (K.RMSPROP, lambda g: not g.get("centered")),
    torch.optim.Adagrad: (K.ADAGRAD, lambda g: True),
}


@dataclass
class Plan:
    """The network as the kernels see it."""

    prefix: list[nn.Module]  # parameter-free input layers, applied once to the data
    linears: list[nn.Linear]
    acts: list[tuple[int, float]]  # per Linear: (activation code, leaky slope)
    loss: int
    optimizer: int
    params: list[nn.Parameter] = field(default_factory=list)  # in flat order: W1, b1, W2, b2, ...


def chain(model: nn.Module) -> list[nn.Module] | None:
    """The model's modules in order when it is a simple chain (fx graph or Sequential), else None."""
    if isinstance(model, nn.Sequential):
        return list(model)
    if not isinstance(model, fx.GraphModule):
        return None
    mods, prev = [], None
    for node in model.graph.nodes:
        if node.op == "placeholder":
            if prev is not None:
                return None
            prev = node
        elif node.op == "call_module" and node.args == (prev,) and not node.kwargs:
            mods.append(model.get_submodule(node.target))
            prev = node
        elif node.op == "output":
            return mods if node.args == (prev,) else None
        else:
            return None
    return None


def network(model: nn.Module) -> tuple[list, list, list] | str:
    """(prefix, linears, activations) of a supported chain, or the reason it is not one."""
    mods = chain(model)
    if mods is None:
        return "the network has branches or operations other than a chain of layers"
    prefix, linears, acts = [], [], []
    for m in mods:
        if isinstance(m, nn.Linear):
            linears.append(m)
            acts.append((K.IDENTITY, 0.0))
        elif not linears:
            if not isinstance(m, PREFIX):
                return f"the input layer {type(m).__name__} is not one the fast engine runs"
            prefix.append(m)
        elif type(m) in ACTIVATIONS:
            code = ACTIVATIONS[type(m)]
            if code == K.IDENTITY:
                continue
            if acts[-1][0] != K.IDENTITY:
                return "two activations follow each other"
            acts[-1] = (code, float(getattr(m, "negative_slope", 0.0)))
        else:
            return f"it has a {type(m).__name__} layer (the fast engine runs Linear layers and tanh, ReLU, " \
                   "leaky ReLU, sigmoid or identity activations)"
    if not linears:
        return "the network has no Linear layer"
    return prefix, linears, acts


def _loss_reason(tr) -> str | None:
    obj = tr.objective
    if obj.name not in LOSSES or not LOSSES[obj.name][1](obj.settings):
        return f"the {obj.spec.title} loss is not one it computes (MSE, binary or softmax cross-entropy)"
    if target_form(obj.task).per_pixel:
        return f"{obj.task} outputs are images"
    return None


def _optimizer_reason(tr) -> str | None:
    opt = tr.optimizer
    entry = OPTIMIZERS.get(type(opt))
    if entry is None:
        return f"the optimizer {type(opt).__name__} is not one it runs"
    groups = opt.param_groups
    if len(groups) != 1 or opt._optimizer_step_pre_hooks or opt._optimizer_step_post_hooks:
        return "the optimizer has several parameter groups or hooks"
    g = groups[0]
    if g.get("maximize") or g.get("differentiable") or g.get("capturable") or not entry[1](g):
        return "an optimizer option it does not run is on (amsgrad, centered, dampening, maximize)"
    return None


#: what must hold for the fast engine, in order: (reason shown when it does not, check)
CHECKS: tuple[tuple[str, Callable], ...] = (
    ("it runs on the CPU only", lambda tr: tr.device.type == "cpu"),
    ("the weights are not all float32", lambda tr: all(p.dtype == torch.float32 for p in tr.model.parameters())),
    ("some weights are frozen", lambda tr: all(p.requires_grad for p in tr.model.parameters())),
    ("the training data is augmented (each batch is made anew)", lambda tr: tr.train_feed.cached),
)


def supports(tr) -> tuple[Plan | None, str | None]:
    """A ``Plan`` for the Trainer ``tr``'s model and settings, or None and why not (a phrase)."""
    for reason, ok in CHECKS:
        if not ok(tr):
            return None, reason
    net = network(tr.model)
    if isinstance(net, str):
        return None, net
    reason = _loss_reason(tr) or _optimizer_reason(tr)
    if reason:
        return None, reason
    prefix, linears, acts = net
    params = [p for lin in linears for p in (lin.weight, lin.bias) if p is not None]
    if {id(p) for p in params} != {id(p) for p in tr._params} or len(params) != len(tr._params):
        return None, "the optimizer trains weights outside the Linear layers"
    return Plan(prefix, linears, acts, LOSSES[tr.objective.name][0], OPTIMIZERS[type(tr.optimizer)][0], params), None
