"""Puts the Learn views into the main window: a dock per ``LEARN_PANELS`` record (tabbed beside the
inside-the-network panels, built when first shown) and a Learn menu before Help.

Owns ``attach_learn(window)``. The docks' hosts join the training UI's ``hosts`` so that
``TrainingUI.show_panel`` and the screenshot command raise them like any inside panel, and the
canvas selection is passed to views that follow it (``select_nodes``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from playground.ui.learn.registry import LEARN_PANELS
from playground.ui.panels.registry import PanelHost


def attach_learn(window) -> QMenu:
    training = window.training
    previous = list(training.hosts)[-1] if training.hosts else "curves"
    for entry in LEARN_PANELS:
        host = training.hosts[entry.key] = PanelHost(entry, training.context)
        window._add_dock(entry.key, entry.title, host, Qt.DockWidgetArea.BottomDockWidgetArea)
        window.docks[entry.key].setToolTip(entry.tip)
        training._watch(window.docks[entry.key], host)
        window.tabifyDockWidget(window.docks[previous], window.docks[entry.key])
        previous = entry.key
    window.docks["problems"].raise_()

    training.context.selected_ids = []  # the canvas selection, for views built after it was made

    def forward_selection(ids) -> None:
        training.context.selected_ids = list(ids)
        for entry in LEARN_PANELS:
            panel = training.hosts[entry.key]._panel
            if panel is not None and hasattr(panel, "select_nodes"):
                panel.select_nodes(list(ids))
    window.scene.selected_ids.connect(forward_selection)

    bar = window.menuBar()
    help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    menu = QMenu("&Learn", window)
    for entry in LEARN_PANELS:
        action = menu.addAction(entry.title)
        action.setShortcut(entry.shortcut)
        action.setStatusTip(entry.tip)
        action.triggered.connect(lambda _c=False, key=entry.key: training.show_panel(key))
    bar.insertMenu(help_action, menu) if help_action else bar.addMenu(menu)
    return menu
