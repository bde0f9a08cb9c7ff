"""GUI test fixtures: an isolated settings/autosave folder, dialogs that never block, a window."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from playground.graph.project import graph_to_dict, load_project


@pytest.fixture(scope="session", autouse=True)
def _freeze_startup_heap():
    """The libraries' objects (torch, numpy, Qt) move to the permanent generation once, so that the
    collection after each test walks only what the tests made (a full walk took ~1 s a test)."""
    import gc

    import torch  # noqa: F401 - imported now, so that its objects are frozen with the rest

    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def _collect_qt_garbage_here():
    """After each test, the garbage it left (windows and widgets in reference cycles) is collected
    in this, the GUI thread. Left for later, the cycle collector can run in whatever thread
    allocates next (a training thread) and destroy a Qt object there, which PySide answers by
    waiting for the GIL inside the collector: a deadlock seen once in a full run."""
    import gc

    yield
    gc.collect()


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path, monkeypatch):
    """Settings, recent files and the autosave go to a temporary folder, never the real home."""
    folder = tmp_path / "config"
    folder.mkdir()
    monkeypatch.setenv("PLAYGROUND_CONFIG_DIR", str(folder))
    monkeypatch.setenv("PLAYGROUND_NO_AUTOSAVE_PROMPT", "1")
    return folder


class Dialogs:
    """Stands in for the static QMessageBox / QFileDialog functions: records, answers, never blocks."""

    def __init__(self):
        self.calls: list[tuple[str, str, str]] = []  # (kind, title, text)
        self.answer = QMessageBox.StandardButton.Discard
        self.save_path = ""
        self.open_path = ""

    def message(self, kind):
        def show(parent, title, text, *args, **kwargs):
            self.calls.append((kind, title, text))
            return self.answer if kind == "question" else QMessageBox.StandardButton.Ok
        return show

    def texts(self, kind: str) -> list[str]:
        return [text for k, _title, text in self.calls if k == kind]


@pytest.fixture(autouse=True)
def dialogs(monkeypatch) -> Dialogs:
    d = Dialogs()
    for kind in ("question", "critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, d.message(kind))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (d.save_path, ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (d.open_path, ""))
    return d


@pytest.fixture
def make_window(qtbot):
    from playground.ui.window.main_window import MainWindow

    windows = []

    def make(project="tfp_mlp", **kwargs):
        window = MainWindow(load_project(project) if isinstance(project, str) else project,
                            restore_layout=kwargs.pop("restore_layout", False))
        qtbot.addWidget(window)
        window.resize(1100, 750)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.files.autosave_timer.stop()
        window.doc.mark_saved()  # closing must not ask


@pytest.fixture
def window(make_window):
    return make_window("tfp_mlp")


def graph_state(graph) -> dict:
    """What must come back after undo or a save/reopen: the graph's file form (order aside) and node ids."""
    data = graph_to_dict(graph)
    return {"nodes": sorted(data["nodes"], key=lambda n: n["name"]), "edges": sorted(data["edges"]),
            "ids": sorted(graph.nodes)}
