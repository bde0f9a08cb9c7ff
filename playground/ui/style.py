"""Colours, sizes and fonts of the canvas, in one table, so the palette can show the same legend.

Every colour on the canvas means one thing and is explained somewhere a student looks: category
colours in the palette's group headers, red and orange badges in the node tooltip and the Help.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont

#: layer category -> colour of the node's side strip and the palette chip
CATEGORY_COLORS = {
    "Input": "#3B7DD8",
    "Dense": "#7B61C9",
    "Convolution": "#2E9E5B",
    "Pooling": "#3AA6BE",
    "Shape": "#8C8C8C",
    "Normalization": "#C9609F",
    "Regularization": "#A97C3C",
    "Activation": "#D9A400",
    "Merge": "#1F8A8A",
    "Blocks": "#555555",
}

ERROR = QColor("#D62728")
WARNING = QColor("#E8830C")
SELECTED = QColor("#1E6FE0")
CANVAS_BG = QColor("#F4F5F7")
GRID_DOT = QColor("#D5D8DE")
NODE_BG = QColor("#FFFFFF")
NODE_BORDER = QColor("#9AA1AC")
TEXT = QColor("#1F2328")
MUTED = QColor("#5A6270")
EDGE = QColor("#7D8590")
EDGE_LABEL_BG = QColor(255, 255, 255, 235)
PORT = QColor("#FFFFFF")

NODE_W, NODE_H = 184.0, 64.0
HEADER_H = 22.0
PORT_R = 6.0


def category_color(category: str) -> QColor:
    return QColor(CATEGORY_COLORS.get(category, "#777777"))


def tint(color: QColor, amount: float) -> QColor:
    """``color`` mixed with white; ``amount`` 0 -> white, 1 -> the colour itself."""
    return QColor(int(255 + (color.red() - 255) * amount), int(255 + (color.green() - 255) * amount),
                  int(255 + (color.blue() - 255) * amount))


def font(point_size: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f
