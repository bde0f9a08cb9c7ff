"""The evaluation panel's gallery: examples of one confusion-matrix cell or the misclassified ones.

Owns ``ExampleGallery``: image datasets show the examples as tiles (``ImageGrid``) captioned
"true → predicted (p=0.83)"; other data (2-D points, table rows) show as a table of index, true
class, prediction, confidence and input values. Clicking an example emits ``example_chosen(index)``
with its index in the split. It shows what it is given (indices, stored-unit inputs and class
probabilities from an ``EvaluationView``); it decides nothing about which examples.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QScrollArea, QStackedWidget,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from playground.ui.panels.evaluation_tables import short
from playground.ui.plots.image_grid import ImageGrid

def tile_of(x: np.ndarray) -> np.ndarray:
    """One stored-unit image (C, H, W) as an ImageGrid tile: (H, W) gray or (H, W, 3) colour."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 3 and x.shape[0] == 1:
        return x[0]
    if x.ndim == 3:
        return np.clip(x[:3].transpose(1, 2, 0), 0, 1)  # (H, W, 3)
    return x


class ExampleGallery(QWidget):
    example_chosen = Signal(int)  # index in the split

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.stack = QStackedWidget()
        self.grid = ImageGrid(min_tile=136, max_tile=136)
        self.grid.tile_clicked.connect(self._tile)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.grid)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.cellClicked.connect(lambda r, _c: self._row(r))
        self.stack.addWidget(self.scroll)
        self.stack.addWidget(self.table)
        layout.addWidget(self.stack, 1)
        self.indices = np.zeros(0, dtype=np.int64)  # the examples shown, in order

    def show_examples(self, title: str, indices: np.ndarray, view, names, image: bool) -> None:
        """Examples ``indices`` of ``view`` (an EvaluationView); only those that came back with inputs."""
        rows = [view.row_of(int(i)) for i in indices]
        keep = [k for k, r in enumerate(rows) if r >= 0]
        self.indices = np.asarray([int(indices[k]) for k in keep], dtype=np.int64)
        rows = [rows[k] for k in keep]
        self.title.setText(title)
        pred = view.evaluation.predictions
        true = view.true
        captions = []
        for i, r in zip(self.indices, rows):
            if view.probs is not None and true.ndim == 1:
                p = float(view.probs[r, int(pred[i])])
                captions.append(f"{short(names[int(true[i])])} → {short(names[int(pred[i])])} (p={p:.2f})")
            else:  # segmentation: per-pixel labels
                wrong = int(np.sum(np.asarray(pred[i]) != np.asarray(true[i])))
                captions.append(f"#{i}: {wrong} wrong pixels")
        if image:
            self.stack.setCurrentWidget(self.scroll)
            if len(self.indices):
                self.grid.set_tiles([tile_of(view.inputs[r]) for r in rows], captions, scale=(0.0, 1.0),
                                    cmap="gray", legend=False)
            else:
                self.grid.clear("No examples here.")
        else:
            self.stack.setCurrentWidget(self.table)
            self._fill_table(view, rows, names)

    def _fill_table(self, view, rows, names) -> None:
        pred, true = view.evaluation.predictions, view.true
        width = int(np.prod(view.inputs.shape[1:])) if view.inputs is not None and len(view.inputs) else 0
        shown_inputs = min(width, 4)
        heads = ["example", "true", "predicted", "p"] + [f"x{k + 1}" for k in range(shown_inputs)]
        self.table.setColumnCount(len(heads))
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setRowCount(len(self.indices))
        for n, (i, r) in enumerate(zip(self.indices, rows)):
            x = np.ravel(view.inputs[r])
            cells = [str(int(i)), names[int(true[i])], names[int(pred[i])],
                     f"{view.probs[r, int(pred[i])]:.2f}" if view.probs is not None else ""]
            cells += [f"{v:.3g}" for v in x[:shown_inputs]]
            for k, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(n, k, item)
        if not len(self.indices):
            self.table.setRowCount(0)

    def clear(self, text: str) -> None:
        self.indices = np.zeros(0, dtype=np.int64)
        self.title.setText(text)
        self.grid.clear("")
        self.table.setRowCount(0)

    def highlight(self, index: int | None) -> None:
        hit = np.flatnonzero(self.indices == index) if index is not None else np.zeros(0)
        self.grid.set_highlight(int(hit[0]) if hit.size else None)
        if hit.size and self.stack.currentWidget() is self.table:
            self.table.selectRow(int(hit[0]))

    def _tile(self, tile: int, _row: int, _col: int) -> None:
        self._row(tile)

    def _row(self, n: int) -> None:
        if 0 <= n < len(self.indices):
            self.example_chosen.emit(int(self.indices[n]))
