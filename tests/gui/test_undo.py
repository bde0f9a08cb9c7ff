"""Every edit kind is a command: undo gives back the graph exactly, redo does it again."""

from __future__ import annotations

import pytest

from tests.gui.conftest import graph_state


def _add(w):
    w.editor.add_layer("ReLU", (300.0, 0.0))


def _remove(w):
    w.editor.delete([w.doc.graph.by_name("tanh1").id])


def _connect(w):
    g = w.doc.graph
    w.editor.delete([], g.in_edges(g.by_name("fc3").id))
    w.doc.undo_stack.setClean()
    w.doc.undo_stack.clear()
    return w.editor.connect(g.by_name("tanh1").id, g.by_name("fc3").id)


def _disconnect(w):
    g = w.doc.graph
    w.editor.disconnect(g.in_edges(g.by_name("fc2").id))


def _move(w):
    node = w.doc.graph.by_name("fc2")
    w.editor.move({node.id: (node.pos, (node.pos[0] + 50, node.pos[1] + 7))})


def _rename(w):
    w.editor.rename(w.doc.graph.by_name("fc2").id, "hidden")


def _param(w):
    w.editor.set_param(w.doc.graph.by_name("fc2").id, "units", 32)


def _block(w):
    w.doc.graph  # a block on an MLP is refused; use the append gesture (compound) instead
    w.editor.append_layer("Dropout", [w.doc.graph.by_name("fc1").id])


def _paste(w):
    g = w.doc.graph
    w.editor.paste(w.editor.copy([g.by_name("fc2").id, g.by_name("tanh2").id]))


def _layout(w):
    node = w.doc.graph.by_name("fc2")
    w.editor.move({node.id: (node.pos, (node.pos[0] + 300, node.pos[1]))})
    w.doc.undo_stack.clear()
    w.editor.auto_layout()


EDITS = {"add": _add, "remove": _remove, "connect": _connect, "disconnect": _disconnect, "move": _move,
         "rename": _rename, "param": _param, "append": _block, "paste": _paste, "auto layout": _layout}


@pytest.mark.parametrize("kind", list(EDITS))
def test_undo_redo(window, kind):
    doc = window.doc
    if kind in ("connect", "auto layout"):
        EDITS[kind](window)  # these set up first, then make the edit as the only command
        doc.undo_stack.undo()
        before = graph_state(doc.graph)
        doc.undo_stack.redo()
    else:
        before = graph_state(doc.graph)
        EDITS[kind](window)
    after = graph_state(doc.graph)
    assert after != before
    assert doc.undo_stack.count() == 1 and doc.dirty
    doc.undo_stack.undo()
    assert graph_state(doc.graph) == before
    assert set(window.scene.nodes) == set(doc.graph.nodes) and set(window.scene.edges) == set(doc.graph.edges)
    doc.undo_stack.redo()
    assert graph_state(doc.graph) == after
    assert set(window.scene.nodes) == set(doc.graph.nodes) and set(window.scene.edges) == set(doc.graph.edges)


def test_undo_and_redo_shortcuts(window):
    assert "Ctrl+Z" in [s.toString() for s in window.action_map["undo"].shortcuts()]
    assert "Ctrl+Shift+Z" in [s.toString() for s in window.action_map["redo"].shortcuts()]
    _param(window)
    assert window.action_map["undo"].isEnabled()
    window.action_map["undo"].trigger()
    assert window.doc.graph.by_name("fc2").params["units"] == 8 and not window.doc.dirty
    window.action_map["redo"].trigger()
    assert window.doc.graph.by_name("fc2").params["units"] == 32


def test_refused_edit_leaves_no_undo_step(window):
    doc = window.doc
    assert not window.editor.rename(doc.graph.by_name("fc2").id, "fc1")
    assert not window.editor.set_param(doc.graph.by_name("fc2").id, "units", 0)
    assert doc.undo_stack.count() == 0 and not doc.dirty
    assert "at least 1" in window.statusBar().currentMessage()
