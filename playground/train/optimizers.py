"""The optimizer table: every optimizer a user can pick, as a record wrapping torch's own class.

Owns ``OptimizerSpec`` (a ``Choice`` plus the torch class and how its settings become torch
keyword arguments), ``OPTIMIZERS`` (the table), ``make_optimizer`` (a ready torch optimizer for a
model's parameters) and ``apply_settings`` (change a running optimizer's settings in place, keeping
its state, which is how live changes work). Learning rate and schedules live elsewhere
(``config.py``, ``schedules.py``); L1/L2 penalties are part of the loss (``engine.py``), never
the optimizer's ``weight_decay``, so that they can be reported on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

import torch

from playground.core.errors import TrainingError
from playground.train.registry import Choice, Setting, lookup


@dataclass(frozen=True)
class OptimizerSpec(Choice):
    """``torch_class(params, lr=..., **kwargs(settings))``; ``default_lr`` is the value to suggest."""

    torch_class: type = torch.optim.SGD
    kwargs: Callable[[dict], dict] = dict
    default_lr: float = 0.01
    fusable: bool = False  # torch has a fused (single kernel) implementation (used on a GPU)


_EPS = Setting(1e-8, 0.0, 1.0, "small number added to the denominator to avoid dividing by zero")
_BETA1 = Setting(0.9, 0.0, 0.999999, "how much of the previous gradient average to keep (momentum)")
_BETA2 = Setting(0.999, 0.0, 0.999999, "how much of the previous squared-gradient average to keep")


def _table(*specs: OptimizerSpec) -> dict[str, OptimizerSpec]:
    return {s.name: s for s in specs}


OPTIMIZERS: dict[str, OptimizerSpec] = _table(
    OptimizerSpec(
        "sgd", "SGD", "Plain stochastic gradient descent: step against the gradient of the batch.",
        {}, torch.optim.SGD, lambda s: {}, 0.03, True,
    ),
    OptimizerSpec(
        "momentum", "SGD with momentum",
        "SGD that keeps a running velocity, so steps build up along consistent directions.",
        {"momentum": Setting(0.9, 0.0, 0.999999, "share of the previous velocity kept at each step")},
        torch.optim.SGD, lambda s: {"momentum": s["momentum"]}, 0.01, True,
    ),
    OptimizerSpec(
        "nesterov", "Nesterov momentum",
        "Momentum that looks ahead: the gradient is taken where the velocity is about to carry the weights.",
        {"momentum": Setting(0.9, 1e-6, 0.999999, "share of the previous velocity kept at each step")},
        torch.optim.SGD, lambda s: {"momentum": s["momentum"], "nesterov": True}, 0.01, True,
    ),
    OptimizerSpec(
        "adagrad", "AdaGrad",
        "Per-weight learning rates that shrink with the sum of all past squared gradients.",
        {"eps": Setting(1e-10, 0.0, 1.0, _EPS.doc),
         "initial_accumulator_value": Setting(0.0, 0.0, None, "starting value of the squared-gradient sum")},
        torch.optim.Adagrad,
        lambda s: {"eps": s["eps"], "initial_accumulator_value": s["initial_accumulator_value"]}, 0.01, True,
    ),
    OptimizerSpec(
        "adadelta", "AdaDelta",
        "AdaGrad with decaying averages of squared gradients and updates; works with lr 1.",
        {"rho": Setting(0.9, 0.0, 0.999999, "how much of the previous averages to keep"),
         "eps": Setting(1e-6, 0.0, 1.0, _EPS.doc)},
        torch.optim.Adadelta, lambda s: {"rho": s["rho"], "eps": s["eps"]}, 1.0, False,
    ),
    OptimizerSpec(
        "rmsprop", "RMSProp",
        "Divides each step by a running average of recent squared gradients.",
        {"alpha": Setting(0.99, 0.0, 0.999999, "how much of the previous squared-gradient average to keep"),
         "eps": _EPS,
         "momentum": Setting(0.0, 0.0, 0.999999, "optional momentum on top of the scaled step")},
        torch.optim.RMSprop, lambda s: {"alpha": s["alpha"], "eps": s["eps"], "momentum": s["momentum"]},
        0.001, False,
    ),
    OptimizerSpec(
        "adam", "Adam", "Momentum plus RMSProp-style scaling, with bias correction; a good default.",
        {"beta1": _BETA1, "beta2": _BETA2, "eps": _EPS},
        torch.optim.Adam, lambda s: {"betas": (s["beta1"], s["beta2"]), "eps": s["eps"]}, 0.001, True,
    ),
    OptimizerSpec(
        "adamw", "AdamW", "Adam with weight decay applied directly to the weights (decoupled).",
        {"beta1": _BETA1, "beta2": _BETA2, "eps": _EPS,
         "weight_decay": Setting(0.01, 0.0, None, "decoupled decay: share of each weight removed per step, times lr")},
        torch.optim.AdamW,
        lambda s: {"betas": (s["beta1"], s["beta2"]), "eps": s["eps"], "weight_decay": s["weight_decay"]},
        0.001, True,
    ),
)


def get_optimizer(name: str) -> OptimizerSpec:
    return lookup(OPTIMIZERS, name, "optimizer")


def make_optimizer(
    params: Iterable[torch.nn.Parameter], name: str, lr: float, settings: dict | None = None, fast: bool = True
) -> torch.optim.Optimizer:
    """A torch optimizer for the ``params`` that need a gradient (same maths as the plain class);
    frozen ones (``requires_grad`` False) are left out, so they get no state and no weight decay.

    With ``fast``: on a GPU torch's fused kernel where it has one, on the CPU the multi-tensor
    ("foreach") path. CPU fused kernels are avoided on purpose: they start a parallel region per
    step, which for small networks on a busy machine costs more than the whole step (measured in
    tests/benchmarks/bench_trainer.py's notes)."""
    spec = get_optimizer(name)
    kwargs: dict[str, Any] = spec.kwargs(spec.resolve(settings))
    params = [p for p in params if p.requires_grad]  # frozen layers get no optimizer state
    if not params:
        raise TrainingError("nothing to train: every layer with weights is frozen", where="optimizer",
                            fix="switch 'trainable' on for at least one layer (in the inspector)")
    if fast and params and all(p.is_floating_point() for p in params):
        on_gpu = all(p.device.type == "cuda" for p in params)
        options = ({"fused": True}, {"foreach": True}) if on_gpu and spec.fusable else ({"foreach": True},)
        for extra in options:
            try:
                return spec.torch_class(params, lr=lr, **extra, **kwargs)
            except (RuntimeError, ValueError, TypeError):  # device or dtype without that kernel
                continue
    return spec.torch_class(params, lr=lr, **kwargs)


def apply_settings(optimizer: torch.optim.Optimizer, name: str, settings: dict | None) -> None:
    """Change ``optimizer``'s settings in place (its state, e.g. momentum buffers, is kept)."""
    spec = get_optimizer(name)
    kwargs = spec.kwargs(spec.resolve(settings))
    for group in optimizer.param_groups:
        group.update(kwargs)


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = lr
