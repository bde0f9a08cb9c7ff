"""Help menu: getting started, the shortcut list (generated from the action table), about."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from playground import __version__
from playground.ui.common import style
from playground.ui.window.actions import ACTIONS, shortcut_text
from playground.ui.learn.registry import LEARN_PANELS
from playground.ui.panels.registry import PANELS
from playground.ui.training.controls import TRAIN_ACTIONS

GETTING_STARTED = f"""
<h3>Build a network</h3>
<ul>
<li><b>Add layers</b>: drag them from the <i>Layers</i> panel onto the canvas, or double-click one to add it
after the selected layer (already wired). Every network starts with an <i>Input</i> layer.</li>
<li><b>Connect</b>: drag from a layer's bottom dot (its output) to another layer. Add and Concat have a wide
top dot: they take several inputs, which is how residual and Inception blocks are built.</li>
<li><b>Change settings</b>: select a layer and edit it in the <i>Inspector</i>.</li>
<li><b>Undo</b> anything with Ctrl+Z, redo with Ctrl+Shift+Z.</li>
</ul>
<h3>Read the canvas</h3>
<ul>
<li>Each card shows the layer's name, kind, key settings, its output shape per sample (<tt>out (8)</tt>)
and how many numbers it learns. Labels on the arrows are the tensor shapes flowing between layers.</li>
<li>The coloured strip is the layer's family: the same colours head the groups in the Layers panel.</li>
<li><span style='color:{style.ERROR.name()}'><b>Red border and red !</b></span>: a problem that stops the network
from running. <span style='color:{style.WARNING.name()}'><b>Orange !</b></span>: advice. Hover a card to read it;
the <i>Problems</i> tab lists them all.</li>
</ul>
<h3>Move around</h3>
<p>Mouse wheel: zoom. Middle button or Space + drag: pan. Drag on empty canvas: select several layers.
Ctrl+0: fit the whole network.</p>
"""


def getting_started(parent) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle("Getting started")
    box.setText(GETTING_STARTED)
    box.exec()


def shortcut_rows() -> list[tuple[str, str, str]]:
    """(group, what, keys) for every shortcut: the action table, training, and the inside panels."""
    rows = [("Building", spec.text.replace("&", "").rstrip("…"), shortcut_text(spec)) for spec in ACTIONS
            if spec.shortcuts]
    rows += [("Training", spec.text.replace("&", ""), spec.shortcut) for spec in TRAIN_ACTIONS]
    rows += [("Look inside", f"Show {entry.title}", entry.shortcut) for entry in PANELS]
    rows += [("Learn", f"Show {entry.title}", entry.shortcut) for entry in LEARN_PANELS]
    return rows


def shortcuts_html() -> str:
    parts, group = [], None
    for section, text, keys in shortcut_rows():
        if section != group:
            parts.append(f"<tr><td colspan='2'><br><b>{section}</b></td></tr>")
            group = section
        parts.append(f"<tr><td>{text}</td><td><b>{keys}</b></td></tr>")
    return f"<table cellspacing='4'>{''.join(parts)}</table>"


def shortcuts(parent) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle("Keyboard shortcuts")
    box.setText(shortcuts_html())
    box.exec()


def about(parent) -> None:
    QMessageBox.about(parent, "About Playground",
                      f"<b>Playground {__version__}</b><br>Build neural networks by dragging layers, train them "
                      "with real PyTorch, and look inside.<br>MIT licence.")


class HelpMenu:
    """What the Help actions call (``help.getting_started`` in the action table)."""

    def __init__(self, parent):
        self.parent = parent

    def getting_started(self) -> None:
        getting_started(self.parent)

    def shortcuts(self) -> None:
        shortcuts(self.parent)

    def about(self) -> None:
        about(self.parent)
