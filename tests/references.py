"""Independent reference computations shared by tests (plain torch, none of the app's code)."""

from __future__ import annotations

import torch
from torch import nn


def dead_relu_shares(model: nn.Module, x: torch.Tensor) -> dict[str, float]:
    """For every nn.ReLU of ``model``: the share of its units that output <= 0 for every example of
    ``x`` (a forward hook on each ReLU, no gradient)."""
    outs: dict[str, torch.Tensor] = {}
    hooks = [m.register_forward_hook(lambda mod, a, o, name=name: outs.__setitem__(name, o))
             for name, m in model.named_modules() if isinstance(m, nn.ReLU)]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for hook in hooks:
            hook.remove()
    return {name: float((o <= 0).all(dim=0).float().mean()) for name, o in outs.items()}
