"""The loss table and the rules that say which loss fits which task and output.

Owns ``LossSpec`` (a ``Choice`` plus the loss function, the target conversion and how outputs
become class predictions), ``LOSSES`` (the table), ``auto_loss`` (the natural loss for a task and
an output size, and the output layer: a Step's 0/1 output gets the perceptron rule, not a loss made
for scores) and ``check_loss`` (a mismatch between loss, task and output, in words naming both
sides, found before training starts). Every function works on a whole batch: outputs ``(B, k)``
or ``(B, k, H, W)`` for segmentation. It does not own metrics (``metrics.py``) or the loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F

from playground.train.registry import Choice, Setting, lookup

CLASSIFICATION = ("classification", "segmentation")


@dataclass(frozen=True)
class LossSpec(Choice):
    """``fn(out, target, **settings)``: mean loss; ``target(y, k, task)``: labels in the form ``fn`` wants.

    ``family`` is "classification" (needs class labels) or "regression" (any numbers; on a
    classification task the labels become one-hot or 0/1 targets). ``outputs`` says which output
    sizes work on classification: "one" (1 logit), "classes" (one per class) or "both".
    ``threshold`` turns a single output into a class: above it means class 1.
    """

    fn: Callable[..., torch.Tensor] = F.mse_loss
    target: Callable[[torch.Tensor, int, str], torch.Tensor] = lambda y, k, task: y
    family: str = "regression"
    outputs: str = "both"
    threshold: float = 0.0


def _column(y: torch.Tensor) -> torch.Tensor:
    """Labels (B,) or masks (B, H, W) -> float (B, 1) or (B, 1, H, W), the shape of a single output."""
    return y.float().unsqueeze(1)


def _as_classes(y: torch.Tensor, k: int, task: str) -> torch.Tensor:
    return y if k > 1 else _column(y)


def _as_numbers(y: torch.Tensor, k: int, task: str) -> torch.Tensor:
    if task == "regression":
        y = y.float()
        return y.unsqueeze(1) if y.dim() == 1 else y  # targets (B,) -> (B, 1)
    if k == 1:
        return _column(y)
    onehot = F.one_hot(y, k).float()  # (B, k) or (B, H, W, k)
    return onehot if onehot.dim() == 2 else onehot.movedim(-1, 1)  # (B, k, H, W)


def _hinge_target(y: torch.Tensor, k: int, task: str) -> torch.Tensor:
    return y if k > 1 else _column(y) * 2 - 1  # 0/1 -> -1/+1


def _channels_last(out: torch.Tensor, y: torch.Tensor):
    """(B, C, H, W) outputs and (B, H, W) labels -> (B*H*W, C) and (B*H*W,): one row per pixel."""
    if out.dim() > 2:
        return out.movedim(1, -1).reshape(-1, out.shape[1]), y.reshape(-1)
    return out, y


def _cross_entropy(out, y, label_smoothing=0.0):
    return F.cross_entropy(out, y, label_smoothing=label_smoothing)


def _bce(out, y):
    return F.binary_cross_entropy_with_logits(out, y)


def _hinge(out, y, margin=1.0):
    if out.shape[1] == 1:
        return torch.clamp(margin - y * out, min=0).mean()
    out, y = _channels_last(out, y)
    return F.multi_margin_loss(out, y, margin=margin)


def _focal(out, y, gamma=2.0):
    """Cross-entropy scaled by (1 - p_true)^gamma: easy, confident examples count less (Lin et al. 2017)."""
    if out.shape[1] == 1:
        ce = F.binary_cross_entropy_with_logits(out, y, reduction="none")
    else:
        ce = F.cross_entropy(out, y, reduction="none")
    p_true = torch.exp(-ce)
    return ((1 - p_true) ** gamma * ce).mean()


def _perceptron(out, y):
    """Rosenblatt's rule as a loss on 0/1 outputs: mean |y - y_hat| is the share misclassified, and
    through a straight-through Step its gradient moves the weights by lr * mean((y - y_hat) x)."""
    return (out - y).abs().mean()


def _table(*specs: LossSpec) -> dict[str, LossSpec]:
    return {s.name: s for s in specs}


LOSSES: dict[str, LossSpec] = _table(
    LossSpec("mse", "MSE (L2)", "Mean squared error: the average of (output - target)^2.",
             {}, lambda out, y: F.mse_loss(out, y), _as_numbers, "regression", "both", 0.5),
    LossSpec("mae", "MAE (L1)", "Mean absolute error: the average of |output - target|; robust to outliers.",
             {}, lambda out, y: F.l1_loss(out, y), _as_numbers, "regression", "both", 0.5),
    LossSpec("huber", "Huber", "Squared error for small errors, absolute error beyond delta.",
             {"delta": Setting(1.0, 1e-9, None, "error size where squared turns into absolute")},
             lambda out, y, delta=1.0: F.huber_loss(out, y, delta=delta), _as_numbers, "regression", "both", 0.5),
    LossSpec("cross_entropy", "Cross-entropy",
             "Softmax over the class scores, then minus the log of the true class's probability.",
             {"label_smoothing": Setting(0.0, 0.0, 1.0, "share of the target spread evenly over all classes")},
             _cross_entropy, _as_classes, "classification", "classes", 0.0),
    LossSpec("bce", "Binary cross-entropy",
             "Sigmoid of one score as the probability of class 1, then minus the log of the true side's probability.",
             {}, _bce, _as_classes, "classification", "one", 0.0),
    LossSpec("hinge", "Multi-class hinge",
             "SVM loss: every wrong class's score should sit at least a margin below the true class's.",
             {"margin": Setting(1.0, 0.0, None, "how far below the true score the others must stay")},
             _hinge, _hinge_target, "classification", "both", 0.0),
    LossSpec("focal", "Focal",
             "Cross-entropy that down-weights easy examples by (1 - p)^gamma; for imbalanced classes.",
             {"gamma": Setting(2.0, 0.0, 10.0, "focusing strength; 0 gives plain cross-entropy")},
             _focal, _as_classes, "classification", "both", 0.0),
    LossSpec("perceptron", "Perceptron rule",
             "For a Step output (0 or 1): the share of examples on the wrong side; with a straight-through "
             "Step each step moves the weights by lr * (y - output) * x, Rosenblatt's perceptron rule.",
             {}, _perceptron, _as_numbers, "classification", "one", 0.5),
)

#: output layer kind -> the loss its outputs need (an output that is not a score)
OUTPUT_LOSSES = {"Step": "perceptron"}


def get_loss(name: str) -> LossSpec:
    return lookup(LOSSES, name, "loss")


def auto_loss(task: str, outputs: int, last: str | None = None) -> str:
    """The natural loss: MSE for regression, BCE for one output, cross-entropy for one per class;
    the output layer's own loss where it needs one (``OUTPUT_LOSSES``: a Step's 0/1 output gets
    the perceptron rule). ``last`` is the output layer's kind (a graph kind or a module class name)."""
    if task == "regression":
        return "mse"
    if last in OUTPUT_LOSSES and outputs == 1:
        return OUTPUT_LOSSES[last]
    return "bce" if outputs == 1 else "cross_entropy"


