"""The menu slots that act on the canvas: add from the palette, copy, cut, paste, duplicate, delete,
connect the two selected layers, select all, rename, zoom and fit, find a layer, auto layout.

``CanvasActions`` is a part of ``MainWindow`` (a base class), so the action table's slots stay
window methods (``"copy"``, ``"connect_selected"``); it uses the window's ``scene``, ``view``,
``editor``, ``inspector``, ``palette``, ``doc``, ``show_panel`` and status bar, and owns no state.
Every change goes through the ``Editor`` (undoable); nothing here draws.
"""

from __future__ import annotations

import json

from PySide6.QtGui import QGuiApplication


class CanvasActions:
    def add_from_palette(self, payload: str) -> list[str]:
        what, _, name = payload.partition(":")
        selected = self.scene.selected_node_ids()
        if what == "block":
            new = self.editor.insert_block(name, selected) or []
        else:
            new = [n for n in [self.editor.append_layer(name, selected)] if n]
        if new:
            self.scene.select_nodes(new)
            self.view.ensureVisible(self.scene.nodes[new[-1]], 40, 40)
        return new

    def focus_node(self, node_id: str) -> None:
        if node_id in self.scene.nodes:
            self.scene.select_nodes([node_id])
            self.view.centerOn(self.scene.nodes[node_id])

    def copy(self) -> bool:
        data = self.editor.copy(self.scene.selected_node_ids())
        if data is None:
            return False
        # plain text (JSON with a "format" key): setMimeData's ownership hand-over crashes PySide at exit
        QGuiApplication.clipboard().setText(json.dumps(data))
        self.statusBar().showMessage(f"Copied {len(data['nodes'])} layer(s)", 4000)
        return True

    def cut(self) -> None:
        if self.copy():
            self.editor.delete(self.scene.selected_node_ids())

    def paste(self) -> None:
        try:
            data = json.loads(QGuiApplication.clipboard().text())
        except ValueError:
            data = None
        new = self.editor.paste(data)
        if new:
            self.scene.select_nodes(new)

    def duplicate(self) -> None:
        new = self.editor.duplicate(self.scene.selected_node_ids())
        if new:
            self.scene.select_nodes(new)

    def delete_selection(self) -> None:
        self.editor.delete(self.scene.selected_node_ids(), self.scene.selected_edges())

    def connect_selected(self) -> bool:
        """Connect the two selected layers, upper to lower (undoable): the keyboard's way to draw an edge."""
        ids = self.scene.selected_node_ids()
        if len(ids) != 2:
            self.statusBar().showMessage("Connect: select exactly two layers (the upper one feeds the lower one)", 8000)
            return False
        src, dst = sorted(ids, key=lambda i: (self.doc.graph.nodes[i].pos[1], self.doc.graph.nodes[i].pos[0]))
        return self.editor.connect(src, dst)

    def select_all(self) -> None:
        self.scene.select_nodes(list(self.scene.nodes))

    def rename_selected(self) -> None:
        if self.inspector.node_id is not None:
            self.show_panel("inspector")
            self.inspector.name_edit.setFocus()
            self.inspector.name_edit.selectAll()

    def zoom_in(self) -> None:
        self.view.zoom_by(1.25)

    def zoom_out(self) -> None:
        self.view.zoom_by(0.8)

    def fit_view(self) -> None:
        self.view.fit_all()

    def actual_size(self) -> None:
        self.view.set_zoom(1.0)

    def find_layer(self) -> None:
        self.show_panel("layers")
        self.palette.search.setFocus()
        self.palette.search.selectAll()

    def auto_layout(self) -> None:
        if self.editor.auto_layout():
            self.view.fit_all()
