"""The app icon, drawn in code (three layer cards and two tensors) so it needs no image file."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from playground.ui.common import style


def app_pixmap(size: int = 64) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 64.0
    p.setBrush(QColor("#1F2A44"))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(2 * s, 2 * s, 60 * s, 60 * s), 12 * s, 12 * s)
    p.setPen(QPen(QColor("#C9D1E0"), 3 * s))
    p.drawLine(int(32 * s), int(20 * s), int(20 * s), int(40 * s))
    p.drawLine(int(32 * s), int(20 * s), int(44 * s), int(40 * s))
    p.setPen(Qt.PenStyle.NoPen)
    for (x, y), category in (((22, 10), "Input"), ((8, 38), "Convolution"), ((34, 38), "Activation")):
        p.setBrush(style.category_color(category))
        p.drawRoundedRect(QRectF(x * s, y * s, 22 * s, 14 * s), 4 * s, 4 * s)
    p.end()
    return pixmap


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 32, 64, 128):
        icon.addPixmap(app_pixmap(size))
    return icon
