"""The problems list: every issue from graph validation, errors first; clicking one selects its
layer. When there are none it says the network is ready, so the panel is never a mystery.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from playground.ui import style
from playground.ui.document import Document
from playground.ui.palette import chip


class ProblemsPanel(QWidget):
    node_clicked = Signal(str)

    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.itemClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list)
        doc.analysis_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        issues = sorted(self.doc.issues, key=lambda i: i.severity != "error")
        if not issues:
            item = QListWidgetItem(chip(style.category_color("Convolution")),
                                   "No problems: every layer fits the next, and the network is ready to train.")
            self.list.addItem(item)
            return
        for issue in issues:
            color = style.ERROR if issue.severity == "error" else style.WARNING
            word = "Problem" if issue.severity == "error" else "Advice"
            item = QListWidgetItem(chip(color), f"{word}: {issue.message}")
            item.setData(Qt.ItemDataRole.UserRole, issue.node_id)
            item.setToolTip(issue.message)
            self.list.addItem(item)

    def _clicked(self, item: QListWidgetItem) -> None:
        node_id = item.data(Qt.ItemDataRole.UserRole)
        if node_id:
            self.node_clicked.emit(node_id)
