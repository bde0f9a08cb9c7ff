"""The Activations panel: every node's output for one chosen input, top to bottom, live while training.

Owns ``ActivationsPanel`` (the input picker on top, a one-line verdict, then one ``NodeSection``
per node in forward order inside a scroll area), ``NodeSection`` (title with name, kind and shape;
image outputs (C, H, W) as a grid of feature maps with one colour scale per node and a legend,
vectors as a wrapped heat strip, the classifier's final output also as probability bars),
``MapGrid`` (an ``ImageGrid`` with fixed, wrapping tiles that asks for the height they need, so a
list of grids lines up and scrolls) and
``ProbabilityBars``. Sections are built once per list of nodes and only refilled on later answers,
so live updates neither flicker nor stall the window. The numbers come from
``playground.train.activation_view`` in the training thread; nothing here imports torch.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from playground.ui.panels.input_choice import InputChoice
from playground.ui.panels.input_picker import InputPicker
from playground.ui.panels.probe_panel import ProbePanel
from playground.ui.plots.image_grid import ImageGrid

MAX_CHANNELS = 32  # feature maps drawn per node
MAP_TILE = 56  # pixels per feature-map tile
STRIP_CELL = 16  # pixels per value of a heat strip, at most
SHORT_STRIP_CELL = 40  # ... of a short one (a small network's layer: 8 values were 128 px on a 1920 row)
SHORT_STRIP = 16  # values
BAR_ROW = 18


def strip_width(n: int) -> int:
    """Values per row of a heat strip: all of them up to 48, else a divisor of n in 24..48 (no gap at
    the end) or 40."""
    if n <= 48:
        return max(1, n)
    return next((d for d in range(48, 23, -1) if n % d == 0), 40)


def as_strip(values: np.ndarray) -> tuple[np.ndarray, int]:
    """A vector wrapped into rows (rows, width), the last row padded with NaN; and the width."""
    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    width = strip_width(flat.size)
    rows = math.ceil(flat.size / width)
    out = np.full(rows * width, np.nan)
    out[: flat.size] = flat
    return out.reshape(rows, width), width  # (rows, width)


def shape_text(shape: tuple) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")"


class MapGrid(ImageGrid):
    """An ImageGrid that asks for the height its tiles need (a list of them scrolls as one)."""

    def __init__(self, stretch: bool = False, parent: QWidget | None = None):
        super().__init__(parent, min_tile=MAP_TILE, max_tile=MAP_TILE, wrap=not stretch,
                         stretch_cell=STRIP_CELL if stretch else None)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(400, self.minimumHeight())


class ProbabilityBars(QWidget):
    """Horizontal bars, one per class, with the percentage; the true class is marked."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.values = np.zeros(0)
        self.names: tuple[str, ...] = ()
        self.true: int | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_values(self, values: np.ndarray, names, true: int | None) -> None:
        self.values = np.asarray(values, dtype=np.float64).reshape(-1)
        self.names = tuple(names) + tuple(f"class {k}" for k in range(len(names), self.values.size))
        self.true = true
        self.setFixedHeight(max(1, self.values.size) * BAR_ROW + 4)
        self.update()

    def bar_rect(self, k: int) -> QRectF:
        """Where class ``k``'s bar is drawn (its length is the probability)."""
        left, right = 130, self.width() - 120
        return QRectF(left, 2 + k * BAR_ROW + 3, max(1.0, (right - left) * float(self.values[k])), BAR_ROW - 6)

    def sizeHint(self) -> QSize:
        return QSize(400, max(1, self.values.size) * BAR_ROW + 4)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#FFFFFF"))
        if not self.values.size:
            return
        best = int(np.argmax(self.values))
        bold = QFont(self.font())
        bold.setBold(True)
        for k, v in enumerate(self.values):
            y = 2 + k * BAR_ROW
            p.setFont(bold if k == self.true else self.font())
            p.setPen(QColor("#1F2328"))
            p.drawText(QRectF(0, y, 122, BAR_ROW), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       self.names[k])
            track = QRectF(130, y + 3, max(1, self.width() - 250), BAR_ROW - 6)
            p.fillRect(track, QColor("#EEF0F3"))
            p.fillRect(self.bar_rect(k), QColor("#1E6FE0" if k == best else "#9BB7E0"))
            if k == self.true:
                p.setPen(QPen(QColor("#00A040"), 2))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(track.adjusted(-1, -1, 1, 1))
            p.setPen(QColor("#1F2328"))
            note = f"{v:.1%}" + ("  ✓ true class" if k == self.true else "")
            p.drawText(QRectF(track.right() + 6, y, 120, BAR_ROW), Qt.AlignmentFlag.AlignVCenter, note)


