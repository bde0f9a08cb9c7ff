"""File > Import Trained Layers…: the chooser that lists a file's trained layers beside this project's.

Owns ``ImportLayersDialog``: a table with one row per layer of the source file (its weight shape,
the shape of this project's layer of the same name, and, when they differ, why in words), a tick
per importable layer (refused ones cannot be ticked and say why), "Freeze imported layers", and a
"Forget imported layers" button when the project already starts from imported ones. It reads
nothing and changes nothing: the file is read by ``import_ops`` (safely, ``weights_only``) and the
chosen layers are applied there as one undoable step. The rules (which layers fit, the words) are
``nn.transfer``'s.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QHeaderView, QLabel,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

COLUMNS = ("Import", "Layer", "In the file", "In this project", "Note")
REFUSED = QColor("#B3261E")


class ImportLayersDialog(QDialog):
    """``rows``: ``nn.transfer.layer_rows`` of the source file against this project's model."""

    def __init__(self, rows: list[dict], source: str, imported: list[str] | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Import Trained Layers")
        self.setObjectName("import_layers_dialog")
        self.rows = rows
        self.forget = False  # "Forget imported layers" was pressed
        layout = QVBoxLayout(self)
        fits = sum(r["problem"] is None for r in rows)
        head = QLabel(f"<b>{source}</b>: {len(rows)} layer(s) with weights, {fits} fit this project. The ticked "
                      "layers' trained weights become this project's initial weights: training starts from "
                      "them and Rewind comes back to them.")
        head.setWordWrap(True)
        layout.addWidget(head)
        self.table = QTableWidget(len(rows), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for k, row in enumerate(rows):
            tick = QTableWidgetItem()
            ok = row["problem"] is None
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled if ok else Qt.ItemFlag.NoItemFlags)
            tick.setCheckState(Qt.CheckState.Checked if ok else Qt.CheckState.Unchecked)
            self.table.setItem(k, 0, tick)
            note = "fits: same shapes" if ok else row["problem"].split(": ", 1)[1]
            for c, text in enumerate((row["name"], row["source"], row["here"], note), start=1):
                item = QTableWidgetItem(text)
                if not ok:
                    item.setForeground(REFUSED)
                    item.setToolTip(row["problem"])
                self.table.setItem(k, c, item)
        header = self.table.horizontalHeader()
        for c in range(4):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        self.table.setCurrentItem(None)  # no focus frame on the first tick until the person moves there
        layout.addWidget(self.table)
        self.freeze = QCheckBox("Freeze imported layers (trainable off: training leaves them as imported)")
        self.freeze.setToolTip("With few examples, keep the features learned on the big dataset and train only "
                               "the new layers; untick later (inspector) to fine-tune everything")
        layout.addWidget(self.freeze)
        if not fits:
            warn = QLabel("No layer of this file fits this project: the names or shapes differ (see the notes).")
            warn.setStyleSheet(f"color:{REFUSED.name()}")
            warn.setWordWrap(True)
            layout.addWidget(warn)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        if imported:
            forget = QPushButton("Forget imported layers")
            forget.setToolTip(f"Start from freshly drawn weights again (now imported: {', '.join(imported)})")
            forget.clicked.connect(self._forget)
            buttons.addButton(forget, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.table.itemChanged.connect(self._update)
        layout.addWidget(buttons)
        self._update()
        self.resize(760, 420)

    def chosen(self) -> list[str]:
        """The ticked layers' names, in file order."""
        return [r["name"] for k, r in enumerate(self.rows)
                if self.table.item(k, 0).checkState() == Qt.CheckState.Checked]

    def set_chosen(self, names) -> None:
        for k, r in enumerate(self.rows):
            item = self.table.item(k, 0)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(Qt.CheckState.Checked if r["name"] in names else Qt.CheckState.Unchecked)

    def _update(self, *_args) -> None:
        self.ok.setEnabled(bool(self.chosen()))

    def _forget(self) -> None:
        self.forget = True
        self.accept()
