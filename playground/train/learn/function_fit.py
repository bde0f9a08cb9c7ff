"""Function fitting (universality): a one-input network's curve over its data, and each hidden unit's share.

Owns ``fit_curve`` (run in the training thread): the network's output on a grid over the data's
x range, the data points, and, when the network is one hidden layer (Linear(1 -> H), an activation,
Linear(H -> 1)), each hidden unit's contribution w_i · f(a_i x + b_i) on the same grid, so that the
contributions plus the output bias add up to the curve (the universal-approximation argument:
bumps and steps summed). ``one_hidden_layer`` finds that structure in the built module. Inputs
are in the dataset's stored units; the network sees them normalized like every example
((x - mean) / std), as in training. It draws nothing (``ui/learn/fit_view.py``).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import fx, nn

from playground.core.errors import TrainingError
from playground.train import probes

GRID = 300
POINT_LIMIT = 1000
MARGIN = 0.05
NOT_1D = "function fitting needs a network with one input number, like the sine, step, bumps or line datasets"


def check_one_input(trainer) -> None:
    shape = tuple(trainer.info.input_shape)
    if shape != (1,):
        got = "x".join(str(s) for s in shape) or "a scalar"
        raise TrainingError(f"{NOT_1D} (dataset '{trainer.info.name}' has inputs of shape {got})",
                            where="Function fitting", fix="pick a 1-D dataset (sine, step, abs, bumps or line)")


def one_hidden_layer(model: nn.Module) -> tuple[nn.Linear, str, nn.Linear] | None:
    """(first Linear, activation node name, last Linear) when the network is input -> Linear(1, H) ->
    activation -> Linear(H, 1) in a chain (Identity layers such as the input skipped); else None."""
    if not isinstance(model, fx.GraphModule):
        return None
    chain = []
    for n in model.graph.nodes:
        if n.op == "call_module":
            mod = model.get_submodule(n.target)
            if not isinstance(mod, nn.Identity):
                chain.append((str(n.target), mod))
        elif n.op in ("call_function", "call_method"):
            return None
    if len(chain) != 3:
        return None
    (_, first), (act_name, act), (_, last) = chain
    ok = (isinstance(first, nn.Linear) and isinstance(last, nn.Linear) and first.in_features == 1
          and last.out_features == 1 and last.in_features == first.out_features
          and type(act).__module__ in ("torch.nn.modules.activation", "playground.nn.modules")
          and not isinstance(act, (nn.Softmax, nn.LogSoftmax)) and type(act).__name__ != "Maxout")
    return (first, act_name, last) if ok else None


def _stored(split) -> tuple[np.ndarray, np.ndarray]:
    x = split.x.to(torch.float32).reshape(len(split), -1)[:, 0].numpy().astype(np.float64)
    y = split.y.to(torch.float32).reshape(len(split), -1)[:, 0].numpy().astype(np.float64)
    return x, y


def fit_curve(trainer, grid: int = GRID, point_limit: int = POINT_LIMIT) -> dict:
    """Keys: xs (G,), curve (G,), points {"train"|"test": (x, y)}, units None or (H, G) contributions,
    bias (the output bias, or None), activation (its kind), step, epoch, dataset."""
    check_one_input(trainer)
    points = {}
    for name in ("train", "test"):
        split = trainer.splits.parts()[name]
        px, py = _stored(split) if len(split) else (np.zeros(0), np.zeros(0))
        keep = np.linspace(0, len(px) - 1, min(len(px), point_limit)).astype(int) if len(px) else np.zeros(0, int)
        points[name] = (px[keep], py[keep])
    every = np.concatenate([p[0] for p in points.values()]) if any(len(p[0]) for p in points.values()) else np.zeros(1)
    lo, hi = float(every.min()), float(every.max())
    pad = max(hi - lo, 1e-3) * MARGIN
    xs = np.linspace(lo - pad, hi + pad, int(grid))
    mean = trainer.splits.mean.float().reshape(-1)
    std = trainer.splits.std.float().reshape(-1)
    x_in = ((torch.as_tensor(xs, dtype=torch.float32)[:, None] - mean) / std).to(trainer.device)  # (G, 1)
    model = trainer.model
    units = bias = None
    kind = ""
    with probes.eval_mode(model), torch.no_grad():
        out = model(x_in).float().reshape(len(xs), -1)[:, 0]
        parts = one_hidden_layer(model)
        if parts is not None:
            first, act_name, last = parts
            act = model.get_submodule(act_name)
            hidden = act(first(x_in))  # (G, H): f(a_i x + b_i)
            units = (hidden * last.weight[0]).T.float().cpu().numpy().astype(np.float64)  # (H, G): w_i f(...)
            bias = float(last.bias[0]) if last.bias is not None else 0.0
            kind = type(act).__name__
    return {"xs": xs, "curve": out.cpu().numpy().astype(np.float64), "points": points, "units": units,
            "bias": bias, "activation": kind, "step": int(getattr(trainer, "step_count", 0)),
            "epoch": int(getattr(trainer, "epoch", 0)), "dataset": trainer.info.name}
