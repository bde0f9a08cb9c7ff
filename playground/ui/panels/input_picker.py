"""Choosing the one input the inside-the-network panels look at: browse, find mistakes, draw, type a point.

Owns ``InputPicker`` (a row of controls that edits the shared ``InputChoice``: split, example
number with previous/next, a thumbnail of the example with its true label, "Misclassified" that
steps through the examples the model gets wrong, "Draw…" for image datasets, and x1/x2 boxes for
2-D point datasets; a drawing from ``input_drawing.DrawArea`` becomes a custom input in [0, 1] of
the dataset's input shape) and ``thumbnail`` (the picture of one example). It learns about the
dataset (input shape, class names, kind, split sizes) and fetches the thumbnail through session
jobs, so it never touches torch itself. Any panel can embed it: ``InputPicker(context)``. It does
not draw activations (``activations.py`` does) and does not own the choice (``input_choice.py``).
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton,
                               QSizePolicy, QSpinBox, QToolButton, QVBoxLayout, QWidget)

from playground.ui.panels.input_choice import SPLITS
from playground.ui.panels.input_drawing import DrawArea
from playground.ui.plots.image_grid import lut, to_image
from playground.ui.common import style

STUCK_SECONDS = 20.0  # an answer from a dropped trainer never comes: stop waiting for it after this
THUMB = 44  # thumbnail size in pixels


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
        self.thumb.setStyleSheet(f"background: #000; border: 1px solid {style.color('BORDER').name()};")
        row.addWidget(self.thumb)
        self.label = QLabel("")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row.addWidget(self.label, 1)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        style.mute(self.note)
        outer.addWidget(self.note)

        # the drawing area (image datasets), shown by "Draw…"
        self.draw_area = DrawArea()
        self.canvas = self.draw_area.canvas
        self.canvas.stroke_done = self._stroke_done
        self.live_box, self.use_button = self.draw_area.live_box, self.draw_area.use_button
        self.clear_button = self.draw_area.clear_button
        outer.addWidget(self.draw_area)
        self.draw_area.hide()

        self.split_box.currentTextChanged.connect(self._split_picked)
        self.index_box.valueChanged.connect(self._index_picked)
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.mistakes_button.clicked.connect(self.next_mistake)
        self.draw_button.toggled.connect(self._toggle_draw)
        self.use_button.clicked.connect(self.use_drawing)
        self.point_button.clicked.connect(self.use_point)
        self.choice.changed.connect(self._choice_changed)
        self.session.job_done.connect(self._on_job)
        self.doc.project_replaced.connect(self._project_replaced)
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
        return self.draw_area.as_input(tuple(self.facts["input_shape"]) if self.facts else None)

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

    def _project_replaced(self) -> None:
        """Another project: the old one's drawing goes (the shared choice forgets it too)."""
        self.canvas.clear()
        self.draw_button.setChecked(False)
        self.example, self.facts = None, None
        self._dataset_changed()

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
