"""The scene that mirrors a Document's graph: one NodeItem per node, one EdgeItem per edge.

It follows the document (added, removed, renamed, re-checked) and turns gestures into edits via
an ``Editor``: a wire dragged from a port and dropped on another layer connects them (a refused
connection shows the graph's reason at the cursor); cards dragged with the mouse are moved by
one command when the button is released. It never changes the graph itself.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QCursor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsScene, QToolTip

from playground.core.errors import GraphError
from playground.graph.shapes import format_shape
from playground.ui.common import style
from playground.ui.canvas.edge_item import EdgeItem
from playground.ui.canvas.node_item import NodeItem, PortItem, finite_point
from playground.ui.project.document import Document
from playground.ui.editor.edits import Editor

MAX_SHIFT = 60.0  # a shape label moves down at most this far to uncover another
CROWD = 48  # more neighbouring labels than this: a pile no shift can untangle
_CELL = 128.0  # grid cell of the label decluttering, scene units


def _cells(rect):
    """The grid cells a rectangle touches."""
    x0, x1 = int(rect.left() // _CELL), int(rect.right() // _CELL)
    y0, y1 = int(rect.top() // _CELL), int(rect.bottom() // _CELL)
    return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


class GraphScene(QGraphicsScene):
    #: a message for the person at the cursor (refused connection, drop hint)
    message = Signal(str)
    #: the ids of the selected layers, after every selection change
    selected_ids = Signal(list)

    def __init__(self, doc: Document, editor: Editor | None = None, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.editor = editor or Editor(doc)
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict = {}  # Edge -> EdgeItem
        self.last_message = ""
        self._wire: QGraphicsPathItem | None = None
        self._wire_port: PortItem | None = None
        self._hint_item: NodeItem | None = None
        self._stale: set[NodeItem] = set()  # cards whose edges changed since the last refresh_info
        self.setBackgroundBrush(style.CANVAS_BG)
        doc.node_added.connect(self._add_node)
        doc.node_removed.connect(self._remove_node)
        doc.node_changed.connect(self._node_changed)
        doc.edge_added.connect(self._add_edge)
        doc.edge_removed.connect(self._remove_edge)
        doc.analysis_changed.connect(self.refresh_info)
        doc.project_replaced.connect(self.rebuild)
        self.selectionChanged.connect(self._selection_changed)
        self.rebuild()

    def _selection_changed(self) -> None:
        try:
            ids = self.selected_node_ids()
        except RuntimeError:  # the scene is being destroyed
            return
        self.selected_ids.emit(ids)

    # ---- mirroring the model ---------------------------------------------------------------------

    def rebuild(self) -> None:
        self.clear()
        self.nodes.clear()
        self.edges.clear()
        self._stale.clear()
        self._wire = None
        for node in self.doc.graph.nodes.values():
            self._add_node(node)
        for edge in self.doc.graph.edges:
            self._add_edge(edge)
        self.refresh_info()

    def _add_node(self, node) -> None:
        item = NodeItem(node)
        self.nodes[node.id] = item
        self.addItem(item)

    def _remove_node(self, node) -> None:
        item = self.nodes.pop(node.id, None)
        if item is not None:
            self.removeItem(item)

    def _node_changed(self, node, what: str) -> None:
        item = self.nodes.get(node.id)
        if item is None:
            return
        if what == "pos":
            item.setPos(finite_point(node.pos))
            self.declutter_labels()
        else:
            item.set_node(node)

    def _add_edge(self, edge) -> None:
        item = EdgeItem(edge, self.nodes[edge.src], self.nodes[edge.dst])
        self.edges[edge] = item
        self.addItem(item)
        self._stale.update((item.src_item, item.dst_item))  # laid out once, in refresh_info

    def _remove_edge(self, edge) -> None:
        item = self.edges.pop(edge, None)
        if item is not None:
            item.detach()
            self.removeItem(item)
            self._stale.update((item.src_item, item.dst_item))

    def refresh_info(self) -> None:
        """After the document's checks (so once per edit or batch of edits, however many edges it
        added): new shapes and issues on the cards, edges laid out and labelled, each re-pathed once."""
        shapes = self.doc.shapes
        for nid, item in self.nodes.items():
            item.set_info(shapes.nodes.get(nid), self.doc.node_issues(nid))
        stale, self._stale = self._stale, set()
        for item in stale:
            if item.node_id in self.nodes:
                self._spread_inputs(item)
        for item in self.nodes.values():
            self._label_edges(item, repath=False)
        for edge_item in self.edges.values():
            edge_item.update_path()
        self.declutter_labels()

    def _spread_inputs(self, node_item: NodeItem) -> None:
        """Spread a merge node's inputs over its wide port, in port order (one sort per node)."""
        ins = sorted((e for e in node_item.edges if e.dst_item is node_item), key=lambda e: e.edge.port)
        for index, edge_item in enumerate(ins):
            edge_item.merge_offset = (index - (len(ins) - 1) / 2) * 8 if len(ins) > 1 else 0.0

    def declutter_labels(self) -> None:
        """Move a shape label down when it would cover another one (crossing branches).

        Placed labels are kept in a coarse grid, so each label is compared with its neighbours
        only; where more than ``CROWD`` labels pile up (hundreds of branches at one place) no
        shift could help, and the label stays where it is."""
        grid: dict[tuple[int, int], list] = {}
        labelled = [e for e in self.edges.values() if e.label and e.show_label]
        for item in sorted(labelled, key=lambda e: (e.base_label_rect().top(), e.base_label_rect().left())):
            rect, shift = item.base_label_rect(), 0.0
            reach = rect.adjusted(0, 0, 0, MAX_SHIFT + rect.height())
            near = [r for cell in _cells(reach) for r in grid.get(cell, ())]
            if len(near) <= CROWD:
                while any(rect.translated(0, shift).intersects(other) for other in near) and shift < MAX_SHIFT:
                    shift += rect.height() + 1
            if shift != item.label_shift:
                item.label_shift = shift
                item.update_path()
            placed = rect.translated(0, shift)
            for cell in _cells(placed):
                grid.setdefault(cell, []).append(placed)

    def _label_edges(self, src_item: NodeItem, repath: bool = True) -> None:
        """Label the tensor leaving ``src_item``: once, however many layers it feeds."""
        text = format_shape(self.doc.shapes.shape(src_item.node_id))
        outs = [e for e in src_item.edges if e.src_item is src_item]
        for i, edge_item in enumerate(sorted(outs, key=lambda e: e.dst_item.pos().x())):
            edge_item.fan_out = len(outs) > 1
            edge_item.set_label(text, show=i == 0, repath=repath)

    # ---- selection -------------------------------------------------------------------------------

    def selected_node_ids(self) -> list[str]:
        return [i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)]

    def selected_edges(self) -> list:
        return [i.edge for i in self.selectedItems() if isinstance(i, EdgeItem)]

    def select_nodes(self, node_ids) -> None:
        wanted = set(node_ids or ())
        self.blockSignals(True)
        for item in self.selectedItems():
            item.setSelected(False)
        for nid in wanted:
            if nid in self.nodes:
                self.nodes[nid].setSelected(True)
        self.blockSignals(False)
        self.selectionChanged.emit()

    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos):
            while item is not None and not isinstance(item, NodeItem):
                item = item.parentItem()
            if item is not None:
                return item
        return None

    # ---- messages --------------------------------------------------------------------------------

    def tell(self, text: str, screen_pos=None) -> None:
        """Show ``text`` next to the cursor (and keep it for the status bar and tests)."""
        self.last_message = text
        self.message.emit(text)
        views = self.views()
        point = screen_pos.toPoint() if hasattr(screen_pos, "toPoint") else (screen_pos or QCursor.pos())
        QToolTip.showText(point, text, views[0] if views else None)

    # ---- wires: connecting by dragging -------------------------------------------------------------

    def begin_wire(self, port: PortItem, pos: QPointF) -> None:
        self._wire_port = port
        self._wire = QGraphicsPathItem()
        self._wire.setPen(QPen(style.SELECTED, 2, Qt.PenStyle.DashLine))
        self._wire.setZValue(3)
        self.addItem(self._wire)
        self.move_wire(pos)

    def move_wire(self, pos: QPointF) -> None:
        if self._wire is None:
            return
        start = self._wire_port.scenePos()
        path = QPainterPath(start)
        path.lineTo(pos)
        self._wire.setPath(path)
        target = self.node_at(pos)
        if target is not self._hint_item and self._hint_item is not None:
            self._hint_item.drop_hint = None
            self._hint_item.update()
        self._hint_item = target if target is not None and target is not self._wire_port.node_item else None
        if self._hint_item is not None:
            self._hint_item.drop_hint = self._connect_problem(*self._ends(self._hint_item)) is None
            self._hint_item.update()

    def end_wire(self, pos: QPointF, screen_pos=None) -> None:
        if self._wire is None:
            return
        self.removeItem(self._wire)
        self._wire = None
        if self._hint_item is not None:
            self._hint_item.drop_hint = None
            self._hint_item.update()
            self._hint_item = None
        target = self.node_at(pos)
        if target is None or target is self._wire_port.node_item:
            return
        self.connect_nodes(*self._ends(target), screen_pos=screen_pos)

    def _ends(self, target: NodeItem) -> tuple[str, str]:
        start = self._wire_port.node_item.node_id
        return (start, target.node_id) if self._wire_port.output else (target.node_id, start)

    def _connect_problem(self, src: str, dst: str) -> str | None:
        trial = self.doc.graph.copy()
        try:
            trial.connect(src, dst)
        except GraphError as exc:
            return str(exc)
        return None

    def connect_nodes(self, src: str, dst: str, screen_pos=None) -> bool:
        """Connect ``src`` -> ``dst`` through a command, or say at the cursor why not."""
        problem = self._connect_problem(src, dst)
        if problem is not None:
            self.tell(f"Cannot connect: {problem}", screen_pos)
            return False
        return self.editor.connect(src, dst)

    # ---- moving cards ------------------------------------------------------------------------------

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        self.commit_moves()

    def commit_moves(self) -> bool:
        """Turn cards the mouse has moved into one undoable move."""
        self.declutter_labels()
        moves = {}
        for nid, item in self.nodes.items():
            node = self.doc.graph.nodes.get(nid)
            new = (round(item.pos().x(), 1), round(item.pos().y(), 1))
            if node is None:
                continue
            shown = finite_point(node.pos)  # where a card with a NaN / infinite position is drawn
            if abs(new[0] - shown.x()) > 0.5 or abs(new[1] - shown.y()) > 0.5:
                moves[nid] = (node.pos, new)
        return self.editor.move(moves)