class NodeSection(QFrame):
    """One node: its title, a note, and its output drawn as maps, a strip and maybe bars."""

    def __init__(self, name: str, kind: str, shape: tuple, final: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 2)
        layout.setSpacing(2)
        self.title = QLabel(f"<b>{name}</b> &nbsp;·&nbsp; {kind} &nbsp;·&nbsp; output {shape_text(shape)}"
                            + (" &nbsp;·&nbsp; final output" if final else ""))
        self.title.setStyleSheet("border-top: 1px solid #DDE1E6; padding-top: 3px;")
        layout.addWidget(self.title)
        self.note = QLabel("")
        self.note.setStyleSheet("color: #5A6270;")
        layout.addWidget(self.note)
        self.maps = len(shape) == 3
        self.grid = MapGrid(stretch=not self.maps)
        layout.addWidget(self.grid)
        self.bars: ProbabilityBars | None = None
        if final:
            self.bars = ProbabilityBars()
            layout.addWidget(QLabel("Class probabilities:"))
            layout.addWidget(self.bars)

    def show_value(self, value: np.ndarray, channel_names: tuple = ()) -> None:
        """Draw one output; ``channel_names``: a name per channel (a segmentation net's final score maps,
        one per class)."""
        value = np.asarray(value)
        finite = value[np.isfinite(value)] if value.size else value
        stats = (f"min {finite.min():.3g} · max {finite.max():.3g} · mean {finite.mean():.3g}" if finite.size
                 else "no finite values")
        if value.ndim == 3:  # (C, H, W): one tile per channel
            shown = min(value.shape[0], MAX_CHANNELS)
            tiles = [value[c] for c in range(shown)]
            captions = [f"ch {c} {channel_names[c]}" if c < len(channel_names) else f"ch {c}" for c in range(shown)]
            self.grid.set_tiles(tiles, captions, scale="shared", cmap="viridis", legend=True)
            more = f"showing {shown} of {value.shape[0]} channels · " if shown < value.shape[0] else ""
            per_class = (" · one score map per class: each pixel's predicted class is the map that is highest there"
                         if channel_names else "")
            self.note.setText(f"{more}{stats} · one colour scale for all channels{per_class}")
        elif value.ndim == 2:  # (H, W): one picture
            self.grid.set_tiles([value], [""], scale="shared", legend=True)
            self.note.setText(stats)
        else:  # a vector (or a single number): a heat strip
            strip, width = as_strip(value)
            self.grid.stretch_cell = SHORT_STRIP_CELL if value.size <= SHORT_STRIP else STRIP_CELL
            caption = (f"{value.size} values, {width} per row" if strip.shape[0] > 1
                       else f"{value.size} value{'s' if value.size != 1 else ''}")
            self.grid.set_tiles([strip], [caption], scale="shared", legend=True)
            self.note.setText(stats)


