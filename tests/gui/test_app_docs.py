"""The README's app section documents every shortcut, and its pictures exist; --train-steps trains."""

from __future__ import annotations

import re
from pathlib import Path

from playground.ui.window.actions import ACTIONS

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index("<!-- section:app:start -->"):text.index("<!-- section:app:end -->")]


def test_readme_lists_every_shortcut(qtbot):
    section = _section()
    for spec in ACTIONS:
        for shortcut in spec.shortcuts:
            assert shortcut.replace("Delete", "Del") in section, f"README's app section lacks {shortcut}"


def test_readme_and_the_help_list_the_training_and_panel_shortcuts(qtbot):
    from playground.ui.window.help_dialogs import shortcut_rows, shortcuts_html
    from playground.ui.panels.registry import PANELS
    from playground.ui.training.controls import TRAIN_ACTIONS

    section, html = _section(), shortcuts_html()
    keys = [spec.shortcut for spec in TRAIN_ACTIONS] + [entry.shortcut for entry in PANELS]
    for key in keys:
        assert key in section, f"README's app section lacks {key}"
        assert f"<b>{key}</b>" in html
    assert {group for group, _, _ in shortcut_rows()} == {"Building", "Training", "Look inside", "Learn"}


def test_readme_pictures_exist():
    pictures = re.findall(r"\]\((docs/images/[^)]+)\)", _section())
    assert pictures and all((ROOT / p).exists() for p in pictures)


def test_train_steps_trains_the_projects_network():
    from playground.graph.project import load_project
    from playground.ui.window.screenshot import train_steps

    text = train_steps(load_project("perceptron"), 3)
    assert text.startswith("Trained 3 steps: training loss")


def test_screenshot_knows_every_panel():
    from playground.cli.screenshot import PANELS as CLI_PANELS
    from playground.ui.learn.registry import LEARN_PANELS
    from playground.ui.panels.registry import PANELS
    from playground.ui.window.screenshot import INSIDE, PANELS as UI_PANELS

    assert CLI_PANELS == UI_PANELS
    assert INSIDE == tuple(entry.key for entry in PANELS)
    from playground.ui.window.screenshot import LEARN

    assert LEARN == tuple(entry.key for entry in LEARN_PANELS)
    assert UI_PANELS[-len(LEARN):] == LEARN
