"""The picture of one convolution step: the padded input with the kernel's window on it, and the
output with the cell being computed, numbers in every cell.

Owns ``ConvGrid`` (a QWidget that paints an ``Example`` from ``train/learn/conv_arithmetic.py`` at a
given step): for convolution and pooling the step is an output cell, its taps on the padded input
are outlined with the kernel weight in each corner; for the transposed convolution the step is an
input cell and the output cells it scatters onto are outlined (the reverse mapping). It computes
nothing itself.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

INPUT, PAD, TAP, OUT, CURRENT = "#F4F6F9", "#E1E4E8", "#1F77B4", "#FFF4E0", "#FF7F0E"


def _text(v: float) -> str:
    if np.isinf(v):
        return "−∞"
    return f"{v:g}" if float(v).is_integer() else f"{v:.1f}"


class ConvGrid(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.example = None
        self.step = 0
        self.setMinimumHeight(170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_example(self, example, step: int) -> None:
        self.example, self.step = example, step
        self.update()

    def steps(self) -> int:
        e = self.example
        if e is None:
            return 0
        return len(e.x) ** 2 if e.geometry.transposed else len(e.cells)

    def paintEvent(self, event) -> None:
        e = self.example
        if e is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        left = e.x if e.geometry.transposed else e.padded
        right = e.out
        gap = 60
        cell = min((self.width() - gap - 20) / (len(left) + len(right)), (self.height() - 30) / max(len(left), len(right)))
        cell = max(8.0, min(cell, 44.0))
        font = QFont()
        font.setPixelSize(max(7, int(cell * 0.36)))
        painter.setFont(font)
        x0, y0 = 10.0, 22.0
        x1 = x0 + len(left) * cell + gap
        before = e.geometry.pads[0] if not e.geometry.transposed else 0
        n = len(e.x)
        inside = lambda r, c: before <= r < before + n and before <= c < before + n  # noqa: E731
        painter.drawText(QRectF(x0, 2, len(left) * cell + 40, 18), Qt.AlignmentFlag.AlignLeft,
                         "input" if e.geometry.transposed else "padded input")
        painter.drawText(QRectF(x1, 2, len(right) * cell + 40, 18), Qt.AlignmentFlag.AlignLeft, "output")
        step = min(self.step, max(0, self.steps() - 1))
        if e.geometry.transposed:
            i, j = divmod(step, n)
            marked_left = {(i, j): None}
            marked_right = {t: None for t in e.scatter.get((i, j), [])}
        else:
            current = e.cells[step]
            marked_left = {tap: w for tap, w in zip(current.taps, current.weights)}
            marked_right = {current.out: None}
        self._grid(painter, left, x0, y0, cell, lambda r, c: INPUT if e.geometry.transposed or inside(r, c) else PAD,
                   marked_left, TAP, show_weights=not e.geometry.transposed and e.geometry.kind == "Conv2d")
        self._grid(painter, right, x1, y0, cell, lambda r, c: OUT, marked_right, CURRENT)
        painter.end()

    @staticmethod
    def _grid(painter, values, x0, y0, cell, fill, marked, colour, show_weights=False) -> None:
        for r in range(len(values)):
            for c in range(len(values[0])):
                rect = QRectF(x0 + c * cell, y0 + r * cell, cell, cell)
                painter.fillRect(rect, QColor(fill(r, c)))
                painter.setPen(QPen(QColor("#B0B6BE"), 1))
                painter.drawRect(rect)
                painter.setPen(QColor("#1F2328"))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, _text(values[r][c]))
        for (r, c), w in marked.items():
            rect = QRectF(x0 + c * cell + 1.5, y0 + r * cell + 1.5, cell - 3, cell - 3)
            painter.fillRect(rect, QColor(colour).lighter(190))
            painter.setPen(QPen(QColor(colour), 2.5))
            painter.drawRect(rect)
            painter.setPen(QColor("#1F2328"))
            weighted = show_weights and w is not None and cell >= 24
            top = QRectF(rect.x(), rect.y(), rect.width(), rect.height() * (0.6 if weighted else 1.0))
            painter.drawText(top, Qt.AlignmentFlag.AlignCenter, _text(values[r][c]))
            if weighted:  # the kernel weight this input cell meets, under its value
                painter.setPen(QColor(colour).darker(140))
                low = QRectF(rect.x(), rect.y() + rect.height() * 0.5, rect.width(), rect.height() * 0.5)
                painter.drawText(low, Qt.AlignmentFlag.AlignCenter, f"×{_text(w)}")
