"""The Trainer: one training loop for any ``torch.nn.Module``, driven by the app and the CLI alike.

Owns ``Trainer``: setup (device, loss fitted to the task, optimizer, data feeds), ``fit`` (the
epoch/batch loop with L1/L2 penalties, gradient clipping, max-norm, learning-rate schedule,
early stopping, a NaN guard that keeps the last good weights, per-step and per-epoch metrics,
throughput), callbacks, probes on request, reset and rewind, and checkpoint state. Thread-safe
control lives in ``control.py``; metrics maths in ``metrics.py``/``evaluation.py``. Knows nothing
about Qt. Per step it does only what a hand-written loop does plus a few cheap bookkeeping ops;
hooks are installed only while a probe runs. The rules around each step (penalties, max-norm, the NaN
guard, early stopping) live in ``loop_rules.py``. Small dense networks run chunks of steps in the fused
engine instead (``fused/``: the choice, the kernels and the bookkeeping of a chunk live there).
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any, Callable, Iterable

import torch
from torch import nn

from playground.core.errors import TrainingError
from playground.train import checkpoint, probes
from playground.train.callbacks import HOOKS, Callback, overrides
from playground.train.config import TrainConfig, resolve_device
from playground.train.control import Controls, Restart
from playground.train.evaluation import evaluate, model_outputs, split_metrics
from playground.train.feed import Feed
from playground.train.fused.runner import FastPath, take_chunk
from playground.train.history import BatchInfo, EpochRecord, FitResult, History
from playground.train.loop_rules import LoopRules
from playground.train.objective import Objective
from playground.train.optimizers import apply_settings, make_optimizer
from playground.train.schedules import get_schedule
from playground.train.threads import threads_for
from playground.train.throughput import Throughput


def default_reinit(model: nn.Module, seed: int) -> None:
    """New initial weights: every submodule's own ``reset_parameters`` under ``seed``."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for module in model.modules():
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()


