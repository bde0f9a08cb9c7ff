"""The trainable switch in the app: the inspector toggles it (undoable), the canvas draws a frozen marker."""

from __future__ import annotations

from PySide6.QtGui import QImage, QPainter


def _render(item) -> QImage:
    rect = item.boundingRect()
    image = QImage(int(rect.width()) + 2, int(rect.height()) + 2, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.translate(-rect.left() + 1, -rect.top() + 1)
    item.paint(painter, None)
    painter.end()
    return image


def test_toggle_trainable_in_the_inspector_draws_frozen_and_undoes(make_window):
    window = make_window("lenet5")
    conv = window.doc.graph.by_name("conv1")
    item = window.scene.nodes[conv.id]
    plain = _render(item)
    window.scene.select_nodes([conv.id])
    item.setSelected(False)  # draw without the selection border; the inspector keeps the layer
    assert not item.frozen
    window.scene.select_nodes([conv.id])
    box = window.inspector.fields["trainable"][0]
    assert box.isChecked()
    box.setChecked(False)
    assert conv.params["trainable"] is False and item.frozen
    item.setSelected(False)
    assert _render(item) != plain  # hatched, with a lock
    window.doc.undo_stack.undo()
    assert conv.params["trainable"] is True and not item.frozen
    item.setSelected(False)
    assert _render(item) == plain
