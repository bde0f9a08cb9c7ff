"""The dataset panel's preview: what the data looks like and how many samples each split holds.

Owns three things: ``compute`` (runs in a worker thread: loads the dataset exactly as training
will and returns plain numpy data), ``PreviewLoader`` (one background thread at a time; a newer
request supersedes an older one; results reach the GUI thread through a queued Qt signal) and
``DatasetPreview`` (the widgets: a pyqtgraph scatter for 2-D points coloured by class or value,
x against y for 1-D functions, the first two features for tables, a grid of labelled thumbnails
for images, and a table of class counts per split). It does not decide what is loaded; the panel
asks for it.
"""

from __future__ import annotations

import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QGridLayout, QHeaderView, QLabel,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from playground.data.targets import target_form
from playground.ui.tasks import thumbnails as task_views
from playground.ui.dataset.form import SPLIT_NAMES
from playground.ui.tasks.thumbnails import thumbnail_for

#: class colours (TF Playground's orange and blue first, then a colour-blind-friendly set)
CLASS_COLORS = ["#F59322", "#0877BD", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F",
                "#BCBD22", "#17BECF"]
VALUE_MAP = pg.ColorMap([0.0, 0.5, 1.0], [(245, 147, 34), (232, 234, 235), (8, 119, 189)])  # low .. high
N_IMAGES = 16
MAX_POINTS = 5000  # drawn at most (a fixed random subset): 100,000 points would hold the window ~1 s
THUMB = 60


def compute(dataset: dict, seed: int, sample_seed: int = 0) -> dict:
    """The preview of ``dataset`` as plain data (worker thread; raises DataError for user mistakes)."""
    import torch

    from playground.data import load_settings, preview

    splits = load_settings(dataset, seed)
    info = splits.info
    out = preview(splits, n=N_IMAGES if splits.kind == "image" else 0, seed=sample_seed)
    out["kind"] = splits.kind
    if splits.kind == "image":
        images, labels = out["samples"], out["labels"]
        if splits.train.augmentation is not None:  # show what the network gets in training
            gen = torch.Generator().manual_seed(sample_seed)
            x, y = splits.train.augmentation.apply(torch.from_numpy(images), torch.from_numpy(labels), gen)
            images, labels = x.numpy(), y.numpy()
            out["augmented"] = True
        out["images"], out["image_labels"] = images, labels
        return out
    parts = list(splits.parts().values())
    out["x"] = torch.cat([p.x.to(torch.float32) * p.scale for p in parts]).numpy()  # (N, features)
    out["y"] = torch.cat([p.y for p in parts]).numpy()  # (N,) labels or (N, 1) targets
    out["part"] = np.concatenate([np.full(len(p), k) for k, p in enumerate(parts)])
    out["view"] = ("points" if tuple(info.input_shape) == (2,) else
                   "function" if tuple(info.input_shape) == (1,) else "table")
    return out


class PreviewLoader(QObject):
    """Computes previews off the GUI thread, one at a time; only the newest request's result counts."""

    ready = Signal(int, object)  # (request number, preview dict)
    failed = Signal(int, str)  # (request number, message for the person)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.latest = 0
        self._pending: tuple | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def request(self, dataset: dict, seed: int, sample_seed: int = 0) -> int:
        with self._lock:
            self.latest += 1
            self._pending = (self.latest, dict(dataset), seed, sample_seed)
            if self._thread is None:
                # not a daemon: a daemon thread still inside torch when the interpreter finalizes is
                # ended by pthread_exit, which aborts the process ("terminate called without an
                # active exception", rc 134); ``shutdown`` joins it, and Python joins it at exit
                self._thread = threading.Thread(target=self._run, name="playground-dataset-preview")
                self._thread.start()
            return self.latest

    def busy(self) -> bool:
        with self._lock:
            return self._thread is not None

    def shutdown(self, timeout: float = 30.0) -> bool:
        """The window is closing: drop waiting requests, let the running one finish unseen, join
        it. True when no thread is left."""
        with self._lock:
            self._pending = None
            self.latest += 1  # what is computing now is superseded: it will not be shown
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _run(self) -> None:
        from playground.core.errors import PlaygroundError

        while True:
            with self._lock:
                job, self._pending = self._pending, None
                if job is None:
                    self._thread = None
                    return
            token, dataset, seed, sample_seed = job
            try:
                result, error = compute(dataset, seed, sample_seed), None
            except PlaygroundError as exc:
                result, error = None, str(exc)
            except Exception as exc:  # a bug, but the window stays up and says what happened
                result, error = None, f"{exc.__class__.__name__}: {exc}"
            if token != self.latest:
                continue  # superseded while it loaded
            try:
                if error is None:
                    self.ready.emit(token, result)
                else:
                    self.failed.emit(token, error)
            except RuntimeError:  # the panel is gone (window closed)
                return