class Trainer(Controls, LoopRules):
    """Train ``model`` on ``splits`` (the data package's ``Splits``) with ``config``.

    ``reinit(model, seed)`` gives the model new initial weights for ``reset`` (the app passes one
    that rebuilds from the graph's per-layer init). The model is moved to the config's device.
    """

    def __init__(self, model: nn.Module, splits, config: TrainConfig | None = None,
                 callbacks: Iterable[Callback] = (), *, reinit: Callable[[nn.Module, int], None] | None = None):
        self.config = (config or TrainConfig()).replace()  # a checked copy of our own
        self.splits, self.info = splits, splits.info
        self.device = resolve_device(self.config.device)
        self.model = model.to(self.device)
        self.callbacks = list(callbacks)
        self.reinit = reinit or default_reinit
        self._init_controls()
        self.objective = self._fit_objective()
        self.feeds = {name: Feed(getattr(splits, name), self.objective, self.device) for name in ("train", "val", "test")}
        self.train_feed = self.feeds["train"]
        self._params = [p for p in self.model.parameters() if p.requires_grad]
        self._weights = [p for p in self._params if p.dim() > 1]  # penalties and max-norm act on these
        self._groups = probes.layer_groups(self.model)
        self._health_pending = False
        self._fast = FastPath()  # the fused engine for small dense networks, when it applies
        self.throughput = Throughput()  # samples/s, wall clock over the last seconds of training
        self._loop_thread: int | None = None
        self._initial = self._state_copy()
        self._new_run()

    @property
    def engine(self) -> str:
        """"fast" when the fused engine ran the last steps, else "torch" (``engine_reason`` says why)."""
        return "fast" if self._fast.used else "torch"

    @property
    def engine_reason(self) -> str | None:
        return self._fast.reason

    # ------------------------------------------------------------------ setup
    def _fit_objective(self) -> Objective:
        split = self.splits.train
        if len(split) == 0:
            raise TrainingError("the training split is empty", where=f"dataset '{self.info.name}'",
                                fix="use more samples or a larger training fraction")
        x, _ = split.batch(torch.arange(1), augment=False)
        try:
            with torch.no_grad(), probes.eval_mode(self.model):
                out = self.model(x.to(self.device))
        except (RuntimeError, ValueError, TypeError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise TrainingError(
                f"the network cannot take examples of shape {tuple(x.shape[1:])} from dataset '{self.info.name}' "
                f"({first})", where="model", fix="make the input layer match the dataset") from None
        return Objective.build(self.config.loss, self.config.loss_params, self.info, tuple(out.shape[1:]),
                               last=probes.output_kind(self.model), train_targets=getattr(split, "y", None))

    def _new_run(self) -> None:
        """Counters, optimizer, history and random streams for a run starting at the current weights."""
        cfg = self.config
        self.optimizer = make_optimizer(self._params, cfg.optimizer, cfg.lr, cfg.optimizer_params)
        self.history = History()
        self.step_count = 0
        self.epoch = 0
        self.samples_seen = 0
        self.train_seconds = 0.0
        self.throughput.restart(time.perf_counter() - self._paused_seconds, 0)
        self._best = (math.inf, None, None)  # (val loss, epoch, state)
        self._bad_epochs = 0
        self._generator = torch.Generator().manual_seed(cfg.seed)
        self._seeded = False
        self._rng_state = None  # torch's global stream as this run left it (dropout), between fit calls
        self._refresh()

    def _refresh(self) -> None:
        """Re-read the settings the inner loop uses (after a live change)."""
        cfg = self.config
        self._base_lr = cfg.lr
        spec = get_schedule(cfg.schedule)
        self._schedule = None if cfg.schedule == "constant" else (spec.factor, dict(cfg.schedule_params))
        groups = self.optimizer.param_groups
        self._plain_sgd = (type(self.optimizer) is torch.optim.SGD and len(groups) == 1 and not groups[0]["momentum"]
                           and not groups[0]["weight_decay"] and not groups[0]["maximize"]
                           and not self.optimizer._optimizer_step_pre_hooks and not self.optimizer._optimizer_step_post_hooks)
        self._set_lr(self.step_count)

    def _set_lr(self, step: int) -> float:
        lr = self._base_lr
        if self._schedule is not None:
            spe = max(1, math.ceil(len(self.train_feed) / self.config.batch_size))
            fn, settings = self._schedule
            lr = lr * fn(step, spe, spe * self.config.epochs, **settings)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        return lr

    def _state_copy(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    def _call(self, hook: str, *args: Any) -> None:
        for cb in self.callbacks:
            if overrides(cb, hook):
                getattr(cb, hook)(self, *args)

    def _emit_state(self, state: str, message: str = "") -> None:
        self._call("on_state", state, message)

    # ------------------------------------------------------------------ live changes, reset, rewind
    def _apply_changes(self, changes: dict) -> None:
        old, new = self.config, self.config.replace(**changes)
        self.config = new
        if new.optimizer != old.optimizer:
            self.optimizer = make_optimizer(self._params, new.optimizer, new.lr, new.optimizer_params)
        elif new.optimizer_params != old.optimizer_params:
            apply_settings(self.optimizer, new.optimizer, new.optimizer_params)
        self._refresh()
        said = ", ".join(f"{k} = {getattr(new, k)}" for k in changes)
        self._emit_state("changed", said)

    def _start_over(self, kind: str, seed: int | None) -> None:
        if kind == "reset":
            if seed is not None:
                self.config = self.config.replace(seed=seed)
            self.reinit(self.model, self.config.seed)
            self._initial = self._state_copy()
        else:
            self.model.load_state_dict(self._initial)
        self._new_run()
        self._emit_state("reset" if kind == "reset" else "rewound", f"{kind} (seed {self.config.seed})")

    # ------------------------------------------------------------------ the loop
    def fit(self) -> FitResult:
        """Train until ``config.epochs`` epochs are done (counting earlier calls), a stop, early
        stopping or a NaN loss. Call it in a worker thread to control it from another."""
        with self._lock:
            if self._running:
                raise TrainingError("this Trainer is already training", where="fit")
            self._running, self._stop = True, False
            self._loop_thread = threading.get_ident()
        wall = time.perf_counter()
        self._paused_seconds = 0.0
        self.throughput.restart(wall, self.samples_seen)
        try:
            with threads_for(self.model):
                reason, message, error = self._fit_loop()
                test = None
                if len(self.feeds["test"]) and reason != "nan":
                    test = self.evaluate("test")
        finally:
            self._rng_state = torch.get_rng_state() if self._seeded else None
            with self._lock:
                self._running = False
                self._loop_thread = None
                leftovers = []
                while not self._commands.empty():
                    leftovers.append(self._commands.get_nowait())
                for command in leftovers:  # came in after the last batch: apply them now
                    if command[0] != "stop":
                        self._apply(command, live=False)
        result = FitResult(reason, message, self.history, test, self._best[1], self.step_count, self.samples_seen,
                           self.train_seconds, time.perf_counter() - wall - self._paused_seconds, error,
                           rate=self.throughput.rate())
        self._emit_state("stopped", message)
        self._call("on_fit_end", result)
        return result

    def _fit_loop(self):
        self._emit_state("running", "training")
        self._call("on_fit_start")
        while True:
            try:
                return self._run_epochs()
            except Restart:
                self._call("on_fit_start")

    def _run_epochs(self):
        if not self._seeded:  # same seed, same run: dropout and shuffling start from the seed
            torch.manual_seed(self.config.seed)
            self._seeded = True
        elif self._rng_state is not None:  # this run's own random stream, whatever drew from torch's meanwhile
            torch.set_rng_state(self._rng_state)
        while self.epoch < self.config.epochs:
            outcome = self._run_epoch()
            if outcome is not None:
                return outcome
        return "finished", f"finished {self.epoch} epochs ({self.step_count} steps)", None

    def _run_epoch(self):
        model, feed, obj, params = self.model, self.train_feed, self.objective, self._params
        good = [p.detach().clone() for p in params]  # last weights whose loss was finite
        pdata = [p.detach() for p in params]
        batch_hooks = [cb for cb in self.callbacks if overrides(cb, "on_batch_end")]
        self._call("on_epoch_start", self.epoch + 1)
        model.train()
        feed.shuffle(self._generator)
        n, pos, batch_no = len(feed), 0, 0
        outs, ys, sizes, first_step, fast_epoch = [], [], [], len(self.history.step_loss), []
        step_loss, penalty_sum, seconds = self.history.step_loss, 0.0, 0.0
        while pos < n:
            if self._pending or self._paused:
                self._control()
                if self._stop:
                    self.samples_seen, self.train_seconds = self.samples_seen + pos, self.train_seconds + seconds
                    return "stopped", f"stopped at step {self.step_count}", None
            cfg = self.config
            t0 = time.perf_counter()
            ran = self._fast.chunk(self, pos, fast_epoch) if self._fast.enabled else None
            if ran is not None:  # the fused engine ran the next steps (fused/runner.py)
                pos, batch_no, pen, dt, bad = take_chunk(self, ran, pos, n, outs, ys, sizes, batch_hooks, batch_no, t0)
                penalty_sum, seconds = penalty_sum + pen, seconds + dt
                if bad is None:
                    continue
                self.samples_seen, self.train_seconds = self.samples_seen + pos, self.train_seconds + seconds
                return self._nan_stop(bad, pdata)
            x, y, target = feed.batch(pos, cfg.batch_size)
            for p in params:
                p.grad = None
            out = model(x)
            loss = obj.loss(out, target)
            total, pen = loss, 0.0
            if cfg.l1 or cfg.l2:
                penalty = self._penalty(cfg)
                total = loss + penalty
                pen = penalty.item()
            value = total.item()
            if not math.isfinite(value):
                self.samples_seen, self.train_seconds = self.samples_seen + pos, self.train_seconds + seconds
                return self._nan_stop(value, good)
            torch._foreach_copy_(good, pdata)  # detached views: nothing for autograd to record
            total.backward()
            if cfg.grad_clip:
                torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip)
            health = self._health_before(x) if self._health_pending else None
            if self._plain_sgd:  # what torch's SGD does without momentum, minus its per-call bookkeeping
                grads = [p.grad for p in params]
                if any(g is None for g in grads):  # (not `None in grads`: that compares tensors)
                    self.optimizer.step()
                else:
                    torch._foreach_add_(pdata, grads, alpha=-self.optimizer.param_groups[0]["lr"])
            else:
                self.optimizer.step()
            if cfg.max_norm:
                self._max_norm(cfg.max_norm)
            self.step_count += 1
            size = len(y)
            pos += size
            batch_no += 1
            step_loss.append(value - pen)
            penalty_sum += pen
            outs.append(out.detach())
            ys.append(y)
            sizes.append(size)
            if self._schedule is not None:
                self._set_lr(self.step_count)
            t1 = time.perf_counter()
            seconds += t1 - t0
            self.throughput.tick(t1 - self._paused_seconds, self.samples_seen + pos)
            if health is not None:
                self._health_after(health)
            if batch_hooks:
                info = BatchInfo(self.step_count, self.epoch + 1, batch_no,
                                 batch_no + math.ceil((n - pos) / cfg.batch_size), size, value - pen, pen,
                                 self.optimizer.param_groups[0]["lr"], self.throughput.rate())
                for cb in batch_hooks:
                    cb.on_batch_end(self, info)
        return self._end_epoch(outs, ys, sizes, first_step, penalty_sum, seconds)

    def _end_epoch(self, outs, ys, sizes, first_step, penalty_sum, seconds):
        self.epoch += 1
        steps = len(sizes)
        count = sum(sizes)
        self.samples_seen += count
        self.train_seconds += seconds
        losses = self.history.step_loss[first_step:]
        train_loss = sum(l * s for l, s in zip(losses, sizes)) / max(count, 1)
        train = split_metrics(self.objective, torch.cat(outs), torch.cat(ys), loss=train_loss)
        val = None
        if len(self.feeds["val"]):
            vx, vy = self.feeds["val"].all()
            out = self._fast.outputs(self, "val") if self._fast.used else model_outputs(self.model, vx)
            val = split_metrics(self.objective, out, vy, self.feeds["val"].target)
        self.throughput.tick(time.perf_counter() - self._paused_seconds, self.samples_seen)  # validation counts
        rate = self.throughput.rate()
        record = EpochRecord(self.epoch, self.step_count, train, val, penalty_sum / max(steps, 1),
                             self.optimizer.param_groups[0]["lr"], rate if math.isfinite(rate) else 0.0, seconds)
        self.history.epochs.append(record)
        stop = self._early_stopping(val)
        self._call("on_epoch_end", record)
        return stop

    # ------------------------------------------------------------------ probes
    def _health_before(self, x):
        self._health_pending = False
        return probes.snapshot(self._groups), x

    def _health_after(self, health) -> None:
        before, x = health
        result = probes.Health(self.step_count, probes.layer_health(self._groups, before),
                               probes.unit_health(self.model, x))
        self._call("on_probe", "health", result)

    def examples(self, split: str = "val", index: Any = 0) -> tuple[torch.Tensor, torch.Tensor]:
        """Chosen examples of a split (the training split when the chosen one is empty), on the device."""
        if split not in self.feeds:
            raise TrainingError(f"unknown split '{split}'", where="probe", fix="use train, val or test")
        feed = self.feeds[split] if len(self.feeds[split]) else self.train_feed
        idx = torch.as_tensor(index).reshape(-1)
        if len(idx) and (int(idx.max()) >= len(feed) or int(idx.min()) < 0):
            raise TrainingError(f"example {int(idx.max())} is outside the {split} split ({len(feed)} examples)",
                                where="probe")
        return feed.sample(idx)

    def probe(self, kind: str, **args: Any):
        """Run a probe now and return its result (see ``request_probe`` for kinds and arguments).
        Not while a run is going in another thread: use ``request_probe`` then."""
        if self._running and threading.get_ident() != self._loop_thread:
            raise TrainingError("training is running in another thread", where="probe",
                                fix="use request_probe; the result arrives through on_probe")
        return probes.run_probe(self, kind, args)

    def evaluate(self, split: str = "test"):
        """Confusion matrix, per-class scores, ROC/AUC and misclassified examples (or MSE/R^2) of a split."""
        feed = self.feeds[split]
        x, y = feed.all()
        return evaluate(self.model, x, y, self.objective, tuple(self.info.class_names))

    # ------------------------------------------------------------------ checkpoints
    def state_dict(self) -> dict[str, Any]:
        """Weights, optimizer state, the initial weights (for rewind), settings, counters, curves and
        the random states (so a loaded run goes on exactly as the saved one would have)."""
        return checkpoint.trainer_state(self)

    def load_state_dict(self, state: dict[str, Any]) -> None:
        checkpoint.restore_trainer(self, state)
