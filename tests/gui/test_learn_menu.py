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
    assert window.workspaces.current == "learn"  # the view lives in the Learn workspace
    window.workspaces.switch("build")
    assert window.docks[entry.key].isHidden()  # the Build workspace does not show it


def test_readme_learn_section_lists_every_view_key_shortcut_and_picture():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    text = (root / "README.md").read_text(encoding="utf-8")
    section = text.split("<!-- section:learn:start -->")[1].split("<!-- section:learn:end -->")[0]
    for entry in LEARN_PANELS:
        assert f"`{entry.key}`" in section and entry.shortcut in section and entry.title in section
    pictures = re.findall(r"\]\((docs/images/[^)]+)\)", section)
    assert pictures and all((root / p).exists() for p in pictures)
