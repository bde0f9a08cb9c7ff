"""File > New from Preset: a gallery of the ready-made networks, each with a picture of its graph
and one line on what it shows. Pictures are drawn from the presets themselves (the same cards as
the canvas, shrunk), so they never go out of date.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)

from playground.graph.project import Project, list_presets, load_project
from playground.ui import style

THUMB = QSize(120, 150)


def thumbnail(project: Project, size: QSize = THUMB) -> QPixmap:
    """A small picture of ``project``'s network."""
    from playground.ui.canvas.scene import GraphScene
    from playground.ui.document import Document

    doc = Document(project)
    scene = GraphScene(doc)
    pixmap = QPixmap(size)
    pixmap.fill(style.CANVAS_BG)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    source = scene.itemsBoundingRect().adjusted(-10, -10, 10, 10)
    scene.render(painter, QRectF(2, 2, size.width() - 4, size.height() - 4), source, Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()
    doc.release()
    scene.deleteLater()
    doc.deleteLater()
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
