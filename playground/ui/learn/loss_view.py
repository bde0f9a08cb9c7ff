"""The Losses view: every loss of the registry against the prediction, robust losses fitted side by
side, and the learning slowdown of a saturated sigmoid under MSE.

Owns ``LossView``: (1) the chosen loss (the whole registry) and its gradient dL/d(prediction) for a
chosen target, with the loss's own setting (delta, margin, gamma, label smoothing); (2) MSE, MAE
and Huber each fitting a line to the 1-D "line" dataset with a chosen share of outliers; (3) the
gradient reaching a sigmoid output's logit under MSE and under cross-entropy, against the output;
(4) the race: that neuron, started saturated and wrong, trained under each cost. The fits and the
race run in a short worker thread (the window never waits); the numbers come from
``train/learn/loss_curves.py``, ``robust_fit.py`` and ``slowdown.py``.
"""

from __future__ import annotations

import threading

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QGridLayout, QHBoxLayout, QLabel

from playground.train.learn import loss_curves as lc
from playground.train.learn import robust_fit, slowdown
from playground.train.losses import get_loss
from playground.ui.learn.learn_base import BLUE, GREEN, GREY, ORANGE, PURPLE, RED, LearnView, make_plot

FIT_COLOURS = {"mse": RED, "mae": GREEN, "huber": PURPLE}
COST_COLOURS = {"mse": RED, "cross_entropy": BLUE}


