"""The network drawn as units and weighted connections, for the backprop walk.

Owns ``NetworkCanvas``: columns of units (the inputs, then each dense layer), connections coloured
by sign (blue +, red −) with width by size, unit values written inside, the current column
highlighted, and clicks on a unit or near a connection reported as ``unit_clicked(column, j)`` /
``weight_clicked(layer, j, i)``. It draws what it is given (``set_picture``) and computes nothing.
At most ``MAX_UNITS`` units per column are drawn; the rest are counted under the column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

MAX_UNITS = 16
POSITIVE, NEGATIVE = QColor(37, 99, 235), QColor(220, 38, 38)


@dataclass
class Picture:
    columns: list[str]  # titles: "input", "fc1 (tanh)", ...
    sizes: list[int]  # units per column (all of them; only MAX_UNITS drawn)
    unit_values: list[np.ndarray | None]  # per column, the numbers written on the units (None: blank)
    unit_label: list[str]  # per column, what the numbers are ("a", "δ", "x")
    edges: list[np.ndarray]  # per layer (columns - 1), (out, in) values drawn on the connections
    faint: list[bool]  # per layer, connections drawn faintly (not part of this step)
    current: int  # the column to highlight (-1: none)


def _colour(value: float, scale: float, alpha: int = 255) -> QColor:
    c = QColor(POSITIVE if value >= 0 else NEGATIVE)
    strength = min(1.0, abs(value) / scale) if scale > 0 else 0.0
    c.setAlpha(int(alpha * (0.15 + 0.85 * strength)))
    return c


class NetworkCanvas(QWidget):
    unit_clicked = Signal(int, int)  # column, unit
    weight_clicked = Signal(int, int, int)  # layer, to unit j, from unit i

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.picture: Picture | None = None
        self.selected: tuple | None = None  # ("unit", col, j) or ("weight", layer, j, i)
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_picture(self, picture: Picture | None) -> None:
        self.picture = picture
        self.update()

    def select(self, selected: tuple | None) -> None:
        self.selected = selected
        self.update()

    # ---- geometry --------------------------------------------------------------------------------

    def _radius(self) -> float:
        shown = max(min(n, MAX_UNITS) for n in self.picture.sizes)
        return max(6.0, min(17.0, (self.height() - 50) / (2.6 * shown)))

    def unit_pos(self, col: int, j: int) -> QPointF:
        p = self.picture
        cols = len(p.sizes)
        x = 50 + (self.width() - 100) * (col / max(1, cols - 1))
        shown = min(p.sizes[col], MAX_UNITS)
        top, bottom = 28.0, self.height() - 24.0
        step = (bottom - top) / max(1, shown)
        return QPointF(x, top + step * (j + 0.5))

    def hit(self, pos: QPointF) -> tuple | None:
        if self.picture is None:
            return None
        r = self._radius()
        for col, n in enumerate(self.picture.sizes):
            for j in range(min(n, MAX_UNITS)):
                c = self.unit_pos(col, j)
                if math.hypot(pos.x() - c.x(), pos.y() - c.y()) <= r + 2:
                    return ("unit", col, j)
        best, where = 5.0, None
        for layer in range(len(self.picture.sizes) - 1):
            for j in range(min(self.picture.sizes[layer + 1], MAX_UNITS)):
                b = self.unit_pos(layer + 1, j)
                for i in range(min(self.picture.sizes[layer], MAX_UNITS)):
                    a = self.unit_pos(layer, i)
                    d = _segment_distance(pos, a, b)
                    if d < best:
                        best, where = d, ("weight", layer, j, i)
        return where

    def mousePressEvent(self, event) -> None:
        hit = self.hit(event.position())
        if hit is None:
            return
        self.select(hit)
        if hit[0] == "unit":
            self.unit_clicked.emit(hit[1], hit[2])
        else:
            self.weight_clicked.emit(hit[1], hit[2], hit[3])

    # ---- painting --------------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        p = self.picture
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        if p is None:
            return
        r = self._radius()
        if 0 <= p.current < len(p.sizes):
            x = self.unit_pos(p.current, 0).x()
            painter.fillRect(QRectF(x - r - 14, 4, 2 * r + 28, self.height() - 8), QColor(255, 243, 205))
        for layer, values in enumerate(p.edges):
            shown = values[:MAX_UNITS, :MAX_UNITS]
            scale = float(np.abs(shown).max()) if shown.size else 1.0
            for j in range(shown.shape[0]):
                for i in range(shown.shape[1]):
                    v = float(shown[j, i])
                    strength = min(1.0, abs(v) / scale) if scale > 0 else 0.0
                    painter.setPen(QPen(_colour(v, scale, 90 if p.faint[layer] else 255), 0.5 + 3.5 * strength))
                    painter.drawLine(self.unit_pos(layer, i), self.unit_pos(layer + 1, j))
        if self.selected and self.selected[0] == "weight":
            _, layer, j, i = self.selected
            painter.setPen(QPen(QColor(250, 204, 21), 5))
            painter.drawLine(self.unit_pos(layer, i), self.unit_pos(layer + 1, j))
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, min(8.0, r * 0.55)))
        painter.setFont(font)
        for col, n in enumerate(p.sizes):
            values = p.unit_values[col]
            scale = float(np.abs(values[:MAX_UNITS]).max()) if values is not None and len(values) else 1.0
            for j in range(min(n, MAX_UNITS)):
                c = self.unit_pos(col, j)
                fill = QColor(245, 245, 245) if values is None else _colour(float(values[j]), scale)
                chosen = self.selected and self.selected[0] == "unit" and self.selected[1:] == (col, j)
                painter.setPen(QPen(QColor(250, 204, 21) if chosen else QColor(60, 60, 60), 3 if chosen else 1))
                painter.setBrush(fill)
                painter.drawEllipse(c, r, r)
                if values is not None:  # the number beside the unit, on a white tag over the connections
                    text = f"{float(values[j]):.2f}"
                    width = painter.fontMetrics().horizontalAdvance(text) + 6
                    left = c.x() + r + 2 if col < len(p.sizes) - 1 or col == 0 else c.x() - r - 2 - width
                    tag = QRectF(left, c.y() - 8, width, 16)
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(QColor(255, 255, 255, 225))
                    painter.drawRoundedRect(tag, 3, 3)
                    painter.setPen(QColor("black"))
                    painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)
            painter.setPen(QColor(60, 60, 60))
            label = p.columns[col] + (f"  [{p.unit_label[col]}]" if p.unit_values[col] is not None else "")
            x = self.unit_pos(col, 0).x()
            painter.drawText(QRectF(x - 80, 2, 160, 20), Qt.AlignmentFlag.AlignCenter, label)
            if n > MAX_UNITS:
                painter.drawText(QRectF(x - 80, self.height() - 22, 160, 20), Qt.AlignmentFlag.AlignCenter,
                                 f"+{n - MAX_UNITS} more units")
        painter.end()


def _segment_distance(p: QPointF, a: QPointF, b: QPointF) -> float:
    ax, ay, bx, by = a.x(), a.y(), b.x(), b.y()
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((p.x() - ax) * dx + (p.y() - ay) * dy) / length))
    return math.hypot(p.x() - (ax + t * dx), p.y() - (ay + t * dy))
