"""Backpropagation written out, layer by layer, on the current dense network: torch in, numpy out.

Owns ``dense_chain`` (reads a built network as input preprocessing followed by Linear layers, each
followed by zero or more elementwise activations; anything else is refused with a message that
says what and why), ``trace_backprop`` (one forward pass z = Wa + b, a = f(z), the loss, the
backward pass δ = ∂L/∂z computed by the chain rule by hand, ∂L/∂W = δᵀa, ∂L/∂b = Σδ, and the
plain gradient-descent update W ← W − η∂L/∂W) and ``numeric_gradient`` (the central difference
(L(w+ε) − L(w−ε)) / 2ε for one weight, for gradient checking). Everything is computed in float64
on CPU copies, so the model being trained is never touched; tests compare each number with
torch.autograd on the built module. Words and formulas for the view live in ``backprop_text``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from playground.core.errors import TrainingError

#: modules that act on each unit alone (their derivative is one number per unit, f'(z))
ELEMENTWISE = {"Tanh", "ReLU", "Sigmoid", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Softplus",
               "Softsign", "Hardtanh", "ReLU6", "Hardswish", "Hardsigmoid", "Tanhshrink", "LogSigmoid", "Identity",
               "Dropout", "AlphaDropout", "Step"}
PREPROCESS = {"PointFeatures", "Flatten", "Identity", "Reshape"}


@dataclass
class DenseLayer:
    """One Linear layer and the activations after it; arrays are (batch, units) unless noted."""

    name: str
    act_names: list[str]  # the activation modules applied after it, in order ([] = identity)
    act_kinds: list[str]
    W: np.ndarray  # (units, inputs) before the update
    b: np.ndarray  # (units,)
    a_in: np.ndarray  # (B, inputs): the activations feeding it
    z: np.ndarray  # (B, units) = a_in Wᵀ + b
    a: np.ndarray  # (B, units) = f(z)
    fprime: np.ndarray  # (B, units) = f'(z)
    delta: np.ndarray = field(default=None)  # (B, units) = ∂L/∂z
    dW: np.ndarray = field(default=None)  # (units, inputs) = Σ_batch δ a_inᵀ
    db: np.ndarray = field(default=None)  # (units,) = Σ_batch δ
    W_after: np.ndarray = field(default=None)
    b_after: np.ndarray = field(default=None)

    @property
    def activation(self) -> str:
        return " then ".join(self.act_kinds) if self.act_kinds else "identity"


@dataclass
class BackpropTrace:
    layers: list[DenseLayer]
    x: np.ndarray  # (B, inputs): the network's input features after preprocessing (a⁰)
    input_names: list[str]
    output: np.ndarray  # (B, outputs)
    target: np.ndarray  # what the loss compares the output with
    labels: np.ndarray  # the dataset's labels or targets
    loss: float
    loss_name: str
    loss_title: str
    dL_da: np.ndarray  # (B, outputs): ∂L/∂a of the last layer
    lr: float
    optimizer: str
    split: str
    indices: list[int]
    step: int
    extras: Callable | None = None  # (layer, j, i, eps) -> numeric gradient, see numeric_gradient

    def loss_with(self, layer: int, j: int, i: int, value: float) -> float:
        """The loss with weight W[layer][j, i] set to ``value`` (biases: i = -1)."""
        return float(self.extras(layer, j, i, value))


@dataclass
class Chain:
    pre: list[nn.Module]  # modules before the first Linear (input features, flatten)
    layers: list[tuple[str, nn.Linear, list[tuple[str, nn.Module]]]]


def dense_chain(model: nn.Module) -> Chain:
    """The network as preprocessing + Linear layers with elementwise activations, or a TrainingError."""
    graph = getattr(model, "graph", None)
    if graph is None:
        raise TrainingError("the network is not a built graph", where="backprop")
    pre: list[nn.Module] = []
    layers: list = []
    previous = None
    for node in graph.nodes:
        if node.op == "placeholder":
            previous = node
            continue
        if node.op == "output":
            break
        if node.op != "call_module":
            raise TrainingError(f"'{node.name}' is not a layer with one input and one output ({node.target})",
                                where="backprop", fix="backprop step by step draws a plain stack of dense layers")
        if len(node.all_input_nodes) != 1 or node.all_input_nodes[0] is not previous or len(node.users) > 1:
            raise TrainingError(f"'{node.name}' branches or merges", where="backprop",
                                fix="backprop step by step draws a plain stack of dense layers, one after another")
        module = model.get_submodule(node.target)
        kind = type(module).__name__
        if isinstance(module, nn.Linear):
            layers.append((node.target, module, []))
        elif not layers and kind in PREPROCESS:
            pre.append(module)
        elif layers and kind in ELEMENTWISE:
            layers[-1][2].append((node.target, module))
        else:
            where = "before the first dense layer" if not layers else "between dense layers"
            raise TrainingError(f"'{node.target}' ({kind}) {where} is not an elementwise activation",
                                where="backprop",
                                fix="backprop step by step works on dense networks (Linear layers and "
                                    "activations such as tanh or ReLU): try the TF Playground MLP or Perceptron preset")
        previous = node
    if not layers:
        raise TrainingError("the network has no dense (Linear) layer", where="backprop",
                            fix="add a Linear layer, or open the TF Playground MLP preset")
    return Chain(pre, layers)


def _apply(acts: list[nn.Module], z: torch.Tensor) -> torch.Tensor:
    a = z
    for act in acts:
        a = act(a)
    return a


def trace_backprop(model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: Callable, lr: float,
                   loss_name: str = "", loss_title: str = "", optimizer: str = "sgd", split: str = "train",
                   indices: list[int] | None = None, step: int = 0, target: torch.Tensor | None = None) -> BackpropTrace:
    """The whole step for inputs ``x`` (B, ...) and loss ``loss_fn(output, target)`` (target is
    ``target`` or ``y``). Works on float64 copies; ``model`` is left as it was."""
    chain = dense_chain(model)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            a0 = x
            for m in chain.pre:
                a0 = m(a0)
            a0 = a0.reshape(a0.shape[0], -1).detach().cpu().double()  # (B, inputs)
    finally:
        model.train(was_training)
    target = (target if target is not None else y).detach().cpu()
    target = target.double() if target.is_floating_point() else target
    acts = [[copy.deepcopy(m).eval().cpu().double() for _, m in acts] for _, _, acts in chain.layers]
    Ws = [lin.weight.detach().cpu().double().clone() for _, lin, _ in chain.layers]
    bs = [(lin.bias.detach().cpu().double().clone() if lin.bias is not None else torch.zeros(lin.out_features,
           dtype=torch.float64)) for _, lin, _ in chain.layers]

    # forward, remembering z, a and f'(z) per layer
    layers: list[DenseLayer] = []
    a = a0
    for (name, _lin, named), W, b, act in zip(chain.layers, Ws, bs, acts):
        z = a @ W.T + b  # (B, units)
        zz = z.clone().requires_grad_(True)
        with torch.enable_grad():
            out = _apply(act, zz)
            (fprime,) = torch.autograd.grad(out.sum(), zz) if out.requires_grad else (torch.ones_like(z),)
        layers.append(DenseLayer(name, [n for n, _ in named], [type(m).__name__ for _, m in named], W.numpy(),
                                 b.numpy(), a.numpy(), z.numpy(), out.detach().numpy(), fprime.numpy()))
        a = out.detach()

    # the loss and its derivative with respect to the network's output
    output = a.clone().requires_grad_(True)
    with torch.enable_grad():
        loss = loss_fn(output, target)
        (dL_da,) = torch.autograd.grad(loss, output)

    # backward by hand: δᴸ = ∂L/∂a ⊙ f'(zᴸ), δˡ = (δˡ⁺¹ Wˡ⁺¹) ⊙ f'(zˡ), ∂L/∂W = δᵀ a_in, ∂L/∂b = Σ δ
    grad_a = dL_da
    for k in range(len(layers) - 1, -1, -1):
        layer = layers[k]
        delta = grad_a * torch.from_numpy(layer.fprime)  # (B, units)
        layer.delta = delta.numpy()
        layer.dW = (delta.T @ torch.from_numpy(layer.a_in)).numpy()  # (units, inputs)
        layer.db = delta.sum(0).numpy()
        layer.W_after = layer.W - lr * layer.dW
        layer.b_after = layer.b - lr * layer.db
        grad_a = delta @ Ws[k]  # (B, inputs) = ∂L/∂a of the layer below

    def loss_with(li: int, j: int, i: int, value: float) -> float:
        with torch.no_grad():
            h = a0
            for k, (W, b, act) in enumerate(zip(Ws, bs, acts)):
                if k == li:
                    W, b = W.clone(), b.clone()
                    if i < 0:
                        b[j] = value
                    else:
                        W[j, i] = value
                h = _apply(act, h @ W.T + b)
            return float(loss_fn(h, target))

    in_names = [f"x{i + 1}" for i in range(a0.shape[1])]
    return BackpropTrace(layers, a0.numpy(), in_names, a.numpy(), target.numpy(), y.detach().cpu().numpy(),
                         float(loss.detach()), loss_name, loss_title, dL_da.numpy(), float(lr), optimizer, split,
                         list(indices or []), step, loss_with)


def numeric_gradient(trace: BackpropTrace, layer: int, j: int, i: int, eps: float = 1e-5) -> float:
    """(L(w + ε) − L(w − ε)) / 2ε for W[layer][j, i] (or the bias b[layer][j] when i = -1)."""
    L = trace.layers[layer]
    w = float(L.b[j] if i < 0 else L.W[j, i])
    return (trace.loss_with(layer, j, i, w + eps) - trace.loss_with(layer, j, i, w - eps)) / (2 * eps)


def trainer_trace(trainer: Any, split: str = "train", indices: list[int] | None = None) -> BackpropTrace:
    """The step for examples ``indices`` of ``split`` of a Trainer (run in the training thread)."""
    indices = list(indices or [0])
    x, y = trainer.examples(split, indices)
    objective = trainer.objective
    cfg = trainer.config
    return trace_backprop(trainer.model, x, y, objective.loss, cfg.lr, objective.name, objective.spec.title,
                          cfg.optimizer, split, indices, trainer.step_count, target=objective.target(y))