def check_loss(name: str, task: str, num_classes: int, out_shape: tuple, target_shape: tuple,
               dataset: str = "the dataset", last: str | None = None) -> list[str]:
    """Problems with training loss ``name`` on this task and output shape (per sample), the output
    layer's kind ``last`` included; [] when it fits."""
    spec = get_loss(name)
    out_shape, target_shape = tuple(out_shape), tuple(target_shape)
    needed = OUTPUT_LOSSES.get(last)
    if needed is not None and name != needed and task != "regression":
        return [f"the network ends in a {last} layer, whose outputs are 0 or 1, not scores: {spec.title} would "
                f"read them as scores (0 as a 50 % guess); use the {get_loss(needed).title} loss (Loss: Auto "
                f"chooses it)"]
    if name == "perceptron" and last is not None and last not in OUTPUT_LOSSES:
        return [f"the perceptron rule needs 0/1 outputs; end the network with a Step layer, or use "
                f"binary cross-entropy"]
    if task == "regression":
        if spec.family != "regression":
            return [f"{spec.title} is a classification loss but {dataset} is a regression task "
                    f"(its targets are numbers); use MSE, MAE or Huber"]
        want = target_shape if target_shape else (1,)
        if out_shape != want:
            return [f"the network gives {_shape(out_shape)} per example but {dataset} has "
                    f"{_shape(want)} per target; make the last layer give {_shape(want)}"]
        return []
    spatial = task == "segmentation"
    if spatial and (len(out_shape) != 3 or out_shape[1:] != target_shape):
        return [f"segmentation needs one score map per class of size {_shape(target_shape)}, but the network "
                f"gives {_shape(out_shape)}; end the network with a 1x1 convolution that keeps the image size"]
    if not spatial and len(out_shape) != 1:
        return [f"the network gives {_shape(out_shape)} per example but classification needs a flat vector "
                f"of class scores; add Flatten and a Linear layer with {num_classes} outputs"]
    k = out_shape[0]
    if k not in (1, num_classes):
        return [f"the network has {k} outputs but {dataset} has {num_classes} classes; "
                f"give the last layer {num_classes} outputs"]
    if k == 1 and num_classes != 2:
        return [f"{dataset} has {num_classes} classes but the network has 1 output; "
                f"give the last layer {num_classes} outputs (with cross-entropy)"]
    if k == 1 and spec.outputs == "classes":
        return [f"{spec.title} needs one output per class but the network has 1 output for {dataset}'s "
                f"2 classes; use binary cross-entropy, or give the last layer 2 outputs"]
    if k > 1 and spec.outputs == "one":
        return [f"{spec.title} needs a single output but the network has {k} (one per class) for {dataset}; "
                f"use cross-entropy, or give the last layer 1 output"]
    return []


def _shape(shape: tuple) -> str:
    if len(shape) == 1:
        return f"{shape[0]} value" + ("" if shape[0] == 1 else "s")
    return "(" + ", ".join(str(s) for s in shape) + ")"
