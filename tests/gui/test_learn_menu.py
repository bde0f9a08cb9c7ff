"""The Learn menu: one action per LEARN_PANELS record, docks hidden until asked for, built lazily."""

from __future__ import annotations

from playground.ui.learn.registry import LEARN_PANELS


def test_learn_menu_lists_every_view_and_opens_its_dock(make_window, qtbot):
    window = make_window("tfp_mlp")
    menu = window.training.learn_menu
    titles = [a.text() for a in menu.actions()]
    assert titles == [entry.title for entry in LEARN_PANELS]
    assert [a.shortcut().toString() for a in menu.actions()] == [entry.shortcut for entry in LEARN_PANELS]
    assert "Learn" in [a.text().replace("&", "") for a in window.menuBar().actions()]
    for entry in LEARN_PANELS:
        assert window.docks[entry.key].isHidden()  # waits in the menu, not as a tab
        assert window.training.hosts[entry.key]._panel is None  # nothing built before it is asked for
    entry = LEARN_PANELS[0]
    menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: window.training.hosts[entry.key]._panel is not None or bool(window.training.hosts[entry.key]._failed))
    assert not window.docks[entry.key].isHidden()
    assert not window.training.hosts[entry.key]._failed
    window.reset_layout()
    assert window.docks[entry.key].isHidden()
