"""What every run leaves for the lessons about training health, recorded whether or not a panel is open.

Owns ``HealthHistory`` (step -> gradient norm and update/weight ratio per layer, in preallocated
arrays of a fixed capacity; when full, every other sample is dropped and from then on only every
second new one is kept, so a whole run fits in fixed memory and drawing time) and ``RunRecorder``,
a Trainer callback that, from a run's first step, every ``every`` steps measures per layer the
gradient norm (the step's own ``.grad``), the update/weight ratio (against the weights it copied
just before that step), the dead/saturated unit shares on fixed examples (the first
``UNIT_EXAMPLES`` training examples), and one weight/activation histogram snapshot
(``filter_view.HistogramHistory``, itself bounded by thinning). How often adapts to the cost: the
per-layer numbers (fused tensor operations) every ``every`` steps, the smallest count that keeps
their measured time under ``BUDGET`` of the measured training time (both in the training
thread's CPU time, which a busy machine disturbs far less than the wall clock); the forward pass on fixed
examples on its own schedule within ``FULL_BUDGET``. Both start at the run's first step. The GUI thread reads through ``copy_health`` / ``latest`` / ``hist`` (locked).
Never imports Qt.
"""

from __future__ import annotations

import math
import threading
import time

import numpy as np
import torch

from playground.train import probes
from playground.train.callbacks import Callback

def _clock() -> float:
    """The training thread's CPU time: costs and step times both on it, so that other processes
    on a busy machine (which stretch the wall clock of both unevenly) do not move the schedule."""
    return time.thread_time()


CAPACITY = 5000
BUDGET = 0.015  # share of training time the per-layer numbers may take
FULL_BUDGET = 0.008  # ... and the forward pass on fixed examples (units, histograms): under 3 % in all
UNIT_EXAMPLES = 32
HIST_EXAMPLES = 16  # validation examples whose activations the histograms show
MAX_EVERY = 1_000_000  # in effect no cap: how often is the budget's to decide (a fast engine does 100k steps a second)


