"""The training thread's side of ``TrainingSession``: starting workers, queuing commands, jobs.

Owns the helpers the worker runs (``load_splits``, ``graph_reinit``, ``describe_error``,
``attempt``) and ``WorkerMixin``: building the model in the GUI thread (``_build``), starting the
worker thread (``_start``) and its loop (``_work``: set up a Trainer, apply queued commands, run
submitted jobs, fit), handing a command to a running or starting trainer (``_command``,
``_fit_command``) and running a panel's job inside the training thread (``submit``).

It does not own the session's state or signals (``session.TrainingSession`` holds them and mixes
this in; the mixin reads its ``_lock``, ``_bridge``, ``_queued``, ``_jobs``, ``_want_fit``,
``_cancel``, ``trainer``, ``thread`` ...), nor the event buffer (``bridge.py``) or what the GUI
does with the events (``session.TrainingSession.drain``).
"""

from __future__ import annotations

import json
import threading
from typing import Any, Callable

from playground.core.errors import PlaygroundError
from playground.ui.training.bridge import Bridge, as_callback
from playground.ui.training.pacing import lower_thread_priority


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


class WorkerMixin:
    """``TrainingSession``'s worker machinery (see the module docstring for what it reads)."""

    def _alive(self) -> bool:
        """A worker that will still read the queues (one that decided to exit does not)."""
        return self.thread is not None and not getattr(self.thread, "exiting", False)

    def _training(self) -> bool:
        trainer = self.trainer
        return trainer is not None and trainer.running

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
            self._counters.started()
        self.thread.start()
        self.timer.start()

    def _build(self) -> tuple:
        """Model, settings, dataset and reinit, made in the GUI thread from the live project; and,
        when trained weights exist, which layers keep them (asked through ``ask_keep_weights``)."""
        from playground.graph.project import graph_to_dict
        from playground.nn.build import build_module
        from playground.nn.transfer import unchanged_layers

        from playground.nn.transfer import import_layers, keep_imported, source_layers

        config = self.config()
        model = build_module(self.doc.graph, seed=config.seed)
        imported = getattr(self, "imported", None)
        if imported:  # the project's initial weights for these layers (File > Import Trained Layers)
            import_layers(imported, model, list(source_layers(imported)))  # a layer changed since: left as built
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
        reinit = keep_imported(graph_reinit(self.doc.graph), imported)
        return model, config, dict(self.doc.project.dataset or {}), reinit, keep

    def ask_keep_weights(self, names: list[str]) -> bool:
        """Whether the new network keeps the trained weights of these unchanged layers (the window
        replaces this with a question; headless the answer is yes)."""
        return True

    def _work(self, bridge: Bridge, trainer, build, recorder) -> None:
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
                                  callbacks=[as_callback(bridge), recorder, *self.extra_callbacks])
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
