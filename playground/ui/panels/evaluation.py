"""The Evaluation panel: how well the network does on a whole split, class by class, and why.

Owns ``EvaluationPanel``: a split combo and a one-line summary; the confusion matrix as a heat map
(click a cell to list its examples in the gallery below; a normalize-by-row toggle); the gallery
(misclassified examples by default, captioned true → predicted with the confidence; clicking one
makes it the shared input every panel looks at); tabs with the per-class precision/recall/F1
table, the one-vs-rest ROC curves and the saliency of the chosen example. Regression datasets show
MSE / MAE / R^2 and predicted-vs-true instead. A task whose record names a page of its own
(``TaskSpec.ui_evaluation``, e.g. segmentation's masks and IoU in ``playground/ui/tasks``) gets it
as a tab in front of these views, chosen when it first appears. Evaluating a split is costly, so it refreshes on
epoch ends, pauses, finished runs, edits and a new split, not per batch; a new chosen example or
target class only recomputes the saliency. The numbers come from
``playground/train/evaluation_view.py`` (run in the training thread); the widgets live in
``evaluation_tables.py``, ``evaluation_plots.py`` and ``evaluation_gallery.py``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QStackedWidget,
                               QTabWidget, QVBoxLayout, QWidget)

from playground.ui.panels.evaluation_gallery import ExampleGallery
from playground.ui.panels.evaluation_plots import RegressionPlot, RocPlot, SaliencyBox
from playground.ui.panels.evaluation_tables import ConfusionTable, ScoresTable
from playground.ui.panels.probe_panel import PanelContext, ProbePanel
from playground.ui.common import style

SPLIT_LABELS = {"val": "validation", "test": "test", "train": "training"}


class EvaluationPanel(ProbePanel):
    explanation = ("How the network does on a whole split: rows of the confusion matrix are the true class, "
                   "columns the predicted one (click a cell to see its examples); click an example to see "
                   "which input pixels drive its score.")
    follows_batches = False  # a whole split per answer: epoch ends, pauses, edits and new splits only
    follows_input = False  # connected below: a new chosen example only recomputes the saliency

    def __init__(self, context: PanelContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.view = None  # the last EvaluationView
        self.saliency = None  # the last SaliencyView (or None)
        self.listed = np.zeros(0, dtype=np.int64)  # every example of the clicked cell (or the misclassified)
        self.cell: tuple[int, int] | None = None
        self._need_eval = True
        self._image = False

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Split"))
        self.split_combo = QComboBox()
        for split in ("val", "test", "train"):
            self.split_combo.addItem(SPLIT_LABELS[split], split)
        self.split_combo.setToolTip("Which examples to evaluate; the validation split is the usual choice")
        self.split_combo.currentIndexChanged.connect(self.invalidate)
        controls.addWidget(self.split_combo)
        self.normalize = QCheckBox("Normalize rows")
        self.normalize.setToolTip("Show each row as shares of that true class (recall on the diagonal)")
        self.normalize.toggled.connect(self._redraw_matrix)
        controls.addWidget(self.normalize)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        controls.addWidget(self.summary, 1)
        self.layout_.addLayout(controls)

        left = QSplitter(Qt.Orientation.Vertical)
        self.top = QStackedWidget()
        self.matrix_box = QWidget()
        box = QVBoxLayout(self.matrix_box)
        box.setContentsMargins(0, 0, 0, 0)
        self.axes_label = QLabel("rows: true class  ·  columns: predicted class  ·  click a cell")
        style.mute(self.axes_label)
        box.addWidget(self.axes_label)
        self.matrix = ConfusionTable()
        self.matrix.cell_chosen.connect(self.show_cell)
        box.addWidget(self.matrix, 1)
        self.regression = RegressionPlot()
        self.top.addWidget(self.matrix_box)
        self.top.addWidget(self.regression)
        left.addWidget(self.top)
        gallery_box = QWidget()
        gbox = QVBoxLayout(gallery_box)
        gbox.setContentsMargins(0, 0, 0, 0)
        self.gallery = ExampleGallery()
        self.gallery.example_chosen.connect(self.choose_example)
        self.back = QPushButton("Show all misclassified")
        self.back.clicked.connect(self.show_misclassified)
        self.back.hide()
        gbox.addWidget(self.gallery, 1)
        gbox.addWidget(self.back, 0, Qt.AlignmentFlag.AlignLeft)
        self.gallery_box = gallery_box
        left.addWidget(gallery_box)
        left.setSizes([300, 260])

        self.tabs = QTabWidget()
        self.scores = ScoresTable()
        self.roc = RocPlot()
        self.saliency_box = SaliencyBox()
        self.saliency_box.target_changed.connect(self._input_changed)
        scores_box = QWidget()
        sbox = QVBoxLayout(scores_box)
        sbox.setContentsMargins(0, 0, 0, 0)
        sbox.addWidget(self.scores, 1)
        hint = QLabel("Precision: of the examples predicted as this class, the share that are. Recall: of this "
                      "class's examples, the share found. F1: their harmonic mean. AUC: 1 = this class's "
                      "examples always get the higher score, 0.5 = chance. Support: examples of the class.")
        hint.setWordWrap(True)
        style.mute(hint)
        sbox.addWidget(hint)
        self.tabs.addTab(scores_box, "Per-class scores")
        self.tabs.addTab(self.roc, "ROC curves")
        self.tabs.addTab(self.saliency_box, "Saliency")

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setSizes([520, 420])
        self.pages = QTabWidget()  # the standard views, and the task's own page when its record names one
        self.pages.setTabBarAutoHide(True)
        self.standard = split
        self.pages.addTab(split, "Matrix and scores")
        self.task_pages: dict[str, QWidget] = {}  # ui_evaluation hook -> its page, built once
        self.layout_.addWidget(self.pages, 1)
        self.finish_layout()
        self.choice.changed.connect(self._input_changed)

    # ---- asking ----------------------------------------------------------------------------------

    def invalidate(self, *args) -> None:
        """Anything but a new chosen example: evaluate the split again."""
        self._need_eval = True
        super().invalidate()

    def _input_changed(self, *args) -> None:
        ProbePanel.invalidate(self)  # only the saliency

    def job(self) -> Callable | None:
        split = self.split_combo.currentData()
        target = self.saliency_box.chosen_target()
        need_eval = self._need_eval or self.view is None or self.view.split != split
        self._need_eval = False
        choice, describe = self.choice, self.choice.describe()

        def fn(trainer):
            from playground.core.errors import PlaygroundError
            from playground.train.evaluation_view import evaluation_view, saliency_view

            view = evaluation_view(trainer, split) if need_eval else None
            try:
                x, y = choice.fetch(trainer)
                sal = saliency_view(trainer, x, y, target, describe)
            except PlaygroundError as exc:
                sal = exc
            return {"view": view, "saliency": sal, "image": getattr(trainer.splits, "kind", "") == "image",
                    "names": tuple(trainer.info.class_names), "task": trainer.info.task,
                    "per_example": trainer.objective.kind.targets.per_example,
                    "page": trainer.objective.kind.ui_evaluation}

        return fn

    def show_error(self, exc: BaseException) -> None:
        self._need_eval = True
        super().show_error(exc)

    # ---- drawing ---------------------------------------------------------------------------------

    def show_result(self, result: dict) -> None:
        self._image = result["image"]
        if result["view"] is not None:
            self.view = result["view"]
            self._show_view()
            self._show_page(result.get("page", ""))
        sal = result["saliency"]
        names = result["names"] if result["per_example"] else ()  # saliency of a class score per example
        self.saliency_box.set_classes(names)
        if isinstance(sal, BaseException):
            self.saliency = None
            self.saliency_box.show_message(f"No saliency: {sal}")
        else:
            self.saliency = sal
            self.saliency_box.set_saliency(sal, names, self._image and np.ndim(sal.x) == 3)
        self._highlight_choice()

    def _show_view(self) -> None:
        view, ev = self.view, self.view.evaluation
        where = SPLIT_LABELS.get(view.split, view.split)
        if ev.count == 0:
            self.summary.setText(f"The {where} split is empty: choose another split or change the split ratios.")
            self.gallery.clear("")
            return
        standard = (ev.accuracy is not None or ev.r2 is not None) and not ev.scores  # class or regression numbers
        self.pages.setTabVisible(self.pages.indexOf(self.standard), standard)
        if not standard:  # a task with numbers of its own (detection, metric learning): its page shows them
            from playground.train.tasks import get_task

            self.summary.setText(f"{where}: {get_task(ev.task).summary(ev)} (after {view.step} steps)")
            return
        regression = ev.accuracy is None
        self.tabs.setTabEnabled(self.tabs.indexOf(self.saliency_box), True)
        self.top.setCurrentWidget(self.regression if regression else self.matrix_box)
        self.gallery_box.setVisible(not regression)
        self.normalize.setVisible(not regression)
        self.tabs.setTabEnabled(0, not regression)
        self.tabs.setTabEnabled(1, bool(ev.roc))
        if regression:
            self.tabs.setCurrentWidget(self.saliency_box)
            self.summary.setText(f"{where}: {ev.count} examples, loss {ev.loss:.4g}, R² {ev.r2:.3f} "
                                 f"(after {view.step} steps)")
            self.regression.set_data(ev, view.true)
            return
        auc = f", macro AUC {ev.auc_macro:.3f}" if ev.auc_macro is not None and np.isfinite(ev.auc_macro) else ""
        self.summary.setText(f"{where}: {ev.count} examples, accuracy {ev.accuracy:.1%}{auc}, loss {ev.loss:.4g} "
                             f"(after {view.step} steps)")
        self._redraw_matrix()
        self.scores.set_evaluation(ev)
        if ev.roc:
            self.roc.set_curves(ev.roc, ev.auc, ev.class_names)
        self.axes_label.setText("rows: true class  ·  columns: predicted class  ·  "
                                + ("click a cell to see its examples" if view.true.ndim == 1 else "counts are pixels"))
        if self.cell is not None and view.true.ndim == 1 and self.cell[0] < len(ev.confusion) \
                and self.cell[1] < len(ev.confusion):
            self.show_cell(*self.cell)
        else:
            self.show_misclassified()

    def _show_page(self, hook: str) -> QWidget | None:
        """The task record's own page (``TaskSpec.ui_evaluation``) as a tab in front, chosen when it
        first appears; other tasks' pages leave the tabs. A page that is a probe panel (the
        Embedding panel) is built with this panel's context and fetches its own numbers; any other
        page gets each new evaluation through ``set_view(view, image)`` and may say which example
        it shows through an ``example_chosen(int)`` signal."""
        from playground.ui.panels.probe_panel import ProbePanel
        from playground.ui.tasks.thumbnails import resolve

        for key, page in self.task_pages.items():
            if key != hook and self.pages.indexOf(page) >= 0:
                self.pages.removeTab(self.pages.indexOf(page))
        if not hook:
            return None
        page = self.task_pages.get(hook)
        if page is None:
            cls = resolve(hook)
            page = self.task_pages[hook] = cls(self.context) if issubclass(cls, ProbePanel) else cls()
            if hasattr(page, "example_chosen"):
                page.example_chosen.connect(self._page_example)
        if self.pages.indexOf(page) < 0:
            title = getattr(page, "title", "") or self.view.evaluation.task.title()
            self.pages.insertTab(0, page, title if isinstance(title, str) else str(title))
            self.pages.setCurrentWidget(page)
        if hasattr(page, "set_view"):
            page.set_view(self.view, self._image)
        return page

    def _page_example(self, index: int) -> None:
        if self.view is not None:
            self.choice.set_example(self.view.split, index)
            self._highlight_choice()

    def _redraw_matrix(self, *args) -> None:
        if self.view is not None and self.view.evaluation.confusion is not None:
            ev = self.view.evaluation
            self.matrix.set_matrix(ev.confusion, ev.class_names, self.normalize.isChecked())

    def show_cell(self, r: int, c: int) -> None:
        """The examples of true class ``r`` predicted as ``c`` in the gallery."""
        view = self.view
        if view is None or view.true.ndim != 1:
            return
        names = view.evaluation.class_names
        self.cell = (r, c)
        self.listed = view.cell(r, c)
        shown = min(len(self.listed), int(np.sum(np.isin(self.listed, view.shown))))
        what = (f"{names[r]} correctly predicted" if r == c else f"true {names[r]}, predicted {names[c]}")
        more = f" (showing the first {shown})" if shown < len(self.listed) else ""
        self.gallery.show_examples(f"{what}: {len(self.listed)} examples{more}. Click one to inspect it.",
                                   self.listed, view, names, self._image)
        self.back.show()
        self._highlight_choice()

    def show_misclassified(self) -> None:
        view = self.view
        if view is None:
            return
        ev = view.evaluation
        self.cell = None
        self.listed = np.asarray(ev.misclassified, dtype=np.int64)
        shown = int(np.sum(np.isin(self.listed, view.shown)))
        more = f" (showing the first {shown})" if shown < len(self.listed) else ""
        what = "Misclassified" if view.true.ndim == 1 else "Images with wrong pixels"
        title = (f"{what}: {len(self.listed)} of {ev.count}{more}. Click one to inspect it."
                 if len(self.listed) else f"No misclassified examples among {ev.count}.")
        self.gallery.show_examples(title, self.listed, view, ev.class_names, self._image)
        self.back.hide()
        self._highlight_choice()

    def _highlight_choice(self) -> None:
        same = self.choice.custom is None and self.view is not None and self.choice.split == self.view.split
        self.gallery.highlight(self.choice.index if same else None)

    def choose_example(self, index: int) -> None:
        """Make example ``index`` of the evaluated split the shared input; show its saliency."""
        if self.view is None:
            return
        self.choice.set_example(self.view.split, index)
        self.tabs.setCurrentWidget(self.saliency_box)
        self._highlight_choice()
