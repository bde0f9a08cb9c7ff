"""Trains a GAN (``train.gan.trainer.GanTrainer``) in a worker thread, for the GAN view.

Owns ``GanRunner``: ``play`` starts (or resumes) a worker that runs rounds in small chunks and,
between chunks, leaves the newest frame (plain numpy from ``GanTrainer.frame``) in a slot guarded
by a lock; a QTimer in the GUI thread takes it at most ~10 times a second and emits ``frame``, so the
GUI never waits for training and training never waits for the GUI. ``pause`` stops after the
current chunk (the thread ends; the trainer and its weights stay), ``reset`` builds a fresh trainer
from the project (new weights, same seed), ``step`` runs one round, ``set_rates`` changes the
learning rates or k between chunks, ``shutdown`` joins the thread. Errors (a graph that is not a
GAN, NaN losses) are emitted as ``failed(text)`` in words; the app carries on.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QTimer, Signal

from playground.ui.training.jobs import describe_error

CHUNK_SECONDS = 0.08  # rounds between two frames: about this much training time


class GanRunner(QObject):
    frame = Signal(object)  # dict from GanTrainer.frame
    failed = Signal(str)
    state_changed = Signal(str)  # "idle" | "running" | "paused"

    def __init__(self, make_trainer, parent=None):
        super().__init__(parent)
        self.make_trainer = make_trainer  # () -> GanTrainer, called in the GUI thread (reads the document)
        self.trainer = None
        self.state = "idle"
        self._lock = threading.Lock()
        self._latest = None
        self._error = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._rates: dict = {}
        self.max_rounds: int | None = None  # stop by itself at this many rounds (screenshots, tests)
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self.drain)

    # ---- commands (GUI thread) -------------------------------------------------------------------

    def ensure_trainer(self) -> bool:
        if self.trainer is None:
            try:
                self.trainer = self.make_trainer()
            except Exception as exc:  # noqa: BLE001 - a graph that is not a GAN, bad data: said in words
                self.failed.emit(describe_error(exc))
                return False
        return True

    def play(self) -> None:
        if self.running() or not self.ensure_trainer():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._work, name="gan-training", daemon=True)
        self._set_state("running")
        self._thread.start()
        self.timer.start()

    def pause(self) -> None:
        if self.running():
            self._stop.set()
            self._thread.join()
            self.drain()
        self._set_state("paused" if self.trainer is not None else "idle")

    def step(self) -> None:
        """One round (k discriminator steps, one generator step), then a frame."""
        self.pause()
        if self.ensure_trainer():
            try:
                self.trainer.round()
            except Exception as exc:  # noqa: BLE001
                self.failed.emit(describe_error(exc))
            self.show_now()

    def reset(self) -> None:
        """Fresh weights from the project as it is now; shows the untrained picture."""
        self.pause()
        self.trainer = None
        if self.ensure_trainer():
            self.show_now()
        self._set_state("idle")

    def set_rates(self, **rates) -> None:
        with self._lock:
            self._rates.update(rates)
        if not self.running() and self.trainer is not None:
            self._apply_rates()

    def show_now(self) -> None:
        if self.ensure_trainer():
            self.frame.emit(self.trainer.frame())

    def shutdown(self) -> None:
        self.timer.stop()
        if self.running():
            self._stop.set()
            self._thread.join()

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ---- the worker --------------------------------------------------------------------------------

    def _apply_rates(self) -> None:
        with self._lock:
            rates, self._rates = self._rates, {}
        if rates:
            self.trainer.set_rates(**rates)

    def _work(self) -> None:
        from playground.train.threads import threads_for

        trainer = self.trainer
        chunk = 5
        try:
            with threads_for(trainer.discriminator):
                while not self._stop.is_set():
                    self._apply_rates()
                    start = time.perf_counter()
                    n = chunk if self.max_rounds is None else min(chunk, self.max_rounds - trainer.rounds)
                    for _ in range(max(n, 0)):
                        trainer.round()
                    took = time.perf_counter() - start
                    chunk = max(1, min(200, int(chunk * CHUNK_SECONDS / max(took, 1e-4)))) if n > 0 else chunk
                    frame = trainer.frame()
                    with self._lock:
                        self._latest = frame
                    if self.max_rounds is not None and trainer.rounds >= self.max_rounds:
                        break
        except Exception as exc:  # noqa: BLE001 - NaN losses and the like end the run with a message
            with self._lock:
                self._error = describe_error(exc)

    def drain(self) -> None:
        """GUI thread: show the newest frame, report an error, notice the worker ended."""
        with self._lock:
            frame, self._latest = self._latest, None
            error, self._error = self._error, ""
        if frame is not None:
            self.frame.emit(frame)
        if error:
            self.failed.emit(error)
        if self.state == "running" and not self.running():
            self.timer.stop()
            self._set_state("paused")

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)