class ActivationsPanel(ProbePanel):
    explanation = ("Every layer's output for one input, in the order the network runs: feature maps "
                   "(one tile per channel, one colour scale per layer; hover for values), vectors as heat "
                   "strips, and the class probabilities at the end. Pick or draw the input above.")
    interval_ms = 400
    follows_batches = True
    follows_input = True

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.picker = InputPicker(context)
        self.layout_.addWidget(self.picker)
        self.verdict = QLabel("")
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(self.verdict)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.container = QWidget()
        self.list_layout = QVBoxLayout(self.container)
        self.list_layout.setContentsMargins(0, 0, 4, 0)
        self.list_layout.setSpacing(2)
        self.list_layout.addStretch(1)
        self.scroll.setWidget(self.container)
        self.layout_.addWidget(self.scroll, 1)
        self.sections: dict[str, NodeSection] = {}
        self._signature: tuple = ()
        self.builds = 0  # how often the list of sections was (re)built (tests check reuse)
        self.finish_layout()

    # ---- asking ------------------------------------------------------------------------------------

    def job(self):
        c = self.choice
        snapshot = SimpleNamespace(split=c.split, index=c.index,
                                   custom=None if c.custom is None else c.custom.copy())
        label = c.describe()

        def run(trainer):
            from playground.core.errors import PlaygroundError
            from playground.train.activation_view import activation_view

            shape = tuple(trainer.info.input_shape)
            if snapshot.custom is not None and snapshot.custom.size != int(np.prod(shape)):
                raise PlaygroundError(f"{label} has {snapshot.custom.size} values, but this network takes "
                                      f"inputs of shape {shape_text(shape)}", where="Activations",
                                      fix="pick an example from the dataset instead")
            x, y = InputChoice.fetch(snapshot, trainer)
            return activation_view(trainer, x, y)

        return run

    # ---- showing -----------------------------------------------------------------------------------

    def _kinds(self) -> dict[str, str]:
        return {node.name: node.kind for node in self.doc.graph.nodes.values()}

    def _rebuild(self, view) -> None:
        for section in self.sections.values():
            self.list_layout.removeWidget(section)
            section.deleteLater()
        self.sections = {}
        kinds = self._kinds()
        last = len(view.nodes) - 1
        for k, node in enumerate(view.nodes):
            final = k == last and view.probabilities is not None
            section = NodeSection(node.name, kinds.get(node.name, node.kind), tuple(node.value.shape), final)
            self.list_layout.insertWidget(self.list_layout.count() - 1, section)
            self.sections[node.name] = section
        self.builds += 1

    def show_result(self, view) -> None:
        self.scroll.show()
        signature = tuple((n.name, n.kind, tuple(n.value.shape)) for n in view.nodes) + (
            view.probabilities is not None, tuple(self._kinds().items()))
        if signature != self._signature:
            self._rebuild(view)
            self._signature = signature
        for k, node in enumerate(view.nodes):
            maps_per_class = (k == len(view.nodes) - 1 and view.probabilities is None and node.value.ndim == 3
                              and node.value.shape[0] == len(view.class_names) > 1)  # a per-pixel classifier's scores
            self.sections[node.name].show_value(node.value, tuple(view.class_names) if maps_per_class else ())
        final = self.sections[view.nodes[-1].name] if view.nodes else None
        if final is not None and final.bars is not None:
            final.bars.set_values(view.probabilities, view.class_names, view.label)
        self.verdict.setText(self._verdict(view))

    def _verdict(self, view) -> str:
        when = f"after {view.step} training step{'s' if view.step != 1 else ''}" if view.step else "untrained weights"
        what = self.choice.describe()
        if view.probabilities is None or not view.probabilities.size:
            return f"Outputs for <b>{what}</b> ({when})."
        best = int(np.argmax(view.probabilities))
        names = view.class_names
        name = names[best] if best < len(names) else f"class {best}"
        text = f"For <b>{what}</b> the network says <b>{name}</b> ({view.probabilities[best]:.0%}), {when}."
        if view.label is not None:
            ok = view.label == best
            true = names[view.label] if view.label < len(names) else f"class {view.label}"
            colour = "#00A040" if ok else "#B3261E"
            text += f" &nbsp;<span style='color:{colour}'>{'✓ right' if ok else '✗ wrong'}: the label is {true}.</span>"
        return text

    def show_error(self, exc: BaseException) -> None:
        super().show_error(exc)
        self.verdict.setText("")
        self.scroll.hide()  # old pictures would look like answers for the current network
