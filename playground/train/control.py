"""Cooperative control of a running Trainer, safe to call from any thread.

Owns ``Controls``, the half of ``Trainer`` that other threads talk to: pause, resume, step one
batch, stop, new learning rate or other live settings, reset, rewind and probe requests. While a
run is going, each call only puts a command on a queue and raises a flag; the training thread
reads the queue between batches (``_control``) and blocks on it while paused, so the caller never
waits for training and training never waits for the caller. While no run is going, the command is
applied at once in the caller's thread. Bad values are refused in the caller's thread
(``TrainingError``) before anything is queued.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any

from playground.core.errors import PlaygroundError, TrainingError
from playground.train.config import LIVE

PROBES = ("activations", "health", "receptive_field", "saliency", "evaluation")


class Restart(Exception):
    """Raised inside the loop after a reset or rewind: the run starts over from epoch 1."""


class Controls:
    """Mixin for ``Trainer``: the thread-safe commands and the loop's side of the queue."""

    def _init_controls(self) -> None:
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._pending = False  # set after every put; the loop checks this cheap flag between batches
        self._lock = threading.RLock()
        self._running = False
        self._paused = False
        self._stop = False
        self._step_budget = 0
        self._paused_seconds = 0.0

    # ------------------------------------------------------------------ public, any thread
    @property
    def running(self) -> bool:
        return self._running

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        """Pause between two batches (before ``fit``: start paused)."""
        self._submit(("pause",))

    def resume(self) -> None:
        self._submit(("resume",))

    def step(self, batches: int = 1) -> None:
        """Run exactly ``batches`` more batches, then pause."""
        if int(batches) < 1:
            raise TrainingError("step needs at least 1 batch", where="step")
        self._submit(("step", int(batches)))

    def stop(self) -> None:
        """End the run after the current batch; ``fit`` returns with reason "stopped"."""
        self._submit(("stop",))

    def set_lr(self, lr: float) -> None:
        """A new base learning rate from the next batch on; weights and optimizer state are kept."""
        self.update_config(lr=lr)

    def update_config(self, **changes: Any) -> None:
        """Change live settings (learning rate, optimizer and its settings, schedule, L1/L2,
        max-norm, clipping, batch size, epochs, early stopping) without resetting the weights."""
        fixed = sorted(set(changes) - LIVE)
        if fixed:
            raise TrainingError(f"'{fixed[0]}' cannot change while a run is set up", where="training settings",
                                fix="make a new Trainer (or reset) to change it")
        self.config.replace(**changes)  # refuse bad values here, in the caller's thread
        self._submit(("update", dict(changes)))

    def reset(self, seed: int | None = None) -> None:
        """New random initial weights (from ``seed``, default the config's) and a fresh run."""
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise TrainingError(f"seed must be a whole number >= 0, got {seed!r}", where="reset")
        self._submit(("reset", seed))

    def rewind(self) -> None:
        """Back to the exact initial weights of this run, and a fresh run from there."""
        self._submit(("rewind",))

    def request_probe(self, kind: str, **args: Any) -> None:
        """Ask for a probe; its result arrives through the callbacks' ``on_probe(trainer, kind, result)``.

        Kinds: "activations" (``index=0, split="val"`` or ``x=``), "health" (gradient/weight norms and
        update ratios of the next step, dead and saturated units), "receptive_field" (``node, unit=None``),
        "saliency" (``index=0, split="val", target=None`` or ``x=``), "evaluation" (``split="val"``).
        """
        if kind not in PROBES:
            raise TrainingError(f"unknown probe '{kind}'", where="probe", fix=f"use one of: {', '.join(PROBES)}")
        self._submit(("probe", kind, args))

    def call(self, fn) -> None:
        """Run ``fn(trainer)`` between two batches, in the training thread (now, in the caller's
        thread, while no run is going). For looking at the model without racing the optimizer: ``fn``
        must copy what it needs (numpy arrays) and must not keep references to live tensors."""
        if not callable(fn):
            raise TrainingError("call needs a function of the trainer", where="call")
        self._submit(("call", fn))

    # ------------------------------------------------------------------ plumbing
    def _submit(self, command: tuple) -> None:
        with self._lock:
            if self._running:
                self._commands.put(command)
                self._pending = True
                return
            self._apply(command, live=False)

    def _control(self) -> None:
        """Between batches, in the training thread: apply queued commands; block while paused."""
        self._pending = False
        announced = False
        while True:
            while True:
                try:
                    command = self._commands.get_nowait()
                except queue.Empty:
                    break
                self._apply(command, live=True)
            if self._stop or not self._paused:
                break
            if self._step_budget > 0:
                self._step_budget -= 1
                break
            if not announced:
                self._emit_state("paused", f"paused at step {self.step_count}")
                announced = True
            start = time.perf_counter()
            self._apply(self._commands.get(), live=True)  # wait for the next command
            self._paused_seconds += time.perf_counter() - start
        if announced and not self._stop and not self._paused:
            self._emit_state("running", "resumed")

    def _apply(self, command: tuple, live: bool) -> None:
        kind = command[0]
        if kind == "pause":
            self._paused = True
        elif kind == "resume":
            self._paused, self._step_budget = False, 0
        elif kind == "step":
            self._paused = True
            self._step_budget += command[1]
        elif kind == "stop":
            if live:
                self._stop, self._paused = True, False
        elif kind == "update":
            self._apply_changes(command[1])
        elif kind == "probe":
            self._run_probe(command[1], command[2], live)
        elif kind == "call":
            command[1](self)
        elif kind in ("reset", "rewind"):
            self._start_over(kind, command[1] if kind == "reset" else None)
            if live:
                self._pending = not self._commands.empty()  # what came after it is read at the next batch
                raise Restart()

    def _run_probe(self, kind: str, args: dict, live: bool) -> None:
        if kind == "health" and live:
            self._health_pending = True  # measured around the next optimizer step
            return
        try:
            result = self.probe(kind, **args)
        except PlaygroundError as exc:
            self._emit_state("warning", str(exc))
            return
        self._call("on_probe", kind, result)
