"""Choosing the one input the inside-the-network panels look at: browse, find mistakes, draw, type a point.

Owns ``InputPicker`` (a row of controls that edits the shared ``InputChoice``: split, example
number with previous/next, a thumbnail of the example with its true label, "Misclassified" that
steps through the examples the model gets wrong, "Draw…" for image datasets, and x1/x2 boxes for
2-D point datasets) and ``DrawCanvas`` (a small scaled-up canvas painted with a soft brush; its
picture becomes a custom input in [0, 1] of the dataset's input shape). It learns about the
dataset (input shape, class names, kind, split sizes) and fetches the thumbnail through session
jobs, so it never touches torch itself. Any panel can embed it: ``InputPicker(context)``. It does
not draw activations (``activations.py`` does) and does not own the choice (``input_choice.py``).
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton,
                               QSizePolicy, QSpinBox, QToolButton, QVBoxLayout, QWidget)

from playground.ui.panels.input_choice import SPLITS
from playground.ui.plots.image_grid import lut, to_image

STUCK_SECONDS = 20.0  # an answer from a dropped trainer never comes: stop waiting for it after this
THUMB = 44  # thumbnail size in pixels
BRUSH_RADIUS = 1.4  # soft brush, in canvas pixels
CANVAS_SCALE = 7  # screen pixels per canvas pixel (28 x 28 -> 196 x 196)


def _example_job(choice_state: tuple):
    """A job: the dataset's facts and the chosen example in stored units, with its label."""
    split, index, custom = choice_state

    def job(trainer):
        from playground.train.activation_view import dataset_facts, stored_input

        facts = dataset_facts(trainer)
        if custom is not None:
            return {"facts": facts, "x": np.asarray(custom, dtype=np.float32).copy(), "label": None, "index": None}
        feed = trainer.feeds[split] if len(trainer.feeds[split]) else trainer.train_feed
        i = index % max(1, len(feed))
        x, y = feed.sample([i])
        label = int(y.reshape(-1)[0]) if y.numel() == 1 and not y.is_floating_point() else None
        return {"facts": facts, "x": stored_input(trainer, x), "label": label, "index": i}

    return job


def _mistakes_job(split: str):
    def job(trainer):
        from playground.train.activation_view import misclassified

        return misclassified(trainer, split)

    return job


