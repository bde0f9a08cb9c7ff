"""Editing gestures turned into commands: add, append after, blocks, delete, copy/paste, layout.

The canvas, palette, menus and inspector all call an ``Editor``; it decides *where* things go
(below the layer they follow, pushing later layers down) and wraps several graph edits into one
undo step through ``Document.compound``. Nothing here draws; every change reaches the views
through the graph's events.
"""

from __future__ import annotations

from typing import Any

from playground.core.errors import GraphError
from playground.graph import fragment
from playground.graph.blocks import BLOCKS
from playground.graph.layers import get_spec
from playground.graph.layout import DX, DY, auto_layout
from playground.graph.model import Edge, Graph
from playground.graph.shapes import format_shape
from playground.ui.project import commands as cmd
from playground.ui.common import style
from playground.ui.project.document import Document


class Editor:
    def __init__(self, doc: Document):
        self.doc = doc
        self._pastes = 0

    @property
    def graph(self) -> Graph:
        return self.doc.graph

    # ---- single edits ---------------------------------------------------------------------------

    def add_layer(self, kind: str, pos: tuple[float, float]) -> str | None:
        command = cmd.AddNode(self.doc, kind, pos)
        return command.node_id if self.doc.execute(command) else None

    def connect(self, src: str, dst: str) -> bool:
        return self.doc.execute(cmd.Connect(self.doc, src, dst))

    def disconnect(self, edges: list[Edge]) -> bool:
        return bool(edges) and self.doc.execute(cmd.Disconnect(self.doc, edges))

    def delete(self, node_ids: list[str], edges: list[Edge] = ()) -> bool:
        if not node_ids and not edges:
            return False
        return self.doc.execute(cmd.RemoveItems(self.doc, list(node_ids), list(edges)))

    def move(self, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]]) -> bool:
        return bool(moves) and self.doc.execute(cmd.MoveNodes(self.doc, moves))

    def rename(self, node_id: str, name: str) -> bool:
        if self.graph.nodes[node_id].name == name:
            return True
        return self.doc.execute(cmd.Rename(self.doc, node_id, name))

    def set_param(self, node_id: str, key: str, value: Any) -> bool:
        node = self.graph.nodes[node_id]
        param = node.spec.param(key)
        try:
            if param is not None and param.coerce(value) == node.params.get(key):
                return True  # no change: no undo step
        except ValueError:
            pass  # the command reports it
        return self.doc.execute(cmd.SetParam(self.doc, node_id, key, value))

    # ---- placement ------------------------------------------------------------------------------

    def anchor(self, selected: list[str]) -> str | None:
        """The layer new ones follow: the selected one, else the network's single end."""
        if len(selected) == 1 and selected[0] in self.graph.nodes:
            return selected[0]
        ends = self.graph.output_nodes()
        if len(ends) == 1:
            return ends[0].id
        inputs = self.graph.input_nodes()
        return inputs[0].id if len(inputs) == 1 and not self.graph.outputs_of(inputs[0].id) else None

    def free_spot(self, x: float, y: float, ignore: set[str] = frozenset()) -> tuple[float, float]:
        """(x, y), moved right in steps of DX until no card is there."""
        while any(abs(n.pos[0] - x) < style.NODE_W and abs(n.pos[1] - y) < style.NODE_H
                  for n in self.graph.nodes.values() if n.id not in ignore):
            x += DX
        return x, y

    def _push_down(self, start: str, by: float, skip: set[str]) -> None:
        """Move ``start`` and everything below it down by ``by`` (to make room)."""
        seen, stack = set(), [start]
        while stack:
            nid = stack.pop()
            if nid in seen or nid in skip:
                continue
            seen.add(nid)
            stack.extend(self.graph.outputs_of(nid))
        for nid in seen:
            x, y = self.graph.nodes[nid].pos
            self.graph.move(nid, (x, y + by))

    def _open_gap(self, after: str) -> Edge | None:
        """When ``after`` feeds exactly one layer, unplug that edge (the caller re-plugs it below)."""
        outs = self.graph.out_edges(after)
        if len(outs) != 1:
            return None
        return self.graph.disconnect(outs[0].src, outs[0].dst)

    def _replug(self, cut: Edge | None, new_last: str) -> None:
        if cut is not None:
            merge = self.graph.nodes[cut.dst].spec.is_merge
            self.graph.connect(new_last, cut.dst, cut.port if merge else None)

    # ---- compound edits ------------------------------------------------------------------------

    def append_layer(self, kind: str, selected: list[str]) -> str | None:
        """Add ``kind`` after the selected layer (or the network's end) and wire it in."""
        spec = get_spec(kind)
        after = self.anchor(selected)
        if after is None or spec.is_input:
            bottom = max((n.pos[1] for n in self.graph.nodes.values()), default=-DY)
            return self.add_layer(kind, self.free_spot(0.0, bottom + DY if not spec.is_input else 0.0))

        def edit() -> str:
            a = self.graph.nodes[after]
            cut = self._open_gap(after)
            if cut is not None:
                self._push_down(cut.dst, DY, skip={after})
                pos = (a.pos[0], a.pos[1] + DY)
            else:
                pos = self.free_spot(a.pos[0], a.pos[1] + DY)
            node = self.graph.add_node(kind, pos=pos)
            self.graph.connect(after, node.id)
            self._replug(cut, node.id)
            return node.id

        return self.doc.compound(f"Append {kind}", edit)

    def insert_block(self, name: str, selected: list[str]) -> list[str] | None:
        """Add a ready-made block (residual, inception) after the selected layer."""
        after = self.anchor(selected)
        if after is None:
            self.doc.refused.emit(f"a {name} goes after a layer: select the layer it should follow first")
            return None
        shape = self.doc.shapes.shape(after)
        if shape is None or len(shape) != 3:
            self.doc.refused.emit(f"a {name} works on images (channels, height, width), but "
                                  f"'{self.graph.nodes[after].name}' gives {format_shape(shape)}; "
                                  "select a convolution, pooling or image input layer first")
            return None
        build = BLOCKS[name][1]

        def edit() -> list[str]:
            before = set(self.graph.nodes)
            cut = self._open_gap(after)
            last = build(self.graph, after, shape[0])
            new = [nid for nid in self.graph.nodes if nid not in before]
            height = self._place_below(after, new)
            if cut is not None:
                self._push_down(cut.dst, height, skip=set(new) | {after})
            self._replug(cut, last)
            return new

        return self.doc.compound(f"Insert {name}", edit)

    def _place_below(self, anchor: str, new: list[str]) -> float:
        """Lay out the new nodes as a small graph hanging below ``anchor``; returns its height."""
        tmp = Graph()
        for nid in [anchor, *new]:
            n = self.graph.nodes[nid]
            tmp.add_node(n.kind, n.name, n.params, node_id=nid)
        for e in self.graph.edges:
            if e.src in tmp.nodes and e.dst in tmp.nodes:
                tmp.connect(e.src, e.dst, e.port)
        layout = auto_layout(tmp)
        ax, ay = self.graph.nodes[anchor].pos
        ox, oy = ax - layout[anchor][0], ay - layout[anchor][1]
        for nid in new:
            self.graph.move(nid, (layout[nid][0] + ox, layout[nid][1] + oy))
        return max(y for _, y in layout.values()) - layout[anchor][1]

    def copy(self, node_ids: list[str]) -> dict | None:
        return fragment.extract(self.graph, node_ids) if node_ids else None

    def paste(self, data: Any, at: tuple[float, float] | None = None) -> list[str] | None:
        if at is not None and isinstance(data, dict) and data.get("nodes"):
            xs = [n["pos"][0] for n in data["nodes"]]
            ys = [n["pos"][1] for n in data["nodes"]]
            offset = (at[0] - min(xs), at[1] - min(ys))
        else:
            self._pastes += 1
            offset = (40.0 * self._pastes, 40.0 * self._pastes)
        return self.doc.compound("Paste", lambda: fragment.insert(self.graph, data, offset))

    def duplicate(self, node_ids: list[str]) -> list[str] | None:
        if not node_ids:
            return None
        data = fragment.extract(self.graph, node_ids)
        return self.doc.compound("Duplicate", lambda: fragment.insert(self.graph, data, (40.0, 40.0)))

    def auto_layout(self) -> bool:
        try:
            layout = auto_layout(self.graph)
        except GraphError:
            return False
        moves = {nid: (self.graph.nodes[nid].pos, p) for nid, p in layout.items() if self.graph.nodes[nid].pos != p}
        return bool(moves) and self.doc.execute(cmd.MoveNodes(self.doc, moves, "Auto layout"))
