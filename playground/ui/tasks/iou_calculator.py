"""A small IoU calculator: two boxes to drag and resize with the mouse (or set in spin boxes), IoU read live.

Owns ``IouCanvas`` (draws boxes A and B on a unit square, their intersection filled; a press
inside a box moves it, a press near a corner resizes it from that corner; arrow keys move the
chosen box and Shift+arrows resize it) and ``IouCalculator`` (the canvas, four spin boxes per box
(x, y, width, height as fractions of the square) and the line that reads
``IoU = intersection / union``). The number comes from ``train.detection.decode.iou_matrix``,
the same function NMS and AP use.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QDoubleSpinBox, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from playground.train.detection.decode import iou_matrix
from playground.ui.common import style

MIN_SIDE = 0.02  # the smallest width or height a box may take
_GRAB = 8.0  # pixels around a corner that resize instead of move


def _xyxy(box) -> np.ndarray:
    x, y, w, h = box
    return np.array([x, y, x + w, y + h], dtype=np.float64)


def iou_parts(a, b) -> tuple[float, float, float]:
    """(intersection, union, IoU) of boxes (x, y, w, h); IoU from ``iou_matrix``."""
    a, b = _xyxy(a), _xyxy(b)
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter, union, float(iou_matrix(a[None], b[None])[0, 0])


class IouCanvas(QWidget):
    """Boxes A and B, (x, y, w, h) fractions of a unit square, moved and resized by mouse or keys."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.boxes = [[0.15, 0.2, 0.45, 0.4], [0.4, 0.35, 0.45, 0.45]]
        self.active = 0  # the box the keys move
        self._drag: tuple[int, str, QPointF, list[float]] | None = None  # (box, corner or "move", start, box then)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(150, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("IoU calculator: drag the two boxes; arrow keys move, Shift+arrows resize, Space picks the box")

    def sizeHint(self) -> QSize:
        return QSize(220, 220)

    def area(self) -> QRectF:
        side = max(10.0, min(self.width(), self.height()) - 4.0)
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def rect_of(self, k: int) -> QRectF:
        a, (x, y, w, h) = self.area(), self.boxes[k]
        return QRectF(a.left() + x * a.width(), a.top() + y * a.height(), w * a.width(), h * a.height())

    def set_box(self, k: int, box) -> None:
        """Box ``k`` to (x, y, w, h), kept inside the square and at least ``MIN_SIDE`` wide and high."""
        x, y, w, h = (float(v) for v in box)
        w, h = min(max(w, MIN_SIDE), 1.0), min(max(h, MIN_SIDE), 1.0)
        x, y = min(max(x, 0.0), 1.0 - w), min(max(y, 0.0), 1.0 - h)
        if [x, y, w, h] != self.boxes[k]:
            self.boxes[k] = [x, y, w, h]
            self.update()
            self.changed.emit()

    def colours(self) -> tuple[QColor, QColor]:
        return style.color("SELECTED"), style.color("WARNING")

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = self.area()
        painter.fillRect(area, style.color("BASE"))
        painter.setPen(QPen(style.color("BORDER"), 1))
        painter.drawRect(area)
        ra, rb = self.rect_of(0), self.rect_of(1)
        inter = ra.intersected(rb)
        if not inter.isEmpty():
            fill = QColor(style.color("OK_TEXT"))
            fill.setAlpha(110)
            painter.fillRect(inter, fill)
        for k, (rect, colour) in enumerate(zip((ra, rb), self.colours())):
            tint = QColor(colour)
            tint.setAlpha(40)
            painter.fillRect(rect, tint)
            painter.setPen(QPen(colour, 3 if (k == self.active and self.hasFocus()) else 2))
            painter.drawRect(rect)
            painter.fillRect(QRectF(rect.right() - 4, rect.bottom() - 4, 8, 8), colour)  # the resize handle
            painter.setPen(colour)
            painter.drawText(rect.adjusted(4, 2, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, "AB"[k])

    def _hit(self, p: QPointF) -> tuple[int, str] | None:
        for k in (self.active, 1 - self.active):  # the active box first: it is the one drawn on top
            r = self.rect_of(k)
            corners = {"tl": r.topLeft(), "tr": r.topRight(), "bl": r.bottomLeft(), "br": r.bottomRight()}
            for name, c in corners.items():
                if abs(p.x() - c.x()) <= _GRAB and abs(p.y() - c.y()) <= _GRAB:
                    return k, name
        for k in (self.active, 1 - self.active):
            if self.rect_of(k).contains(p):
                return k, "move"
        return None

    def mousePressEvent(self, event) -> None:
        hit = self._hit(event.position())
        if hit is not None:
            self.active = hit[0]
            self._drag = (hit[0], hit[1], event.position(), list(self.boxes[hit[0]]))
            self.update()

    def mouseMoveEvent(self, event) -> None:
        if self._drag is None:
            hit = self._hit(event.position())
            shape = {None: Qt.CursorShape.ArrowCursor, "move": Qt.CursorShape.SizeAllCursor}.get(
                hit and hit[1], Qt.CursorShape.SizeFDiagCursor if hit and hit[1] in ("tl", "br")
                else Qt.CursorShape.SizeBDiagCursor)
            self.setCursor(shape)
            return
        k, how, start, (x, y, w, h) = self._drag
        a = self.area()
        dx, dy = (event.position().x() - start.x()) / a.width(), (event.position().y() - start.y()) / a.height()
        if how == "move":
            self.set_box(k, (x + dx, y + dy, w, h))
            return
        x0, y0, x1, y1 = x, y, x + w, y + h
        x0, x1 = (x0 + dx, x1) if how[1] == "l" else (x0, x1 + dx)
        y0, y1 = (y0 + dy, y1) if how[0] == "t" else (y0, y1 + dy)
        x0, y0, x1, y1 = max(0.0, x0), max(0.0, y0), min(1.0, x1), min(1.0, y1)
        if how[1] == "l":
            x0 = min(x0, x1 - MIN_SIDE)
        else:
            x1 = max(x1, x0 + MIN_SIDE)
        if how[0] == "t":
            y0 = min(y0, y1 - MIN_SIDE)
        else:
            y1 = max(y1, y0 + MIN_SIDE)
        self.set_box(k, (x0, y0, x1 - x0, y1 - y0))

    def mouseReleaseEvent(self, _event) -> None:
        self._drag = None

    def keyPressEvent(self, event) -> None:
        step = 0.01
        moves = {Qt.Key.Key_Left: (-step, 0), Qt.Key.Key_Right: (step, 0), Qt.Key.Key_Up: (0, -step),
                 Qt.Key.Key_Down: (0, step)}
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return):
            self.active = 1 - self.active
            self.update()
        elif event.key() in moves:
            dx, dy = moves[event.key()]
            x, y, w, h = self.boxes[self.active]
            resize = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.set_box(self.active, (x, y, w + dx, h + dy) if resize else (x + dx, y + dy, w, h))
        else:
            super().keyPressEvent(event)


