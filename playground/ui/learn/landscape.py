"""The Loss Landscape panel: the project's network's loss around its current weights along two random
filter-normalized directions (Li et al., 2018), with the training path projected onto it.

Owns ``LandscapePanel`` (a ``ProbePanel``): while training runs it only asks for a snapshot of the
weights now and then (cheap) and keeps them as the path; at rest it asks for the whole grid (n × n
forward passes on a fixed set of training examples) and draws it as a heat map with contours, the
current weights as the white dot and the path in red. The numbers come from
``playground.train.learn.landscape`` in the training thread.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox

from playground.ui.learn.surface_plot import SurfacePlot
from playground.ui.panels.probe_panel import ProbePanel

MAX_SNAPSHOTS = 400  # the path keeps every other point when it grows past this


class LandscapePanel(ProbePanel):
    explanation = ("The loss surface of your network around its current weights θ: L(θ + α·d₁ + β·d₂) for two "
                   "random directions scaled filter by filter to the weights' own size (Li et al., 2018). Sharp, "
                   "narrow valleys and wide, flat ones look different here; the red line is the path training took.")
    interval_ms = 600
    follows_input = False

    def __init__(self, context, parent=None):
        super().__init__(context, parent)
        self.snapshots: list[np.ndarray] = []
        self.seed = 0
        self.landscape = None
        row = QHBoxLayout()
        row.addWidget(QLabel("Grid"))
        self.size_box = QSpinBox()
        self.size_box.setRange(7, 41)
        self.size_box.setSingleStep(2)
        self.size_box.setValue(21)
        self.size_box.setToolTip("Points per side: n × n forward passes on the training examples")
        row.addWidget(self.size_box)
        self.mode = QComboBox()
        self.mode.addItem("random directions (filter-normalized)", "random")
        self.mode.addItem("along the training path (PCA)", "pca")
        self.mode.setToolTip("Random directions show the shape around the weights; in a space of many weights "
                             "they miss the path, so the PCA directions of the recorded path show where training went")
        row.addWidget(self.mode)
        self.directions = QPushButton("New random directions")
        row.addWidget(self.directions)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        row.addWidget(self.info, 1)
        self.layout_.addLayout(row)
        self.plot = SurfacePlot()
        self.plot.setMinimumSize(200, 160)
        self.layout_.addWidget(self.plot, 1)
        self.finish_layout()
        self.size_box.valueChanged.connect(self.invalidate)
        self.mode.currentIndexChanged.connect(self.invalidate)
        self.mode.currentIndexChanged.connect(lambda: self.directions.setEnabled(self.mode.currentData() == "random"))
        self.directions.clicked.connect(self._new_directions)

    def _new_directions(self) -> None:
        self.seed += 1
        self.invalidate()

    def _new_run(self, *args) -> None:
        self.snapshots = []
        super()._new_run(*args)

    def job(self):
        from playground.train.learn.landscape import snapshot, trainer_landscape

        if self.session.state == "running":
            return lambda trainer: {"snapshot": snapshot(trainer), "landscape": None}
        snapshots, n, seed, mode = list(self.snapshots), self.size_box.value() | 1, self.seed, self.mode.currentData()

        def fn(trainer):
            now = snapshot(trainer)
            fresh = now is not None and not (snapshots and np.array_equal(snapshots[-1], now))
            path = snapshots + ([now] if fresh else [])
            return {"snapshot": now, "landscape": trainer_landscape(trainer, path, n=n, seed=seed, directions=mode)}
        return fn

    def show_result(self, result) -> None:
        now = result["snapshot"]
        if now is not None and (not self.snapshots or not np.array_equal(self.snapshots[-1], now)):
            self.snapshots.append(now)
            if len(self.snapshots) > MAX_SNAPSHOTS:
                self.snapshots = self.snapshots[::2] + ([now] if len(self.snapshots) % 2 == 0 else [])
        land = result["landscape"]
        if land is None:
            self.info.setText(f"Recording the path: {len(self.snapshots)} points. The surface is drawn when "
                              "training pauses or ends.")
            return
        self.landscape = land
        if land.explained:
            labels = (f"α along PC1 ({land.explained[0]:.0%} of the path's variance)",
                      f"β along PC2 ({land.explained[1]:.0%})")
        else:
            labels = ("α (random direction d₁)", "β (random direction d₂)")
        self.plot.set_surface(land.alphas, land.betas, land.losses, labels)
        self.plot.set_start((0.0, 0.0))
        if len(land.path) > 1:
            self.plot.set_path("path", "#DC2626", land.path)
        else:
            self.plot.clear_paths()
        path = (f"the red path: {len(land.path)} weights seen during training" if len(land.path) > 1 else
                "keep this view open while training to record the path")
        self.info.setText(f"Loss at the current weights (the dot at 0, 0): {land.center:.4g} on {land.examples} training "
                          f"examples, step {land.step}; lowest on the grid {float(land.losses.min()):.4g}; {path}.")

    def prepare_screenshot(self) -> bool:
        """For the README's picture: the PCA directions when a path was recorded (True: asked again)."""
        if len(self.snapshots) >= 3:
            self.mode.setCurrentIndex(self.mode.findData("pca"))
            return True
        return False
