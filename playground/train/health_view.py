"""The torch side of the Training Health panel: health at rest, and sanity tools between batches.

Owns ``resting_health`` (gradient norms per layer and dead/saturated units on a fixed set of
training examples, without taking a step and without touching the model's ``.grad``, its weights or
its batch-norm statistics: what the panel shows before training and while paused) and
``run_sanity`` (one of ``playground.train.sanity``'s tools by name, on a trainer that may be paused
in the middle of a run; the initial-loss check and the learning-rate finder look at a copy holding
the run's initial weights, since both are about an untrained network). It does not own the live probe measured around an optimizer step: that is
the engine's (``Trainer.request_probe("health")``), and its records are ``probes.Health``.
Never imports Qt.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Callable

import torch

from playground.train import probes, sanity

#: how many training examples the resting measurement looks at (the first ones, in the split's order)
RESTING_EXAMPLES = 256


def resting_examples(trainer, examples: int = RESTING_EXAMPLES):
    """The first ``examples`` training examples: (x, y, loss targets), on the device."""
    feed = trainer.train_feed
    idx = list(range(min(len(feed), examples)))
    x, y = feed.sample(idx)
    return x, y, trainer.objective.target(y)


def resting_health(trainer, examples: int = RESTING_EXAMPLES) -> probes.Health:
    """Gradient norm of the training loss (no penalties) per layer, and dead/saturated units, on the
    first ``examples`` training examples, evaluation mode; ``update_ratio`` is nan (no step is taken)."""
    model, groups = trainer.model, trainer._groups
    x, _, target = resting_examples(trainer, examples)
    flat = [p for _, params in groups for p in params]
    with probes.eval_mode(model), torch.enable_grad():
        loss = trainer.objective.loss(model(x), target)
        grads = torch.autograd.grad(loss, flat, allow_unused=True)
    layers, k = [], 0
    with torch.no_grad():
        for name, params in groups:
            mine = grads[k:k + len(params)]
            k += len(params)
            w = math.sqrt(sum(float(p.detach().float().pow(2).sum()) for p in params))
            g = math.sqrt(sum(float(t.float().pow(2).sum()) for t in mine if t is not None))
            layers.append(probes.LayerHealth(name, sum(p.numel() for p in params), w, g, math.nan))
        with probes.eval_mode(model):
            units = probes.unit_health(model, x)
    return probes.Health(trainer.step_count, layers, units)


class _BetweenBatches:
    """A view of a trainer for the sanity tools while its run is paused in this very thread.

    The tools refuse a running trainer because they must not race the optimizer; between batches,
    in the training thread, nothing races. They copy the model; the one thing they would change is
    the training feed's shuffled order (the learning-rate finder reshuffles it), so they get a
    shallow copy of the feed whose order is their own."""

    running = False

    def __init__(self, trainer):
        self._trainer = trainer
        self.train_feed = copy.copy(trainer.train_feed)

    def __getattr__(self, name):
        return getattr(self._trainer, name)


class _AtInitialWeights(_BetweenBatches):
    """The same view, but its ``model`` is a copy holding this run's initial weights (the state
    ``reset``/``rewind`` go back to): what a check meant for an untrained network must look at,
    however long the network has trained since. The trainer's own model is not touched."""

    def __init__(self, trainer):
        super().__init__(trainer)
        self.model = copy.deepcopy(trainer.model)
        self.model.load_state_dict(trainer._initial)


@dataclass(frozen=True)
class SanityTool:
    """One sanity check: the function, and whether it is about the untrained network (then it runs
    on the run's initial weights, whatever step the network is at)."""

    run: Callable
    initial_weights: bool = False


#: panel key -> sanity tool (each takes a trainer and returns a record with a plain-words ``message``)
TOOLS = {
    "initial_loss": SanityTool(sanity.initial_loss_check, initial_weights=True),
    "overfit": SanityTool(sanity.overfit_tiny_subset),
    "gradient_check": SanityTool(sanity.gradient_check),
    "lr_finder": SanityTool(sanity.lr_range_test, initial_weights=True),
}


def run_sanity(trainer, tool: str):
    """Run sanity tool ``tool`` (a ``TOOLS`` key) on ``trainer``, in the training thread, idle or
    paused between batches; the trainer's weights, gradients and data order are left as they were.
    The checks about an untrained network (initial loss, learning-rate finder) look at a copy with
    this run's initial weights, so they say the same before and after training."""
    if tool not in TOOLS:
        raise KeyError(f"unknown sanity tool '{tool}'")
    record = TOOLS[tool]
    view = _AtInitialWeights(trainer) if record.initial_weights else _BetweenBatches(trainer)
    return record.run(view)  # the feed copy also keeps an idle trainer's order
