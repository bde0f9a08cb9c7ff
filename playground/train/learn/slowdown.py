"""The learning slowdown: a saturated sigmoid output learns slowly under MSE, fast under cross-entropy.

One sigmoid neuron a = sigmoid(z), z = w x + b. With the quadratic cost C = (a - y)^2 / 2 the
gradient dC/dz = (a - y) a (1 - a) carries the factor sigma'(z) = a (1 - a), which vanishes when the
neuron saturates, even when it is badly wrong; with cross-entropy C = -[y ln a + (1 - y) ln(1 - a)]
that factor cancels and dC/dz = a - y (the course's, and Nielsen's, argument).

Owns ``gradient_vs_output`` (|dC/dz| for both costs as a function of the output a, by autograd) and
``race`` (the tiny training run: the same neuron started saturated and wrong, trained by
torch.optim.SGD under each cost; the output per step shows MSE stuck). It draws nothing.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

COSTS = ("mse", "cross_entropy")
TITLES = {"mse": "quadratic (MSE)", "cross_entropy": "cross-entropy"}
START = (2.0, 2.0)  # w, b: input 1 gives z = 4, a = 0.98 while the target is 0 (Nielsen's example)
LR = 0.15
STEPS = 300


def cost(name: str, a: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    if name == "mse":
        return 0.5 * (a - y) ** 2
    return F.binary_cross_entropy(a, y, reduction="none")


def gradient_vs_output(target: float = 0.0, points: int = 199) -> dict:
    """For outputs a in (0, 1): |dC/dz| under each cost (z = logit(a)), by autograd."""
    a = torch.linspace(0.005, 0.995, int(points), dtype=torch.float64)
    z = torch.log(a / (1 - a)).requires_grad_(True)
    y = torch.full_like(a, float(target))
    out = {"a": a.numpy()}
    for name in COSTS:
        (g,) = torch.autograd.grad(cost(name, torch.sigmoid(z), y).sum(), z)
        out[name] = g.abs().numpy()
    return out


def race(steps: int = STEPS, lr: float = LR, start=START, x: float = 1.0, target: float = 0.0) -> dict:
    """Output a and cost per step for the neuron trained under each cost (full SGD, one example)."""
    result = {"steps": np.arange(int(steps) + 1)}
    xt, yt = torch.tensor([float(x)]), torch.tensor([float(target)])
    for name in COSTS:
        w = torch.tensor([float(start[0])], requires_grad=True)
        b = torch.tensor([float(start[1])], requires_grad=True)
        opt = torch.optim.SGD([w, b], lr=lr)
        outputs, costs = [], []
        for _ in range(int(steps) + 1):
            opt.zero_grad()
            a = torch.sigmoid(w * xt + b)
            c = cost(name, a, yt).sum()
            outputs.append(float(a.detach()))
            costs.append(float(c.detach()))
            c.backward()
            opt.step()
        result[name] = {"output": np.array(outputs), "cost": np.array(costs)}
    return result