def thumbnail(x: np.ndarray, size: int = THUMB) -> QPixmap | None:
    """A gray (or colour) picture of one stored image (C, H, W) in [0, 1]; None for other shapes."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3 or x.shape[0] not in (1, 3):
        return None
    tile = x[0] if x.shape[0] == 1 else np.transpose(x, (1, 2, 0))  # (H, W) or (H, W, 3)
    image = to_image(tile, 0.0, 1.0, lut("gray"))
    return QPixmap.fromImage(image).scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.FastTransformation)


class DrawCanvas(QWidget):
    """A small picture (H, W) in [0, 1] painted with a soft round brush; ``stroke_done`` is called
    after every stroke (mouse release)."""

    def __init__(self, height: int = 28, width: int = 28, parent: QWidget | None = None):
        super().__init__(parent)
        self.picture = np.zeros((height, width), dtype=np.float32)
        self.stroke_done = None
        self._last: QPointF | None = None
        self.setFixedSize(width * CANVAS_SCALE, height * CANVAS_SCALE)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw with the left mouse button")

    def resize_picture(self, height: int, width: int) -> None:
        if self.picture.shape != (height, width):
            self.picture = np.zeros((height, width), dtype=np.float32)
            scale = max(2, min(CANVAS_SCALE, 220 // max(height, width, 1)))
            self.setFixedSize(width * scale, height * scale)
            self.update()

    def clear(self) -> None:
        self.picture[:] = 0
        self.update()

    def _to_pixels(self, pos: QPointF) -> tuple[float, float]:
        h, w = self.picture.shape
        return pos.y() / self.height() * h - 0.5, pos.x() / self.width() * w - 0.5

    def dab(self, row: float, col: float) -> None:
        """Add one soft dab of paint centred at (row, col), in canvas pixels."""
        h, w = self.picture.shape
        rows, cols = np.mgrid[0:h, 0:w]  # (H, W) each
        d2 = (rows - row) ** 2 + (cols - col) ** 2
        paint = np.exp(-d2 / (2 * BRUSH_RADIUS ** 2)).astype(np.float32)
        paint[d2 > (3 * BRUSH_RADIUS) ** 2] = 0
        np.maximum(self.picture, np.minimum(1.0, paint * 1.3), out=self.picture)

    def _line_to(self, pos: QPointF) -> None:
        r1, c1 = self._to_pixels(pos)
        if self._last is None:
            self.dab(r1, c1)
        else:
            r0, c0 = self._to_pixels(self._last)
            steps = max(1, int(np.hypot(r1 - r0, c1 - c0) * 2))
            for t in np.linspace(0, 1, steps + 1)[1:]:
                self.dab(r0 + (r1 - r0) * t, c0 + (c1 - c0) * t)
        self._last = QPointF(pos)
        self.update()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._last = None
            self._line_to(event.position())

    def mouseMoveEvent(self, event) -> None:
        if self._last is not None:  # painting since the press (QTest moves carry no buttons)
            self._line_to(event.position())

    def mouseReleaseEvent(self, event) -> None:
        if self._last is not None:
            self._line_to(event.position())
            self._last = None
            if self.stroke_done is not None:
                self.stroke_done()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        h, w = self.picture.shape
        p.drawImage(QRectF(0, 0, self.width(), self.height()), to_image(self.picture, 0.0, 1.0, lut("gray")))
        p.setPen(QPen(QColor(255, 255, 255, 28), 1))
        for k in range(1, w):
            x = k * self.width() / w
            p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        for k in range(1, h):
            y = k * self.height() / h
            p.drawLine(QPointF(0, y), QPointF(self.width(), y))
        p.setPen(QPen(QColor("#8C929B"), 1))
        p.drawRect(QRectF(0, 0, self.width() - 1, self.height() - 1))


class InputPicker(QWidget):
    """Edits ``context.choice``: a dataset example, a misclassified one, a drawing or a typed point."""

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.session, self.doc, self.choice = context.session, context.doc, context.choice
        self.owner = f"InputPicker:{id(self)}"
        self.mistakes_owner = self.owner + ":mistakes"
        self.facts: dict | None = None
        self.example: dict | None = None  # the last answer: facts, x (stored units), label, index
        self.mistakes = None  # the last Mistakes found
        self.stale = True
        self._asked_at: float | None = None
        self.answers = 0  # example answers received (tests wait on it)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(3)
        row = QHBoxLayout()
        row.setSpacing(4)
        outer.addLayout(row)
        row.addWidget(QLabel("Input:"))
        self.split_box = QComboBox()
        self.split_box.addItems(SPLITS)
        self.split_box.setToolTip("Which part of the dataset to pick the example from")
        row.addWidget(self.split_box)
        self.index_box = QSpinBox()
        self.index_box.setRange(0, 0)
        self.index_box.setPrefix("# ")
        self.index_box.setToolTip("Example number in the chosen split")
        self.index_box.setMinimumWidth(80)
        row.addWidget(self.index_box)
        self.prev_button = QToolButton(text="◀")
        self.prev_button.setToolTip("Previous example")
        self.next_button = QToolButton(text="▶")
        self.next_button.setToolTip("Next example")
        row.addWidget(self.prev_button)
        row.addWidget(self.next_button)
        self.mistakes_button = QPushButton("Misclassified ▸")
        self.mistakes_button.setToolTip("Step through the examples of this split that the network gets wrong")
        row.addWidget(self.mistakes_button)
        self.draw_button = QPushButton("Draw…")
        self.draw_button.setCheckable(True)
        self.draw_button.setToolTip("Draw your own input and see what the network makes of it")
        row.addWidget(self.draw_button)
        # 2-D points: type a point
        self.point_boxes = []
        for name in ("x1", "x2"):
            box = QDoubleSpinBox()
            box.setRange(-1000.0, 1000.0)
            box.setDecimals(2)
            box.setSingleStep(0.1)
            box.setPrefix(f"{name} = ")
            box.setToolTip("A point of your own; clicking in the Decision Boundary panel sets it too")
            row.addWidget(box)
            self.point_boxes.append(box)
        self.point_button = QPushButton("Use point")
        self.point_button.setToolTip("Look at this point (clicking in the Decision Boundary panel also picks one)")
        row.addWidget(self.point_button)
        self.thumb = QLabel()
        self.thumb.setFixedSize(THUMB, THUMB)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setStyleSheet("background: #000; border: 1px solid #C9CDD4;")
        row.addWidget(self.thumb)
        self.label = QLabel("")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row.addWidget(self.label, 1)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #5A6270;")
        outer.addWidget(self.note)

        # the drawing area (image datasets), shown by "Draw…"
        self.draw_area = QWidget()
        draw_row = QHBoxLayout(self.draw_area)
        draw_row.setContentsMargins(0, 0, 0, 0)
        self.canvas = DrawCanvas()
        self.canvas.stroke_done = self._stroke_done
        draw_row.addWidget(self.canvas)
        side = QVBoxLayout()
        side.addWidget(QLabel("Draw a digit or a shape\nwith the mouse (white on black)."))
        self.live_box = QCheckBox("Update as I draw")
        self.live_box.setChecked(True)
        side.addWidget(self.live_box)
        self.use_button = QPushButton("Use drawing")
        self.clear_button = QPushButton("Clear")
        side.addWidget(self.use_button)
        side.addWidget(self.clear_button)
        side.addStretch(1)
        draw_row.addLayout(side)
        draw_row.addStretch(1)
        outer.addWidget(self.draw_area)
        self.draw_area.hide()

        self.split_box.currentTextChanged.connect(self._split_picked)
        self.index_box.valueChanged.connect(self._index_picked)
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.mistakes_button.clicked.connect(self.next_mistake)
        self.draw_button.toggled.connect(self._toggle_draw)
        self.use_button.clicked.connect(self.use_drawing)
        self.clear_button.clicked.connect(self.canvas.clear)
        self.point_button.clicked.connect(self.use_point)
        self.choice.changed.connect(self._choice_changed)
        self.session.job_done.connect(self._on_job)
        self.doc.project_replaced.connect(self._dataset_changed)
        if hasattr(self.doc, "dataset_changed"):
            self.doc.dataset_changed.connect(self._dataset_changed)
        self.session.run_started.connect(self._dataset_changed)
        self._apply_kind()
        self._sync_controls()

    # ---- the controls -> the choice --------------------------------------------------------------

    def _split_picked(self, split: str) -> None:
        if split in SPLITS and (split != self.choice.split or self.choice.custom is not None):
            size = self._size(split)
            self.choice.set_example(split, min(self.choice.index, size - 1) if size else self.choice.index)

    def _index_picked(self, index: int) -> None:
        if index != self.choice.index or self.choice.custom is not None:
            self.choice.set_example(self.split_box.currentText(), index)

    def step(self, delta: int) -> None:
        """The previous (-1) or next (+1) example of the split, wrapping around."""
        size = self._size(self.choice.split) or 1
        base = self.choice.index if self.choice.custom is None else -1 if delta > 0 else 0
        self.choice.set_example(self.split_box.currentText(), (base + delta) % size)

    def next_mistake(self) -> None:
        """Find the misclassified examples of the chosen split (a job), then go to the next one."""
        self.mistakes_button.setEnabled(False)
        self.note.setText("Looking for misclassified examples…")
        self.session.submit(self.mistakes_owner, _mistakes_job(self.split_box.currentText()))

    def _show_mistake(self, found) -> None:
        self.mistakes = found
        self.mistakes_button.setEnabled(self._classifies())
        if not found.indices:
            self.note.setText(f"No misclassified examples in the {found.split} split "
                              f"({found.total} examples): the network gets them all right.")
            return
        current = self.choice.index if self.choice.custom is None and self.choice.split == found.split else -1
        k = next((k for k, i in enumerate(found.indices) if i > current), 0)  # the next one, wrapping
        names = self._class_names()
        pred = found.predicted[k]
        self.choice.set_example(found.split, found.indices[k])
        self.note.setText(f"Misclassified {k + 1} of {len(found.indices)} in the {found.split} split "
                          f"({len(found.indices) / max(1, found.total):.0%} of {found.total}): "
                          f"the network says '{self._name(names, pred)}', "
                          f"the label is '{self._name(names, found.labels[k])}'.")

    def _toggle_draw(self, on: bool) -> None:
        self.draw_area.setVisible(on)
        if on and self.facts:
            c, h, w = self.facts["input_shape"]
            self.canvas.resize_picture(h, w)

    def drawing(self) -> np.ndarray:
        """The canvas as an input of the dataset's shape (C, H, W) in [0, 1], gray in every channel."""
        shape = tuple(self.facts["input_shape"]) if self.facts else (1,) + self.canvas.picture.shape
        c = shape[0] if len(shape) == 3 else 1
        return np.repeat(self.canvas.picture[None], c, axis=0).astype(np.float32)  # (C, H, W)

    def use_drawing(self) -> None:
        self.choice.set_custom(self.drawing(), "your drawing")

    def _stroke_done(self) -> None:
        if self.live_box.isChecked():
            self.use_drawing()

    def use_point(self) -> None:
        point = np.array([b.value() for b in self.point_boxes], dtype=np.float32)
        self.choice.set_custom(point, f"your point ({point[0]:.2f}, {point[1]:.2f})")

    # ---- the choice -> the controls --------------------------------------------------------------

    def _choice_changed(self) -> None:
        self._sync_controls()
        self.stale = True
        self.request()

    def _sync_controls(self) -> None:
        for w in (self.split_box, self.index_box):
            w.blockSignals(True)
        self.split_box.setCurrentText(self.choice.split)
        size = self._size(self.choice.split)
        self.index_box.setRange(0, max(0, size - 1) if size else 999999)
        self.index_box.setValue(self.choice.index)
        for w in (self.split_box, self.index_box):
            w.blockSignals(False)
        custom = self.choice.custom is not None
        font = self.index_box.font()
        font.setStrikeOut(custom)
        self.index_box.setFont(font)
        if custom:
            self.label.setText(f"<b>{self.choice.describe()}</b> (no label)")
            if self.choice.custom.ndim == 3:
                self._set_thumb(self.choice.custom)

    def _apply_kind(self) -> None:
        kind = (self.facts or {}).get("kind")
        image = kind == "image" and len((self.facts or {}).get("input_shape", ())) == 3
        points = kind == "points" and tuple((self.facts or {}).get("input_shape", ())) == (2,)
        self.draw_button.setVisible(image)
        if not image and self.draw_button.isChecked():
            self.draw_button.setChecked(False)
        for w in (*self.point_boxes, self.point_button):
            w.setVisible(points)
        self.thumb.setVisible(kind != "points" and kind != "tabular")
        self.mistakes_button.setEnabled(self._classifies())

    # ---- asking the training thread --------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.stale:
            QTimer.singleShot(0, self.request)

    def request(self) -> bool:
        if not self.isVisible():
            return False
        if self._asked_at is not None and time.monotonic() - self._asked_at < STUCK_SECONDS:
            return False  # one in flight; the answer asks again if stale
        self.stale = False
        self._asked_at = time.monotonic()
        c = self.choice
        self.session.submit(self.owner, _example_job((c.split, c.index, c.custom)))
        return True

    def _dataset_changed(self, *args) -> None:
        self._asked_at = None  # an answer from a dropped trainer never comes
        self.mistakes = None
        self.stale = True
        QTimer.singleShot(0, self.request)

    def _on_job(self, owner: str, result) -> None:
        if owner == self.mistakes_owner:
            if isinstance(result, BaseException):
                self.mistakes_button.setEnabled(self._classifies())
                self.note.setText(f"Cannot look for mistakes: {result}")
            else:
                self._show_mistake(result)
            return
        if owner != self.owner:
            return
        self._asked_at = None
        self.answers += 1
        if isinstance(result, BaseException):
            self.label.setText("no example: the network or the dataset has a problem")
        else:
            self._show_example(result)
        if self.stale:
            QTimer.singleShot(0, self.request)

    def _show_example(self, result: dict) -> None:
        kind_before = (self.facts or {}).get("kind"), (self.facts or {}).get("input_shape")
        self.example, self.facts = result, result["facts"]
        if kind_before != (self.facts["kind"], self.facts["input_shape"]):
            self._apply_kind()
        self._sync_controls()
        x = result["x"]
        if x.ndim == 3:
            self._set_thumb(x)
        if result["index"] is None:
            return
        names = self._class_names()
        true = f" · true: <b>{self._name(names, result['label'])}</b>" if result["label"] is not None else ""
        where = f"{self.choice.split} example {result['index']} of {self._size(self.choice.split)}"
        if x.ndim == 1 and x.size == 2:
            where += f" at ({x[0]:.2f}, {x[1]:.2f})"
            for box, v in zip(self.point_boxes, x):
                box.setValue(float(v))
        self.label.setText(where + true)

    def _set_thumb(self, x: np.ndarray) -> None:
        pixmap = thumbnail(x)
        if pixmap is not None:
            self.thumb.setPixmap(pixmap)

    # ---- facts ------------------------------------------------------------------------------------

    def _size(self, split: str) -> int:
        return int(((self.facts or {}).get("sizes") or {}).get(split, 0))

    def _class_names(self) -> tuple:
        return tuple((self.facts or {}).get("class_names", ()))

    def _classifies(self) -> bool:
        from playground.data.targets import target_form

        return target_form((self.facts or {}).get("task", "classification")).per_example

    @staticmethod
    def _name(names: tuple, k) -> str:
        return names[k] if k is not None and 0 <= k < len(names) else str(k)

    def sizeHint(self) -> QSize:
        return QSize(600, super().sizeHint().height())
