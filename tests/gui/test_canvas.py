"""The canvas: palette drops, double-click appending, connecting by dragging, refusals, delete."""

from __future__ import annotations

import warnings

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.ui.editor.palette import mime_for


def drop(window, payload: str, scene_pos: QPointF) -> None:
    """A synthesized drag-and-drop of a palette entry onto the canvas at ``scene_pos``."""
    view = window.view
    point = view.mapFromScene(scene_pos)
    mime = mime_for(payload)
    with warnings.catch_warnings():  # Qt 6.12 marks the QPoint constructor deprecated; it is the only one
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(point), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), event)


def test_dropping_a_palette_entry_creates_a_node(window):
    graph = window.doc.graph
    before = set(graph.nodes)
    target = QPointF(400, 100)  # empty canvas, right of the network
    drop(window, "layer:Conv2d", target)
    new = set(graph.nodes) - before
    assert len(new) == 1
    node = graph.nodes[new.pop()]
    assert node.kind == "Conv2d" and node.name == "conv1"
    assert abs(node.pos[0] - target.x()) < 3 and abs(node.pos[1] - target.y()) < 3
    assert node.id in window.scene.nodes and window.scene.selected_node_ids() == [node.id]
    assert window.inspector.node_id == node.id  # the inspector follows the selection
    window.doc.undo_stack.undo()
    assert node.id not in graph.nodes and node.id not in window.scene.nodes


def test_dropping_on_a_layer_appends_after_it_and_wires_it(window):
    graph = window.doc.graph
    fc2 = graph.by_name("fc2")
    drop(window, "layer:Dropout", QPointF(*fc2.pos))
    dropout = graph.by_name("drop1")
    assert graph.inputs_of(dropout.id) == [fc2.id]
    assert graph.outputs_of(dropout.id) == [graph.by_name("tanh2").id]
    assert dropout.pos[1] > fc2.pos[1] and graph.by_name("tanh2").pos[1] > dropout.pos[1]


def test_palette_has_every_layer_and_block_with_a_tooltip(window):
    from playground.graph.blocks import BLOCKS
    from playground.graph.layers import all_specs

    entries = window.palette.entries()
    assert {f"layer:{s.kind}" for s in all_specs()} | {f"block:{b}" for b in BLOCKS} == set(entries)
    assert all(item.toolTip(0) for item in entries.values())
    window.palette.search.setText("pool")
    visible = [p for p, item in entries.items() if not item.isHidden()]
    assert "layer:MaxPool2d" in visible and "layer:Linear" not in visible


def test_double_clicking_palette_entries_builds_a_stack(make_window):
    from playground.graph.project import Project

    window = make_window(Project(name="empty"))
    for kind in ("VectorInput", "Linear", "ReLU", "Linear"):
        window.palette.activated.emit(f"layer:{kind}")
    graph = window.doc.graph
    names = [graph.nodes[n].name for n in graph.topological_order()]
    assert names == ["input", "fc1", "relu1", "fc2"]
    assert [len(graph.in_edges(n)) for n in graph.topological_order()] == [0, 1, 1, 1]
    assert all("dataset" in i.message for i in window.doc.errors())  # valid; only its fit to the data is off


def test_double_click_inserts_after_the_selected_layer(window):
    graph = window.doc.graph
    fc1, tanh1 = graph.by_name("fc1"), graph.by_name("tanh1")
    window.scene.select_nodes([fc1.id])
    new = window.add_from_palette("layer:BatchNorm")
    assert graph.inputs_of(new[0]) == [fc1.id] and graph.outputs_of(new[0]) == [tanh1.id]
    assert window.doc.undo_stack.count() == 1  # one undo step for add + wire + rewire + push down


def test_connecting_by_dragging_from_an_output_port(window, qtbot):
    graph, scene, view = window.doc.graph, window.scene, window.view
    fc1, fc3 = graph.by_name("fc1"), graph.by_name("fc3")
    window.editor.delete([], graph.in_edges(fc3.id))  # unplug fc3
    assert not graph.inputs_of(fc3.id)
    start = view.mapFromScene(scene.nodes[fc1.id].out_port.scenePos())
    end = view.mapFromScene(scene.nodes[fc3.id].pos())
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(view.viewport(), QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2))
    QTest.mouseMove(view.viewport(), end)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert graph.inputs_of(fc3.id) == [fc1.id]
    assert scene.nodes[fc1.id].pos() == QPointF(*fc1.pos)  # the card did not move


def test_refused_connection_says_why_and_changes_nothing(window):
    graph, scene = window.doc.graph, window.scene
    before = list(graph.edges)
    count = window.doc.undo_stack.count()
    assert not scene.connect_nodes(graph.by_name("fc1").id, graph.by_name("input").id)
    assert "input layer" in scene.last_message
    assert not scene.connect_nodes(graph.by_name("fc3").id, graph.by_name("fc1").id)
    assert "loop" in scene.last_message
    assert not scene.connect_nodes(graph.by_name("input").id, graph.by_name("tanh1").id)
    assert "takes one input" in scene.last_message
    assert graph.edges == before and window.doc.undo_stack.count() == count


