"""The Receptive Field panel: click a unit of a feature map, see which input pixels it can and does see.

Owns ``ReceptiveFieldPanel``. On top, the shared input picker (the same example as the other panels;
browse, misclassified or draw your own). Left: one channel of the chosen layer's output for that
input (click a unit to pick it). Right: the input with the unit's theoretical receptive field as a green
box (analytic, ``graph/receptive.py`` through ``graph/receptive_box.py``: stride, padding, dilation
and branches) and its effective receptive field as a red heat map (|d unit / d input|, computed in
the training thread by ``train/rf_view.py``). A line compares the two sizes in words, and a table
lists every layer's field size, jump and the rule that gives it. Networks without image inputs get
a message instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QSpinBox,
                               QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from playground.graph.receptive import receptive_fields
from playground.graph.receptive_box import describe_box, layer_rows, spatial_nodes, unit_box
from playground.ui.panels.input_picker import InputPicker
from playground.ui.panels.probe_panel import ProbePanel
from playground.ui.plots.image_grid import ImageGrid

COLUMNS = ("Layer", "Kind", "Output", "Receptive field", "Jump", "Rule (r: field size, j: jump in input pixels)")
NO_IMAGE = ("Receptive fields need an image input (channels, height, width): this network's input is "
            "not an image, so no unit looks at a patch of pixels. Open an image network, e.g. the "
            "LeNet-5 preset, to see them.")


class ReceptiveFieldPanel(ProbePanel):
    explanation = ("Click a unit of the feature map (left). Right, on the input: the green box is every "
                   "pixel that unit can see in theory; the red heat is how strongly each pixel actually "
                   "moves it (its gradient), often weighted towards the middle of the box.")
    interval_ms = 500
    follows_batches = True
    follows_input = True

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.fields: dict = {}
        self.node_ids: list[str] = []
        self.unit: tuple[int, int] | None = None  # (row, col) in the chosen layer's map; None: its centre
        self.rows = []

        self.picker = InputPicker(context)  # the shared input: browse, misclassified, draw your own
        self.layout_.addWidget(self.picker)
        controls = QHBoxLayout()
        self.layer_combo = QComboBox()
        self.layer_combo.setToolTip("The layer whose units you click (layers with (channels, height, width) outputs)")
        self.channel_spin = QSpinBox()
        self.channel_spin.setToolTip("Which channel (feature map) of that layer to show")
        for label, widget in (("Layer", self.layer_combo), ("Channel", self.channel_spin)):
            controls.addWidget(QLabel(label))
            controls.addWidget(widget)
        controls.addStretch(1)
        self.layout_.addLayout(controls)

        self.map_grid = ImageGrid(min_tile=60, max_tile=260)
        self.map_grid.setToolTip("Click a unit: its receptive field appears on the input")
        self.input_grid = ImageGrid(min_tile=60, max_tile=260)
        images = QSplitter(Qt.Orientation.Horizontal)
        images.addWidget(self.map_grid)
        images.addWidget(self.input_grid)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(images, 1)
        top_layout.addWidget(self.summary)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        for c in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip("Click a layer with feature maps to look at its units")

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.layout_.addWidget(split, 1)
        self.finish_layout()

        self.layer_combo.currentIndexChanged.connect(self._layer_changed)
        self.channel_spin.valueChanged.connect(lambda *_: self.invalidate())
        self.map_grid.tile_clicked.connect(self._clicked)
        self.table.cellClicked.connect(self._table_clicked)
        self.doc.analysis_changed.connect(self._refresh_structure)
        self.doc.project_replaced.connect(self._refresh_structure)
        self._refresh_structure()

    # ---- the graph's structure: layers, fields, table ----------------------------------------------

    def _refresh_structure(self, *args) -> None:
        graph, shapes = self.doc.graph, self.doc.shapes
        self.fields = receptive_fields(graph, shapes) if shapes.order else {}
        self.node_ids = spatial_nodes(graph, shapes) if shapes.order else []
        self.node_ids = [n for n in self.node_ids if self.fields.get(n) is not None]
        self.rows = layer_rows(graph, shapes, self.fields) if shapes.order else []
        keep = self.layer_combo.currentData()
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        for nid in self.node_ids:
            node, f = graph.nodes[nid], self.fields[nid]
            self.layer_combo.addItem(f"{node.name}  {tuple(shapes.shape(nid))}  field {f.describe().split(' ')[0]}",
                                     node.name)
        names = [graph.nodes[n].name for n in self.node_ids]
        pick = keep if keep in names else self._default_layer()
        if pick is not None:
            self.layer_combo.setCurrentIndex(names.index(pick))
        self.layer_combo.blockSignals(False)
        self._fill_table()
        self._layer_changed(keep_unit=pick == keep)
        if not self.node_ids:
            self.map_grid.clear(NO_IMAGE)
            self.input_grid.clear("")
            self.summary.setText("")
            self.show_message(NO_IMAGE)
        elif self.last_error == NO_IMAGE:
            self.show_message("")

    def _default_layer(self) -> str | None:
        """The last convolution (its field is the most interesting), else the last layer with maps."""
        graph = self.doc.graph
        if not self.node_ids:
            return None
        convs = [n for n in self.node_ids if graph.nodes[n].spec.has_weights and graph.nodes[n].spec.rf == "window"]
        return graph.nodes[(convs or self.node_ids)[-1]].name

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.rows))
        chosen = self.node_id()
        for r, row in enumerate(self.rows):
            values = (row.name, row.kind, row.shape, row.size_text, row.jump_text, row.formula)
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setData(Qt.ItemDataRole.UserRole, row.size)
                if c == 5:
                    item.setToolTip(text)
                self.table.setItem(r, c, item)
            if row.node_id == chosen:
                self.table.selectRow(r)

    def node_id(self) -> str | None:
        name = self.layer_combo.currentData()
        node = self.doc.graph.find(name) if name else None
        return node.id if node is not None and node.id in self.node_ids else None

    def _layer_changed(self, *args, keep_unit: bool = False) -> None:
        nid = self.node_id()
        if nid is None:
            return
        shape = self.doc.shapes.shape(nid)
        self.channel_spin.blockSignals(True)
        self.channel_spin.setRange(0, shape[0] - 1)
        self.channel_spin.blockSignals(False)
        if not keep_unit or self.unit is None or self.unit[0] >= shape[1] or self.unit[1] >= shape[2]:
            self.unit = None
        for r, row in enumerate(self.rows):
            if row.node_id == nid:
                self.table.selectRow(r)
        self.invalidate()

    def _table_clicked(self, r: int, _c: int) -> None:
        if 0 <= r < len(self.rows) and self.rows[r].node_id in self.node_ids:
            self.layer_combo.setCurrentIndex(self.node_ids.index(self.rows[r].node_id))

    # ---- the input -------------------------------------------------------------------------------

    # ---- clicking a unit -------------------------------------------------------------------------

    def _clicked(self, tile: int, row: int, col: int) -> None:
        self.unit = (row, col)
        self.map_grid.set_box(0, (row, col, row, col))
        self._draw_box()
        self.invalidate()

    def chosen_unit(self) -> tuple[int, int] | None:
        nid = self.node_id()
        if nid is None:
            return None
        _, h, w = self.doc.shapes.shape(nid)
        return self.unit if self.unit is not None else (h // 2, w // 2)

    def theoretical_box(self, height: int, width: int):
        """The chosen unit's analytic box on an input of ``height`` x ``width`` (a UnitBox), or None."""
        nid, unit = self.node_id(), self.chosen_unit()
        if nid is None or unit is None:
            return None
        return unit_box(self.fields[nid], unit[0], unit[1], height, width)

    def _draw_box(self):
        if not self.input_grid.tiles:
            return None
        h, w = self.input_grid.tiles[0].shape[:2]
        ub = self.theoretical_box(h, w)
        self.input_grid.set_box(0, ub.box if ub is not None else None)
        return ub

    # ---- asking and showing ----------------------------------------------------------------------

    def job(self):
        nid, unit = self.node_id(), self.chosen_unit()
        if nid is None or unit is None:
            return None
        name, channel, choice = self.doc.graph.nodes[nid].name, self.channel_spin.value(), self.choice

        def run(trainer):
            from playground.train.rf_view import unit_view

            x, _ = choice.fetch(trainer)
            return unit_view(trainer.model, x, name, (channel, unit[0], unit[1]))

        return run

    def show_result(self, view) -> None:
        if self.node_id() is None or self.doc.graph.nodes[self.node_id()].name != view.node:
            return  # the layer changed while it was computing; a fresh answer is on its way
        ch, row, col = view.unit
        hh, ww = view.feature_map.shape
        self.map_grid.set_tiles([view.feature_map], [f"{view.node}, channel {ch} ({hh}x{ww}): click a unit"],
                                scale="shared", cmap="viridis", legend=True, legend_label="activation")
        self.map_grid.set_box(0, (row, col, row, col))
        h, w = view.image.shape[:2]
        self.input_grid.set_tiles([view.image], [f"input: {self.choice.describe()} ({h}x{w})"],
                                  scale="each", cmap="gray", legend=False)
        self.input_grid.set_heat(0, view.heat)
        ub = self._draw_box()
        self.summary.setText(self._words(view, ub))

    def _words(self, view, ub) -> str:
        ch, row, col = view.unit
        field = self.fields[self.node_id()]
        theory = "the whole input" if field.whole_input else f"{field.size:g}x{field.size:g}"
        head = f"<b>{view.node}</b> channel {ch}, unit (row {row}, col {col}) = {view.value:.3g}. "
        if view.mass_box is None:
            effective = ("its gradient is zero everywhere: small changes of this input do not move it "
                         "(e.g. a ReLU that is off here)")
        else:
            t, l, b, r = view.mass_box
            nt, nl, nb, nr = view.nonzero_box
            effective = (f"95% of the gradient mass within {b - t + 1}x{r - l + 1} "
                         f"(non-zero over {nb - nt + 1}x{nr - nl + 1})")
        return (f"{head}<b>Theoretical {theory}, {effective}.</b><br>"
                f"Green box: {describe_box(ub, field) if ub else theory}.")
