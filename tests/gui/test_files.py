"""Projects on disk: save, close and reopen; broken files; unsaved-change prompts; autosave; recent files."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QMessageBox

from playground.ui.common import config
from tests.gui.conftest import graph_state


def test_save_close_reopen_gives_the_same_graph(make_window, dialogs, tmp_path):
    window = make_window("googlenet_small")
    graph = window.doc.graph
    window.editor.set_param(graph.by_name("conv1").id, "filters", 12)
    window.editor.rename(graph.by_name("relu1").id, "act1")
    window.editor.append_layer("Dropout", [graph.by_name("cat1").id])
    expected = graph_state(graph)
    dialogs.save_path = str(tmp_path / "mine")  # the suffix is added
    assert window.files.save()
    path = tmp_path / "mine.pgproj"
    assert path.exists() and window.doc.project.path == path and not window.doc.dirty
    assert "mine.pgproj" in window.windowTitle()
    assert window.close()
    assert not dialogs.texts("question")  # saved: closing does not ask
    again = make_window("tfp_mlp")
    assert again.files.open_path(path)
    assert graph_state(again.doc.graph) == expected
    assert again.doc.project.name == window.doc.project.name
    assert config.recent_files()[0] == str(path.resolve())


def test_opening_a_broken_file_shows_an_error_and_keeps_the_project(window, dialogs, tmp_path):
    before = graph_state(window.doc.graph)
    project = window.doc.project
    broken = tmp_path / "broken.pgproj"
    broken.write_text('{"format": "playground-project", "version": 1, "graph": {"nodes": [{"name": "a", "kind": "Nope"}]}}')
    assert not window.files.open_path(broken)
    (message,) = dialogs.texts("critical")
    assert "broken.pgproj" in message and "Nope" in message
    assert window.doc.project is project and graph_state(window.doc.graph) == before
    truncated = tmp_path / "cut.pgproj"
    truncated.write_text('{"format": "playground-project", "vers')
    dialogs.open_path = str(truncated)
    window.files.open_dialog()
    assert "not valid JSON" in dialogs.texts("critical")[-1] and window.doc.project is project


def test_unsaved_changes_are_never_dropped_silently(window, dialogs, tmp_path):
    window.editor.add_layer("ReLU", (300, 0))
    assert window.isWindowModified()
    dialogs.answer = QMessageBox.StandardButton.Cancel
    assert not window.close()  # cancelled: the window stays, with the work
    assert window.isVisible() and len(window.doc.graph.nodes) == 7
    window.files.new_project()
    assert len(window.doc.graph.nodes) == 7  # cancelled again
    dialogs.answer = QMessageBox.StandardButton.Save
    dialogs.save_path = str(tmp_path / "kept.pgproj")
    window.files.open_path("lenet5")  # asks, saves, then opens the preset
    assert (tmp_path / "kept.pgproj").exists() and window.doc.graph.find("conv1") is not None
    assert len(dialogs.texts("question")) == 3


def test_autosave_is_offered_back_after_a_crash(make_window, dialogs, monkeypatch, _isolated_config):
    window = make_window("tfp_mlp")
    assert window.files.autosave_now() is None  # nothing changed: nothing to save
    window.editor.set_param(window.doc.graph.by_name("fc1").id, "units", 5)
    path = window.files.autosave_now()
    assert path == window.files.autosave.path and path.parent == _isolated_config == config.autosave_dir()
    assert json.loads(path.read_text())["graph"]["nodes"][1]["params"]["units"] == 5
    # a new start (the old window "crashed": it never closed, and its process, with its lock, is gone)
    window.files.autosave.lock.unlock()
    monkeypatch.setenv("PLAYGROUND_NO_AUTOSAVE_PROMPT", "0")
    dialogs.answer = QMessageBox.StandardButton.Yes
    second = make_window("lenet5")
    assert second.files.offer_autosave()
    assert second.doc.graph.by_name("fc1").params["units"] == 5 and second.doc.dirty
    assert "normally" in dialogs.texts("question")[0]
    assert not path.exists() and second.files.autosave.path.exists()  # the work is the new instance's now
    second.doc.mark_saved()
    assert second.close() and not second.files.autosave.path.exists()  # a clean exit removes it
    window.doc.mark_saved()


def test_autosave_prompt_is_skipped_when_asked(make_window, dialogs):
    window = make_window()
    window.editor.add_layer("ReLU", (300, 0))
    window.files.autosave_now()
    assert not make_window().files.offer_autosave() and not dialogs.calls


def test_recent_files_menu(make_window, tmp_path):
    window = make_window()
    for name in ("a", "b"):
        window.files.save_to(tmp_path / f"{name}.pgproj")
    window.files.fill_recent_menu(window.recent_menu)
    texts = [a.text() for a in window.recent_menu.actions()]
    assert texts == ["&1 b.pgproj", "&2 a.pgproj"]
    window.recent_menu.actions()[1].trigger()
    assert window.doc.project.path == tmp_path / "a.pgproj"


def test_panel_layout_is_remembered(make_window):
    window = make_window(restore_layout=True)
    window.docks["dataset"].hide()
    window.close()
    again = make_window(restore_layout=True)
    assert again.docks["dataset"].isHidden() and not again.docks["inspector"].isHidden()
    again.reset_layout()
    assert not again.docks["dataset"].isHidden()


def test_new_from_preset_gallery_lists_every_preset_with_a_picture(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from playground.graph.project import preset_names
    from playground.ui.common import style
    from playground.ui.project.preset_gallery import PresetGallery

    gallery = PresetGallery()
    qtbot.addWidget(gallery)
    names = [gallery.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(gallery.list.count())]
    assert names == preset_names() and gallery.chosen() == names[0]
    for i in range(gallery.list.count()):
        labels = gallery.list.itemWidget(gallery.list.item(i)).findChildren(QLabel)
        picture = next(label.pixmap() for label in labels if not label.pixmap().isNull()).toImage()
        colors = {picture.pixelColor(x, y).name() for x in range(0, picture.width(), 3)
                  for y in range(0, picture.height(), 3)}
        assert len(colors - {style.CANVAS_BG.name()}) > 3  # the network is drawn, not a blank
        text = next(label.text() for label in labels if label.pixmap().isNull())
        assert names[i] in text
