"""Draw-your-own input: a small canvas painted with the mouse, and the area that holds it.

Owns ``DrawCanvas`` (a picture (H, W) in [0, 1], shown scaled up with a pixel grid and painted with
a soft round brush; ``stroke_done`` is called after every stroke) and ``DrawArea`` (the canvas with
its side controls: a hint, "Update as I draw", "Use drawing" and "Clear", and ``as_input`` turning
the picture into an input of the dataset's shape). ``InputPicker`` (``input_picker.py``) embeds a
``DrawArea`` for image datasets and decides what a drawing is used for; this module knows nothing
about datasets, sessions or the shared input choice.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from playground.ui.plots.image_grid import lut, to_image

BRUSH_RADIUS = 1.4  # soft brush, in canvas pixels
CANVAS_SCALE = 7  # screen pixels per canvas pixel (28 x 28 -> 196 x 196)


class DrawCanvas(QWidget):
    """A small picture (H, W) in [0, 1] painted with a soft round brush; ``stroke_done`` is called
    after every stroke (mouse release)."""

    def __init__(self, height: int = 28, width: int = 28, parent: QWidget | None = None):
        super().__init__(parent)
        self.picture = np.zeros((height, width), dtype=np.float32)
        self.stroke_done = None
        self._last: QPointF | None = None
        self.setFixedSize(width * CANVAS_SCALE, height * CANVAS_SCALE)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw with the left mouse button")

    def resize_picture(self, height: int, width: int) -> None:
        if self.picture.shape != (height, width):
            self.picture = np.zeros((height, width), dtype=np.float32)
            scale = max(2, min(CANVAS_SCALE, 220 // max(height, width, 1)))
            self.setFixedSize(width * scale, height * scale)
            self.update()

    def clear(self) -> None:
        self.picture[:] = 0
        self.update()

    def _to_pixels(self, pos: QPointF) -> tuple[float, float]:
        h, w = self.picture.shape
        return pos.y() / self.height() * h - 0.5, pos.x() / self.width() * w - 0.5

    def dab(self, row: float, col: float) -> None:
        """Add one soft dab of paint centred at (row, col), in canvas pixels."""
        h, w = self.picture.shape
        rows, cols = np.mgrid[0:h, 0:w]  # (H, W) each
        d2 = (rows - row) ** 2 + (cols - col) ** 2
        paint = np.exp(-d2 / (2 * BRUSH_RADIUS ** 2)).astype(np.float32)
        paint[d2 > (3 * BRUSH_RADIUS) ** 2] = 0
        np.maximum(self.picture, np.minimum(1.0, paint * 1.3), out=self.picture)

    def _line_to(self, pos: QPointF) -> None:
        r1, c1 = self._to_pixels(pos)
        if self._last is None:
            self.dab(r1, c1)
        else:
            r0, c0 = self._to_pixels(self._last)
            steps = max(1, int(np.hypot(r1 - r0, c1 - c0) * 2))
            for t in np.linspace(0, 1, steps + 1)[1:]:
                self.dab(r0 + (r1 - r0) * t, c0 + (c1 - c0) * t)
        self._last = QPointF(pos)
        self.update()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._last = None
            self._line_to(event.position())

    def mouseMoveEvent(self, event) -> None:
        if self._last is not None:  # painting since the press (QTest moves carry no buttons)
            self._line_to(event.position())

    def mouseReleaseEvent(self, event) -> None:
        if self._last is not None:
            self._line_to(event.position())
            self._last = None
            if self.stroke_done is not None:
                self.stroke_done()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        h, w = self.picture.shape
        p.drawImage(QRectF(0, 0, self.width(), self.height()), to_image(self.picture, 0.0, 1.0, lut("gray")))
        p.setPen(QPen(QColor(255, 255, 255, 28), 1))
        for k in range(1, w):
            x = k * self.width() / w
            p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        for k in range(1, h):
            y = k * self.height() / h
            p.drawLine(QPointF(0, y), QPointF(self.width(), y))
        p.setPen(QPen(QColor("#8C929B"), 1))
        p.drawRect(QRectF(0, 0, self.width() - 1, self.height() - 1))


class DrawArea(QWidget):
    """A ``DrawCanvas`` with its controls beside it: "Update as I draw", "Use drawing", "Clear"."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        draw_row = QHBoxLayout(self)
        draw_row.setContentsMargins(0, 0, 0, 0)
        self.canvas = DrawCanvas()
        draw_row.addWidget(self.canvas)
        side = QVBoxLayout()
        side.addWidget(QLabel("Draw a digit or a shape\nwith the mouse (white on black)."))
        self.live_box = QCheckBox("Update as I draw")
        self.live_box.setChecked(True)
        side.addWidget(self.live_box)
        self.use_button = QPushButton("Use drawing")
        self.clear_button = QPushButton("Clear")
        side.addWidget(self.use_button)
        side.addWidget(self.clear_button)
        side.addStretch(1)
        draw_row.addLayout(side)
        draw_row.addStretch(1)
        self.clear_button.clicked.connect(self.canvas.clear)

    def as_input(self, shape: tuple | None) -> np.ndarray:
        """The picture as an input of ``shape`` (C, H, W) in [0, 1], gray in every channel (one
        channel when ``shape`` is None or not an image shape)."""
        c = shape[0] if shape is not None and len(shape) == 3 else 1
        return np.repeat(self.canvas.picture[None], c, axis=0).astype(np.float32)  # (C, H, W)
