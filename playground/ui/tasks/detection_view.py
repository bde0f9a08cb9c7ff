"""The Evaluation panel's detection page: test images with their boxes, NMS live, the grid, PR curves, IoU.

Owns ``DetectionPage``, the page the detection task record names as its ``ui_evaluation`` hook.
It takes a ``train.detection.view_data.DetectionData`` (or an evaluation, read with
``from_evaluation``) and shows:

- one test image big (picker and a gallery of all of them) with the true boxes, the kept
  predictions (class and confidence) and, on request, the boxes NMS removed, dashed, each with its
  reason ("removed: overlaps kept box 2 (circle 0.91) by IoU 0.78 > 0.50") in the list below and
  in the tooltip of the box under the mouse;
- confidence and NMS IoU sliders that re-run ``decode.detect`` on the stored raw candidates (no
  model call) and redraw the image at once; every image's detections, the PR curves and mAP are
  recomputed a moment later off the GUI thread (``common.background.Task``), then the gallery;
- the S x S grid on request, with a chosen true box's responsible cell and best-fitting anchor;
- precision-recall per class and mAP@0.5 at the current thresholds (``PrPlot``);
- an IoU calculator (``IouCalculator``) and the anchors drawn on a cell (``AnchorView``).

The drawing lives in ``detection_canvas.py``, the calculator in ``iou_calculator.py``, the plots
in ``detection_plots.py``; the maths in ``playground/train/detection``.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QListView,
                               QListWidget, QListWidgetItem, QPushButton, QScrollArea, QSlider, QSpinBox,
                               QVBoxLayout, QWidget)

from playground.core.errors import PlaygroundError
from playground.train.detection.anchors import mean_best_iou
from playground.train.detection.explain import Explained, explain_detections
from playground.train.detection.view_data import DetectionData, from_evaluation
from playground.ui.common import style
from playground.ui.common.background import Task
from playground.ui.tasks.detection_canvas import (ImageBoxes, Scene, explanation_html, legend_html, paint_scene,
                                                  picture)
from playground.ui.tasks.detection_plots import AnchorView, PrPlot
from playground.ui.tasks.iou_calculator import IouCalculator

THUMB = 64  # gallery thumbnail side in pixels
GALLERY_MAX = 60  # the gallery shows this many images at most (the picker reaches all)
SLOW_DELAY_MS = 120  # the gallery and the PR curves follow the sliders after this pause


def _slider(value: float, name: str) -> QSlider:
    s = QSlider(Qt.Orientation.Horizontal)
    s.setRange(0, 100)
    s.setValue(round(value * 100))
    s.setPageStep(5)
    s.setAccessibleName(name)
    return s


class DetectionPage(QWidget):
    """Boxes over the test images, NMS and thresholds live, the grid, PR/mAP, IoU and anchors.

    Follows the Evaluation panel's task-page protocol: built with no arguments, ``title`` for its
    tab, ``set_view(view, image)`` with the split's ``EvaluationView``, and ``example_chosen``
    (the split index of the image picked here)."""

    title = "Detection"
    example_chosen = Signal(int)  # index in the evaluated split

    def __init__(self, data=None, parent=None, conf_threshold: float = 0.25, iou_threshold: float = 0.5):
        super().__init__(parent)
        self.data: DetectionData | None = None
        self._detections: tuple[tuple[float, float], list] | None = None  # (thresholds, per image)
        self._thumb_images: list = []
        self._build(conf_threshold, iou_threshold)
        self._slow = QTimer(self, singleShot=True, interval=SLOW_DELAY_MS)
        self._slow.timeout.connect(self.schedule_slow)
        self._job: Task | None = None
        self._pending = False
        if data is not None:
            self.set_data(data)
        else:
            self._show_problem("No detection evaluation yet: train a detection model and evaluate it.")

    # ------------------------------------------------------------------ layout
    def _build(self, conf: float, iou: float) -> None:
        outer = QHBoxLayout(self)
        left, right = QVBoxLayout(), QVBoxLayout()
        outer.addLayout(left, 5)
        outer.addLayout(right, 6)

        pick = QHBoxLayout()
        pick.addWidget(QLabel("Test image"))
        self.index = QSpinBox()
        self.index.setAccessibleName("test image number")
        self.prev, self.next = QPushButton("< Previous"), QPushButton("Next >")
        self.count = QLabel()
        for w in (self.index, self.count, self.prev, self.next):
            pick.addWidget(w)
        pick.addStretch(1)
        left.addLayout(pick)

        sliders = QGridLayout()
        self.conf = _slider(conf, "confidence threshold")
        self.iou = _slider(iou, "NMS IoU threshold")
        self.conf_label, self.iou_label = QLabel(), QLabel()
        self.conf.setToolTip("Candidates whose confidence (objectness x class probability) is below this are dropped.")
        self.iou.setToolTip("NMS drops a box that overlaps a higher-scoring kept box of its class by more than this IoU.")
        sliders.addWidget(self.conf_label, 0, 0)
        sliders.addWidget(self.conf, 0, 1)
        sliders.addWidget(self.iou_label, 1, 0)
        sliders.addWidget(self.iou, 1, 1)
        sliders.setColumnStretch(1, 1)
        left.addLayout(sliders)

        toggles = QHBoxLayout()
        self.show_removed = QCheckBox("Show boxes NMS removed")
        self.show_grid = QCheckBox("Show grid")
        self.focus = QComboBox()
        self.focus.setAccessibleName("true box whose responsible cell is shown")
        self.focus.setToolTip("The true box whose responsible cell (the cell holding its centre) and best anchor "
                              "are drawn on the grid")
        for w in (self.show_removed, self.show_grid, self.focus):
            toggles.addWidget(w)
        toggles.addStretch(1)
        left.addLayout(toggles)

        self.legend = QLabel()
        self.legend.setWordWrap(True)
        left.addWidget(self.legend)
        self.canvas = ImageBoxes()
        left.addWidget(self.canvas, 1)
        self.hover = QLabel()
        self.hover.setWordWrap(True)
        style.mute(self.hover)
        left.addWidget(self.hover)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setTextFormat(Qt.TextFormat.RichText)
        self.explain.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.explain.setAccessibleName("what the thresholds and NMS did on this image")
        scroll = QScrollArea()
        scroll.setWidget(self.explain)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFixedHeight(84)
        left.addWidget(scroll)
        self.gallery = QListWidget()
        self.gallery.setViewMode(QListView.ViewMode.IconMode)
        self.gallery.setFlow(QListView.Flow.LeftToRight)
        self.gallery.setWrapping(False)
        self.gallery.setIconSize(QSize(THUMB, THUMB))
        self.gallery.setGridSize(QSize(THUMB + 14, THUMB + 24))
        self.gallery.setUniformItemSizes(True)
        self.gallery.setFixedHeight(THUMB + 48)
        self.gallery.setMovement(QListView.Movement.Static)
        self.gallery.setAccessibleName("gallery of test images")
        left.addWidget(self.gallery)

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(style.css("ERROR_TEXT"))
        self.problem.hide()
        right.addWidget(self.problem)
        self.pr = PrPlot()
        right.addWidget(self.pr, 1)
        self.busy = QLabel()  # says when the curves and the gallery are being recomputed
        style.mute(self.busy)
        self.busy.setFixedHeight(self.busy.fontMetrics().height() + 2)
        right.addWidget(self.busy)
        bottom = QHBoxLayout()
        calc_box = QGroupBox("IoU calculator: drag the boxes or their corners")
        QVBoxLayout(calc_box).addWidget(calc := IouCalculator())
        self.calculator = calc
        anchor_box = QGroupBox("Anchors (k-means on the training boxes' sizes)")
        anchor_layout = QVBoxLayout(anchor_box)
        self.anchor_view = AnchorView()
        anchor_layout.addWidget(self.anchor_view, 1)
        self.anchor_text = QLabel()
        self.anchor_text.setWordWrap(True)
        anchor_layout.addWidget(self.anchor_text)
        bottom.addWidget(calc_box, 1)
        bottom.addWidget(anchor_box, 1)
        right.addLayout(bottom, 1)

        self.index.valueChanged.connect(self._index_changed)
        self.prev.clicked.connect(lambda: self.index.setValue(self.index.value() - 1))
        self.next.clicked.connect(lambda: self.index.setValue(self.index.value() + 1))
        self.gallery.currentRowChanged.connect(lambda row: row >= 0 and self.index.setValue(row + 1))
        self.index.valueChanged.connect(self._chosen)
        for s in (self.conf, self.iou):
            s.valueChanged.connect(self._thresholds_changed)
        for box in (self.show_removed, self.show_grid):
            box.toggled.connect(self.refresh_image)
        self.focus.currentIndexChanged.connect(self.refresh_image)
        self.canvas.hovered.connect(self._hovered)
        self._update_labels()

    # ------------------------------------------------------------------ data
    def set_data(self, data) -> None:
        """Show ``data``: a ``DetectionData``, or an evaluation that ``from_evaluation`` reads. A
        problem with it is shown on the page (what is missing), and the page stays usable."""
        try:
            data = data if isinstance(data, DetectionData) else from_evaluation(data)
        except PlaygroundError as exc:
            self._show_problem(str(exc))
            return
        n = len(data)
        same = self.data is not None and len(self.data) == n  # the same images again (a new epoch): stay on one
        keep = self.index.value() if same else 1
        self.data, self._detections = data, None
        self.problem.hide()
        for w in (self.index, self.conf, self.iou):
            w.setEnabled(n > 0)
        if not n:
            self.canvas.set_scene(None)
            self.gallery.clear()
            self._show_problem("This evaluation holds no test images to draw boxes on.")
            return
        if not same:  # a new set of images: the sliders start where the evaluation says
            for slider, value in ((self.conf, data.conf_threshold), (self.iou, data.iou_threshold)):
                slider.blockSignals(True)
                slider.setValue(round(value * 100))
                slider.blockSignals(False)
            self._update_labels()
        self.index.blockSignals(True)
        self.index.setRange(1 if n else 0, n)
        self.index.setValue(keep if n else 0)
        self.index.blockSignals(False)
        self.count.setText(f"of {n}")
        self.gallery.blockSignals(True)
        self.gallery.clear()
        self._thumb_images = [picture(img) for img in data.images]
        self._thumb_keys: list = [None] * n  # the kept candidates each thumbnail shows
        for k in range(min(n, GALLERY_MAX)):
            QListWidgetItem(QIcon(QPixmap.fromImage(self._thumb_images[k])), str(k + 1), self.gallery)
        self.gallery.setCurrentRow(keep - 1 if keep <= self.gallery.count() else -1)
        self.gallery.setToolTip(f"The first {self.gallery.count()} of the {n} test images" if n > GALLERY_MAX
                                else "The test images")
        self.gallery.blockSignals(False)
        self.anchor_view.set_anchors(data.anchors, data.grid)
        sizes = ", ".join(f"{k + 1}: {w:.2f} x {h:.2f}" for k, (w, h) in enumerate(data.anchors))
        fit = ""
        wh = np.concatenate([b[:, 2:4] - b[:, 0:2] for b in data.true_boxes]) if n else np.zeros((0, 2))
        if len(wh) and len(data.anchors):
            fit = (" On these test boxes the best anchor overlaps a box's size by IoU "
                   f"{mean_best_iou(wh, data.anchors):.2f} on average.")
        self.anchor_text.setText(f"Width x height as fractions of the image, on a {data.grid[0]} x {data.grid[1]} "
                                 f"grid: {sizes}.{fit}")
        self._update_labels()
        self._index_changed()
        self.schedule_slow()

    set_evaluation = set_data

    def set_view(self, view, image: bool = True) -> None:
        """The Evaluation panel's call: ``view`` is an ``EvaluationView`` (or an Evaluation)."""
        self.set_data(view)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # the theme changed: re-colour what is not palette-drawn
            self.problem.setStyleSheet(style.css("ERROR_TEXT"))
        super().changeEvent(event)

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        for w in (self.index, self.prev, self.next, self.conf, self.iou):
            w.setEnabled(self.data is not None and len(self.data) > 0)

    def thresholds(self) -> tuple[float, float]:
        return self.conf.value() / 100, self.iou.value() / 100

    def detections(self) -> list:
        """Every image's detections at the current thresholds (computed once per setting)."""
        key = self.thresholds()
        if self._detections is None or self._detections[0] != key:
            self._detections = (key, self.data.detections_at(*key))
        return self._detections[1]

    # ------------------------------------------------------------------ reactions
    def current(self) -> int:
        return self.index.value() - 1

    def _index_changed(self, *_args) -> None:
        if self.data is None or not len(self.data):
            return
        k = self.current()
        self.prev.setEnabled(k > 0)
        self.next.setEnabled(k < len(self.data) - 1)
        self.gallery.blockSignals(True)
        self.gallery.setCurrentRow(k if k < self.gallery.count() else -1)
        self.gallery.blockSignals(False)
        self.focus.blockSignals(True)
        self.focus.clear()
        names = self.data.class_names
        for t, c in enumerate(self.data.true_classes[k]):
            self.focus.addItem(f"true box {t + 1}: {names[c] if c < len(names) else c}")
        self.focus.setEnabled(self.focus.count() > 0)
        self.focus.blockSignals(False)
        self.refresh_image()

    def _chosen(self, *_args) -> None:
        if self.data is not None and 0 <= self.current() < len(self.data):
            self.example_chosen.emit(int(self.data.indices[self.current()]))

    def _thresholds_changed(self, *_args) -> None:
        self._update_labels()
        self.refresh_image()
        self._slow.start()

    def _update_labels(self) -> None:
        conf, iou = self.thresholds()
        self.conf_label.setText(f"Confidence \u2265 {conf:.2f}")
        self.iou_label.setText(f"NMS IoU threshold {iou:.2f}")
        self.legend.setText(legend_html())

    def _hovered(self, text: str) -> None:
        self.hover.setText(text.replace("\n", "; ") if text else
                          "Point at a box to read what it is. Gallery captions: image: boxes kept / true boxes.")

    def refresh_image(self, *_args) -> None:
        """Redraw the big image and its explanation at the current settings."""
        if self.data is None or not len(self.data):
            return
        k, (conf, iou), d = self.current(), self.thresholds(), self.data
        ex = explain_detections(d.boxes[k], d.scores[k], d.classes[k], conf, iou)
        self.canvas.set_scene(Scene(
            picture(d.images[k]), ex, d.boxes[k], d.true_boxes[k], d.true_classes[k], d.class_names,
            self.show_removed.isChecked(), d.grid if self.show_grid.isChecked() else None,
            self.focus.currentIndex(), d.anchors, scores=d.scores[k], classes=d.classes[k]))
        self.explained = ex
        self.explain.setText(explanation_html(self.canvas.scene, self.focus.currentText()))
        if not self.hover.text():
            self._hovered("")

    def schedule_slow(self) -> None:
        """Recompute every image's detections and the PR curves off the GUI thread (one job at a
        time; settings changed meanwhile start one more job when it ends)."""
        if self.data is None or not len(self.data):
            return
        if self._job is not None:
            self._pending = True
            return
        data, (conf, iou) = self.data, self.thresholds()

        def work():
            dets = data.detections_at(conf, iou)
            return data, (conf, iou), dets, data.scores_at(conf, iou, dets)

        self._job = Task(work)
        self._job.finished.connect(self._job_done)
        self._job.failed.connect(self._job_failed)
        self.busy.setText("Updating the precision-recall curves and the gallery...")
        self._job.start()

    def _job_done(self, result) -> None:
        self._job = None
        data, key, dets, scores = result
        if data is self.data and key == self.thresholds():
            self._apply_slow(key, dets, scores)
        if self._pending:
            self._pending = False
            self.schedule_slow()
        else:
            self.busy.setText("")

    def _job_failed(self, message: str) -> None:
        self._job, self._pending = None, False
        self.busy.setText("")
        self._show_problem(f"Could not compute the precision-recall curves: {message}")

    def refresh_slow(self) -> None:
        """The same as ``schedule_slow``, here and now (screenshots, tests)."""
        if self.data is None or not len(self.data):
            return
        key = self.thresholds()
        dets = self.detections()
        self._apply_slow(key, dets, self.data.scores_at(*key, dets))

    def _apply_slow(self, key, dets, scores) -> None:
        """Show one computation: the PR curves with mAP and the gallery thumbnails."""
        self._detections = (key, dets)
        d = self.data
        note = ""
        if d.reported_map is not None and np.isfinite(d.reported_map):
            at = f" at confidence &ge; {d.reported_conf:.2f}" if d.reported_conf is not None else ""
            note = (f" The run reports mAP@0.5 = {d.reported_map:.3f}{at}: the lower the threshold, the further "
                    "the curves reach.")
        self.pr.set_scores(scores, d.class_names, *key, note=note)
        for k, det in enumerate(dets[:self.gallery.count()]):
            if self._thumb_keys[k] == (drawn := tuple(det.index.tolist())):
                continue  # the same boxes as drawn last time
            self._thumb_keys[k] = drawn
            pix = QPixmap(THUMB, THUMB)
            painter = QPainter(pix)
            scene = Scene(self._thumb_images[k], Explained(det), d.boxes[k], d.true_boxes[k], d.true_classes[k],
                          d.class_names, labels=False)
            paint_scene(painter, QRectF(0, 0, THUMB, THUMB), scene)
            painter.end()
            item = self.gallery.item(k)
            item.setIcon(QIcon(pix))
            item.setText(f"{k + 1}: {len(det.index)}/{len(d.true_boxes[k])}")
            item.setToolTip(f"image {k + 1}: {len(det.index)} boxes kept, {len(d.true_boxes[k])} true")
