"""Issue 19 item 3: a network that cannot train on its dataset is a problem on the canvas: the
Problems panel and the status bar's verdict say so (Play refuses with that reason), and a one-click
fix repairs it as one undoable step."""

from __future__ import annotations

from PySide6.QtCore import Qt

from playground.ui.common import preload
from playground.ui.project.commands import SetParam


def _ready(window, qtbot):
    preload.start()
    qtbot.waitUntil(preload.ready, timeout=60000)
    qtbot.waitUntil(lambda: bool(window.doc.checks), timeout=10000)


def _click_fix(window, qtbot, item):
    rect = window.problems.list.visualItemRect(item)
    qtbot.mouseClick(window.problems.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_eight_outputs_for_two_classes_is_a_problem_with_a_fix(window, qtbot):
    _ready(window, qtbot)
    doc = window.doc
    last = doc.graph.output_nodes()[0]
    assert "Network OK" in window.verdict.text()
    doc.execute(SetParam(doc, last.id, "units", 8))
    assert doc.errors() and "8 outputs" in doc.errors()[0].message
    assert "problem" in window.verdict.text() and "Network OK" not in window.verdict.text()
    fixes = window.problems.fix_items()
    assert len(fixes) == 1 and "units to 2" in fixes[0].text()
    window.training.session.play()  # Play refuses with the reason instead of torch's error
    assert "problems" in window.training.last_error
    _click_fix(window, qtbot, fixes[0])
    qtbot.waitUntil(lambda: not doc.errors(), timeout=5000)
    assert doc.graph.node(last.id).params["units"] == 2
    assert "Network OK" in window.verdict.text()
    doc.undo_stack.undo()
    assert doc.graph.node(last.id).params["units"] == 8 and doc.errors()


def test_choosing_a_dataset_the_network_cannot_take_shows_at_once(window, qtbot):
    _ready(window, qtbot)
    doc = window.doc
    doc.set_dataset({"name": "digits", "params": {}})  # 1x8x8 digits, 10 classes, for a 2-D points network
    messages = [i.message for i in doc.errors()]
    assert any("1x8x8" in m for m in messages) and any("10 classes" in m for m in messages)
    texts = [window.problems.list.item(i).text() for i in range(window.problems.list.count())]
    assert any("1x8x8" in t for t in texts)
    for _ in range(2):
        fix = window.problems.fix_items()[0]
        n = len(doc.errors())
        _click_fix(window, qtbot, fix)
        qtbot.waitUntil(lambda: len(doc.errors()) < n, timeout=5000)
    assert not doc.errors()
    kinds = [doc.graph.node(n).kind for n in doc.graph.topological_order()]
    assert kinds[:2] == ["ImageInput", "Flatten"]
    doc.set_dataset({"name": "circle", "params": {}})  # back to points: now the image input is the problem
    assert any("2 values" in i.message for i in doc.errors())
