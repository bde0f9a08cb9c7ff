"""Sanity tools from "babysitting the learning process": quick checks before a long run.

Owns ``initial_loss_check`` (the loss at initialization against the loss of a network that
knows nothing, ln C for C classes), ``overfit_tiny_subset`` (can the network drive the loss to
near zero on ~20 examples?), ``gradient_check`` (``torch.autograd.gradcheck`` on a float64 copy
of the model, plus the largest relative difference along random directions) and
``lr_range_test`` (loss against a log-spaced learning rate, with a suggestion). Each takes a
``Trainer`` (not while it trains), works on a copy of the model, never changes the Trainer's
weights, and returns a record with numbers and a plain-words ``message``.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np
import torch

from playground.core.errors import TrainingError
from playground.train.optimizers import make_optimizer
from playground.train.probes import eval_mode


@dataclass
class InitialLossReport:
    loss: float
    expected: float  # the loss of all-zero outputs: ln C for cross-entropy over C classes
    ratio: float
    ok: bool
    message: str


@dataclass
class OverfitReport:
    examples: int
    steps: int
    start_loss: float
    final_loss: float
    accuracy: float | None
    reached: bool
    losses: np.ndarray
    message: str


@dataclass
class GradCheckReport:
    passed: bool
    max_relative_error: float
    examples: int
    values_checked: int
    fast_mode: bool
    message: str


@dataclass
class LRRangeReport:
    lrs: np.ndarray
    losses: np.ndarray  # smoothed
    raw_losses: np.ndarray
    suggested_lr: float
    message: str


def _idle(trainer) -> None:
    if trainer.running:
        raise TrainingError("sanity checks cannot run while training runs", where="sanity check",
                            fix="pause is not enough: stop training first")


def _subset(trainer, n: int, seed: int = 0):
    feed = trainer.train_feed
    n = min(n, len(feed))
    order = torch.randperm(len(feed), generator=torch.Generator().manual_seed(seed))[:n]
    x, y = feed.sample(order)
    return x, y, trainer.objective.target(y)


def _describe_expected(obj) -> str:
    if obj.name == "cross_entropy" and obj.classifies:
        return f"ln {obj.num_classes} for {obj.num_classes} classes"
    if obj.name == "bce":
        return "ln 2 for a 50/50 guess"
    return "the loss of a network that outputs zeros"


@torch.no_grad()
def initial_loss_check(trainer, examples: int = 1024, tolerance: float = 1.5) -> InitialLossReport:
    """Loss on up to ``examples`` training examples against its expected value at initialization.

    ``ok`` is False when the ratio is above ``tolerance`` or below its inverse."""
    _idle(trainer)
    x, y, target = _subset(trainer, examples)
    obj = trainer.objective
    with eval_mode(trainer.model):
        out = trainer.model(x)
    loss = float(obj.loss(out, target))
    expected = float(obj.loss(torch.zeros_like(out), target))
    ratio = loss / expected if expected > 0 else math.inf
    ok = math.isfinite(ratio) and 1 / tolerance <= ratio <= tolerance
    what = f"the expected {expected:.3g} ({_describe_expected(obj)})"
    if ok:
        message = f"The loss at initialization is {loss:.3g}, close to {what}: the network starts without a bias."
    elif ratio > tolerance:
        message = (f"The loss at initialization is {loss:.3g}, {ratio:.1f} times {what}: the network starts "
                   f"overconfident. The initial weights of the last layers are probably too large; try a smaller "
                   f"initialization.")
    else:
        message = (f"The loss at initialization is {loss:.3g}, far below {what}: the untrained network already "
                   f"predicts well. Check that the labels do not leak into the inputs.")
    return InitialLossReport(loss, expected, ratio, ok, message)


def overfit_tiny_subset(trainer, examples: int = 20, steps: int = 300, lr: float = 0.01,
                        optimizer: str = "adam", near_zero: float = 0.05, seed: int = 0) -> OverfitReport:
    """Train a copy of the model on ``examples`` training examples (one full batch, no penalties)
    and report whether the training loss gets near zero; a network that cannot is broken or too small."""
    _idle(trainer)
    obj = trainer.objective
    model = copy.deepcopy(trainer.model).train()
    x, y, target = _subset(trainer, examples, seed)
    opt = make_optimizer(model.parameters(), optimizer, lr, fast=False)
    losses = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for _ in range(steps):
            opt.zero_grad(set_to_none=True)
            loss = obj.loss(model(x), target)
            if not torch.isfinite(loss):
                break
            losses.append(loss.item())
            loss.backward()
            opt.step()
    with torch.no_grad(), eval_mode(model):
        out = model(x)
        final = float(obj.loss(out, target))
        acc = float((obj.predict(out) == y).float().mean()) if obj.classifies else None
    start = losses[0] if losses else math.nan
    limit = near_zero if obj.classifies else near_zero * start
    reached = math.isfinite(final) and final <= limit
    n = len(x)
    if reached:
        message = (f"The network drove the training loss on {n} examples from {start:.3g} to {final:.3g} in "
                   f"{len(losses)} steps: it can learn, so the next step is to train on all the data.")
    else:
        message = (f"On only {n} examples the training loss went from {start:.3g} to {final:.3g} in {len(losses)} "
                   f"steps, not near zero: the network is too small or something is broken (learning rate, "
                   f"loss, labels, or a layer that blocks gradients).")
    return OverfitReport(n, len(losses), start, final, acc, reached, np.asarray(losses), message)


def gradient_check(trainer, examples: int = 3, fast_mode: bool | None = None, seed: int = 0) -> GradCheckReport:
    """``torch.autograd.gradcheck`` of the loss with respect to input and weights, on a float64 copy.

    ``fast_mode`` (checks random projections instead of every value) is chosen automatically for
    networks with more than 2000 parameters."""
    _idle(trainer)
    obj = trainer.objective
    model = copy.deepcopy(trainer.model).double().eval()
    x, y, target = _subset(trainer, examples, seed)
    target = target.double() if target.is_floating_point() else target
    names = [name for name, p in model.named_parameters() if p.requires_grad]
    params = [p.detach().clone().requires_grad_(True) for name, p in model.named_parameters() if p.requires_grad]
    x64 = x.detach().double().requires_grad_(True)
    inputs = (x64, *params)
    total = sum(t.numel() for t in inputs)
    fast = total > 2000 if fast_mode is None else fast_mode

    def loss_of(x_, *ps):
        out = torch.func.functional_call(model, dict(zip(names, ps)), (x_,))
        return obj.loss(out, target)

    passed = bool(torch.autograd.gradcheck(loss_of, inputs, eps=1e-6, atol=1e-5, rtol=1e-3,
                                           fast_mode=fast, raise_exception=False))
    grads = torch.autograd.grad(loss_of(*inputs), inputs, allow_unused=True)
    gen = torch.Generator().manual_seed(seed)
    worst = 0.0
    with torch.no_grad():
        for _ in range(3):  # directional derivative along random directions, central differences
            dirs = [torch.randn(t.shape, generator=gen, dtype=torch.float64).to(t.device) for t in inputs]
            norm = math.sqrt(sum(float((d * d).sum()) for d in dirs))
            dirs = [d / norm for d in dirs]
            eps = 1e-6
            plus = loss_of(*[t + eps * d for t, d in zip(inputs, dirs)])
            minus = loss_of(*[t - eps * d for t, d in zip(inputs, dirs)])
            numeric = float((plus - minus) / (2 * eps))
            analytic = sum(float((g * d).sum()) for g, d in zip(grads, dirs) if g is not None)
            scale = max(abs(numeric), abs(analytic), 1e-10)
            worst = max(worst, abs(numeric - analytic) / scale)
    passed = passed and worst < 1e-4
    how = "random projections (fast mode)" if fast else "every value"
    if passed:
        message = (f"Backpropagation agrees with a numerical estimate of the gradient on {len(x)} examples "
                   f"({total} values, checked by {how}; largest relative difference {worst:.1e}).")
    else:
        message = (f"Backpropagation disagrees with the numerical estimate of the gradient (relative difference "
                   f"{worst:.1e}): a layer computes its gradient wrongly, or an input sits exactly on a kink of "
                   f"ReLU or max-pooling; try again with other examples.")
    return GradCheckReport(passed, worst, len(x), total, fast, message)


def lr_range_test(trainer, start: float = 1e-6, end: float = 10.0, steps: int = 100, smooth: float = 0.9,
                  seed: int = 0) -> LRRangeReport:
    """Train a copy for ``steps`` batches while the learning rate grows log-evenly from ``start`` to
    ``end``; stop once the loss explodes. Suggests a tenth of the rate at the lowest smoothed loss."""
    _idle(trainer)
    if not (0 < start < end) or steps < 5:
        raise TrainingError("the range needs 0 < start < end and at least 5 steps", where="learning-rate finder")
    cfg, obj, feed = trainer.config, trainer.objective, trainer.train_feed
    model = copy.deepcopy(trainer.model).train()
    opt = make_optimizer(model.parameters(), cfg.optimizer, start, cfg.optimizer_params, fast=False)
    lrs, raw, smoothed = [], [], []
    avg, best = 0.0, math.inf
    gen = torch.Generator().manual_seed(seed)
    pos, bs = len(feed), cfg.batch_size
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for i in range(steps):
            if pos >= len(feed):
                feed.shuffle(gen)
                pos = 0
            x, _, target = feed.batch(pos, bs)
            pos += len(x)
            lr = start * (end / start) ** (i / (steps - 1))
            for group in opt.param_groups:
                group["lr"] = lr
            opt.zero_grad(set_to_none=True)
            loss = obj.loss(model(x), target)
            value = loss.item()
            if not math.isfinite(value):
                break
            loss.backward()
            opt.step()
            avg = smooth * avg + (1 - smooth) * value
            value_s = avg / (1 - smooth ** (i + 1))
            lrs.append(lr), raw.append(value), smoothed.append(value_s)
            best = min(best, value_s)
            if value_s > 4 * best and i > 5:
                break
    lrs_a, sm = np.asarray(lrs), np.asarray(smoothed)
    if not len(sm):
        return LRRangeReport(lrs_a, sm, np.asarray(raw), start, "the loss was not finite even at the smallest rate")
    lowest = int(np.argmin(sm))
    at_min = float(lrs_a[lowest])
    suggested = at_min / 10
    if lowest == len(sm) - 1:
        message = (f"The loss was still falling at the largest rate tried ({at_min:.2g}); {suggested:.2g} is a "
                   f"good starting learning rate, and a wider range may find a larger one.")
    else:
        message = (f"The loss was lowest at a learning rate of about {at_min:.2g} and rose after that; "
                   f"a tenth of it, {suggested:.2g}, is a good starting learning rate.")
    return LRRangeReport(lrs_a, sm, np.asarray(raw), suggested, message)
