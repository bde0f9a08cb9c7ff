"""Pictures from pixel arrays: tiles in 0..1 -> one mosaic -> a crisp, scaled QPixmap.

Owns ``mosaic`` (tiles (N, C, H, W) in 0..1 laid out in rows with a gap, as (H', W', 3) uint8),
``PictureLabel`` (a QLabel that shows such an array scaled up by whole pixels, nearest neighbour,
so 8x8 digits stay sharp blocks) and ``CLASS_COLORS`` (one colour per class for scatters).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy

from playground.ui.tasks.thumbnails import qimage, rgb_of

#: tab10: one colour per class (RGB)
CLASS_COLORS = ((31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
                (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207))


def mosaic(tiles: np.ndarray, columns: int, gap: int = 1, background: int = 235) -> np.ndarray:
    """Tiles (N, C, H, W) in 0..1 in rows of ``columns``, ``gap`` pixels apart: (H', W', 3) uint8."""
    tiles = np.asarray(tiles)
    n, _, h, w = tiles.shape
    rows = max(1, -(-n // columns))
    out = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap, 3), background, dtype=np.uint8)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, columns)
        out[r * (h + gap): r * (h + gap) + h, c * (w + gap): c * (w + gap) + w] = np.clip(rgb_of(tile), 0, 255)
    return out


def legend_html(names, colours=CLASS_COLORS) -> str:
    """"● 0  ● 1 ..." with each dot in its class colour: a legend that covers no points."""
    return "  ".join(f'<span style="color: rgb{tuple(colours[i % len(colours)])}">&#9679;</span> {name}'
                     for i, name in enumerate(names))


class PictureLabel(QLabel):
    """Shows an (H, W, 3) uint8 picture as large as fits (never smaller than itself), nearest neighbour."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.rgb: np.ndarray | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(80, 60)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def set_rgb(self, rgb: np.ndarray) -> None:
        self.rgb = np.ascontiguousarray(rgb)
        self._draw()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._draw()

    def _draw(self) -> None:
        if self.rgb is None:
            return
        h, w, _ = self.rgb.shape
        self.setPixmap(QPixmap.fromImage(qimage(self.rgb)).scaled(
            max(self.width(), w), max(self.height(), h), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.FastTransformation))
