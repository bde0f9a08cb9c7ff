"""The code view: the network as standalone PyTorch source, read-only, highlighted, with Copy and
Save. The source comes from ``playground.nn.codegen`` (which imports torch), so it is generated
only while the tab is visible and only once the background import has finished; until then it
says so. A network with errors shows what to fix instead of code.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QTextEdit,
                               QVBoxLayout)

from playground.core.errors import PlaygroundError
from playground.core.files import atomic_write_text
from playground.ui.common import preload
from playground.ui.project.document import Document
from playground.ui.editor.highlighter import to_html
from playground.ui.common.lazy_panel import LazyPanel


class CodeView(LazyPanel):
    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.stale = True
        self.source = ""  # the last generated source ("" when it cannot be generated)
        self.text = QTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QTextEdit.LineWrapMode.NoWrap)
        self.text.document().setDefaultFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.status = QLabel()
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the whole source to the clipboard")
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton("Save…")
        self.save_button.setToolTip("Save the source as a .py file that needs only PyTorch")
        self.save_button.clicked.connect(self.save)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.copy_button)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.text, 1)
        layout.addLayout(row)
        doc.analysis_changed.connect(self._changed)
        doc.node_changed.connect(lambda node, what: self._changed() if what != "pos" else None)
        doc.project_replaced.connect(self._changed)
        self._set_buttons()

    def refresh(self) -> None:
        if not preload.ready():
            self.status.setText("Loading PyTorch…")
            preload.when_ready(self.refresh, self)
            return
        self.stale = False
        try:
            from playground.nn.codegen import generate_source

            self.source = generate_source(self.doc.graph, self.doc.project.name)
            self.text.setHtml(to_html(self.source))
            self.status.setText(f"{self.source.count(chr(10))} lines of PyTorch; run it with only torch installed.")
        except PlaygroundError as exc:
            self.source = ""
            lines = "\n".join(f"# {line}" for line in str(exc).splitlines())
            self.text.setPlainText(f"# The code appears here once the network is valid.\n#\n{lines}")
            self.status.setText("Fix the problems marked red on the canvas to see the code.")
        except ImportError as exc:
            self.source = ""
            self.text.setPlainText(f"# PyTorch could not be loaded: {exc}")
            self.status.setText("PyTorch is not available.")
        self._set_buttons()

    def _set_buttons(self) -> None:
        self.copy_button.setEnabled(bool(self.source))
        self.save_button.setEnabled(bool(self.source))

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.source)
        self.status.setText("Copied to the clipboard.")

    def save(self) -> None:
        default = (self.doc.project.path.with_suffix(".py") if self.doc.project.path else
                   Path.home() / f"{_slug(self.doc.project.name)}.py")
        path, _ = QFileDialog.getSaveFileName(self, "Save PyTorch source", str(default), "Python source (*.py)")
        if not path:
            return
        try:
            atomic_write_text(path, self.source)
        except OSError as exc:
            QMessageBox.critical(self, "Cannot save", f"{path}: {exc}")
            return
        self.status.setText(f"Saved {path}")


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_") or "model"
