"""Data a user brings, in the app (issue 19, item 14): the Dataset panel picks a CSV file or an
image folder through a (monkeypatched) dialog, stores it as the project's ``dataset.path``, offers
the CSV's columns as the target, and previews exactly what ``playground.data`` loads."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog

from playground.data import load_settings
from tests.gui.test_dataset_panel import choose, wait_for_preview


@pytest.fixture
def panel(make_window, qtbot):
    window = make_window("tfp_mlp")
    wait_for_preview(qtbot, window.dataset, "circle")
    return window.dataset


def _csv(tmp_path):
    lines = ["id,size,colour,price,kind"]
    for i in range(90):
        colour = "" if i % 9 == 4 else ["red", "green", "blue"][i % 3]
        size = "NA" if i % 10 == 7 else f"{20 + i * 1.5:.1f}"
        lines.append(f"r{i},{size},{colour},{i % 13 + 0.5},{['a', 'b'][i % 2]}")
    path = tmp_path / "things.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_a_csv_picked_in_the_panel_is_stored_previewed_and_undoable(panel, qtbot, dialogs, tmp_path):
    doc = panel.doc
    choose(panel, "csv")
    assert panel.form.path_row.isVisible() or not panel.isVisible()
    assert "Choose" in panel.preview.status.text() or "Choose" in panel.message.text()
    assert doc.project.dataset["name"] == "circle"  # nothing usable yet: the project is unchanged
    dialogs.open_path = _csv(tmp_path)
    with qtbot.waitSignal(doc.dataset_changed, timeout=5_000):
        qtbot.mouseClick(panel.form.path_button, Qt.MouseButton.LeftButton)
    # the id column has 90 different texts: the preview says so until it is ignored
    target = panel.form.param_widgets["target"]
    assert isinstance(target, QComboBox)
    assert [target.itemData(i) for i in range(target.count())] == ["", "id", "size", "colour", "price", "kind"]
    assert doc.project.dataset["path"] == dialogs.open_path
    qtbot.waitUntil(lambda: not panel.loading(), timeout=60_000)
    assert "id" in panel.preview.status.text() and "different texts" in panel.preview.status.text()
    panel.form.param_widgets["ignore"].setText("id")
    panel.form.param_widgets["ignore"].editingFinished.emit()
    assert doc.project.dataset["params"]["ignore"] == "id"
    result = wait_for_preview(qtbot, panel, "csv")
    expected = load_settings(doc.project.dataset)
    assert tuple(result["input_shape"]) == expected.info.input_shape == (1 + 3 + 1,)  # size, colour x3, price
    assert result["class_names"] == ["a", "b"]
    np.testing.assert_array_equal(result["x"], _pooled(expected))
    # the target from the file's columns
    target = panel.form.param_widgets["target"]
    target.setCurrentIndex(target.findData("price"))
    assert doc.project.dataset["params"]["target"] == "price"
    assert doc.undo_stack.undoText() == "Set dataset target column to price"
    result = wait_for_preview(qtbot, panel, "csv")
    assert result["task"] == "regression" and tuple(result["input_shape"]) == (1 + 3 + 2,)  # kind: 2 columns
    doc.undo_stack.undo()
    assert "target" not in doc.project.dataset["params"]
    assert panel.form.param_widgets["target"].currentData() == ""


def _pooled(splits):
    import torch

    parts = list(splits.parts().values())
    return torch.cat([p.x.to(torch.float32) * p.scale for p in parts]).numpy()


def test_an_image_folder_picked_in_the_panel_is_previewed(panel, qtbot, monkeypatch, tmp_path):
    tmp_path = tmp_path / "pictures"  # (tmp_path itself holds the test's config folder)
    for k, name in enumerate(("circles", "squares")):
        (tmp_path / name).mkdir(parents=True)
        for i in range(6):
            Image.new("L", (20, 20), 40 * k + 10 * i).save(tmp_path / name / f"{i}.png")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    doc = panel.doc
    choose(panel, "image_folder")
    with qtbot.waitSignal(doc.dataset_changed, timeout=5_000):
        panel.form.path_button.click()
    assert doc.project.dataset == {"name": "image_folder", "params": {}, "path": str(tmp_path)}
    result = wait_for_preview(qtbot, panel, "image_folder")
    assert result["class_names"] == ["circles", "squares"] and sum(result["split_sizes"].values()) == 12


def test_a_path_that_is_gone_is_said_and_changes_nothing(panel, qtbot, dialogs, tmp_path):
    doc = panel.doc
    choose(panel, "csv")
    panel.form.path_edit.setText(str(tmp_path / "missing.csv"))
    panel.form.path_edit.setModified(True)
    panel.form.path_edit.editingFinished.emit()
    assert "there is no file" in panel.message.text() and doc.project.dataset["name"] == "circle"
