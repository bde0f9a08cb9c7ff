"""The "Histograms" page of the Filters & Weights panel: one layer's value distribution over time.

Owns ``HistogramPage``: a weights/activations switch, a layer combo, a heat map (x: snapshots
labelled with their training step, y: value, colour: how many values fall in the bin, log scale)
and beside it, sharing the value axis, the latest snapshot's histogram as a step curve. It draws a
``filter_view.HistoryView``; recording happens in the training thread (``filter_view``).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget
from playground.ui.common import style

KIND_LABELS = {"weights": "Weights", "activations": "Activations (16 validation examples)"}


class StepAxis(pg.AxisItem):
    """Bottom axis of the heat map: snapshot column -> the training step it was taken at."""

    def __init__(self):
        super().__init__("bottom")
        self.steps = np.zeros(0, dtype=np.int64)

    def tickStrings(self, values, scale, spacing):
        out = []
        for v in values:
            i = int(np.floor(v))
            out.append(str(int(self.steps[i])) if 0 <= i < len(self.steps) and abs(v - i - 0.5) < 0.51 else "")
        return out


class HistogramPage(QWidget):
    changed = Signal()  # the kind or layer was switched: ask again

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.help = QLabel("How values spread over training: x is the training step, y the value, colour how "
                           "many weights (or activations) fall there (log scale); right: the latest histogram.")
        self.help.setWordWrap(True)
        layout.addWidget(self.help)
        row = QHBoxLayout()
        self.kind = QComboBox()
        for key, label in KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.layer = QComboBox()
        self.layer.setMinimumContentsLength(10)
        self.info = QLabel("")
        style.mute(self.info)
        row.addWidget(QLabel("Show"))
        row.addWidget(self.kind)
        row.addWidget(QLabel("of layer"))
        row.addWidget(self.layer)
        row.addWidget(self.info, 1)
        layout.addLayout(row)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setBackground("w")
        self.axis = StepAxis()
        self.heat_plot = self.plots.addPlot(row=0, col=0, axisItems={"bottom": self.axis})
        self.heat_plot.setLabel("bottom", "training step")
        self.heat_plot.setLabel("left", "value")
        self.heat_plot.setMouseEnabled(x=False, y=True)
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.heat_plot.addItem(self.image)
        self.latest_plot = self.plots.addPlot(row=0, col=1)
        self.latest_plot.setLabel("bottom", "count (latest)")
        self.latest_plot.setYLink(self.heat_plot)
        self.latest_plot.hideAxis("left")
        self.plots.ci.layout.setColumnStretchFactor(0, 3)
        self.plots.ci.layout.setColumnStretchFactor(1, 1)
        self.curve = self.latest_plot.plot(pen=pg.mkPen("#1E6FE0", width=2))
        layout.addWidget(self.plots, 1)
        self.view = None  # the HistoryView shown

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.layer.currentIndexChanged.connect(lambda *_: self.changed.emit())

    # ---- controls --------------------------------------------------------------------------------

    def chosen(self) -> tuple[str, str]:
        return self.kind.currentData(), self.layer.currentText()

    def _kind_changed(self, *_):
        self.layer.blockSignals(True)
        self.layer.clear()  # the next answer fills in this kind's layers
        self.layer.blockSignals(False)
        self.changed.emit()

    def set_layers(self, names: list[str]) -> None:
        if [self.layer.itemText(i) for i in range(self.layer.count())] == names:
            return
        current = self.layer.currentText()
        self.layer.blockSignals(True)
        self.layer.clear()
        self.layer.addItems(names)
        if current in names:
            self.layer.setCurrentText(current)
        self.layer.blockSignals(False)

    # ---- drawing ---------------------------------------------------------------------------------

    def show_view(self, view, snapshots: int) -> None:
        """Draw a ``filter_view.HistoryView`` (None: nothing recorded for this layer yet)."""
        self.view = view
        if view is None or not len(view.steps):
            self.image.clear()
            self.curve.setData([], [])
            self.info.setText("nothing recorded yet")
            return
        counts, edges = view.counts, view.edges  # (T, bins), (bins + 1,)
        self.axis.steps = view.steps
        self.image.setImage(np.log1p(counts.astype(np.float64)), autoLevels=True)  # x: snapshot, y: bin
        self.image.setRect(QRectF(0, float(edges[0]), counts.shape[0], float(edges[-1] - edges[0])))
        latest = counts[-1]
        xs = np.concatenate([[0], np.repeat(latest, 2), [0]]).astype(float)  # a vertical step outline
        ys = np.repeat(edges, 2)
        self.curve.setData(xs, ys)
        self.heat_plot.setXRange(0, counts.shape[0], padding=0)
        self.heat_plot.setYRange(float(edges[0]), float(edges[-1]), padding=0.02)
        total = int(latest.sum())
        self.info.setText(f"{len(view.steps)} snapshots (last {snapshots} kept), step {view.steps[-1]}; "
                          f"{total:,} values in {len(edges) - 1} bins of width {edges[1] - edges[0]:.3g}")
