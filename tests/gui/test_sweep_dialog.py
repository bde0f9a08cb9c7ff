"""Train > Hyperparameter Sweep…: a tiny sweep runs off the GUI thread, the table and scatter fill,
"Use These Settings" makes a row the project's (its learning rate through the settings path, its
width as one undoable graph edit), narrowing rewrites the ranges, bad ranges start nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from playground.train.fused import compiler


@pytest.fixture
def dialog(window, qtbot, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ENGINE", "fast")
    assert compiler.wait(timeout=600), compiler.error()
    window.training.sweep_action.trigger()  # the Train menu's entry
    dlg = window.training.sweep_dialog
    assert dlg.isVisible()
    for name, box in dlg.vary.items():
        box.setChecked(name in ("lr", "width"))
    dlg.ranges["lr"].setText("0.003:0.3:log")
    dlg.ranges["width"].setText("3,5")
    dlg.search.setCurrentText("grid")
    dlg.trials.setValue(4)
    dlg.epochs.setValue(2)
    yield dlg
    dlg.cancel()
    qtbot.waitUntil(lambda: not dlg.running, timeout=30000)
    window.training.session.shutdown()


def _run(dlg, qtbot):
    qtbot.mouseClick(dlg.run_button, Qt.MouseButton.LeftButton)
    assert dlg.running or dlg.rows  # started; the click returned before the sweep ended
    qtbot.waitUntil(lambda: not dlg.running and dlg.run_button.isEnabled(), timeout=60000)


def test_a_tiny_sweep_fills_the_table_and_use_sets_the_project(window, dialog, qtbot):
    dlg = dialog
    _run(dlg, qtbot)
    assert dlg.table.rowCount() == 4 and len(dlg.rows) == 4
    assert {(round(r.settings["lr"], 6), r.settings["width"]) for r in dlg.rows} == {
        (a, w) for a in (0.003, 0.3) for w in (3, 5)}
    assert "Done" in dlg.note.text()
    xs, ys, _ = dlg.scatter.points()
    assert len(xs) == 4 and all(y == y for y in ys)
    # select the row with the largest lr and width 5
    target = max(dlg.rows, key=lambda r: (r.settings["lr"], r.settings["width"]))
    row = next(i for i in range(dlg.table.rowCount())
               if dlg.table.item(i, 0).data(Qt.ItemDataRole.UserRole) == target.index)
    dlg.table.selectRow(row)
    assert dlg.selected_row() is target
    fc1 = window.doc.graph.by_name("fc1")
    before_units = fc1.params["units"]
    qtbot.mouseClick(dlg.use_button, Qt.MouseButton.LeftButton)
    session = window.training.session
    assert session.config().lr == pytest.approx(target.settings["lr"])
    assert window.doc.graph.by_name("fc1").params["units"] == 5 == window.doc.graph.by_name("fc2").params["units"]
    assert window.doc.graph.by_name("fc3").params["units"] == 1  # the output layer keeps its size
    window.doc.undo_stack.undo()  # the network change is one undo step
    assert window.doc.graph.by_name("fc1").params["units"] == before_units


def test_sorting_and_narrowing(dialog, qtbot):
    dlg = dialog
    _run(dlg, qtbot)
    col = [p.name for p in dlg.params].index("lr")
    dlg.table.sortItems(col, Qt.SortOrder.AscendingOrder)
    lrs = [dlg.table.item(i, col).value for i in range(dlg.table.rowCount())]
    assert lrs == sorted(lrs)
    dlg.narrow()
    lo, hi, log = dlg.ranges["lr"].text().split(":")
    assert log == "log" and 0.003 <= float(lo) < float(hi) <= 0.3


def test_bad_range_starts_nothing(dialog):
    dialog.ranges["lr"].setText("0:1:log")
    dialog.start()
    assert not dialog.running and "Not started" in dialog.note.text() and "lr" in dialog.note.text()


def test_the_note_says_when_the_fast_engine_is_being_prepared(dialog, qtbot, monkeypatch):
    """The first sweep after an install waits for numba's compile: the dialog says so, then trains."""
    import threading

    from playground.train.sweep import runner

    gate = threading.Event()
    monkeypatch.setattr(runner, "_prepared", False)
    monkeypatch.setattr(runner.compiler, "wait", lambda timeout=None: gate.wait(30))
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Preparing the fast engine" in dialog.note.text(), timeout=10000)
    assert not dialog.rows and dialog.running
    gate.set()
    qtbot.waitUntil(lambda: not dialog.running and dialog.run_button.isEnabled(), timeout=60000)
    assert len(dialog.rows) == 4 and "Done" in dialog.note.text()


def test_scatter_axes_show_plain_numbers(dialog):
    """Losses of 0.01-0.6 were labelled "validation loss (x0.001)" with ticks 0..600."""
    axis = dialog.scatter.plot.getAxis("left")
    assert not axis.autoSIPrefix and "x0.001" not in axis.labelString()
