"""The segmentation page of the Evaluation panel: which pixels the network gets right, class by class.

Owns ``SegmentationPage`` (named by the segmentation record's ``ui_evaluation``) and the
``MaskPicture`` it draws with. For one example of the evaluated split: the predicted mask over the
image beside the true mask over the image, and the pixels where they differ, each class in its
colour (``task_views.MASK_COLORS``, background untinted) with a legend and an opacity slider; the
per-class table (IoU, Dice, share of the true pixels) with mean IoU, mean Dice and pixel accuracy;
and the split's worst examples by IoU, worst first (click one to show it here and make it the
shared input). It shows what it is given (an ``EvaluationView``: the numbers are computed in the
training thread by the task record, ``playground/train/tasks/segmentation.py``); it decides nothing.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem,
                               QSlider, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from playground.ui.common import style
from playground.ui.tasks.thumbnails import MASK_COLORS, overlay, qimage, rgb_of

SPLIT_WORDS = {"val": "validation", "test": "test", "train": "training"}
WRONG_COLOR = np.array((255, 0, 255), dtype=np.float64)  # wrong pixels: magenta, on a dimmed image
COLUMNS = ("class", "IoU", "Dice", "pixel share")


def colour_of(k: int) -> QColor:
    r, g, b = (int(v) for v in MASK_COLORS[k % len(MASK_COLORS)])
    return QColor(r, g, b)


def wrong_pixels(sample: np.ndarray, pred: np.ndarray, true: np.ndarray, opacity: float) -> np.ndarray:
    """The image dimmed, with the pixels whose predicted class is not the true one tinted magenta
    (shapes are bright, so a light tint on the full image would not stand out); (H, W, 3) uint8."""
    rgb = rgb_of(sample) * 0.5  # (H, W, 3)
    wrong = np.asarray(pred) != np.asarray(true)  # (H, W)
    rgb[wrong] = (1 - opacity) * rgb[wrong] + opacity * WRONG_COLOR
    return np.clip(rgb, 0, 255).astype(np.uint8)


def legend_html(names: tuple) -> str:
    """A colour swatch and the name of every class but the background, which stays untinted."""
    parts = []
    for k, name in enumerate(names[1:], start=1):
        hex_ = colour_of(k).name()
        parts.append(f"<span style='background-color:{hex_}; color:{hex_}'>&#9608;&#9608;</span>&nbsp;{name}")
    parts.append(f"<span style='background-color:#FF00FF; color:#FF00FF'>&#9608;&#9608;</span>&nbsp;wrong pixel")
    return f"{names[0] if names else 'background'}: untinted &nbsp; " + " &nbsp; ".join(parts)


class MaskPicture(QWidget):
    """One (H, W, 3) picture drawn as large as fits, pixels kept square and sharp, a caption above."""

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.caption = caption
        self.rgb: np.ndarray | None = None
        self._image = None
        self.setMinimumSize(96, 110)

    def set_rgb(self, rgb: np.ndarray | None) -> None:
        self.rgb = None if rgb is None else np.asarray(rgb, dtype=np.uint8)
        self._image = None if rgb is None else qimage(self.rgb)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(190, 210)

    def image_rect(self) -> QRectF:
        top = self.fontMetrics().height() + 4
        side = max(1, min(self.width(), self.height() - top))
        h, w = (self.rgb.shape[:2] if self.rgb is not None else (1, 1))
        scale = side / max(h, w)
        return QRectF((self.width() - w * scale) / 2, top, w * scale, h * scale)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.drawText(0, 0, self.width(), self.fontMetrics().height() + 2,
                   int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), self.caption)
        if self._image is not None:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            p.drawImage(self.image_rect(), self._image)
        p.end()


class SegmentationPage(QWidget):
    title = "Segmentation"
    example_chosen = Signal(int)  # index in the evaluated split

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = None  # the EvaluationView shown
        self.image = True
        self.index: int | None = None  # the example shown (index in the split)
        self.picked = False  # the person clicked it: a new evaluation keeps it (else the worst is shown)
        self.worst = np.zeros(0, dtype=np.int64)  # the listed examples, worst IoU first
        self.values: dict[str, dict[str, float]] = {}  # class -> column -> number (tests read it)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._example_part())
        split.addWidget(self._table_part())
        split.addWidget(self._worst_part())
        split.setSizes([560, 380, 240])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split, 1)

    def _example_part(self) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel("")
        self.heading.setWordWrap(True)
        v.addWidget(self.heading)
        pictures = QHBoxLayout()
        self.predicted = MaskPicture("predicted mask")
        self.truth = MaskPicture("true mask")
        self.errors = MaskPicture("wrong pixels")
        for picture in (self.predicted, self.truth, self.errors):
            pictures.addWidget(picture, 1)
        v.addLayout(pictures, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Mask opacity"))
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(55)
        self.opacity.setToolTip("0: the image alone; 100: the class colours alone")
        self.opacity.valueChanged.connect(self._opacity_changed)
        row.addWidget(self.opacity, 1)
        self.opacity_label = QLabel("55%")
        row.addWidget(self.opacity_label)
        v.addLayout(row)
        self.legend = QLabel("")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        v.addWidget(self.legend)
        return box

    def _table_part(self) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        self.totals = QLabel("")
        self.totals.setWordWrap(True)
        v.addWidget(self.totals)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        v.addWidget(self.table, 1)
        hint = QLabel("IoU: the pixels both masks give the class, over the pixels either gives it (1 = exact). "
                      "Dice: twice that overlap over the two masks' sizes. Pixel share: the class's share of the "
                      "true pixels. — : the class is in neither mask.")
        hint.setWordWrap(True)
        style.mute(hint)
        v.addWidget(hint)
        return box

    def _worst_part(self) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        self.worst_title = QLabel("Worst examples by IoU")
        self.worst_title.setWordWrap(True)
        v.addWidget(self.worst_title)
        self.worst_list = QListWidget()
        self.worst_list.setIconSize(QSize(42, 42))
        self.worst_list.currentRowChanged.connect(self._row_chosen)
        v.addWidget(self.worst_list, 1)
        return box

    # ---- filling -----------------------------------------------------------------------------------

    def set_view(self, view, image: bool) -> None:
        """Show an ``EvaluationView`` of a segmentation split (GUI thread; no heavy work here)."""
        self.view, self.image = view, image
        ev = view.evaluation
        if ev.count == 0 or ev.iou is None:
            self.heading.setText("Nothing to show: the split is empty." if ev.count == 0 else
                                 "This view needs per-pixel class predictions (a segmentation dataset).")
            self.values = {}
            self.table.setRowCount(0)
            self.worst_list.clear()
            for picture in (self.predicted, self.truth, self.errors):
                picture.set_rgb(None)
            return
        names = tuple(ev.class_names) or tuple(f"class {k}" for k in range(len(ev.iou)))
        self.legend.setText(legend_html(names))
        self._fill_table(ev, names)
        self._fill_worst(view)
        keep = self.picked and self.index is not None and view.row_of(self.index) >= 0
        self.show_example(self.index if keep else (int(self.worst[0]) if len(self.worst) else None))

    def _fill_table(self, ev, names: tuple) -> None:
        pixels = ev.confusion.sum(axis=1).astype(np.float64)  # (C,) true pixels per class
        share = pixels / max(pixels.sum(), 1.0)
        self.totals.setText(f"<b>mean IoU {ev.mean_iou:.3f}</b> · mean Dice {ev.dice:.3f} · pixel accuracy "
                            f"{ev.accuracy:.1%} <span style='color:gray'>({ev.count} images, means over the "
                            f"classes present)</span>")
        self.values = {}
        self.table.setRowCount(len(names))
        for k, name in enumerate(names):
            row = {"IoU": float(ev.iou[k]), "Dice": float(ev.dice_per_class[k]), "pixel share": float(share[k])}
            self.values[name] = row
            cells = [name, _number(row["IoU"]), _number(row["Dice"]), f"{row['pixel share']:.1%}"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 0 and k > 0:
                    item.setData(Qt.ItemDataRole.DecorationRole, colour_of(k))
                if c > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(k, c, item)

    def _fill_worst(self, view) -> None:
        ev = view.evaluation
        iou = np.asarray(ev.example_iou, dtype=np.float64)
        order = np.argsort(np.where(np.isnan(iou), np.inf, iou), kind="stable")  # worst first
        gap = np.flatnonzero(~np.isin(order, view.shown))  # the list stops at the first one without its input
        self.worst = order[:gap[0] if gap.size else len(order)].astype(np.int64)
        where = SPLIT_WORDS.get(view.split, view.split)
        more = f" (the {len(self.worst)} worst of {ev.count})" if len(self.worst) < ev.count else ""
        self.worst_title.setText(f"Worst {where} examples by IoU{more}; click one to show it")
        self.worst_list.blockSignals(True)
        self.worst_list.clear()
        for i in self.worst:
            row = view.row_of(int(i))
            icon = QIcon(QPixmap.fromImage(qimage(overlay(view.inputs[row], ev.predictions[i], 0.55))))
            item = QListWidgetItem(icon, f"#{int(i)}   IoU {_number(iou[i])}")
            item.setData(Qt.ItemDataRole.UserRole, int(i))
            self.worst_list.addItem(item)
        self.worst_list.blockSignals(False)

    # ---- one example -------------------------------------------------------------------------------

    def show_example(self, index: int | None) -> None:
        """Draw example ``index`` of the split (it must have come back with its input)."""
        view = self.view
        row = -1 if view is None or index is None else view.row_of(int(index))
        if row < 0 or not self.image or np.ndim(view.inputs[row]) != 3:
            self.index = None
            for picture in (self.predicted, self.truth, self.errors):
                picture.set_rgb(None)
            self.heading.setText("No example to draw." if self.image else "Masks are drawn over images only.")
            return
        self.index = int(index)
        ev = view.evaluation
        pred, true = np.asarray(ev.predictions[index]), np.asarray(view.true[index])
        wrong = int(np.sum(pred != true))
        where = SPLIT_WORDS.get(view.split, view.split)
        self.heading.setText(f"<b>{where} example #{self.index}</b>: IoU {_number(ev.example_iou[index])}, "
                             f"{wrong} of {true.size} pixels wrong (after {view.step} steps)")
        self._draw()
        hit = np.flatnonzero(self.worst == self.index)
        self.worst_list.blockSignals(True)
        self.worst_list.setCurrentRow(int(hit[0]) if hit.size else -1)
        self.worst_list.blockSignals(False)

    def _draw(self) -> None:
        if self.view is None or self.index is None:
            return
        ev, i = self.view.evaluation, self.index
        sample = self.view.inputs[self.view.row_of(i)]
        a = self.opacity.value() / 100
        pred, true = ev.predictions[i], self.view.true[i]
        self.predicted.set_rgb(overlay(sample, pred, a))
        self.truth.set_rgb(overlay(sample, true, a))
        self.errors.set_rgb(wrong_pixels(sample, pred, true, a))

    def _opacity_changed(self, value: int) -> None:
        self.opacity_label.setText(f"{value}%")
        self._draw()

    def _row_chosen(self, row: int) -> None:
        if 0 <= row < len(self.worst):
            index = int(self.worst[row])
            self.picked = True
            self.show_example(index)
            self.example_chosen.emit(index)


def _number(v) -> str:
    return "—" if v is None or not np.isfinite(v) else f"{float(v):.3f}"
