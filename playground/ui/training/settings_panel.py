"""The training settings form, generated from ``TrainConfig`` and the registries (optimizers,
losses, schedules and their ``Setting`` records).

Owns ``SettingsPanel``. Each edit goes through ``TrainingSession.apply_setting``: live settings
(learning rate, optimizer and its parameters, schedule, L1/L2, max-norm, clipping, batch size,
epochs, early stopping) reach a running trainer without resetting the network; the others (loss,
seed, device) are marked "on Reset". The learning rate has a log-scale slider and, beside it, a
typed entry that shows the project's exact value whatever it is (the slider only covers 1e-5..10);
the other real numbers are typed entries too, so no valid value is ever clamped or rounded away.
Every change is one step on the project's undo stack. The form follows changes made elsewhere:
``Document.training_changed`` and ``TrainingSession.settings_changed`` (undo, redo, the
learning-rate finder's "use"), and a newly opened project. A refused value is shown under the form
and changes nothing. It does not own the settings themselves (the project).
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QScrollArea, QSlider, QSpinBox, QVBoxLayout, QWidget)

from playground.core.errors import PlaygroundError

LR_RANGE = (-5.0, 1.0)  # log10 of the slider's ends
SLIDER_STEPS = 600
NUMBERS = {  # name: (label, tip); typed entries: any value the settings accept is shown as it is
    "l1": ("L1 penalty", "adds l1 * sum |w| to the loss (0: off)"),
    "l2": ("L2 penalty", "adds l2 * sum w\u00b2 to the loss (0: off)"),
    "max_norm": ("Max-norm", "each unit's incoming weights are kept to this length (0: off)"),
    "grad_clip": ("Gradient clipping", "the gradient's total length is cut to this (0: off)"),
    "min_delta": ("Min. improvement", "an improvement of the validation loss must beat this"),
}
INTEGERS = {  # name: (label, lowest, highest, tip); the highest is Qt's, the settings have none
    "batch_size": ("Batch size", 1, 2**31 - 1, "examples per step; a change applies from the next epoch"),
    "epochs": ("Epochs", 0, 2**31 - 1, "how many passes over the training data"),
    "patience": ("Patience", 1, 10000, "epochs without improvement before early stopping"),
    "seed": ("Seed", 0, 2**31 - 1, "same seed, same initial weights and the same run"),
}


def number_text(value: float) -> str:
    """A real number as typed: every digit that matters, no rounding to a box's decimals."""
    return f"{value:.12g}"


