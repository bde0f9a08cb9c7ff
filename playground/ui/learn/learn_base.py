"""Pieces every Learn view shares: a plot in the app's style and a base for views that compute
in the GUI thread or a small worker of their own (not through the training thread).

Owns ``make_plot`` (a pyqtgraph plot with a title, axis labels, a legend and a zero line) and
``LearnView`` (an explanation line at the top, a message line at the bottom, ``invalidate`` to
redraw, ``results`` counting the pictures shown, which the screenshot command and tests wait on).
Views that ask the training thread (a layer's live inputs, the network's curve) use ``ProbePanel``.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from playground.ui.panels.panel_header import explained_layout

BLUE, ORANGE, GREEN, RED, GREY, PURPLE = "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#7F7F7F", "#9467BD"


def make_plot(title: str, x_label: str, y_label: str = "", legend: bool = True) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    item = plot.getPlotItem()
    item.setTitle(title, color="#1F2328", size="10pt")
    item.setLabel("bottom", x_label)
    if y_label:
        item.setLabel("left", y_label)
    item.showGrid(x=True, y=True, alpha=0.15)
    if legend:
        item.addLegend(offset=(6, 6), labelTextSize="8pt")
    item.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#C8CCD2")))
    plot.setMinimumSize(180, 150)
    return plot


class LearnView(QWidget):
    explanation = ""

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.doc = context.doc
        self.session = context.session
        self.results = 0
        self.last_error = ""
        self.on_screen = True
        self.layout_, self.explain_label, self.message_label = explained_layout(self, self.explanation)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.message_label)

    def set_on_screen(self, on: bool) -> None:
        self.on_screen = on
        if on:
            QTimer.singleShot(0, self.invalidate)

    def invalidate(self, *args) -> None:
        """Draw again from the current controls (subclasses: ``refresh``)."""
        try:
            self.refresh()
            self.show_message("")
        except Exception as exc:  # noqa: BLE001 - a bad setting is shown in words, the app carries on
            self.show_message(str(exc) if hasattr(exc, "fix") else f"{exc.__class__.__name__}: {exc}")
        if not self.pending():
            self.results += 1

    def pending(self) -> bool:
        """Work still running off the GUI thread (it counts its own result when it lands)."""
        return False

    def refresh(self) -> None:
        raise NotImplementedError

    def show_message(self, text: str) -> None:
        self.last_error = text
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))
