"""The canvas widget: zoom (wheel, Ctrl +/-), pan (middle button or Space + drag), fit to view,
rubber-band selection, context menus, and drops from the palette.

A palette drop carries ``LAYER_MIME`` data: ``layer:Conv2d`` or ``block:Residual block``. Dropped
on empty canvas, a layer lands where it was dropped; dropped on a layer, it is appended after that
layer and wired in. Blocks are always added after a layer (the one under the drop, else the
selected one).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QPainter
from PySide6.QtWidgets import QGraphicsView, QMenu

from playground.ui.common import style
from playground.ui.canvas.edge_item import EdgeItem
from playground.ui.canvas.node_item import NodeItem
from playground.ui.canvas.scene import GraphScene

LAYER_MIME = "application/x-playground-layer"
MIN_SCALE, MAX_SCALE = 0.12, 3.0
READABLE_SCALE = 0.55  # the least zoom a first view uses: 10 pt names stay legible; scroll for the rest


class GraphView(QGraphicsView):
    zoom_changed = Signal(float)

    def __init__(self, scene: GraphScene, parent=None):
        super().__init__(scene, parent)
        self.graph_scene = scene
        self.setObjectName("canvas")
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.setAcceptDrops(True)
        self.setSceneRect(QRectF(-5000, -3000, 10000, 12000))
        self._pan_from: QPointF | None = None
        self._auto_fit = False  # the first view follows the viewport's size until the person zooms or scrolls
        self._was_empty = not scene.nodes
        scene.changed.connect(self._scene_changed)
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.actionTriggered.connect(self._stop_auto_fit)  # the person scrolled
        self.context_actions: dict[str, list[QAction | None]] = {"node": [], "edge": [], "canvas": []}

    # ---- zoom and pan ----------------------------------------------------------------------------

    def scale_factor(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        """Zoom to ``factor`` (clamped); a NaN / infinite / zero factor or transform resets to 1."""
        factor = max(MIN_SCALE, min(MAX_SCALE, factor)) if math.isfinite(factor) else 1.0
        current = self.scale_factor()
        if not (math.isfinite(current) and current > 0):
            self.resetTransform()
            current = 1.0
        self.scale(factor / current, factor / current)
        self.zoom_changed.emit(self.scale_factor())

    def zoom_by(self, factor: float) -> None:
        self._auto_fit = False
        self.set_zoom(self.scale_factor() * factor)

    def wheelEvent(self, event) -> None:
        self.zoom_by(1.0015 ** event.angleDelta().y())

    def _stop_auto_fit(self, *_args) -> None:
        self._auto_fit = False

    def _scene_changed(self, _rects) -> None:
        """The "network is empty" text is painted over the whole viewport, outside any item's
        rectangle: repaint all of it when the network becomes empty or stops being empty."""
        empty = not self.graph_scene.nodes
        if empty != self._was_empty:
            self._was_empty = empty
            self.viewport().update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._auto_fit:
            self.show_readable()

    def _content(self) -> QRectF:
        rect = self.graph_scene.itemsBoundingRect()
        finite = all(math.isfinite(v) for v in (rect.left(), rect.top(), rect.width(), rect.height()))
        return rect.adjusted(-30, -30, 30, 30) if finite and not rect.isEmpty() else QRectF(-300, -200, 600, 400)

    def fit_all(self, max_scale: float = 1.0) -> None:
        """Show the whole network (never magnified above ``max_scale``)."""
        rect = self._content()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if not (math.isfinite(self.scale_factor()) and self.scale_factor() > 0):
            self.set_zoom(MIN_SCALE)  # resets a broken transform
        if self.scale_factor() > max_scale:
            self.set_zoom(max_scale)
        self.centerOn(rect.center())
        self.zoom_changed.emit(self.scale_factor())

    def show_readable(self) -> None:
        """Fit the network; if its text would be too small to read, zoom to the least readable
        scale and show its top. Until the person zooms or pans, the view follows the viewport's
        size (a window still being laid out, a workspace switch)."""
        self.fit_all()
        if self.scale_factor() < READABLE_SCALE:
            self.set_zoom(READABLE_SCALE)
            rect = self._content()
            height = self.viewport().height() / self.scale_factor()
            self.centerOn(QPointF(rect.center().x(), rect.top() + height / 2))
        self._auto_fit = True

    def mousePressEvent(self, event) -> None:
        self._auto_fit = False
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._pan_from is not None and event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
            return
        super().keyReleaseEvent(event)

    # ---- palette drops -------------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(LAYER_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        if not event.mimeData().hasFormat(LAYER_MIME):
            event.ignore()
            return
        payload = bytes(event.mimeData().data(LAYER_MIME)).decode("utf-8")
        event.acceptProposedAction()
        self.drop_payload(payload, self.mapToScene(event.position().toPoint()))

    def drop_payload(self, payload: str, pos: QPointF) -> list[str]:
        """Add what a palette entry carries at ``pos`` (scene coordinates); returns the new ids."""
        what, _, name = payload.partition(":")
        scene, editor = self.graph_scene, self.graph_scene.editor
        target = scene.node_at(pos)
        if what == "block":
            anchor = [target.node_id] if target is not None else scene.selected_node_ids()
            new = editor.insert_block(name, anchor) or []
        elif target is not None:
            new = [editor.append_layer(name, [target.node_id])]
        else:
            new = [editor.add_layer(name, (round(pos.x(), 1), round(pos.y(), 1)))]
        new = [n for n in new if n]
        if new:
            scene.select_nodes(new)
        return new

    # ---- context menu ----------------------------------------------------------------------------------

    def contextMenuEvent(self, event) -> None:
        item = self.itemAt(event.pos())
        while item is not None and not isinstance(item, (NodeItem, EdgeItem)):
            item = item.parentItem()
        if item is not None and not item.isSelected():
            self.graph_scene.clearSelection()
            item.setSelected(True)
        kind = "node" if isinstance(item, NodeItem) else "edge" if isinstance(item, EdgeItem) else "canvas"
        menu = QMenu(self)
        for action in self.context_actions.get(kind, []):
            menu.addSeparator() if action is None else menu.addAction(action)
        if not menu.isEmpty():
            menu.exec(event.globalPos())

    # ---- painting --------------------------------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, style.CANVAS_BG)
        if self.scale_factor() < 0.35:
            return
        step = 20
        left, top = int(rect.left()) - int(rect.left()) % step, int(rect.top()) - int(rect.top()) % step
        painter.setPen(style.GRID_DOT)
        points = [QPointF(x, y) for x in range(left, int(rect.right()) + 1, step)
                  for y in range(top, int(rect.bottom()) + 1, step)]
        painter.drawPoints(points)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if self.graph_scene.nodes:
            return
        painter.save()
        painter.resetTransform()
        painter.setPen(style.MUTED)
        painter.setFont(style.font(12))
        painter.drawText(self.viewport().rect().adjusted(40, 40, -40, -40), Qt.AlignmentFlag.AlignCenter
                         | Qt.TextFlag.TextWordWrap,
                         "The network is empty.\nDrag an Input layer here from the Layers panel, then more layers "
                         "below it,\nor double-click layers in the panel to stack them.")
        painter.restore()
