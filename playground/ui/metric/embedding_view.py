"""The Embedding panel: what a metric-learning network has learned, live while it trains.

Owns ``EmbeddingPanel`` (the metric-learning task record's ``ui_evaluation`` view, also the
``embedding`` inside panel): a split combo and a one-line summary; the split's embedding as a 2-D
scatter coloured by class (the network's output when it has 2 values, its first two principal
components otherwise), redrawn as training runs; click two points to compare them in the
verification tool (distance against the threshold delta on a slider, accuracy and ROC over the
split's fixed pairs); the one-shot tab classifies examples by their nearest single reference per
class. The numbers come from ``playground/train/embedding_view.py`` (run in the training thread,
paced like every probe panel); the two tools live in ``embedding_tools.py``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QTabWidget, QVBoxLayout,
                               QWidget)

from playground.ui.panels.evaluation_plots import COLORS, _plot
from playground.ui.panels.probe_panel import PanelContext, ProbePanel
from playground.ui.metric.embedding_tools import OneShotBox, VerificationBox

SPLIT_LABELS = {"val": "validation", "test": "test", "train": "training"}


class EmbeddingPanel(ProbePanel):
    explanation = ("Every example as the point f(x) the network maps it to; a good embedding gathers each class "
                   "and keeps classes apart. Click two points: they count as the same class when "
                   "d = ||f(x1) − f(x2)||² is below the threshold δ.")
    follows_input = False
    interval_ms = 500

    def __init__(self, context: PanelContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.view = None
        self._pick_next = 0  # which of the two chosen points a click replaces
        self._classes_key: tuple | None = None
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Split"))
        self.split_combo = QComboBox()
        for split in ("val", "test", "train"):
            self.split_combo.addItem(SPLIT_LABELS[split], split)
        self.split_combo.currentIndexChanged.connect(self.invalidate)
        controls.addWidget(self.split_combo)
        self.same_button = QPushButton("Same-class pair")
        self.diff_button = QPushButton("Different pair")
        self.same_button.clicked.connect(lambda: self.next_pair(True))
        self.diff_button.clicked.connect(lambda: self.next_pair(False))
        controls.addWidget(self.same_button)
        controls.addWidget(self.diff_button)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        controls.addWidget(self.summary, 1)
        self.layout_.addLayout(controls)

        self.plot = _plot("embedding 2", "embedding 1")
        self.plot.setAspectLocked(False)
        self.scatters: list[pg.ScatterPlotItem] = []
        self.chosen = pg.ScatterPlotItem(size=16, pen=pg.mkPen("#1F2328", width=2), brush=pg.mkBrush(0, 0, 0, 0))
        self.link = pg.PlotDataItem([], [], pen=pg.mkPen("#1F2328", width=1, style=Qt.PenStyle.DashLine))
        self.plot.addItem(self.link)
        self.plot.addItem(self.chosen)
        self.tabs = QTabWidget()
        self.verify = VerificationBox()
        self.one_shot = OneShotBox()
        self.tabs.addTab(self.verify, "Verification")
        self.tabs.addTab(self.one_shot, "One-shot")
        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.plot, 1)
        self.key_label = QLabel("")  # the class colours (a legend inside the plot would hide points)
        self.key_label.setTextFormat(Qt.TextFormat.RichText)
        self.key_label.setWordWrap(True)
        box.addWidget(self.key_label)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setSizes([480, 520])
        self.layout_.addWidget(split, 1)
        self.finish_layout()

    # ---- asking ------------------------------------------------------------------------------------------

    def job(self) -> Callable | None:
        split = self.split_combo.currentData()

        def fn(trainer):
            from playground.core.errors import TrainingError
            from playground.train.embedding_view import embedding_view

            if trainer.info.task != "embedding":
                raise TrainingError(f"dataset '{trainer.info.name}' is a {trainer.info.task} task, not metric learning",
                                    where="Embedding panel",
                                    fix="choose a dataset ending in _metric (e.g. shapes_metric) or the preset "
                                        "siamese_shapes")
            return embedding_view(trainer, split)

        return fn

    # ---- drawing -------------------------------------------------------------------------------------------

    def show_result(self, view) -> None:
        old = self.view
        self.view = view
        where = SPLIT_LABELS.get(view.split, view.split)
        n = len(view.labels)
        if not n:
            self.summary.setText(f"The {where} split is empty: choose another split or change the split ratios.")
            return
        if old is not None and (old.split != view.split or len(old.labels) != n):
            self.verify.rows = (0, 0)  # other examples: start from the first fixed pair again
        self.summary.setText(
            f"{where}: {n} examples as {view.how}; verification accuracy {view.pairs['accuracy']:.1%} at the best δ "
            f"(AUC {view.pairs['auc']:.3f}), one-shot accuracy {view.one_shot_accuracy:.1%} (after {view.step} steps)")
        self._draw_scatter(view)
        self.verify.set_view(view)
        self.one_shot.set_view(view)
        self._draw_chosen()

    def _draw_scatter(self, view) -> None:
        key = tuple(view.class_names)
        if key != self._classes_key:  # new classes: new items (and colour key); else move the points
            for item in self.scatters:
                self.plot.removeItem(item)
            self.scatters = []
            for k, name in enumerate(view.class_names or ("examples",)):
                item = pg.ScatterPlotItem(size=7, pen=None, brush=pg.mkBrush(COLORS[k % len(COLORS)]))
                item.sigClicked.connect(self._clicked)
                self.plot.addItem(item)
                self.scatters.append(item)
            self._classes_key = key
            self.key_label.setText("  ".join(f'<span style="color:{COLORS[k % len(COLORS)]}">●</span> {name}'
                                             for k, name in enumerate(view.class_names)))
        for k, item in enumerate(self.scatters):
            rows = np.flatnonzero(view.labels == k) if view.class_names else np.arange(len(view.labels))
            item.setData(view.points[rows, 0], view.points[rows, 1], data=rows)
        first, second = ("embedding 1", "embedding 2") if "PCA" not in view.how else ("principal component 1",
                                                                                      "principal component 2")
        self.plot.setLabel("bottom", first)
        self.plot.setLabel("left", second)

    def _draw_chosen(self) -> None:
        view = self.view
        if view is None or not len(view.labels):
            return
        a, b = self.verify.rows
        pts = view.points[[a, b]]  # (2, 2)
        self.chosen.setData(pts[:, 0], pts[:, 1])
        self.link.setData(pts[:, 0], pts[:, 1])

    def _clicked(self, _item, points, *args) -> None:
        if not len(points):
            return
        self.choose(int(points[0].data()))

    def choose(self, row: int) -> None:
        """Make example ``row`` (of the view) one of the two compared, replacing the older choice."""
        rows = list(self.verify.rows)
        rows[self._pick_next] = row
        self._pick_next = 1 - self._pick_next
        self.verify.set_rows(*rows)
        self.tabs.setCurrentWidget(self.verify)
        self._draw_chosen()

    def next_pair(self, same: bool) -> None:
        """Show the next fixed pair of one class (``same``) or of two classes."""
        view = self.view
        if view is None or not len(view.pairs["i"]):
            return
        kinds = np.flatnonzero(np.asarray(view.pairs["same"]) == same)
        if not len(kinds):
            return
        current = [k for k in kinds if (view.pairs["i"][k], view.pairs["j"][k]) == self.verify.rows]
        k = kinds[(list(kinds).index(current[0]) + 1) % len(kinds)] if current else kinds[0]
        self.verify.set_rows(int(view.pairs["i"][k]), int(view.pairs["j"][k]))
        self._draw_chosen()
