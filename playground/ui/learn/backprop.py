"""The Backprop panel: one example (or mini-batch) walked forward, to the loss, backward and through
the update, on the project's own dense network.

Owns ``BackpropPanel``: example and batch pickers, Previous / Next through the steps of
``backprop_text.steps_of``, the ``NetworkCanvas`` showing what the current step computes (values a
or δ on units; weights, ∂L/∂W or the updated weights on connections), and below it the clicked
unit's or connection's formula with its numbers filled in, with the numerical gradient check for a
clicked weight. The numbers come from ``playground.train.learn.backprop_steps`` in the training
thread (``ProbePanel.job``); the walk itself is local and instant.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox

from playground.train.learn.backprop_text import step_text, steps_of, unit_formula, weight_formula
from playground.ui.learn.network_canvas import MAX_UNITS, NetworkCanvas, Picture
from playground.ui.panels.probe_panel import ProbePanel
from playground.ui.common import style

MAX_LAYERS = 6


class BackpropPanel(ProbePanel):
    explanation = ("Backpropagation is the chain rule, layer by layer: forward z = Wa + b, a = f(z); backward "
                   "δ = ∂L/∂z from the loss; then each weight moves by −η ∂L/∂W. Click a unit or a connection.")
    follows_batches = False  # the walk would change under the reader; epochs, pauses and edits refresh it
    follows_input = False

    def __init__(self, context, parent=None):
        super().__init__(context, parent)
        self.trace = None
        self.steps = []
        self.index = 0
        row = QHBoxLayout()
        row.addWidget(QLabel("Training example"))
        self.example = QSpinBox()
        self.example.setRange(0, 10**7)
        self.example.setToolTip("Which example of the training split goes through the network")
        row.addWidget(self.example)
        row.addWidget(QLabel("batch"))
        self.batch = QSpinBox()
        self.batch.setRange(1, 32)
        self.batch.setToolTip("1: one example (stochastic gradient). More: a mini-batch from this example on; "
                              "units show the first example's values, the gradients are the batch's")
        row.addWidget(self.batch)
        self.previous = QPushButton("◀ Previous")
        self.next = QPushButton("Next ▶")
        row.addWidget(self.previous)
        row.addWidget(self.next)
        self.step_label = QLabel("")
        self.step_label.setStyleSheet("font-weight: bold;")
        row.addWidget(self.step_label, 1)
        self.layout_.addLayout(row)
        self.step_info = QLabel("")
        self.step_info.setWordWrap(True)
        self.layout_.addWidget(self.step_info)
        body = QHBoxLayout()  # the network, and beside it the clicked part's numbers
        self.canvas = NetworkCanvas()
        body.addWidget(self.canvas, 3)
        self.formula = QLabel("Click a unit or a connection to see its numbers.")
        self.formula.setTextFormat(Qt.TextFormat.RichText)
        self.formula.setWordWrap(True)
        self.formula.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formula.setStyleSheet(f"font-family: monospace; background: {style.color('CODE_BG').name()}; "
                                   f"{style.css('TEXT')} padding: 4px;")
        self.formula.setMinimumWidth(260)
        body.addWidget(self.formula, 2)
        self.layout_.addLayout(body, 1)
        self.finish_layout()
        self.example.valueChanged.connect(self.invalidate)
        self.batch.valueChanged.connect(self.invalidate)
        self.previous.clicked.connect(lambda: self.go(self.index - 1))
        self.next.clicked.connect(lambda: self.go(self.index + 1))
        self.canvas.unit_clicked.connect(self._unit_clicked)
        self.canvas.weight_clicked.connect(self._weight_clicked)
        self.selected = None
        self._show_step()

    # ---- asking the trainer ----------------------------------------------------------------------

    def job(self):
        from playground.train.learn.backprop_steps import trainer_trace

        start, size = self.example.value(), self.batch.value()

        def fn(trainer):
            n = max(1, len(trainer.train_feed))
            return trainer_trace(trainer, "train", [(start + k) % n for k in range(size)])
        return fn

    def show_result(self, trace) -> None:
        fresh = self.trace is None or [l.name for l in self.trace.layers] != [l.name for l in trace.layers]
        self.trace = trace
        self.steps = steps_of(trace)
        if fresh:
            self.index, self.selected = 0, None
            self.canvas.select(None)
        self.index = min(self.index, len(self.steps) - 1)
        big = [f"{l.name} has {l.W.shape[0]} units" for l in trace.layers if l.W.shape[0] > MAX_UNITS]
        if trace.x.shape[1] > MAX_UNITS:
            big.insert(0, f"the input has {trace.x.shape[1]} features")
        if len(trace.layers) > MAX_LAYERS:
            big.append(f"there are {len(trace.layers)} dense layers")
        if big:
            self.show_message(f"This network is bigger than the drawing ({', '.join(big)}): each column shows its "
                              f"first {MAX_UNITS} units. Every number is still the whole network's; a network of "
                              "a few small layers (the TF Playground MLP preset) is easier to follow.")
        self._show_step()
        self._refresh_formula()

    # ---- the walk --------------------------------------------------------------------------------

    def go(self, index: int) -> None:
        if not self.steps:
            return
        self.index = max(0, min(len(self.steps) - 1, index))
        self._show_step()
        self._refresh_formula()

    def _show_step(self) -> None:
        has = bool(self.steps)
        self.previous.setEnabled(has and self.index > 0)
        self.next.setEnabled(has and self.index < len(self.steps) - 1)
        if not has:
            self.step_label.setText("")
            self.step_info.setText("Waiting for the network's numbers…")
            self.canvas.set_picture(None)
            return
        step = self.steps[self.index]
        self.step_label.setText(f"Step {self.index + 1}/{len(self.steps)}: {step.title}")
        self.step_info.setText(step_text(self.trace, step))
        self.canvas.set_picture(self.picture(step))

    def picture(self, step) -> Picture:
        t = self.trace
        layers = t.layers
        count = len(layers)
        columns = ["input"] + [f"{l.name} ({l.activation.lower()})" for l in layers]
        sizes = [t.x.shape[1]] + [l.W.shape[0] for l in layers]
        a_values = [t.x[0]] + [l.a[0] for l in layers]
        values: list = [None] * (count + 1)
        labels = ["x"] + ["a"] * count
        edges = [l.W for l in layers]
        faint = [False] * count
        current = -1
        if step.kind == "input":
            values[0], current = a_values[0], 0
        elif step.kind == "forward":
            values[: step.layer + 2] = a_values[: step.layer + 2]
            current = step.layer + 1
            faint = [k > step.layer for k in range(count)]
        elif step.kind == "loss":
            values, current = a_values, count
        elif step.kind == "backward":
            values = a_values[: step.layer + 1] + [layers[k].delta[0] for k in range(step.layer, count)]
            labels = labels[: step.layer + 1] + ["δ"] * (count - step.layer)
            edges = [layers[k].dW if k >= step.layer else layers[k].W for k in range(count)]
            faint = [k < step.layer for k in range(count)]
            current = step.layer + 1
        else:  # update
            values = a_values
            edges = [l.W_after for l in layers]
        return Picture(columns, sizes, values, labels, edges, faint, current)

    def prepare_screenshot(self) -> None:
        """For the README's picture: the backward step through the first hidden layer, a unit's δ."""
        if self.steps:
            self.go(next((k for k, s in enumerate(self.steps) if s.kind == "backward" and s.layer == 0), 0))
            if len(self.trace.layers) > 1:
                self.canvas.select(("unit", 1, 0))
                self._unit_clicked(1, 0)

    # ---- clicks ----------------------------------------------------------------------------------

    def _unit_clicked(self, column: int, j: int) -> None:
        self.selected = ("unit", column, j)
        self._refresh_formula()

    def _weight_clicked(self, layer: int, j: int, i: int) -> None:
        self.selected = ("weight", layer, j, i)
        self._refresh_formula()

    def _refresh_formula(self) -> None:
        if self.trace is None or self.selected is None:
            return
        if self.selected[0] == "unit":
            _, column, j = self.selected
            self.formula.setText(unit_formula(self.trace, column - 1, j))
        else:
            from playground.train.learn.backprop_steps import numeric_gradient

            _, layer, j, i = self.selected
            numeric = numeric_gradient(self.trace, layer, j, i)
            self.formula.setText(weight_formula(self.trace, layer, j, i, numeric))