class HealthHistory:
    """Per-layer gradient norms and update ratios against the step, bounded."""

    def __init__(self, capacity: int = CAPACITY):
        self.capacity = max(4, int(capacity))
        self.names: tuple[str, ...] = ()
        self.steps = np.empty(self.capacity, dtype=np.float64)
        self.grad = np.empty((self.capacity, 0), dtype=np.float64)
        self.ratio = np.empty((self.capacity, 0), dtype=np.float64)
        self.n = 0
        self.stride = 1  # keep every stride-th offered sample (doubles with every thinning)
        self._offered = 0

    def clear(self, names: tuple[str, ...] = ()) -> None:
        self.names = tuple(names)
        self.grad = np.empty((self.capacity, len(self.names)), dtype=np.float64)  # (capacity, layers)
        self.ratio = np.empty((self.capacity, len(self.names)), dtype=np.float64)
        self.n, self.stride, self._offered = 0, 1, 0

    def add(self, health) -> bool:
        """Record one measurement (a new set of layer names starts over). False when it was skipped:
        a step not after the last one, or thinned out."""
        names = tuple(layer.name for layer in health.layers)
        if names != self.names:
            self.clear(names)
        if self.n and health.step <= self.steps[self.n - 1]:
            return False
        self._offered += 1
        if (self._offered - 1) % self.stride:
            return False
        if self.n == self.capacity:
            self._thin()
        i = self.n
        self.steps[i] = health.step
        self.grad[i] = [layer.grad_norm for layer in health.layers]
        self.ratio[i] = [layer.update_ratio for layer in health.layers]
        self.n += 1
        return True

    def _thin(self) -> None:
        keep = self.n // 2
        self.steps[:keep] = self.steps[: self.n : 2][:keep]
        self.grad[:keep] = self.grad[: self.n : 2][:keep]
        self.ratio[:keep] = self.ratio[: self.n : 2][:keep]
        self.n = keep
        self.stride *= 2
        self._offered = 1  # the sample being added now is the first of the new stride

    def copy(self) -> "HealthHistory":
        """An independent copy of the filled part (what another thread may keep and draw)."""
        other = HealthHistory(max(4, self.n))
        other.names, other.n, other.stride = self.names, self.n, self.stride
        other.steps = self.steps[: self.n].copy()
        other.grad, other.ratio = self.grad[: self.n].copy(), self.ratio[: self.n].copy()
        return other

    def series(self, which: str, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """(steps, values) of ``which`` ("grad" or "ratio") for layer number ``layer``; values that a
        log axis cannot show (zero, negative, not measured) are nan."""
        values = getattr(self, which)[: self.n, layer]
        return self.steps[: self.n], np.where(values > 0, values, np.nan)


class _Schedule:
    """When to measure next: ``every`` steps, the fewest that keep the measured cost within ``budget``
    of the training time (cost and step time both measured in this run)."""

    def __init__(self, budget: float):
        self.budget = budget
        self.every, self.next, self.count, self.spent_s = 1, 1, 0, 0.0

    def done(self, step: int, cost_s: float, step_s: float) -> None:
        self.count += 1
        self.spent_s += cost_s
        want = (self.spent_s / self.count) / max(self.budget * step_s, 1e-12)
        self.every = int(min(MAX_EVERY, max(1, math.ceil(want))))
        self.next = step + self.every


class RunRecorder(Callback):
    """Records health and histograms of every run from its first step, within a budget of its time.

    Two schedules: the per-layer numbers (gradient norm, update/weight ratio: a few fused tensor
    operations) within ``budget``, and the costlier forward pass on fixed examples (dead/saturated
    shares, weight and activation histograms) within ``full_budget``."""

    def __init__(self, budget: float = BUDGET, full_budget: float = FULL_BUDGET, capacity: int = CAPACITY):
        from playground.train.filter_view import HistogramHistory

        self.budget, self.full_budget = budget, full_budget
        self.lock = threading.Lock()
        self.health = HealthHistory(capacity)
        self.hist = HistogramHistory()
        self.latest: probes.Health | None = None  # the last measurement (units from the last full one)
        self.version = 0  # bumps with every measurement (readers redraw when it changed)
        self._run = None
        self.clear()

    def clear(self) -> None:
        with self.lock:
            self.health.clear()
            self.latest = None
            self.version += 1
        self.hist.clear()
        self.scalars, self.full = _Schedule(self.budget), _Schedule(self.full_budget)
        self.spent_s, self._train_s, self._intervals = 0.0, 0.0, 0
        self._units: list = []
        self._buffers: list | None = None  # weights just before the step to measure (preallocated)
        self._armed = False
        self._fit_base, self._cpu0, self._spent0, self._step0 = (0.0, 0), _clock(), 0.0, 0

    @property
    def every(self) -> int:
        return self.scalars.every

    @property
    def measurements(self) -> int:
        return self.scalars.count

    def copy_health(self) -> tuple[HealthHistory, probes.Health | None, int]:
        """(history copy, latest measurement, version), for another thread."""
        with self.lock:
            return self.health.copy(), self.latest, self.version

    @property
    def overhead(self) -> float:
        """The recorder's time as a share of the training time so far (0 before any step)."""
        return self.spent_s / self._train_s if self._train_s > 0 else 0.0

    def next_detail_step(self) -> int | None:
        """The step whose own gradient and update the next measurement reads (the fused engine ends
        a chunk of steps there, so the numbers are that step's, not a chunk's, and calls
        ``on_batch_end`` only from the step before it: at the others this recorder does nothing)."""
        return self.scalars.next if self._params else None

    # ---- the Trainer's callbacks (training thread) ----------------------------------------------
    def on_fit_start(self, trainer) -> None:
        if trainer.step_count == 0 or self._run is not trainer.model:
            self.clear()
            self._run = trainer.model
            self._params = [p for _, ps in trainer._groups for p in ps]
            self._names = [name for name, _ in trainer._groups]
            self._layer_sizes = [sum(p.numel() for p in ps) for _, ps in trainer._groups]
            self._group = torch.tensor([g for g, (_, ps) in enumerate(trainer._groups) for _ in ps],
                                       device=self._params[0].device if self._params else None)
        self.scalars.next = max(self.scalars.next, trainer.step_count + 1)
        self.full.next = max(self.full.next, trainer.step_count + 1)
        self._fit_base = (self._train_s, self._intervals)  # the totals of earlier fits of this run
        self._cpu0, self._spent0, self._step0 = _clock(), self.spent_s, trainer.step_count
        self._arm(trainer.step_count)

    def _arm(self, step: int) -> None:
        """Copy the weights when the next step is one to measure (its update needs them)."""
        self._armed = step + 1 == self.scalars.next and bool(self._params)
        if self._armed:
            with torch.no_grad():
                if self._buffers is None:
                    self._buffers = [p.detach().clone() for p in self._params]
                else:
                    torch._foreach_copy_(self._buffers, [p.detach() for p in self._params])

    def on_batch_end(self, trainer, info) -> None:
        step = info.step
        if step + 1 < self.scalars.next:  # nothing to measure at this step or the next: return at once
            self._armed = False  # (on the fast engine a step takes ~10 us; this check is all it pays)
            return
        start = _clock()
        step_s = self._step_seconds(start, step)
        if self._armed and step >= self.scalars.next:
            full = step >= self.full.next
            if full:
                t0 = _clock()
                self._full(trainer, step)
                self.full.done(step, _clock() - t0, step_s)
            t0 = _clock()
            self._scalars(step)
            self.scalars.done(step, _clock() - t0, step_s)
        self._arm(step)
        self.spent_s += _clock() - start

    def _step_seconds(self, now: float, step: int) -> float:
        """Mean training time per step so far: the training thread's CPU time since each fit began,
        less the recorder's own (read only when a measurement is near, not at every step)."""
        base_s, base_steps = self._fit_base
        self._train_s = base_s + (now - self._cpu0) - (self.spent_s - self._spent0)
        self._intervals = base_steps + step - self._step0
        return self._train_s / self._intervals if self._intervals > 0 else math.inf

    @torch.no_grad()
    def _scalars(self, step: int) -> None:
        params = [p.detach() for p in self._params]
        grads = [p.grad.detach() if p.grad is not None else torch.zeros_like(p) for p in self._params]
        k = len(self._names)

        def per_layer(norms) -> list[float]:  # per-parameter norms -> per-layer norms
            sq = torch.stack(norms).float().pow(2)
            return torch.zeros(k, device=sq.device).index_add_(0, self._group, sq).sqrt().tolist()

        g = per_layer(torch._foreach_norm(grads))
        w = per_layer(torch._foreach_norm(params))
        w0 = per_layer(torch._foreach_norm(self._buffers))
        du = per_layer(torch._foreach_norm(torch._foreach_sub(params, self._buffers)))
        sizes = self._layer_sizes
        layers = [probes.LayerHealth(name, n, wi, gi, d / b if b > 0 else math.nan)
                  for name, n, wi, gi, d, b in zip(self._names, sizes, w, g, du, w0)]
        health = probes.Health(step, layers, self._units)
        with self.lock:
            self.health.add(health)
            self.latest = health
            self.version += 1

    def _full(self, trainer, step: int) -> None:
        """Dead/saturated shares on the first training examples, and one histogram snapshot."""
        feed = trainer.train_feed
        x = feed.sample(list(range(min(len(feed), UNIT_EXAMPLES))))[0]
        with probes.eval_mode(trainer.model):
            self._units = probes.unit_health(trainer.model, x)
        val = trainer.feeds["val"] if len(trainer.feeds["val"]) else feed
        n = min(HIST_EXAMPLES, len(val))
        with torch.no_grad():
            self.hist.record(trainer.model, step, val.sample(list(range(n)))[0] if n else None)