class LossView(LearnView):
    explanation = ("A loss scores one prediction against its target; its gradient is what backprop starts from. "
                   "MSE (L2) chases outliers (it gives the mean), MAE (L1) resists them (the median), Huber is "
                   "between. With a sigmoid output, MSE's gradient carries σ'(z), which vanishes when the unit "
                   "saturates: learning slows down; cross-entropy cancels it.")

    def __init__(self, context, parent=None):
        super().__init__(context, parent)
        row = QHBoxLayout()
        row.addWidget(QLabel("Loss:"))
        self.loss_box = QComboBox()
        for name in lc.loss_names():
            self.loss_box.addItem(get_loss(name).title, name)
        row.addWidget(self.loss_box)
        self.target_label = QLabel("target:")
        row.addWidget(self.target_label)
        self.target = QDoubleSpinBox()
        self.target.setRange(-3.0, 3.0)
        self.target.setSingleStep(0.5)
        self.target.setValue(1.0)
        row.addWidget(self.target)
        self.setting_label = QLabel("")
        row.addWidget(self.setting_label)
        self.setting = QDoubleSpinBox()
        self.setting.setDecimals(2)
        self.setting.setSingleStep(0.1)
        row.addWidget(self.setting)
        row.addSpacing(16)
        row.addWidget(QLabel("Outliers in the line data:"))
        self.outliers = QDoubleSpinBox()
        self.outliers.setRange(0.0, 0.5)
        self.outliers.setSingleStep(0.05)
        self.outliers.setValue(0.15)
        self.outliers.setToolTip("Share of points whose target is pushed far up (the 'line' dataset's outliers option)")
        row.addWidget(self.outliers)
        row.addStretch(1)
        self.layout_.addLayout(row)

        grid = QGridLayout()
        self.curve_plot = make_plot("Loss and its gradient", "prediction")
        self.loss_item = self.curve_plot.plot([], [], pen=pg.mkPen(BLUE, width=2.5), name="loss L")
        self.grad_item = self.curve_plot.plot([], [], pen=pg.mkPen(ORANGE, width=2, style=pg.QtCore.Qt.PenStyle.DashLine),
                                              name="dL/dprediction")
        self.fit_plot = make_plot("MSE vs MAE vs Huber: a line through outliers", "x")
        self.points_item = self.fit_plot.plot([], [], pen=None, symbol="o", symbolSize=4,
                                              symbolBrush=(120, 120, 120, 150), symbolPen=None, name="data")
        self.fit_items = {name: self.fit_plot.plot([], [], pen=pg.mkPen(FIT_COLOURS[name], width=2.5),
                                                   name=get_loss(name).title) for name in robust_fit.ROBUST_LOSSES}
        self.grad_plot = make_plot("Slowdown: |dC/dz| of a sigmoid output, target 0", "output a = σ(z)")
        self.race_plot = make_plot("Race: one neuron from a = 0.98 to target 0", "step", "output a")
        self.cost_items, self.race_items = {}, {}
        for name in slowdown.COSTS:
            pen = pg.mkPen(COST_COLOURS[name], width=2.5)
            self.cost_items[name] = self.grad_plot.plot([], [], pen=pen, name=slowdown.TITLES[name])
            self.race_items[name] = self.race_plot.plot([], [], pen=pen, name=slowdown.TITLES[name])
        for i, plot in enumerate((self.curve_plot, self.fit_plot, self.grad_plot, self.race_plot)):
            grid.addWidget(plot, i // 2, i % 2)
        self.layout_.addLayout(grid, 1)
        self.fit_label = QLabel("")
        self.fit_label.setStyleSheet(f"color: {GREY};")
        self.layout_.addWidget(self.fit_label)
        self.finish_layout()

        self._worker: threading.Thread | None = None
        self._answer: dict = {}
        self._asked: float | None = None
        self._static_done = False
        self.poll = QTimer(self)
        self.poll.setInterval(50)
        self.poll.timeout.connect(self._collect)
        self.loss_box.currentIndexChanged.connect(self._loss_changed)
        self.target.valueChanged.connect(self.invalidate)
        self.setting.valueChanged.connect(self.invalidate)
        self.outliers.valueChanged.connect(self._start_fits)
        self._loss_changed()
        self._start_fits()

    # ---- the loss curve (GUI thread: a few milliseconds) ---------------------------------------------

    def loss_name(self) -> str:
        return self.loss_box.currentData()

    def _loss_changed(self, *args) -> None:
        spec = get_loss(self.loss_name())
        classification = spec.family == "classification"
        self.target_label.setText("target class:" if classification else "target:")
        self.target.blockSignals(True)
        self.target.setRange(0, 1) if classification else self.target.setRange(-3.0, 3.0)
        self.target.setSingleStep(1 if classification else 0.5)
        self.target.setDecimals(0 if classification else 2)
        self.target.blockSignals(False)
        settings = list(spec.params.items())
        self.setting_label.setVisible(bool(settings))
        self.setting.setVisible(bool(settings))
        if settings:
            key, s = settings[0]
            self.setting.blockSignals(True)
            self.setting_label.setText(f"{key.replace('_', ' ')}:")
            self.setting.setRange(s.min if s.min is not None else 0.0, s.max if s.max is not None else 100.0)
            self.setting.setValue(s.default)
            self.setting.setToolTip(s.doc)
            self.setting.blockSignals(False)
        self.invalidate()

    def refresh(self) -> None:
        spec = get_loss(self.loss_name())
        settings = {next(iter(spec.params)): self.setting.value()} if spec.params else {}
        c = lc.loss_curve(self.loss_name(), self.target.value(), settings)
        self.loss_item.setData(c.z, c.loss)
        self.grad_item.setData(c.z, c.grad)
        target = f"class {int(c.target)}" if c.family == "classification" else f"{c.target:g}"
        self.curve_plot.getPlotItem().setTitle(f"{c.title}, target {target}", color="#1F2328", size="10pt")
        self.curve_plot.getPlotItem().setLabel("bottom", c.axis)

    # ---- fits and the race (worker thread) -----------------------------------------------------------

    def pending(self) -> bool:
        return self._worker is not None

    def _start_fits(self, *args) -> None:
        if self._worker is not None and self._worker.is_alive():
            self._asked = self.outliers.value()  # asked again once this one is done
            return
        share, static = self.outliers.value(), not self._static_done
        self._asked = None
        self.fit_label.setText("Fitting MSE, MAE and Huber lines…")

        def work() -> None:
            try:
                answer = {"fits": robust_fit.robust_fits("line", share)}
                if static:
                    answer["gradient"] = slowdown.gradient_vs_output(0.0)
                    answer["race"] = slowdown.race()
            except Exception as exc:  # noqa: BLE001 - shown in the view's message line
                answer = {"error": exc}
            self._answer = answer

        self._answer = {}
        self._worker = threading.Thread(target=work, name="learn-loss-fits")
        self._worker.start()
        self.poll.start()

    def _collect(self) -> None:
        if self._worker is None or self._worker.is_alive():
            return
        self.poll.stop()
        self._worker.join()
        answer, self._worker = self._answer, None
        if "error" in answer:
            self.show_message(f"The fits could not be made: {answer['error']}")
        else:
            self._show_fits(answer["fits"])
            if "race" in answer:
                self._show_slowdown(answer["gradient"], answer["race"])
                self._static_done = True
        self.results += 1
        if self._asked is not None:
            self._start_fits()

    def _show_fits(self, result: dict) -> None:
        x, y = result["x"], result["y"]
        self.points_item.setData(x, y)
        xs = [float(x.min()), float(x.max())]
        parts = []
        for name, fit in result["fits"].items():
            self.fit_items[name].setData(xs, [fit.w * v + fit.b for v in xs])
            parts.append(f"{get_loss(name).title}: y = {fit.w:.2f}x + {fit.b:.2f}")
        self.fit_label.setText(f"Line data y = 0.8x + 0.2 with {result['outliers']:.0%} outliers. "
                               + ";  ".join(parts) + ".")

    def _show_slowdown(self, gradient: dict, race: dict) -> None:
        for name in slowdown.COSTS:
            self.cost_items[name].setData(gradient["a"], gradient[name])
            self.race_items[name].setData(race["steps"], race[name]["output"])

    def closeEvent(self, event) -> None:
        if self._worker is not None:
            self._worker.join()
        super().closeEvent(event)
