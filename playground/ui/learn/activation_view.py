"""The Activations Explorer: every activation's f and f', its dead and saturated regions, and where
a layer of the user's network actually feeds it.

Owns ``ActivationView``: an activation picker (the whole catalog) with its parameters (slope,
alpha, beta, k pieces, straight-through), a plot of f (blue) and f' (orange, by autograd through the
real torch module) with the regions where f' vanishes shaded (red: dead, amber: saturated), and a
layer picker: choosing one of the network's activation layers shows that layer's kind and
parameters and draws, in grey, the histogram of its inputs over training examples, asked of the
training thread (``train/learn/activation_curves.layer_inputs``), live while training runs and at
rest. The numbers come from ``train/learn/activation_curves.py``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QSpinBox

from playground.graph.layers import get_spec
from playground.train.learn import activation_curves as ac
from playground.ui.learn.learn_base import BLUE, ORANGE, make_plot
from playground.ui.panels.probe_panel import PanelContext, ProbePanel

REGION_COLOURS = {"dead": (214, 39, 40, 45), "saturated": (255, 170, 0, 45)}
NO_LAYER = "(none: the curve only)"


class ActivationView(ProbePanel):
    explanation = ("An activation f decides what a unit passes on; backprop multiplies the gradient by its slope "
                   "f'. Where f' is about 0 the unit stops learning: saturated (tanh, sigmoid far from 0, amber) "
                   "or dead (ReLU below 0, red). Grey bars: where a layer's inputs actually fall.")
    interval_ms = 500
    follows_input = False

    def __init__(self, context: PanelContext, parent=None):
        super().__init__(context, parent)
        row = QHBoxLayout()
        row.addWidget(QLabel("Activation:"))
        self.kind_box = QComboBox()
        self.kind_box.addItems(ac.activation_kinds())
        self.kind_box.setCurrentText("Tanh")
        row.addWidget(self.kind_box)
        self.param_row = QHBoxLayout()
        row.addLayout(self.param_row)
        row.addSpacing(16)
        row.addWidget(QLabel("Inputs of layer:"))
        self.layer_box = QComboBox()
        self.layer_box.setToolTip("One of your network's activation layers: its inputs over 256 training examples "
                                  "are drawn over its curve (live while training)")
        row.addWidget(self.layer_box)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        self.layout_.addWidget(self.info)
        self.plot = make_plot("", "x (the unit's input z)")
        self.f_item = self.plot.plot([], [], pen=pg.mkPen(BLUE, width=2.5), name="f(x)")
        self.df_item = self.plot.plot([], [], pen=pg.mkPen(ORANGE, width=2, style=pg.QtCore.Qt.PenStyle.DashLine),
                                      name="f'(x) (autograd)")
        self.hist_item = pg.BarGraphItem(x=[], height=[], width=0.1, brush=(120, 120, 120, 110), pen=None)
        self.plot.addItem(self.hist_item)
        self.hist_item.setZValue(-5)
        self.region_items: list[pg.LinearRegionItem] = []
        self.layout_.addWidget(self.plot, 1)
        self.finish_layout()
        self.param_widgets: dict[str, object] = {}
        self.curve: ac.Curve | None = None
        self._chosen: str | None | bool = False  # the layer the person picked (None: none); False: not yet
        self.layer_box.activated.connect(lambda _i: setattr(self, "_chosen", self.layer_box.currentData()))
        self.kind_box.currentTextChanged.connect(self._kind_changed)
        self.layer_box.currentIndexChanged.connect(self._layer_changed)
        self.doc.analysis_changed.connect(self._fill_layers)
        self.doc.project_replaced.connect(self._fill_layers)
        self._fill_layers()
        self._kind_changed(self.kind_box.currentText())
        self.select_nodes(getattr(context, "selected_ids", []))

    # ---- controls ------------------------------------------------------------------------------------

    def _fill_layers(self, *args) -> None:
        layers = ac.activation_layers(self.doc.graph)
        current = self.layer_box.currentData()
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        self.layer_box.addItem(NO_LAYER, None)
        for name, kind, _params in layers:
            self.layer_box.addItem(f"{name} ({kind})", name)
        names = [n for n, _k, _p in layers]
        wanted = self._chosen if self._chosen is not False else current
        pick = wanted if wanted in names else (names[0] if names and self._chosen is False else None)
        self.layer_box.setCurrentIndex(self.layer_box.findData(pick) if pick else 0)
        self.layer_box.blockSignals(False)
        self._layer_changed()

    def select_nodes(self, ids: list[str]) -> None:
        """The canvas selection: an activation layer among it becomes the one whose inputs are shown."""
        for nid in ids:
            node = self.doc.graph.nodes.get(nid)
            index = self.layer_box.findData(node.name) if node is not None else -1
            if index >= 0:
                self._chosen = node.name
                self.layer_box.setCurrentIndex(index)
                return

    def layer(self) -> str | None:
        return self.layer_box.currentData()

    def _layer_changed(self, *args) -> None:
        name = self.layer()
        node = self.doc.graph.find(name) if name else None
        if node is not None:
            self.kind_box.blockSignals(True)
            self.kind_box.setCurrentText(node.kind)
            self.kind_box.blockSignals(False)
            self._build_params(node.kind, node.params)
        self.kind_box.setEnabled(node is None)
        for widget in self.param_widgets.values():
            widget.setEnabled(node is None)
        if node is None:
            self.hist_item.setOpts(x=[], height=[])
        self._draw_curve()
        self.invalidate()

    def _kind_changed(self, kind: str) -> None:
        self._build_params(kind, {})
        self._draw_curve()

    def _build_params(self, kind: str, values: dict) -> None:
        while self.param_row.count():
            widget = self.param_row.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.param_widgets = {}
        for p in get_spec(kind).params:
            value = values.get(p.name, p.default)
            if p.type == "bool":
                widget = QCheckBox(p.label if hasattr(p, "label") and p.label else p.name.replace("_", " "))
                widget.setChecked(bool(value))
                widget.toggled.connect(self._draw_curve)
            elif p.type in ("float", "int"):
                self.param_row.addWidget(QLabel(f"{'k pieces' if p.name == 'pieces' else p.name}:"))
                widget = QSpinBox() if p.type == "int" else QDoubleSpinBox()
                if p.type == "float":
                    widget.setDecimals(3)
                    widget.setSingleStep(0.05)
                widget.setRange(p.min if p.min is not None else -1e6, p.max if p.max is not None else 1e6)
                widget.setValue(value)
                widget.valueChanged.connect(self._draw_curve)
            else:
                continue
            widget.setToolTip(p.doc)
            self.param_row.addWidget(widget)
            self.param_widgets[p.name] = widget

    def params(self) -> dict:
        out = {}
        for name, widget in self.param_widgets.items():
            out[name] = widget.isChecked() if isinstance(widget, QCheckBox) else widget.value()
        return out

    # ---- drawing ---------------------------------------------------------------------------------------

    def _draw_curve(self, *args, curve: ac.Curve | None = None) -> None:
        kind = self.kind_box.currentText()
        c = curve or ac.curve(kind, self.params())
        self.curve = c
        self.f_item.setData(c.x, c.f)
        self.df_item.setData(c.x, c.df)
        for item in self.region_items:
            self.plot.removeItem(item)
        self.region_items = []
        for x0, x1, label in c.regions:
            item = pg.LinearRegionItem((x0, x1), movable=False, brush=REGION_COLOURS[label], pen=pg.mkPen(None))
            item.setZValue(-10)
            self.plot.addItem(item)
            self.region_items.append(item)
        names = {"dead": "dead (f = 0 and f' = 0: no gradient)", "saturated": "saturated (f' below a tenth of its peak)"}
        shown = sorted({label for *_x, label in c.regions})
        regions = "; ".join(names[s] for s in shown) or "no dead or saturated region on this range"
        extra = {"Maxout": " Shown with k example lines w_i x + b_i: the unit keeps the largest.",
                 "Softmax": " Shown for two scores (x, 0): the first one's probability, which is sigmoid(x).",
                 "LogSoftmax": " Shown for two scores (x, 0): log of the first one's probability.",
                 "Step": " Its true slope is 0 everywhere; straight-through passes the gradient back as if f' = 1.",
                 "PReLU": " The slope a is learned; the explorer starts it at torch's 0.25."}.get(kind, "")
        self.plot.getPlotItem().setTitle(f"{kind}: {c.formula}", color="#1F2328", size="10pt")
        self.info.setText(f"<b>{kind}</b>: {c.doc}{extra} Shaded: {regions}.")
        self.results += 1 if self.layer() is None else 0

    def request(self) -> bool:
        if self.layer() is None:  # nothing to ask the training thread: the curve is drawn here
            if self.showing():
                self._draw_curve()
            return False
        return super().request()

    def job(self) -> Callable | None:
        layer = self.layer()
        if layer is None:
            return None

        def run(trainer):
            return ac.layer_inputs(trainer, layer)

        return run

    def show_result(self, result: dict) -> None:
        if result["node"] != self.layer():
            return
        c = result["curve"]
        self._draw_curve(curve=c)
        counts, edges = result["counts"], result["edges"]
        top = max(float(counts.max()), 1.0)
        lo, hi = float(min(c.f.min(), c.df.min())), float(max(c.f.max(), c.df.max()))
        span = max(hi - lo, 1.0)
        self.hist_item.setOpts(x=(edges[:-1] + edges[1:]) / 2, height=counts / top * span * 0.6,
                               width=float(edges[1] - edges[0]), y0=lo)
        share = result["share"]
        self.info.setText(self.info.text() + f" Layer <b>{result['node']}</b> at step {result['step']}: of "
                          f"{result['count']} inputs, {share['dead']:.0%} dead and {share['saturated']:.0%} "
                          f"saturated.")
