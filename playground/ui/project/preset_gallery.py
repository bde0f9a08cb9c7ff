"""File > New from Preset: a gallery of the ready-made networks, each with a picture of its graph
and one line on what it shows. Pictures are drawn from the presets themselves (the colours of
the canvas: one block per layer in its family's colour), so they never go out of date.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)

from playground.graph.layout import DX, DY
from playground.graph.project import Project, list_presets, load_project
from playground.ui.common import style

THUMB = QSize(120, 150)


def thumbnail(project: Project, size: QSize = THUMB) -> QPixmap:
    """A schematic picture of ``project``'s network: one block per layer in its family's colour,
    stretched to fill the picture (a deep network stays a readable column, not a sliver)."""
    graph = project.graph
    pixmap = QPixmap(size)
    pixmap.fill(style.CANVAS_BG)
    if not graph.nodes:
        return pixmap
    xs = [n.pos[0] for n in graph.nodes.values()]
    ys = [n.pos[1] for n in graph.nodes.values()]
    margin, w, h = 8.0, size.width(), size.height()
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    rows = max(1, round(span_y / DY) + 1)
    block_h = min(12.0, (h - 2 * margin) / rows * 0.62)
    block_w = 44.0 if not span_x else min(44.0, (w - 2 * margin) / (span_x / DX + 1) * 0.8)
    sx = (w - 2 * margin - block_w) / span_x if span_x else 0.0
    sy = (h - 2 * margin - block_h) / span_y if span_y else 0.0

    def center(node) -> QPointF:
        x = w / 2 if not span_x else margin + block_w / 2 + (node.pos[0] - min(xs)) * sx
        y = h / 2 if not span_y else margin + block_h / 2 + (node.pos[1] - min(ys)) * sy
        return QPointF(x, y)

    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(style.EDGE, 1.2))
    for edge in graph.edges:
        painter.drawLine(center(graph.nodes[edge.src]), center(graph.nodes[edge.dst]))
    for node in graph.nodes.values():
        color = style.category_color(node.spec.category)
        c = center(node)
        painter.setPen(QPen(color.darker(130), 1))
        painter.setBrush(color)
        painter.drawRoundedRect(QRectF(c.x() - block_w / 2, c.y() - block_h / 2, block_w, block_h), 3, 3)
    painter.end()
    return pixmap


class PresetGallery(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("New from preset")
        self.resize(640, 560)
        self.list = QListWidget()
        self.list.setSpacing(2)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        intro = QLabel("Pick a ready-made network to start from. Each opens as a new, unsaved project.")
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        for preset in list_presets():
            self._add(preset)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _add(self, preset: dict) -> None:
        row = QWidget()
        picture = QLabel()
        picture.setPixmap(thumbnail(load_project(preset["name"])))
        picture.setFixedSize(THUMB)
        text = QLabel(f"<b>{preset['title']}</b> <span style='color:#5A6270'>({preset['name']})</span><br>"
                      f"{preset['description']}<br><span style='color:#5A6270'>dataset: {preset['dataset']}</span>")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(picture)
        layout.addWidget(text, 1)
        item = QListWidgetItem()
        item.setData(Qt.ItemDataRole.UserRole, preset["name"])
        item.setSizeHint(QSize(100, THUMB.height() + 10))
        self.list.addItem(item)
        self.list.setItemWidget(item, row)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None
