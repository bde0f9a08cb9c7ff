"""One undo stack for every project edit: graph, dataset and training settings (issue 19, item 11).

Ctrl+Z after changing the dataset or a training setting takes back *that* change (the graph stays
as it was), redo does it again, and each step's text says what it undoes.
"""

from __future__ import annotations

import pytest

from playground.data import list_datasets
from tests.gui.conftest import graph_state
from tests.gui.test_dataset_panel import choose, wait_for_preview


def _ctrl_z(qtbot, window, redo: bool = False) -> None:
    action = window.action_map["redo" if redo else "undo"]
    action.trigger()


@pytest.fixture
def edited(make_window, qtbot):
    """A window whose last *graph* edit is a renamed layer (what the old code undid by mistake)."""
    window = make_window("tfp_mlp")
    wait_for_preview(qtbot, window.dataset, "circle")
    window.editor.rename(window.doc.graph.by_name("fc2").id, "hidden")
    return window


def test_undo_takes_back_a_dataset_change_and_leaves_the_graph(edited, qtbot):
    window, doc = edited, edited.doc
    graph = graph_state(doc.graph)
    before = dict(doc.project.dataset)
    with qtbot.waitSignal(doc.dataset_changed, timeout=5_000):
        choose(window.dataset, "spiral")
    assert doc.project.dataset["name"] == "spiral"
    title = next(d["title"] for d in list_datasets() if d["name"] == "spiral")
    assert doc.undo_stack.undoText() == f"Change dataset to {title}"
    assert window.action_map["undo"].text() == f"&Undo Change dataset to {title}"
    _ctrl_z(qtbot, window)
    assert doc.project.dataset == before
    assert window.dataset.form.name == "circle"  # the panel follows
    assert graph_state(doc.graph) == graph  # the rename is still there
    assert doc.graph.by_name("hidden") is not None
    _ctrl_z(qtbot, window, redo=True)
    assert doc.project.dataset["name"] == "spiral" and window.dataset.form.name == "spiral"
    assert graph_state(doc.graph) == graph


def test_a_dataset_parameter_dragged_is_one_step(edited, qtbot):
    doc, panel = edited.doc, edited.dataset
    depth = doc.undo_stack.count()
    for value in (0.2, 0.25, 0.3):
        panel.form.param_widgets["noise"].setValue(value)
    assert doc.undo_stack.count() == depth + 1
    assert doc.undo_stack.undoText() == "Set dataset noise to 0.3"
    doc.undo_stack.undo()
    assert "noise" not in (doc.project.dataset.get("params") or {})
    assert doc.graph.by_name("hidden") is not None


@pytest.fixture
def settings(edited, qtbot):
    from playground.ui.common import preload

    preload.start()
    qtbot.waitUntil(lambda: edited.training.settings is not None, timeout=60_000)
    yield edited, edited.training.settings, edited.training.session
    edited.training.session.shutdown()


def test_undo_takes_back_a_training_setting_and_the_form_shows_it(settings, qtbot):
    window, form, session = settings
    doc = window.doc
    graph = graph_state(doc.graph)
    old_lr = session.config().lr
    form.lr_box.setValue(0.1)
    form.lr_box.editingFinished.emit()
    assert session.config().lr == pytest.approx(0.1)
    assert doc.undo_stack.undoText() == "Set learning rate to 0.1"
    _ctrl_z(qtbot, window)
    assert session.config().lr == pytest.approx(old_lr)
    assert form.lr_box.value() == pytest.approx(old_lr)  # the form shows the restored value
    assert graph_state(doc.graph) == graph and doc.graph.by_name("hidden") is not None
    _ctrl_z(qtbot, window, redo=True)
    assert session.config().lr == pytest.approx(0.1) and form.lr_box.value() == pytest.approx(0.1)
    box = form.widgets["early_stopping"]
    box.setChecked(not box.isChecked())
    assert doc.undo_stack.undoText().endswith("early stopping")
    doc.undo_stack.undo()
    assert form.widgets["early_stopping"].isChecked() == session.config().early_stopping


def test_undo_of_a_live_setting_reaches_the_running_trainer(settings, qtbot):
    window, form, session = settings
    session.apply_setting(epochs=100000)
    with qtbot.waitSignal(session.batches, timeout=60_000):
        session.play()
    session.apply_setting(l2=0.001)
    qtbot.waitUntil(lambda: session.trainer.config.l2 == pytest.approx(0.001), timeout=30_000)
    window.doc.undo_stack.undo()
    qtbot.waitUntil(lambda: session.trainer.config.l2 == 0.0, timeout=30_000)
    session.stop()


def test_reset_picks_a_new_seed_without_an_undo_step(settings):
    window, form, session = settings
    depth, seed = window.doc.undo_stack.count(), session.config().seed
    session.reset()
    assert session.config().seed == seed + 1
    assert window.doc.undo_stack.count() == depth and window.doc.dirty
    session.stop()
