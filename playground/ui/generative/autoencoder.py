"""The Autoencoder panel: what the code between encoder and decoder has learned.

Owns ``AutoencoderPanel`` (a ``ProbePanel``): the chosen split's codes as points of the latent
plane, coloured by class (the bottleneck's output when it has 2 numbers, its PCA plane otherwise);
inputs with their reconstructions beneath; a grid of pictures decoded from evenly spaced points of
the plane (its extent drawn as a rectangle on the plane); and a click on the plane decodes that
point (the layers after the bottleneck only). Refreshes live while training. The numbers come
from ``playground/train/autoencoder.py``, run in the training thread.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from playground.ui.common import style
from playground.ui.generative.pictures import CLASS_COLORS, PictureLabel, legend_html, mosaic
from playground.ui.panels.probe_panel import PanelContext, ProbePanel

SPLIT_LABELS = {"val": "validation", "test": "test", "train": "training"}


def first_class_middle(view) -> tuple[float, float]:
    """The median point of the first example's class (of all points when there are no labels)."""
    pts = view.points if view.labels is None else view.points[view.labels == view.labels[0]]
    x, y = np.median(pts, axis=0)
    return float(x), float(y)


class AutoencoderPanel(ProbePanel):
    explanation = ("An autoencoder squeezes each picture into a few numbers (the code) and rebuilds it from them. "
                   "Left: every example's code as a point, coloured by its class; click anywhere to decode that "
                   "point. Right: inputs over their reconstructions, and pictures decoded from a grid of points.")
    interval_ms = 600

    def __init__(self, context: PanelContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.view = None  # the last LatentView
        self.point: tuple[float, float] | None = None  # the clicked point (None: the middle of the first class)
        self.decoded: np.ndarray | None = None  # (C, H, W) its picture

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Split"))
        self.split_combo = QComboBox()
        for split in ("val", "test", "train"):
            self.split_combo.addItem(SPLIT_LABELS[split], split)
        self.split_combo.setToolTip("Whose codes and reconstructions to show")
        self.split_combo.currentIndexChanged.connect(self.invalidate)
        controls.addWidget(self.split_combo)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        controls.addWidget(self.summary, 1)
        self.layout_.addLayout(controls)

        self.plot = pg.PlotWidget(background="w")
        item = self.plot.getPlotItem()
        item.setTitle("Latent plane (click to decode a point)", color="#1F2328", size="10pt")
        item.setLabel("bottom", "code 1")
        item.setLabel("left", "code 2")
        item.showGrid(x=True, y=True, alpha=0.15)
        self.scatters: list[pg.ScatterPlotItem] = []
        self.extent = pg.PlotDataItem(pen=pg.mkPen("#9AA0A6", width=1, style=Qt.PenStyle.DashLine))
        item.addItem(self.extent)
        self.marker = pg.ScatterPlotItem(size=16, symbol="+", pen=pg.mkPen("#D62728", width=3), brush=None)
        item.addItem(self.marker)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.plot.setMinimumSize(240, 200)
        self.legend = QLabel("")
        self.legend.setWordWrap(True)
        left = QWidget()
        lbox = QVBoxLayout(left)
        lbox.setContentsMargins(0, 0, 0, 0)
        lbox.addWidget(self.plot, 1)
        lbox.addWidget(self.legend)

        right = QWidget()
        grid = QGridLayout(right)
        grid.setContentsMargins(0, 0, 0, 0)
        self.pairs_title = QLabel("Inputs (top) and their reconstructions (bottom)")
        self.pairs = PictureLabel()
        self.grid_title = QLabel("Decoded from a grid of points (the dashed rectangle on the plane)")
        self.grid_pictures = PictureLabel()
        self.point_title = QLabel("Click the plane to decode a point")
        self.point_picture = PictureLabel()
        for label in (self.pairs_title, self.grid_title, self.point_title):
            style.mute(label)
            label.setWordWrap(True)
        grid.addWidget(self.pairs_title, 0, 0, 1, 2)
        grid.addWidget(self.pairs, 1, 0, 1, 2)
        grid.addWidget(self.grid_title, 2, 0)
        grid.addWidget(self.point_title, 2, 1)
        grid.addWidget(self.grid_pictures, 3, 0)
        grid.addWidget(self.point_picture, 3, 1)
        grid.setRowStretch(1, 2)
        grid.setRowStretch(3, 5)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([460, 520])
        self.layout_.addWidget(split, 1)
        self.finish_layout()

    # ---- asking ----------------------------------------------------------------------------------

    def job(self) -> Callable | None:
        split, point = self.split_combo.currentData(), self.point

        def fn(trainer):
            from playground.train.autoencoder import decode_points, latent_view

            view = latent_view(trainer, split)
            chosen = point if point is not None else first_class_middle(view)
            decoded = decode_points(trainer, view.layer, view.plane, np.array([chosen]))[0]
            return {"view": view, "point": chosen, "decoded": decoded, "clicked": point is not None}

        return fn

    def decode_at(self, x: float, y: float) -> None:
        """Decode the point (x, y) of the plane (what a click does)."""
        self.point = (float(x), float(y))
        self.marker.setData([x], [y])
        self.point_title.setText(f"Decoding ({x:.2f}, {y:.2f})…")
        self.invalidate()

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.view is None:
            return
        vb = self.plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        self.decode_at(p.x(), p.y())

    # ---- drawing ---------------------------------------------------------------------------------

    def show_result(self, result: dict) -> None:
        view = self.view = result["view"]
        where = SPLIT_LABELS.get(view.split, view.split)
        plane = "its 2 numbers" if view.width <= 2 else f"the plane of its 2 main directions (PCA of {view.width} numbers)"
        self.summary.setText(f"Code: layer '{view.layer}' ({view.width} number{'s' if view.width != 1 else ''}), "
                             f"drawn as {plane}. Reconstruction MSE on the {where} split: {view.mse:.4f} "
                             f"(pixels 0..1, after {view.step} steps)")
        self._draw_points(view)
        x0, x1, y0, y1 = view.xs[0], view.xs[-1], view.ys[-1], view.ys[0]
        self.extent.setData([x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0])
        m = len(view.inputs)
        self.pairs.set_rgb(mosaic(np.concatenate([view.inputs, view.recon]), columns=m))
        g = len(view.xs)
        self.grid_pictures.set_rgb(mosaic(view.grid.reshape(g * g, *view.grid.shape[2:]), columns=g))
        if result["decoded"] is not None:
            x, y = result["point"]
            self.decoded = result["decoded"]
            self.marker.setData([x], [y])
            self.point_title.setText(f"Decoded from ({x:.2f}, {y:.2f})" + (
                "" if result["clicked"] else ": the middle of the first class; click the plane for another point"))
            self.point_picture.set_rgb(mosaic(self.decoded[None], columns=1))

    def _draw_points(self, view) -> None:
        item = self.plot.getPlotItem()
        for scatter in self.scatters:
            item.removeItem(scatter)
        self.scatters = []
        labels = view.labels if view.labels is not None else np.zeros(len(view.points), dtype=np.int64)
        names = view.class_names if view.labels is not None else ("examples",)
        self.legend.setText("Colour = class: " + legend_html(names))
        for k in np.unique(labels):
            pts = view.points[labels == k]
            colour = CLASS_COLORS[int(k) % len(CLASS_COLORS)]
            scatter = pg.ScatterPlotItem(pts[:, 0], pts[:, 1], size=6, pen=None, brush=pg.mkBrush(*colour, 170))
            item.addItem(scatter)
            self.scatters.append(scatter)
