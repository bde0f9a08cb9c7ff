"""The inspector: a form for the selected layer, generated from its parameter specs.

One editor per parameter type (a table, not a chain of ifs): spin boxes with the spec's range,
drop-downs for choices, check boxes, "same" padding as a spin box's special value, shapes as text.
The doc line is each field's tooltip. Every change goes through the Editor (undoable) and the
graph re-checks at once; a value the graph refuses is shown in red under the form, and the field
goes back to the layer's real value. The form follows the model: undo updates it too.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QScrollArea,
                               QSpinBox, QVBoxLayout, QWidget)

from playground.graph.params import ParamSpec
from playground.graph.shapes import format_shape, human_bytes, human_count
from playground.ui.common import style
from playground.ui.project.document import Document
from playground.ui.editor.edits import Editor

SAME = -1  # the padding spin box's value that means "same"


def _int_editor(spec: ParamSpec, commit: Callable[[Any], None]):
    box = QSpinBox()
    box.setRange(int(spec.min if spec.min is not None else -10**9), int(spec.max if spec.max is not None else 10**9))
    box.setKeyboardTracking(False)
    box.valueChanged.connect(commit)
    return box, box.setValue


def _float_editor(spec: ParamSpec, commit):
    box = QDoubleSpinBox()
    box.setRange(spec.min if spec.min is not None else -1e9, spec.max if spec.max is not None else 1e9)
    box.setDecimals(4)
    default = abs(float(spec.default or 0)) or 0.1
    box.setSingleStep(10 ** math.floor(math.log10(default)) if default < 1 else 0.1)
    box.setKeyboardTracking(False)
    box.valueChanged.connect(commit)
    return box, box.setValue


def _bool_editor(spec: ParamSpec, commit):
    box = QCheckBox()
    box.toggled.connect(commit)
    return box, box.setChecked


def _choice_editor(spec: ParamSpec, commit):
    box = QComboBox()
    box.addItems(list(spec.choices))
    box.currentTextChanged.connect(commit)
    return box, box.setCurrentText


def _padding_editor(spec: ParamSpec, commit):
    box = QSpinBox()
    box.setRange(SAME, int(spec.max if spec.max is not None else 64))
    box.setSpecialValueText("same")
    box.setKeyboardTracking(False)
    box.valueChanged.connect(lambda v: commit("same" if v == SAME else v))
    return box, lambda v: box.setValue(SAME if v == "same" else int(v))


def _shape_editor(spec: ParamSpec, commit):
    box = QLineEdit()
    box.setPlaceholderText("sizes, e.g. 16, 7, 7 (-1 = the rest)")
    box.editingFinished.connect(lambda: commit(box.text()))
    return box, lambda v: box.setText(", ".join(str(d) for d in v))


#: parameter type -> factory(spec, commit) -> (widget, set_value)
EDITORS = {"int": _int_editor, "float": _float_editor, "bool": _bool_editor, "choice": _choice_editor,
           "padding": _padding_editor, "shape": _shape_editor}


class Inspector(QWidget):
    def __init__(self, doc: Document, editor: Editor, parent=None):
        super().__init__(parent)
        self.doc, self.editor = doc, editor
        self.node_id: str | None = None
        self.fields: dict[str, tuple[QWidget, Callable[[Any], None]]] = {}
        self._loading = False
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.name_edit = QLineEdit()
        self.name_edit.setToolTip("The layer's name: also its attribute name in the generated PyTorch code")
        self.name_edit.editingFinished.connect(self._rename)
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {style.ERROR.name()};")
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(self.title)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.form_host)
        layout.addWidget(self.error)
        layout.addWidget(self.info)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        doc.node_changed.connect(self._node_changed)
        doc.node_removed.connect(lambda node: self.show_nodes([]) if node.id == self.node_id else None)
        doc.analysis_changed.connect(self._show_info)
        doc.project_replaced.connect(lambda: self.show_nodes([]))
        self.show_nodes([])

    # ---- which layer ----------------------------------------------------------------------------

    def show_nodes(self, node_ids: list[str]) -> None:
        node_ids = [n for n in node_ids if n in self.doc.graph.nodes]
        self.node_id = node_ids[0] if len(node_ids) == 1 else None
        self.error.clear()
        self._clear_form()
        if self.node_id is None:
            self.name_edit.hide()
            if node_ids:
                self.title.setText(f"<b>{len(node_ids)} layers selected</b><br>Delete, copy or duplicate them "
                                   "together; select one layer to edit its settings.")
            else:
                self.title.setText("<b>No layer selected</b><br>Click a layer on the canvas to see and change its "
                                   "settings. Below: the whole network.")
            self._show_info()
            return
        node = self.doc.graph.nodes[self.node_id]
        spec = node.spec
        color = style.category_color(spec.category).name()
        self.title.setText(f"<span style='color:{color}'>\u25a0</span> <b>{spec.label}</b> "
                           f"<span style='color:#5A6270'>({spec.category})</span><br>{spec.doc}")
        self.title.setToolTip(spec.tooltip())
        self.name_edit.show()
        self.name_edit.setText(node.name)
        for param in spec.params:
            widget, setter = EDITORS[param.type](param, lambda value, key=param.name: self._commit(key, value))
            widget.setToolTip(param.doc)
            label = QLabel(param.title)
            label.setToolTip(param.doc)
            self.form.addRow(label, widget)
            self.fields[param.name] = (widget, setter)
        if not spec.params:
            self.form.addRow(QLabel("This layer has no settings."))
        self._load_values()
        self._show_info()

    def _clear_form(self) -> None:
        self.fields.clear()
        while self.form.rowCount():
            self.form.removeRow(0)

    def _load_values(self) -> None:
        node = self.doc.graph.nodes.get(self.node_id)
        if node is None:
            return
        self._loading = True
        try:
            for key, (widget, setter) in self.fields.items():
                widget.blockSignals(True)
                setter(node.params[key])
                widget.blockSignals(False)
            if not self.name_edit.hasFocus():
                self.name_edit.setText(node.name)
        finally:
            self._loading = False

    # ---- edits ----------------------------------------------------------------------------------

    def _commit(self, key: str, value: Any) -> None:
        if self._loading or self.node_id is None:
            return
        self.error.clear()
        if not self.editor.set_param(self.node_id, key, value):
            self._load_values()

    def _rename(self) -> None:
        if self.node_id is None:
            return
        name = self.name_edit.text().strip()
        if name != self.doc.graph.nodes[self.node_id].name and not self.editor.rename(self.node_id, name):
            self.name_edit.setText(self.doc.graph.nodes[self.node_id].name)

    def show_refusal(self, message: str) -> None:
        if self.node_id is not None:
            self.error.setText(message)

    def _node_changed(self, node, what: str) -> None:
        if node.id == self.node_id and what in ("params", "name"):
            self._load_values()

    # ---- numbers ---------------------------------------------------------------------------------

    def _show_info(self) -> None:
        shapes = self.doc.shapes
        if self.node_id is None or self.node_id not in self.doc.graph.nodes:
            inputs = [n for n in self.doc.graph.input_nodes()]
            ins = format_shape(shapes.shape(inputs[0].id)) if inputs else "?"
            ends = self.doc.graph.output_nodes()
            out = format_shape(shapes.shape(ends[0].id)) if len(ends) == 1 else "?"
            self.info.setText(f"<b>Network</b>: {len(self.doc.graph.nodes)} layers<br>input {ins} \u2192 output {out}"
                              f"<br>{shapes.total_params:,} parameters, {human_count(shapes.total_macs)} "
                              f"multiply-adds per sample" + _issue_html(self.doc.issues))
            return
        info = shapes.nodes.get(self.node_id)
        ins = [format_shape(shapes.shape(src)) for src in self.doc.graph.inputs_of(self.node_id)]
        text = [f"<b>Input</b>: {', '.join(ins) if ins else 'none yet'}",
                f"<b>Output</b>: {format_shape(info.shape if info else None)} per sample"]
        if info is not None and info.shape is not None:
            text.append(f"<b>Parameters</b>: {info.params:,} &nbsp; <b>Multiply-adds</b>: {human_count(info.macs)}"
                        f" &nbsp; <b>Output memory</b>: {human_bytes(info.memory)} per sample")
        self.info.setText("<br>".join(text) + _issue_html(self.doc.node_issues(self.node_id)))


def _issue_html(issues) -> str:
    out = []
    for issue in issues:
        color = style.ERROR.name() if issue.severity == "error" else style.WARNING.name()
        word = "Problem" if issue.severity == "error" else "Advice"
        message = issue.message.replace("&", "&amp;").replace("<", "&lt;")
        out.append(f"<p style='color:{color}'><b>{word}:</b> {message}</p>")
    return "".join(out)
