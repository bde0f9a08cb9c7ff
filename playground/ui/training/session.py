"""The bridge between the window and a training run: ``TrainingSession``.

Owns the worker thread (one plain Python thread per ``fit`` call), the Trainer it drives, and the
lock-protected buffer its callback fills with plain numbers (``_Bridge``). A QTimer in the GUI
thread drains the buffer up to 10 times a second and turns it into Qt signals (``batches``,
``epoch_done``, ``run_started``, ``state_changed``, ``failed``, ``finished``, ``status``).
Commands (play, pause, step, stop, reset, rewind, live settings) go to the Trainer's thread-safe
controls; the GUI thread never waits for training, and training never waits for the GUI. The
model is built in the GUI thread before a run starts and from then on only the worker touches it.

It does not own widgets: the toolbar, status line, curves and settings form listen to it.
"""

from __future__ import annotations

import json
import math
import threading
import time
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from playground.core.errors import PlaygroundError
from playground.ui.training.pacing import GuiLoad, lower_thread_priority

DRAIN_MS = 100  # at most 10 drains a second; redraws are spaced further when the GUI is slow (pacing.py)
JOIN_SECONDS = 15.0
STATUS_S = 0.25  # while training, the status line (epoch, step, samples/s, time) is updated this often


def load_splits(dataset: dict, seed: int):
    """The project's dataset, split (runs in the worker thread)."""
    from playground.data import load_settings

    return load_settings(dataset, seed)


def graph_reinit(graph) -> Callable:
    """``reinit(model, seed)`` for ``Trainer``: each layer's own reset, then the graph's init scheme."""
    import torch

    from playground.nn.init import apply_init, init_calls

    calls = init_calls(graph)  # read now, in the GUI thread: the worker never reads the live graph

    def reinit(model, seed: int) -> None:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            for module in model.modules():
                if module is not model and hasattr(module, "reset_parameters"):
                    module.reset_parameters()
            apply_init(model, calls)

    return reinit


def describe_error(exc: BaseException) -> str:
    """A sentence for the person: what went wrong in the training thread, and what to try."""
    text = str(exc).strip() or exc.__class__.__name__
    if isinstance(exc, PlaygroundError):
        return text
    if isinstance(exc, MemoryError) or "out of memory" in text.lower():
        first = text.splitlines()[0]
        return (f"out of memory while training ({first}); try a smaller batch size, a smaller network "
                "or the CPU device")
    return f"training stopped by an error: {exc.__class__.__name__}: {text.splitlines()[0]}"


def attempt(fn: Callable, trainer) -> Any:
    """``fn(trainer)``, or the exception it raised (a panel's job must not end the training thread)."""
    try:
        return fn(trainer)
    except Exception as exc:  # noqa: BLE001 - handed to the panel that asked, which says what happened
        return exc


class _Bridge:
    """The Trainer callback: copies numbers into a lock-protected list (training thread side).

    At thousands of epochs a second (the fused engine) the list would grow faster than the window
    can draw it, so between two drains it keeps at most ``MAX_ROWS`` per-step rows and
    ``MAX_EPOCHS`` epoch records: past that, every other one is dropped (a dropped step's examples
    are added to the next kept row, so samples/s stays right). The curves show the same shape."""

    MAX_ROWS = 1000
    MAX_EPOCHS = 25

    def __init__(self):
        self.lock = threading.Lock()
        self.events: list[tuple] = []
        self.counts = {"b": 0, "epoch": 0}

    def put(self, event: tuple) -> None:
        with self.lock:
            self.events.append(event)
            kind = event[0]
            if kind in self.counts:
                self.counts[kind] += 1
                if self.counts[kind] > (self.MAX_ROWS if kind == "b" else self.MAX_EPOCHS):
                    self._thin(kind)

    def _thin(self, kind: str) -> None:
        """Drop every other event of ``kind`` (never the latest)."""
        kept, seen, extra = [], 0, 0
        total = self.counts[kind]
        for event in self.events:
            if event[0] != kind:
                kept.append(event)
                continue
            seen += 1
            if seen % 2 and seen != total:
                extra += event[4] if kind == "b" else 0  # its examples go to the next kept row
                continue
            if extra:
                event = (*event[:4], event[4] + extra, *event[5:])
                extra = 0
            kept.append(event)
        self.events = kept
        self.counts[kind] = sum(1 for e in kept if e[0] == kind)

    def take(self) -> list[tuple]:
        with self.lock:
            events, self.events = self.events, []
            self.counts = {"b": 0, "epoch": 0}
        return events

    # -- Callback hooks (duck-typed: the Trainer calls the hooks a callback overrides)
    def on_fit_start(self, trainer) -> None:
        if trainer.step_count == 0:
            self.put(("start", trainer.config.seed))

    def on_batch_end(self, trainer, info) -> None:
        self.put(("b", info.step, info.loss, info.lr, info.size, info.epoch, info.samples_per_s))

    def on_epoch_end(self, trainer, record) -> None:
        self.put(("epoch", record, getattr(trainer, "engine", "torch")))

    def on_state(self, trainer, state: str, message: str) -> None:
        self.put(("state", state, message))

    def on_fit_end(self, trainer, result) -> None:
        self.put(("end", result))

    def on_probe(self, trainer, kind: str, result) -> None:
        self.put(("probe", kind, result))


