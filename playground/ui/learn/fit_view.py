"""The Function Fitting view (universality): a one-input network's curve over its data, live.

Owns ``FitView``: the training points (grey) and test points (rings), the network's output over the
data's x range (blue, thick), and for a one-hidden-layer network each hidden unit's contribution
w_i · f(a_i x + b_i) drawn faintly, so that a student sees the steps or bumps that add up (with the
output bias) to the curve. It asks the training thread (``train/learn/function_fit.fit_curve``)
while training runs and at rest. A network whose input is not one number gets a message saying
which datasets fit (two inputs: the Decision Boundary panel shows the surface).
"""

from __future__ import annotations

from typing import Callable

import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel

from playground.ui.learn.learn_base import BLUE, make_plot
from playground.ui.panels.probe_panel import PanelContext, ProbePanel

UNIT_COLOURS = ("#E45756", "#54A24B", "#F58518", "#B279A2", "#4C78A8", "#9D755D", "#EECA3B", "#72B7B2")


class FitView(ProbePanel):
    explanation = ("Universality: one hidden layer with enough units can fit any curve. Each hidden unit adds one "
                   "w·f(a·x + b): a smooth step (tanh, sigmoid) or a bend (ReLU); the faint curves are these "
                   "contributions and, with the output bias, they sum to the network's curve (blue). "
                   "Two inputs: see the Decision Boundary panel.")
    interval_ms = 300
    follows_input = False

    def __init__(self, context: PanelContext, parent=None):
        super().__init__(context, parent)
        row = QHBoxLayout()
        self.show_units = QCheckBox("Hidden units' contributions")
        self.show_units.setChecked(True)
        self.show_units.setToolTip("For one hidden layer: each unit's w_i · f(a_i x + b_i), drawn faintly")
        row.addWidget(self.show_units)
        self.show_test = QCheckBox("Test points")
        self.show_test.setChecked(True)
        row.addWidget(self.show_test)
        row.addStretch(1)
        self.status = QLabel("")
        row.addWidget(self.status)
        self.layout_.addLayout(row)
        self.plot = make_plot("", "x", "y")
        self.train_item = self.plot.plot([], [], pen=None, symbol="o", symbolSize=5, symbolPen=None,
                                         symbolBrush=(110, 110, 110, 150), name="training data")
        self.test_item = self.plot.plot([], [], pen=None, symbol="o", symbolSize=6, symbolBrush=None,
                                        symbolPen=pg.mkPen((60, 60, 60, 170)), name="test data")
        self.curve_item = self.plot.plot([], [], pen=pg.mkPen(BLUE, width=3), name="network")
        self.curve_item.setZValue(10)
        self.unit_items: list[pg.PlotDataItem] = []
        self.layout_.addWidget(self.plot, 1)
        self.finish_layout()
        self.show_units.toggled.connect(self._redraw)
        self.show_test.toggled.connect(self._redraw)

    def job(self) -> Callable | None:
        def run(trainer):
            from playground.train.learn.function_fit import fit_curve

            return fit_curve(trainer)

        return run

    def show_result(self, result: dict) -> None:
        self._redraw()

    def _redraw(self, *args) -> None:
        r = self.last_result
        if not r:
            return
        tx, ty = r["points"]["train"]
        self.train_item.setData(tx, ty)
        sx, sy = r["points"]["test"] if self.show_test.isChecked() else ([], [])
        self.test_item.setData(sx, sy)
        self.curve_item.setData(r["xs"], r["curve"])
        units = r["units"] if self.show_units.isChecked() and r["units"] is not None else []
        while len(self.unit_items) > len(units):
            self.plot.removeItem(self.unit_items.pop())
        while len(self.unit_items) < len(units):
            colour = pg.mkColor(UNIT_COLOURS[len(self.unit_items) % len(UNIT_COLOURS)])
            colour.setAlpha(140)
            item = self.plot.plot([], [], pen=pg.mkPen(colour, width=1.3))
            self.unit_items.append(item)
        for item, values in zip(self.unit_items, units):
            item.setData(r["xs"], values)
        if r["units"] is None:
            note = "more than one hidden layer: only the network's curve is drawn"
        else:
            note = f"{len(r['units'])} {r['activation']} units + output bias {r['bias']:.2f}"
        self.plot.getPlotItem().setTitle(f"{r['dataset']}: the network's curve, step {r['step']}", color="#1F2328",
                                         size="10pt")
        self.status.setText(note)
