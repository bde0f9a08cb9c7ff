"""The Embedding panel's two tools: verification with a threshold, and one-shot classification.

Owns ``VerificationBox`` (two chosen pictures side by side with their distance
d(x1, x2) = ||f(x1) - f(x2)||^2 and the verdict "same when d < delta"; the threshold delta on a
slider; the verification accuracy over the split's fixed pairs at that delta, counted directly;
the ROC curve with the slider's operating point; the distances of same-class and other-class pairs
as two histograms with delta as a line) and ``OneShotBox`` (one reference picture per class and
examples classified by their nearest reference). They draw an ``EmbeddingView``
(``playground/train/embedding_view.py``); the panel around them is ``embedding_view.py``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from playground.train.embedding_metrics import verification_accuracy
from playground.ui.common import style
from playground.ui.panels.evaluation_plots import COLORS, _plot
from playground.ui.tasks.thumbnails import overlay, qimage

STEPS = 1000  # slider positions between delta = 0 and (about) the largest pair distance


def picture(label: QLabel, view, row: int, size: int = 72) -> None:
    """Show row ``row`` of ``view`` in ``label``: its image, or its numbers when it is not an image."""
    if view.inputs is not None and np.ndim(view.inputs[row]) == 3:
        label.setPixmap(QPixmap.fromImage(qimage(overlay(view.inputs[row], None))).scaled(
            size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation))
    else:
        values = view.inputs[row] if view.inputs is not None else view.emb[row]
        label.setText(", ".join(f"{v:.2g}" for v in np.ravel(values)[:6]))


def class_name(view, k) -> str:
    k = int(k)
    return view.class_names[k] if 0 <= k < len(view.class_names) else str(k)


class VerificationBox(QWidget):
    delta_changed = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view = None
        self.rows = (0, 0)  # the two chosen examples (rows of the view)
        self._top = 1.0  # delta at the slider's right end
        self._user_moved = False
        self.shown_accuracy = float("nan")  # what the accuracy line says, for tests
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        pair = QHBoxLayout()
        self.images = [QLabel(), QLabel()]
        self.captions = [QLabel(), QLabel()]
        for img, cap, name in zip(self.images, self.captions, ("x1", "x2")):
            box = QVBoxLayout()
            img.setFixedSize(76, 76)
            img.setAlignment(Qt.AlignmentFlag.AlignCenter)
            img.setStyleSheet("border: 1px solid #C9CDD4")
            box.addWidget(img)
            box.addWidget(cap)
            cap.setText(name)
            pair.addLayout(box)
        self.verdict = QLabel("Click two points of the scatter (or use a pair button) to compare them.")
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        pair.addWidget(self.verdict, 1)
        layout.addLayout(pair)
        row = QHBoxLayout()
        row.addWidget(QLabel("threshold δ"))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, STEPS)
        self.slider.setToolTip("Two pictures count as the same class when their distance is below δ")
        self.slider.valueChanged.connect(self._moved)
        row.addWidget(self.slider, 1)
        self.best = QPushButton("Best δ")
        self.best.setToolTip("Move δ to the threshold with the highest verification accuracy on these pairs")
        self.best.clicked.connect(self.set_best)
        row.addWidget(self.best)
        layout.addLayout(row)
        self.accuracy = QLabel("")
        self.accuracy.setWordWrap(True)
        layout.addWidget(self.accuracy)
        plots = QHBoxLayout()
        self.roc = _plot("true-accept rate", "false-accept rate")
        self.roc.setXRange(0, 1, padding=0.02)
        self.roc.setYRange(0, 1, padding=0.02)
        self.roc.setMouseEnabled(False, False)
        self.roc.plot([0, 1], [0, 1], pen=pg.mkPen("#9AA0A6", style=Qt.PenStyle.DashLine))
        self.roc_curve = self.roc.plot([], [], pen=pg.mkPen(COLORS[0], width=2))
        self.roc_point = self.roc.plot([], [], pen=None, symbol="o", symbolBrush=COLORS[3], symbolSize=9)
        self.hist = _plot("pairs", "distance d = ||f(x1) − f(x2)||²")
        self.hist.addLegend(offset=(-10, 10), labelTextSize="8pt")
        self.hist_same = self.hist.plot([0, 1], [0], stepMode="center", pen=pg.mkPen(COLORS[2], width=2),
                                        name="same class")
        self.hist_diff = self.hist.plot([0, 1], [0], stepMode="center", pen=pg.mkPen(COLORS[3], width=2),
                                        name="different classes")
        self.hist_line = pg.InfiniteLine(0.0, angle=90, pen=pg.mkPen("#1F2328", style=Qt.PenStyle.DashLine))
        self.hist.addItem(self.hist_line)
        plots.addWidget(self.roc)
        plots.addWidget(self.hist)
        layout.addLayout(plots, 1)

    # ---- data --------------------------------------------------------------------------------------------

    def set_view(self, view) -> None:
        self.view = view
        pairs = view.pairs
        d = np.asarray(pairs["d"], dtype=np.float64)
        if not d.size:
            self.accuracy.setText("No pairs to verify: the split needs examples of at least two classes.")
            return
        delta = self.delta() if self._user_moved else pairs["threshold"]
        self._top = float(max(np.percentile(d, 98), pairs["threshold"], 1e-12) * 1.05)  # the far tail is off
        self.roc_curve.setData(np.nan_to_num(pairs["fpr"]), np.nan_to_num(pairs["tpr"]))
        same = np.asarray(pairs["same"], dtype=bool)
        edges = np.linspace(0.0, self._top, 31)
        self.hist_same.setData(edges, np.histogram(d[same], edges)[0])
        self.hist_diff.setData(edges, np.histogram(d[~same], edges)[0])
        self.set_delta(delta, user=self._user_moved)
        rows = self.rows if max(self.rows) < len(view.labels) else (0, 0)
        if rows == (0, 0) and len(pairs["i"]):
            rows = (int(pairs["i"][0]), int(pairs["j"][0]))
        self.set_rows(*rows)

    def delta(self) -> float:
        return self._top * self.slider.value() / STEPS

    def set_delta(self, delta: float, user: bool = True) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(int(round(np.clip(delta / self._top, 0, 1) * STEPS)))
        self.slider.blockSignals(False)
        self._user_moved = user
        self._refresh()

    def set_best(self) -> None:
        if self.view is not None:
            self.set_delta(self.view.pairs["threshold"], user=False)

    def _moved(self, _value: int) -> None:
        self._user_moved = True
        self._refresh()

    def set_rows(self, a: int, b: int) -> None:
        """Compare rows ``a`` and ``b`` of the view."""
        self.rows = (int(a), int(b))
        view = self.view
        if view is None or not len(view.labels):
            return
        for label, cap, row in zip(self.images, self.captions, self.rows):
            picture(label, view, row)
            cap.setText(f"{class_name(view, view.labels[row])} (#{int(view.index[row])})")
        self._refresh()

    # ---- drawing -------------------------------------------------------------------------------------

    def _refresh(self) -> None:
        view = self.view
        if view is None or not len(view.pairs["d"]):
            return
        delta = self.delta()
        d, same = np.asarray(view.pairs["d"]), np.asarray(view.pairs["same"], dtype=bool)
        acc = verification_accuracy(d, same, delta)
        self.shown_accuracy = acc
        self.accuracy.setText(
            f"δ = {delta:.4g}: verification accuracy {acc:.1%} over {len(d)} fixed pairs ({int(same.sum())} same "
            f"class, {int((~same).sum())} different). Best δ = {view.pairs['threshold']:.4g} gives "
            f"{view.pairs['accuracy']:.1%}; AUC {view.pairs['auc']:.3f}.")
        accepted = d < delta
        fpr = float(np.mean(accepted[~same])) if (~same).any() else 0.0
        tpr = float(np.mean(accepted[same])) if same.any() else 0.0
        self.roc_point.setData([fpr], [tpr])
        self.hist_line.setValue(delta)
        a, b = self.rows
        if max(a, b) < len(view.labels):
            dist = view.distance(a, b)
            truth = "same class" if view.labels[a] == view.labels[b] else "different classes"
            call = "same" if dist < delta else "different"
            right = (call == "same") == (view.labels[a] == view.labels[b])
            mark = "right" if right else '<span style="color:#D62728">wrong</span>'
            self.verdict.setText(f"d(x1, x2) = {dist:.4g} {'&lt;' if dist < delta else '≥'} δ = {delta:.4g}: "
                                 f"called <b>{call}</b>; truly {truth} ({mark}).")
        self.delta_changed.emit(delta)


class OneShotBox(QWidget):
    """One reference per class; examples classified by the nearest reference."""

    SHOWN = 12

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        head = QLabel("References, one per class:")
        style.mute(head)
        layout.addWidget(head)
        self.refs = QGridLayout()
        layout.addLayout(self.refs)
        head2 = QLabel("Examples, each given the class of its nearest reference (true → predicted):")
        style.mute(head2)
        layout.addWidget(head2)
        self.examples = QGridLayout()
        layout.addLayout(self.examples)
        layout.addStretch(1)

    @staticmethod
    def _clear(grid: QGridLayout) -> None:
        while grid.count():
            item = grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    def _tile(self, grid, k, view, row, text, colour="") -> None:
        img, cap = QLabel(), QLabel(text)
        picture(img, view, row, 48)
        cap.setWordWrap(True)
        if colour:
            cap.setStyleSheet(f"color: {colour}")
        cols = 8
        grid.addWidget(img, 2 * (k // cols), k % cols)
        grid.addWidget(cap, 2 * (k // cols) + 1, k % cols)

    def set_view(self, view) -> None:
        self._clear(self.refs)
        self._clear(self.examples)
        n = len(view.queries)
        if not n:
            self.summary.setText("No one-shot test: every class needs a reference and something to classify.")
            return
        right = int(np.sum(view.one_shot_pred == view.labels[view.queries]))
        self.summary.setText(f"One-shot accuracy {view.one_shot_accuracy:.1%}: {right} of {n} examples get the class "
                             f"of their nearest single reference (chance {1 / max(len(view.refs), 1):.0%}).")
        for k, row in enumerate(view.refs):
            self._tile(self.refs, k, view, row, class_name(view, view.labels[row]))
        for k, (row, pred) in enumerate(zip(view.queries[:self.SHOWN], view.one_shot_pred[:self.SHOWN])):
            true = view.labels[row]
            self._tile(self.examples, k, view, row, f"{class_name(view, true)} → {class_name(view, pred)}",
                       "" if pred == true else "#D62728")
