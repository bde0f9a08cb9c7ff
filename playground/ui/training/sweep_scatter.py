"""The sweep's scatter: one result metric against one varied setting, a dot per configuration.

Owns ``SweepScatter`` (a pyqtgraph plot with two choosers: which setting on x, which metric on
y). A log-scale setting (the learning rate) gets a log x axis; a list setting (optimizer, init)
is spread over evenly spaced positions named on the axis. The best row is drawn larger in red.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

METRICS = {"val_loss": ("validation loss", True), "val_accuracy": ("validation accuracy", False),
           "train_loss": ("training loss", True), "train_accuracy": ("training accuracy", False)}


class SweepScatter(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.params: list = []
        self.rows: list = []
        self.setting = QComboBox()
        self.metric = QComboBox()
        for key, (title, _) in METRICS.items():
            self.metric.addItem(title, key)
        top = QHBoxLayout()
        for label, box in (("x:", self.setting), ("y:", self.metric)):
            top.addWidget(QLabel(label))
            top.addWidget(box, 1)
            box.currentIndexChanged.connect(self.redraw)
        self.plot = pg.PlotWidget()
        self.plot.setBackground("w")
        self.plot.showGrid(x=True, y=True, alpha=0.3)
        for side in ("left", "bottom"):  # "validation loss (x0.001)" over ticks 0..600 read as nonsense
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.dots = pg.ScatterPlotItem(size=8, brush=pg.mkBrush(31, 119, 180, 170), pen=None)
        self.best = pg.ScatterPlotItem(size=14, brush=pg.mkBrush(214, 39, 40, 220), pen=None)
        self.plot.addItem(self.dots)
        self.plot.addItem(self.best)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)

    def set_params(self, params: list) -> None:
        self.params = list(params)
        self.setting.blockSignals(True)
        self.setting.clear()
        for p in self.params:
            self.setting.addItem(p.name, p.name)
        self.setting.blockSignals(False)
        self.rows = []
        self.redraw()

    def set_rows(self, rows: list) -> None:
        self.rows = list(rows)
        self.redraw()

    def points(self) -> tuple[list[float], list[float], list]:
        """(x, y, row) of the rows with a finite metric; x is the setting (a position for a list)."""
        name, metric = self.setting.currentData(), self.metric.currentData()
        param = next((p for p in self.params if p.name == name), None)
        xs, ys, kept = [], [], []
        if param is None:
            return xs, ys, kept
        for row in self.rows:
            value, y = row.settings.get(name), row.metrics.get(metric)
            if value is None or y is None or not math.isfinite(y):
                continue
            if isinstance(value, str):
                x = float(param.values.index(value)) if value in param.values else -1.0
            else:
                x = float(value)
            xs.append(math.log10(x) if param.is_range and param.log and x > 0 else x)
            ys.append(float(y))
            kept.append(row)
        return xs, ys, kept

    def redraw(self) -> None:
        xs, ys, _ = self.points()
        name = self.setting.currentData()
        param = next((p for p in self.params if p.name == name), None)
        axis = self.plot.getAxis("bottom")
        if param is not None and not param.is_range and param.values and isinstance(param.values[0], str):
            axis.setTicks([[(float(i), str(v)) for i, v in enumerate(param.values)]])
        else:
            axis.setTicks(None)
        log = param is not None and param.is_range and param.log
        self.plot.setLabel("bottom", f"log10({name})" if log else (name or ""))
        metric = self.metric.currentData()
        self.plot.setLabel("left", METRICS.get(metric, (metric,))[0])
        self.dots.setData(xs, ys)
        if ys:
            lower = METRICS.get(metric, ("", True))[1]
            i = min(range(len(ys)), key=lambda k: ys[k] if lower else -ys[k])
            self.best.setData([xs[i]], [ys[i]])
        else:
            self.best.setData([], [])
