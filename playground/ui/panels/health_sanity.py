"""The sanity-check box of the Training Health panel: four buttons and their answers in words.

Owns ``SanityBox``: one button per tool of ``playground.train.sanity`` (initial loss, overfit a
tiny subset, gradient check, learning-rate finder), run in the training thread through
``session.submit`` on a copy of the network (``health_view.run_sanity``), a busy bar while one
runs, each result as a verdict and a sentence, and the learning-rate finder's loss-against-rate
curve (log x) with the suggested rate marked and a button that makes it the project's learning
rate. A check asked for while training runs pauses training first and says so. It does not own the
checks themselves (``train/sanity.py``).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGridLayout, QGroupBox, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QVBoxLayout, QWidget)

from playground.ui.plots.live_curve import set_log_mode

#: (key of health_view.TOOLS, button text, what it asks, attribute of the report that says "fine")
TOOLS = (
    ("initial_loss", "Initial loss",
     "Is the loss before training what a network that knows nothing gets (ln C for C classes)?", "ok"),
    ("overfit", "Overfit 20 examples",
     "Can a copy of the network drive the loss on 20 training examples to near zero? If not, something is "
     "broken or the network is too small.", "reached"),
    ("gradient_check", "Gradient check",
     "Does backpropagation agree with a numerical estimate of the gradient (torch.autograd.gradcheck)?", "passed"),
    ("lr_finder", "Learning-rate finder",
     "Trains a copy for up to 100 batches while the learning rate grows from 1e-6 to 10, and suggests a "
     "starting learning rate.", None),
)
TITLES = {key: title for key, title, _, _ in TOOLS}
GOOD, BAD = "#2E7D32", "#C62828"
TRAINED_NOTE = {  # the checks about an untrained network run on the run's initial weights (health_view.TOOLS)
    "initial_loss": ("(Checked on this run's initial weights, as at step 0: the network has trained {step} steps "
                     "since, and its trained weights are not changed.)"),
    "lr_finder": ("(Found with a copy of this run's initial weights, as at step 0: the finder is about where to "
                  "start. The network has trained {step} steps since; its trained weights are not changed.)"),
}
PAUSE_NOTE = "Training was paused for this check; press Play to go on."


def _sanity_job(tool: str):
    def job(trainer):
        from playground.train.health_view import run_sanity

        return trainer.step_count, run_sanity(trainer, tool)

    return job


def rounded_lr(lr: float) -> float:
    """A learning rate with two significant digits (what the button offers and sets)."""
    return float(f"{lr:.2g}")


class SanityBox(QGroupBox):
    def __init__(self, session, owner: str, parent: QWidget | None = None):
        super().__init__("Sanity checks (run on a copy of the network; the weights are not changed)", parent)
        self.session = session
        self.owner = owner
        self.busy: str | None = None
        self.reports: dict[str, object] = {}
        self.suggested_lr: float | None = None
        outer = QHBoxLayout(self)
        layout = QVBoxLayout()
        right = QVBoxLayout()
        outer.addLayout(layout, 3)
        outer.addLayout(right, 2)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.buttons: dict[str, QPushButton] = {}
        self.answers: dict[str, QLabel] = {}
        for row, (key, title, tip, _) in enumerate(TOOLS):
            button = QPushButton(title)
            button.setToolTip(f"{tip}\nWhile training runs, it is paused first.")
            button.clicked.connect(lambda _=False, key=key: self.run(key))
            answer = QLabel("")
            answer.setWordWrap(True)
            answer.setTextFormat(Qt.TextFormat.RichText)
            answer.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(button, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(answer, row, 1)
            self.buttons[key], self.answers[key] = button, answer
        layout.addLayout(grid)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the tools do not report progress
        self.progress.setMaximumHeight(12)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #5A6270;")
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)

        self.lr_plot = pg.PlotWidget(background="w")
        self.lr_plot.setMinimumHeight(170)
        self.lr_plot.setMaximumHeight(260)
        self.lr_plot.setTitle("Learning-rate finder")
        set_log_mode(self.lr_plot, x=True, y=False)
        self.lr_plot.setLabel("bottom", "learning rate")
        self.lr_plot.setLabel("left", "loss (smoothed)")
        self.lr_plot.showGrid(x=True, y=True, alpha=0.2)
        self.lr_raw = self.lr_plot.plot([], [], pen=pg.mkPen((31, 119, 180, 70), width=1))
        self.lr_curve = self.lr_plot.plot([], [], pen=pg.mkPen("#1F77B4", width=2))
        self.lr_mark = pg.InfiniteLine(angle=90, pen=pg.mkPen("#D62728", width=1.5, style=Qt.PenStyle.DashLine),
                                       label="suggested", labelOpts={"position": 0.9, "color": "#D62728"})
        self.lr_plot.addItem(self.lr_mark)
        self.use_lr = QPushButton("Use this learning rate")
        self.use_lr.setToolTip("Make the suggested rate the project's learning rate (a running run takes it at once)")
        self.use_lr.clicked.connect(self.apply_lr)
        right.addWidget(self.lr_plot)
        right.addWidget(self.use_lr, 0, Qt.AlignmentFlag.AlignLeft)
        self.lr_plot.hide()
        self.use_lr.hide()

        session.job_done.connect(self._on_job)
        session.run_started.connect(self._dropped)
        session.doc.project_replaced.connect(self.clear)  # results belong to the project they were run on
        session.state_changed.connect(self._state)

    # ---- running a tool --------------------------------------------------------------------------

    def run(self, tool: str) -> None:
        if self.busy is not None:
            return
        note = ""
        if self.session.state == "running":
            self.session.pause()
            note = " " + PAUSE_NOTE
        self.busy = tool
        self._enable(False)
        self.progress.show()
        self.status.setText(f"Running the {TITLES[tool].lower()} check…{note}")
        self.session.submit(self.owner, _sanity_job(tool))

    def _on_job(self, owner: str, result) -> None:
        if owner != self.owner or self.busy is None:
            return
        tool, self.busy = self.busy, None
        self._enable(True)
        self.progress.hide()
        paused = PAUSE_NOTE if PAUSE_NOTE in self.status.text() else ""
        self.status.setText(paused)
        if isinstance(result, BaseException):
            fix = getattr(result, "fix", None)
            text = str(result).strip() or result.__class__.__name__
            self.answers[tool].setText(f'<span style="color:{BAD}">Could not run: {_esc(text)}'
                                       f'{"; " + _esc(fix) if fix else ""}</span>')
            return
        step, report = result
        self.reports[tool] = report
        self.show_report(tool, step, report)

    def show_report(self, tool: str, step: int, report) -> None:
        flag = next(f for key, _, _, f in TOOLS if key == tool)
        if flag is None:
            verdict, colour = "Done", "#1F2328"
        elif getattr(report, flag):
            verdict, colour = "OK", GOOD
        else:
            verdict, colour = "Problem", BAD
        text = report.message
        if tool in TRAINED_NOTE and step > 0:
            text += " " + TRAINED_NOTE[tool].format(step=step)
        when = "initial weights" if tool in TRAINED_NOTE else f"step {step}"
        self.answers[tool].setText(f'<b style="color:{colour}">{verdict}</b> '
                                   f'<span style="color:#5A6270">({when})</span>: {_esc(text)}')
        if tool == "lr_finder":
            self._show_lr(report)

    def _show_lr(self, report) -> None:
        lrs = np.asarray(report.lrs, dtype=np.float64)
        if not len(lrs):
            self.lr_plot.hide()
            self.use_lr.hide()
            return
        self.lr_raw.setData(lrs, np.asarray(report.raw_losses, dtype=np.float64))
        smooth = np.asarray(report.losses, dtype=np.float64)
        self.lr_curve.setData(lrs, smooth)
        finite = smooth[np.isfinite(smooth)]
        if len(finite):  # the raw losses can spike far above: frame the smoothed curve
            lo, hi = float(finite.min()), float(finite.max())
            self.lr_plot.setYRange(lo, hi + 1e-9, padding=0.1)
        self.suggested_lr = rounded_lr(report.suggested_lr)
        self.lr_mark.setValue(math.log10(self.suggested_lr))  # log-x plot: the line lives in log10 units
        self.lr_mark.label.setFormat(f"suggested {self.suggested_lr:g}")
        self.use_lr.setText(f"Use learning rate {self.suggested_lr:g}")
        self.lr_plot.show()
        self.use_lr.show()

    def apply_lr(self) -> None:
        if self.suggested_lr is None:
            return
        try:
            when = self.session.apply_setting(lr=self.suggested_lr)
        except Exception as exc:  # noqa: BLE001 - a refused value is said, never raised into Qt
            self.status.setText(f"The learning rate was not changed: {exc}")
            return
        self.status.setText(f"Learning rate set to {self.suggested_lr:g}"
                            + (" (the running training uses it from the next batch)." if when == "live" else "."))

    # ---- state -----------------------------------------------------------------------------------

    def _enable(self, on: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(on)

    def clear(self) -> None:
        """Forget every answer and the learning-rate finder's plot (another project was opened)."""
        self.reports.clear()
        for label in self.answers.values():
            label.setText("")
        self.suggested_lr = None
        self.lr_raw.setData([], [])
        self.lr_curve.setData([], [])
        self.lr_plot.hide()
        self.use_lr.hide()
        self.status.setText("")
        self._dropped()

    def _dropped(self, *args) -> None:
        """A new run: a check that was waiting on the old trainer never answers."""
        if self.busy is not None and self.session.trainer is None:
            self.busy = None
            self._enable(True)
            self.progress.hide()
            self.status.setText("")

    def _state(self, state: str, _text: str) -> None:
        running = state == "running"
        for key, button in self.buttons.items():
            tip = next(t for k, _, t, _ in TOOLS if k == key)
            button.setToolTip(f"{tip}\n" + ("Training is running: clicking pauses it first." if running
                                            else "Runs on a copy of the network; the weights are not changed."))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
