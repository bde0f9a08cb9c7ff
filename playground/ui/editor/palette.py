"""The layer palette: every layer kind from the catalog, grouped by category, searchable.

Generated from the layer registry (and the ready-made blocks), so a new layer kind appears here by
itself. Each group header carries its category colour, the same as the cards on the canvas: the
palette is the legend. Dragging an entry carries ``LAYER_MIME`` data to the canvas; double-clicking
(or Enter, also in the search box) emits ``activated(payload)``, which the window turns into "append after the selection".
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QDrag, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from playground.graph.blocks import BLOCKS
from playground.graph.layers import REGISTRY, all_specs
from playground.ui.common import style
from playground.ui.canvas.view import LAYER_MIME

PAYLOAD = Qt.ItemDataRole.UserRole
CATEGORY_HELP = {
    "Input": "where the data comes in; every network starts with one",
    "Dense": "every input connected to every output",
    "Convolution": "small filters slid over an image",
    "Pooling": "shrink an image by summarising windows",
    "Shape": "reshape a tensor without learning anything",
    "Normalization": "rescale values to keep training stable",
    "Regularization": "fight overfitting",
    "Activation": "the non-linearity between layers",
    "Merge": "join several branches (fan-in)",
    "Blocks": "ready-made groups of layers, added after the selected layer",
}


def chip(color: QColor, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(color)
    painter.setPen(color.darker(130))
    painter.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    painter.end()
    return QIcon(pixmap)


def mime_for(payload: str) -> QMimeData:
    """What a palette drag carries: ``LAYER_MIME`` with the payload, and the kind as text."""
    mime = QMimeData()
    mime.setData(LAYER_MIME, payload.encode("utf-8"))
    mime.setText(payload.split(":", 1)[1])
    return mime


class _Tree(QTreeWidget):
    #: Enter on an entry (double-click is ``itemDoubleClicked``; not ``itemActivated``, which some
    #: desktops fire on a single click)
    entered = Signal(QTreeWidgetItem)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            self.entered.emit(self.currentItem())
            return
        super().keyPressEvent(event)

    def startDrag(self, actions) -> None:
        item = self.currentItem()
        payload = item.data(0, PAYLOAD) if item is not None else None
        if not payload:
            return
        drag = QDrag(self)
        drag.setMimeData(mime_for(payload))
        drag.setPixmap(self._drag_pixmap(item.text(0)))
        drag.exec(Qt.DropAction.CopyAction)

    def _drag_pixmap(self, text: str) -> QPixmap:
        metrics = self.fontMetrics()
        pixmap = QPixmap(metrics.horizontalAdvance(text) + 20, metrics.height() + 10)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setBrush(QColor(255, 255, 255, 230))
        painter.setPen(style.SELECTED)
        painter.drawRoundedRect(pixmap.rect().adjusted(0, 0, -1, -1), 5, 5)
        painter.setPen(style.TEXT)
        painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        return pixmap


class Palette(QWidget):
    activated = Signal(str)  # "layer:Conv2d" | "block:Residual block"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Search layers (e.g. conv, pool, relu)")
        self.search.setClearButtonEnabled(True)
        self.tree = _Tree()
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(14)
        hint = QLabel("Drag a layer onto the canvas, or double-click it to add it after the selected layer.")
        hint.setWordWrap(True)
        style.mute(hint)
        hint.setStyleSheet("font-size: 11px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(hint)
        self.groups: dict[str, QTreeWidgetItem] = {}
        self._fill()
        self.search.textChanged.connect(self.filter)
        self.tree.itemDoubleClicked.connect(self._activated)
        self.tree.entered.connect(self._activated)
        self.search.returnPressed.connect(self._add_first_match)

    def _fill(self) -> None:
        all_specs()
        groups = dict(REGISTRY.by_category())
        for category, specs in groups.items():
            group = self._group(category)
            for spec in specs:
                item = QTreeWidgetItem([spec.label])
                item.setData(0, PAYLOAD, f"layer:{spec.kind}")
                item.setToolTip(0, _tooltip(spec.tooltip()))
                group.addChild(item)
        blocks = self._group("Blocks")
        for name, (doc, _fn) in BLOCKS.items():
            item = QTreeWidgetItem([name])
            item.setData(0, PAYLOAD, f"block:{name}")
            item.setToolTip(0, _tooltip(f"{name}: {doc}\n\nAdded after the selected layer, which must give an image "
                                        "(channels, height, width)."))
            blocks.addChild(item)
        self.tree.expandAll()

    def _group(self, category: str) -> QTreeWidgetItem:
        group = QTreeWidgetItem([category])
        group.setIcon(0, chip(style.category_color(category)))
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = group.font(0)
        font.setBold(True)
        group.setFont(0, font)
        group.setToolTip(0, f"{category}: {CATEGORY_HELP.get(category, '')}.\nThe colour marks these layers on the canvas.")
        self.tree.addTopLevelItem(group)
        self.groups[category] = group
        return group

    def entries(self) -> dict[str, QTreeWidgetItem]:
        return {group.child(i).data(0, PAYLOAD): group.child(i)
                for group in self.groups.values() for i in range(group.childCount())}

    def filter(self, text: str) -> None:
        words = text.lower().split()
        for category, group in self.groups.items():
            shown = 0
            for i in range(group.childCount()):
                item = group.child(i)
                haystack = f"{item.text(0)} {item.data(0, PAYLOAD)} {item.toolTip(0)} {category}".lower()
                hit = all(w in haystack for w in words)
                item.setHidden(not hit)
                shown += hit
            group.setHidden(shown == 0)
        current = self.tree.currentItem()
        if words and (current is None or current.isHidden() or not current.data(0, PAYLOAD)):
            visible = [item for item in self.entries().values() if not item.isHidden()]
            if visible:
                self.tree.setCurrentItem(visible[0])

    def _add_first_match(self) -> None:
        item = self.tree.currentItem()
        if item is not None and not item.isHidden() and item.data(0, PAYLOAD):
            self._activated(item)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        payload = item.data(0, PAYLOAD)
        if payload:
            self.activated.emit(payload)


def _tooltip(text: str) -> str:
    body = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
    return f"<p style='max-width: 360px'>{body}</p>"
