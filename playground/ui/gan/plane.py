"""The GAN plane (GAN Lab's picture): the discriminator's heat map under real and generated points,
the generator's gradient arrows and the noise-to-sample mesh.

Owns ``GanPlane`` (a pyqtgraph layout with one plot and a colour bar) and ``heat_rgb`` (the
discriminator's output σ(D(x)) in [0, 1] coloured from purple, "looks generated", through white to
green, "looks real"). Real points are green dots, generated points purple dots; each arrow starts
at a generated point and points along minus d L_G / d sample (where the generator's next step
pushes it), lengths scaled so the longest is a tenth of the plane; the mesh is the image of a grid
of noise values z (k = 2: a warped grid; k = 1: the line z -> G(z)). With drawing on, a click
emits ``point_drawn(x, y)`` (the view turns clicks into a drawn target). No training here.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal

from playground.ui.panels.boundary_plane import plane_plot

REAL, FAKE, ARROW, MESH = "#2CA02C", "#9467BD", "#C2185B", (90, 90, 90, 110)
#: σ(D) 0 -> purple (generated), 0.5 -> white, 1 -> green (real)
HEAT_MAP = pg.ColorMap([0.0, 0.5, 1.0], [(190, 160, 225), (255, 255, 255), (165, 220, 165)])


def heat_rgb(heat: np.ndarray) -> np.ndarray:
    """(H, W) values in [0, 1] -> (H, W, 3) uint8 colours of ``HEAT_MAP``."""
    table = HEAT_MAP.getLookupTable(0.0, 1.0, 256, alpha=False)  # (256, 3)
    idx = np.clip(np.rint(np.nan_to_num(heat, nan=0.5) * 255), 0, 255).astype(np.int64)
    return table[idx].astype(np.uint8)


def mesh_lines(mesh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(R, C, 2) grid of points -> x, y with NaN gaps: every row and (for a grid) every column."""
    parts = [mesh[i] for i in range(mesh.shape[0])]
    if mesh.shape[0] > 1:
        parts += [mesh[:, j] for j in range(mesh.shape[1])]
    gap = np.full((1, 2), np.nan)
    joined = np.concatenate([np.concatenate([p, gap]) for p in parts])
    return joined[:, 0], joined[:, 1]


class GanPlane(pg.GraphicsLayoutWidget):
    point_drawn = Signal(float, float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = plane_plot(self)
        self.legend = self.plot.addLegend(offset=(-6, 6), labelTextSize="8pt")  # top right, beside the square
        self.image = pg.ImageItem(axisOrder="row-major")  # row i = y i: row 0 at the bottom
        self.plot.addItem(self.image)
        self.mesh = pg.PlotDataItem([], [], pen=pg.mkPen(MESH, width=1), connect="finite",
                                    name="noise mesh G(z)")
        self.real = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(REAL), symbol="o", name="real points")
        self.fake = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(FAKE), symbol="o", name="generated points")
        self.arrows = pg.PlotDataItem([], [], pen=pg.mkPen(ARROW, width=1.2), connect="pairs",
                                      name="push on each G(z)")
        self.drawn = pg.ScatterPlotItem(size=11, symbol="+", pen=pg.mkPen("#1F2328", width=2), brush=None)
        for item in (self.mesh, self.real, self.fake, self.arrows, self.drawn):
            self.plot.addItem(item)
        self.colour_bar = pg.ColorBarItem(values=(0, 1), colorMap=HEAT_MAP, interactive=False, width=14,
                                          colorMapMenu=False)
        self.colour_bar.axis.setLabel("D(x): 0 generated … 1 real")
        self.addItem(self.colour_bar, row=0, col=1)
        self.rect: QRectF | None = None
        self.drawing = False
        self.shown_rgb: np.ndarray | None = None
        self.scene().sigMouseClicked.connect(self._clicked)

    def show_frame(self, frame: dict, show_mesh: bool = True, show_arrows: bool = True) -> None:
        (x0, x1), (y0, y1) = frame["bounds"]
        heat = frame["heat"]
        self.shown_rgb = heat_rgb(heat)
        self.image.setImage(self.shown_rgb, autoLevels=False, levels=(0, 255))
        h, w = heat.shape
        dx, dy = (x1 - x0) / (w - 1), (y1 - y0) / (h - 1)
        rect = QRectF(x0 - dx / 2, y0 - dy / 2, dx * w, dy * h)
        if rect != self.rect:
            self.rect = rect
            self.image.setRect(rect)
            self.plot.setRange(rect, padding=0)
        self.real.setData(pos=frame["real"])
        self.fake.setData(pos=frame["fake"])
        start, grad = frame["arrow_from"], frame["arrow_grad"]
        if show_arrows and len(start):
            longest = float(np.linalg.norm(grad, axis=1).max()) or 1.0
            end = start - grad * (0.1 * (x1 - x0) / longest)
            seg = np.empty((2 * len(start), 2))
            seg[0::2], seg[1::2] = start, end
            self.arrows.setData(seg[:, 0], seg[:, 1])
        else:
            self.arrows.setData([], [])
        if show_mesh:
            self.mesh.setData(*mesh_lines(frame["mesh"]))
        else:
            self.mesh.setData([], [])

    def show_drawn(self, points: np.ndarray | None) -> None:
        self.drawn.setData(pos=np.zeros((0, 2)) if points is None or not len(points) else points)

    def _clicked(self, event) -> None:
        if not self.drawing:
            return
        pos = self.plot.vb.mapSceneToView(event.scenePos())
        if self.rect is not None and self.rect.contains(pos):
            self.point_drawn.emit(float(pos.x()), float(pos.y()))
