"""The evaluation panel's two tables: the confusion matrix as a heat map and the per-class scores.

Owns ``ConfusionTable`` (rows = true class, columns = predicted class, the count written in each
cell and the cell coloured by it, optionally normalized by row so each row shows where that class's
examples went; ``cell_chosen(true, predicted)`` when a cell is clicked) and ``ScoresTable``
(precision, recall, F1, AUC and support per class, then accuracy and the macro and weighted
averages, laid out like scikit-learn's classification report). They draw an ``Evaluation``;
they compute nothing but the averages.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from playground.ui.plots.image_grid import lut

HEAT = "CET-L12"  # white to blue: zero stays white, so an almost-diagonal matrix reads at a glance


MAX_NAME = 10  # longer class names are shortened in column headers and captions (tooltips have them whole)


def short(name: str) -> str:
    """'horizontal bar' -> 'hor. bar': headers and captions under small tiles stay readable."""
    if len(name) <= MAX_NAME:
        return name
    words = name.split()
    if len(words) > 1:
        return " ".join([w[:3] + "." for w in words[:-1]] + [words[-1][:MAX_NAME]])
    return name[: MAX_NAME - 1] + "…"


def _item(text: str, align=Qt.AlignmentFlag.AlignCenter) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(align)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return item


class ConfusionTable(QTableWidget):
    cell_chosen = Signal(int, int)  # true class, predicted class

    def __init__(self, parent=None):
        super().__init__(parent)
        self.matrix = np.zeros((0, 0), dtype=np.int64)
        self.normalized = False
        self.names: tuple[str, ...] = ()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setMinimumSectionSize(34)
        self.setToolTip("Rows: the true class. Columns: what the network predicted. Click a cell to see its examples.")
        self.cellClicked.connect(self._clicked)

    def set_matrix(self, matrix: np.ndarray, names, normalized: bool = False) -> None:
        self.matrix = np.asarray(matrix, dtype=np.int64)
        self.names = tuple(names)
        self.normalized = normalized
        c = len(self.matrix)
        self.setRowCount(c)
        self.setColumnCount(c)
        self.setHorizontalHeaderLabels([short(n) for n in self.names])
        self.setVerticalHeaderLabels([f"{n}" for n in self.names])
        rows = self.matrix.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.where(rows > 0, self.matrix / np.maximum(rows, 1), 0.0)  # (C, C) share of each row
        top = max(1, int(self.matrix.max())) if self.matrix.size else 1
        level = frac if normalized else self.matrix / top
        table = lut(HEAT)
        for r in range(c):
            for k in range(c):
                n = int(self.matrix[r, k])
                text = f"{frac[r, k]:.0%}\n{n}" if normalized else f"{n}"
                item = _item(text)
                rgb = table[int(np.clip(level[r, k], 0, 1) * 255)]
                item.setBackground(QBrush(QColor(int(rgb[0]), int(rgb[1]), int(rgb[2]))))
                dark = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] < 140
                item.setForeground(QBrush(QColor("#FFFFFF" if dark else "#1F2328")))
                item.setToolTip(f"true {self.names[r]}, predicted {self.names[k]}: {n} "
                                f"({frac[r, k]:.1%} of the {int(rows[r, 0])} {self.names[r]} examples)")
                self.setItem(r, k, item)

    def text_at(self, r: int, k: int) -> str:
        return self.item(r, k).text()

    def _clicked(self, r: int, k: int) -> None:
        self.cell_chosen.emit(r, k)


COLUMNS = ("precision", "recall", "F1", "AUC", "support")


class ScoresTable(QTableWidget):
    """Per-class precision / recall / F1 / AUC / support, then accuracy, macro and weighted averages."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setColumnCount(len(COLUMNS))
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.values: dict[str, dict[str, float]] = {}  # row name -> column -> number (tests read it)

    def set_evaluation(self, ev) -> None:
        names = list(ev.class_names)
        support = np.asarray(ev.support, dtype=np.float64)
        total = support.sum()
        auc = np.asarray(ev.auc, dtype=np.float64) if ev.auc is not None else np.full(len(names), np.nan)
        rows: dict[str, dict[str, float]] = {}
        for i, name in enumerate(names):
            rows[name] = {"precision": ev.precision[i], "recall": ev.recall[i], "F1": ev.f1[i], "AUC": auc[i],
                          "support": support[i]}
        rows["accuracy"] = {"F1": ev.accuracy, "support": total}
        weights = support / total if total > 0 else np.zeros_like(support)
        for label, avg in (("macro avg", lambda v: float(np.mean(v))),
                           ("weighted avg", lambda v: float(np.sum(np.asarray(v) * weights)))):
            rows[label] = {k: avg(getattr(ev, a)) for k, a in (("precision", "precision"), ("recall", "recall"),
                                                              ("F1", "f1"))}
            rows[label]["AUC"] = (float(np.nanmean(auc)) if label == "macro avg" else float(np.nansum(auc * weights))) \
                if np.isfinite(auc).any() else float("nan")
            rows[label]["support"] = total
        self.values = {k: {c: float(v) for c, v in row.items()} for k, row in rows.items()}
        self.setRowCount(len(rows))
        self.setVerticalHeaderLabels(list(rows))
        for r, row in enumerate(rows.values()):
            for k, col in enumerate(COLUMNS):
                value = row.get(col)
                if value is None or not np.isfinite(value):
                    text = ""
                elif col == "support":
                    text = f"{int(value)}"
                else:
                    text = f"{value:.3f}"
                self.setItem(r, k, _item(text, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
        for r in range(len(names), len(rows)):  # the summary rows stand apart
            for k in range(len(COLUMNS)):
                self.item(r, k).setBackground(QBrush(QColor("#F2F4F7")))
