"""One test image with its boxes: true ones, the detector's kept ones, the ones NMS removed, the grid.

Owns ``Scene`` (what to draw: the picture, the kept detections and the reasons for the removed
ones from ``train.detection.explain``, the true boxes, and on request the S x S grid with one
true box's responsible cell and best anchor), its words (``explanation_html``, ``legend_html``),
``paint_scene`` (draws a scene into any rectangle:
the big canvas and the gallery's thumbnails share it), ``overlay_colours`` and ``ImageBoxes``
(the canvas widget: draws the scene big, names the box under the mouse in a tooltip and in its
``hovered`` signal, and keeps ``painted``, the boxes of its last paint, for tests). It computes
nothing about detection itself.

The boxes sit on the picture, whose background is dark in both themes, so they take the dark
theme's bright colours of ``style.THEMES`` (the legend beside them uses the same ones).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from playground.train.detection.explain import Explained, best_anchor, responsible_cell
from playground.ui.common import style
from playground.ui.tasks.thumbnails import overlay, qimage

#: what each overlay colour means -> the theme role it takes (dark theme column: bright on a dark picture)
_ROLES = {"true": "OK_TEXT", "kept": "WARNING", "removed": "ERROR", "grid": "EDGE", "cell": "SELECTED",
          "anchor": "LINK"}


def overlay_colours() -> dict[str, QColor]:
    """Meaning ('true', 'kept', 'removed', 'grid', 'cell', 'anchor') -> colour of the boxes on the picture."""
    return {k: QColor(style.THEMES["dark"][role]) for k, role in _ROLES.items()}


def picture(image: np.ndarray) -> QImage:
    """(C, H, W) pixels in [0, 1] -> a QImage (gray images shown gray)."""
    return qimage(overlay(image, None))


@dataclass
class Scene:
    """Everything one drawing of an image shows; boxes are xyxy image fractions."""

    image: QImage
    explained: Explained | None = None
    candidates: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))  # (K, 4) for the removed boxes
    true_boxes: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    true_classes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    class_names: tuple = ()
    show_removed: bool = False
    grid: tuple[int, int] | None = None  # drawn when set
    focus: int = -1  # the true box whose responsible cell and best anchor are drawn (-1: none)
    anchors: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    labels: bool = True  # class names and confidences (off in thumbnails)
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (K,) the candidates' confidences
    classes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # (K,)

    def name(self, cls) -> str:
        cls = int(cls)
        return self.class_names[cls] if 0 <= cls < len(self.class_names) else str(cls)

    def focus_parts(self):
        """(cell (row, col), anchor index, its shape IoU, centre (cx, cy), anchor (w, h)) of the
        focused true box, or None."""
        if self.grid is None or not 0 <= self.focus < len(self.true_boxes) or not len(self.anchors):
            return None
        x0, y0, x1, y1 = self.true_boxes[self.focus]
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        k, iou = best_anchor(x1 - x0, y1 - y0, self.anchors)
        return responsible_cell(cx, cy, self.grid), k, iou, (cx, cy), tuple(self.anchors[k])


def legend_html() -> str:
    """A chip of each overlay colour and what it marks."""
    c = {k: v.name() for k, v in overlay_colours().items()}
    chip = "<span style='background:{};'>&nbsp;&nbsp;&nbsp;&nbsp;</span>&nbsp;{}"
    return "&nbsp;&nbsp;".join([
        chip.format(c["true"], "true box"), chip.format(c["kept"], "predicted: number, class, confidence"),
        chip.format(c["removed"], "removed by NMS (dashed)"), chip.format(c["cell"], "responsible cell"),
        chip.format(c["anchor"], "best anchor (dotted)")])


def explanation_html(scene: Scene, focus_text: str = "") -> str:
    """In words: how many candidates the threshold and NMS left, the focused box's cell and anchor,
    and why each removed box went ('x1 circle 0.86: removed: overlaps kept box 2 ...')."""
    ex = scene.explained
    if ex is None:
        return ""
    lines = [f"<b>{len(ex.kept.index)} boxes kept</b> of {len(scene.candidates)} candidates"
             + (f" ({scene.grid[0]} x {scene.grid[1]} cells x {len(scene.anchors)} anchors)" if scene.grid else "")
             + f": {ex.below_threshold} below the confidence threshold, {len(ex.removed)} removed by NMS; "
             f"{len(scene.true_boxes)} true boxes."]
    parts = scene.focus_parts()
    if parts is not None:
        (i, j), a, fit, _centre, (aw, ah) = parts
        lines.append(f"Grid: {html.escape(focus_text)} has its centre in cell row {i + 1}, column {j + 1}; that "
                     f"cell answers for it, with anchor {a + 1} ({aw:.2f} x {ah:.2f}), whose size fits it best "
                     f"(IoU {fit:.2f}).")
    if ex.removed and not scene.show_removed:
        lines.append("Tick <i>Show boxes NMS removed</i> to see them dashed.")
    for n, r in enumerate(ex.removed):
        own = (f" {html.escape(scene.name(scene.classes[r.index]))} {scene.scores[r.index]:.2f}"
               if len(scene.scores) > r.index else "")
        lines.append(f"x{n + 1}{own}: " + html.escape(ex.reason(r, scene.class_names)))
    return "<br>".join(lines)


def _rect(box, area: QRectF) -> QRectF:
    x0, y0, x1, y1 = (float(v) for v in box)
    return QRectF(area.left() + x0 * area.width(), area.top() + y0 * area.height(),
                  (x1 - x0) * area.width(), (y1 - y0) * area.height())


def _chip(painter: QPainter, at: QPointF, text: str, colour: QColor, area: QRectF) -> None:
    """A filled label with ``text``, its bottom-left at ``at`` (kept inside ``area``)."""
    metrics = painter.fontMetrics()
    w, h = metrics.horizontalAdvance(text) + 6, metrics.height() + 2
    x = min(max(at.x(), area.left()), area.right() - w)
    y = min(at.y() - h if at.y() - h >= area.top() else at.y(), area.bottom() - h)
    painter.fillRect(QRectF(x, y, w, h), colour)
    painter.setPen(QColor("#000000") if colour.lightness() > 140 else QColor("#FFFFFF"))
    painter.drawText(QRectF(x, y, w, h), Qt.AlignmentFlag.AlignCenter, text)


def paint_scene(painter: QPainter, area: QRectF, scene: Scene) -> dict[str, list]:
    """Draw ``scene`` into ``area`` (square); returns what was drawn: {'kept': boxes, 'removed': ..., 'true': ...}."""
    colours = overlay_colours()
    painter.save()
    painter.setClipRect(area)  # boxes that run past the picture's edge are cut there
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    painter.drawImage(area, scene.image)
    painted = {"kept": [], "removed": [], "true": []}
    thick = max(1.0, area.width() / 200)
    if scene.grid is not None:
        _paint_grid(painter, area, scene, colours, thick)
    for box in scene.true_boxes:
        painter.setPen(QPen(colours["true"], thick * 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(_rect(box, area))
        painted["true"].append(np.asarray(box, dtype=np.float64))
    ex = scene.explained
    if ex is not None and scene.show_removed:
        pen = QPen(colours["removed"], thick, Qt.PenStyle.DashLine)
        for n, r in enumerate(ex.removed):
            painter.setPen(pen)
            rect = _rect(scene.candidates[r.index], area)
            painter.drawRect(rect)
            painted["removed"].append(np.asarray(scene.candidates[r.index], dtype=np.float64))
            if scene.labels:
                _chip(painter, rect.bottomLeft() + QPointF(0, painter.fontMetrics().height() + 2), f"x{n + 1}",
                      colours["removed"], area)
    if ex is not None:
        for k, box in enumerate(ex.kept.boxes):
            painter.setPen(QPen(colours["kept"], thick * 1.5))
            rect = _rect(box, area)
            painter.drawRect(rect)
            painted["kept"].append(np.asarray(box, dtype=np.float64))
            if scene.labels:
                text = f"{k + 1} {scene.name(ex.kept.classes[k])} {ex.kept.scores[k]:.2f}"
                _chip(painter, rect.topLeft(), text, colours["kept"], area)
    painter.restore()
    return painted


def _paint_grid(painter: QPainter, area: QRectF, scene: Scene, colours, thick: float) -> None:
    sh, sw = scene.grid
    parts = scene.focus_parts()
    if parts is not None:
        (i, j), k, iou, (cx, cy), (aw, ah) = parts
        cell = QRectF(area.left() + j * area.width() / sw, area.top() + i * area.height() / sh,
                      area.width() / sw, area.height() / sh)
        fill = QColor(colours["cell"])
        fill.setAlpha(90)
        painter.fillRect(cell, fill)
        painter.setPen(QPen(colours["cell"], thick * 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(cell)
    grid_pen = QColor(colours["grid"])
    grid_pen.setAlpha(170)
    painter.setPen(QPen(grid_pen, max(1.0, thick / 2)))
    for r in range(1, sh):
        y = area.top() + r * area.height() / sh
        painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
    for c in range(1, sw):
        x = area.left() + c * area.width() / sw
        painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
    if parts is not None:
        centre = QPointF(area.left() + cx * area.width(), area.top() + cy * area.height())
        painter.setBrush(QBrush(colours["cell"]))
        painter.setPen(QPen(QColor("#000000"), 1))
        painter.drawEllipse(centre, 3 * thick, 3 * thick)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(colours["anchor"], thick * 1.5, Qt.PenStyle.DotLine))
        anchor = _rect((cx - aw / 2, cy - ah / 2, cx + aw / 2, cy + ah / 2), area)
        painter.drawRect(anchor)


class ImageBoxes(QWidget):
    """The big picture: a ``Scene`` drawn square; the box under the mouse is named."""

    hovered = Signal(str)  # what the box under the mouse is ("" when none)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scene: Scene | None = None
        self.painted: dict[str, list] = {"kept": [], "removed": [], "true": []}
        self.setMouseTracking(True)
        self.setMinimumSize(240, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("test image with true and predicted boxes")

    def sizeHint(self) -> QSize:
        return QSize(420, 420)

    def set_scene(self, scene: Scene) -> None:
        self.scene = scene
        self.update()

    def area(self) -> QRectF:
        side = max(10.0, min(self.width(), self.height()) - 4.0)
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), style.color("BASE"))
        if self.scene is None:
            painter.setPen(style.color("MUTED"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no test images to show")
            return
        f = QFont(painter.font())
        f.setPointSizeF(max(7.0, self.area().width() / 55))
        painter.setFont(f)
        self.painted = paint_scene(painter, self.area(), self.scene)

    def describe_at(self, x: float, y: float) -> str:
        """Words for the boxes at widget point (x, y): kept and removed predictions, true boxes."""
        if self.scene is None:
            return ""
        area = self.area()
        u, v = (x - area.left()) / area.width(), (y - area.top()) / area.height()
        inside = lambda b: b[0] <= u <= b[2] and b[1] <= v <= b[3]  # noqa: E731
        s, ex, lines = self.scene, self.scene.explained, []
        if ex is not None:
            for k, box in enumerate(ex.kept.boxes):
                if inside(box):
                    lines.append(f"kept box {k + 1}: {s.name(ex.kept.classes[k])}, confidence {ex.kept.scores[k]:.2f}")
            if s.show_removed:
                for r in ex.removed:
                    if inside(s.candidates[r.index]):
                        lines.append(f"x{ex.removed.index(r) + 1}: " + ex.reason(r, s.class_names))
        for box, cls in zip(s.true_boxes, s.true_classes):
            if inside(box):
                lines.append(f"true box: {s.name(cls)}")
        return "\n".join(lines)

    def mouseMoveEvent(self, event) -> None:
        text = self.describe_at(event.position().x(), event.position().y())
        self.setToolTip(text)
        self.hovered.emit(text)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        self.hovered.emit("")
        super().leaveEvent(event)
