"""A 2-D loss surface drawn as a heat map with contour lines, with paths over it and click-to-choose.

Owns ``SurfacePlot`` (a pyqtgraph plot: the loss on a grid as a heat map of log(loss − min), a
few contour lines, the minima as stars, any number of coloured paths with a dot at their head and
an optional dashed arrow each (momentum's next move), and ``clicked(x, y)`` for a left click inside the surface) and
``shown_levels`` (the transform and contour levels, a plain function the tests can call). It draws
what it is given and computes no loss itself.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal

CONTOURS = 10


def shown_levels(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(log10(loss − min + ε) on the grid, contour levels evenly spaced in that log scale)."""
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    eps = max(1e-9, (high - low) * 1e-4)
    shown = np.log10(np.clip(np.nan_to_num(values, nan=high, posinf=high), low, None) - low + eps)
    return shown, np.linspace(shown.min(), shown.max(), CONTOURS + 2)[1:-1]


class SurfacePlot(pg.GraphicsLayoutWidget):
    clicked = Signal(float, float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self.plot = self.addPlot(row=0, col=0)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        for axis in ("bottom", "left"):
            self.plot.getAxis(axis).setPen(pg.mkPen("#5A6270"))
            self.plot.getAxis(axis).setTextPen(pg.mkPen("#1F2328"))
        self.image = pg.ImageItem(axisOrder="row-major")  # row i = ys[i]
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.plot.addItem(self.image)
        self.contours: list[pg.IsocurveItem] = []
        self.minima = pg.ScatterPlotItem(size=16, symbol="star", pen=pg.mkPen("w", width=1), brush=pg.mkBrush("#FACC15"))
        self.plot.addItem(self.minima)
        self.start = pg.ScatterPlotItem(size=11, symbol="o", pen=pg.mkPen("k", width=2), brush=pg.mkBrush("w"))
        self.plot.addItem(self.start)
        self.paths: dict[str, tuple] = {}
        self.rect: QRectF | None = None
        self.scene().sigMouseClicked.connect(self._scene_clicked)

    def set_surface(self, xs: np.ndarray, ys: np.ndarray, values: np.ndarray, labels=("x", "y"), minima=()) -> None:
        shown, levels = shown_levels(values)
        self.image.setImage(shown, autoLevels=True)
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        self.rect = QRectF(xs[0] - dx / 2, ys[0] - dy / 2, dx * len(xs), dy * len(ys))
        self.image.setRect(self.rect)
        self.plot.setRange(self.rect, padding=0)
        for item in self.contours:
            if item.scene() is not None:
                item.scene().removeItem(item)
        self.contours = []
        for level in levels:  # children of the image: they share its grid-to-plane mapping
            iso = pg.IsocurveItem(data=shown.T, level=float(level), pen=pg.mkPen(255, 255, 255, 110, width=1))
            iso.setParentItem(self.image)
            self.contours.append(iso)
        self.plot.setLabel("bottom", labels[0])
        self.plot.setLabel("left", labels[1])
        self.minima.setData(pos=np.asarray(minima, float).reshape(-1, 2))

    def set_start(self, xy) -> None:
        self.start.setData(pos=np.asarray(xy, float).reshape(1, 2))

    def set_path(self, key: str, colour: str, points: np.ndarray, arrow: np.ndarray | None = None) -> None:
        """Path ``key`` (created on first use) through ``points`` (n, 2), a dot at its head and, when
        given, an arrow from the head by ``arrow`` (2,)."""
        if key not in self.paths:
            line = self.plot.plot(pen=pg.mkPen(colour, width=2))
            head = pg.ScatterPlotItem(size=9, pen=pg.mkPen("k", width=1), brush=pg.mkBrush(colour))
            pointer = self.plot.plot(pen=pg.mkPen(colour, width=3, style=pg.QtCore.Qt.PenStyle.DashLine))
            self.plot.addItem(head)
            self.paths[key] = (line, head, pointer)
        line, head, pointer = self.paths[key]
        points = np.asarray(points, float).reshape(-1, 2)
        line.setData(points[:, 0], points[:, 1])
        head.setData(pos=points[-1:])
        if arrow is None or not len(points):
            pointer.setData([], [])
        else:
            end = points[-1] + arrow
            pointer.setData([points[-1, 0], end[0]], [points[-1, 1], end[1]])

    def clear_paths(self) -> None:
        for line, head, pointer in self.paths.values():
            for item in (line, head, pointer):
                self.plot.removeItem(item)
        self.paths = {}

    def view_to_widget(self, x: float, y: float):
        """Where a plane point lies in this widget (tests click there)."""
        return self.mapFromScene(self.plot.vb.mapViewToScene(pg.Point(x, y)))

    def _scene_clicked(self, event) -> None:
        if event.button() != pg.QtCore.Qt.MouseButton.LeftButton or self.rect is None:
            return
        p = self.plot.vb.mapSceneToView(event.scenePos())
        if self.rect.contains(p):
            self.clicked.emit(float(p.x()), float(p.y()))
