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
from functools import partial
from typing import Callable

import torch
import torch.nn.functional as F

from playground.train import metric_losses
from playground.train.detection.anchors import anchors_from_targets
from playground.train.detection.yolo_loss import yolo_loss
from playground.train.registry import Choice, Setting, lookup
from playground.train.tasks import get_task


@dataclass(frozen=True)
class LossSpec(Choice):
    """``fn(out, target, **settings)``: mean loss; ``target(y, k, task)``: labels in the form ``fn`` wants.

    ``family`` is "classification" (needs class labels) or "regression" (any numbers; on a
    classification task the labels become one-hot or 0/1 targets). ``outputs`` says which output
    sizes work on classification: "one" (1 logit), "classes" (one per class) or "both".
    ``threshold`` turns a single output into a class: above it means class 1 (for the YOLO loss:
    the confidence a box needs to be drawn). ``from_data(train_targets, num_classes, out_shape)``,
    when set, gives settings learnt from the training split's targets before training (the YOLO
    loss's anchors, by k-means on the true boxes' sizes); ``Objective.build`` adds them.
    """

    fn: Callable[..., torch.Tensor] = F.mse_loss
    target: Callable[[torch.Tensor, int, str], torch.Tensor] = lambda y, k, task: y
    family: str = "regression"
    outputs: str = "both"
    threshold: float = 0.0
    from_data: Callable[[torch.Tensor, int, tuple], dict] | None = None


def _column(y: torch.Tensor) -> torch.Tensor:
    """Labels (B,) or masks (B, H, W) -> float (B, 1) or (B, 1, H, W), the shape of a single output."""
    return y.float().unsqueeze(1)


def _as_classes(y: torch.Tensor, k: int, task: str) -> torch.Tensor:
    if not get_task(task).targets.classes:  # pixels in 0..1 (reconstruction): one target per output already
        return y.float()
    return y if k > 1 else _column(y)


def _as_numbers(y: torch.Tensor, k: int, task: str) -> torch.Tensor:
    if not get_task(task).targets.classes:
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


def _probs_and_onehot(out: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Class probabilities and one-hot targets, both (B, C, ...): softmax over C scores, or
    sigmoid of one score (with 0/1 targets (B, 1, ...)) as the two classes [1 - p, p]."""
    if out.shape[1] == 1:
        p1, t1 = torch.sigmoid(out), y.to(out.dtype)
        return torch.cat([1 - p1, p1], dim=1), torch.cat([1 - t1, t1], dim=1)
    onehot = F.one_hot(y, out.shape[1]).to(out.dtype)  # (B, ..., C)
    return torch.softmax(out, dim=1), onehot.movedim(-1, 1)


def _overlap(out: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per class, summed over the batch and the pixels: soft intersection and soft sum of sizes."""
    p, t = _probs_and_onehot(out, y)
    dims = (0,) + tuple(range(2, p.dim()))
    return (p * t).sum(dims), (p + t).sum(dims)  # (C,), (C,)


def _dice(out, y, smooth=1.0):
    """1 - mean over classes of (2 |P∩T| + s) / (|P| + |T| + s), with soft P (probabilities)."""
    inter, total = _overlap(out, y)
    return 1 - ((2 * inter + smooth) / (total + smooth)).mean()


def _iou(out, y, smooth=1.0):
    """1 - mean over classes of (|P∩T| + s) / (|P ∪ T| + s), the soft Jaccard index."""
    inter, total = _overlap(out, y)
    return 1 - ((inter + smooth) / (total - inter + smooth)).mean()


def _ce_dice(out, y, smooth=1.0):
    ce = _bce(out, y.to(out.dtype)) if out.shape[1] == 1 else F.cross_entropy(out, y)
    return ce + _dice(out, y, smooth)


_SMOOTH = {"smooth": Setting(1.0, 0.0, None, "added to top and bottom so empty classes give 1, not 0/0")}


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
    LossSpec("dice", "Dice (soft)",
             "1 - the Dice overlap of predicted probabilities and true masks, averaged over classes; for segmentation.",
             _SMOOTH, _dice, _as_classes, "classification", "both", 0.0),
    LossSpec("iou", "IoU (soft Jaccard)",
             "1 - the intersection over union of predicted probabilities and true masks, averaged over classes.",
             _SMOOTH, _iou, _as_classes, "classification", "both", 0.0),
    LossSpec("ce_dice", "Cross-entropy + Dice",
             "Their sum: cross-entropy's per-pixel gradients plus Dice's care for small regions.",
             _SMOOTH, _ce_dice, _as_classes, "classification", "both", 0.0),
    LossSpec("contrastive", "Contrastive (pairs)",
             "Siamese pairs inside the batch: same-class embeddings pulled together (d^2), other classes pushed "
             "apart until the margin (max(0, margin - d)^2).",
             {"margin": Setting(1.0, 1e-6, None, "distance beyond which pairs of two classes no longer push")},
             metric_losses.contrastive, lambda y, k, task: y, "embedding", "both", 0.0),
    *(LossSpec(name, title, "Triplets inside the batch: max(0, d(a,p)^2 - d(a,n)^2 + margin), " + how,
               {"margin": Setting(1.0, 0.0, None, "alpha: how much nearer the positive must be than the negative")},
               partial(metric_losses.triplet, mining=mining), lambda y, k, task: y, "embedding", "both", 0.0)
      for name, title, mining, how in (
          ("triplet", "Triplet (all triplets)", "all", "averaged over every valid triplet."),
          ("triplet_hard", "Triplet (hard mining)", "hard",
           "per anchor its farthest positive and its nearest negative."),
          ("triplet_semihard", "Triplet (semi-hard mining)", "semi-hard",
           "per positive pair the nearest negative still farther than the positive (FaceNet)."))),
)

