"""The learning-rate schedule table: each schedule is a factor that multiplies the base learning rate.

Owns ``ScheduleSpec`` (a ``Choice`` plus ``factor(step, steps_per_epoch, total_steps, **settings)``),
``SCHEDULES`` and ``lr_factor``. A factor rather than a torch scheduler object keeps live changes
simple: the engine sets ``lr = base_lr * factor`` before every step, so a new base learning rate
typed in while training takes effect at once and the schedule carries on. Epoch-based schedules
(step, exponential) change at epoch boundaries like torch's ``StepLR``/``ExponentialLR``;
cosine, one-cycle and warm-up follow torch's per-step formulas (checked in the tests).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from playground.train.registry import Choice, Setting, lookup


@dataclass(frozen=True)
class ScheduleSpec(Choice):
    factor: Callable[..., float] = lambda step, spe, total: 1.0


def _step(step, spe, total, every=10, gamma=0.1):
    return gamma ** ((step // max(spe, 1)) // every)


def _exponential(step, spe, total, gamma=0.95):
    return gamma ** (step // max(spe, 1))


def _cosine(step, spe, total, min_factor=0.0):
    t = min(step, total) / max(total, 1)
    return min_factor + (1 - min_factor) * (1 + math.cos(math.pi * t)) / 2


def _one_cycle(step, spe, total, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    """torch's OneCycleLR (cosine annealing, two phases) as a factor of the peak learning rate."""
    start, end = 1 / div_factor, 1 / (div_factor * final_div_factor)
    up = float(pct_start * total) - 1
    if step <= up:
        pct, lo, hi = (step / up if up > 0 else 1.0), start, 1.0
    else:
        down = total - 1 - up
        pct, lo, hi = (min((step - up) / down, 1.0) if down > 0 else 1.0), 1.0, end
    return hi + (lo - hi) / 2 * (math.cos(math.pi * pct) + 1)


def _warmup(step, spe, total, warmup_steps=100, start_factor=0.0):
    if step >= warmup_steps:
        return 1.0
    return start_factor + (1 - start_factor) * step / warmup_steps


def _table(*specs: ScheduleSpec) -> dict[str, ScheduleSpec]:
    return {s.name: s for s in specs}


SCHEDULES: dict[str, ScheduleSpec] = _table(
    ScheduleSpec("constant", "Constant", "The same learning rate for the whole run.", {}, lambda s, e, t: 1.0),
    ScheduleSpec("step", "Step decay", "Multiply the learning rate by gamma every few epochs.",
                 {"every": Setting(10, 1, None, "epochs between two drops"),
                  "gamma": Setting(0.1, 0.0, 1.0, "factor applied at each drop")}, _step),
    ScheduleSpec("exponential", "Exponential decay", "Multiply the learning rate by gamma after every epoch.",
                 {"gamma": Setting(0.95, 0.0, 1.0, "factor applied after each epoch")}, _exponential),
    ScheduleSpec("cosine", "Cosine annealing",
                 "Lower the learning rate along half a cosine, from the base value to min_factor times it.",
                 {"min_factor": Setting(0.0, 0.0, 1.0, "final learning rate as a share of the base value")},
                 _cosine),
    ScheduleSpec("one_cycle", "One-cycle",
                 "Warm up from lr/div_factor to the learning rate, then anneal far below it (Smith 2018).",
                 {"pct_start": Setting(0.3, 0.0, 1.0, "share of the run spent warming up"),
                  "div_factor": Setting(25.0, 1.0, None, "the start is the learning rate divided by this"),
                  "final_div_factor": Setting(1e4, 1.0, None, "the end is the start divided by this")},
                 _one_cycle),
    ScheduleSpec("warmup", "Linear warm-up",
                 "Grow the learning rate linearly over the first steps, then keep it constant.",
                 {"warmup_steps": Setting(100, 1, None, "batches until the full learning rate"),
                  "start_factor": Setting(0.0, 0.0, 1.0, "starting learning rate as a share of the full one")},
                 _warmup),
)


def get_schedule(name: str) -> ScheduleSpec:
    return lookup(SCHEDULES, name, "learning-rate schedule")


def lr_factor(name: str, settings: dict, step: int, steps_per_epoch: int, total_steps: int) -> float:
    """The multiplier of the base learning rate at (0-based) optimizer ``step``."""
    return get_schedule(name).factor(step, steps_per_epoch, total_steps, **settings)
