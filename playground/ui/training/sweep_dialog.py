"""Train > Hyperparameter Sweep…: many runs of the project at once, their results, and one click
to make the best the project's settings.

Owns ``SweepDialog``: the form (which settings vary and over what: ``lo:hi``, ``lo:hi:log`` or
``a,b,c``; grid or random search; budget; epochs; k-fold), the run (``train.sweep.run_sweep`` in
a worker thread; finished rows are handed over under a lock and a QTimer in the GUI thread shows
them, so the window never waits; Cancel is taken up between groups of configurations), the live
sortable results table, the scatter (``sweep_scatter.py``), "Narrow around best" (coarse-to-fine:
the form's ranges shrink around the best rows) and "Use these settings" (the selected row's
training settings through the same path as the settings panel, ``TrainingSession.apply_setting``;
its network settings, width, init, dropout, as one undoable graph edit).
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QProgressBar, QPushButton, QSpinBox, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from playground.core.errors import PlaygroundError
from playground.ui.training.sweep_scatter import SweepScatter

#: setting -> (ranges the form starts with, on at first)
DEFAULTS = {"lr": ("1e-3:1:log", True), "batch_size": ("10,32", True), "width": ("4,8", False),
            "weight_decay": ("0:0.01", False), "dropout": ("0,0.2", False), "optimizer": ("sgd,adam", False),
            "init": ("xavier_uniform,he_uniform", False), "seed": ("0,1,2", False)}
RESULT_COLUMNS = (("train_loss", "train loss"), ("val_loss", "val loss"), ("val_accuracy", "val acc"))
TIP = "a range lo:hi (lo:hi:log for a log scale, as for the learning rate) or a list a,b,c"


class _Number(QTableWidgetItem):
    """A table cell that sorts by its number (missing values last)."""

    def __init__(self, value, text: str):
        super().__init__(text)
        self.value = value

    def __lt__(self, other):
        a = self.value if isinstance(self.value, (int, float)) else None
        b = getattr(other, "value", None)
        if a is None or b is None or isinstance(b, str):
            return str(self.text()) < str(other.text()) if a is None and b is None else b is None
        return a < b


class SweepDialog(QDialog):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Hyperparameter Sweep")
        self.resize(980, 640)
        self.session = session
        self.rows: list = []
        self.params: list = []
        self._lock = threading.Lock()
        self._incoming: list = []
        self._finished: tuple | None = None
        self._status: str | None = None  # a note from the worker before the first row
        self._running_note = ""
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._total = 0

        form = QGroupBox("Settings to vary")
        grid = QGridLayout(form)
        self.vary: dict[str, QCheckBox] = {}
        self.ranges: dict[str, QLineEdit] = {}
        for i, (name, (text, on)) in enumerate(DEFAULTS.items()):
            box, edit = QCheckBox(name), QLineEdit(text)
            box.setChecked(on)
            edit.setToolTip(TIP)
            self.vary[name], self.ranges[name] = box, edit
            grid.addWidget(box, i // 2, (i % 2) * 2)
            grid.addWidget(edit, i // 2, (i % 2) * 2 + 1)
        self.search = QComboBox()
        self.search.addItems(["grid", "random"])
        self.trials = self._spin(1, 4096, 16, "budget: how many configurations at most")
        self.epochs = self._spin(1, 100000, session.config().epochs, "epochs per configuration")
        self.folds = self._spin(0, 20, 0, "k-fold cross-validation: 0 is off (train on train, score on validation)")
        options = QHBoxLayout()
        for label, widget in (("Search", self.search), ("Budget", self.trials), ("Epochs", self.epochs),
                              ("Folds", self.folds)):
            options.addWidget(QLabel(label))
            options.addWidget(widget)
        self.run_button = QPushButton("Run Sweep")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.narrow_button = QPushButton("Narrow Around Best")
        self.narrow_button.setToolTip("coarse-to-fine: shrink the ranges around the 3 best rows (by validation loss)")
        self.use_button = QPushButton("Use These Settings")
        self.use_button.setToolTip("make the selected row's settings the project's")
        for b in (self.run_button, self.cancel_button, self.narrow_button, self.use_button):
            options.addWidget(b)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.narrow_button.clicked.connect(self.narrow)
        self.use_button.clicked.connect(self.use_selected)
        self.progress = QProgressBar()
        self.note = QLabel("Choose the settings to vary, then Run Sweep.")
        self.note.setWordWrap(True)

        self.table = QTableWidget(0, 0)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.doubleClicked.connect(lambda _i: self.use_selected())
        self.scatter = SweepScatter()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.scatter)
        split.setSizes([560, 420])

        layout = QVBoxLayout(self)
        layout.addWidget(form)
        layout.addLayout(options)
        layout.addWidget(self.progress)
        layout.addWidget(self.note)
        layout.addWidget(split, 1)
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self.drain)

    @staticmethod
    def _spin(lo: int, hi: int, value: int, tip: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(lo, hi)
        box.setValue(max(lo, min(hi, value)))
        box.setToolTip(tip)
        return box

    # ---- the form
    def chosen(self) -> list:
        """The checked settings as ``Param`` records (PlaygroundError names a bad one)."""
        from playground.train.sweep.space import parse_param

        params = [parse_param(f"{name}={self.ranges[name].text()}") for name, box in self.vary.items()
                  if box.isChecked()]
        if not params:
            raise PlaygroundError("no setting is chosen to vary", where="sweep", fix="tick at least one, e.g. lr")
        return params

    def narrow(self) -> None:
        from playground.train.sweep.space import narrow

        try:
            params = narrow(self.params, [r.to_dict() for r in self.rows], "val_loss")
        except PlaygroundError as exc:
            self.note.setText(f"Not narrowed: {exc}")
            return
        for p in params:
            text = p.text().partition("=")[2]
            if p.is_range:
                text = f"{p.lo:.3g}:{p.hi:.3g}" + (":log" if p.log else "")
            self.ranges[p.name].setText(text)
        self.note.setText("Ranges narrowed around the best rows: Run Sweep again to search there.")

    # ---- running
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        from playground.train.sweep.space import SEARCHES

        if self.running:
            return
        try:
            params = self.chosen()
            points = SEARCHES[self.search.currentText()](params, self.trials.value(), len(self.rows))
        except PlaygroundError as exc:
            self.note.setText(f"<span style='color:#D62728'>Not started: {exc}</span>")
            return
        doc = self.session.doc
        graph, config, dataset = doc.graph.copy(), self.session.config(), dict(doc.project.dataset or {})
        epochs, folds = self.epochs.value(), self.folds.value()
        self.params, self.rows, self._total = params, [], len(points)
        self._incoming, self._finished = [], None
        self._cancel.clear()
        self._columns()
        self.scatter.set_params(params)
        self.progress.setRange(0, len(points))
        self.progress.setValue(0)
        self._running_note = (f"Training {len(points)} configurations ({self.search.currentText()} search, "
                              f"{epochs} epochs each{f', {folds}-fold' if folds else ''})…")
        self.note.setText(self._running_note)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)

        def work():
            from playground.train.sweep import run_sweep
            from playground.ui.training.jobs import load_splits

            try:
                splits = load_splits(dataset, config.seed)
                run_sweep(graph, config, splits, points, epochs=epochs, folds=folds,
                          progress=lambda row, done, total: self._hand_over(row), cancel=self._cancel.is_set,
                          status=self._say)
                result = ("cancelled" if self._cancel.is_set() else "done", "")
            except Exception as exc:  # noqa: BLE001 - shown in the dialog; the app stays up
                result = ("failed", str(exc))
            with self._lock:
                self._finished = result

        self._thread = threading.Thread(target=work, name="sweep", daemon=True)
        self._thread.start()
        self.timer.start()

    def _hand_over(self, row) -> None:  # worker thread
        with self._lock:
            self._incoming.append(row)

    def _say(self, text: str | None) -> None:  # worker thread: what happens before the first row
        with self._lock:
            self._status = text if text is not None else self._running_note

    def cancel(self) -> None:
        self._cancel.set()
        self.note.setText("Cancelling after the configurations in progress…")

    def drain(self) -> None:
        """GUI thread: show rows that finished since the last tick; end the run when the worker has."""
        with self._lock:
            new, self._incoming = self._incoming, []
            finished, status, self._status = self._finished, self._status, None
        if status is not None and finished is None and not self._cancel.is_set():
            self.note.setText(status)
        for row in new:
            self.rows.append(row)
            self._add_row(row)
        if new:
            self.progress.setValue(len(self.rows))
            self.scatter.set_rows(self.rows)
        if finished is not None and not self.running:
            self.timer.stop()
            self._thread = None
            self.run_button.setEnabled(True)
            self.cancel_button.setEnabled(False)
            state, message = finished
            texts = {"done": f"Done: {len(self.rows)} configurations. Sort by a column; select a row and "
                             "Use These Settings, or Narrow Around Best.",
                     "cancelled": f"Cancelled after {len(self.rows)} of {self._total} configurations.",
                     "failed": f"<span style='color:#D62728'>The sweep stopped: {message}</span>"}
            self.note.setText(texts[state])

    def _columns(self) -> None:
        names = [p.name for p in self.params] + [title for _, title in RESULT_COLUMNS] + ["epochs", "s", "engine"]
        self.table.setSortingEnabled(False)
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(len(names))
        self.table.setHorizontalHeaderLabels(names)
        self.table.setSortingEnabled(True)

    def _add_row(self, row) -> None:
        self.table.setSortingEnabled(False)
        r = self.table.rowCount()
        self.table.insertRow(r)
        cells = [row.settings.get(p.name) for p in self.params]
        cells += [row.metrics.get(key) for key, _ in RESULT_COLUMNS] + [row.epochs, row.seconds]
        for c, value in enumerate(cells):
            text = "-" if value is None else (f"{value:.4g}" if isinstance(value, float) else str(value))
            item = _Number(value, text)
            item.setData(Qt.ItemDataRole.UserRole, row.index)
            self.table.setItem(r, c, item)
        status = row.engine if row.status == "done" else row.status
        item = _Number(status, status)
        item.setData(Qt.ItemDataRole.UserRole, row.index)
        self.table.setItem(r, len(cells), item)
        self.table.setSortingEnabled(True)

    def selected_row(self):
        items = self.table.selectedItems()
        if not items:
            return None
        index = items[0].data(Qt.ItemDataRole.UserRole)
        return next((row for row in self.rows if row.index == index), None)

    # ---- taking a row
    def use_selected(self) -> bool:
        """The selected row's settings become the project's (network ones as one undoable edit)."""
        from playground.train.sweep.runner import configure

        row = self.selected_row()
        if row is None:
            self.note.setText("Select a row first.")
            return False
        doc = self.session.doc
        config = self.session.config()
        try:
            graph, new = configure(doc.graph, config, row.settings)
            old, now = config.to_dict(), new.to_dict()
            changes = {k: now[k] for k in now if now[k] != old.get(k) and k != "epochs"}
            edits = [(nid, key, value) for nid, node in graph.nodes.items()
                     for key, value in node.params.items() if doc.graph.nodes[nid].params.get(key) != value]
            if changes:
                self.session.apply_setting(**changes)
        except PlaygroundError as exc:
            self.note.setText(f"<span style='color:#D62728'>Not changed: {exc}</span>")
            return False
        if edits:
            doc.compound("Use sweep settings",
                         lambda: [doc.graph.set_param(nid, key, value) for nid, key, value in edits])
        settings = ", ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}" for k, v in row.settings.items())
        self.note.setText(f"The project now uses {settings}. Reset (Ctrl+R) and Play to train with them.")
        window = self.parent()
        training = getattr(window, "training", None)
        if training is not None and getattr(training, "settings", None) is not None:
            training.settings.load()
        return True

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._cancel.set()
        super().closeEvent(event)
