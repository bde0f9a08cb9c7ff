"""The curves panel: loss, accuracy and learning rate of the run in progress, with earlier runs as
overlays to compare.

Owns ``CurvesPanel`` (three linked pyqtgraph plots fed by a ``TrainingSession``'s signals: the raw
per-step loss faint, its smoothed line, validation loss per epoch; training and validation
accuracy per epoch; the learning rate per step), the log-scale toggle, the hover read-out, the
list of kept runs (``Run``: its settings and curves, shown or hidden with one click; "Clear runs"
forgets them; opening another project forgets them and the current curves too, since runs belong
to their project; the axes rescale to what is shown when an overlay is ticked or unticked) and
CSV/PNG export. Every curve is a ``LiveCurve`` (preallocated, doubling, peak-downsampled, clipped to the
view), so a million points still redraw at interactive speed. It does not own the run itself.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QSizePolicy, QSplitter, QVBoxLayout, QWidget)

from playground.ui.common import style
from playground.ui.plots.live_curve import LiveCurve, SteadyAxis, set_log_mode

REDRAW_S = 0.1  # while training, redraw at most this often (spaced further when the GUI is slow)
SMOOTHING = 0.95  # exponential moving average of the step loss
OVERLAY_COLORS = ("#8C564B", "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF", "#9467BD", "#FF7F0E")
SERIES = ("loss", "smooth", "val_loss", "train_acc", "val_acc", "lr")


@dataclass
class Run:
    """One kept run: a label, its settings and copies of its curves (x, y arrays per series)."""

    label: str
    settings: dict
    data: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    items: list = field(default_factory=list)  # overlay PlotDataItems


def settings_label(training: dict) -> str:
    opt = training.get("optimizer", "sgd")
    parts = [f"{opt} lr={training.get('lr', 0):g}", f"batch {training.get('batch_size', '?')}"]
    for key in ("l1", "l2"):
        if training.get(key):
            parts.append(f"{key}={training[key]:g}")
    parts.append(f"seed {training.get('seed', 0)}")
    return ", ".join(parts)


def _start_note(session) -> str:
    """'; from conv1, conv2 of source.pt (frozen)' for a run that starts from imported layers, else ''."""
    from playground.ui.transfer.import_ops import start_note

    return start_note(session, session.doc.graph)


class CurvesPanel(QWidget):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.runs: list[Run] = []
        self._ema: float | None = None
        self._run_settings: dict = {}
        pg.setConfigOptions(antialias=False)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.loss_plot = self.graphics.addPlot(row=0, col=0, title="Loss")
        self.acc_plot = self.graphics.addPlot(row=0, col=1, title="Accuracy")
        self.lr_plot = self.graphics.addPlot(row=0, col=2, title="Learning rate")
        for plot in (self.loss_plot, self.acc_plot, self.lr_plot):
            plot.showGrid(x=True, y=True, alpha=0.2)
            # the loss falls away from the top right; accuracy climbs to it and the learning rate is
            # drawn at the top (from 0 up): their legends sit bottom right, off the curves
            plot.addLegend(offset=(-5, 5) if plot is self.loss_plot else (-5, -5), labelTextSize="8pt")
            plot.enableAutoRange()
            plot.setLabel("bottom", "step")
        for plot in (self.acc_plot, self.lr_plot):  # the step axis is the loss plot's (its SteadyAxis):
            plot.setXLink(self.loss_plot)  # a linked plot fitting its own x would push its range back
            plot.enableAutoRange(x=False)
        self.graphics.ci.layout.setColumnStretchFactor(0, 3)
        self.graphics.ci.layout.setColumnStretchFactor(1, 2)
        self.graphics.ci.layout.setColumnStretchFactor(2, 2)
        self.curves = {
            "loss": LiveCurve(self.loss_plot, "training (per step)", pg.mkPen((31, 119, 180, 70), width=1)),
            "smooth": LiveCurve(self.loss_plot, "training (smoothed)", pg.mkPen("#1F77B4", width=2)),
            "val_loss": LiveCurve(self.loss_plot, "validation", pg.mkPen("#D62728", width=2), symbol="o"),
            "train_acc": LiveCurve(self.acc_plot, "training", pg.mkPen("#1F77B4", width=2), symbol="o"),
            "val_acc": LiveCurve(self.acc_plot, "validation", pg.mkPen("#D62728", width=2), symbol="o"),
            "lr": LiveCurve(self.lr_plot, "learning rate", pg.mkPen("#2CA02C", width=2)),
        }
        #: axes that grow in steps while training (their ticks are redrawn only then: live_curve.SteadyAxis)
        self.steady = {"step": SteadyAxis(self.loss_plot, 0), "loss": SteadyAxis(self.loss_plot, 1),
                       "accuracy": SteadyAxis(self.acc_plot, 1)}
        self.readout = QLabel("Press Play (F5) to train; hover over a curve for exact values")
        style.mute(self.readout)
        self.log_box = QCheckBox("Log scale")
        self.log_box.setToolTip("Loss on a logarithmic axis")
        self.log_box.toggled.connect(self.set_log)
        csv_button, png_button = QPushButton("CSV…"), QPushButton("PNG…")
        csv_button.setToolTip("Save every curve (this run and the kept ones) as a CSV table")
        png_button.setToolTip("Save the plots as a picture")
        csv_button.clicked.connect(lambda: self._ask_export("csv"))
        png_button.clicked.connect(lambda: self._ask_export("png"))
        self.run_list = QListWidget()
        self.run_list.setToolTip("Earlier runs of this session: tick to overlay them on the loss and accuracy")
        self.run_list.itemChanged.connect(self._run_toggled)
        top = QHBoxLayout()
        top.addWidget(self.readout, 1)
        self.speed = QLabel("")
        self.speed.setObjectName("curves_samples_per_s")
        self.speed.setStyleSheet("color: #5A6270;")
        top.addWidget(self.speed)
        self.speed.hide()  # shown once there is a rate (it takes no room before)
        top.addWidget(self.log_box)
        top.addWidget(csv_button)
        top.addWidget(png_button)
        runs_box = QWidget()
        runs_layout = QVBoxLayout(runs_box)
        runs_layout.setContentsMargins(0, 0, 0, 0)
        runs_layout.addWidget(QLabel("Runs to compare"))
        runs_layout.addWidget(self.run_list)
        self.clear_button = QPushButton("Clear runs")
        self.clear_button.setToolTip("Forget the earlier runs kept for comparison (the current run stays)")
        self.clear_button.clicked.connect(lambda: self.clear_runs())
        self.clear_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)  # no wider window
        runs_layout.addWidget(self.clear_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.graphics)
        split.addWidget(runs_box)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self._mouse = pg.SignalProxy(self.graphics.scene().sigMouseMoved, rateLimit=30, slot=self._hover)
        self._drawn_at = -1e9
        self._later = QTimer(self)  # a redraw that had to wait (pacing)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self._redraw)
        session.run_started.connect(self.start_run)
        session.batches.connect(self.add_batches)
        session.epoch_done.connect(self.add_epoch)
        session.status.connect(self._speed)
        session.doc.project_replaced.connect(lambda: self.clear_runs(current=True))

    # ---- feeding ---------------------------------------------------------------------------------

    def start_run(self, _seed: int = 0) -> None:
        """Keep the run so far (if it has points) as an overlay, and start empty curves."""
        if self.curves["loss"].series.n:
            self.keep_run()
        for curve in self.curves.values():
            curve.clear()
        self._ema = None
        self._run_settings = dict(self.session.doc.project.training or {})
        self._start = _start_note(self.session)

    def add_batches(self, chunk: dict) -> None:
        steps, losses = chunk["step"], chunk["loss"]
        if not self._run_settings:
            self._run_settings = dict(self.session.doc.project.training or {})
            self._start = _start_note(self.session)
        smooth = np.empty_like(losses)
        ema = self._ema
        for i, value in enumerate(losses):  # (n,) a few dozen per tick
            if np.isfinite(value):
                ema = value if ema is None else SMOOTHING * ema + (1 - SMOOTHING) * value
            smooth[i] = np.nan if ema is None else ema
        self._ema = ema
        self.curves["loss"].extend(steps, losses)
        self.curves["smooth"].extend(steps, smooth)
        self.curves["lr"].extend(steps, chunk["lr"])
        self.refresh()

    def add_epoch(self, record) -> None:
        x = [record.step]
        if record.val is not None:
            self.curves["val_loss"].extend(x, [record.val.loss])
            if record.val.accuracy is not None:
                self.curves["val_acc"].extend(x, [record.val.accuracy])
        if record.train.accuracy is not None:
            self.curves["train_acc"].extend(x, [record.train.accuracy])
        self.refresh()

    def refresh(self) -> None:
        """Redraw what came in: now, or while training when the pacing allows (the session's
        ``load`` spaces redraws out when the GUI thread takes too much of the machine)."""
        wait = 0.0
        if self.session.state == "running":
            wait = self._drawn_at + self.session.load.interval(REDRAW_S) - time.perf_counter()
        if wait <= 0:
            self._later.stop()
            self._redraw()
        elif not self._later.isActive():
            self._later.start(int(wait * 1000) + 1)

    def _redraw(self) -> None:
        self._drawn_at = time.perf_counter()
        for curve in self.curves.values():
            curve.refresh()
        self._lr_from_zero()
        self._steady_ranges()

    def _steady_ranges(self) -> None:
        """Steps from 0 and the loss (on a linear axis) from 0 or below, accuracy 0..1, all growing
        in steps with what is shown: this run and the kept runs that are ticked (from the data, not
        the items' bounds, which clip-to-view limits to the current range)."""
        loss, last = self._extent(("loss", "smooth", "val_loss"))
        acc, _ = self._extent(("train_acc", "val_acc"))
        if last is not None:
            self.steady["step"].follow(0.0, last)
        if loss is not None and not self.log_box.isChecked():
            self.steady["loss"].follow(min(0.0, loss[0]), loss[1])
        if acc is not None:
            self.steady["accuracy"].follow(min(0.0, acc[0]), max(1.0, acc[1]))

    def _extent(self, names) -> tuple[tuple[float, float] | None, float | None]:
        """((lowest, highest) finite value, last step) of the named series, kept runs included."""
        series = [self.curves[n].series for n in names]
        lo, hi = min(s.lo for s in series), max(s.hi for s in series)
        last = max((float(s.x[s.n - 1]) for s in series if s.n), default=None)
        for run in self.runs:
            if not (run.items and run.items[0].isVisible()):
                continue
            for x, y in (run.data[n] for n in names if n in run.data):
                y = y[np.isfinite(y)]
                if len(y):
                    lo, hi = min(lo, float(y.min())), max(hi, float(y.max()))
                if len(x):
                    last = max(last or 0.0, float(x[-1]))
        return ((lo, hi) if lo <= hi else None), last

    def _lr_from_zero(self) -> None:
        """On a linear axis the learning rate is drawn from 0 up (a constant 0.03 sat on the middle
        line of a -0.47..0.53 range and read as 0); the log axis keeps its automatic range."""
        _x, y = self.curves["lr"].series.view()
        if len(y) and not self.log_box.isChecked() and np.isfinite(y).any():
            top = float(np.nanmax(y))
            if top > 0:
                self.lr_plot.setYRange(0.0, top * 1.15, padding=0)

    # ---- compare runs ----------------------------------------------------------------------------

    def keep_run(self) -> Run:
        data = {}
        for name, curve in self.curves.items():
            x, y = curve.series.view()
            data[name] = (x.copy(), y.copy())
        run = Run(f"Run {len(self.runs) + 1}: {settings_label(self._run_settings)}{getattr(self, '_start', '')}",
                  dict(self._run_settings), data)
        color = OVERLAY_COLORS[len(self.runs) % len(OVERLAY_COLORS)]
        for name, plot, style in (("smooth", self.loss_plot, Qt.PenStyle.SolidLine),
                                  ("val_loss", self.loss_plot, Qt.PenStyle.DashLine),
                                  ("val_acc", self.acc_plot, Qt.PenStyle.DashLine),
                                  ("train_acc", self.acc_plot, Qt.PenStyle.SolidLine)):
            x, y = data[name]
            item = plot.plot(x, y, pen=pg.mkPen(color, width=1.5, style=style))
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
            run.items.append(item)
        self.runs.append(run)
        entry = QListWidgetItem(run.label)
        entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        entry.setCheckState(Qt.CheckState.Checked)
        entry.setForeground(pg.mkColor(color))
        entry.setToolTip("\n".join(f"{k}: {v}" for k, v in run.settings.items() if k != "version"))
        self.run_list.addItem(entry)
        return run

    def _run_toggled(self, entry: QListWidgetItem) -> None:
        run = self.runs[self.run_list.row(entry)]
        for item in run.items:
            item.setVisible(entry.checkState() == Qt.CheckState.Checked)
        self.rescale()

    def rescale(self) -> None:
        """Fit the axes to the curves that are shown (a hidden overlay's range no longer counts)."""
        for axis in self.steady.values():
            axis.release()
        self.loss_plot.enableAutoRange()
        for plot in (self.acc_plot, self.lr_plot):
            plot.enableAutoRange(y=True)
        for plot in (self.loss_plot, self.acc_plot, self.lr_plot):
            plot.vb.updateAutoRange()
        self._steady_ranges()

    def clear_runs(self, current: bool = False) -> None:
        """Forget the kept runs (and, with ``current``, this run's curves: another project)."""
        for run in self.runs:
            for item in run.items:
                for plot in (self.loss_plot, self.acc_plot):
                    if item in plot.items:
                        plot.removeItem(item)
        self.runs.clear()
        self.run_list.clear()
        if current:
            for curve in self.curves.values():
                curve.clear()
            self._ema = None
            self._run_settings = {}
            self._redraw()
        self.rescale()

    def set_run_visible(self, index: int, visible: bool) -> None:
        self.run_list.item(index).setCheckState(Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)

    # ---- view ------------------------------------------------------------------------------------

    def _speed(self, counters: dict) -> None:
        """The same samples/s as the status line (one meter: ``train.throughput``)."""
        rate = counters.get("samples_per_s", float("nan"))
        if not self.speed.toolTip():  # (a run has started: the training package is loaded by now)
            from playground.train.throughput import DEFINITION

            self.speed.setToolTip(f"samples/s: {DEFINITION}")
        self.speed.setText(f"{rate:,.0f} samples/s" if rate == rate and rate > 0 else "")
        self.speed.setVisible(bool(self.speed.text()))

    def set_log(self, on: bool) -> None:
        self.steady["loss"].release()  # a log axis keeps pyqtgraph's own range
        set_log_mode(self.loss_plot, y=on)
        set_log_mode(self.lr_plot, y=on)
        if self.log_box.isChecked() != on:
            self.log_box.setChecked(on)
        self._steady_ranges()

    def _hover(self, event) -> None:
        pos = event[0]
        for plot in (self.loss_plot, self.acc_plot, self.lr_plot):
            if plot.sceneBoundingRect().contains(pos):
                step = plot.vb.mapSceneToView(pos).x()
                self.readout.setText(self.values_at(step))
                return

    def values_at(self, step: float) -> str:
        """The exact values nearest ``step``: a line for the read-out."""
        parts = []
        names = {"loss": "loss", "smooth": "smoothed", "val_loss": "val loss", "train_acc": "train acc",
                 "val_acc": "val acc", "lr": "lr"}
        for key, label in names.items():
            x, y = self.curves[key].series.view()
            if not len(x):
                continue
            i = int(np.clip(np.searchsorted(x, step), 0, len(x) - 1))
            if i > 0 and abs(x[i - 1] - step) < abs(x[i] - step):
                i -= 1
            if key in ("loss", "smooth", "lr") or abs(x[i] - step) <= max(1.0, 0.05 * (x[-1] - x[0] + 1)):
                if key == "loss":
                    parts.insert(0, f"step {int(x[i])}")
                parts.append(f"{label} {y[i]:.4g}")
        return "  ·  ".join(parts) if parts else "no points yet"

    # ---- export ----------------------------------------------------------------------------------

    def _ask_export(self, kind: str) -> None:
        flt = "CSV table (*.csv)" if kind == "csv" else "PNG picture (*.png)"
        path, _ = QFileDialog.getSaveFileName(self, f"Export curves as {kind.upper()}", f"curves.{kind}", flt)
        if path:
            (self.export_csv if kind == "csv" else self.export_png)(path)

    def export_csv(self, path) -> Path:
        """Long format: one row per point: run, series, step, value."""
        path = Path(path)
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["run", "series", "step", "value"])
            current = {name: curve.series.view() for name, curve in self.curves.items()}
            for label, data in [*((r.label, r.data) for r in self.runs), ("current", current)]:
                for name in SERIES:
                    x, y = data[name]
                    for xi, yi in zip(x.tolist(), y.tolist()):
                        writer.writerow([label, name, int(xi), repr(float(yi))])
        return path

    def export_png(self, path) -> Path:
        path = Path(path)
        self.graphics.grab().save(str(path), "PNG")
        return path
