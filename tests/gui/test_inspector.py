"""The inspector: a form from the parameter specs; changes re-check at once and can be undone."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox


def test_form_is_generated_from_the_specs(make_window):
    window = make_window("lenet5")
    conv = window.doc.graph.by_name("conv1")
    window.scene.select_nodes([conv.id])
    fields = window.inspector.fields
    assert set(fields) == {p.name for p in conv.spec.params}
    kinds = {name: type(widget) for name, (widget, _set) in fields.items()}
    assert kinds["filters"] is QSpinBox and kinds["bias"] is QCheckBox and kinds["weight_init"] is QComboBox
    filters = fields["filters"][0]
    spec = conv.spec.param("filters")
    assert (filters.minimum(), filters.maximum()) == (spec.min, spec.max)
    assert filters.toolTip() == spec.doc
    padding = fields["padding"][0]
    padding.setValue(padding.minimum())
    assert padding.text() == "same" and conv.params["padding"] == "same"


def test_changing_a_parameter_updates_shape_text_and_badge(make_window):
    window = make_window("lenet5")
    graph, scene = window.doc.graph, window.scene
    conv2 = graph.by_name("conv2")
    window.scene.select_nodes([conv2.id])
    item = scene.nodes[conv2.id]
    assert item.shape_text == "(16, 10, 10)" and not item.issues
    filters = window.inspector.fields["filters"][0]
    filters.setValue(32)
    assert item.shape_text == "(32, 10, 10)"
    kernel = window.inspector.fields["kernel_size"][0]
    kernel.setValue(20)  # larger than its 14x14 input
    assert item.has_error and item.shape_text == "?"
    assert "kernel" in item.toolTip() and "Problem" in item.toolTip()
    assert "Problem" in window.inspector.info.text()
    assert "problem" in window.verdict.text()
    window.doc.undo_stack.undo()
    assert not item.issues and item.shape_text == "(32, 10, 10)"
    window.doc.undo_stack.undo()
    assert item.shape_text == "(16, 10, 10)" and filters.value() == 16  # the form follows undo


def test_rename_and_float_and_refusal(window):
    graph = window.doc.graph
    fc1 = graph.by_name("fc1")
    window.scene.select_nodes([fc1.id])
    name = window.inspector.name_edit
    name.setText("first")
    name.editingFinished.emit()
    assert fc1.name == "first" and window.scene.nodes[fc1.id].name == "first"
    name.setText("fc2")  # taken
    name.editingFinished.emit()
    assert fc1.name == "first" and name.text() == "first"
    assert "already" in window.inspector.error.text()
    window.editor.append_layer("Dropout", [fc1.id])
    drop = graph.by_name("drop1")
    window.scene.select_nodes([drop.id])
    p = window.inspector.fields["p"][0]
    assert isinstance(p, QDoubleSpinBox)
    p.setValue(0.25)
    assert drop.params["p"] == 0.25


def test_shape_parameter_as_text(make_window):
    from playground.graph.project import Project

    window = make_window(Project(name="t"))
    window.add_from_palette("layer:VectorInput")
    new = window.add_from_palette("layer:Reshape")
    editor = window.inspector.fields["shape"][0]
    assert isinstance(editor, QLineEdit)
    editor.setText("2, 2")
    editor.editingFinished.emit()
    assert window.doc.graph.nodes[new[0]].params["shape"] == (2, 2)
    assert window.scene.nodes[new[0]].shape_text == "(2, 2)"
    editor.setText("2, x")
    editor.editingFinished.emit()
    assert window.doc.graph.nodes[new[0]].params["shape"] == (2, 2) and editor.text() == "2, 2"
    assert window.inspector.error.text()