def test_merge_node_takes_several_inputs_and_disconnects(window):
    graph, scene = window.doc.graph, window.scene
    add = window.editor.add_layer("Add", (300, 300))
    t1, t2 = graph.by_name("tanh1").id, graph.by_name("tanh2").id
    assert scene.connect_nodes(t1, add) and scene.connect_nodes(t2, add)
    assert graph.inputs_of(add) == [t1, t2]
    assert len([e for e in scene.edges if e.dst == add]) == 2
    edge = graph.in_edges(add)[0]
    scene.clearSelection()
    scene.edges[edge].setSelected(True)
    window.action_map["delete"].trigger()
    assert graph.inputs_of(add) == [t2] and edge not in scene.edges
    window.doc.undo_stack.undo()
    assert graph.inputs_of(add) == [t1, t2] and graph.in_edges(add)[0].port == 0


def test_delete_copy_paste_duplicate(window):
    graph, scene = window.doc.graph, window.scene
    ids = [graph.by_name("fc2").id, graph.by_name("tanh2").id]
    scene.select_nodes(ids)
    window.action_map["copy"].trigger()
    window.action_map["paste"].trigger()
    pasted = scene.selected_node_ids()
    assert len(pasted) == 2 and set(pasted).isdisjoint(ids)
    names = sorted(graph.nodes[n].name for n in pasted)
    assert names == ["fc4", "tanh3"]
    assert len([e for e in graph.edges if e.src in pasted and e.dst in pasted]) == 1  # the inner edge came along
    window.action_map["duplicate"].trigger()
    assert len(graph.nodes) == 10
    window.action_map["delete"].trigger()
    assert len(graph.nodes) == 8
    for _ in range(3):
        window.doc.undo_stack.undo()
    assert len(graph.nodes) == 6


def test_moving_a_card_with_the_mouse_is_one_undoable_move(window):
    graph, scene, view = window.doc.graph, window.scene, window.view
    fc2 = graph.by_name("fc2")
    old = fc2.pos
    start = view.mapFromScene(QPointF(fc2.pos[0] - 40, fc2.pos[1]))
    end = start + QPoint(60, 0)
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(view.viewport(), start + QPoint(30, 0))
    QTest.mouseMove(view.viewport(), end)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert fc2.pos[0] > old[0] + 20
    window.doc.undo_stack.undo()
    assert fc2.pos == old and scene.nodes[fc2.id].pos() == QPointF(*old)


def test_block_from_palette_needs_an_image_and_inserts_in_one_step(make_window):
    window = make_window("lenet5")
    graph = window.doc.graph
    pool1, conv2 = graph.by_name("pool1"), graph.by_name("conv2")
    window.scene.select_nodes([pool1.id])
    count = len(graph.nodes)
    new = window.add_from_palette("block:Residual block")
    assert len(graph.nodes) > count + 5
    assert any(graph.nodes[n].kind == "Add" for n in new)
    assert graph.outputs_of(pool1.id) != [conv2.id] and len(graph.inputs_of(conv2.id)) == 1
    assert not window.doc.errors()
    window.doc.undo_stack.undo()
    assert len(graph.nodes) == count and graph.outputs_of(pool1.id) == [conv2.id]
    window.scene.select_nodes([graph.by_name("fc1").id])
    assert window.add_from_palette("block:Inception block") == []
    assert "images" in window.statusBar().currentMessage()


def test_search_and_enter_adds_the_first_match(window, qtbot):
    graph = window.doc.graph
    window.scene.select_nodes([graph.by_name("fc3").id])
    window.palette.search.setText("sigmoid")
    qtbot.keyClick(window.palette.search, Qt.Key.Key_Return)
    sigmoid = graph.by_name("sigmoid1")
    assert graph.inputs_of(sigmoid.id) == [graph.by_name("fc3").id]
    tree = window.palette.tree
    tree.setCurrentItem(window.palette.entries()["layer:Tanh"])
    qtbot.keyClick(tree, Qt.Key.Key_Return)  # appends after the new selection: sigmoid1
    assert graph.inputs_of(graph.by_name("tanh3").id) == [sigmoid.id]


def test_connecting_by_dragging_from_an_input_port_backwards(window):
    graph, scene, view = window.doc.graph, window.scene, window.view
    tanh1, fc3 = graph.by_name("tanh1"), graph.by_name("fc3")
    window.editor.delete([], graph.in_edges(fc3.id))
    start = view.mapFromScene(scene.nodes[fc3.id].in_port.scenePos())
    end = view.mapFromScene(scene.nodes[tanh1.id].pos())
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(view.viewport(), end)
    assert scene.nodes[tanh1.id].drop_hint is True  # green while hovering: allowed
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert graph.inputs_of(fc3.id) == [tanh1.id] and scene.nodes[tanh1.id].drop_hint is None
