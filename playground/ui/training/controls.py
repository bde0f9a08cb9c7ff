"""The training toolbar and status line: a table of actions (Play/Pause, Step, Stop, Reset,
Rewind) with their shortcuts, and a label with epoch, step, samples/s and elapsed time.

Owns ``TRAIN_ACTIONS`` (the table the toolbar, the Train menu and the README list come from),
``TrainingToolbar`` and ``StatusLine``. Each action only calls a ``TrainingSession`` method; the
buttons follow the session's state. It does not own the run or the curves.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QStyle, QToolBar

from playground.ui.common.guard import guarded
from playground.ui.training.session import TrainingSession
from playground.ui.training.status import format_status


@dataclass(frozen=True)
class TrainAction:
    key: str
    text: str
    shortcut: str
    tip: str
    icon: QStyle.StandardPixmap


TRAIN_ACTIONS = (
    TrainAction("play", "&Play / Pause", "F5", "Start training, or pause it between two batches",
                QStyle.StandardPixmap.SP_MediaPlay),
    TrainAction("step", "&Step", "F6", "Train exactly one batch, then pause", QStyle.StandardPixmap.SP_MediaSeekForward),
    TrainAction("stop", "S&top", "Shift+F5", "End the run after the current batch (Play goes on from there)",
                QStyle.StandardPixmap.SP_MediaStop),
    TrainAction("reset", "&Reset", "Ctrl+R", "New random initial weights (the next seed) and a fresh run",
                QStyle.StandardPixmap.SP_BrowserReload),
    TrainAction("rewind", "Re&wind", "Ctrl+Shift+R", "Back to this run's initial weights and a fresh run",
                QStyle.StandardPixmap.SP_MediaSkipBackward),
)
TRAIN_FIX = ("Check the Training settings panel (learning rate, seed, batch size) and the Problems panel; "
             "a hand-edited project file may hold a value they cannot take: correct it there and press Play again.")


class TrainingToolbar(QToolBar):
    def __init__(self, session: TrainingSession, parent=None):
        super().__init__("Training", parent)
        self.setObjectName("toolbar_training")
        self.session = session
        self.actions_by_key: dict[str, QAction] = {}
        slots = {"play": session.toggle, "step": session.step, "stop": session.stop, "reset": session.reset,
                 "rewind": session.rewind}
        for spec in TRAIN_ACTIONS:
            action = QAction(self.style().standardIcon(spec.icon), spec.text.replace("&", ""), self)
            action.setObjectName(f"action_train_{spec.key}")
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setToolTip(f"{spec.tip} ({spec.shortcut})")
            action.setStatusTip(spec.tip)
            slot = guarded(parent, "Cannot train", slots[spec.key], TRAIN_FIX)  # never a traceback in the slot
            action.triggered.connect(lambda _c=False, slot=slot: slot())
            self.addAction(action)
            self.actions_by_key[spec.key] = action
        self.setToolButtonStyle(self.toolButtonStyle().ToolButtonTextBesideIcon)
        session.state_changed.connect(self.follow)
        self.follow(session.state, "")

    def follow(self, state: str, _text: str = "") -> None:
        play = self.actions_by_key["play"]
        running = state in ("running", "loading")
        play.setText("Pause" if running else "Play")
        play.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause if running
                                               else QStyle.StandardPixmap.SP_MediaPlay))
        self.actions_by_key["stop"].setEnabled(state != "idle")


class StatusLine(QLabel):
    """"● running · epoch 3 · step 1,204 · 5,300 samples/s · 0:42"."""

    COLORS = {"idle": "#5A6270", "loading": "#E8830C", "running": "#2E7D32", "paused": "#1E6FE0"}

    def __init__(self, session: TrainingSession, parent=None):
        super().__init__(parent)
        self.setObjectName("training_status")
        self.state = session.state
        self.counters: dict = {}
        session.state_changed.connect(self._state)
        session.status.connect(self._status)
        self._show()

    def _state(self, state: str, _text: str) -> None:
        self.state = state
        self._show()

    def _status(self, counters: dict) -> None:
        self.counters = counters
        if not self.toolTip():  # (a run has started: the training package is loaded by now)
            from playground.train.throughput import DEFINITION

            self.setToolTip(f"samples/s: {DEFINITION}")
        self._show()

    def _show(self) -> None:
        word = {"idle": "ready", "loading": "loading data"}.get(self.state, self.state)
        color = self.COLORS.get(self.state, "#5A6270")
        self.setText(f"<span style='color:{color}'>\u25cf {word}</span>  ·  {format_status(self.counters)}")