class IouCalculator(QWidget):
    """The canvas, spin boxes for both boxes, and the live IoU."""

    FIELDS = ("x", "y", "width", "height")

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.canvas = IouCanvas()
        layout.addWidget(self.canvas, 1)
        form = QGridLayout()
        form.setHorizontalSpacing(4)
        form.setVerticalSpacing(2)
        self.spins: list[list[QDoubleSpinBox]] = []
        for k, colour in enumerate(self.canvas.colours()):
            tag = QLabel(f"<b style='color:{colour.name()}'>{'AB'[k]}</b>")
            form.addWidget(tag, k, 0)
            row = []
            for f, name in enumerate(self.FIELDS):
                spin = QDoubleSpinBox()
                spin.setRange(0.0, 1.0)
                spin.setDecimals(2)
                spin.setSingleStep(0.01)
                spin.setAccessibleName(f"box {'AB'[k]} {name}")
                spin.setToolTip(f"box {'AB'[k]}: {name} as a fraction of the square")
                spin.valueChanged.connect(lambda _v, k=k: self._spun(k))
                form.addWidget(spin, k, f + 1)
                row.append(spin)
            self.spins.append(row)
        heads = QLabel("x, y (top left), width, height")
        style.mute(heads)
        form.addWidget(heads, 2, 0, 1, 5)
        layout.addLayout(form)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setAccessibleName("IoU of boxes A and B")
        layout.addWidget(self.result)
        self.canvas.changed.connect(self._refresh)
        self._refresh()

    def _spun(self, k: int) -> None:
        if not self._syncing:
            self.canvas.set_box(k, [s.value() for s in self.spins[k]])

    _syncing = False

    def iou(self) -> float:
        return iou_parts(*self.canvas.boxes)[2]

    def _refresh(self) -> None:
        self._syncing = True
        for row, box in zip(self.spins, self.canvas.boxes):
            for spin, v in zip(row, box):
                spin.setValue(v)
        self._syncing = False
        inter, union, iou = iou_parts(*self.canvas.boxes)
        self.result.setText(f"IoU = intersection / union = {inter:.3f} / {union:.3f} = <b>{iou:.2f}</b>")
