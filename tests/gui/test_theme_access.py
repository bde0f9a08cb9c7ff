"""Item 13 of issue 19: under a dark palette the group headers, legends and explanation labels
contrast with their background; main widgets have accessible names; Ctrl+E connects two layers."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from playground.graph.project import Project
from playground.ui.common import style


def luminance(c: QColor) -> float:  # WCAG 2 relative luminance
    def lin(v):
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(c.red()) + 0.7152 * lin(c.green()) + 0.0722 * lin(c.blue())


def contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(label: QLabel) -> QColor:
    found = re.search(r"color:\s*(#[0-9A-Fa-f]{6})", label.styleSheet())
    return QColor(found.group(1)) if found else label.palette().color(label.foregroundRole())


@pytest.fixture
def dark():
    app = QApplication.instance()
    saved = (app.style().name(), QPalette(app.palette()))
    style.apply_theme(app, "dark")
    yield
    style.apply_theme(app, "light")
    app.setStyle(saved[0])
    app.setPalette(saved[1])


def test_dark_theme_keeps_every_text_readable(dark, make_window, qtbot):
    window = make_window("tfp_mlp")
    window.training.show_panel("boundary")
    qtbot.wait(100)
    tree = window.palette.tree if hasattr(window.palette, "tree") else window.palette.findChild(
        __import__("PySide6.QtWidgets", fromlist=["QTreeWidget"]).QTreeWidget)
    base = tree.palette().color(QPalette.ColorRole.Base)
    for i in range(tree.topLevelItemCount()):
        header = tree.topLevelItem(i)
        brush = header.foreground(0)
        fg = brush.color() if brush.style() != Qt.BrushStyle.NoBrush else tree.palette().color(QPalette.ColorRole.Text)
        assert contrast(fg, base) >= 4.5, header.text(0)
    window.grab()
    weak = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.text().strip():
            continue
        bg = label.palette().color(QPalette.ColorRole.Window)
        ratio = contrast(text_colour(label), bg)
        if ratio < 3.0:
            weak.append((label.text()[:40], round(ratio, 2)))
    assert weak == []
    # the canvas: node text on the node background, the grid on the canvas
    assert contrast(style.TEXT, style.NODE_BG) >= 4.5 and contrast(style.MUTED, style.NODE_BG) >= 4.5
    assert contrast(style.MUTED, style.CANVAS_BG) >= 4.5


def test_main_widgets_have_accessible_names(make_window):
    window = make_window("tfp_mlp")
    assert window.view.accessibleName() == "Network canvas"
    for key, dock in window.docks.items():
        assert dock.accessibleName() and dock.widget().accessibleName(), key


def test_ctrl_e_connects_two_selected_layers_and_undo_removes_it(make_window, qtbot):
    window = make_window(Project(name="keyboard"))
    a = window.editor.append_layer("PointsInput", [])
    b = window.editor.add_layer("Linear", (0.0, 200.0))
    assert not window.doc.graph.edges
    window.scene.select_nodes([b, a])
    window.view.setFocus()
    assert window.action_map["connect"].shortcut().toString() == "Ctrl+E"
    window.action_map["connect"].trigger()
    assert [(e.src, e.dst) for e in window.doc.graph.edges] == [(a, b)]
    window.doc.undo_stack.undo()
    assert not window.doc.graph.edges
