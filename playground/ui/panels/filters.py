"""The Filters & Weights panel: learned kernels, classic edge filters beside them, and weight and
activation histograms over training.

Owns ``FiltersPanel`` (three pages in tabs, one job that runs in the training thread and answers for
the page in view); a layer's kernels line up as out-channel rows by in-channel columns (``ImageGrid``
with ``columns`` fixed). The torch work lives in
``playground.train.filter_view``; the histogram page in ``filters_histograms``. Every job also
adds one histogram snapshot of every layer (weights, and activations of 16 fixed validation
examples) to the record the session's ``train.recorder`` keeps for every run from its first step,
so the Histograms page opened after training shows the whole run.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QScrollArea, QTabWidget, QVBoxLayout,
                               QWidget)

from playground.ui.panels.filters_histograms import HistogramPage
from playground.ui.panels.probe_panel import ProbePanel
from playground.ui.plots.image_grid import ImageGrid
from playground.ui.common import style

MAX_OUT, MAX_IN = 16, 8  # kernels shown per layer: out-channel rows x in-channel columns
MAX_UNITS = 32  # dense units shown as input-shaped images
HIST_EXAMPLES = 16  # fixed validation examples for activation histograms (64 cost LeNet-5 training ~10 %)
PAGES = ("kernels", "edges", "histograms")
CLASSIC = ("sobel_x", "sobel_y", "prewitt_x", "scharr_x", "laplacian")  # kernels shown beside the learned ones
DENSE_TAG = " (weights as images)"


def scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    return area


def help_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    style.mute(label)
    return label


# ----------------------------------------------------------------------------- the job (training thread)
def _fixed_batch(trainer):
    feed = trainer.feeds["val"] if len(trainer.feeds["val"]) else trainer.train_feed
    n = min(HIST_EXAMPLES, len(feed))
    return feed.sample(list(range(n)))[0] if n else None


def _kernels(trainer, layer: str) -> dict:
    from playground.train import filter_view as fv

    model = trainer.model
    shape = tuple(trainer.info.input_shape)
    convs = fv.conv_layers(model)
    dense = fv.image_weight_layers(model, shape)
    layers = convs + [d + DENSE_TAG for d in dense[:1]]
    if not layers:
        return {"layers": [], "layer": ""}
    layer = layer if layer in layers else layers[0]
    if layer.endswith(DENSE_TAG):
        k = fv.dense_as_images(model, layer[: -len(DENSE_TAG)], shape)  # (units, C, H, W)
        cap_out = MAX_UNITS
    else:
        k = fv.conv_kernels(model, layer)  # (out, in, kh, kw)
        cap_out = MAX_OUT
    shown = k[:cap_out, :MAX_IN].copy()  # (out', in', kh, kw)
    return {"layers": layers, "layer": layer, "shape": k.shape, "kernels": shown, "dense": layer.endswith(DENSE_TAG),
            "rgb": fv.rgb_patches(shown) if k.shape[1] == 3 else None}


def _edges(trainer, choice) -> dict:
    import torch

    from playground.train import filter_view as fv
    from playground.train.probes import activations

    x, _ = choice.fetch(trainer)  # (1, C, H, W)
    if x.dim() != 4:
        from playground.core.errors import TrainingError

        raise TrainingError(f"edge filters need an image input, this network reads shape {tuple(x.shape[1:])}",
                            fix="use an Image dataset (e.g. the LeNet-5 preset)")
    classic = fv.edge_kernels()
    out = {"input": x[0].mean(dim=0).detach().cpu().numpy().copy(), "responses": fv.edge_responses(x[0]),
           "what": choice.describe(), "learned": None, "classic": {n: classic[n] for n in CLASSIC}}
    name = fv.first_learned_conv(trainer.model)
    if name is not None:
        with torch.no_grad():
            maps = activations(trainer.model, x).outputs[name][0]  # (C, H, W)
        out.update(learned=name, maps=maps[:MAX_OUT * 2].copy(), channels=maps.shape[0],
                   kernels=fv.conv_kernels(trainer.model, name)[:MAX_OUT * 2])
    return out


# ----------------------------------------------------------------------------- the panel
class FiltersPanel(ProbePanel):
    explanation = ("What the network's weights look like: each layer's kernels, the classic edge filters "
                   "beside what the first learned layer does, and how weights and activations spread "
                   "out over training.")
    interval_ms = 500
    follows_batches = True
    follows_input = True

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(context, parent)
        self._store: dict = {}  # "history": the HistogramHistory, made in the training thread (torch)
        self.tabs = QTabWidget()
        self.layout_.addWidget(self.tabs, 1)

        # kernels
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(help_label("Each tile is one kernel: rows are output channels, columns input channels. "
                                 "Blue is negative, white zero, red positive (one scale centred on zero)."))
        row = QHBoxLayout()
        self.layer_combo = QComboBox()
        self.layer_combo.setMinimumContentsLength(12)
        self.rgb_check = QCheckBox("colour patches (3 input channels)")
        self.rgb_check.setChecked(True)
        self.rgb_check.setEnabled(False)
        self.kernel_note = help_label("")
        row.addWidget(QLabel("Layer"))
        row.addWidget(self.layer_combo)
        row.addWidget(self.rgb_check)
        row.addWidget(self.kernel_note, 1)
        lay.addLayout(row)
        self.kernel_grid = ImageGrid(min_tile=22, max_tile=90)  # columns set per layer: in-channels
        lay.addWidget(scrolled(self.kernel_grid), 1)
        self.tabs.addTab(page, "Kernels")

        # edge filters vs learned
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(help_label("Classic hand-made edge filters on the chosen input, and the first learned layer's "
                                 "feature maps for the same input: learned first-layer filters often end up looking "
                                 "like these edge detectors (each tile has its own grey scale)."))
        inner = QWidget()
        col = QVBoxLayout(inner)
        col.setContentsMargins(0, 0, 0, 0)
        self.edge_title = QLabel("")
        self.edge_grid = ImageGrid(min_tile=56, max_tile=150)
        self.learned_title = QLabel("")
        self.learned_grid = ImageGrid(min_tile=56, max_tile=150)
        self.compare_title = QLabel("Kernels: classic 3x3 filters (left) and the learned ones, each divided by its "
                                    "largest |weight| (blue negative, red positive)")
        self.compare_title.setWordWrap(True)
        self.compare_grid = ImageGrid(min_tile=36, max_tile=90)
        for w in (self.edge_title, self.edge_grid, self.learned_title, self.learned_grid, self.compare_title,
                  self.compare_grid):
            col.addWidget(w)
        lay.addWidget(scrolled(inner), 1)
        self.tabs.addTab(page, "Edge filters vs learned")

        # histograms
        self.hist_page = HistogramPage()
        self.tabs.addTab(self.hist_page, "Histograms")
        self.finish_layout()

        self.tabs.currentChanged.connect(self.invalidate)
        self.layer_combo.currentIndexChanged.connect(self.invalidate)
        self.rgb_check.toggled.connect(self._redraw_kernels)
        self.hist_page.changed.connect(self.invalidate)
        self.session.run_started.connect(self._new_history)
        self._kernel_result: dict | None = None

    # ---- asking ----------------------------------------------------------------------------------

    @property
    def history(self):
        """The recorded histograms (a ``filter_view.HistogramHistory``): the session's recorder's,
        which records every run whether or not this panel is open; None before there is one."""
        recorder = self.session.recorder
        return recorder.hist if recorder is not None else self._store.get("history")

    def _new_history(self, *_):
        # a run that starts from the very weights already recorded at step 0 goes on with that record
        local = self._store.get("history")  # (the recorder starts its own over in the training thread)
        if local is not None and (local.last_step or 0) > 0:
            local.clear()

    def page(self) -> str:
        return PAGES[self.tabs.currentIndex()]

    def job(self):
        page, layer, choice, store = self.page(), self.layer_combo.currentText(), self.choice, self._store
        kind, hist_layer = self.hist_page.chosen()
        recorder = self.session.recorder

        def run(trainer):
            from playground.train.filter_view import HistogramHistory

            history = recorder.hist if recorder is not None else store.setdefault("history", HistogramHistory())
            if history.needs(trainer.model, trainer.step_count):
                history.record(trainer.model, trainer.step_count, _fixed_batch(trainer))
            names = history.names(kind)
            name = hist_layer if hist_layer in names else (names[0] if names else "")
            result = {"page": page, "hist_layers": names, "hist": history.view(kind, name) if name else None,
                      "snapshots": history.snapshots}
            if page == "kernels":
                result["kernels"] = _kernels(trainer, layer)
            elif page == "edges":
                result["edges"] = _edges(trainer, choice)
            return result
        return run

    # ---- drawing ---------------------------------------------------------------------------------

    def show_result(self, result: dict) -> None:
        self.hist_page.set_layers(result["hist_layers"])
        self.hist_page.show_view(result["hist"], min(result["snapshots"], 60))
        if "kernels" in result:
            self._kernel_result = result["kernels"]
            self._redraw_kernels()
        if "edges" in result:
            self._show_edges(result["edges"])

    def _redraw_kernels(self, *_) -> None:
        res = self._kernel_result
        if res is None:
            return
        layers = res["layers"]
        if [self.layer_combo.itemText(i) for i in range(self.layer_combo.count())] != layers:
            self.layer_combo.blockSignals(True)
            self.layer_combo.clear()
            self.layer_combo.addItems(layers)
            self.layer_combo.blockSignals(False)
        self.layer_combo.setCurrentText(res["layer"])
        if not layers:
            self.kernel_grid.clear("This network has no convolution layers (and no dense layer reading the image "
                                   "directly): see the Histograms tab for its weights.")
            self.kernel_note.setText("")
            self.rgb_check.setEnabled(False)
            return
        k = res["kernels"]  # (out, in, kh, kw), capped
        full = res["shape"]
        rgb = k.shape[1] == 3 and full[1] == 3
        self.rgb_check.setEnabled(rgb)
        shown = f"{k.shape[0]} of {full[0]}" if k.shape[0] < full[0] else f"{full[0]}"
        if res["dense"]:
            note = f"{shown} units, each unit's weights drawn as an input image"
        else:
            note = f"{shown} out x {min(full[1], k.shape[1])} of {full[1]} in channels, {full[2]}x{full[3]} kernels"
        if k.shape[0] < full[0] or k.shape[1] < full[1]:
            note += " (first ones only)"
        if rgb and self.rgb_check.isChecked():
            self.kernel_grid.columns = None
            self.kernel_grid.set_tiles(list(res["rgb"]), [f"out {o}" for o in range(k.shape[0])], legend=False)
            note += "; colour patches: grey is 0, each colour's brightness its weight"
        else:
            single = k.shape[1] == 1
            self.kernel_grid.columns = None if single else k.shape[1]
            tiles = [k[o, i] for o in range(k.shape[0]) for i in range(k.shape[1])]
            captions = ([f"out {o}" for o in range(k.shape[0])] if single else
                        [f"o{o} i{i}" for o in range(k.shape[0]) for i in range(k.shape[1])])
            self.kernel_grid.set_tiles(tiles, captions, scale="symmetric", cmap="diverging", legend_label="weight")
        self.kernel_note.setText(note)

    def _show_edges(self, res: dict) -> None:
        names = list(res["responses"])
        self.edge_title.setText(f"Input ({res['what']}, channels averaged, as the network sees it) and classic filters")
        self.edge_grid.set_tiles([res["input"]] + [res["responses"][n] for n in names], ["input"] + names,
                                 scale="each", cmap="gray")
        if res["learned"] is None:
            self.learned_title.setText("This network has no learned 2-D convolution to compare with.")
            self.learned_grid.clear("")
            self.compare_grid.clear("")
            return
        maps = res["maps"]
        more = f" (first {maps.shape[0]} of {res['channels']})" if maps.shape[0] < res["channels"] else ""
        self.learned_title.setText(f"First learned layer {res['learned']}: its feature maps for the same input{more}")
        self.learned_grid.set_tiles(list(maps), [f"{res['learned']} map {c}" for c in range(maps.shape[0])],
                                    scale="each", cmap="gray")
        classic = res["classic"]
        k = res["kernels"]  # (out, in, kh, kw)
        learned = k.mean(axis=1)  # (out, kh, kw): channels averaged
        m = float(np.abs(learned).max()) or 1.0
        self.compare_grid.set_tiles([c / np.abs(c).max() for c in classic.values()] + list(learned / m),
                                    list(classic) + [f"{res['learned']} {o}" for o in range(len(learned))],
                                    scale=(-1.0, 1.0), cmap="diverging", legend_label="÷ max|w|")
