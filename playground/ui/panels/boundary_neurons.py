"""Each hidden unit's output over the plane: one strip of small tiles per hidden layer, a large
preview of the tile under the mouse.

Owns ``NeuronTiles``: for a ``neuron_surfaces`` result it shows one titled ``ImageGrid`` per
hidden layer (captions "tanh1 #3"), coloured orange (negative) - white (0) - blue (positive) on a
scale symmetric about zero, like TensorFlow Playground's neurons, and a preview pane on the right
that shows the hovered tile large. Tiles are drawn with the plane's top (largest x2) at the top.
The grids are built once per set of layers and refreshed with ``set_tiles`` on every update.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from playground.ui.panels.boundary_plane import TFP_TABLE
from playground.ui.plots.image_grid import ImageGrid, register_lut
from playground.ui.common import style

CMAP = "tfp_boundary"
register_lut(CMAP, TFP_TABLE)  # ImageGrid's colour tables are looked up by name
PREVIEW = 140  # pixels


class NeuronTiles(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.layers: list[tuple[str, int, int]] = []  # (node name, units shown, units) the grids were built for
        self.grids: list[ImageGrid] = []
        self.titles: list[QLabel] = []
        self.units: list[tuple[str, int, np.ndarray]] = []
        self.hover: tuple[int, int] | None = None  # (grid, tile)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.body_layout.setSpacing(2)
        self.note = QLabel("")
        style.mute(self.note)
        self.note.setWordWrap(True)
        self.body_layout.addWidget(self.note)
        self.body_layout.addStretch(1)
        self.scroll.setWidget(self.body)
        outer.addWidget(self.scroll, 1)
        side = QVBoxLayout()
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW, PREVIEW)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet(f"border: 1px solid {style.color('BORDER').name()}; "
                                   f"background: {style.color('BASE').name()}; {style.css('MUTED')}")
        self.preview.setText("Point at a\nneuron's tile\nto see it large")
        self.preview_caption = QLabel("")
        self.preview_caption.setWordWrap(True)
        self.preview_caption.setFixedWidth(PREVIEW)
        side.addWidget(self.preview)
        side.addWidget(self.preview_caption)
        side.addStretch(1)
        outer.addLayout(side)

    def show_units(self, result: dict) -> None:
        self.units = result["units"]
        groups: dict[str, list[tuple[int, np.ndarray]]] = {}
        for name, k, tile in self.units:
            groups.setdefault(name, []).append((k, tile))
        sizes = result.get("sizes", {})
        layers = [(name, len(g), int(sizes.get(name, len(g)))) for name, g in groups.items()]
        if layers != self.layers:
            self._build(layers)
            if self.grids and self.hover is None:
                self.hover = (0, 0)  # the first neuron until the mouse points at another
        for grid, (name, group) in zip(self.grids, groups.items()):
            tiles = [np.asarray(t)[::-1] for _, t in group]  # row 0 = top of the plane (largest x2)
            grid.set_tiles(tiles, [f"{name} #{k}" for k, _ in group], scale="symmetric", cmap=CMAP,
                           legend=True, legend_label="output")
        shown, total = len(self.units), int(result.get("total", len(self.units)))
        self.note.setText("" if shown == total else f"Showing {shown} of {total} hidden units.")
        self.note.setVisible(shown != total or not self.units)
        if not self.units:
            self.note.setText("This network has no hidden layer: its output is the only neuron.")
        self._show_preview()

    def _build(self, layers: list[tuple[str, int, int]]) -> None:
        for widget in self.grids + self.titles:
            widget.setParent(None)
            widget.deleteLater()
        self.grids, self.titles, self.hover = [], [], None
        for i, (name, shown, count) in enumerate(layers):
            title = QLabel(f"<b>{name}</b> ({count} unit{'s' if count != 1 else ''}"
                           + (f", first {shown} shown)" if shown < count else ")"))
            grid = ImageGrid(min_tile=44, max_tile=64)
            grid.setMinimumWidth(120)
            grid.tile_hovered.connect(lambda tile, g=i: self._hovered(g, tile))
            at = self.body_layout.count() - 1  # before the stretch
            self.body_layout.insertWidget(at, title)
            self.body_layout.insertWidget(at + 1, grid)
            self.titles.append(title)
            self.grids.append(grid)
        self.layers = layers

    def _hovered(self, grid: int, tile: int) -> None:
        if tile >= 0:
            self.hover = (grid, tile)
            self._show_preview()

    def _show_preview(self) -> None:
        if self.hover is None:
            return
        g, t = self.hover
        if g >= len(self.grids) or t >= len(self.grids[g].tiles):
            return
        grid = self.grids[g]
        pixmap = QPixmap.fromImage(grid.image(t)).scaled(
            PREVIEW - 2, PREVIEW - 2, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        self.preview.setPixmap(pixmap)
        tile = grid.tiles[t]
        self.preview_caption.setText(f"{grid.captions[t]}: output {tile.min():.2f} to {tile.max():.2f} over the plane (orange < 0 < blue); point at a tile to see it here")

    def clear(self) -> None:
        self._build([])
        self.units = []
        self.note.setText("")
        self.preview.clear()
        self.preview.setText("Point at a\nneuron's tile\nto see it large")
        self.preview_caption.setText("")
