"""Data a user brings (issue 19, item 14): real CSVs (text columns one-hot encoded, missing cells
filled in, columns ignored, any target column) checked against scikit-learn's OneHotEncoder and
SimpleImputer, photos turned upright by their EXIF orientation, and the project's ``dataset.path``."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import torch
from PIL import Image
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import OneHotEncoder

from playground.core.errors import DataError
from playground.data import load, load_settings
from playground.data.csv_table import MISSING
from playground.graph.project import Project, load_project, save_project

ROWS = 80  # more than MAX_CATEGORIES: the id column is too varied to be a category


def _table(seed=0):
    """Columns: id (to ignore), size (numeric, some missing), colour (text, some missing),
    rooms (whole numbers), city (text), price (the target)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(ROWS):
        size = "" if i % 7 == 3 else f"{rng.uniform(20, 200):.2f}"
        colour = ["NA", "?"][i % 2] if i % 11 == 5 else ["red", "green", "blue"][rng.integers(3)]
        rooms = str(int(rng.integers(1, 6)))
        city = ["Oslo", "Lima", "Pune", "Bonn"][i % 4]
        price = f"{rng.uniform(1, 9):.3f}"
        rows.append([f"id{i:03d}", size, colour, rooms, city, price])
    return ["id", "size", "colour", "rooms", "city", "price"], rows


def _write(tmp_path, header, rows, name="houses.csv"):
    path = tmp_path / name
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return str(path)


def _pooled_x(splits):
    """All rows' features as stored (standardization happens per batch, later); rows are shuffled."""
    return splits.train.x.to(torch.float64).numpy()


def _reference(header, rows, ignore):
    """The features scikit-learn makes: numeric columns mean-imputed, text columns imputed with the
    most frequent value and one-hot encoded, in file order."""
    parts = []
    for j, name in enumerate(header):
        if name in ignore or name == "price":
            continue
        cells = np.array([[r[j] if r[j].strip().lower() not in MISSING else np.nan] for r in rows], dtype=object)
        try:
            numeric = np.array([[float(c[0])] for c in cells], dtype=np.float64)
            parts.append(SimpleImputer(strategy="mean").fit_transform(numeric))
        except ValueError:
            filled = SimpleImputer(strategy="most_frequent", missing_values=np.nan).fit_transform(cells)
            parts.append(OneHotEncoder(sparse_output=False).fit_transform(filled.astype(str)))
    return np.concatenate(parts, axis=1)


def test_a_real_csv_matches_scikit_learns_imputer_and_one_hot_encoder(tmp_path):
    header, rows = _table()
    path = _write(tmp_path, header, rows)
    s = load("csv", root=path, params={"target": "price", "ignore": "id", "task": "regression"}, split=(1, 0, 0))
    expected = _reference(header, rows, ignore={"id"})
    # 1 (size) + 3 (colour) + 1 (rooms) + 4 (city) features; the id and the target are not among them
    assert s.info.input_shape == (9,) == (expected.shape[1],)
    # rows are shuffled by the split: match them through the target, which is unique per row
    price = np.array([float(r[-1]) for r in rows])
    order = np.argsort(price)
    got_order = np.argsort(s.train.y[:, 0].numpy())
    np.testing.assert_allclose(_pooled_x(s)[got_order], expected[order], rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(np.sort(s.train.y[:, 0].numpy()), np.sort(price).astype(np.float32))


def test_any_column_can_be_the_target_and_text_targets_are_classes(tmp_path):
    header, rows = _table(seed=1)
    path = _write(tmp_path, header, rows)
    s = load("csv", root=path, params={"target": "city", "ignore": "id, price"}, split=(1, 0, 0))
    assert s.info.task == "classification" and s.info.class_names == ("Bonn", "Lima", "Oslo", "Pune")
    assert s.info.input_shape == (1 + 3 + 1,)


@pytest.mark.parametrize("params, words", [
    ({"ignore": "nope"}, ["no column named 'nope' to ignore"]),
    ({"ignore": "price"}, ["target column 'price' is also ignored"]),
    ({"ignore": "size,colour,rooms,city,price", "target": "id"}, ["every feature column is ignored"]),
    ({}, [f"column 'id' holds {ROWS} different texts", "one-hot"]),  # an ID is not a category
])
def test_bad_column_choices_say_what_to_do(tmp_path, params, words):
    header, rows = _table()
    with pytest.raises(DataError) as err:
        load("csv", root=_write(tmp_path, header, rows), params={"target": "price", **params})
    assert all(w in str(err.value) for w in words), str(err.value)
    assert err.value.fix


def test_a_column_that_is_always_empty_is_named(tmp_path):
    path = _write(tmp_path, ["a", "b", "y"], [["1", "", "0"], ["2", "NA", "1"], ["3", "", "0"]])
    with pytest.raises(DataError, match="column 'b' is empty in every row") as err:
        load("csv", root=path)
    assert "ignore" in err.value.fix


# ---------------------------------------------------------------- EXIF orientation

def _photo(path, orientation: int | None):
    """A 40 wide x 20 high RGB JPEG: left half red, right half blue (stored as-is, EXIF says how to turn it)."""
    im = Image.new("RGB", (40, 20), (255, 0, 0))
    im.paste((0, 0, 255), (20, 0, 40, 20))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    im.save(path, "JPEG", quality=95, exif=exif.tobytes())


def test_photos_are_turned_upright_by_their_exif_orientation(tmp_path):
    for cls, orientation in (("plain", None), ("turned", 6)):  # 6: the viewer rotates 90 degrees clockwise
        (tmp_path / cls).mkdir()
        _photo(tmp_path / cls / "a.jpg", orientation)
    s = load("image_folder", root=str(tmp_path), params={"size": 16, "color": "rgb"}, split=(1, 0, 0))
    x = {int(label): img.numpy().astype(float) for img, label in zip(s.train.x, s.train.y)}
    plain, turned = x[s.info.class_names.index("plain")], x[s.info.class_names.index("turned")]
    # the plain photo: red on the left, blue on the right
    assert plain[0, :, :6].mean() > 200 and plain[2, :, -6:].mean() > 200
    # orientation 6, upright: what was the left (red) is now at the top, the right (blue) at the bottom
    with Image.open(tmp_path / "turned" / "a.jpg") as im:
        from PIL import ImageOps

        upright = np.asarray(ImageOps.exif_transpose(im).convert("RGB").resize((16, 16), Image.Resampling.BILINEAR))
    assert upright[:6, :, 0].mean() > 200 and upright[-6:, :, 2].mean() > 200
    assert turned[0, :6, :].mean() > 200 and turned[2, -6:, :].mean() > 200
    np.testing.assert_array_equal(turned, upright.transpose(2, 0, 1))


# ---------------------------------------------------------------- the project's dataset.path

def test_the_project_file_keeps_the_dataset_path_and_training_reads_it(tmp_path):
    header, rows = _table()
    path = _write(tmp_path, header, rows)
    project = Project()
    project.dataset = {"name": "csv", "params": {"target": "price", "ignore": "id"}, "path": path}
    file = tmp_path / "p.pgproj"
    save_project(project, file)
    assert json.loads(file.read_text())["dataset"]["path"] == path
    again = load_project(file)
    assert again.dataset["path"] == path
    s = load_settings(again.dataset)
    assert s.info.input_shape == (9,) and s.info.task == "regression"
    bad = json.loads(file.read_text())
    bad["dataset"]["path"] = 42
    file.write_text(json.dumps(bad))
    with pytest.raises(Exception, match="dataset.path"):
        load_project(file)
