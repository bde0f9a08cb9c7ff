"""The decision-boundary plot: the network's answer over the plane as colour, the data on top.

Owns the colours (TensorFlow Playground's orange-white-blue for two classes, one hue per class
with the probability as its strength for more, a sequential map with a colour bar for regression),
``surface_rgb`` (a ``decision_surface`` result -> the (R, R) values shown and their (R, R, 3)
colours, discretized or not) and ``PlaneView``: a pyqtgraph plot with one ImageItem for the
surface, one ScatterPlotItem for the training points (filled) and one for the test points
(hollow), a cross at the chosen input, axes in data units with the aspect locked. Clicking the
plane emits ``clicked(x, y)`` in data units. Every item is made once and updated with
``setImage`` / ``setData``. Computing the surface is ``playground/train/boundary.py``'s job.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal

ORANGE, PALE, BLUE = np.array([245, 147, 34.0]), np.array([232, 234, 235.0]), np.array([8, 119, 189.0])
#: class colours beyond the first two (tab10-like, readable on white)
OTHERS = [(44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75), (227, 119, 194), (127, 127, 127),
          (188, 189, 34), (23, 190, 207)]
SURFACE_FADE = 0.25  # the surface is this much paler than the points, so points stand out on it
REGRESSION_MAP = "viridis"


def tfp_table(n: int = 256) -> np.ndarray:
    """(n, 3) uint8: orange (low / class 0) -> pale grey-white -> blue (high / class 1)."""
    t = np.linspace(0, 1, n)[:, None]
    low = ORANGE + (PALE - ORANGE) * np.clip(t * 2, 0, 1)
    high = PALE + (BLUE - PALE) * np.clip(t * 2 - 1, 0, 1)
    return np.where(t < 0.5, low, high).round().astype(np.uint8)


TFP_TABLE = tfp_table()
TFP_MAP = pg.ColorMap(np.linspace(0, 1, 256), TFP_TABLE)


def class_colour(c: int) -> np.ndarray:
    """RGB (floats 0..255) of class ``c``: orange, blue, then the others."""
    return (ORANGE, BLUE)[c] if c < 2 else np.array(OTHERS[(c - 2) % len(OTHERS)], dtype=float)


def _fade(rgb: np.ndarray) -> np.ndarray:
    return rgb + (255.0 - rgb) * SURFACE_FADE


def value_span(result: dict) -> tuple[float, float]:
    """Regression colour range: the predictions' and the targets' together, so both read alike."""
    parts = [result["values"].ravel()] + [np.asarray(y, float).ravel() for _, y in result["points"].values()]
    values = np.concatenate(parts)
    values = values[np.isfinite(values)]
    if not values.size:
        return 0.0, 1.0
    lo, hi = float(values.min()), float(values.max())
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


def surface_rgb(result: dict, discretize: bool) -> tuple[np.ndarray, np.ndarray]:
    """(shown (R, R) floats, rgb (R, R, 3) uint8) for a decision_surface result.

    binary: shown is P(class 1), or the class 0/1 when discretized; multiclass: shown is the class,
    its colour as strong as its probability is above chance (full when discretized); regression:
    shown is the prediction, or whether it is above 0 (0/1) when discretized."""
    kind, values = result["kind"], np.asarray(result["values"], float)
    if kind == "binary":
        shown = result["classes"].astype(float) if discretize else values
        rgb = _fade(TFP_TABLE[np.clip(np.nan_to_num(shown, nan=0.5) * 255, 0, 255).astype(int)].astype(float))
    elif kind == "multiclass":
        classes = result["classes"]
        k = max(2, int(result["num_classes"]))
        strength = np.ones_like(values) if discretize else np.clip((values - 1 / k) / (1 - 1 / k), 0, 1)
        colours = np.stack([class_colour(c) for c in range(k)])[classes]  # (R, R, 3)
        rgb = _fade(255.0 + (colours - 255.0) * strength[..., None])
        shown = classes.astype(float)
    else:
        lo, hi = value_span(result)
        shown = (values > 0).astype(float) if discretize else values
        scaled = np.where(shown > 0, 1.0, 0.0) if discretize else (np.nan_to_num(values, nan=lo) - lo) / (hi - lo)
        table = pg.colormap.get(REGRESSION_MAP).getLookupTable(nPts=256)[:, :3].astype(float)
        rgb = _fade(table[np.clip(scaled * 255, 0, 255).astype(int)])
    return shown, np.clip(rgb, 0, 255).round().astype(np.uint8)


def point_colours(result: dict, y: np.ndarray) -> list:
    """One QColor per point: its class colour, or its target through the regression map."""
    if result["kind"] == "regression":
        lo, hi = value_span(result)
        cmap = pg.colormap.get(REGRESSION_MAP)
        return list(cmap.mapToQColor(np.clip((np.asarray(y, float) - lo) / (hi - lo), 0, 1)))
    palette = [pg.mkColor(*class_colour(c).astype(int)) for c in range(max(2, int(result["num_classes"])))]
    return [palette[int(c) % len(palette)] for c in np.asarray(y).astype(int)]


def plane_plot(widget: pg.GraphicsLayoutWidget) -> pg.PlotItem:
    """The x1-x2 plane as every 2-D view draws it: white, square units, fixed (no mouse zoom or
    menu), axes named x1 and x2."""
    widget.setBackground("w")
    plot = widget.addPlot(row=0, col=0)
    plot.setAspectLocked(True)
    plot.setMouseEnabled(False, False)
    plot.hideButtons()
    plot.setMenuEnabled(False)
    plot.setLabel("bottom", "x1")
    plot.setLabel("left", "x2")
    return plot


class PlaneView(pg.GraphicsLayoutWidget):
    clicked = Signal(float, float)  # a point of the plane, data units

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = plane_plot(self)
        for axis in ("bottom", "left"):
            self.plot.getAxis(axis).setPen(pg.mkPen("#5A6270"))
            self.plot.getAxis(axis).setTextPen(pg.mkPen("#1F2328"))
        self.image = pg.ImageItem(axisOrder="row-major")  # row i = ys[i]: row 0 at the bottom
        self.plot.addItem(self.image)
        self.train_points = pg.ScatterPlotItem(size=6, pxMode=True)
        self.test_points = pg.ScatterPlotItem(size=7, pxMode=True)
        self.marker = pg.ScatterPlotItem(size=14, symbol="x", pen=pg.mkPen("#1F2328", width=1),
                                         brush=pg.mkBrush("#1F2328"))
        for item in (self.train_points, self.test_points, self.marker):
            self.plot.addItem(item)
        self.colour_bar = pg.ColorBarItem(values=(0, 1), colorMap=TFP_MAP, interactive=False, width=14,
                                          colorMapMenu=False)
        self.addItem(self.colour_bar, row=0, col=1)
        self.shown: np.ndarray | None = None  # the (R, R) values drawn (after discretizing)
        self.rgb: np.ndarray | None = None
        self.rect: QRectF | None = None
        self._points_key = None
        self.scene().sigMouseClicked.connect(self._scene_clicked)

    # ---- content ---------------------------------------------------------------------------------

    def show_surface(self, result: dict, discretize: bool, show_test: bool) -> None:
        xs, ys = result["xs"], result["ys"]
        self.shown, self.rgb = surface_rgb(result, discretize)
        self.image.setImage(self.rgb, autoLevels=False, levels=(0, 255))
        dx, dy = (xs[1] - xs[0]), (ys[1] - ys[0])
        rect = QRectF(xs[0] - dx / 2, ys[0] - dy / 2, dx * len(xs), dy * len(ys))  # pixel centres on the grid
        if rect != self.rect:
            self.rect = rect
            self.image.setRect(rect)
            self.plot.setRange(rect, padding=0)
        self._show_bar(result)
        self._show_points(result, show_test)

    def _show_bar(self, result: dict) -> None:
        kind = result["kind"]
        self.colour_bar.setVisible(kind != "multiclass")
        if kind == "binary":
            names = result["class_names"]
            self.colour_bar.setColorMap(TFP_MAP)
            self.colour_bar.setLevels((0.0, 1.0))
            self.colour_bar.axis.setLabel(f"P({names[1]})" if len(names) > 1 else "P(class 1)")
        elif kind == "regression":
            self.colour_bar.setColorMap(pg.colormap.get(REGRESSION_MAP))
            self.colour_bar.setLevels(value_span(result))
            self.colour_bar.axis.setLabel("prediction")

    def _show_points(self, result: dict, show_test: bool) -> None:
        (tx, ty), (sx, sy) = result["points"]["train"], result["points"]["test"]
        key = (result["kind"], len(tx), len(sx), tx[:3].tobytes(), sx[:3].tobytes(), ty[:5].tobytes(),
               value_span(result) if result["kind"] == "regression" else None)
        if key != self._points_key:  # the same data as last tick: nothing to redo
            self._points_key = key
            colours = point_colours(result, ty)
            self.train_points.setData(pos=tx, brush=[pg.mkBrush(c) for c in colours], pen=pg.mkPen("w", width=0.8))
            colours = point_colours(result, sy)
            self.test_points.setData(pos=sx, brush=pg.mkBrush(255, 255, 255, 0),
                                     pen=[pg.mkPen(c, width=1.6) for c in colours])
        self.test_points.setVisible(show_test)

    def set_marker(self, xy) -> None:
        """A cross at the chosen input (data units); None hides it."""
        if xy is None:
            self.marker.setData(pos=np.zeros((0, 2)))
        else:
            self.marker.setData(pos=np.asarray(xy, float).reshape(1, 2))

    def clear(self) -> None:
        self.image.clear()
        self.train_points.setData(pos=np.zeros((0, 2)))
        self.test_points.setData(pos=np.zeros((0, 2)))
        self._points_key = None
        self.shown = self.rgb = None

    # ---- mouse -----------------------------------------------------------------------------------

    def view_to_widget(self, x: float, y: float):
        """Where a data point lies in this widget's viewport (tests click there)."""
        scene = self.plot.vb.mapViewToScene(pg.Point(x, y))
        return self.mapFromScene(scene)

    def _scene_clicked(self, event) -> None:
        if event.button() != pg.QtCore.Qt.MouseButton.LeftButton or self.rect is None:
            return
        pos = event.scenePos()
        if not self.plot.vb.sceneBoundingRect().contains(pos):
            return
        p = self.plot.vb.mapSceneToView(pos)
        if self.rect.contains(p):
            self.clicked.emit(float(p.x()), float(p.y()))
