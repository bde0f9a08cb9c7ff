"""The Style Transfer view: a picture optimized to keep one picture's content and take another's style.

Owns ``StyleView`` (a ``LearnView``): the network whose layers are compared (fixed random filters,
or a copy of the project's network taken from the training thread), the content picture (a clean
shape) and the style picture (a generated texture), the start (the content picture or noise),
content and style weights as log sliders, Start / Stop (nothing runs before the first Start), and the picture updating live beside
the content and style loss of every layer over the steps. The optimization runs in a worker
thread of its own (``train/learn/style_transfer.StyleTransfer``): the window never waits; the
worker posts the latest picture and losses under a lock and a timer draws them; hiding the view
stops it. A new weight,
picture or network starts the picture again.
"""

from __future__ import annotations

import copy
import math
import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSlider,
                               QSpinBox, QWidget)

from playground.train.learn import style_transfer as st
from playground.ui.generative.pictures import PictureLabel, mosaic
from playground.ui.learn.learn_base import BLUE, GREEN, GREY, ORANGE, PURPLE, RED, LearnView, make_plot
from playground.ui.plots.live_curve import set_log_mode

LAYER_COLOURS = (BLUE, ORANGE, GREEN, RED, PURPLE, GREY)
SIZE_PREVIEW = 64
NETWORKS = (("random", "random filters (fixed)"), ("project", "the project's network (its conv layers)"))


class LogSlider(QWidget):
    """A slider over 10^lo .. 10^hi with its value written beside it."""

    def __init__(self, lo: float, hi: float, value: float, tip: str, parent=None):
        super().__init__(parent)
        self.lo, self.hi = lo, hi
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setToolTip(tip)
        self.label = QLabel("")
        self.label.setMinimumWidth(48)
        row.addWidget(self.slider, 1)
        row.addWidget(self.label)
        self.slider.valueChanged.connect(self._show)
        self.set_value(value)

    def value(self) -> float:
        return 10 ** (self.lo + (self.hi - self.lo) * self.slider.value() / 100)

    def set_value(self, value: float) -> None:
        self.slider.setValue(round(100 * (math.log10(value) - self.lo) / (self.hi - self.lo)))
        self._show()

    def _show(self, *args) -> None:
        self.label.setText(f"{self.value():.3g}")


