"""The Training Health panel: are gradients, updates and units healthy, layer by layer?

Owns ``HealthPanel``: the gradient norm of every layer against the step (log scale, one colour per
layer), the update/weight ratio of every layer (log scale, dashed reference at 1e-3), the share of
dead ReLUs and saturated sigmoid/tanh units per activation layer (bars coloured by severity, with
advice in words when a share is high), and the sanity-check box (``health_sanity.SanityBox``).

Where the numbers come from: every run is recorded from its first step whether or not this panel
is open (``train.recorder.RunRecorder``, the session's ``recorder``: every few steps, as often as
a budget of its training time allows, in a bounded history), so a panel opened later shows the
whole run. While training runs the panel only redraws that record, at most every ``interval_ms``.
Before training it measures the network at rest (``health_view.resting_health``: gradient on the
first 256 training examples, no step, nothing changed); while paused the bars show the network at
rest and the curves the record.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QScrollArea, QWidget

from playground.ui.panels.health_history import (REFERENCE_RATIO, HealthHistory, gradient_advice, ratio_advice,
                                                 severity, unit_advice, unit_share)
from playground.ui.panels.health_sanity import SanityBox
from playground.ui.panels.probe_panel import ProbePanel
from playground.ui.plots.live_curve import set_log_mode

LAYER_COLORS = ("#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F",
                "#BCBD22", "#17BECF")
RATIO_HINT = ("Dashed line: 1e-3. Around 1e-3 is healthy; far below: the learning rate is too small or the "
              "gradients vanish; far above: the learning rate is too large.")
SHARE_LABEL = {"relu": "dead", "sigmoid": "saturated", "tanh": "saturated"}


# ---- jobs (they run in the training thread) ------------------------------------------------------

RECORDED = "recorded"  # a job's answer: draw the session's recorder (it measured the steps)


def _recorded(trainer):
    return RECORDED


def _at_rest(trainer):
    from playground.train.health_view import resting_health

    return resting_health(trainer)


JOBS = {"running": _recorded}  # any other state: at rest


def _log_plot(title: str, left: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w", title=title)
    set_log_mode(plot, x=False, y=True)  # no "(x0.001)" on a log axis
    plot.setLabel("bottom", "step")
    plot.setLabel("left", left)
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setMinimumHeight(200)
    return plot


class HealthPanel(ProbePanel):
    explanation = ("How healthy training is, layer by layer. Top left: each layer's gradient norm over the steps "
                   "(log scale): lines sinking towards zero mean vanishing gradients, lines shooting up mean "
                   "exploding ones. Top right: how much one step changes a layer's weights, relative to their "
                   "size. Below: dead and saturated units, and quick sanity checks to run before a long training.")
    interval_ms = 500  # a measured LeNet-5 step costs ~0.6 of a plain one extra: 2 a second is cheap
    follows_input = False

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.rest_history = HealthHistory()  # at-rest points, shown until the run has a record
        self.history = self.rest_history  # what the curves show: the recorder's copy, or the rest points
        self.record_version = -1
        self.latest = None  # the probes.Health the bars and sentences show
        self.latest_live = False
        self.live_results = 0  # measurements around a step received (tests wait on it)
        self.unit_shares: dict[str, float] = {}  # activation layer -> the dead/saturated share shown
        self.curves: dict[str, list] = {"grad": [], "ratio": []}
        pg.setConfigOptions(antialias=False)

        content = QWidget()
        grid = QGridLayout(content)
        grid.setContentsMargins(0, 0, 0, 0)
        self.grad_plot = _log_plot("Gradient norm per layer", "‖gradient‖")
        self.legend = self.grad_plot.addLegend(offset=(-4, 4), labelTextSize="8pt", brush=(255, 255, 255, 190))
        self.ratio_plot = _log_plot("Update / weight ratio per layer", "‖Δw‖ / ‖w‖")
        self.reference = pg.InfiniteLine(pos=math.log10(REFERENCE_RATIO), angle=0,  # log-y: log10 units
                                         pen=pg.mkPen("#444444", width=1.5, style=Qt.PenStyle.DashLine),
                                         label="1e-3", labelOpts={"position": 0.03, "color": "#444444"})
        self.ratio_plot.addItem(self.reference)
        self.ratio_plot.setYRange(-5, -1)
        self.grad_note = self._note("")
        self.ratio_note = self._note(RATIO_HINT)

        self.units_plot = pg.PlotWidget(background="w", title="Dead ReLUs / saturated sigmoid, tanh units")
        self.units_plot.setLabel("left", "share of units", units="%")
        self.units_plot.setYRange(0, 100)
        self.units_plot.setMouseEnabled(x=False, y=False)
        self.units_plot.setMinimumHeight(170)
        self.units_plot.setMaximumHeight(240)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6, brushes=[])
        self.units_plot.addItem(self.bars)
        for level, colour in ((40, "#C62828"), (10, "#EF8F00")):
            self.units_plot.addItem(pg.InfiniteLine(pos=level, angle=0, pen=pg.mkPen(colour, style=Qt.PenStyle.DotLine)))
        self.units_note = self._note("")

        self.sanity = SanityBox(self.session, f"{self.owner}:sanity")
        self.where = self._note("")
        grid.addWidget(self.where, 0, 0, 1, 2)
        grid.addWidget(self.grad_plot, 1, 0)
        grid.addWidget(self.ratio_plot, 1, 1)
        grid.addWidget(self.grad_note, 2, 0)
        grid.addWidget(self.ratio_note, 2, 1)
        grid.addWidget(self.units_plot, 3, 0)
        grid.addWidget(self.units_note, 3, 1)
        grid.addWidget(self.sanity, 4, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(5, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        self.layout_.addWidget(scroll, 1)
        self.finish_layout()
        self.session.run_started.connect(self._clear)

    @staticmethod
    def _note(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setStyleSheet("color: #5A6270;")
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        return label

    # ---- asking ----------------------------------------------------------------------------------

    def job(self):
        return JOBS.get(self.session.state, _at_rest)

    def _new_run(self, *args) -> None:
        self._clear()
        super()._new_run(*args)

    def _clear(self, *args) -> None:
        """A new run: the history starts over; the layers' curves stay (emptied) for the next answer."""
        self.rest_history.clear()
        self.history = self.rest_history
        self.record_version = -1
        self.latest = None
        for curve in self.curves["grad"] + self.curves["ratio"]:
            curve.setData([], [])

    # ---- answers ---------------------------------------------------------------------------------

    def show_result(self, result) -> None:
        if result is RECORDED:
            self.show_record()
        elif result is not None:
            self.take(result, live=False)

    def _recorded_history(self):
        """(history copy, latest, version) from the session's recorder; None when it has nothing."""
        recorder = self.session.recorder
        if recorder is None:
            return None
        history, latest, version = recorder.copy_health()
        return (history, latest, version) if history.n else None

    def show_record(self) -> None:
        """Draw the run's record (every measured step since the run began)."""
        got = self._recorded_history()
        if got is None:
            return
        history, latest, version = got
        if version == self.record_version:
            return
        self.record_version = version
        self.live_results += 1
        self.history = history
        if latest is not None:
            self._show(latest, live=True)

    def take(self, health, live: bool) -> None:
        """Show one measurement at rest. Its point enters the curves only while the run has no record
        yet (a record's points are the steps' own)."""
        names = tuple(layer.name for layer in health.layers)
        got = self._recorded_history()
        if got is not None:
            self.history = got[0]
        else:
            if self.rest_history.n == 0 or names != self.rest_history.names:
                self.rest_history.add(health)
            self.history = self.rest_history
        self._show(health, live)

    def _show(self, health, live: bool) -> None:
        names = tuple(layer.name for layer in health.layers)
        if names != tuple(getattr(c, "layer_name", "") for c in self.curves["grad"]):
            self._make_curves(names)
        self.latest, self.latest_live = health, live
        self._draw_history()
        self._draw_units(health)
        measured = ("at training step {s} (recorded for every run, every {k} steps)" if live
                    else "at step {s}, at rest: gradient of the loss on the first 256 training examples, no step taken")
        every = getattr(self.session.recorder, "every", 1)
        self.where.setText("Latest measurement " + measured.format(s=health.step, k=every) + ".")
        self.grad_note.setText(gradient_advice(health.layers))
        self.ratio_note.setText(RATIO_HINT + ("\n" + ratio_advice(health.layers) if live else ""))

    def _make_curves(self, names: tuple[str, ...]) -> None:
        for which, plot in (("grad", self.grad_plot), ("ratio", self.ratio_plot)):
            for curve in self.curves[which]:
                plot.removeItem(curve)
            self.curves[which] = []
            for i, name in enumerate(names):
                colour = LAYER_COLORS[i % len(LAYER_COLORS)]
                curve = plot.plot([], [], pen=pg.mkPen(colour, width=1.5), name=name if which == "grad" else None,
                                  connect="finite")
                curve.setDownsampling(auto=True, method="peak")
                curve.setClipToView(True)
                curve.layer_name = name
                self.curves[which].append(curve)

    def _draw_history(self) -> None:
        for which in ("grad", "ratio"):
            for i, curve in enumerate(self.curves[which]):
                x, y = self.history.series(which, i)
                if len(x) == 1 and which == "grad":  # a single point is invisible as a line
                    curve.setSymbol("o")
                    curve.setSymbolSize(5)
                    curve.setSymbolBrush(curve.opts["pen"].color())
                elif curve.opts.get("symbol") is not None:
                    curve.setSymbol(None)
                curve.setData(x, y, connect="finite")

    def _draw_units(self, health) -> None:
        units = list(health.units)
        shares = np.array([unit_share(u) for u in units], dtype=np.float64)
        heights = np.nan_to_num(shares, nan=0.0) * 100
        brushes = [pg.mkBrush(severity(s)[0]) for s in shares]
        self.bars.setOpts(x=np.arange(len(units)), height=heights, width=0.6, brushes=brushes)
        self.units_plot.getAxis("bottom").setTicks(
            [[(i, f"{u.name} ({SHARE_LABEL.get(u.kind, u.kind)})") for i, u in enumerate(units)]])
        if units:
            self.units_plot.setXRange(-0.6, len(units) - 0.4, padding=0)
        self.unit_shares = {u.name: float(s) for u, s in zip(units, shares)}
        if not units:
            self.units_note.setText("This network has no ReLU, sigmoid or tanh layers to check.")
            return
        advice = unit_advice(units)
        where = "on the first 32 training examples" if self.latest_live else "on the first 256 training examples"
        self.units_note.setText("\n".join(advice) if advice else
                                f"No activation layer has many dead or saturated units ({where}): fine. "
                                "Bars turn orange above 10 % and red above 40 %.")
