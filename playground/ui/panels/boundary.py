"""The Decision Boundary panel: TensorFlow Playground's hallmark view for 2-D inputs.

Owns ``BoundaryPanel``: the network's answer over the plane as colour with the training points
(filled) and test points (hollow) on top, the train/test loss and accuracy, a "Discretize output"
switch, and a strip of small maps per hidden layer showing what each neuron computes (a hovered
one is shown large). It refreshes while training runs (this is the panel people watch while a
spiral gets learned). Clicking the plane makes that point the shared input every panel looks at.
Drawing lives in ``boundary_plane.py`` and ``boundary_neurons.py``; the numbers come from
``playground/train/boundary.py``, run in the training thread.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QSplitter, QWidget

from playground.ui.panels.boundary_neurons import NeuronTiles
from playground.ui.panels.boundary_plane import PlaneView, class_colour
from playground.ui.panels.probe_panel import PanelContext, ProbePanel
from playground.ui.common import style

RESOLUTION = 80
NEURON_RESOLUTION = 32


def _swatch(c: int, name: str) -> str:
    r, g, b = class_colour(c).astype(int)
    return f'<span style="color: rgb({r},{g},{b});">&#9632;</span> {name}'


class BoundaryPanel(ProbePanel):
    explanation = ("Colour: the network's answer at each point of the plane (white: unsure). Dots: "
                   "training data, rings: test data. Small maps: what each hidden neuron computes. "
                   "Click the plane to use that point as the input.")
    interval_ms = 300
    follows_batches = True
    follows_input = False  # the surface does not depend on the chosen input; only the marker does

    def __init__(self, context: PanelContext, parent=None):
        super().__init__(context, parent)
        controls = QHBoxLayout()
        self.discretize = QCheckBox("Discretize output")
        self.discretize.setToolTip("Colour each point by the class the network picks (threshold 0.5, or the "
                                   "most likely class; for regression: above or below 0)")
        self.show_test = QCheckBox("Show test data")
        self.show_test.setChecked(True)
        self.show_neurons = QCheckBox("Neurons")
        self.show_neurons.setChecked(True)
        self.show_neurons.setToolTip("Show each hidden neuron's output over the plane")
        for box in (self.discretize, self.show_test, self.show_neurons):
            controls.addWidget(box)
        controls.addStretch(1)
        self.metrics_label = QLabel("")
        self.metrics_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        controls.addWidget(self.metrics_label)
        self.layout_.addLayout(controls)
        self.legend_label = QLabel("")
        self.layout_.addWidget(self.legend_label)

        self.plane = PlaneView()
        self.plane.setMinimumHeight(220)
        self.neurons = NeuronTiles()
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.plane)
        self.splitter.addWidget(self.neurons)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.layout_.addWidget(self.splitter, 1)
        self.finish_layout()
        self.filler = QWidget()  # takes the plots' room while they are hidden: a message stays near the top
        self.filler.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.filler.hide()
        self.layout_.addWidget(self.filler, 1)

        self.discretize.toggled.connect(self._redraw)
        self.show_test.toggled.connect(self._redraw)
        self.show_neurons.toggled.connect(self._neurons_toggled)
        self.plane.clicked.connect(self.pick_point)
        self.choice.changed.connect(self._show_marker)
        self._show_marker()

    # ---- asking ----------------------------------------------------------------------------------

    def job(self) -> Callable | None:
        neurons = self.show_neurons.isChecked()

        def run(trainer) -> dict:
            from playground.train.boundary import decision_surface, neuron_surfaces

            return {"surface": decision_surface(trainer, RESOLUTION),
                    "neurons": neuron_surfaces(trainer, NEURON_RESOLUTION) if neurons else None}

        return run

    # ---- showing ---------------------------------------------------------------------------------

    def show_result(self, result: dict) -> None:
        self.splitter.setVisible(True)
        self.filler.setVisible(False)
        self._redraw()
        if result["neurons"] is not None:
            self.neurons.show_units(result["neurons"])
        self.neurons.setVisible(self.show_neurons.isChecked())

    def _redraw(self, *args) -> None:
        result = self.last_result
        if not result:
            return
        surface = result["surface"]
        self.plane.show_surface(surface, self.discretize.isChecked(), self.show_test.isChecked())
        self.metrics_label.setText(self._metrics_text(surface))
        self.legend_label.setText(self._legend_text(surface))

    @staticmethod
    def _metrics_text(surface: dict) -> str:
        parts = []
        for split, title in (("test", "Test"), ("train", "Training")):
            m = surface["metrics"].get(split, {})
            if "loss" not in m:
                continue
            text = f"{title} loss {m['loss']:.3f}"
            if "accuracy" in m:
                text += f" ({m['accuracy'] * 100:.0f}% right)"
            parts.append(text)
        parts.append(f"step {surface['step']}")
        return " · ".join(parts)

    @staticmethod
    def _legend_text(surface: dict) -> str:
        names = surface["class_names"] or tuple(f"class {c}" for c in range(max(2, surface["num_classes"])))
        if surface["kind"] == "regression":
            return "Colour: the predicted value (bar on the right); dots coloured by their true value."
        swatches = " &nbsp; ".join(_swatch(c, n) for c, n in enumerate(names[:10]))
        strength = "paler where the network is less sure" if surface["kind"] == "multiclass" else "white: 50/50"
        return f"{swatches} &nbsp; ({strength})"

    def show_error(self, exc: BaseException) -> None:
        super().show_error(exc)
        self.plane.clear()
        self.neurons.clear()
        self.splitter.setVisible(False)
        self.filler.setVisible(True)
        self.metrics_label.setText("")
        self.legend_label.setText("")

    def resizeEvent(self, event) -> None:
        """Side by side in a wide dock, one above the other in a tall one."""
        super().resizeEvent(event)
        wide = self.width() > 1.25 * self.height()
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() != orientation:
            self.splitter.setOrientation(orientation)
            total = self.width() if wide else self.height()
            share = 0.52 if wide else 0.6
            self.splitter.setSizes([int(total * share), int(total * (1 - share))])

    def _neurons_toggled(self, on: bool) -> None:
        self.neurons.setVisible(on)
        if on:
            self.invalidate()

    # ---- the chosen input ------------------------------------------------------------------------

    def pick_point(self, x: float, y: float) -> None:
        """Make (x, y) (data units) the input every panel looks at."""
        self.choice.set_custom(np.array([x, y], dtype=np.float32), f"point ({x:.2f}, {y:.2f})")

    def _show_marker(self) -> None:
        custom = self.choice.custom
        self.plane.set_marker(custom if custom is not None and np.size(custom) == 2 else None)
