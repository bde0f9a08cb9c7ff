"""The bridge between the window and a training run: ``TrainingSession``.

Owns the session's state (the Trainer, its worker thread, the command and job queues), its Qt
signals and the commands the window gives: play, pause, step, stop, reset, rewind, live settings
(``apply_setting``), dropping the trainer when the network changes. A QTimer in the GUI thread
drains the event buffer up to 10 times a second and turns it into Qt signals (``batches``,
``epoch_done``, ``run_started``, ``state_changed``, ``failed``, ``finished``, ``status``).
Commands go to the Trainer's thread-safe controls; the GUI thread never waits for training, and
training never waits for the GUI. The model is built in the GUI thread before a run starts and
from then on only the worker touches it.

It does not own: the lock-protected event buffer the worker's callback fills (``bridge.py``);
starting the worker, its loop and the jobs panels submit (``jobs.py``, mixed in as
``WorkerMixin``); the status line's counters and text (``status.py``); widgets (the toolbar,
status line, curves and settings form listen to it).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from playground.ui.training.bridge import Bridge
from playground.ui.training.jobs import WorkerMixin
from playground.ui.training.pacing import GuiLoad
from playground.ui.training.status import RunCounters

DRAIN_MS = 100  # at most 10 drains a second; redraws are spaced further when the GUI is slow (pacing.py)
JOIN_SECONDS = 15.0


class TrainingSession(WorkerMixin, QObject):
    run_started = Signal(int)  # a new run from fresh weights (seed); curves start over
    batches = Signal(object)  # {"step", "loss", "lr", "epoch"}: numpy arrays of the steps since the last tick
    epoch_done = Signal(object)  # EpochRecord
    state_changed = Signal(str, str)  # "idle" | "loading" | "running" | "paused", message
    message = Signal(str)  # a line for the status bar
    failed = Signal(str)  # NaN stop, exception or out of memory: the reason
    finished = Signal(object)  # FitResult of a fit call
    job_done = Signal(str, object)  # owner, the return value of a submitted job or the exception it raised
    probed = Signal(str, object)  # a probe the trainer ran on request (e.g. "health" around a step)
    status = Signal(dict)  # epoch, step, samples_per_s, elapsed
    settings_changed = Signal()  # the project's training settings were changed (by any widget or panel)
    imported_changed = Signal(str)  # trained layers imported as initial weights (where from), or "" when forgotten

    def __init__(self, doc, parent: QObject | None = None):
        super().__init__(parent)
        self.doc = doc
        self.trainer = None
        self.thread: threading.Thread | None = None
        self.state = "idle"
        self._bridge = Bridge()
        self._lock = threading.Lock()
        self._queued: list[Callable] = []  # commands for a trainer the worker is still setting up
        self._cancel = False
        self._old: list[threading.Thread] = []
        self._splits: dict[str, Any] = {}
        self._built_from: str | None = None  # the graph + settings the trainer was built from
        self._counters = RunCounters()  # what the status line shows
        self._jobs: list[tuple] = []  # (owner, fn) for the worker while no run is going
        self._want_fit = False
        self._previous: tuple = (None, None, None)  # the dropped trainer, its thread, its graph (keep weights)
        self._built_graph: dict | None = None
        self.imported: dict | None = None  # layer tensors imported from another file: the initial weights (ui/transfer)
        self.imported_from = ""
        self.extra_callbacks: list = []  # tests and benchmarks add their own (they run in the worker)
        self.recorder = None  # train.recorder.RunRecorder of the current trainer: health and histograms, always
        self.load = GuiLoad()  # the GUI thread's CPU share while training: how far to space redraws
        self.timer = QTimer(self)
        self.timer.setInterval(DRAIN_MS)
        self.timer.timeout.connect(self.drain)
        doc.project_replaced.connect(self.discard)
        doc.training_changed.connect(self._settings_changed)

    # ---- settings --------------------------------------------------------------------------------

    def config(self):
        from playground.train import TrainConfig

        return TrainConfig.from_dict(self.doc.project.training)

    def _signature(self) -> str:
        from playground.graph.project import graph_to_dict

        cfg = self.config().to_dict()
        fixed = {k: cfg.get(k) for k in ("loss", "loss_params", "device")}
        graph = graph_to_dict(self.doc.graph)
        for node in graph["nodes"]:
            node.pop("pos", None)  # moving a box on the canvas changes nothing the trainer sees
        return json.dumps([graph, self.doc.project.dataset, fixed], sort_keys=True, default=str)

    def apply_setting(self, undoable: bool = True, **changes) -> str:
        """Store changed settings in the project (one undo step unless ``undoable`` is False); live
        ones reach a running trainer at once (``_settings_changed``, which undo and redo reach too).
        Returns "live" or "on reset". Bad values raise PlaygroundError (nothing changes)."""
        from playground.train.config import LIVE

        old = self.config().to_dict()
        new = self.config().replace(**changes).to_dict()
        values = dict(self.doc.project.training or {})  # only what changed: the step names it
        values.update({k: v for k, v in new.items() if old.get(k) != v})
        self.doc.set_training(values, undoable=undoable)
        return "live" if set(changes) <= LIVE else "on reset"

    def _settings_changed(self, keys: tuple) -> None:
        """The project's training settings changed (an edit, undo or redo): pass live ones on."""
        from playground.train.config import LIVE

        self.settings_changed.emit()
        trainer = self.trainer
        if trainer is None:
            return
        new = self.config()
        live = {k: getattr(new, k) for k in keys if k in LIVE}
        if "optimizer" in live:
            live["optimizer_params"] = new.optimizer_params
        if "schedule" in live:
            live["schedule_params"] = new.schedule_params
        if live:
            self._command(lambda t: t.update_config(**live))

    # ---- commands (GUI thread) -------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.thread is not None

    def play(self) -> None:
        self._fit_command(lambda t: t.resume())

    def pause(self) -> None:
        if self.busy:
            self._command(lambda t: t.pause())

    def toggle(self) -> None:
        self.pause() if self.state == "running" else self.play()

    def step(self, batches: int = 1) -> None:
        self._fit_command(lambda t: t.step(batches))

    def stop(self) -> None:
        if self.busy:
            with self._lock:
                self._cancel = self.trainer is None
                self._want_fit = False
            self._command(lambda t: t.stop())

    def reset(self) -> None:
        """New initial weights (the next seed) and a fresh run; a running run goes on from them."""
        seed = self.config().seed + 1
        self.apply_setting(undoable=False, seed=seed)  # an action, not an edit: no undo step
        if self.trainer is not None and self._built_from == self._signature():
            self._command(lambda t: t.reset(seed))
            if not self._training():
                self._bridge.put(("start", seed))
        else:
            self._drop_trainer()
            self._bridge.put(("start", seed))
        self.timer.start()
        self.message.emit(f"Reset: new initial weights (seed {seed})")

    def rewind(self) -> None:
        """Back to this run's initial weights and a fresh run."""
        if self.trainer is None:
            return
        self._command(lambda t: t.rewind())
        if not self._training():
            self._bridge.put(("start", self.trainer.config.seed))
        self.timer.start()
        self.message.emit("Rewound to this run's initial weights")

    def set_imported(self, state: dict | None, source: str = "") -> None:
        """Trained layers (a flat state dict) that every run of this project starts from, or None:
        the next run is built afresh from them (its Rewind comes back to them; Reset keeps them)."""
        self.imported, self.imported_from = (state or None), (source if state else "")
        self._drop_trainer()
        self._previous = (None, None, None)  # no "keep the trained weights?": start from the imported ones
        self.imported_changed.emit(self.imported_from)

    def _drop_trainer(self) -> None:
        if self.busy:
            self.stop()
            self._old.append(self.thread)
            self.thread = None
        with self._lock:
            self._queued, self._jobs, self._want_fit = [], [], False
        self._previous = (self.trainer, self._old[-1] if self._old else None, self._built_graph)
        self.trainer, self._built_from = None, None
        self._bridge = Bridge()
        self._set_state("idle", "")

    def discard(self) -> None:
        """Another project was opened: stop the run without waiting and forget its trainer."""
        self._drop_trainer()
        self.recorder = None  # its records belong to the old project
        self.imported, self.imported_from = None, ""  # so do the layers imported into it
        self._previous = (None, None, None)
        self._bridge.put(("start", 0))
        self.timer.start()

    # ---- the GUI side of the buffer --------------------------------------------------------------

    def drain(self) -> None:
        """Turn what the worker wrote since the last tick into signals (GUI thread)."""
        self._old = [t for t in self._old if t.is_alive()]
        events = self._bridge.take()
        rows: list[tuple] = []
        for event in events:
            if event[0] == "b":
                rows.append(event)
                continue
            self._flush(rows)
            rows = []
            self._handle(event)
        self._flush(rows)
        snapshot = self._counters.tick(self.state == "running", self.load)
        if snapshot is not None:
            self.status.emit(snapshot)
        if self.thread is None and not self._old:
            self.timer.stop()

    def _flush(self, rows: list[tuple]) -> None:
        if not rows:
            return
        data = np.asarray([r[1:] for r in rows], dtype=np.float64)  # (n, 6): step, loss, lr, size, epoch, samples/s
        self._counters.rows(data)
        if self.state == "loading":
            self._set_state("running", "")
        self.batches.emit({"step": data[:, 0], "loss": data[:, 1], "lr": data[:, 2], "epoch": data[:, 4]})

    def _handle(self, event: tuple) -> None:
        kind = event[0]
        if kind == "start":
            self._counters.restart()
            self.run_started.emit(int(event[1]))
        elif kind == "epoch":
            self._counters.epoch(event[1], event[2] if len(event) > 2 else "torch")
            self.epoch_done.emit(event[1])
        elif kind == "state":
            state, text = event[1], event[2]
            if state in ("running", "paused"):
                self._set_state(state, text)
            elif text and state not in ("stopped",):
                self.message.emit(text)
        elif kind == "end":
            result = event[1]
            if result.reason == "nan":
                self.failed.emit(result.message)
            else:
                self.message.emit(f"Training {result.reason}: {result.message}")
            self.finished.emit(result)
        elif kind == "error":
            self.trainer, self._built_from = None, None  # its state is unknown: the next Play starts afresh
            self.failed.emit(event[1])
        elif kind == "job":
            self.job_done.emit(event[1], event[2])
        elif kind == "probe":
            self.probed.emit(event[1], event[2])
        elif kind == "done":
            if self.thread is event[1]:
                self.thread.join()  # it has already left _work
                self.thread = None
                self._set_state("idle", "")

    def _set_state(self, state: str, text: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state, text)

    # ---- shutdown --------------------------------------------------------------------------------

    def shutdown(self, timeout: float = JOIN_SECONDS) -> bool:
        """Stop training and wait for the thread (closing the window). True when it ended."""
        self.timer.stop()
        if self.busy:
            self.stop()
            self._old.append(self.thread)
            self.thread = None
        end = time.monotonic() + timeout
        for thread in self._old:
            thread.join(max(0.0, end - time.monotonic()))
        alive = [t for t in self._old if t.is_alive()]
        self._old = alive
        return not alive
