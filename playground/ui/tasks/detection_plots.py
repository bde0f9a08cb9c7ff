"""The detection view's two small drawings: precision-recall curves with AP, and the anchor sizes.

Owns ``PrPlot`` (pyqtgraph: one precision-recall curve per class, its AP at IoU 0.5 in the legend,
mAP in a line above; curves made once and moved with ``setData`` when the thresholds change) and
``AnchorView`` (the anchors' widths and heights drawn as boxes centred on one blank grid cell, at
the scale of the image, with how well they fit the true boxes). The numbers come from
``train.detection.metrics`` and ``train.detection.anchors``; nothing is computed here.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from playground.train.detection.metrics import DetectionScores
from playground.ui.common import style
from playground.ui.tasks.thumbnails import MASK_COLORS


def class_colour(c: int) -> QColor:
    """Class ``c``'s colour (the segmentation views' per-class colours, background skipped)."""
    r, g, b = MASK_COLORS[1 + c % (len(MASK_COLORS) - 1)]
    return QColor(int(r), int(g), int(b))


class PrPlot(QWidget):
    """Precision against recall per class at the view's current thresholds, and mAP@0.5."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setAccessibleName("mean average precision")
        layout.addWidget(self.headline)
        self.plot = pg.PlotWidget()
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("left", "precision")
        self.plot.setLabel("bottom", "recall")
        self.plot.setXRange(0, 1, padding=0.02)
        self.plot.setYRange(0, 1.02, padding=0.02)
        self.plot.setMouseEnabled(False, False)
        self.plot.setMinimumHeight(180)
        self.legend = self.plot.addLegend(offset=(-8, -8), labelTextSize="8pt")
        layout.addWidget(self.plot, 1)
        self.curves: list[pg.PlotDataItem] = []
        self.names: tuple = ()
        self.restyle()

    def restyle(self) -> None:
        """Take the current theme's colours (also when the theme changes while the page is open)."""
        self.plot.setBackground(style.color("BASE"))
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setPen(style.color("MUTED"))
            axis.setTextPen(style.color("TEXT"))
        self.legend.setBrush(pg.mkBrush(style.color("BASE")))
        self.legend.setPen(pg.mkPen(style.color("BORDER")))
        self.legend.setLabelTextColor(style.color("TEXT"))

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.restyle()
        super().changeEvent(event)

    def set_scores(self, scores: DetectionScores, names: tuple, conf: float, iou: float, note: str = "") -> None:
        labels = [f"{names[c] if c < len(names) else c}: AP {scores.ap[c]:.2f}" if np.isfinite(scores.ap[c])
                  else f"{names[c] if c < len(names) else c}: no true boxes" for c in range(len(scores.curves))]
        if tuple(names) != self.names or len(self.curves) != len(scores.curves):
            self.plot.clear()
            self.legend.clear()
            self.curves = [self.plot.plot([], [], pen=pg.mkPen(class_colour(c), width=2), name=labels[c])
                           for c in range(len(scores.curves))]
            self.names = tuple(names)
        for c, (curve, pr) in enumerate(zip(self.curves, scores.curves)):
            # start at recall 0 with the first precision, so a single detection still shows as a step
            r = np.concatenate([[0.0], pr.recall]) if len(pr.recall) else np.zeros(0)
            p = np.concatenate([pr.precision[:1], pr.precision]) if len(pr.precision) else np.zeros(0)
            curve.setData(r, p)
        for (_sample, label), text in zip(self.legend.items, labels):
            label.setText(text)
        m = "n/a (no true boxes)" if not np.isfinite(scores.map) else f"{scores.map:.3f}"
        self.headline.setText(f"<b>mAP@0.5 = {m}</b> over {int(np.isfinite(scores.ap).sum())} classes, for the "
                              f"boxes kept at confidence &ge; {conf:.2f} and NMS IoU {iou:.2f}. A box counts as "
                              "found when it overlaps a true box of its class by IoU &ge; 0.5." + note)


class AnchorView(QWidget):
    """The anchors drawn on one blank cell of the grid, at the image's scale."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.anchors = np.zeros((0, 2))
        self.grid = (1, 1)
        self.setMinimumSize(140, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("anchor box sizes drawn on one grid cell")

    def sizeHint(self) -> QSize:
        return QSize(200, 200)

    def set_anchors(self, anchors: np.ndarray, grid: tuple[int, int]) -> None:
        self.anchors, self.grid = np.asarray(anchors, dtype=np.float64).reshape(-1, 2), tuple(grid)
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = max(10.0, min(self.width(), self.height()) - 4.0)
        area = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        painter.fillRect(area, style.color("BASE"))
        sh, sw = self.grid
        # the drawing spans this much of the image, so the largest anchor and the cell both fit
        span = 1.15 * max([1.0 / sh, 1.0 / sw, *self.anchors.ravel()])
        scale = side / span
        centre = area.center()
        cell = QRectF(centre.x() - scale / sw / 2, centre.y() - scale / sh / 2, scale / sw, scale / sh)
        painter.setPen(QPen(style.color("MUTED"), 1, Qt.PenStyle.DashLine))
        painter.drawRect(cell)
        painter.setPen(style.color("MUTED"))
        painter.drawText(cell.adjusted(3, 2, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, "cell")
        for k, (w, h) in enumerate(self.anchors):
            colour = class_colour(k + 4)
            rect = QRectF(centre.x() - w * scale / 2, centre.y() - h * scale / 2, w * scale, h * scale)
            painter.setPen(QPen(colour, 2))
            painter.drawRect(rect)
            painter.drawText(rect.bottomRight() + QPointF(-12, -3), str(k + 1))
        painter.setPen(QPen(style.color("BORDER"), 1))
        painter.drawRect(area)
