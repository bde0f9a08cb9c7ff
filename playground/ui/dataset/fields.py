"""One input widget per dataset parameter value, and reading, writing and watching it.

``make_editor`` picks the widget from the value's type (a check box for a bool, a combo for
choices, spin boxes for numbers with a step that fits the range, a line edit otherwise); ``read``,
``write`` and ``changed_signal`` treat every kind alike, so the form (``form.py``) is one loop over
a dataset's parameter records. It knows nothing about datasets.
"""

from __future__ import annotations

import math

from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox, QWidget


def _float_box(lo: float, hi: float, doc: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    span = max(float(hi) - float(lo), 1e-9)
    step = 10 ** math.floor(math.log10(span / 20))  # about 20 to 200 steps across the range
    box.setDecimals(max(1, min(4, -math.floor(math.log10(step)))))
    box.setRange(float(lo), float(hi))
    box.setSingleStep(step)
    box.setToolTip(doc)
    return box


def make_editor(default, lo, hi, doc: str, choices=None) -> QWidget:
    """One input widget for a value like ``default``: checkbox, combo, spin box or line edit."""
    if isinstance(default, bool):
        widget = QCheckBox()
    elif choices:
        widget = QComboBox()
        widget.addItems([str(c) for c in choices])
    elif isinstance(default, int):
        widget = QSpinBox()
        widget.setRange(int(lo if lo is not None else -2**31), int(hi if hi is not None else 2**31 - 1))
        widget.setSingleStep(max(1, 10 ** math.floor(math.log10(max(1, (widget.maximum() - widget.minimum()) / 100)))))
    elif isinstance(default, float):
        widget = _float_box(lo if lo is not None else 0.0, hi if hi is not None else 1e6, doc)
    else:
        widget = QLineEdit()
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        widget.setKeyboardTracking(False)  # one change when typing ends, not one per key
    widget.setToolTip(doc)
    return widget


def read(widget: QWidget):
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QComboBox):
        data = widget.currentData()  # choices with a label of their own ("(the last column)": "")
        return data if data is not None else widget.currentText()
    if isinstance(widget, QDoubleSpinBox):
        return round(widget.value(), widget.decimals())
    if isinstance(widget, QSpinBox):
        return widget.value()
    return widget.text()


def write(widget: QWidget, value) -> None:
    if isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QComboBox):
        index = widget.findData(value)
        widget.setCurrentIndex(max(0, index if index >= 0 else widget.findText(str(value))))
    elif isinstance(widget, QDoubleSpinBox):
        widget.setValue(float(value))
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value))
    else:
        widget.setText(str(value))


def changed_signal(widget: QWidget):
    if isinstance(widget, QCheckBox):
        return widget.toggled
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        return widget.valueChanged
    return widget.editingFinished
