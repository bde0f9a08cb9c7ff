"""Every loss of the registry as a function of one prediction, and its gradient.

Owns ``loss_curve``: for a chosen target, the loss of the registry's own function (``LOSSES``) at
each prediction on a range, and dL/d(prediction) by ``torch.autograd`` through that same function.
The prediction is the network's output: the value for regression losses, the score (logit) of
class 1 for classification ones (cross-entropy, hinge and focal with several outputs see the two
scores (0, z)), and the target is a number (regression) or a class 0/1. It does not own fitting
(``robust_fit.py``) or the sigmoid slowdown (``slowdown.py``), and it draws nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from playground.train.losses import LOSSES, get_loss

PRED_RANGE = (-4.0, 4.0)
POINTS = 321


@dataclass
class LossCurve:
    name: str
    title: str
    family: str  # "regression" | "classification"
    target: float
    z: np.ndarray  # predictions
    loss: np.ndarray
    grad: np.ndarray  # dL/dz
    axis: str  # what z is, in words


def loss_names() -> list[str]:
    """The losses of one prediction: those of the tasks whose record says ``one_prediction_losses``."""
    from playground.train.tasks import tasks

    per_example = {n for t in tasks().values() if t.one_prediction_losses for n in t.losses}
    return [n for n in LOSSES if n in per_example]


def _one_loss(name: str, z: torch.Tensor, target: float, settings: dict) -> torch.Tensor:
    """The registry's loss of one prediction ``z`` (a scalar tensor) for ``target``."""
    spec = get_loss(name)
    if spec.family == "regression":
        y = spec.target(torch.tensor([float(target)]), 1, "regression")  # (1, 1)
        return spec.fn(z.reshape(1, 1), y, **settings)
    label = torch.tensor([int(round(target))])
    if spec.outputs == "classes":  # two scores: (0, z)
        out = torch.stack([torch.zeros_like(z), z]).reshape(1, 2)
        return spec.fn(out, spec.target(label, 2, "classification"), **settings)
    return spec.fn(z.reshape(1, 1), spec.target(label, 1, "classification"), **settings)


def loss_curve(name: str, target: float, settings: dict | None = None, pred_range=PRED_RANGE,
               points: int = POINTS) -> LossCurve:
    spec = get_loss(name)
    settings = spec.resolve(settings, where="Losses explorer")
    z = torch.linspace(float(pred_range[0]), float(pred_range[1]), int(points), dtype=torch.float64)
    one = lambda zi: _one_loss(name, zi, target, settings).reshape(())  # noqa: E731
    losses = torch.func.vmap(one)(z)  # every prediction on its own: (points,)
    grads = torch.func.vmap(torch.func.grad(one))(z)  # autograd of each: dL/dz (points,)
    axis = "prediction" if spec.family == "regression" else "score of class 1 (logit)"
    return LossCurve(name, spec.title, spec.family, float(target), z.numpy(), losses.detach().numpy(), grads.detach().numpy(), axis)