def _yolo(out, y, anchors=None, lambda_coord=5.0, lambda_noobj=0.5):
    return yolo_loss(out, y, anchors, lambda_coord, lambda_noobj)


def _yolo_anchors(train_targets: torch.Tensor, num_classes: int, out_shape: tuple) -> dict:
    """One anchor per ``5 + C`` output channels, sized by k-means on the training boxes (seeded)."""
    count = max(int(out_shape[0]) // (5 + num_classes), 1) if out_shape else 1
    return {"anchors": anchors_from_targets(train_targets, count).round(6).tolist()}


LOSSES.update(_table(
    LossSpec("yolo", "YOLO (boxes)",
             "Per grid cell and anchor: squared error of the responsible box's position and size, "
             "objectness by binary cross-entropy, cross-entropy of its class; for detection.",
             {"lambda_coord": Setting(5.0, 0.0, 100.0, "weight of the box position and size errors"),
              "lambda_noobj": Setting(0.5, 0.0, 100.0, "weight of objectness where no box is (most cells)")},
             _yolo, lambda y, k, task: y, "detection", "both", 0.25, from_data=_yolo_anchors),
))

#: output layer kind -> the loss its outputs need (an output that is not a score)
OUTPUT_LOSSES = {"Step": "perceptron"}


def get_loss(name: str) -> LossSpec:
    return lookup(LOSSES, name, "loss")


def auto_loss(task: str, outputs: int, last: str | None = None) -> str:
    """The task's natural loss (MSE for regression, BCE for one output, cross-entropy for one per
    class), or the output layer's own loss where it needs one (``OUTPUT_LOSSES``: a Step's 0/1
    output gets the perceptron rule). ``last`` is the output layer's kind (a graph kind or a module
    class name)."""
    kind = get_task(task)
    if last in OUTPUT_LOSSES and outputs == 1 and OUTPUT_LOSSES[last] in kind.losses:
        return OUTPUT_LOSSES[last]
    return kind.default_loss(outputs)


def check_loss(name: str, task: str, num_classes: int, out_shape: tuple, target_shape: tuple,
               dataset: str = "the dataset", last: str | None = None) -> list[str]:
    """Problems with training loss ``name`` on this task and output shape (per sample), the output
    layer's kind ``last`` included; [] when it fits."""
    spec, kind = get_loss(name), get_task(task)
    needed = OUTPUT_LOSSES.get(last)
    if needed is not None and name != needed and needed in kind.losses:
        return [f"the network ends in a {last} layer, whose outputs are 0 or 1, not scores: {spec.title} would "
                f"read them as scores (0 as a 50 % guess); use the {get_loss(needed).title} loss (Loss: Auto "
                f"chooses it)"]
    if name == "perceptron" and last is not None and last not in OUTPUT_LOSSES:
        return ["the perceptron rule needs 0/1 outputs; end the network with a Step layer, or use "
                "binary cross-entropy"]
    if name not in kind.losses:
        fitting = ", ".join(get_loss(n).title for n in kind.losses)
        what = f"is a {spec.family} loss but {dataset}" if spec.family != task else f"does not fit {dataset}, which"
        return [f"{spec.title} {what} is a {task} task "
                f"({kind.targets.describe}); use one of: {fitting}"]
    return kind.check_output(spec, num_classes, tuple(out_shape), tuple(target_shape), dataset)
