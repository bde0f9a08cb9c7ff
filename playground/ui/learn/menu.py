"""Passes the canvas selection to the Learn views that follow it (the Convolution Arithmetic view
shows the selected layer). The Learn docks and menu themselves are built by ``ui.training.attach``
from ``registry.LEARN_PANELS``.

Owns ``follow_selection(window)``: it keeps ``context.selected_ids`` current, so that a view built
after a click still sees the selection, and calls ``select_nodes`` on views already built.
"""

from __future__ import annotations

from playground.ui.learn.registry import LEARN_PANELS


def follow_selection(window) -> None:
    training = window.training
    training.context.selected_ids = []

    def forward_selection(ids) -> None:
        training.context.selected_ids = list(ids)
        for entry in LEARN_PANELS:
            panel = training.hosts[entry.key]._panel
            if panel is not None and hasattr(panel, "select_nodes"):
                panel.select_nodes(list(ids))
    window.scene.selected_ids.connect(forward_selection)
