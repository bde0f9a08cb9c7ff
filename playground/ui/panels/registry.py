"""The table of inside-the-network panels and the dock placeholder that builds one on first sight.

Owns ``PANELS`` (key, dock title, where the class lives, a shortcut and a tooltip: one record per
panel, so the window, its menus and the docs come from one table) and ``PanelHost``: the dock's
widget, which imports and builds the real panel the first time it is shown (a closed panel costs
neither start-up time nor training time). A panel that fails to build says why in its dock; the
rest of the window carries on.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from playground.ui.panels.probe_panel import PanelContext


@dataclass(frozen=True)
class PanelEntry:
    key: str
    title: str
    module: str
    cls: str
    shortcut: str
    tip: str


PANELS = (
    PanelEntry("activations", "Activations", "playground.ui.panels.activations", "ActivationsPanel", "Alt+1",
               "Every layer's output for one input: feature maps, heat strips and class probabilities"),
    PanelEntry("filters", "Filters & Weights", "playground.ui.panels.filters", "FiltersPanel", "Alt+2",
               "Learned kernels, classic edge filters beside them, weight and activation histograms"),
    PanelEntry("receptive_field", "Receptive Field", "playground.ui.panels.receptive_field",
               "ReceptiveFieldPanel", "Alt+3",
               "Click a unit: the input pixels it can see (box) and the ones that actually move it (heat map)"),
    PanelEntry("boundary", "Decision Boundary", "playground.ui.panels.boundary", "BoundaryPanel", "Alt+4",
               "The network's answer over the whole plane for 2-D inputs, and each hidden unit's"),
    PanelEntry("health", "Training Health", "playground.ui.panels.health", "HealthPanel", "Alt+5",
               "Gradient norms, update/weight ratios, dead and saturated units, and sanity checks"),
    PanelEntry("evaluation", "Evaluation", "playground.ui.panels.evaluation", "EvaluationPanel", "Alt+6",
               "Confusion matrix, precision/recall/F1, ROC curves, misclassified examples and saliency"),
    PanelEntry("embedding", "Embedding", "playground.ui.metric.embedding_view", "EmbeddingPanel", "Alt+7",
               "Metric learning: the embedding as a scatter by class, verification with a threshold, one-shot"),
    PanelEntry("autoencoder", "Autoencoder", "playground.ui.generative.autoencoder", "AutoencoderPanel", "Alt+8",
               "An autoencoder's code of every example on the latent plane, reconstructions, and pictures "
               "decoded from points you click"),
)


class PanelHost(QWidget):
    """Builds ``entry``'s panel on first show (or on ``panel()``)."""

    def __init__(self, entry: PanelEntry, context: PanelContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.entry = entry
        self.context = context
        self._panel: QWidget | None = None
        self._failed = ""
        self.on_screen = False
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QLabel(f"{entry.title}: {entry.tip}.")
        self.placeholder.setWordWrap(True)
        self.layout_.addWidget(self.placeholder)

    def panel(self) -> QWidget | None:
        """The real panel, built now if it was not yet (None when it cannot be built)."""
        if self._panel is None and not self._failed:
            try:
                cls = getattr(importlib.import_module(self.entry.module), self.entry.cls)
                panel = cls(self.context)
            except Exception as exc:  # noqa: BLE001 - one broken panel must not take the window down
                self._failed = f"The {self.entry.title} panel could not be opened: {exc.__class__.__name__}: {exc}"
                self.placeholder.setText(self._failed)
                return None
            self.placeholder.hide()
            if hasattr(panel, "set_on_screen"):
                panel.on_screen = self.on_screen
            # in a scroll area: a panel's minimum height scrolls inside its dock instead of making
            # the window taller than the screen (a 1280x720 projector grew to 883 px)
            area = QScrollArea()
            area.setObjectName(f"scroll_{self.entry.key}")
            area.setWidgetResizable(True)
            area.setFrameShape(QFrame.Shape.NoFrame)
            area.setWidget(panel)
            self.layout_.addWidget(area)
            self._panel = panel
        return self._panel

    def set_on_screen(self, on: bool) -> None:
        """Follows the dock's ``visibilityChanged``: Qt keeps the widgets of a tab that is not the
        current one "visible", so this, not showEvent, says whether the panel can be seen."""
        self.on_screen = on
        if on and self._panel is None:
            QTimer.singleShot(0, self._build_if_on_screen)  # once the window's layout has settled
        elif self._panel is not None and hasattr(self._panel, "set_on_screen"):
            self._panel.set_on_screen(on)

    def _build_if_on_screen(self) -> None:
        if self.on_screen and self.isVisible():
            panel = self.panel()
            if panel is not None and hasattr(panel, "set_on_screen"):
                panel.set_on_screen(True)
