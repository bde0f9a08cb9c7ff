"""The summary view: the per-layer table of ``playground check`` and the totals, in the app.

Columns: layer, kind, output shape, parameters, multiply-adds, receptive field. Below: totals and
the estimated training memory for a batch size the person picks. Rebuilt only while visible (the
receptive-field pass is cheap, but there is no need to run it for a hidden tab). Clicking a row
selects that layer on the canvas.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from playground.graph.shapes import format_shape, human_bytes, human_count
from playground.graph.summary import summarize
from playground.ui.project.document import Document
from playground.ui.common.lazy_panel import LazyPanel

COLUMNS = ("layer", "kind", "output shape", "parameters", "multiply-adds", "receptive field")
TIPS = ("The layer's name", "The layer's kind", "Shape of one sample's output (no batch dimension)",
        "Learned numbers (weights and biases)", "Multiply-accumulate operations per sample: a measure of compute",
        "How many input pixels one output value can see (analytic, through all branches)")


class SummaryView(LazyPanel):
    node_clicked = Signal(str)

    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.stale = True
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        for i, tip in enumerate(TIPS):
            self.table.horizontalHeaderItem(i).setToolTip(tip)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.cellClicked.connect(self._clicked)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.batch = QSpinBox()
        self.batch.setRange(1, 65536)
        self.batch.setValue(32)
        self.batch.setPrefix("batch ")
        self.batch.setToolTip("Batch size for the memory estimate")
        self.batch.valueChanged.connect(lambda _v: self.refresh())
        row = QHBoxLayout()
        row.addWidget(self.totals, 1)
        row.addWidget(self.batch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        doc.analysis_changed.connect(self._changed)
        doc.node_changed.connect(lambda node, what: self._changed() if what == "name" else None)
        doc.project_replaced.connect(self._project_replaced)
        self._project_replaced()

    def _project_replaced(self) -> None:
        batch = self.doc.project.training.get("batch_size")
        if isinstance(batch, int) and batch > 0:
            self.batch.blockSignals(True)
            self.batch.setValue(batch)
            self.batch.blockSignals(False)
        self._changed()

    def refresh(self) -> None:
        self.stale = False
        summary = summarize(self.doc.graph)
        self.table.setRowCount(len(summary.rows))
        for r, row in enumerate(summary.rows):
            rf = row["receptive_field"]["text"] if row["receptive_field"] else "-"
            name = row["name"] if row["trainable"] else f"\N{LOCK} {row['name']} (frozen)"
            values = (name, row["kind"], format_shape(row["output_shape"]), f"{row['params']:,}",
                      human_count(row["macs"]), rf)
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, row["id"])
                if c in (3, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        batch = self.batch.value()
        errors = sum(1 for i in summary.issues if i.severity == "error")
        state = f"<span style='color:#D62728'>{errors} problem(s): see the Problems tab</span>" if errors else \
            "<span style='color:#2E7D32'>valid</span>"
        self.totals.setText(
            f"<b>Total</b>: {summary.total_params:,} parameters{summary.split_text()}, {human_count(summary.total_macs)} multiply-adds and "
            f"{human_bytes(summary.activation_bytes)} of activations per sample; about "
            f"<b>{human_bytes(summary.memory_for_batch(batch))}</b> to train with a batch of {batch} "
            f"(activations, weights, gradients, Adam state). Network: {state}.")

    def _clicked(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.node_clicked.emit(item.data(Qt.ItemDataRole.UserRole))
