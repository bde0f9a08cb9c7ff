"""One tensor on the canvas: a curve from a layer's output dot to the next layer's input dot.

The label in the middle is the tensor's shape per sample (without the batch dimension). An edge
can be selected and deleted (Delete key, or its context menu) to disconnect the two layers.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem

from playground.ui.common import style

_LABEL_FONT = style.font(7.5)


class EdgeItem(QGraphicsItem):
    def __init__(self, edge, src_item, dst_item):
        super().__init__()
        self.edge = edge
        self.src_item, self.dst_item = src_item, dst_item
        self.label = ""
        self.show_label = True  # False on the 2nd, 3rd... edge of a fan-out: same tensor, one label
        self.label_shift = 0.0  # moved down this much so as not to cover another label
        # set by the scene when it lays out a node's edges (once per batch of changes, never per
        # edge): this input's place on a merge node's wide port, and whether its tensor fans out
        self.merge_offset = 0.0
        self.fan_out = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(0)
        self.setAcceptHoverEvents(True)
        self._path = QPainterPath()
        self._label_rect = QRectF()
        src_item.edges.append(self)
        dst_item.edges.append(self)
        self.update_path()

    def detach(self) -> None:
        for item in (self.src_item, self.dst_item):
            if self in item.edges:
                item.edges.remove(self)

    def set_label(self, text: str, show: bool = True, repath: bool = True) -> None:
        self.label, self.show_label = text, show
        self.setToolTip(f"{self.src_item.name} \u2192 {self.dst_item.name}: a tensor of shape {text} per sample"
                        "\n(select it and press Delete to disconnect)")
        if repath:
            self.update_path()

    def _end_points(self) -> tuple[QPointF, QPointF]:
        a = self.src_item.out_port.scenePos()
        b = self.dst_item.in_port.scenePos() if self.dst_item.in_port is not None else self.dst_item.scenePos()
        return a, QPointF(b.x() + self.merge_offset, b.y())  # a merge node's inputs spread over its port

    def update_path(self) -> None:
        self.prepareGeometryChange()
        a, b = self._end_points()
        path = QPainterPath(a)
        bend = max(30.0, abs(b.y() - a.y()) * 0.45)
        path.cubicTo(QPointF(a.x(), a.y() + bend), QPointF(b.x(), b.y() - bend), b)
        self._path = path
        if self.label and self.show_label:
            metrics = QFontMetricsF(_LABEL_FONT)
            w, h = metrics.horizontalAdvance(self.label) + 10, metrics.height() + 2
            # one label right of the curve's middle; for a fan-out, one label right under the output dot
            at = QPointF(a.x(), a.y() + style.PORT_R + h / 2 + 1) if self.fan_out else path.pointAtPercent(0.5)
            self._label_rect = QRectF(at.x() + 7, at.y() - h / 2 + self.label_shift, w, h)
        else:
            self._label_rect = QRectF()
        self.update()

    def base_label_rect(self) -> QRectF:
        return self._label_rect.translated(0, -self.label_shift)

    def boundingRect(self) -> QRectF:
        return self._path.boundingRect().adjusted(-8, -8, 8, 8).united(self._label_rect)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        out = stroker.createStroke(self._path)
        out.addRect(self._label_rect)
        return out

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        lit = self.isSelected() or self.src_item.isSelected() or self.dst_item.isSelected()
        color = style.SELECTED if lit else style.EDGE
        painter.setPen(QPen(color, 2.4 if self.isSelected() else 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        end = self._path.pointAtPercent(1.0)
        painter.setBrush(color)
        painter.setPen(Qt.PenStyle.NoPen)
        tip = end - QPointF(0, style.PORT_R - 1)
        painter.drawPolygon(QPolygonF([tip, tip + QPointF(-4.5, -8), tip + QPointF(4.5, -8)]))
        if self.label and self.show_label:
            painter.setPen(QPen(color if lit else style.NODE_BORDER, 0.8))
            painter.setBrush(style.EDGE_LABEL_BG)
            painter.drawRoundedRect(self._label_rect, 4, 4)
            painter.setFont(_LABEL_FONT)
            painter.setPen(style.TEXT)
            painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self.label)
