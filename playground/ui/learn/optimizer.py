"""The Optimizers panel: a race of torch.optim optimizers on a 2-D loss surface.

Owns ``OptimizerPanel``: the surface picker (with its condition-number slider where it has one),
gradient noise, Play / Step / Reset (a QTimer steps the race: the window never waits), the surface
with every racer's path (click it to choose the start), the loss against step, and a table with
each racer's on/off, learning rate, settings, loss and what it keeps (velocity, accumulated
squares, Adam's moments and bias corrections). On the linear-regression surface the racers are
full-batch GD, SGD with batch 1 and mini-batch SGD. The race itself is
``playground.train.learn.optimizer_race``; this module only reads controls and draws.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSlider,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from playground.core.errors import PlaygroundError
from playground.train.learn.optimizer_race import BATCH_RACE, OPTIMIZERS, Race, parse_settings, settings_text
from playground.train.learn.surfaces import SURFACES, get_surface
from playground.ui.learn.surface_plot import SurfacePlot
from playground.ui.common import style

MAX_STEPS = 2000
TICK_MS = 40
DEFAULT_ON = {"sgd", "momentum", "rmsprop", "adam", "gd", "sgd1", "minibatch"}
COLUMNS = ("optimizer", "lr", "settings", "loss", "what it keeps")


def vector_text(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return "(" + ", ".join(f"{v:.3g}" for v in np.asarray(value).reshape(-1)) + ")"


class OptimizerPanel(QWidget):
    explanation = ("Gradient descent steps against the gradient; momentum keeps a velocity, AdaGrad and RMSProp "
                   "divide by accumulated squared gradients, Adam does both with bias correction. All are "
                   "torch.optim's own classes on two parameters. Click the surface to choose the start.")

    def __init__(self, context=None, parent=None):
        super().__init__(parent)
        self.context = context
        self.race: Race | None = None
        self.start: tuple[float, float] | None = None
        self.on_screen = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        explain = QLabel(self.explanation)
        explain.setWordWrap(True)
        style.mute(explain)
        layout.addWidget(explain)

        row = QHBoxLayout()
        self.surface_box = QComboBox()
        for s in SURFACES:
            self.surface_box.addItem(s.title, s.key)
        row.addWidget(QLabel("Surface"))
        row.addWidget(self.surface_box)
        self.setting_label = QLabel("")
        self.setting = QSlider(Qt.Orientation.Horizontal)
        self.setting.setRange(1, 100)
        self.setting.setFixedWidth(120)
        row.addWidget(self.setting_label)
        row.addWidget(self.setting)
        row.addStretch(1)
        layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(QLabel("gradient noise σ"))
        self.noise = QDoubleSpinBox()
        self.noise.setRange(0.0, 50.0)
        self.noise.setSingleStep(0.5)
        self.noise.setToolTip("Adds σ·ξ (ξ ~ N(0, 1)) to every gradient: what a mini-batch's estimate does")
        row.addWidget(self.noise)
        self.play = QPushButton("▶ Play")
        self.step_button = QPushButton("Step")
        self.reset_button = QPushButton("Reset")
        for b in (self.play, self.step_button, self.reset_button):
            row.addWidget(b)
        self.step_label = QLabel("step 0")
        row.addWidget(self.step_label, 1)
        layout.addLayout(row)
        self.lesson = QLabel("")
        self.lesson.setWordWrap(True)
        layout.addWidget(self.lesson)

        body = QHBoxLayout()
        self.surface_plot = SurfacePlot()
        self.surface_plot.setMinimumSize(200, 160)
        left = QVBoxLayout()
        left.addWidget(self.surface_plot, 1)
        body.addLayout(left, 3)
        side = QVBoxLayout()
        self.loss_plot = pg.PlotWidget(background="w")
        self.loss_plot.setLabel("bottom", "step")
        self.loss_plot.setLabel("left", "loss")
        self.loss_plot.setMouseEnabled(False, False)
        self.loss_plot.hideButtons()
        self.loss_plot.setMinimumSize(160, 90)
        self.loss_curves: dict[str, pg.PlotDataItem] = {}
        side.addWidget(self.loss_plot, 2)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumWidth(160)
        self.table.setHorizontalScrollMode(QTableWidget.ScrollMode.ScrollPerPixel)
        side.addWidget(self.table, 3)
        self.kept = QLabel("")  # what each racer keeps, one line each, readable without scrolling the table
        self.kept.setTextFormat(Qt.TextFormat.RichText)
        self.kept.setWordWrap(True)
        self.kept.setStyleSheet("font-family: monospace; font-size: 9pt;")
        left.addWidget(self.kept)
        body.addLayout(side, 2)
        layout.addLayout(body, 1)
        self.message = QLabel("")
        self.message.setStyleSheet(style.css("ERROR_TEXT"))
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)

        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.surface_box.currentIndexChanged.connect(self._surface_changed)
        self.setting.valueChanged.connect(self._setting_changed)
        self.noise.valueChanged.connect(lambda _v: self.reset())
        self.play.clicked.connect(self.toggle)
        self.step_button.clicked.connect(lambda: self.advance(1))
        self.reset_button.clicked.connect(self.reset)
        self.table.itemChanged.connect(self._table_edited)
        self.surface_plot.clicked.connect(self.set_start)
        self._filling = False
        self._surface_changed()

    # ---- controls --------------------------------------------------------------------------------

    @property
    def surface(self):
        return get_surface(self.surface_box.currentData())

    def kinds(self):
        return BATCH_RACE if self.surface.data is not None else OPTIMIZERS

    def _surface_changed(self, *_args) -> None:
        s = self.surface
        self.lesson.setText(f"<b>{s.title}</b>: {s.lesson}")
        has = bool(s.setting)
        self.setting_label.setText(s.setting if has else "")
        self.setting.setVisible(has)
        if has:
            low, high, default = s.setting_range
            self.setting.blockSignals(True)
            self.setting.setRange(int(low), int(high))
            self.setting.setValue(int(default))
            self.setting.blockSignals(False)
            self.setting_label.setText(f"{s.setting} = {int(default)}")
        self.start = tuple(s.start)
        self._fill_table()
        self._draw_surface()
        self.reset()

    def _setting_changed(self, value: int) -> None:
        self.setting_label.setText(f"{self.surface.setting} = {value}")
        self._draw_surface()
        self.reset()

    def setting_value(self) -> float | None:
        return float(self.setting.value()) if self.surface.setting else None

    def _draw_surface(self) -> None:
        s = self.surface
        xs, ys, values = s.grid(140, self.setting_value())
        minima = list(s.minima)
        if s.data is not None:  # the least-squares line, where full-batch GD ends
            x, y = s.data()
            w, b = np.polyfit(x, y, 1)
            minima = [(w, b)]
        self.surface_plot.set_surface(xs, ys, values, s.labels, minima)

    def _fill_table(self) -> None:
        self._filling = True
        kinds = self.kinds()
        self.table.setRowCount(len(kinds))
        for r, kind in enumerate(kinds):
            name = QTableWidgetItem(kind.title)
            name.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            name.setCheckState(Qt.CheckState.Checked if kind.key in DEFAULT_ON else Qt.CheckState.Unchecked)
            name.setForeground(QBrush(QColor(kind.colour)))
            name.setData(Qt.ItemDataRole.UserRole, kind.key)
            self.table.setItem(r, 0, name)
            defaults = kind.defaults(self.surface)
            self.table.setItem(r, 1, QTableWidgetItem(f"{defaults['lr']:g}"))
            self.table.setItem(r, 2, QTableWidgetItem(settings_text(defaults)))
            for c in (3, 4):
                item = QTableWidgetItem("")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(r, c, item)
        self._filling = False

    def _table_edited(self, item) -> None:
        if not self._filling and item.column() in (0, 1, 2):
            self.reset()

    def chosen(self) -> list:
        """(kind, settings) of every racer switched on; a PlaygroundError for a bad entry."""
        out = []
        for r, kind in enumerate(self.kinds()):
            if self.table.item(r, 0).checkState() != Qt.CheckState.Checked:
                continue
            text = self.table.item(r, 1).text().strip()
            try:
                lr = float(text)
            except ValueError:
                raise PlaygroundError(f"{kind.title}'s learning rate '{text}' is not a number", fix="write e.g. 0.05") from None
            if not lr > 0:
                raise PlaygroundError(f"{kind.title}'s learning rate must be more than 0", fix="write e.g. 0.05")
            out.append((kind, {**parse_settings(kind, self.table.item(r, 2).text()), "lr": lr}))
        return out

    def set_start(self, x: float, y: float) -> None:
        self.start = (x, y)
        self.reset()

    # ---- the race --------------------------------------------------------------------------------

    def reset(self) -> None:
        self.timer.stop()
        self.play.setText("▶ Play")
        self.surface_plot.clear_paths()
        self.loss_plot.clear()
        self.loss_curves = {}
        self.race = None
        try:
            self.race = Race(self.surface, self.chosen(), self.start, self.setting_value(), self.noise.value())
        except (PlaygroundError, ValueError, TypeError) as exc:  # torch.optim refuses some settings itself
            text = str(exc) + (f" ({exc.fix})" if getattr(exc, "fix", None) else "")
            self.message.setText(f"Cannot start the race: {text}")
            self.message.show()
        else:
            self.message.hide()
        self.surface_plot.set_start(self.start)
        self.refresh()

    def toggle(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.play.setText("▶ Play")
        elif self.race is not None:
            self.timer.start()
            self.play.setText("⏸ Pause")

    def tick(self) -> None:
        if self.race is None or self.race.steps >= MAX_STEPS or not self.on_screen:
            self.toggle() if self.timer.isActive() else None
            return
        self.advance(1)

    def advance(self, steps: int) -> None:
        if self.race is None:
            return
        for _ in range(steps):
            self.race.step()
        self.refresh()

    def refresh(self) -> None:
        race = self.race
        self.step_label.setText(f"step {race.steps if race else 0}")
        if race is None:
            return
        positive = all(min(r.losses) > 0 for r in race.racers if r.losses)
        self.loss_plot.setLogMode(False, positive)
        rows = {kind.key: r for r, kind in enumerate(self.kinds())}
        for racer in race.racers:
            key = racer.kind.key
            self.surface_plot.set_path(key, racer.kind.colour, np.array(racer.path), racer.velocity_step())
            if key not in self.loss_curves:
                self.loss_curves[key] = self.loss_plot.plot(pen=pg.mkPen(racer.kind.colour, width=2))
            self.loss_curves[key].setData(np.arange(len(racer.losses)), np.array(racer.losses))
            r = rows[key]
            loss = "diverged" if racer.diverged else f"{racer.losses[-1]:.4g}"
            self.table.item(r, 3).setText(loss)
            self.table.item(r, 4).setText("; ".join(f"{name} = {vector_text(v)}" for name, v in racer.state().items()))
        self.kept.setText("<br>".join(
            f"<span style='color:{r.kind.colour}'><b>{r.title}</b></span>: "
            + ("; ".join(f"{name} = {vector_text(v)}" for name, v in r.state().items()) or "only the weights")
            for r in race.racers))

    # ---- window hooks ----------------------------------------------------------------------------

    def set_on_screen(self, on: bool) -> None:
        """Its dock went behind another tab (False): the race pauses, nothing runs unseen."""
        self.on_screen = on
        if not on and self.timer.isActive():
            self.toggle()

    def prepare_screenshot(self) -> None:
        """For the README's picture: the bowl's ravine after 60 steps."""
        self.surface_box.setCurrentIndex(self.surface_box.findData("bowl"))
        self.advance(60)
