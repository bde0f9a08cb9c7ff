"""The GAN view (Learn > GAN on 2-D Data): train a generator against a discriminator and watch it.

Owns ``GanView``: Play / Pause, Step (one round: k discriminator steps, then one generator step)
and Reset (fresh weights); the target (ring, grid, spiral, moons, or points drawn with a click on
the plane), which is the project's dataset and changes as one undo step; each network's learning
rate and k; the plane (``plane.GanPlane``); both losses over the rounds; and the mode-collapse
indicator: how many modes of the target receive generated points, with the course's explanation
when the generator makes only some of them. Training runs in ``runner.GanRunner``'s thread. The
networks are the project's own: the generator starts at the Noise input, the discriminator at the
Points input, both edited on the canvas (an edit resets the run).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from playground.ui.gan.plane import FAKE, REAL, GanPlane
from playground.ui.gan.runner import GanRunner
from playground.ui.learn.learn_base import make_plot
from playground.ui.panels.panel_header import explained_layout

TARGETS = (("gan_ring", "ring of Gaussians"), ("gan_grid", "grid of Gaussians"), ("gan_spiral", "spiral"),
           ("gan_moons", "two moons"), ("gan_drawn", "drawn by you"))
SCREENSHOT_ROUNDS = 2400  # gan_ring's 300 epochs of 8 rounds

COLLAPSE_TEXT = ("Mode collapse: the generator makes points on only {covered} of the {modes} modes. It found "
                 "places where it fools the discriminator and keeps sending its points there, instead of "
                 "learning the whole transform from noise to the real data. The discriminator then learns "
                 "those places are fake and the generator jumps to others. Try a lower learning rate, more "
                 "discriminator steps k, or Reset.")


class GanView(QWidget):
    explanation = ("Adversarial training: the generator turns noise z into points (purple); the discriminator "
                   "tells them from the real data (green). Background: D(x), green where it says 'real', purple "
                   "where it says 'generated'. Arrows: where each generated point is pushed to fool the "
                   "discriminator. Grey mesh: the image of a grid of noise z (the learned transform).")

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context, self.doc = context, context.doc
        self.results = 0
        self.on_screen = True
        self.last_frame: dict | None = None
        self.drawn: list[tuple[float, float]] = []
        self.layout_, self.explain_label, self.message_label = explained_layout(self, self.explanation)
        self.runner = GanRunner(self._make_trainer, self)
        self._controls()
        body = QHBoxLayout()
        self.plane = GanPlane()
        body.addWidget(self.plane, 3)
        side = QVBoxLayout()
        self.losses = make_plot(f"Losses: <span style='color:{REAL}'>discriminator L_D</span>, "
                                f"<span style='color:{FAKE}'>generator L_G</span>", "round", "loss", legend=False)
        self.d_curve = self.losses.plot([], [], pen=pg.mkPen(REAL, width=2), name="discriminator L_D")
        self.g_curve = self.losses.plot([], [], pen=pg.mkPen(FAKE, width=2), name="generator L_G")
        for curve in (self.d_curve, self.g_curve):
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
        side.addWidget(self.losses, 2)
        self.modes_label = QLabel("")
        self.modes_label.setWordWrap(True)
        side.addWidget(self.modes_label)
        self.collapse_label = QLabel("")
        self.collapse_label.setWordWrap(True)
        self.collapse_label.setStyleSheet("color: #8A1C1C;")
        side.addWidget(self.collapse_label, 1)
        body.addLayout(side, 2)
        self.layout_.addLayout(body, 1)
        self.layout_.addWidget(self.message_label)
        self.runner.frame.connect(self.show_frame)
        self.runner.failed.connect(self.show_message)
        self.runner.state_changed.connect(self._state)
        self.plane.point_drawn.connect(self._point_drawn)
        for signal in (self.doc.analysis_changed, self.doc.dataset_changed, self.doc.project_replaced):
            signal.connect(self._project_changed)
        self.doc.training_changed.connect(self._training_changed)
        self._sync_target()

    # ---- controls ----------------------------------------------------------------------------------

    def _controls(self) -> None:
        row = QHBoxLayout()
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Train: k discriminator steps, then one generator step, again and again")
        self.play_button.clicked.connect(self.toggle)
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("One round: k discriminator steps, then one generator step")
        self.step_button.clicked.connect(self.runner.step)
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Start again from fresh weights (the networks as drawn on the canvas)")
        self.reset_button.clicked.connect(self.reset)
        self.target = QComboBox()
        for name, title in TARGETS:
            self.target.addItem(title, name)
        self.target.setToolTip("The real data the generator must learn to imitate (the project's dataset)")
        self.target.activated.connect(self._target_chosen)
        self.draw_box = QCheckBox("Draw")
        self.draw_box.setToolTip("Click on the plane to add points; the target becomes small Gaussians around them")
        self.draw_box.toggled.connect(self._drawing)
        self.lr_g, self.lr_d = self._rate("lr G", "generator"), self._rate("lr D", "discriminator")
        self.k_box = QSpinBox()
        self.k_box.setRange(1, 20)
        self.k_box.setPrefix("k = ")
        self.k_box.setToolTip("Discriminator steps per generator step")
        self.k_box.valueChanged.connect(lambda k: self.runner.set_rates(d_steps=int(k)))
        self.mesh_box, self.arrow_box = QCheckBox("Noise mesh"), QCheckBox("Arrows")
        for box in (self.mesh_box, self.arrow_box):
            box.setChecked(True)
            box.toggled.connect(self._redraw)
        widgets = [self.play_button, self.step_button, self.reset_button, QLabel("Target:"), self.target, self.draw_box,
                   self.lr_g, self.lr_d, self.k_box, self.mesh_box, self.arrow_box]
        for w in widgets:
            row.addWidget(w)
        row.addStretch(1)
        self.status = QLabel("")
        row.addWidget(self.status)
        self.layout_.addLayout(row)

    def _rate(self, prefix: str, who: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setDecimals(4)
        box.setRange(0.0001, 1.0)
        box.setSingleStep(0.001)
        box.setPrefix(f"{prefix} ")
        box.setToolTip(f"The {who}'s learning rate (its own optimizer)")
        box.setValue(self._project_lr())
        key = "lr_g" if who == "generator" else "lr_d"
        box.valueChanged.connect(lambda v, key=key: self.runner.set_rates(**{key: float(v)}))
        return box

    def _project_lr(self) -> float:
        from playground.train.gan.trainer import GanSettings

        try:
            return GanSettings.from_training(self.doc.project.training).lr_g
        except Exception:  # noqa: BLE001 - the settings panel reports bad settings
            return GanSettings().lr_g

    # ---- training ----------------------------------------------------------------------------------

    def _make_trainer(self):
        from playground.train.gan.trainer import GanSettings, GanTrainer

        project = self.doc.project
        settings = GanSettings.from_training(project.training, lr_g=self.lr_g.value(), lr_d=self.lr_d.value(),
                                             d_steps=self.k_box.value())
        return GanTrainer(project.graph.copy(), dict(project.dataset), settings)

    def toggle(self) -> None:
        if self.runner.running():
            self.runner.pause()
        else:
            self.show_message("")
            self.runner.play()

    def reset(self) -> None:
        self.show_message("")
        self.runner.reset()

    def _state(self, state: str) -> None:
        self.play_button.setText("Pause" if state == "running" else "Play")

    def _project_changed(self, *args) -> None:
        """The networks or the data changed: the run so far belongs to the old ones."""
        self._sync_target()
        if self.runner.trainer is None and not self.runner.running():
            return
        self.runner.pause()
        self.runner.trainer = None
        if self.on_screen:
            self.runner.show_now()

    def _training_changed(self, keys=()) -> None:
        """The project's learning rate changed (settings panel, a lesson step): both networks take it."""
        if "lr" in tuple(keys or ()):
            lr = self._project_lr()
            self.lr_g.setValue(lr)
            self.lr_d.setValue(lr)

    def _sync_target(self) -> None:
        i = self.target.findData((self.doc.project.dataset or {}).get("name"))
        if i >= 0:
            self.target.setCurrentIndex(i)

    def _target_chosen(self, index: int) -> None:
        name = self.target.itemData(index)
        params = {"spread": 0.1} if name in ("gan_ring", "gan_grid") else {}
        if name == "gan_drawn":
            from playground.data.gan_targets import format_points

            if not self.drawn:
                self.draw_box.setChecked(True)
                self.show_message("Click on the plane to draw points, then choose 'drawn by you' again.")
                self._sync_target()
                return
            params = {"points": format_points(self.drawn)}
        self.doc.set_dataset({"name": name, "params": params}, title=self.target.itemText(index))

    def _drawing(self, on: bool) -> None:
        self.plane.drawing = on
        if on:
            self.drawn = []
            self.plane.show_drawn(None)

    def _point_drawn(self, x: float, y: float) -> None:
        self.drawn.append((x, y))
        self.plane.show_drawn(np.asarray(self.drawn))

    # ---- drawing -----------------------------------------------------------------------------------

    def show_frame(self, frame: dict) -> None:
        self.last_frame = frame
        self._redraw()
        goal = self.runner.max_rounds
        if goal is None or frame["rounds"] >= goal or not self.runner.running():
            self.results += 1  # pictures shown (a screenshot waits for the one at its goal)

    def _redraw(self, *args) -> None:
        frame = self.last_frame
        if frame is None:
            return
        self.plane.show_frame(frame, self.mesh_box.isChecked(), self.arrow_box.isChecked())
        rounds = np.arange(1, len(frame["d_losses"]) + 1)
        self.d_curve.setData(rounds, frame["d_losses"])
        self.g_curve.setData(rounds, frame["g_losses"])
        covered, modes = frame["modes_covered"], frame["modes"]
        self.modes_label.setText(f"<b>Modes covered: {covered} of {modes}</b> · {frame['on_target']:.0%} of the "
                                 f"generated points lie on the real data · energy distance "
                                 f"{frame['energy_distance']:.3f} (0 = same spread as the real points)")
        self.collapse_label.setText(COLLAPSE_TEXT.format(covered=covered, modes=modes) if frame["collapsed"] else "")
        self.status.setText(f"round {frame['rounds']}")

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    # ---- the panel host's hooks ----------------------------------------------------------------

    def set_on_screen(self, on: bool) -> None:
        self.on_screen = on
        if on and self.last_frame is None:
            self.runner.show_now()
        elif not on:
            self.runner.pause()

    def invalidate(self, *args) -> None:
        self.runner.show_now()

    def prepare_screenshot(self) -> bool:
        """``playground screenshot --panel gan``: train the preset's ``SCREENSHOT_ROUNDS`` rounds here,
        in one go (a headless picture, so nothing waits on the GUI), then show that frame."""
        self.runner.pause()
        if self.runner.ensure_trainer():
            self.runner.trainer.fit(SCREENSHOT_ROUNDS - self.runner.trainer.rounds)
            self.runner.show_now()
        return True

    def shutdown(self) -> None:
        self.runner.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.runner.shutdown()
        super().closeEvent(event)
