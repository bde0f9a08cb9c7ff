"""A laser-pointer highlight for presenting: a glowing red dot with a short fading trail at the cursor.

Owns ``LaserPointer``: a child widget laid over the whole window that lets every mouse event
through (``WA_TransparentForMouseEvents``), follows the cursor by polling its position (child
widgets only report mouse moves while a button is held, so polling is what sees every move) and
paints the dot and the trail. ``set_on`` shows or hides it; presentation mode toggles it with L.
"""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QCursor, QPainter, QRadialGradient
from PySide6.QtWidgets import QWidget

RADIUS = 14  # pixels, the dot
TRAIL = 10  # positions kept for the trail
TICK_MS = 16  # about 60 updates a second


class LaserPointer(QWidget):
    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("laser_pointer")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.trail: deque[QPoint] = deque(maxlen=TRAIL)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.follow)
        self.hide()

    @property
    def on(self) -> bool:
        return self.isVisible()

    def set_on(self, on: bool) -> None:
        self.trail.clear()
        if on:
            self.setGeometry(self.parentWidget().rect())
            self.raise_()
            self.show()
            self.timer.start(TICK_MS)
        else:
            self.timer.stop()
            self.hide()

    def toggle(self) -> None:
        self.set_on(not self.on)

    def follow(self) -> None:
        """Read the cursor's position (window coordinates) and repaint when it moved."""
        parent = self.parentWidget()
        if self.geometry() != parent.rect():
            self.setGeometry(parent.rect())
        pos = self.mapFromGlobal(QCursor.pos())
        if not self.trail or self.trail[-1] != pos:
            self.trail.append(pos)
            self.raise_()
            self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if not self.trail:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        n = len(self.trail)
        for i, point in enumerate(self.trail):  # older positions: smaller and fainter
            share = (i + 1) / n
            radius = RADIUS * (0.35 + 0.65 * share)
            glow = QRadialGradient(QPointF(point), radius * 1.8)
            glow.setColorAt(0.0, QColor(255, 40, 40, int(230 * share)))
            glow.setColorAt(0.45, QColor(255, 0, 0, int(140 * share)))
            glow.setColorAt(1.0, QColor(255, 0, 0, 0))
            painter.setBrush(glow)
            painter.drawEllipse(QPointF(point), radius * 1.8, radius * 1.8)
        painter.end()
