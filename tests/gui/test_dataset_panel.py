"""The dataset panel: choosing a dataset, its parameters, split and augmentation, and the preview.

Every preview is checked against ``playground.data.load`` with the same settings (the data training
will get): the scatter's points, the class counts per split, the image labels.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.data import load
from playground.graph.project import load_project
from playground.ui.common import preload


def loaded(splits):
    """(x, y, per-split labels) of a loaded dataset, train then val then test."""
    parts = list(splits.parts().values())
    x = torch.cat([p.x.to(torch.float32) * p.scale for p in parts]).numpy()
    return x, torch.cat([p.y for p in parts]).numpy(), {k: p.y.numpy() for k, p in splits.parts().items()}


def wait_for_preview(qtbot, panel, name: str):
    qtbot.waitUntil(preload.ready, timeout=60_000)
    qtbot.waitUntil(lambda: panel.form is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not panel.loading() and panel.preview.result is not None
                    and panel.preview.result["name"] == name, timeout=60_000)
    return panel.preview.result


def choose(panel, name: str) -> None:
    panel.form.combo.setCurrentIndex(panel.form.combo.findData(name))


@pytest.fixture
def panel(make_window, qtbot):
    window = make_window("tfp_mlp")  # circle
    wait_for_preview(qtbot, window.dataset, "circle")
    return window.dataset


def test_choosing_a_dataset_writes_it_into_the_project(panel, qtbot):
    doc = panel.doc
    with qtbot.waitSignal(doc.dataset_changed, timeout=5_000):
        choose(panel, "spiral")
    assert doc.project.dataset == {"name": "spiral", "params": {}} and doc.dirty
    assert "Spiral" in panel.label.text() and "fits" in panel.label.text()
    assert "Loading" in panel.preview.status.text()  # the load runs in the background
    result = wait_for_preview(qtbot, panel, "spiral")
    x, y, parts = loaded(load("spiral", seed=0))
    assert result["view"] == "points" and panel.preview.page() is panel.preview.plot
    np.testing.assert_array_equal(result["x"], x)
    np.testing.assert_array_equal(result["y"], y)
    px, py = panel.preview.scatter.getData()
    assert len(px) == len(x) == 500  # every point of the data, coloured by class
    np.testing.assert_array_equal(py, x[:, 1])
    counts = panel.preview.count_table()
    names = list(result["class_names"])
    for split, labels in parts.items():
        expected = np.bincount(labels, minlength=len(names))
        assert [counts[n][split] for n in names] == expected.tolist()
        assert counts["all samples"][split] == len(labels)


def test_a_parameter_change_updates_the_project_and_the_preview(panel, qtbot):
    doc = panel.doc
    noise = panel.form.param_widgets["noise"]
    assert noise.toolTip().startswith("noise, 0 to 0.5")
    assert (noise.minimum(), noise.maximum()) == (0.0, 0.5)
    with qtbot.waitSignal(doc.dataset_changed, timeout=5_000):
        noise.setValue(0.3)
    assert doc.project.dataset["params"] == {"noise": 0.3}
    qtbot.waitUntil(lambda: not panel.loading(), timeout=60_000)
    x, y, _ = loaded(load("circle", params={"noise": 0.3}, seed=0))
    np.testing.assert_array_equal(panel.preview.result["x"], x)
    np.testing.assert_array_equal(panel.preview.result["y"], y)
    before = panel.preview.result["x"]
    panel.form.param_widgets["n_points"].setValue(120)
    assert doc.project.dataset["params"] == {"noise": 0.3, "n_points": 120}
    qtbot.waitUntil(lambda: not panel.loading() and len(panel.preview.result["x"]) == 120, timeout=60_000)
    assert len(panel.preview.scatter.getData()[0]) == 120 and len(before) == 500


def test_split_ratios_are_stored_and_a_bad_split_is_refused(panel, qtbot):
    doc = panel.doc
    train, val, test = panel.form.split_boxes
    val.setValue(0.3)  # 0.7 + 0.3 + 0.15 = 1.15
    assert doc.project.dataset == {"name": "circle", "params": {}} and not doc.dirty
    assert panel.message.isVisible() and "add up to 1.15" in panel.message.text()
    assert "still uses circle" in panel.message.text()
    assert panel.form.split_sum.isVisible()
    with qtbot.waitSignal(doc.dataset_changed, timeout=5_000):
        train.setValue(0.55)  # 0.55 + 0.3 + 0.15 = 1
    assert doc.project.dataset["split"] == [0.55, 0.3, 0.15]
    assert not panel.message.isVisible() and not panel.form.split_sum.isVisible()
    qtbot.waitUntil(lambda: not panel.loading() and panel.preview.result is not None, timeout=60_000)
    splits = load("circle", split=(0.55, 0.3, 0.15), seed=0)
    assert panel.preview.result["split_sizes"] == {k: len(p) for k, p in splits.parts().items()}
    assert panel.preview.count_table()["all samples"] == {k: len(p) for k, p in splits.parts().items()}


def test_datasets_that_cannot_be_used_here_are_refused_with_a_message(panel, qtbot):
    doc = panel.doc
    choose(panel, "csv")
    assert doc.project.dataset["name"] == "circle" and not doc.dirty
    assert panel.message.isVisible() and "file you choose" in panel.message.text()
    assert "(needs a file)" in panel.form.combo.currentText()
    record = next(d for d in panel.table if d["name"] == "mnist")
    record["available"] = False  # as on a computer without the files
    panel.form.set_table(panel.table)
    panel.form.fill(doc.project.dataset)
    assert "not on this computer" in panel.form.combo.itemText(panel.form.combo.findData("mnist"))
    choose(panel, "mnist")
    assert doc.project.dataset["name"] == "circle"
    assert "playground datasets" in panel.message.text()
    choose(panel, "circle")  # back to the project's own: the message goes
    assert not panel.message.isVisible()
    wait_for_preview(qtbot, panel, "circle")


def test_image_datasets_show_a_labelled_grid_and_take_augmentation(make_window, qtbot):
    window = make_window("lenet5")  # shapes
    panel = window.dataset
    result = wait_for_preview(qtbot, panel, "shapes")
    assert panel.preview.page() is panel.preview.grid_widget
    images, labels = result["images"], result["image_labels"]
    assert images.shape == (16, 1, 28, 28)
    shown = [(pic, cap) for pic, cap in panel.preview.thumbs if not pic.isHidden()]
    assert len(shown) == 16 and all(not pic.pixmap().isNull() for pic, _ in shown)
    assert [cap.toolTip() for _, cap in shown] == [result["class_names"][int(c)] for c in labels]
    splits = load("shapes", seed=0)
    counts = panel.preview.count_table()
    for split, part in splits.parts().items():
        assert [counts[n][split] for n in result["class_names"]] == np.bincount(part.y.numpy(), minlength=7).tolist()
    np.testing.assert_array_equal(labels, splits.train.y.numpy()[result["indices"]])
    assert panel.form.augment_box.isEnabled()
    with qtbot.waitSignal(window.doc.dataset_changed, timeout=5_000):
        panel.form.augment_widgets["flip"].setChecked(True)
    panel.form.augment_widgets["shift"].setValue(2)
    assert window.doc.project.dataset["augment"] == {"flip": True, "shift": 2}
    qtbot.waitUntil(lambda: not panel.loading() and panel.preview.result.get("augmented"), timeout=60_000)
    assert "augmentation" in panel.preview.status.text()


def test_augmentation_is_off_for_points_and_the_form_follows_another_project(panel, qtbot):
    form = panel.form
    assert not form.augment_box.isEnabled() and "no images" in form.augment_box.toolTip()
    form.param_widgets["noise"].setValue(0.25)
    doc = panel.doc
    project = load_project("lenet5")
    project.dataset = {"name": "shapes", "params": {"n_images": 140}, "split": [0.5, 0.25, 0.25],
                       "augment": {"rotate": 10.0}}
    doc.set_project(project)
    assert form.name == "shapes" and form.param_widgets["n_images"].value() == 140
    assert form.split() == [0.5, 0.25, 0.25] and form.augment_widgets["rotate"].value() == 10.0
    assert form.augment_box.isEnabled() and "noise" not in doc.project.dataset["params"]
    result = wait_for_preview(qtbot, panel, "shapes")
    assert result["split_sizes"] == {"train": 70, "val": 35, "test": 35}


def test_a_newer_request_supersedes_an_older_one(qtbot):
    from playground.ui.dataset.preview import PreviewLoader

    qtbot.waitUntil(lambda: preload.wait(60) or True)
    loader = PreviewLoader()
    got = []
    loader.ready.connect(lambda token, result: got.append((token, result["name"])))
    loader.request({"name": "shapes", "params": {"n_images": 700}}, 0)
    last = loader.request({"name": "xor", "params": {}}, 0)
    qtbot.waitUntil(lambda: bool(got) and not loader.busy(), timeout=60_000)
    assert got == [(last, "xor")]


def test_a_regression_function_shows_x_against_y(panel, qtbot):
    choose(panel, "sine")
    result = wait_for_preview(qtbot, panel, "sine")
    x, y, _ = loaded(load("sine", seed=0))
    px, py = panel.preview.scatter.getData()
    np.testing.assert_array_equal(px, x[:, 0])
    np.testing.assert_array_equal(py, y[:, 0])
    assert result["view"] == "function"
    assert panel.preview.count_table() == {"samples": {"train": 140, "val": 30, "test": 30}}


def test_regenerate_draws_new_points_for_training_too(panel, qtbot):
    doc = panel.doc
    before = panel.preview.result["x"]
    with qtbot.waitSignal(doc.dataset_changed, timeout=5_000):
        panel.regenerate.click()
    assert doc.project.dataset == {"name": "circle", "params": {}, "seed": 1} and doc.dirty
    qtbot.waitUntil(lambda: not panel.loading(), timeout=60_000)
    x, _, _ = loaded(load("circle", seed=1))
    np.testing.assert_array_equal(panel.preview.result["x"], x)
    assert not np.array_equal(x, before)
    from playground.ui.training.jobs import load_splits

    assert torch.equal(load_splits(doc.project.dataset, seed=0).train.x, load("circle", seed=1).train.x)
    with qtbot.waitSignal(doc.dataset_changed, timeout=5_000):
        panel.form.param_widgets["noise"].setValue(0.2)
    assert doc.project.dataset["seed"] == 1  # kept while a setting changes
