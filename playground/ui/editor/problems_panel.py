"""The problems list: every issue from graph validation and the network/dataset/loss fit, errors
first; clicking one selects its layer. An issue with an obvious repair (``fit_check.Fix``) gets a
line of its own under it, "Fix: ..."; one click on it makes the repair as one undoable step. When
there are none it says the network is ready, so the panel is never a mystery.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from playground.ui.common import style
from playground.ui.project.document import Document
from playground.ui.editor.palette import chip


FIX_ROLE = Qt.ItemDataRole.UserRole + 1


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
            fix = getattr(issue, "fix", None)
            if fix is not None:
                button = QListWidgetItem(f"    \u2192 Fix: {fix.label} (click; Ctrl+Z undoes it)")
                button.setData(FIX_ROLE, fix)
                button.setForeground(QColor(style.ERROR))
                font = button.font()
                font.setUnderline(True)
                button.setFont(font)
                button.setToolTip(f"{fix.label}: one undoable step")
                self.list.addItem(button)

    def fix_items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count()) if self.list.item(i).data(FIX_ROLE) is not None]

    def _clicked(self, item: QListWidgetItem) -> None:
        fix = item.data(FIX_ROLE)
        if fix is not None:
            from playground.ui.training.fit_issues import apply_fit_fix

            QTimer.singleShot(0, lambda: apply_fit_fix(self.doc, fix))  # the list is rebuilt after it
            return
        node_id = item.data(Qt.ItemDataRole.UserRole)
        if node_id:
            self.node_clicked.emit(node_id)