class StyleView(LearnView):
    explanation = ("Style transfer: the picture is what gets optimized, not the weights. Its feature maps are pulled "
                   "toward the content picture's (content loss) and their Gram matrices G = F·Fᵀ, which only say "
                   "which channels fire together, toward the style picture's (style loss). The weights set the mix.")

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.owner = f"StyleView:{id(self)}"
        controls = QGridLayout()
        self.net_box = QComboBox()
        for key, title in NETWORKS:
            self.net_box.addItem(title, key)
        self.net_box.setToolTip("Whose feature maps are compared: a fixed random convolution network (random filters "
                                "already capture texture), or the project's own trained conv layers")
        self.content_box = QComboBox()
        self.content_box.addItems(st.CONTENTS)
        self.content_box.setToolTip("The picture whose layout (content) is kept")
        self.style_box = QComboBox()
        self.style_box.addItems(tuple(st.TEXTURES))
        self.style_box.setToolTip("The texture whose statistics (style) are copied")
        self.start_box = QComboBox()
        self.start_box.addItems(("content", "noise"))
        self.start_box.setToolTip("Start from the content picture, or from random noise")
        self.content_weight = LogSlider(-2, 2, 1.0, "Weight of the content loss (log scale)")
        self.style_weight = LogSlider(0, 4, 100.0, "Weight of the style loss (log scale)")
        self.steps_box = QSpinBox()
        self.steps_box.setRange(10, 2000)
        self.steps_box.setValue(200)
        self.steps_box.setToolTip("How many optimizer steps on the picture")
        self.run_button = QPushButton("Start")
        self.stop_button = QPushButton("Stop")
        self.progress = QProgressBar()
        self.progress.setFormat("step %v of %m")
        for col, (label, widget) in enumerate((("Network", self.net_box), ("Content", self.content_box),
                                               ("Style", self.style_box), ("Start from", self.start_box))):
            controls.addWidget(QLabel(label), 0, 2 * col)
            controls.addWidget(widget, 0, 2 * col + 1)
        controls.addWidget(QLabel("Content weight"), 1, 0)
        controls.addWidget(self.content_weight, 1, 1, 1, 2)
        controls.addWidget(QLabel("Style weight"), 1, 3)
        controls.addWidget(self.style_weight, 1, 4, 1, 2)
        controls.addWidget(QLabel("Steps"), 1, 6)
        controls.addWidget(self.steps_box, 1, 7)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.progress, 1)
        controls.addLayout(buttons, 2, 0, 1, 8)
        self.layout_.addLayout(controls)

        body = QGridLayout()
        self.pictures = {}
        for col, (key, title) in enumerate((("content", "Content"), ("style", "Style"), ("result", "Result"))):
            caption = QLabel(title)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            body.addWidget(caption, 0, col)
            self.pictures[key] = PictureLabel()
            body.addWidget(self.pictures[key], 1, col)
        self.content_plot = make_plot("Content loss per layer", "step", "mean (F − P)²")
        self.style_plot = make_plot("Style loss per layer", "step", "Σ(G − A)² / (2CHW)²")
        for plot in (self.content_plot, self.style_plot):
            item = plot.getPlotItem()
            for line in [i for i in item.items if isinstance(i, pg.InfiniteLine)]:
                item.removeItem(line)  # no zero line on a log axis
            set_log_mode(plot, y=True)
        body.addWidget(self.content_plot, 0, 3, 2, 1)
        body.addWidget(self.style_plot, 0, 4, 2, 1)
        body.setRowStretch(1, 1)
        for col, stretch in enumerate((2, 2, 2, 3, 3)):
            body.setColumnStretch(col, stretch)
        self.layout_.addLayout(body, 1)
        self.finish_layout()

        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._worker: threading.Thread | None = None
        self._latest: dict | None = None  # posted by the worker: picture, records, done
        self.records: list[st.StepRecord] = []
        self.picture: np.ndarray | None = None  # the last drawn result (C, H, W)
        self.net: st.FeatureNet | None = None
        self._curves: dict = {}
        self._started = False
        self.poll = QTimer(self)
        self.poll.setInterval(100)
        self.poll.timeout.connect(self._collect)
        self.restart_timer = QTimer(self)
        self.restart_timer.setSingleShot(True)
        self.restart_timer.setInterval(250)
        self.restart_timer.timeout.connect(self.restart)
        self.run_button.clicked.connect(self.restart)
        self.stop_button.clicked.connect(self.stop)
        for box in (self.content_box, self.style_box, self.start_box):
            box.currentIndexChanged.connect(self._changed)
        self.net_box.currentIndexChanged.connect(self._network_changed)
        for slider in (self.content_weight, self.style_weight):
            slider.slider.valueChanged.connect(self._changed)
        self.session.job_done.connect(self._on_job)

    # ---- starting and stopping -----------------------------------------------------------------------

    def invalidate(self, *args) -> None:
        """Shown or asked again: before the first Start, the chosen pictures; after it, the picture
        stands (and its message); a run that is going counts when it ends."""
        if not self._started:
            self._show_inputs(SIZE_PREVIEW)
            self.progress.setFormat("press Start to paint the picture")
        if not self.pending():
            self.results += 1

    def prepare_screenshot(self) -> bool:
        """For a picture (``playground screenshot --panel style``): paint it, and wait for the end."""
        self.restart()
        return True

    def _show_inputs(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        content = st.content_picture(self.content_box.currentText(), size)
        style = st.texture_picture(self.style_box.currentText(), size)
        self.pictures["content"].set_rgb(mosaic(content[None], 1))
        self.pictures["style"].set_rgb(mosaic(style[None], 1))
        return content, style

    def _changed(self, *args) -> None:
        """A new picture, start or weight: paint again once the person has started painting."""
        if self._started:
            self.restart_timer.start()
        else:
            self.invalidate()

    def refresh(self) -> None:
        self.invalidate()

    def pending(self) -> bool:
        return self._worker is not None

    def _network_changed(self, *args) -> None:
        self.net = None
        self._changed()

    def restart(self) -> None:
        """Start the picture again with the current choices (stopping a run that is going)."""
        self._started = True
        self.run_button.setText("Restart")
        self.stop()
        self.show_message("")
        if self.net is not None:
            self._start(self.net)
        elif self.net_box.currentData() == "random":
            self.net = st.random_filter_net()
            self._start(self.net)
        else:
            self.progress.setFormat("copying the project's network…")
            self.session.submit(self.owner, _snapshot)

    def _on_job(self, owner: str, result) -> None:
        if owner != self.owner:
            return
        if isinstance(result, BaseException):
            self.show_message(f"The project's network cannot be used: {result}")
            self.results += 1
            return
        try:
            self.net = st.project_net(*result)
        except Exception as exc:  # noqa: BLE001 - said in words, the view stays usable
            self.show_message(str(exc))
            self.results += 1
            return
        self._start(self.net)

    def _start(self, net: st.FeatureNet) -> None:
        content, style = self._show_inputs(net.input_shape[1])
        transfer = st.StyleTransfer(net, content, style, start=self.start_box.currentText())
        weights = (self.content_weight.value(), self.style_weight.value())
        steps = self.steps_box.value()
        self.records = []
        self._reset_curves(net.layers)
        self.progress.setFormat("step %v of %m")
        self.progress.setRange(0, steps)
        self.progress.setValue(0)
        self._stop = stop = threading.Event()

        def work() -> None:
            records = []
            try:
                for k in range(steps):
                    if stop.is_set():
                        break
                    records.append(transfer.step(*weights))
                    if k % 5 == 4 or k == steps - 1:
                        with self._lock:
                            self._latest = {"picture": transfer.picture(), "records": list(records), "done": False}
            except Exception as exc:  # noqa: BLE001 - shown in the view's message line
                with self._lock:
                    self._latest = {"error": exc, "records": records, "done": True}
                return
            with self._lock:
                self._latest = {"picture": transfer.picture(), "records": records, "done": True}

        self._worker = threading.Thread(target=work, name="learn-style-transfer")
        self._worker.start()
        self.poll.start()

    def stop(self) -> None:
        """Stop the run (the picture stays as it is)."""
        self._stop.set()
        if self._worker is not None:
            self._worker.join()
            self._collect()

    # ---- drawing ----------------------------------------------------------------------------------------

    def _reset_curves(self, layers) -> None:
        for plot in (self.content_plot, self.style_plot):
            item = plot.getPlotItem()
            for curve in [c for c in self._curves.values() if c in item.items]:
                item.removeItem(curve)
            if item.legend is not None:
                item.legend.clear()
        self._curves = {}
        for i, layer in enumerate(layers):
            colour = LAYER_COLOURS[i % len(LAYER_COLOURS)]
            self._curves[("content", layer)] = self.content_plot.plot([], [], pen=colour, name=layer)
            self._curves[("style", layer)] = self.style_plot.plot([], [], pen=colour, name=layer)

    def _collect(self) -> None:
        with self._lock:
            latest, self._latest = self._latest, None
        if latest is None:
            return
        records = self.records = latest["records"]
        if "error" in latest:
            self.show_message(f"Style transfer stopped: {latest['error']}")
        else:
            self.picture = latest["picture"]
            self.pictures["result"].set_rgb(mosaic(self.picture[None], 1))
        if records:
            steps = np.array([r.step for r in records])
            for (kind, layer), curve in self._curves.items():
                values = np.array([max(getattr(r, kind)[layer], 1e-6) for r in records])  # 0 at a start from content
                curve.setData(steps, values)
            self.progress.setValue(records[-1].step)
        if latest["done"]:
            self.poll.stop()
            if self._worker is not None:
                self._worker.join()
            self._worker = None
            last = records[-1] if records else None
            if last is not None:
                self.progress.setFormat(f"step {last.step}: content {sum(last.content.values()):.3g}, "
                                        f"style {sum(last.style.values()):.3g} (summed over layers)")
            self.results += 1

    def hideEvent(self, event) -> None:
        """Out of sight (dock closed, window closing): stop painting; Restart paints again."""
        self.restart_timer.stop()
        self.stop()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)


def _snapshot(trainer):
    """(a copy of the model on the CPU, its input shape, the data's mean and std): run in the training thread."""
    model = copy.deepcopy(trainer.model).cpu().eval()
    return model, tuple(trainer.info.input_shape), trainer.splits.mean.cpu(), trainer.splits.std.cpu()
