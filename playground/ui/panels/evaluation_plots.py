"""The evaluation panel's plots: ROC curves, predicted-vs-true for regression, and saliency.

Owns ``RocPlot`` (one curve per class, one vs rest, its AUC in the legend, and the dashed chance
diagonal), ``RegressionPlot`` (MSE / MAE / R^2 and a scatter of predicted against true values with
the y = x line) and ``SaliencyBox`` (the chosen example beside its |gradient| map and as a heat
overlay for images, or a bar per input feature otherwise, with the class whose score is explained
picked in a combo). They draw numpy data computed in ``playground/train/evaluation_view.py``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from playground.ui.plots.image_grid import ImageGrid

COLORS = ("#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F",
          "#BCBD22", "#17BECF")


def _plot(left: str, bottom: str) -> pg.PlotWidget:
    plot = pg.PlotWidget()
    plot.setBackground("w")
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setLabel("left", left)
    plot.setLabel("bottom", bottom)
    return plot


class RocPlot(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.plot = _plot("true-positive rate (recall)", "false-positive rate")
        self.plot.setXRange(0, 1, padding=0.02)
        self.plot.setYRange(0, 1, padding=0.02)
        self.plot.setMouseEnabled(False, False)
        self.legend = self.plot.addLegend(offset=(-10, -10), labelTextSize="8pt", labelTextColor="#1F2328",
                                          brush=pg.mkBrush(255, 255, 255, 220), pen=pg.mkPen("#C9CDD4"))
        layout.addWidget(self.plot)
        self.curves: list[pg.PlotDataItem] = []
        self.labels: list[str] = []
        self._key: tuple | None = None  # the class names the curves were made for

    def set_curves(self, roc, auc, names) -> None:
        labels = [f"{names[i]} (AUC {auc[i]:.3f})" if np.isfinite(auc[i]) else f"{names[i]} (no examples)"
                  for i in range(len(roc))]
        key = tuple(str(names[i]) for i in range(len(roc)))
        if key == self._key:  # the same classes as last time (every epoch): move the curves, keep the items
            for curve, (fpr, tpr) in zip(self.curves, roc):
                curve.setData(np.nan_to_num(fpr), np.nan_to_num(tpr))
            for (_sample, label), text in zip(self.legend.items[1:], labels):
                label.setText(text)
            self.labels = labels
            return
        self.plot.clear()
        self.legend.clear()
        self.curves, self.labels, self._key = [], labels, key
        chance = self.plot.plot([0, 1], [0, 1], pen=pg.mkPen("#9AA0A6", width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.legend.addItem(chance, "chance (AUC 0.5)")
        for i, (fpr, tpr) in enumerate(roc):
            curve = self.plot.plot(np.nan_to_num(fpr), np.nan_to_num(tpr), pen=pg.mkPen(COLORS[i % len(COLORS)], width=2),
                                   name=labels[i])
            self.curves.append(curve)


#: at most this many (true, predicted) points in the scatter (a reconstruction has one per pixel)
MAX_POINTS = 20_000


class RegressionPlot(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.numbers = QLabel("")
        self.numbers.setWordWrap(True)
        layout.addWidget(self.numbers)
        self.plot = _plot("predicted", "true")
        self.scatter = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(31, 119, 180, 140))
        self.ideal = pg.PlotDataItem(pen=pg.mkPen("#9AA0A6", width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.plot.addItem(self.ideal)
        self.plot.addItem(self.scatter)
        layout.addWidget(self.plot, 1)

    def set_data(self, ev, true: np.ndarray) -> None:
        pred = np.asarray(ev.predictions, dtype=np.float64).ravel()
        true = np.asarray(true, dtype=np.float64).ravel()
        shown = ""
        if true.size > MAX_POINTS:  # every pixel of every reconstruction: draw an even sample of them
            pick = np.linspace(0, true.size - 1, MAX_POINTS).astype(np.int64)
            shown = f"; {MAX_POINTS:,} of {true.size:,} values drawn"
            true, pred = true[pick], pred[pick]
        self.numbers.setText(f"MSE {ev.mse:.4g}    MAE {ev.mae:.4g}    R² {ev.r2:.3f}   "
                             f"({ev.count} examples; points on the dashed line are predicted exactly{shown})")
        self.scatter.setData(true, pred)
        if true.size:
            lo, hi = float(min(true.min(), pred.min())), float(max(true.max(), pred.max()))
            self.ideal.setData([lo, hi], [lo, hi])


class SaliencyBox(QWidget):
    """The chosen example and how strongly each input value moves one class's score."""

    target_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Explain the score of"))
        self.target = QComboBox()
        self.target.setToolTip("The class whose score's gradient is shown (default: the class the network predicts)")
        self.target.addItem("the predicted class", None)
        self.target.currentIndexChanged.connect(lambda _i: self.target_changed.emit())
        row.addWidget(self.target, 1)
        layout.addLayout(row)
        self.caption = QLabel("Click an example in the gallery (or pick one in another panel).")
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.stack = QStackedWidget()
        self.grid = ImageGrid(min_tile=60, max_tile=220)
        self.bars = _plot("|d score / d input|", "input feature")
        self.bar_item: pg.BarGraphItem | None = None
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.bars)
        layout.addWidget(self.stack, 1)
        self.last = None

    def set_classes(self, names) -> None:
        names = tuple(names)
        if tuple(self.target.itemText(i) for i in range(1, self.target.count())) == names:
            return
        self.target.blockSignals(True)
        keep = self.target.currentData()
        self.target.clear()
        self.target.addItem("the predicted class", None)
        for i, name in enumerate(names):
            self.target.addItem(name, i)
        self.target.setCurrentIndex(keep + 1 if keep is not None and keep < len(names) else 0)
        self.target.blockSignals(False)
        self.target.setEnabled(bool(names))

    def chosen_target(self) -> int | None:
        return self.target.currentData()

    def show_message(self, text: str) -> None:
        self.caption.setText(text)
        self.grid.clear(text)
        self.last = None

    def set_saliency(self, sal, names, image: bool) -> None:
        self.last = sal
        name = (lambda i: names[i] if i is not None and 0 <= i < len(names) else str(i)) if names else str
        parts = [sal.describe or "this input"]
        if names:
            if sal.label is not None:
                parts.append(f"true {name(sal.label)}")
            parts.append(f"predicted {name(sal.predicted)} (p={sal.probs[sal.predicted]:.2f})")
            what = f"the '{name(sal.target)}' score"
        else:
            parts.append(f"output {', '.join(f'{v:.3g}' for v in np.ravel(sal.probs)[:4])}")
            what = "the output"
        self.caption.setText(", ".join(parts) + f". Brighter = changing that input value moves {what} more.")
        if image:
            self.stack.setCurrentWidget(self.grid)
            x = np.asarray(sal.x, dtype=np.float64)  # (C, H, W) stored units
            shown = np.clip(np.repeat(x, 3, axis=0) if len(x) == 1 else x[:3], 0, 1).transpose(1, 2, 0)  # (H, W, 3)
            self.grid.set_tiles([shown, shown, sal.amap], ["input", "saliency over input", "|gradient|"],
                                scale="shared", cmap="inferno", legend_label="|grad|")
            self.grid.set_heat(1, sal.amap)
        else:
            self.stack.setCurrentWidget(self.bars)
            values = np.abs(np.ravel(sal.grad))
            if self.bar_item is not None:
                self.bars.removeItem(self.bar_item)
            self.bar_item = pg.BarGraphItem(x=np.arange(1, values.size + 1), height=values, width=0.7,
                                            brush="#1F77B4")
            self.bars.addItem(self.bar_item)
            self.bars.getAxis("bottom").setTicks([[(i + 1, f"x{i + 1}") for i in range(values.size)]]
                                                 if values.size <= 30 else None)
