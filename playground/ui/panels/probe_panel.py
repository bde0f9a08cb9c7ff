"""The base of every inside-the-network panel: ask the training thread, show the answer.

Owns ``PanelContext`` (what a panel is given: the document, the training session and the shared
``InputChoice``) and ``ProbePanel``. A panel says what to compute in ``job()`` (a function of the
trainer, run in the training thread between batches; it returns plain numpy data, never live
tensors) and how to show it in ``show_result()`` (GUI thread). The base decides when to ask:

- only while the panel is visible (a hidden tab costs training nothing),
- at most one request in flight, and while training runs at most every ``interval_ms``, spaced
  further when the window is slow (the session's ``load``) or when the panel's own probe takes more
  than its share of training time (``pacing.job_interval``),
- again whenever something it shows may have changed: new batches, a new run, a pause, a finished
  run, a graph edit, another dataset, another chosen input, or the panel's own controls
  (``invalidate()``).

Errors from a job (a graph with problems, a layer with no weights) are shown in the panel's
message line in words; they never reach the training run. Each panel explains what it shows in one
line of text at the top (``explanation``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from playground.ui.panels.input_choice import InputChoice
from playground.ui.panels.panel_header import explained_layout
from playground.ui.training.pacing import job_interval

STUCK_SECONDS = 20.0  # a request whose answer never came (its trainer was dropped) stops blocking after this


@dataclass
class PanelContext:
    doc: Any  # playground.ui.project.document.Document
    session: Any  # playground.ui.training.session.TrainingSession
    choice: InputChoice


class ProbePanel(QWidget):
    #: one line above the panel's content: what it shows and how to read it
    explanation = ""
    #: while training runs, ask at most this often (milliseconds)
    interval_ms = 400
    #: also ask after every batch signal (False: only on epochs, new runs, pauses and edits)
    follows_batches = True
    #: follows the shared input choice
    follows_input = True

    def __init__(self, context: PanelContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.session = context.session
        self.doc = context.doc
        self.choice = context.choice
        self.owner = f"{type(self).__name__}:{id(self)}"
        self.stale = True
        self.on_screen = True  # the dock hosting it says otherwise (set_on_screen)
        self.in_flight = False
        self._asked_at = -1e9
        self.job_seconds = 0.0  # training-thread time of the last probe asked while training ran (worker)
        self.last_result: Any = None
        self.last_error = ""
        self.results = 0  # how many answers were shown (tests wait on it)

        self.layout_, self.explain_label, self.message_label = explained_layout(self, self.explanation)

        self.timer = QTimer(self)
        self.timer.setInterval(self.interval_ms)
        self.timer.timeout.connect(self._tick)
        s = self.session
        s.job_done.connect(self._on_job)
        s.run_started.connect(self._new_run)
        s.epoch_done.connect(self.invalidate)
        s.finished.connect(self.invalidate)
        s.state_changed.connect(self._state)
        if self.follows_batches:
            s.batches.connect(self._batches)
        self.doc.analysis_changed.connect(self.invalidate)
        self.doc.project_replaced.connect(self._new_run)
        if hasattr(self.doc, "dataset_changed"):
            self.doc.dataset_changed.connect(self._new_run)
        if self.follows_input:
            self.choice.changed.connect(self.invalidate)

    # ---- what subclasses write -------------------------------------------------------------------

    def job(self) -> Callable | None:
        """A function ``fn(trainer) -> result`` to run in the training thread, built from the panel's
        current controls (read them here, in the GUI thread). None: nothing to ask now."""
        raise NotImplementedError

    def show_result(self, result: Any) -> None:
        """Draw ``result`` (GUI thread)."""
        raise NotImplementedError

    def finish_layout(self) -> None:
        """Subclasses call this after adding their widgets: the message line goes last."""
        self.layout_.addWidget(self.message_label)

    # ---- when to ask -----------------------------------------------------------------------------

    def showing(self) -> bool:
        return self.on_screen and self.isVisible()

    def set_on_screen(self, on: bool) -> None:
        """Its dock became the current tab / was shown (True) or went behind another tab (False).
        Qt keeps a tabbed dock's widget "visible" behind its tab, so the dock tells us."""
        if on == self.on_screen:
            return
        self.on_screen = on
        if not on:
            self.timer.stop()
            return
        if self.stale:
            QTimer.singleShot(0, self.request)
        if self.session.state == "running" and self.follows_batches:
            self._start_timer()

    def invalidate(self, *args) -> None:
        """What the panel shows may be out of date: ask again (now, or when it is next shown)."""
        self.stale = True
        if self.showing() and not self.timer.isActive():
            QTimer.singleShot(0, self.request)

    def _batches(self, *args) -> None:
        self.stale = True
        if self.showing() and not self.timer.isActive():
            self._start_timer()

    def _new_run(self, *args) -> None:
        self.in_flight = False  # an answer from a dropped trainer never comes
        self.invalidate()

    def _state(self, state: str, _text: str) -> None:
        if state == "running" and self.follows_batches:
            if self.showing():
                self._start_timer()
        else:
            self.timer.stop()
            self.invalidate()

    def _tick(self) -> None:
        if not self.showing():
            self.timer.stop()
            return
        if self.stale:
            self.request()
        elif self.session.state != "running" or not self.follows_batches:
            self.timer.stop()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.stale:
            QTimer.singleShot(0, self.request)
        if self.session.state == "running" and self.follows_batches:
            self._start_timer()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.timer.stop()

    def request(self) -> bool:
        """Ask now if visible and nothing is in flight; True when a job was submitted."""
        if not self.showing():
            return False
        if self.in_flight and time.monotonic() - self._asked_at < STUCK_SECONDS:
            return False
        if self.session.state == "running":
            wait = self._asked_at + self.pace() - time.monotonic()
            if wait > 0:  # asked a moment ago: the timer asks again when it is due
                self.stale = True  # (a direct call too: it still wants its answer)
                if not self.timer.isActive():
                    self.timer.start(int(wait * 1000) + 1)
                return False
        fn = self.job()
        if fn is None:
            return False
        self.stale = False
        self.in_flight = True
        self._asked_at = time.monotonic()
        self.session.submit(self.owner, self._timed(fn) if self.session.state == "running" else fn)
        return True

    def _timed(self, fn: Callable) -> Callable:
        """``fn`` that also notes how long it took the training thread (for ``pace``). Only probes
        asked while training runs are timed: that is the cost pacing limits, and a panel may ask
        something else, costlier, at rest (Training Health measures 256 examples then)."""
        def timed(trainer):
            start = time.perf_counter()
            try:
                return fn(trainer)
            finally:
                self.job_seconds = time.perf_counter() - start
        return timed

    def pace(self) -> float:
        """Seconds between requests while training runs: ``interval_ms``, longer when the window
        is slow or this panel's probe takes more than its share of training time."""
        return job_interval(self.session.load.interval(self.interval_ms / 1000), self.job_seconds)

    def _start_timer(self) -> None:
        self.timer.start(max(1, int(self.pace() * 1000)))

    def _on_job(self, owner: str, result: Any) -> None:
        if owner != self.owner:
            return
        self.in_flight = False
        if isinstance(result, BaseException):
            self.show_error(result)
        else:
            self.show_message("")
            self.last_result = result
            self.show_result(result)
        self.results += 1
        if self.timer.isActive():
            self._start_timer()  # the pace may have changed with this answer
        if self.stale and self.showing() and self.session.state != "running":
            QTimer.singleShot(0, self.request)  # something changed while it was computing

    # ---- messages --------------------------------------------------------------------------------

    def show_error(self, exc: BaseException) -> None:
        text = str(exc).strip() or exc.__class__.__name__
        if not hasattr(exc, "fix"):  # not a user mistake: name the kind of error too
            text = f"{exc.__class__.__name__}: {text}"
        self.show_message(text)

    def show_message(self, text: str) -> None:
        self.last_error = text
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))


def align_top(label: QLabel) -> QLabel:
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    return label
