"""Looking inside a model: activations, gradient health, effective receptive field, saliency.

Owns the probe functions and their result records. Every result holds numpy arrays and plain
numbers, never live tensors, so the GUI thread can keep them. Works on any ``torch.nn.Module``: a
``torch.fx.GraphModule`` (what ``nn.build`` makes) is traced node by node, so every node's output
is seen, merges included; another module is watched through forward hooks on its children. The
engine runs these between batches on request (``Trainer.request_probe``); the health of one
training step (gradient norms, update/weight ratios) is measured by the engine around that step
with ``layer_groups`` / ``snapshot`` / ``layer_health``.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import fx, nn

from playground.core.errors import TrainingError


# ----------------------------------------------------------------------------- records
@dataclass
class Activations:
    outputs: dict[str, np.ndarray]  # node name -> (B, *shape), in forward order
    input: np.ndarray


@dataclass
class LayerHealth:
    name: str
    params: int
    weight_norm: float
    grad_norm: float
    update_ratio: float  # ||weights after the step - before|| / ||before||; healthy near 1e-3


@dataclass
class UnitHealth:
    name: str
    kind: str  # "relu", "sigmoid" or "tanh"
    dead_share: float  # relu: units that are 0 for every example of the batch; else nan
    saturated_share: float  # sigmoid/tanh: activations whose slope is under a tenth of the peak; else nan


@dataclass
class Health:
    step: int
    layers: list[LayerHealth] = field(default_factory=list)
    units: list[UnitHealth] = field(default_factory=list)


@dataclass
class ReceptiveField:
    node: str
    unit: tuple[int, ...]
    gradient: np.ndarray  # mean |d unit / d input| over the examples, input shape per sample
    map: np.ndarray  # summed over channels: (H, W) for images, (F,) for vectors
    box: tuple[int, int, int, int] | None  # (top, left, bottom, right) inclusive where the map is non-zero
    size: tuple[int, ...]  # the box's height and width (or the vector's non-zero span)


@dataclass
class Saliency:
    target: int
    prediction: np.ndarray  # the model's output for the example
    gradient: np.ndarray  # d score / d input, input shape
    map: np.ndarray  # |gradient|, max over channels for images


# ----------------------------------------------------------------------------- capturing node outputs
class _Recorder(fx.Interpreter):
    def __init__(self, module: fx.GraphModule):
        super().__init__(module)
        self.record: list[tuple[str, object, torch.Tensor]] = []

    def run_node(self, n):
        out = super().run_node(n)
        if n.op in ("call_module", "call_function", "call_method") and isinstance(out, torch.Tensor):
            what = self.module.get_submodule(n.target) if n.op == "call_module" else n.target
            self.record.append((str(n.target) if n.op == "call_module" else n.name, what, out))
        return out


def node_outputs(model: nn.Module, x: torch.Tensor) -> list[tuple[str, object, torch.Tensor]]:
    """(name, module or function, output) for every node, in the order they run, plus the final output last."""
    if isinstance(model, fx.GraphModule):
        rec = _Recorder(model)
        rec.run(x)
        return rec.record
    record: list[tuple[str, object, torch.Tensor]] = []
    watched = dict(model.named_children())
    for name, mod in model.named_modules():  # activation modules nested deeper count too
        if name and name not in watched and not list(mod.children()) and unit_kind(mod):
            watched[name] = mod
    handles = []
    for name, mod in watched.items():
        def hook(module, args, out, name=name):
            if isinstance(out, torch.Tensor):
                record.append((name, module, out))
        handles.append(mod.register_forward_hook(hook))
    try:
        out = model(x)
    finally:
        for h in handles:
            h.remove()
    if not record or record[-1][2] is not out:
        record.append(("output", None, out))
    return record


def output_kind(model: nn.Module) -> str | None:
    """The class name of the module that gives ``model``'s output ("Step", "Linear", ...): the
    output node's module for a ``torch.fx.GraphModule``, the last child of an ``nn.Sequential``;
    None when it is not a module (a function such as ``add``) or cannot be told."""
    if isinstance(model, fx.GraphModule):
        out = next((n for n in model.graph.nodes if n.op == "output"), None)
        arg = out.args[0] if out is not None and out.args else None
        if isinstance(arg, fx.Node) and arg.op == "call_module":
            return type(model.get_submodule(arg.target)).__name__
        return None
    if isinstance(model, nn.Sequential) and len(model):
        return type(model[-1]).__name__
    return None


def unit_kind(what) -> str | None:
    if isinstance(what, (nn.ReLU, nn.ReLU6)) or what in (torch.relu, F.relu):
        return "relu"
    if isinstance(what, nn.Sigmoid) or what in (torch.sigmoid, F.sigmoid):
        return "sigmoid"
    if isinstance(what, nn.Tanh) or what in (torch.tanh, F.tanh):
        return "tanh"
    return None


@contextmanager
def eval_mode(model: nn.Module):
    was = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was)


def _numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().float().cpu().numpy()


# ----------------------------------------------------------------------------- probes
@torch.no_grad()
def activations(model: nn.Module, x: torch.Tensor) -> Activations:
    """The output of every node for the examples ``x`` (B, *input_shape), evaluation mode."""
    with eval_mode(model):
        rec = node_outputs(model, x)
    return Activations({name: _numpy(out) for name, _, out in rec}, _numpy(x))


@torch.no_grad()
def unit_health(model: nn.Module, x: torch.Tensor) -> list[UnitHealth]:
    """Dead ReLUs and saturated sigmoid/tanh units for the examples ``x`` (training-mode forward)."""
    out = []
    for name, what, y in node_outputs(model, x):
        kind = unit_kind(what)
        if kind == "relu":
            dead = (y <= 0).reshape(y.shape[0], -1).all(dim=0).float().mean()
            out.append(UnitHealth(name, kind, float(dead), math.nan))
        elif kind == "sigmoid":
            slope = y * (1 - y)  # peak 0.25
            out.append(UnitHealth(name, kind, math.nan, float((slope < 0.025).float().mean())))
        elif kind == "tanh":
            slope = 1 - y * y  # peak 1
            out.append(UnitHealth(name, kind, math.nan, float((slope < 0.1).float().mean())))
    return out


def layer_groups(model: nn.Module) -> list[tuple[str, list[nn.Parameter]]]:
    """(module name, its own trainable parameters) for every module that has some."""
    groups = []
    for name, mod in model.named_modules():
        params = [p for p in mod.parameters(recurse=False) if p.requires_grad]
        if params:
            groups.append((name or "model", params))
    return groups


@torch.no_grad()
def snapshot(groups) -> list[list[torch.Tensor]]:
    return [[p.detach().clone() for p in params] for _, params in groups]


@torch.no_grad()
def layer_health(groups, before: list[list[torch.Tensor]] | None) -> list[LayerHealth]:
    """Weight and gradient norms per layer, and the update/weight ratio against ``before`` (a snapshot)."""
    out = []
    for k, (name, params) in enumerate(groups):
        w = math.sqrt(sum(float(p.detach().float().pow(2).sum()) for p in params))
        g = math.sqrt(sum(float(p.grad.float().pow(2).sum()) for p in params if p.grad is not None))
        ratio = math.nan
        if before is not None:
            old = before[k]
            du = math.sqrt(sum(float((p.detach() - b).float().pow(2).sum()) for p, b in zip(params, old)))
            w0 = math.sqrt(sum(float(b.float().pow(2).sum()) for b in old))
            ratio = du / w0 if w0 > 0 else math.nan
        out.append(LayerHealth(name, sum(p.numel() for p in params), w, g, ratio))
    return out


def _pick(record, node: str) -> torch.Tensor:
    for name, _, out in record:
        if name == node:
            return out
    names = ", ".join(name for name, _, _ in record)
    raise TrainingError(f"there is no node '{node}' to probe", where="receptive field", fix=f"choose one of: {names}")


def receptive_field(model: nn.Module, x: torch.Tensor, node: str, unit: tuple[int, ...] | None = None) -> ReceptiveField:
    """Effective receptive field: the gradient of one unit of ``node`` with respect to the input.

    ``unit`` indexes the node's output per example, e.g. (channel, row, column); by default the
    centre of channel 0. The map is |gradient| averaged over the examples ``x``.
    """
    x = x.detach().clone().requires_grad_(True)
    with eval_mode(model), torch.enable_grad():
        out = _pick(node_outputs(model, x), node)
        if unit is None:
            unit = (0,) + tuple(s // 2 for s in out.shape[2:]) if out.dim() > 1 else ()
        unit = tuple(int(u) for u in unit)
        (grad,) = torch.autograd.grad(out[(slice(None), *unit)].sum(), x, allow_unused=True)
    if grad is None:
        grad = torch.zeros_like(x)
    g = grad.abs().mean(dim=0)  # input shape per sample
    amap = g.sum(dim=0) if g.dim() == 3 else g
    amap_np = _numpy(amap)
    nz = amap_np > (amap_np.max() * 1e-9 if amap_np.size and amap_np.max() > 0 else np.inf)
    box, size = None, (0,) * amap_np.ndim
    if nz.any():
        if nz.ndim == 2:
            rows, cols = np.flatnonzero(nz.any(axis=1)), np.flatnonzero(nz.any(axis=0))
            box = (int(rows[0]), int(cols[0]), int(rows[-1]), int(cols[-1]))
            size = (box[2] - box[0] + 1, box[3] - box[1] + 1)
        else:
            idx = np.flatnonzero(nz.reshape(-1))
            size = (int(idx[-1] - idx[0] + 1),)
    return ReceptiveField(node, unit, _numpy(g), amap_np, box, size)


def saliency(model: nn.Module, x: torch.Tensor, target: int | None = None) -> Saliency:
    """How much each input value moves the score of class ``target`` (default: the predicted class).

    ``x`` is one example (input shape, no batch dimension). With a single output the score is that output.
    """
    x = x.detach().clone().unsqueeze(0).requires_grad_(True)
    with eval_mode(model), torch.enable_grad():
        out = model(x)
        scores = out.reshape(1, out.shape[1], -1).sum(dim=2) if out.dim() > 2 else out.reshape(1, -1)
        if target is None:
            target = int(scores.argmax(dim=1)) if scores.shape[1] > 1 else 0
        (grad,) = torch.autograd.grad(scores[0, int(target)], x)
    g = grad[0]
    amap = g.abs().amax(dim=0) if g.dim() == 3 else g.abs()
    return Saliency(int(target), _numpy(out[0]), _numpy(g), _numpy(amap))


# ----------------------------------------------------------------------------- dispatch for the Trainer
def _input(trainer, args: dict, default_index=0) -> torch.Tensor:
    """The examples a probe looks at: ``x=`` (one example or a batch) or ``index=`` of ``split=``."""
    if args.get("x") is not None:
        x = torch.as_tensor(args["x"], dtype=torch.float32, device=trainer.device)
        return x if x.dim() > len(trainer.info.input_shape) else x.unsqueeze(0)
    return trainer.examples(args.get("split", "val"), args.get("index", default_index))[0]


def run_probe(trainer, kind: str, args: dict):
    """One probe on ``trainer``'s model, now, in the calling thread."""
    model = trainer.model
    if kind == "activations":
        return activations(model, _input(trainer, args))
    if kind == "health":
        if "x" not in args and "index" not in args:
            args = dict(args, split=args.get("split", "train"))
        feed = trainer.feeds.get(args.get("split", "train")) or trainer.train_feed
        first = list(range(min(len(feed), 256)))
        x = _input(trainer, args, first)
        return Health(trainer.step_count, layer_health(trainer._groups, None), unit_health(model, x))
    if kind == "receptive_field":
        if "node" not in args:
            raise TrainingError("a receptive-field probe needs a node name", where="probe")
        first = list(range(min(len(trainer.feeds["val"]) or len(trainer.train_feed), 16)))
        return receptive_field(model, _input(trainer, args, first), args["node"], args.get("unit"))
    if kind == "saliency":
        return saliency(model, _input(trainer, args)[0], args.get("target"))
    if kind == "evaluation":
        return trainer.evaluate(args.get("split", "val"))
    raise TrainingError(f"unknown probe '{kind}'", where="probe")
