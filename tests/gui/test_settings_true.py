"""Issue 19 item 1: the training settings form shows the project's actual values, whatever they are,
and follows changes made elsewhere (the learning-rate finder's "use", undo, opening a project)."""

from __future__ import annotations

import pytest

from playground.graph.project import load_project


@pytest.fixture
def panel(window, qtbot):
    from playground.ui.common import preload

    preload.start()
    qtbot.waitUntil(lambda: window.training.settings is not None, timeout=60000)
    yield window.training.settings, window.training.session
    window.training.session.shutdown()
    window.doc.mark_saved()


@pytest.mark.parametrize("lr", [1000.0, 1.2e-7, 0.0123456])
def test_any_valid_learning_rate_is_shown_as_it_is(panel, window, lr):
    form, s = panel
    project = load_project("tfp_mlp")
    project.training = dict(project.training, lr=lr)
    window.doc.set_project(project)  # opening a project with that rate
    assert s.config().lr == lr
    assert form.lr_box.value() == pytest.approx(lr, rel=1e-9)
    assert float(form.lr_box.text()) == pytest.approx(lr, rel=1e-9)


def test_a_typed_rate_outside_the_slider_is_kept(panel):
    form, s = panel
    form.lr_box.setText("250")
    form.lr_box.editingFinished.emit()
    assert s.config().lr == 250.0
    assert form.lr_box.value() == 250.0
    assert form.lr_slider.value() == form.lr_slider.maximum()  # the slider's end, the box says the truth


def test_a_rate_set_elsewhere_shows_at_once(panel):
    """The LR finder's "Use learning rate" (and any other caller) goes through the session."""
    form, s = panel
    s.apply_setting(lr=1.2e-7, l2=3e-9)
    assert form.lr_box.value() == pytest.approx(1.2e-7)
    assert form.widgets["l2"].value() == pytest.approx(3e-9)  # not rounded to 0.000000


def test_the_form_follows_undo(panel, window):
    """Whatever an undo changes in the project's settings, the form shows it afterwards."""
    form, s = panel
    before = s.config().lr
    stack = window.doc.undo_stack
    from PySide6.QtGui import QUndoCommand

    class SetRate(QUndoCommand):  # a stand-in for any undoable settings edit
        def redo(self):
            window.doc.project.training = dict(window.doc.project.training, lr=5.0)

        def undo(self):
            window.doc.project.training = dict(window.doc.project.training, lr=before)

    stack.push(SetRate("rate"))
    assert form.lr_box.value() == 5.0
    stack.undo()
    assert form.lr_box.value() == pytest.approx(before)


def test_a_bad_typed_value_is_refused_and_the_true_one_comes_back(panel):
    form, s = panel
    before = s.config().lr
    form.lr_box.setText("fast")
    form.lr_box.editingFinished.emit()
    assert s.config().lr == before
    assert form.lr_box.value() == pytest.approx(before)
    assert "Not changed" in form.note.text()
