"""A lesson's picture in the Lessons browser: its network drawn small, in the canvas's colours.

Owns ``lesson_picture(lesson, width, height)``: the lesson's own project (``lesson_project``: a
preset or its inline network, no torch) laid out as its layers in order, one rounded block per
layer coloured by the layer's category (as on the canvas and in the palette), the layer's kind
written in it when there is room, branches stacked, and the dataset's name underneath. It is the
network the lesson opens, so the picture never promises something else.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap

from playground.ui.common import style

SHORT = {"PointsInput": "in", "ImageInput": "img", "VectorInput": "in", "Linear": "fc", "Conv2d": "conv",
         "MaxPool2d": "max", "AvgPool2d": "avg", "Flatten": "flat", "BatchNorm1d": "BN", "BatchNorm2d": "BN",
         "Dropout": "drop", "ConvTranspose2d": "up", "Concat": "cat", "Add": "+"}


def _depths(graph) -> dict:
    """Each node's column: the longest path from an input (the canvas's left-to-right order)."""
    depth: dict = {}
    for node_id in graph.topological_order():
        ins = [e.src for e in graph.in_edges(node_id)]
        depth[node_id] = 1 + max((depth[i] for i in ins), default=-1)
    return depth


def lesson_picture(lesson, width: int = 360, height: int = 120) -> QPixmap:
    from playground.train.lessons.catalog import lesson_project

    pixmap = QPixmap(width, height)
    pixmap.fill(style.color("CANVAS_BG"))
    try:
        project = lesson_project(lesson)
    except Exception:  # a lesson whose project cannot load: the browser lists the reason elsewhere
        return pixmap
    graph = project.graph
    depth = _depths(graph)
    columns: dict[int, list] = {}
    for node_id in graph.topological_order():
        columns.setdefault(depth[node_id], []).append(graph.nodes[node_id])
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    n = max(len(columns), 1)
    gap = 4.0
    block_w = max(6.0, (width - 16 - gap * (n - 1)) / n)
    area_h = height - 30
    font = QFont(painter.font())
    font.setPointSizeF(7.5)
    painter.setFont(font)
    for col, nodes in sorted(columns.items()):
        rows = len(nodes)
        block_h = min(area_h * 0.7, (area_h - gap * (rows - 1)) / rows)
        top = 8 + (area_h - rows * block_h - gap * (rows - 1)) / 2
        for r, node in enumerate(nodes):
            rect = QRectF(8 + col * (block_w + gap), top + r * (block_h + gap), block_w, block_h)
            fill = style.category_color(node.spec.category)
            painter.setPen(fill.darker(130))
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 3, 3)
            label = SHORT.get(node.kind, node.kind[:4].lower())
            if painter.fontMetrics().horizontalAdvance(label) + 2 <= block_w:
                painter.setPen(QColor("white"))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
    dataset = (project.dataset or {}).get("name", "")
    painter.setPen(style.color("MUTED"))
    painter.drawText(QRectF(8, height - 20, width - 16, 16), Qt.AlignmentFlag.AlignLeft,
                     f"{len(graph.nodes)} layers · data: {dataset}")
    painter.end()
    return pixmap