class NumberEntry(QLineEdit):
    """A typed real number (``value`` / ``setValue`` like a spin box, but with no range and no fixed
    decimals: 1000 reads 1000 and 1.2e-07 reads 1.2e-07). Text that is not a number gives nan;
    the settings then refuse it and the form shows why."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMaximumWidth(110)

    def value(self) -> float:
        try:
            return float(self.text().strip().replace(",", ""))
        except ValueError:
            return math.nan

    def setValue(self, value: float) -> None:  # noqa: N802 - the spin box's name, on purpose
        self.setText(number_text(float(value)))
        self.setCursorPosition(0)


def _number_box(setting, decimals=6):
    if type(setting.default) is bool:
        box = QCheckBox()
        box.setChecked(setting.default)
        return box
    if type(setting.default) is int:
        box = QSpinBox()
        box.setRange(int(setting.min if setting.min is not None else -10**9),
                     int(setting.max if setting.max is not None else 10**9))
        return box
    box = QDoubleSpinBox()
    box.setDecimals(decimals if setting.default == 0 or abs(setting.default) >= 1e-4 else 12)
    box.setRange(float(setting.min if setting.min is not None else -1e9),
                 float(setting.max if setting.max is not None else 1e9))
    box.setSingleStep(0.01)
    return box


class SettingsPanel(QWidget):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        from playground.train import LOSSES, OPTIMIZERS, SCHEDULES
        from playground.train.config import LIVE

        self.session = session
        self.live = LIVE
        self.tables = {"optimizer": OPTIMIZERS, "schedule": SCHEDULES, "loss": LOSSES}
        self.widgets: dict[str, QWidget] = {}
        self.sub_forms: dict[str, QFormLayout] = {}
        self._loading = False
        self._applying = False  # our own edit is being stored: the form already shows it
        inner = QWidget()
        self.form = QFormLayout(inner)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._choice("optimizer", "Optimizer")
        self._lr_row()
        self._choice("schedule", "LR schedule")
        for name in ("batch_size", "epochs"):
            self._integer(name)
        self._choice("loss", "Loss", extra=("auto",))
        for name in ("l1", "l2", "max_norm", "grad_clip"):
            self._number(name)
        self._flag("early_stopping", "Early stopping", "stop when the validation loss stops improving")
        self._integer("patience")
        self._number("min_delta")
        self._flag("restore_best", "Restore best", "after early stopping, go back to the best epoch's weights")
        self._integer("seed")
        device = QComboBox()
        device.addItems(self._devices())
        device.currentTextChanged.connect(lambda text: self._apply(device=text))
        self._row("device", "Device", device, "where the network trains")
        self.note = QLabel()
        self.note.setWordWrap(True)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.note)
        session.doc.project_replaced.connect(self.load)
        session.doc.training_changed.connect(self._changed_elsewhere)
        session.run_started.connect(lambda _seed: self.load())
        session.settings_changed.connect(self.load)  # the LR finder's "use", anything else that sets them
        session.doc.undo_stack.indexChanged.connect(lambda _i: self.load())  # undo / redo of any edit
        self.load()

    # ---- building ----------------------------------------------------------------------------------

    @staticmethod
    def _devices() -> list[str]:
        import torch

        return ["auto", "cpu"] + [f"cuda:{i}" for i in range(torch.cuda.device_count())]

    def _row(self, name: str, label: str, widget: QWidget, tip: str) -> None:
        when = "changes at once, while training runs" if name in self.live else "applies on Reset"
        text = QLabel(f"{label} <span style='color:#8A919C'>({'live' if name in self.live else 'on Reset'})</span>")
        text.setToolTip(f"{tip}; {when}")
        widget.setToolTip(f"{tip}; {when}")
        widget.setObjectName(f"setting_{name}")
        self.form.addRow(text, widget)
        self.widgets[name] = widget

    def _choice(self, name: str, label: str, extra: tuple = ()) -> None:
        box = QComboBox()
        for key in extra:
            box.addItem(key.capitalize(), key)
        for key, record in self.tables[name].items():
            box.addItem(record.title, key)
            box.setItemData(box.count() - 1, record.doc, Qt.ItemDataRole.ToolTipRole)
        box.currentIndexChanged.connect(lambda _i, n=name, b=box: self._apply(**{n: b.currentData()}))
        self._row(name, label, box, f"the {label.lower()}")
        sub = QFormLayout()
        sub.setContentsMargins(16, 0, 0, 0)
        self.form.addRow(sub)
        self.sub_forms[name] = sub

    def _lr_row(self) -> None:
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        self.lr_slider = QSlider(Qt.Orientation.Horizontal)
        self.lr_slider.setRange(0, SLIDER_STEPS)
        self.lr_box = NumberEntry()
        self.lr_box.setObjectName("setting_lr_value")
        self.lr_slider.valueChanged.connect(self._lr_from_slider)
        self.lr_box.editingFinished.connect(lambda: self._apply(lr=self.lr_box.value()))
        h.addWidget(self.lr_slider, 1)
        h.addWidget(self.lr_box)
        self._row("lr", "Learning rate", row, "step size (the slider is logarithmic, 0.00001 to 10; type any "
                  "positive value in the box)")

    def _lr_from_slider(self, value: int) -> None:
        if self._loading:
            return
        low, high = LR_RANGE
        lr = float(f"{10 ** (low + (high - low) * value / SLIDER_STEPS):.3g}")
        self.lr_box.setValue(lr)
        self._apply(lr=lr)

    def _integer(self, name: str) -> None:
        label, low, high, tip = INTEGERS[name]
        box = QSpinBox()
        box.setRange(low, high)
        box.editingFinished.connect(lambda n=name, b=box: self._apply(**{n: b.value()}))
        self._row(name, label, box, tip)

    def _number(self, name: str) -> None:
        label, tip = NUMBERS[name]
        box = NumberEntry()
        box.editingFinished.connect(lambda n=name, b=box: self._apply(**{n: b.value()}))
        self._row(name, label, box, tip)

    def _flag(self, name: str, label: str, tip: str) -> None:
        box = QCheckBox()
        box.toggled.connect(lambda on, n=name: self._apply(**{n: on}))
        self._row(name, label, box, tip)

    def _show_sub_form(self, name: str, key: str, values: dict) -> None:
        """The sub-form of choice ``name`` for ``key``: rebuilt when the choice changed, else its
        boxes take ``values`` in place (a box may be the one whose edit brought us here)."""
        sub = self.sub_forms[name]
        if getattr(sub, "shown_key", None) != key:
            self._fill_sub_form(name, key, values)
            sub.shown_key = key
            return
        for pname, value in values.items():
            box = self.findChild(QWidget, f"setting_{name}_{pname}")
            if box is None:
                continue
            box.blockSignals(True)
            box.setChecked(bool(value)) if isinstance(box, QCheckBox) else box.setValue(value)
            box.blockSignals(False)

    def _fill_sub_form(self, name: str, key: str, values: dict) -> None:
        sub = self.sub_forms[name]
        while sub.rowCount():
            sub.removeRow(0)
        table = self.tables[name]
        if key not in table:
            return
        for pname, setting in table[key].params.items():
            box = _number_box(setting)
            value = values.get(pname, setting.default)
            if isinstance(box, QCheckBox):
                box.setChecked(bool(value))
                box.toggled.connect(lambda _v, n=name, p=pname, b=box: self._apply_param(n, p, b.isChecked()))
            else:
                box.setValue(value)
                box.editingFinished.connect(lambda n=name, p=pname, b=box: self._apply_param(n, p, b.value()))
            box.setToolTip(setting.doc)
            box.setObjectName(f"setting_{name}_{pname}")
            sub.addRow(pname.replace("_", " "), box)

    # ---- values ------------------------------------------------------------------------------------

    def load(self) -> None:
        """Show the project's settings (after opening a project, a reset, or a refused value)."""
        cfg = self.session.config()
        self._loading = True
        try:
            for name in ("optimizer", "schedule", "loss"):
                box = self.widgets[name]
                box.blockSignals(True)
                box.setCurrentIndex(max(0, box.findData(getattr(cfg, name))))
                box.blockSignals(False)
                self._show_sub_form(name, getattr(cfg, name), getattr(cfg, f"{name}_params"))
            self.lr_box.setValue(cfg.lr)
            self.lr_slider.blockSignals(True)
            low, high = LR_RANGE
            pos = (math.log10(max(cfg.lr, 10 ** low)) - low) / (high - low) * SLIDER_STEPS
            self.lr_slider.setValue(int(round(min(max(pos, 0), SLIDER_STEPS))))
            self.lr_slider.blockSignals(False)
            for name in (*INTEGERS, *NUMBERS):
                box = self.widgets[name]
                box.blockSignals(True)
                box.setValue(getattr(cfg, name))
                box.blockSignals(False)
            for name in ("early_stopping", "restore_best"):
                box = self.widgets[name]
                box.blockSignals(True)
                box.setChecked(getattr(cfg, name))
                box.blockSignals(False)
            device = self.widgets["device"]
            device.blockSignals(True)
            if device.findText(cfg.device) < 0:
                device.addItem(cfg.device)
            device.setCurrentText(cfg.device)
            device.blockSignals(False)
        finally:
            self._loading = False

    def _changed_elsewhere(self, _keys) -> None:
        """Undo, redo or another panel changed the settings: show them."""
        if not self._applying:
            self.load()

    def _apply_param(self, name: str, pname: str, value) -> None:
        params = dict(getattr(self.session.config(), f"{name}_params"))
        params[pname] = value
        self._apply(**{f"{name}_params": params})

    def _apply(self, **changes) -> None:
        if self._loading:
            return
        current = self.session.config().to_dict()
        if all(current.get(k) == v for k, v in changes.items()):
            return
        self._applying = True
        try:
            when = self.session.apply_setting(**changes)
        except PlaygroundError as exc:
            self._applying = False
            self.note.setText(f"<span style='color:#D62728'>Not changed: {exc}</span>")
            self.load()
            return
        finally:
            self._applying = False
        said = ", ".join(f"{k.replace('_', ' ')} = {v}" for k, v in changes.items())
        if when == "live":
            self.note.setText(f"{said}: applied{' now' if self.session.busy else ''}.")
        else:
            self.note.setText(f"{said}: applies on Reset (Ctrl+R).")
        if any(k in changes for k in ("optimizer", "schedule", "loss")):
            self.load()