def _as_callback(bridge: _Bridge):
    from playground.train import Callback

    class BridgeCallback(Callback):
        def on_fit_start(self, trainer):
            bridge.on_fit_start(trainer)

        def on_batch_end(self, trainer, info):
            bridge.on_batch_end(trainer, info)

        def on_epoch_end(self, trainer, record):
            bridge.on_epoch_end(trainer, record)

        def on_state(self, trainer, state, message):
            bridge.on_state(trainer, state, message)

        def on_fit_end(self, trainer, result):
            bridge.on_fit_end(trainer, result)

        def on_probe(self, trainer, kind, result):
            bridge.on_probe(trainer, kind, result)

    return BridgeCallback()


class TrainingSession(QObject):
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

    def __init__(self, doc, parent: QObject | None = None):
        super().__init__(parent)
        self.doc = doc
        self.trainer = None
        self.thread: threading.Thread | None = None
        self.state = "idle"
        self._bridge = _Bridge()
        self._lock = threading.Lock()
        self._queued: list[Callable] = []  # commands for a trainer the worker is still setting up
        self._cancel = False
        self._old: list[threading.Thread] = []
        self._splits: dict[str, Any] = {}
        self._built_from: str | None = None  # the graph + settings the trainer was built from
        self._counters = {"epoch": 0, "step": 0, "samples_per_s": math.nan, "elapsed": 0.0}  # nan: not measured yet
        self._run_t0: float | None = None
        self._status_at = 0.0
        self._jobs: list[tuple] = []  # (owner, fn) for the worker while no run is going
        self._want_fit = False
        self._previous: tuple = (None, None, None)  # the dropped trainer, its thread, its graph (keep weights)
        self._built_graph: dict | None = None
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

    def _alive(self) -> bool:
        """A worker that will still read the queues (one that decided to exit does not)."""
        return self.thread is not None and not getattr(self.thread, "exiting", False)

    def _training(self) -> bool:
        trainer = self.trainer
        return trainer is not None and trainer.running

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

    def submit(self, owner: str, fn: Callable) -> None:
        """Run ``fn(trainer)`` in the training thread and send its return value (or the exception it
        raised) back as ``job_done(owner, result)``. While a run is going it runs between two
        batches; otherwise a worker starts for it, building the model from the project first when
        there is none yet. This is how panels look inside the model without racing the optimizer."""
        job = (owner, fn)
        if self.trainer is not None and self.state != "running" and self._built_from != self._signature():
            self._drop_trainer()  # edited since it was built (paused or idle): look at the new network
        with self._lock:
            if self._alive() and not self._training():
                self._jobs.append(job)
                return
        if self._training():
            bridge = self._bridge
            self._command(lambda t: t.call(lambda tr: bridge.put(("job", owner, attempt(fn, tr)))))
            return
        self._start(None, fit=False, job=job)

    def _fit_command(self, fn: Callable) -> None:
        """Play or Step: a command that needs the training loop."""
        if self.trainer is not None and self._built_from != self._signature():
            self._drop_trainer()  # the network or data changed since it was built: the next run uses the new one
        with self._lock:
            if self._alive() and not self._training():
                self._queued.append(fn)
                self._want_fit = True
                return
        if self._alive():
            self._command(fn)
        else:
            self._start(fn)

    def _command(self, fn: Callable) -> None:
        with self._lock:
            trainer = self.trainer
            if (trainer is None or not trainer.running) and self._alive():
                self._queued.append(fn)  # the worker applies it before it trains or exits
                return
            if trainer is None:
                return
        try:
            fn(trainer)
        except PlaygroundError as exc:
            self.failed.emit(str(exc))

    def _drop_trainer(self) -> None:
        if self.busy:
            self.stop()
            self._old.append(self.thread)
            self.thread = None
        with self._lock:
            self._queued, self._jobs, self._want_fit = [], [], False
        self._previous = (self.trainer, self._old[-1] if self._old else None, self._built_graph)
        self.trainer, self._built_from = None, None
        self._bridge = _Bridge()
        self._set_state("idle", "")

    def discard(self) -> None:
        """Another project was opened: stop the run without waiting and forget its trainer."""
        self._drop_trainer()
        self.recorder = None  # its records belong to the old project
        self._previous = (None, None, None)
        self._bridge.put(("start", 0))
        self.timer.start()

    # ---- the worker ------------------------------------------------------------------------------

    def _start(self, first: Callable | None, fit: bool = True, job: tuple | None = None) -> None:
        problem = ""
        if self.doc.errors():
            problem = "the network has problems; fix them before training (see the Problems panel)"
        signature = self._signature()
        if not problem and self.trainer is not None and self._built_from != signature:
            self._drop_trainer()
        trainer, build = self.trainer, None
        if not problem and trainer is None:
            try:
                build = self._build()
            except PlaygroundError as exc:
                problem = str(exc)
            else:
                self._built_from = signature
        if problem:
            if job is not None:
                self._bridge.put(("job", job[0], PlaygroundError(problem)))
                self.timer.start()
            if fit:
                self.failed.emit(problem)
            return
        if self.thread is not None:  # one that is on its way out
            self._old.append(self.thread)
        self._cancel = False
        with self._lock:
            self._queued = [first] if first is not None else []
            self._jobs = [job] if job is not None else []
            self._want_fit = fit
        self.thread = threading.Thread(target=self._work, args=(self._bridge, trainer, build, self.recorder),
                                       name="playground-training")
        if fit:
            self._set_state("loading" if trainer is None else "running", "")
            self._run_t0 = time.perf_counter()
        self.thread.start()
        self.timer.start()

    def _build(self) -> tuple:
        """Model, settings, dataset and reinit, made in the GUI thread from the live project; and,
        when trained weights exist, which layers keep them (asked through ``ask_keep_weights``)."""
        from playground.graph.project import graph_to_dict
        from playground.nn.build import build_module
        from playground.nn.transfer import unchanged_layers

        config = self.config()
        model = build_module(self.doc.graph, seed=config.seed)
        keep: tuple = ()
        old_trainer, old_thread, old_graph = self._previous
        self._previous = (None, None, None)
        if old_trainer is not None and old_trainer.step_count > 0 and old_graph is not None:
            names = unchanged_layers(old_graph, graph_to_dict(self.doc.graph), old_trainer.model, model)
            if names and self.ask_keep_weights(names):
                keep = (old_trainer, old_thread, names)
        self._built_graph = graph_to_dict(self.doc.graph)
        from playground.train.recorder import RunRecorder

        self.recorder = RunRecorder()  # one per trainer: a dropped one's last writes go to its own
        return model, config, dict(self.doc.project.dataset or {}), graph_reinit(self.doc.graph), keep

    def ask_keep_weights(self, names: list[str]) -> bool:
        """Whether the new network keeps the trained weights of these unchanged layers (the window
        replaces this with a question; headless the answer is yes)."""
        return True

    def _work(self, bridge: _Bridge, trainer, build, recorder) -> None:
        """The training thread: set up a Trainer if needed, then apply queued commands, run jobs and
        fit until nothing is left to do."""
        me = threading.current_thread()
        lower_thread_priority()  # the window gets a core at once when it needs one
        try:
            if trainer is None:
                from playground.train import Trainer

                model, config, dataset, reinit, keep = build
                if keep:
                    from playground.nn.transfer import copy_weights

                    old_trainer, old_thread, names = keep
                    if old_thread is not None:
                        old_thread.join()  # it was told to stop; only then are its weights still
                    copy_weights(old_trainer.model, model, names)
                key = json.dumps([dataset, config.seed], sort_keys=True, default=str)
                splits = self._splits.get(key)
                if splits is None:
                    splits = self._splits[key] = load_splits(dataset, config.seed)
                if self._cancel:
                    return
                trainer = Trainer(model, splits, config, reinit=reinit,
                                  callbacks=[_as_callback(bridge), recorder, *self.extra_callbacks])
            with self._lock:
                if bridge is not self._bridge:  # dropped while loading
                    return
                self.trainer = trainer
            while True:
                with self._lock:
                    if bridge is not self._bridge:
                        return
                    queued, self._queued = self._queued, []
                    jobs, self._jobs = self._jobs, []
                    fit, self._want_fit = self._want_fit, False
                    if not (queued or jobs or fit):
                        me.exiting = True
                        return
                for fn in queued:
                    fn(trainer)
                for owner, fn in jobs:
                    bridge.put(("job", owner, attempt(fn, trainer)))
                if fit:
                    trainer.fit()
        except BaseException as exc:  # noqa: BLE001 - the window stays up and says what happened
            bridge.put(("error", describe_error(exc), exc))
        finally:
            with self._lock:
                me.exiting = True
            bridge.put(("done", me))

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
        if self.state == "running" and self._run_t0 is not None:
            now = time.perf_counter()
            self.load.sample(time.thread_time(), now)
            self._counters["elapsed"] += now - self._run_t0
            self._run_t0 = now
        else:
            self._run_t0 = time.perf_counter()
            self.load.pause()
        now = time.perf_counter()
        if self.state != "running" or now - self._status_at >= STATUS_S:  # the line repaints: 4 a second is plenty
            self._status_at = now
            self.status.emit(dict(self._counters))
        if self.thread is None and not self._old:
            self.timer.stop()

    def _flush(self, rows: list[tuple]) -> None:
        if not rows:
            return
        data = np.asarray([r[1:] for r in rows], dtype=np.float64)  # (n, 6): step, loss, lr, size, epoch, samples/s
        self._counters["step"] = int(data[-1, 0])
        self._counters["epoch"] = int(data[-1, 4])
        rates = data[np.isfinite(data[:, 5]), 5]
        if len(rates):
            self._counters["samples_per_s"] = float(rates[-1])  # the engine's meter (throughput.py)
        if self.state == "loading":
            self._set_state("running", "")
        self.batches.emit({"step": data[:, 0], "loss": data[:, 1], "lr": data[:, 2], "epoch": data[:, 4]})

    def _handle(self, event: tuple) -> None:
        kind = event[0]
        if kind == "start":
            self._counters.update(epoch=0, step=0, samples_per_s=math.nan, elapsed=0.0, engine="torch")
            self.run_started.emit(int(event[1]))
        elif kind == "epoch":
            if event[1].samples_per_s > 0:
                self._counters["samples_per_s"] = float(event[1].samples_per_s)  # the same meter, validation included
            self._counters["engine"] = event[2] if len(event) > 2 else "torch"
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


def format_status(c: dict) -> str:
    elapsed = c.get("elapsed", 0.0)
    minutes, seconds = divmod(int(elapsed), 60)
    rate = c.get("samples_per_s", math.nan)
    rate_text = f"{rate:,.0f}" if math.isfinite(rate) and rate > 0 else "\u2013"  # not measured yet: a dash, never 0
    engine = "  ·  fast engine" if c.get("engine") == "fast" else ""
    return (f"epoch {c.get('epoch', 0)}  ·  step {c.get('step', 0):,}  ·  {rate_text} samples/s  ·  "
            f"{minutes}:{seconds:02d}{engine}")
