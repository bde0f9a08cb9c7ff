"""Item 9 of issue 19: workspaces (Build, Train, Look Inside, Learn) keep the canvas a fair share and
every dock tab label and settings value readable at 1280x800 and 1920x1080."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QTabBar

from playground.ui.common import preload
from playground.ui.panels.registry import PANELS
from playground.ui.window.workspaces import CANVAS_MIN, WORKSPACES

SIZES = [(1280, 800), (1920, 1080)]


def _settle(qtbot, window, size) -> None:
    window.resize(*size)
    qtbot.wait(60)


def _tab_problems(window) -> list[str]:
    problems = []
    for bar in window.findChildren(QTabBar):
        if bar.parent() is not window or not bar.isVisible():
            continue
        for i in range(bar.count()):
            text = bar.tabText(i).replace("&&", "&")
            need = bar.fontMetrics().horizontalAdvance(text)
            if bar.tabRect(i).width() < need:
                problems.append(f"{text!r} is {bar.tabRect(i).width()} px wide, needs {need}")
        last = bar.tabRect(bar.count() - 1)
        if last.right() > bar.width():
            problems.append(f"tabs run past their bar ({last.right()} > {bar.width()}): {bar.tabText(bar.count() - 1)!r}")
    return problems


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_workspace_keeps_the_canvas_and_whole_tab_labels(make_window, qtbot, size):
    window = make_window("lenet5")
    _settle(qtbot, window, size)
    for ws in WORKSPACES:
        window.workspaces.actions[ws.key].trigger()
        qtbot.wait(60)
        assert window.workspaces.current == ws.key
        shown = {key for key, dock in window.docks.items() if dock.isVisible()}
        assert shown == set(ws.docks), ws.key
        canvas = window.view
        assert canvas.width() >= CANVAS_MIN[0] and canvas.height() >= CANVAS_MIN[1], ws.key
        assert canvas.width() * canvas.height() >= 0.2 * window.width() * window.height(), ws.key
        assert _tab_problems(window) == [], ws.key


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_training_settings_values_are_not_cut(make_window, qtbot, size):
    window = make_window("lenet5")
    _settle(qtbot, window, size)
    assert preload.wait(120)
    qtbot.waitUntil(lambda: window.training.settings is not None, timeout=20000)
    window.workspaces.switch("train")
    window.show_panel("training")
    qtbot.wait(60)
    fields = window.training.settings.findChildren(QAbstractSpinBox) + window.training.settings.findChildren(QComboBox)
    shown = [f for f in fields if f.isVisible()]
    assert shown
    cut = [(f.objectName() or type(f).__name__, f.width(), f.sizeHint().width()) for f in shown
           if f.width() < f.minimumSizeHint().width()]
    assert cut == []


def test_panels_cannot_squeeze_the_canvas_and_reset_restores_the_workspace(make_window, qtbot):
    window = make_window("lenet5")
    _settle(qtbot, window, (1280, 800))
    for entry in PANELS:  # what squeezed the canvas to a strip before
        window.training.show_panel(entry.key)
        qtbot.wait(20)
    assert window.workspaces.current == "inside"
    assert window.view.height() >= CANVAS_MIN[1]
    window.resizeDocks([window.docks["activations"]], [2000], Qt.Orientation.Vertical)  # drag the splitter up
    qtbot.wait(20)
    assert window.view.height() >= CANVAS_MIN[1]
    window.reset_layout()
    qtbot.wait(20)
    assert window.view.height() >= 0.4 * window.height() - 60


def test_showing_a_panel_goes_to_its_workspace_and_layouts_are_kept(make_window, qtbot):
    window = make_window("tfp_mlp")
    window.show_problems()
    assert window.workspaces.current == "build"  # Build shows Problems: stay
    window.training.show_panel("curves")
    assert window.workspaces.current == "train"
    window.docks["dataset"].hide()  # the person's own arrangement of Train
    window.workspaces.switch("build")
    assert window.docks["dataset"].isVisible()
    window.workspaces.switch("train")
    assert not window.docks["dataset"].isVisible()
    window.reset_layout()
    assert window.docks["dataset"].isVisible()


def test_workspace_shortcuts_and_menu(make_window):
    window = make_window("tfp_mlp")
    assert [a.shortcut().toString() for a in window.workspaces.actions.values()] == [w.shortcut for w in WORKSPACES]
    texts = [a.text() for a in window._view_menu.actions()]
    assert "&Workspace" in texts



_LEFTOVER_PROBE = """
import json
from PySide6.QtWidgets import QApplication, QTabBar
from playground.graph.project import load_project
from playground.ui.window.main_window import MainWindow
app = QApplication([])
window = MainWindow(load_project("tfp_mlp"), restore_layout=False)
window.resize(1280, 800)
window.show()
app.processEvents()
found = []
for key in ("build", "inside", "learn", "train", "build"):
    window.workspaces.switch(key)
    app.processEvents()
    hidden = {d.windowTitle() for d in window.docks.values() if d.isHidden()}
    for bar in window.findChildren(QTabBar):
        if bar.parent() is window and bar.isVisible() and window.rect().intersects(bar.geometry()):
            titles = sorted(bar.tabText(i) for i in range(bar.count()))
            if not titles or set(titles) & hidden:
                found.append([key, titles])
print(json.dumps(found))
window.shutdown()
"""


def test_no_leftover_tab_bar_floats_over_the_panels(tmp_path):
    """Qt keeps the tab bars of tab groups that an arrangement took apart; they stayed on screen
    ("Dataset | Training Settings" over the Learn and Look Inside panels). A fresh process, as a user
    starts the app (the test session's long-lived application hides the effect)."""
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path),
               PLAYGROUND_NO_START_PAGE="1")
    done = subprocess.run([sys.executable, "-c", _LEFTOVER_PROBE], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
