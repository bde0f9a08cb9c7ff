"""One layer on the canvas: a card with its name, kind, key parameters, output shape and size.

The card's left strip has the layer category's colour (the palette explains the colours). A layer
with an error gets a red border and a red "!" badge, one with only advice an orange badge; the
tooltip says what is wrong. Ports: the dot on top takes the input (a wide one on Add/Concat, which
take several), the dot at the bottom gives the output; dragging from one to another layer connects.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QStyleOptionGraphicsItem

from playground.graph.layers import is_trainable
from playground.graph.shapes import format_shape, human_count
from playground.ui.common import style

_NAME_FONT = style.font(10, bold=True)
_SMALL_FONT = style.font(8.5)
_SHAPE_FONT = style.font(9, bold=True)
_DOC_FONT = style.font(8.5)
_DOC_FONT.setItalic(True)


#: a card is never placed further out than this (scene units); farther, NaN or infinite positions
#: from a hand-edited file are drawn at the nearest finite place (0 for NaN) instead of breaking
#: the scene's geometry (a NaN bounding rectangle made fit-to-view divide by zero)
POS_LIMIT = 1.0e6


def finite_point(pos) -> QPointF:
    """``pos`` (x, y) as a point the scene can hold: NaN -> 0, ±inf and huge values clamped."""
    def clean(v) -> float:
        try:
            v = float(v)
        except (TypeError, ValueError, OverflowError):
            return 0.0
        return 0.0 if math.isnan(v) else max(-POS_LIMIT, min(POS_LIMIT, v))
    try:
        x, y = pos
    except (TypeError, ValueError):
        x = y = 0.0
    return QPointF(clean(x), clean(y))


def param_text(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return "(" + ", ".join(str(v) for v in value) + ")"
    return str(value)


def key_params(node) -> str:
    """Key parameters as ``filters 6 · kernel 5``: the first always, the others when not default;
    for layers whose settings are all switches (the points input), the ones switched on."""
    spec = node.spec
    keys = [p for p in spec.params if p.key]
    parts = [f"{p.title} {param_text(node.params[p.name])}" for i, p in enumerate(keys)
             if i == 0 or node.params[p.name] != p.default]
    if not parts and spec.params and all(p.type == "bool" for p in spec.params):
        parts = [p.title for p in spec.params if node.params.get(p.name)]
    return " · ".join(parts)


class PortItem(QGraphicsObject):
    """A connection point; pressing on it starts a wire (the scene draws and finishes it)."""

    def __init__(self, parent: "NodeItem", output: bool, wide: bool):
        super().__init__(parent)
        self.output = output
        self.wide = wide
        self.hover = False
        y = style.NODE_H / 2 if output else -style.NODE_H / 2
        self.setPos(0, y)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setZValue(2)
        if output:
            self.setToolTip("Output: drag from here to a layer below to send this tensor there")
        elif wide:
            self.setToolTip("Inputs: this layer merges several tensors; drag a connection here from each branch")
        else:
            self.setToolTip("Input: drag a connection here from the layer before")

    @property
    def node_item(self) -> "NodeItem":
        return self.parentItem()

    def _rect(self) -> QRectF:
        r = style.PORT_R
        w = 3.2 * r if self.wide else r
        return QRectF(-w, -r, 2 * w, 2 * r)

    def boundingRect(self) -> QRectF:
        return self._rect().adjusted(-4, -4, 4, 4)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = style.category_color(self.node_item.category)
        painter.setPen(QPen(color.darker(130), 1.6))
        painter.setBrush(QBrush(color if self.hover else style.PORT))
        r = self._rect()
        painter.drawRoundedRect(r, style.PORT_R, style.PORT_R)

    def hoverEnterEvent(self, event) -> None:
        self.hover = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self.hover = False
        self.update()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.scene().begin_wire(self, event.scenePos())
            event.accept()
        else:
            event.ignore()

    def mouseMoveEvent(self, event) -> None:
        self.scene().move_wire(event.scenePos())

    def mouseReleaseEvent(self, event) -> None:
        self.scene().end_wire(event.scenePos(), event.screenPos())


class NodeItem(QGraphicsItem):
    def __init__(self, node):
        super().__init__()
        self.node_id = node.id
        self.category = node.spec.category
        self.kind_label = node.spec.label
        self.doc_line = node.spec.doc
        self.name = node.name
        self.params_text = key_params(node)
        self.frozen = not is_trainable(node.kind, node.params)  # drawn hatched with a lock
        self.shape_text = "?"
        self.count_text = ""
        self.issues: list = []
        self.drop_hint: bool | None = None  # while a wire hovers it: True ok, False refused
        self.edges: list = []  # EdgeItems touching this node (kept by the scene)
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsMovable | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        self.setPos(finite_point(node.pos))
        spec = node.spec
        self.in_port = PortItem(self, False, spec.is_merge) if spec.max_inputs != 0 else None
        self.out_port = PortItem(self, True, False)
        self._update_tooltip()

    # ---- content -------------------------------------------------------------------------------

    def set_node(self, node) -> None:
        self.name = node.name
        self.params_text = key_params(node)
        self.frozen = not is_trainable(node.kind, node.params)
        self._update_tooltip()
        self.update()

    def set_info(self, info, issues) -> None:
        shape = info.shape if info is not None else None
        self.shape_text = format_shape(shape)
        self.count_text = f"{human_count(info.params)} params" if info is not None and info.params else ""
        self.issues = list(issues)
        self._update_tooltip()
        self.update()

    @property
    def has_error(self) -> bool:
        return any(i.severity == "error" for i in self.issues)

    def _update_tooltip(self) -> None:
        lines = [f"<b>{self.name}</b>: {self.kind_label}", self.doc_line]
        if self.params_text:
            lines.append(self.params_text)
        lines.append(f"output per sample: {self.shape_text}" + (f", {self.count_text}" if self.count_text else ""))
        for issue in self.issues:
            color = style.ERROR.name() if issue.severity == "error" else style.WARNING.name()
            word = "Problem" if issue.severity == "error" else "Advice"
            lines.append(f"<span style='color:{color}'><b>{word}:</b> {_html(issue.message)}</span>")
        self.setToolTip("<p style='white-space:pre-wrap'>" + "<br>".join(lines) + "</p>")

    # ---- geometry and painting ------------------------------------------------------------------

    def body(self) -> QRectF:
        return QRectF(-style.NODE_W / 2, -style.NODE_H / 2, style.NODE_W, style.NODE_H)

    def boundingRect(self) -> QRectF:
        return self.body().adjusted(-4, -12, 14, 12)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.body(), 8, 8)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        body = self.body()
        color = style.category_color(self.category)
        path = QPainterPath()
        path.addRoundedRect(body, 8, 8)
        painter.fillPath(path, style.NODE_BG)
        painter.save()
        painter.setClipPath(path)
        painter.fillRect(QRectF(body.left(), body.top(), body.width(), style.HEADER_H), style.tint(color, 0.22))
        painter.fillRect(QRectF(body.left(), body.top(), 7, body.height()), color)
        if self.frozen:  # frozen weights: greyed, hatched, a lock in the corner
            painter.fillRect(body, QBrush(QColor(128, 128, 128, 70), Qt.BrushStyle.BDiagPattern))
            painter.setFont(_SMALL_FONT)
            painter.setPen(style.MUTED)
            painter.drawText(QRectF(body.right() - 22, body.bottom() - 20, 18, 18), Qt.AlignmentFlag.AlignCenter,
                             "\N{LOCK}")
        painter.restore()
        if self.drop_hint is not None:
            border = QPen(QColor("#2CA02C") if self.drop_hint else style.ERROR, 3, Qt.PenStyle.DashLine)
        elif self.isSelected():
            border = QPen(style.SELECTED, 2.6)
        elif self.has_error:
            border = QPen(style.ERROR, 2.4)
        else:
            border = QPen(style.NODE_BORDER, 1.0)
        painter.setPen(border)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        left, right = body.left() + 14, body.right() - 10
        width = right - left
        # header: name (bold) and kind
        painter.setPen(style.TEXT)
        painter.setFont(_NAME_FONT)
        name_w = min(QFontMetricsF(_NAME_FONT).horizontalAdvance(self.name) + 2, width * 0.6)
        header = QRectF(left, body.top(), width, style.HEADER_H)
        painter.drawText(header.adjusted(0, 0, -(width - name_w), 0), Qt.AlignmentFlag.AlignVCenter,
                         _elide(self.name, _NAME_FONT, name_w))
        painter.setFont(_SMALL_FONT)
        painter.setPen(style.MUTED)
        kind_w = width - name_w - 8 - (14 if self.issues else 0)
        painter.drawText(QRectF(right - kind_w - (14 if self.issues else 0), body.top(), kind_w, style.HEADER_H),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                         _elide(self.kind_label, _SMALL_FONT, kind_w))
        # parameters
        top = body.top() + style.HEADER_H + 1
        if self.params_text:
            painter.drawText(QRectF(left, top, width, 19), Qt.AlignmentFlag.AlignVCenter,
                             _elide(self.params_text, _SMALL_FONT, width))
        else:  # nothing to set on the card: say what the layer does instead
            painter.setFont(_DOC_FONT)
            painter.drawText(QRectF(left, top, width, 19), Qt.AlignmentFlag.AlignVCenter,
                             _elide(self.doc_line, _DOC_FONT, width))
        # output shape and parameter count
        painter.setFont(_SHAPE_FONT)
        painter.setPen(style.TEXT if self.shape_text != "?" else style.MUTED)
        row = QRectF(left, top + 19, width, 19)
        out_text = f"out {self.shape_text}"
        painter.drawText(row, Qt.AlignmentFlag.AlignVCenter, out_text)
        room = width - QFontMetricsF(_SHAPE_FONT).horizontalAdvance(out_text) - 8
        count = self.count_text
        if QFontMetricsF(_SMALL_FONT).horizontalAdvance(count) > room:
            count = count.replace(" params", "")  # the tooltip has the full text
        if count and QFontMetricsF(_SMALL_FONT).horizontalAdvance(count) <= room:
            painter.setFont(_SMALL_FONT)
            painter.setPen(style.MUTED)
            painter.drawText(row, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, count)
        if self.issues:
            self._paint_badge(painter, QPointF(body.right() - 4, body.top() + 3))

    def _paint_badge(self, painter: QPainter, center: QPointF) -> None:
        color = style.ERROR if self.has_error else style.WARNING
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(color)
        painter.drawEllipse(center, 9, 9)
        painter.setFont(style.font(9, bold=True))
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(center.x() - 9, center.y() - 9, 18, 18), Qt.AlignmentFlag.AlignCenter, "!")

    # ---- movement ------------------------------------------------------------------------------

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for edge in self.edges:
                edge.update_path()
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            for edge in self.edges:
                edge.update()
        return super().itemChange(change, value)


def _elide(text: str, font, width: float) -> str:
    return QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, max(0.0, width))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