class DatasetPreview(QWidget):
    """Shows one ``compute`` result; ``show_loading`` / ``show_message`` in between."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.result: dict | None = None
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color:#5A6270")
        self.plot = pg.PlotWidget(background="w")
        self.plot.setFixedHeight(270)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.scatter = pg.ScatterPlotItem(size=5, pen=None)
        self.plot.addItem(self.scatter)
        self.grid_widget = QWidget()
        self.grid = QGridLayout(self.grid_widget)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(4)
        self.grid.setVerticalSpacing(0)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.thumbs: list[tuple[QLabel, QLabel]] = []
        self.stack = QWidget()  # the plot or the image grid, whichever the data needs (or neither)
        pages = QVBoxLayout(self.stack)
        pages.setContentsMargins(0, 0, 0, 0)
        pages.addWidget(self.plot)
        pages.addWidget(self.grid_widget)
        self.counts = QTableWidget()
        self.counts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counts.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.counts.verticalHeader().hide()
        self.counts.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.counts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.stack)
        layout.addWidget(self.counts)
        self.show_message("")

    # ---- states ------------------------------------------------------------------------------------

    def show_loading(self) -> None:
        self.status.setText("Loading the data…")
        self.stack.setEnabled(False)

    def show_message(self, text: str) -> None:
        self.result = None
        self.status.setText(text)
        self._page(None)
        self.stack.setEnabled(True)
        self.counts.hide()

    def show_result(self, result: dict) -> None:
        self.result = result
        self.stack.setEnabled(True)
        if result["kind"] == "image":
            self._show_images(result)
        else:
            self._show_points(result)
        self._show_counts(result)

    def _page(self, page: QWidget | None) -> None:
        self.plot.setVisible(page is self.plot)
        self.grid_widget.setVisible(page is self.grid_widget)

    def page(self) -> QWidget | None:
        """What is on show: ``plot``, ``grid_widget`` or None."""
        return next((w for w in (self.plot, self.grid_widget) if not w.isHidden()), None)

    # ---- drawing -----------------------------------------------------------------------------------

    def _show_points(self, r: dict) -> None:
        x, y, view = r["x"], r["y"], r["view"]
        regression = not target_form(r["task"]).classes
        plot = self.plot.getPlotItem()
        if view == "function":  # (N, 1) inputs against (N, 1) targets
            px, py = x[:, 0], y.reshape(len(y), -1)[:, 0]
            brushes = pg.mkBrush(CLASS_COLORS[1])
            plot.setLabel("bottom", "x")
            plot.setLabel("left", "y (target)")
            self.status.setText(f"{len(px)} points: the network learns y from x.")
        else:
            px, py = x[:, 0], x[:, 1]
            if regression:
                v = y.reshape(len(y), -1)[:, 0]
                span = float(v.max() - v.min()) or 1.0
                levels = np.round((v - v.min()) / span * 63).astype(np.int64)  # 64 shades: 64 brushes, not N
                table = np.array([pg.mkBrush(c) for c in VALUE_MAP.map(np.linspace(0, 1, 64), mode="qcolor")],
                                 dtype=object)
                brushes = list(table[levels])
                what = "coloured by the target value (orange low, blue high)"
            else:
                table = np.array([pg.mkBrush(c) for c in CLASS_COLORS], dtype=object)
                brushes = list(table[y.astype(np.int64) % len(CLASS_COLORS)])
                what = "coloured by class"
            first, second = ("x₁", "x₂") if view == "points" else ("feature 1", "feature 2")
            plot.setLabel("bottom", first)
            plot.setLabel("left", second)
            extra = f" (the first 2 of {x.shape[1]} features)" if view == "table" else ""
            self.status.setText(f"{len(px)} samples{extra}, {what}.")
        n = len(px)
        if n > MAX_POINTS:
            keep = np.sort(np.random.default_rng(0).choice(n, MAX_POINTS, replace=False))
            px, py = px[keep], py[keep]
            brushes = brushes if not isinstance(brushes, list) else [brushes[i] for i in keep]
            self.status.setText(self.status.text() + f" {MAX_POINTS:,} of {n:,} are drawn.")
        self.scatter.setData(px, py, brush=brushes, size=4 if len(px) > 2000 else 5)
        plot.setAspectLocked(view == "points")
        plot.enableAutoRange()
        self._page(self.plot)

    def _show_images(self, r: dict) -> None:
        images, labels, names = r["images"], r["image_labels"], r["class_names"]
        draw = thumbnail_for(r["task"])  # the task record's drawing of one example
        while len(self.thumbs) < len(images):
            picture, caption = QLabel(), QLabel()
            picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setStyleSheet("font-size: 8pt")
            caption.setFixedWidth(THUMB + 8)
            caption.setContentsMargins(0, 0, 0, 6)
            k = len(self.thumbs)
            self.grid.addWidget(picture, 2 * (k // 4), k % 4)
            self.grid.addWidget(caption, 2 * (k // 4) + 1, k % 4)
            self.thumbs.append((picture, caption))
        for k, (picture, caption) in enumerate(self.thumbs):
            visible = k < len(images)
            picture.setVisible(visible)
            caption.setVisible(visible)
            if not visible:
                continue
            image, text = draw(images[k], labels[k], tuple(names))
            pixmap = QPixmap.fromImage(image).scaled(
                THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)
            picture.setPixmap(pixmap)
            caption.setText(caption.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, THUMB + 6))
            caption.setToolTip(text)
        note = " with this augmentation (a new draw every epoch)" if r.get("augmented") else ""
        mask_note = f"; {task_views.mask_note(tuple(names))}" if target_form(r["task"]).per_pixel else ""
        self.status.setText(f"{len(images)} training images{note}{mask_note}.")
        self._page(self.grid_widget)

    def _show_counts(self, r: dict) -> None:
        sizes = r["split_sizes"]
        if not target_form(r["task"]).classes or not r["class_names"]:
            rows = [("samples", [sizes[s] for s in SPLIT_NAMES], None)]
        else:
            per = r["split_class_counts"]
            rows = [(name, [per[s][name] for s in SPLIT_NAMES], CLASS_COLORS[i % len(CLASS_COLORS)]
                     if r["kind"] != "image" else None) for i, name in enumerate(r["class_names"])]
            unit = target_form(r["task"]).unit
            rows.append((f"all {unit}" if unit != "samples" else "all samples",
                         [sum(per[s].values()) if unit != "samples" else sizes[s] for s in SPLIT_NAMES], None))
        table = self.counts
        table.clear()
        table.setColumnCount(4)
        table.setHorizontalHeaderLabels(["class" if len(rows) > 1 else "", *SPLIT_NAMES])
        table.setRowCount(len(rows))
        for i, (name, values, color) in enumerate(rows):
            item = QTableWidgetItem(name)
            if color:
                item.setForeground(QColor(color))
                item.setText("● " + name)
            table.setItem(i, 0, item)
            for j, v in enumerate(values):
                cell = QTableWidgetItem(f"{v:,}")
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(i, j + 1, cell)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for j in range(1, 4):
            header.setSectionResizeMode(j, QHeaderView.ResizeMode.ResizeToContents)
        table.resizeRowsToContents()
        height = header.sizeHint().height() + sum(table.rowHeight(i) for i in range(len(rows))) + 2 * table.frameWidth()
        table.setFixedHeight(height)
        table.show()

    def count_table(self) -> dict[str, dict[str, int]]:
        """The counts the table shows: {row name: {split: count}} (for tests and screen readers)."""
        out = {}
        for i in range(self.counts.rowCount()):
            name = self.counts.item(i, 0).text().removeprefix("● ")
            out[name] = {s: int(self.counts.item(i, j + 1).text().replace(",", "")) for j, s in enumerate(SPLIT_NAMES)}
        return out
