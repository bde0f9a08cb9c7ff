"""The Side by Side window: two runs of one project, one setting different, trained together.

Owns ``SideBySideWindow`` (two synchronized halves and a Play/Pause, Step, Reset bar; keys Space,
S, R, Esc) and ``HalfView`` (one side: its label, the loss curve with the validation loss, each
layer's gradient norm, the decision surface for 2-D data). Training runs in one worker thread
that trains both sides in turns (``train.lessons.contrast.PairRun``), so neither runs ahead; the
GUI thread only draws the latest snapshots (a timer, five times a second). The two loss plots
share their axes and the gradient bars one scale, so a difference in height is a real difference.
"""

from __future__ import annotations

import math
import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from playground.ui.common import style
from playground.ui.panels.boundary_plane import PlaneView

DRAW_MS = 200
STEP = 50  # batches per press of Step (each side)
CURVE_POINTS = 2000  # the loss curve is thinned to about this many points


def _thin(y: np.ndarray, limit: int = CURVE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Steps 1..n and the loss, averaged over windows when longer than ``limit`` points."""
    n = len(y)
    if n <= limit:
        return np.arange(1, n + 1, dtype=np.float64), y
    k = math.ceil(n / limit)
    m = n // k
    return (np.arange(m) * k + (k + 1) / 2).astype(np.float64), y[: m * k].reshape(m, k).mean(axis=1)


class HalfView(QWidget):
    """One side: its label, loss curves, gradient norms per layer, and the plane for 2-D data."""

    def __init__(self, label: str, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.title = QLabel(label)
        self.title.setFont(style.font(16, bold=True))
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.facts = QLabel("not trained yet")
        self.facts.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        self.loss_plot = pg.PlotWidget(background="w")
        self.loss_plot.setLabel("bottom", "step")
        self.loss_plot.setLabel("left", "loss")
        self.loss_plot.addLegend(offset=(-10, 10))
        self.loss_plot.setLogMode(y=True)
        self.train_curve = self.loss_plot.plot([], [], pen=pg.mkPen(style.color("SELECTED"), width=2), name="training loss")
        self.val_curve = self.loss_plot.plot([], [], pen=pg.mkPen(style.color("WARNING"), width=2), symbol="o",
                                             symbolSize=5, name="validation loss")
        self.grad_plot = pg.PlotWidget(background="w")
        self.grad_plot.setLabel("left", "gradient norm")
        self.grad_plot.setMouseEnabled(x=False, y=False)
        self.bars: pg.BarGraphItem | None = None
        self.plane = PlaneView()
        self.plane.hide()
        layout.addWidget(self.loss_plot, 3)
        layout.addWidget(self.grad_plot, 2)
        layout.addWidget(self.plane, 4)

    def show_snapshot(self, snap: dict, grad_range: tuple[float, float]) -> None:
        acc = snap["val_accuracy"]
        self.facts.setText(f"step {snap['step']}"
                           + (f", validation accuracy {acc[-1]:.1%}" if len(acc) else ""))
        losses = np.asarray(snap["loss"], dtype=np.float64)
        x, y = _thin(losses)
        ok = np.isfinite(y) & (y > 0)
        self.train_curve.setData(x[ok], y[ok])
        vx, vy = snap["val_epoch_steps"], snap["val_loss"]
        ok = np.isfinite(vy) & (vy > 0)
        self.val_curve.setData(vx[ok], vy[ok])
        norms = np.asarray(snap["grad_norms"], dtype=np.float64)
        heights = np.log10(np.clip(norms, 1e-12, None)) - grad_range[0]
        if self.bars is not None:
            self.grad_plot.removeItem(self.bars)
        self.bars = pg.BarGraphItem(x=np.arange(len(norms)), height=heights, y0=grad_range[0], width=0.6,
                                    brush=style.color("SELECTED"))
        self.grad_plot.addItem(self.bars)
        self.grad_plot.getAxis("bottom").setTicks([list(enumerate(snap["layers"]))])
        self.grad_plot.getAxis("left").setTicks([[(k, f"{10.0 ** k:g}")
                                                  for k in range(int(grad_range[0]), int(grad_range[1]) + 1)]])
        self.grad_plot.setYRange(grad_range[0], grad_range[1], padding=0.05)
        if snap["surface"] is not None:
            self.plane.show()
            self.plane.show_surface(snap["surface"], discretize=False, show_test=False)


class SideBySideWindow(QWidget):
    """Both halves, the control bar and the worker that trains the pair."""

    def __init__(self, project, contrast, parent=None):
        from playground.train.lessons.contrast import PairRun

        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("side_by_side")
        self.setWindowTitle(f"Side by side: {contrast.label_a} vs {contrast.label_b}")
        self.setAccessibleName(self.windowTitle())
        self.project, self.contrast = project, contrast
        self.pair = PairRun(project, contrast)  # raises (nothing changed) when the contrast does not fit
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closing = False
        self.playing = False
        self._pending = 0  # steps asked for by Step / a lesson, each side
        self._reset = False  # Reset asked for: the worker builds both sides afresh
        self._latest: tuple | None = None
        self._drawn = None
        self.error: str | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.play_button = QPushButton("▶ Play both (Space)")
        self.play_button.clicked.connect(self.toggle)
        step = QPushButton(f"Step {STEP} (S)")
        step.clicked.connect(lambda: self.step(STEP))
        reset = QPushButton("⟲ Reset both (R)")
        reset.clicked.connect(self.reset)
        for button in (self.play_button, step, reset):
            button.setMinimumHeight(40)
            bar.addWidget(button)
        self.difference = QLabel(f"The one difference: {'; '.join(contrast.actions_b)} (on the right)")
        self.difference.setWordWrap(True)
        bar.addWidget(self.difference, 1)
        layout.addLayout(bar)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.halves = (HalfView(contrast.label_a), HalfView(contrast.label_b))
        for half in self.halves:
            split.addWidget(half)
        b = self.halves[1]
        b.loss_plot.setXLink(self.halves[0].loss_plot)
        b.loss_plot.setYLink(self.halves[0].loss_plot)
        layout.addWidget(split, 1)
        self.status = QLabel("Press Play: both sides start from the same seed and see the same data.")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        for key, slot in (("Space", self.toggle), ("S", lambda: self.step(STEP)), ("R", self.reset),
                          ("Esc", self.close)):
            QShortcut(QKeySequence(key), self, activated=slot)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.redraw)
        self.timer.start(DRAW_MS)
        self.thread = threading.Thread(target=self._work, name="side-by-side", daemon=True)
        self.thread.start()
        self.resize(1200, 760)

    # ---- commands (GUI thread)
    def toggle(self) -> None:
        self.playing = not self.playing
        self.play_button.setText("⏸ Pause both (Space)" if self.playing else "▶ Play both (Space)")
        self._wake.set()

    def step(self, steps: int) -> None:
        with self._lock:
            self._pending += int(steps)
        self._wake.set()

    def reset(self) -> None:
        """New initial weights for both (the same new seed for both sides)."""
        with self._lock:
            self._pending = 0
            self._reset = True
        self._wake.set()

    # ---- the worker
    def _work(self) -> None:
        from playground.train.lessons.contrast import PairRun

        try:
            self.pair.build()
            self._publish()
            while not self._closing:
                with self._lock:
                    reset, self._reset = self._reset, False
                    take = self.pair.chunk if self.playing else min(self._pending, self.pair.chunk)
                    self._pending -= min(self._pending, take)
                if reset:
                    seed = int(self.project.training.get("seed", 0)) + 1
                    self.project.training = {**self.project.training, "seed": seed}
                    self.pair = PairRun(self.project, self.contrast, self.pair.chunk)
                    self.pair.build()
                    self._publish()
                    continue
                if take <= 0:
                    self._wake.wait(0.2)
                    self._wake.clear()
                    continue
                self.pair.train(take)
                self._publish()
        except Exception as exc:  # a run that cannot train: say why, keep the window
            self.error = f"{type(exc).__name__}: {exc}"

    def _publish(self) -> None:
        snaps = (self.pair.snapshot(0), self.pair.snapshot(1))
        with self._lock:
            self._latest = snaps

    def wait_steps(self, steps: int, timeout: float = 60.0) -> bool:
        """Block until both sides reached ``steps`` (for tests and scripted lessons)."""
        import time

        end = time.time() + timeout
        while time.time() < end:
            snaps = self._latest
            if self.error or (snaps and min(s["step"] for s in snaps) >= steps):
                return self.error is None
            time.sleep(0.05)
        return False

    # ---- drawing (GUI thread)
    def redraw(self) -> None:
        if self.error:
            self.status.setText(f"Training stopped: {self.error}. Close this window; your project is unchanged.")
            self.status.setStyleSheet(style.css("ERROR_TEXT"))
        with self._lock:
            snaps = self._latest
        if snaps is None or snaps is self._drawn:
            return
        self._drawn = snaps
        norms = np.concatenate([s["grad_norms"] for s in snaps])
        norms = norms[np.isfinite(norms) & (norms > 0)]
        lo, hi = (np.log10(norms.min()) - 0.5, np.log10(norms.max()) + 0.5) if len(norms) else (-3.0, 1.0)
        for half, snap in zip(self.halves, snaps):
            half.show_snapshot(snap, (float(np.floor(lo)), float(np.ceil(hi))))
        losses = np.concatenate([np.asarray(s["loss"], dtype=np.float64) for s in snaps]
                                + [np.asarray(s["val_loss"], dtype=np.float64) for s in snaps])
        losses = losses[np.isfinite(losses) & (losses > 0)]
        if len(losses):  # one range for both (log axis: log10 values), so every curve is seen whole
            self.halves[0].loss_plot.setYRange(np.log10(losses.min()), np.log10(losses.max()), padding=0.05)
        a, b = snaps
        self.status.setText(f"{a['label']}: step {a['step']}    {b['label']}: step {b['step']}    "
                            "(same seed, same data; the bars share one scale)")

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._closing = True
        self._wake.set()
        self.timer.stop()
        self.thread.join(timeout=15)
        super().closeEvent(event)
