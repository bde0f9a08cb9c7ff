"""A grid of small images with one colour scale: feature maps, kernels, saliency, galleries.

Owns ``ImageGrid``, a plain QWidget that paints numpy arrays as tiles (nearest-neighbour, so a
pixel stays a pixel), each with an optional caption, a colour-bar legend, per-tile overlays (a box
outline and/or a translucent heat map) and a highlighted tile. Hovering shows the value under the
mouse; a click emits ``tile_clicked(tile, row, col)`` in the tile's own array coordinates, so a
panel can map it back to a unit or an example. Colour scales:

- ``"shared"``: one range for all tiles (min to max over every tile): tiles can be compared;
- ``"symmetric"``: centred on zero (-m..m, m the largest magnitude), diverging blue-white-red, for
  weights and gradients with a sign;
- ``"each"``: every tile stretched to its own range (shapes show best, values cannot be compared);
- ``(lo, hi)``: a fixed range.

RGB tiles ((H, W, 3) floats in [0, 1]) are drawn as they are. The widget asks for enough height to
keep tiles at least ``min_tile`` pixels; put it in a QScrollArea when there may be many.

How tiles are laid out (constructor options, or the attributes of the same names later):
- by default the grid picks the tile size (``min_tile``..``max_tile``) that fills the space best;
- ``columns=k``: exactly k columns (a layer's kernels as out-channel rows by in-channel columns);
- ``wrap=True``: tiles keep ``min_tile`` pixels and wrap into as many columns as fit, so a list of
  grids lines up;
- ``stretch_cell=c``: one tile takes the width, at most c pixels per tile column (heat strips).
The geometry is computed once per size and content, and only the tiles in the repainted area are
drawn, so a gallery of hundreds of examples stays cheap to repaint.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

CAPTION_H = 14
GAP = 4
LEGEND_W = 54
LEGEND_MIN_H = 86  # room for the colour bar and its two numbers
_LUTS: dict[str, np.ndarray] = {}


def register_lut(name: str, table: np.ndarray) -> None:
    """Add a colour table (256, 3) uint8 under ``name`` (a panel's own colours)."""
    _LUTS[name] = np.asarray(table, dtype=np.uint8)[:, :3]


def lut(name: str) -> np.ndarray:
    """(256, 3) uint8 colour table: "gray", "viridis", "diverging" (blue-white-red) or a pyqtgraph map."""
    if name not in _LUTS:
        if name == "gray":
            _LUTS[name] = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
        else:
            _LUTS[name] = pg.colormap.get("CET-D1" if name == "diverging" else name).getLookupTable(
                nPts=256)[:, :3].astype(np.uint8)
    return _LUTS[name]


def value_range(tiles: Sequence[np.ndarray], scale) -> tuple[float, float]:
    """The colour range a scale gives for these tiles (for "each", the first tile's)."""
    if isinstance(scale, tuple):
        return float(scale[0]), float(scale[1])
    finite = [t[np.isfinite(t)] for t in tiles if t.ndim == 2 and t.size]
    values = np.concatenate([f.ravel() for f in finite]) if finite else np.zeros(1)
    if values.size == 0:
        values = np.zeros(1)
    if scale == "symmetric":
        m = float(np.abs(values).max())
        return -m, m
    return float(values.min()), float(values.max())


def to_image(tile: np.ndarray, lo: float, hi: float, table: np.ndarray) -> QImage:
    """A QImage of one tile: (H, W) values through ``table``, or (H, W, 3) RGB in [0, 1]."""
    tile = np.asarray(tile, dtype=np.float64)
    if tile.ndim == 3:  # (H, W, 3) colour
        rgb = (np.clip(np.nan_to_num(tile), 0, 1) * 255).astype(np.uint8)
    else:
        span = hi - lo if hi > lo else 1.0
        idx = np.clip((np.nan_to_num(tile, nan=lo) - lo) / span * 255, 0, 255).astype(np.uint8)
        rgb = table[idx]  # (H, W, 3)
    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class ImageGrid(QWidget):
    tile_clicked = Signal(int, int, int)  # tile index, row, column (array coordinates)
    tile_hovered = Signal(int)  # the tile under the mouse, -1 when none

    def __init__(self, parent: QWidget | None = None, *, min_tile: int = 28, max_tile: int = 160,
                 columns: int | None = None, wrap: bool = False, stretch_cell: int | None = None):
        super().__init__(parent)
        self.min_tile, self.max_tile = min_tile, max_tile
        self.columns, self.wrap, self.stretch_cell = columns, wrap, stretch_cell
        self._geometry: tuple[tuple, tuple[int, int, int]] | None = None  # (key, (columns, tile w, tile h))
        self.tiles: list[np.ndarray] = []
        self.captions: list[str] = []
        self._images: dict[int, QImage] = {}
        self.scale = "shared"
        self.cmap = "viridis"
        self.legend = True
        self.legend_label = ""
        self.range = (0.0, 1.0)
        self.boxes: dict[int, tuple[int, int, int, int]] = {}
        self.heats: dict[int, np.ndarray] = {}
        self._heat_images: dict[int, QImage] = {}
        self.highlight: int | None = None
        self.empty_text = ""
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(60)

    # ---- content ---------------------------------------------------------------------------------

    def set_tiles(self, tiles: Sequence[np.ndarray], captions: Sequence[str] = (), *, scale="shared",
                  cmap: str = "viridis", legend: bool = True, legend_label: str = "") -> None:
        self.tiles = [np.asarray(t) for t in tiles]
        self.captions = list(captions) + [""] * (len(self.tiles) - len(captions))
        self.scale, self.cmap, self.legend, self.legend_label = scale, cmap, legend, legend_label
        self.range = value_range(self.tiles, scale if scale != "each" else "shared")
        self._images = {}  # made when first painted: a long gallery converts only what is seen
        self._geometry = None
        self.boxes, self.heats, self._heat_images = {}, {}, {}
        self.highlight = None
        self._update_min_height()
        self.update()

    def image(self, index: int) -> QImage:
        """Tile ``index`` as a QImage in the grid's colours (made once, on first use)."""
        if index not in self._images:
            tile = self.tiles[index]
            lo, hi = value_range([tile], "shared") if self.scale == "each" else self.range
            self._images[index] = to_image(tile, lo, hi, lut(self.cmap))
        return self._images[index]

    def clear(self, text: str = "") -> None:
        self.empty_text = text
        self.set_tiles([])

    def set_box(self, index: int, box: tuple[int, int, int, int] | None) -> None:
        """Outline (top, left, bottom, right), inclusive, in the tile's pixels; None removes it."""
        if box is None:
            self.boxes.pop(index, None)
        else:
            self.boxes[index] = tuple(int(v) for v in box)
        self.update()

    def set_heat(self, index: int, heat: np.ndarray | None) -> None:
        """A translucent red heat map over tile ``index`` (same height and width); None removes it."""
        if heat is None:
            self.heats.pop(index, None)
            self._heat_images.pop(index, None)
        else:
            heat = np.asarray(heat, dtype=np.float64)
            self.heats[index] = heat
            top = float(heat.max()) if heat.size and heat.max() > 0 else 1.0
            alpha = np.clip(heat / top, 0, 1)
            rgba = np.zeros(heat.shape + (4,), dtype=np.uint8)
            rgba[..., 0] = 230
            rgba[..., 1] = 40
            rgba[..., 2] = 30
            rgba[..., 3] = (alpha ** 0.6 * 210).astype(np.uint8)
            rgba = np.ascontiguousarray(rgba)
            h, w = heat.shape
            self._heat_images[index] = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
        self.update()

    def set_highlight(self, index: int | None) -> None:
        self.highlight = index
        self.update()

    # ---- geometry --------------------------------------------------------------------------------

    def _legend_w(self) -> int:
        return LEGEND_W if self.legend and self.tiles and any(t.ndim == 2 for t in self.tiles) else 0

    def _aspect(self) -> float:
        if not self.tiles:
            return 1.0
        h, w = self.tiles[0].shape[:2]
        return h / max(1, w)

    def _layout(self, width: int) -> tuple[int, int, int]:
        """(columns, tile width, tile height) for ``width`` and the widget's height."""
        n = len(self.tiles)
        if n == 0:
            return 1, 0, 0
        avail_w = max(1, width - self._legend_w())
        aspect = self._aspect()
        if self.stretch_cell:
            tw = max(8, min(avail_w, self.tiles[0].shape[1] * self.stretch_cell))
            return 1, tw, max(1, int(round(tw * aspect)))
        if self.wrap:
            tw = self.min_tile
            return max(1, min(n, (avail_w + GAP) // (tw + GAP))), tw, max(1, int(round(tw * aspect)))
        if self.columns:
            cols = self.columns
            tw = int(max(self.min_tile, min(self.max_tile, (avail_w - GAP * (cols - 1)) / cols)))
            return cols, tw, max(1, int(round(tw * aspect)))
        avail_h = max(1, self.height())
        best = (1, self.min_tile)
        for cols in range(1, n + 1):
            rows = math.ceil(n / cols)
            tw = (avail_w - GAP * (cols - 1)) / cols
            th_fit = (avail_h - rows * (CAPTION_H + GAP)) / rows
            size = min(tw, th_fit / aspect)
            if size > best[1] or cols == 1:
                best = (cols, size) if size >= best[1] or cols == 1 else best
        cols = best[0]
        tw = int(max(self.min_tile, min(self.max_tile, best[1])))
        if cols * tw + GAP * (cols - 1) > avail_w:  # too many to fit at the minimum size: more rows
            cols = max(1, (avail_w + GAP) // (tw + GAP))
        return cols, tw, max(1, int(round(tw * aspect)))

    def geometry_for(self, width: int) -> tuple[int, int, int]:
        """``_layout(width)``, remembered until the size or the layout options change (new tiles
        forget it: ``set_tiles``)."""
        key = (width, self.height(), self.min_tile, self.max_tile, self.columns, self.wrap, self.stretch_cell)
        if self._geometry is None or self._geometry[0] != key:
            self._geometry = (key, self._layout(width))
        return self._geometry[1]

    def _update_min_height(self) -> None:
        n = len(self.tiles)
        if not n:
            self.setMinimumHeight(60)
            return
        cols, tw, th = self.geometry_for(max(self.width(), 200))
        rows = math.ceil(n / cols)
        height = min(4000, rows * (th + CAPTION_H + GAP))
        if self._legend_w():
            height = max(height, LEGEND_MIN_H)
        self.setMinimumHeight(height)
        self.updateGeometry()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_min_height()

    def tile_rect(self, index: int) -> QRectF:
        cols, tw, th = self.geometry_for(self.width())
        r, c = divmod(index, cols)
        return QRectF(c * (tw + GAP), r * (th + CAPTION_H + GAP) + CAPTION_H, tw, th)

    def hit(self, pos: QPointF) -> tuple[int, int, int] | None:
        """(tile, row, col) under a widget position, or None."""
        if not self.tiles:
            return None
        cols, tw, th = self.geometry_for(self.width())
        c, r = int(pos.x() // (tw + GAP)), int(pos.y() // (th + CAPTION_H + GAP))
        i = r * cols + c
        if not (0 <= c < cols and 0 <= i < len(self.tiles)):
            return None
        rect = self.tile_rect(i)
        if not rect.contains(pos):
            return None  # on a caption or in a gap
        h, w = self.tiles[i].shape[:2]
        row = min(h - 1, int((pos.y() - rect.top()) / rect.height() * h))
        col = min(w - 1, int((pos.x() - rect.left()) / rect.width() * w))
        return i, row, col

    # ---- painting --------------------------------------------------------------------------------

    def shown_caption(self, index: int, metrics: QFontMetrics | None = None) -> tuple[str, float]:
        """Tile ``index``'s caption as drawn, and the width it may take: up to the next tile in its
        row, or to the widget's right edge for the row's last tile (a narrow heat strip still reads
        "2 values"); what still does not fit ends in "…", never silently cut."""
        if metrics is None:
            font = QFont()
            font.setPointSizeF(7.5)
            metrics = QFontMetrics(font)
        cols, _tw, _th = self.geometry_for(self.width())
        rect = self.tile_rect(index)
        last = index % cols == cols - 1 or index == len(self.tiles) - 1
        width = max(rect.width() + GAP, self.width() - rect.left()) if last else rect.width() + GAP
        return metrics.elidedText(self.captions[index], Qt.TextElideMode.ElideRight, int(width)), width

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        try:
            self._paint(p, QRectF(event.rect()))
        finally:
            p.end()

    def _paint(self, p: QPainter, exposed: QRectF) -> None:
        p.fillRect(self.rect(), QColor("#FFFFFF"))
        small = QFont()
        small.setPointSizeF(7.5)
        p.setFont(small)
        if not self.tiles:
            if self.empty_text:
                p.setPen(QColor("#5A6270"))
                p.drawText(self.rect().adjusted(8, 8, -8, -8), Qt.TextFlag.TextWordWrap, self.empty_text)
            return
        for i in range(len(self.tiles)):
            rect = self.tile_rect(i)
            if not exposed.intersects(rect.adjusted(-3, -CAPTION_H - 3, GAP + 3, 3)):
                continue  # scrolled out of view
            p.setPen(QColor("#1F2328"))
            text, width = self.shown_caption(i, p.fontMetrics())
            p.drawText(QRectF(rect.left(), rect.top() - CAPTION_H, width, CAPTION_H),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, text)
            p.drawImage(rect, self.image(i))
            if i in self._heat_images:
                p.drawImage(rect, self._heat_images[i])
            if i in self.boxes:
                top, left, bottom, right = self.boxes[i]
                h, w = self.tiles[i].shape[:2]
                sx, sy = rect.width() / w, rect.height() / h
                p.setPen(QPen(QColor("#00C853"), 2))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(QRectF(rect.left() + left * sx, rect.top() + top * sy,
                                  (right - left + 1) * sx, (bottom - top + 1) * sy))
            p.setPen(QPen(QColor("#1E6FE0"), 3) if i == self.highlight else QPen(QColor("#C9CDD4"), 1))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect)
        if self._legend_w():
            self._paint_legend(p)

    def _paint_legend(self, p: QPainter) -> None:
        x = self.width() - LEGEND_W + 8
        top, height = CAPTION_H + 4, max(40, min(self.height() - CAPTION_H - 30, 220))
        table = lut(self.cmap)
        column = np.ascontiguousarray(table[::-1][np.linspace(0, 255, height).astype(int)][:, None, :]
                                      .repeat(12, axis=1))  # (height, 12, 3), high values on top
        p.drawImage(QRectF(x, top, 12, height),
                    QImage(column.data, 12, height, 36, QImage.Format.Format_RGB888).copy())
        p.setPen(QColor("#1F2328"))
        lo, hi = self.range
        label = "per tile" if self.scale == "each" else None
        p.drawText(QRectF(x - 8, top - CAPTION_H, LEGEND_W, CAPTION_H), Qt.AlignmentFlag.AlignLeft,
                   label or f"{hi:.3g}")
        if not label:
            p.drawText(QRectF(x - 8, top + height + 1, LEGEND_W, CAPTION_H), Qt.AlignmentFlag.AlignLeft, f"{lo:.3g}")
        if self.legend_label:
            p.drawText(QRectF(x - 8, top + height + CAPTION_H, LEGEND_W, CAPTION_H * 2),
                       Qt.TextFlag.TextWordWrap, self.legend_label)

    # ---- mouse -----------------------------------------------------------------------------------

    def mouseMoveEvent(self, event) -> None:
        found = self.hit(event.position())
        self.tile_hovered.emit(-1 if found is None else found[0])
        if found is None:
            QToolTip.hideText()
            return
        i, r, c = found
        value = self.tiles[i][r, c]
        text = (f"{self.captions[i]}  row {r}, col {c}: "
                + (", ".join(f"{v:.3g}" for v in value) if np.ndim(value) else f"{float(value):.4g}"))
        QToolTip.showText(event.globalPosition().toPoint(), text.strip(), self)

    def mousePressEvent(self, event) -> None:
        found = self.hit(event.position())
        if found is not None and event.button() == Qt.MouseButton.LeftButton:
            self.tile_clicked.emit(*found)
