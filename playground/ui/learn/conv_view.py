"""The Convolution Arithmetic view: a Conv2d / MaxPool2d / AvgPool2d / ConvTranspose2d layer of the
user's network, worked through cell by cell.

Owns ``ConvView``: a layer picker (the network's convolution and pooling layers; selecting one on
the canvas picks it), the output-size formula filled in with the layer's numbers and its real input
size, a small example input with the layer's kernel, stride, padding and dilation (numbers in
cells) and a step slider with Play that moves the kernel window (``ConvGrid``), the current output
cell's sum written out, the reverse mapping of a transposed convolution, and for a 1x1 convolution
the per-pixel channel mixing. It redraws at once on any graph edit (the inspector's kernel, stride,
padding or dilation). The numbers come from ``train/learn/conv_arithmetic.py``.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider

from playground.train.learn import conv_arithmetic as ca
from playground.ui.learn.conv_grid import ConvGrid
from playground.ui.learn.learn_base import LearnView

DEFAULT = ca.Geometry("Conv2d", 3, 1, 1, 1, 0, (5, 5))


class ConvView(LearnView):
    explanation = ("A convolution slides its k×k kernel over the zero-padded input, s cells at a time (stride), its "
                   "taps d cells apart (dilation); each output cell is the weighted sum under the kernel (pooling: "
                   "the max or the mean). Output size: n_out = ⌊(n_in + 2p − d(k−1) − 1)/s⌋ + 1.")

    def __init__(self, context, parent=None):
        super().__init__(context, parent)
        row = QHBoxLayout()
        row.addWidget(QLabel("Layer:"))
        self.layer_box = QComboBox()
        self.layer_box.setToolTip("A convolution or pooling layer of your network (or click one on the canvas)")
        row.addWidget(self.layer_box)
        self.play = QPushButton("Play")
        self.play.setCheckable(True)
        row.addWidget(self.play)
        row.addWidget(QLabel("Step:"))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setMinimumWidth(160)
        row.addWidget(self.slider)
        self.step_label = QLabel("")
        row.addWidget(self.step_label)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.formula = QLabel("")
        self.formula.setWordWrap(True)
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.formula)
        self.grid = ConvGrid()
        self.layout_.addWidget(self.grid, 1)
        self.cell_label = QLabel("")
        self.cell_label.setWordWrap(True)
        self.cell_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.cell_label)
        self.finish_layout()
        self.example: ca.Example | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(700)
        self.timer.timeout.connect(self._advance)
        self.play.toggled.connect(lambda on: self.timer.start() if on else self.timer.stop())
        self.slider.valueChanged.connect(self._show_step)
        self.layer_box.currentIndexChanged.connect(self.invalidate)
        self.doc.analysis_changed.connect(self._graph_changed)
        self.doc.project_replaced.connect(self._graph_changed)
        self._fill_layers()
        self.select_nodes(getattr(context, "selected_ids", []))
        self.invalidate()

    # ---- the layer -------------------------------------------------------------------------------------

    def _fill_layers(self) -> None:
        current = self.layer_box.currentData()
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        for node in self.doc.graph.nodes.values():
            if node.kind in ca.KINDS:
                self.layer_box.addItem(f"{node.name} ({node.kind})", node.id)
        index = self.layer_box.findData(current)
        self.layer_box.setCurrentIndex(index if index >= 0 else 0)
        self.layer_box.blockSignals(False)

    def _graph_changed(self, *args) -> None:
        self._fill_layers()
        self.invalidate()

    def select_nodes(self, ids: list[str]) -> None:
        """The canvas selection: a convolution or pooling layer among it becomes the one shown."""
        for nid in ids:
            index = self.layer_box.findData(nid)
            if index >= 0:
                self.layer_box.setCurrentIndex(index)
                return

    def geometry_now(self) -> tuple[ca.Geometry, str]:
        nid = self.layer_box.currentData()
        if nid is None or nid not in self.doc.graph.nodes:
            return DEFAULT, ("This network has no convolution or pooling layer: showing a 3x3 convolution with "
                             "padding 1. Add a Conv2d (or open a preset such as lenet5) to see your own.")
        return ca.geometry(self.doc.graph, self.doc.shapes, nid), ""

    # ---- drawing ---------------------------------------------------------------------------------------

    def refresh(self) -> None:
        g, note = self.geometry_now()
        self.example = ca.example(g)
        steps = len(self.example.x) ** 2 if g.transposed else len(self.example.cells)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, steps - 1))
        self.slider.setValue(min(self.slider.value(), steps - 1))
        self.slider.blockSignals(False)
        h, w = g.n_in
        what = {"Conv2d": "convolution", "MaxPool2d": "max pooling", "AvgPool2d": "average pooling",
                "ConvTranspose2d": "transposed convolution"}[g.kind]
        name = self.layer_box.currentText() or "example"
        lines = [f"<b>{name}</b>: {what}, kernel k = {g.k}, stride s = {g.s}, padding p = {g.p}, dilation d = {g.d}"
                 + (f", output padding {g.output_padding}" if g.transposed else "")
                 + f"; input {g.c_in}×{h}×{w} → output {g.c_out}×{ca.output_size(g, h)}×{ca.output_size(g, w)}.",
                 "Height: " + ca.formula_text(g, h) + ("" if h == w else "<br>Width: " + ca.formula_text(g, w))]
        if g.transposed:
            lines.append("Transposed convolution runs the mapping backwards: each input cell adds value × kernel "
                         "onto the output, s cells apart; then p cells are cut from each border.")
        if g.kind == "Conv2d" and g.k == 1:
            lines.append(self._mixing_text(g))
        n = len(self.example.x)
        if n != h:
            lines.append(f"<i>Worked example below on a {n}×{n} input of one channel (your layer's input is {h}×{w}; "
                         "the formula above uses it).</i>")
        if note:
            lines.insert(0, f"<i>{note}</i>")
        self.formula.setText("<br>".join(lines))
        self._show_step(self.slider.value())

    @staticmethod
    def _mixing_text(g: ca.Geometry) -> str:
        rng = np.random.default_rng(1)
        c_in, c_out = min(g.c_in, 3), min(g.c_out, 2)
        x = rng.integers(0, 5, size=(c_in, 1, 1)).astype(float)
        w = rng.integers(-1, 3, size=(c_out, c_in)).astype(float)
        out = ca.channel_mix(x, w)
        rows = "; ".join(f"out[{o}] = " + " + ".join(f"{w[o, c]:g}·{x[c, 0, 0]:g}" for c in range(c_in))
                         + f" = {out[o, 0, 0]:g}" for o in range(c_out))
        return (f"A 1x1 convolution looks at one pixel only: it mixes that pixel's {g.c_in} channels into {g.c_out} "
                f"with the same {g.c_out}×{g.c_in} weight matrix everywhere (a Linear layer per pixel). "
                f"For one pixel: {rows}.")

    def _show_step(self, step: int) -> None:
        e = self.example
        if e is None:
            return
        self.grid.show_example(e, step)
        total = self.slider.maximum() + 1
        self.step_label.setText(f"{step + 1} / {total}")
        g = e.geometry
        if g.transposed:
            n = len(e.x)
            i, j = divmod(step, n)
            targets = e.scatter.get((i, j), [])
            self.cell_label.setText(f"Input cell ({i}, {j}) = {e.x[i, j]:g} adds {e.x[i, j]:g} × kernel onto output "
                                    f"cells {', '.join(str(t) for t in targets) or '(all cut off by padding)'}.")
            return
        cell = e.cells[step]
        name = {"MaxPool2d": "max", "AvgPool2d": "mean"}.get(g.kind, "sum of input × weight")
        self.cell_label.setText(f"Output cell {cell.out} ({name}): {cell.text(g.kind)}")

    def _advance(self) -> None:
        top = self.slider.maximum()
        self.slider.setValue(0 if self.slider.value() >= top else self.slider.value() + 1)

    def hideEvent(self, event) -> None:
        self.play.setChecked(False)
        super().hideEvent(event)
