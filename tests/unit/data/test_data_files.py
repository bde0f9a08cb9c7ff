"""CIFAR-10 batches, image folders and CSV files: loaded exactly, bad input explained."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch

from playground.core.errors import DataError
from playground.data import DATASETS, load


def _pooled(s):
    return torch.cat([s.train.x, s.val.x, s.test.x]), torch.cat([s.train.y, s.val.y, s.test.y])


# ---------------------------------------------------------------- CIFAR-10

def test_cifar_batches_load_in_channel_first_layout(data_dir, tmp_path, cifar_files):
    batches = cifar_files(tmp_path / "cifar" / "cifar-10-batches-py")
    s = load("cifar10", root=str(tmp_path / "cifar"))
    assert s.info.input_shape == (3, 32, 32) and s.info.class_names[0] == "airplane"
    data, labels = batches["test_batch"]
    assert torch.equal(s.test.y, torch.tensor(labels))
    img = s.test.x[3]
    assert img[0, 0, 0] == data[3, 0] and img[1, 0, 0] == data[3, 1024] and img[2, 5, 7] == data[3, 2048 + 5 * 32 + 7]
    assert len(s.train) + len(s.val) == 50 and s.train.x.dtype == torch.uint8
    assert s.mean.shape == (3, 1, 1)


def test_cifar_found_in_the_data_folder(data_dir, cifar_files):
    assert not DATASETS["cifar10"].available()
    cifar_files(data_dir / "cifar10" / "cifar-10-batches-py")
    assert DATASETS["cifar10"].available()
    assert load("cifar10").origin == str(data_dir / "cifar10" / "cifar-10-batches-py")


def test_cifar_missing_says_where_and_how(data_dir, tmp_path):
    with pytest.raises(DataError) as err:
        load("cifar10", root=str(tmp_path))
    assert str(tmp_path) in str(err.value) and "--download cifar10" in err.value.fix


@pytest.mark.parametrize("content, words", [
    (b"garbage, not a pickle", "not a CIFAR-10 python batch"),
    (pickle.dumps([1, 2, 3]), "no dictionary"),
    (pickle.dumps({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]}), "3072"),
])
def test_bad_cifar_batch_names_the_file(data_dir, tmp_path, cifar_files, content, words):
    cifar_files(tmp_path)
    (tmp_path / "data_batch_3").write_bytes(content)
    with pytest.raises(DataError) as err:
        load("cifar10", root=str(tmp_path))
    assert str(tmp_path / "data_batch_3") in str(err.value) and words in str(err.value)


class _Evil:
    def __reduce__(self):
        import os

        return (os.system, ("echo pwned > /dev/null",))


def test_cifar_pickle_cannot_run_code(data_dir, tmp_path, cifar_files):
    cifar_files(tmp_path)
    (tmp_path / "test_batch").write_bytes(pickle.dumps({b"data": _Evil(), b"labels": []}))
    with pytest.raises(DataError, match="refusing to load"):
        load("cifar10", root=str(tmp_path))


# ---------------------------------------------------------------- image folder

def _save(path, color, size=(20, 12), fmt=None):
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path, format=fmt)


@pytest.fixture
def image_root(tmp_path):
    root = tmp_path / "pets"
    for i in range(4):
        _save(root / "cats" / f"{i}.png", (200, 10, 10))
        _save(root / "dogs" / f"{i}.JPG", (10, 10, 200), fmt="JPEG")
    (root / "dogs" / "notes.txt").write_text("not an image")
    (root / ".hidden").mkdir()
    return root


def test_image_folder_gray(image_root):
    s = load("image_folder", root=str(image_root), params={"size": 16})
    x, y = _pooled(s)
    assert s.info.class_names == ("cats", "dogs") and s.info.input_shape == (1, 16, 16)
    assert x.dtype == torch.uint8 and torch.bincount(y).tolist() == [4, 4]
    cat_gray = round(0.299 * 200 + 0.587 * 10 + 0.114 * 10)  # Pillow's ITU-R 601-2 luma
    assert (x[y == 0].float() - cat_gray).abs().max() <= 1


def test_image_folder_rgb_keeps_the_colours(image_root):
    s = load("image_folder", root=str(image_root), params={"size": 8, "color": "rgb"})
    x, y = _pooled(s)
    assert s.info.input_shape == (3, 8, 8) and s.mean.shape == (3, 1, 1)
    red = x[y == 0].float().mean(dim=(0, 2, 3))
    blue = x[y == 1].float().mean(dim=(0, 2, 3))
    assert red[0] > 190 and red[2] < 20 and blue[2] > 180 and blue[0] < 30  # JPEG is lossy


@pytest.mark.parametrize("make, words", [
    (lambda r: None, "no class sub-folders"),
    (lambda r: (r / "cats").mkdir() or (r / "dogs").mkdir(), "has no PNG or JPEG images"),
    (lambda r: _save(r / "cats" / "a.png", "red"), "only one class"),
])
def test_empty_or_incomplete_image_folder(tmp_path, make, words):
    root = tmp_path / "imgs"
    root.mkdir()
    make(root)
    with pytest.raises(DataError) as err:
        load("image_folder", root=str(root))
    assert words in str(err.value) and str(root) in str(err.value) and err.value.fix


def test_unreadable_image_names_the_file(image_root):
    bad = image_root / "cats" / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n this is not really a png")
    with pytest.raises(DataError) as err:
        load("image_folder", root=str(image_root))
    assert str(bad) in str(err.value) and "replace or delete" in err.value.fix


def test_image_folder_needs_a_folder(tmp_path):
    with pytest.raises(DataError, match="no image folder chosen"):
        load("image_folder")
    with pytest.raises(DataError, match="folder not found"):
        load("image_folder", root=str(tmp_path / "missing"))


# ---------------------------------------------------------------- CSV

def _csv(tmp_path, text, name="table.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_csv_classification_with_text_labels(tmp_path):
    rows = "\n".join(f"{i},{i * 2 % 7},{['setosa', 'virginica'][i % 2]}" for i in range(40))
    s = load("csv", root=_csv(tmp_path, "a,b,species\n" + rows + "\n"))
    assert s.info.task == "classification" and s.info.class_names == ("setosa", "virginica")
    assert s.info.input_shape == (2,) and s.train.x.dtype == torch.float32
    x, y = _pooled(s)
    assert torch.equal(y, (x[:, 0].long() % 2))  # label follows column a's parity
    assert np.allclose(s.mean.numpy(), s.train.x.double().mean(0).numpy())  # standardized with train stats


def test_csv_regression_and_target_choice(tmp_path):
    rows = "\n".join(f"{i / 10};{i % 3};{3 * i / 10 + 1}" for i in range(50))
    path = _csv(tmp_path, "x;k;y\n" + rows)
    s = load("csv", root=path, params={"target": "y"})
    assert s.info.task == "regression" and s.info.target_shape == (1,) and s.info.num_classes == 0
    x, y = _pooled(s)
    assert torch.allclose(y[:, 0], 3 * x[:, 0] + 1, atol=1e-5)
    s = load("csv", root=path, params={"target": "k"})  # few whole numbers: classification
    assert s.info.task == "classification" and s.info.class_names == ("0", "1", "2")
    s = load("csv", root=path, params={"target": "k", "task": "regression"})
    assert s.info.task == "regression"


def test_csv_text_cell_in_a_numeric_column_names_line_and_column(tmp_path):
    path = _csv(tmp_path, "a,b,label\n1,2,x\n3,four,y\n5,6,x\n")
    with pytest.raises(DataError) as err:
        load("csv", root=path)
    text = str(err.value)
    assert f"{path}:3" in text and "'b'" in text and "'four'" in text
    assert "remove the column 'b'" in err.value.fix


@pytest.mark.parametrize("text, words", [
    ("a,b,label\n1,,x\n", ["column 'a'", "is empty"][1:] + ["column 'b'"]),
    ("a,b,label\n1,2\n", ["line 2 has 2 cells"]),
    ("a,b,label\n", ["header row and at least one data row"]),
    ("", ["header row"]),
    ("only\n1\n2\n", ["only one column"]),
])
def test_bad_csv_files(tmp_path, text, words):
    with pytest.raises(DataError) as err:
        load("csv", root=_csv(tmp_path, text))
    assert all(w in str(err.value) for w in words) and err.value.fix


def test_csv_regression_target_must_be_numeric(tmp_path):
    path = _csv(tmp_path, "a,y\n1,2.5\n2,abc\n")
    with pytest.raises(DataError, match="regression needs numbers") as err:
        load("csv", root=path, params={"task": "regression"})
    assert f"{path}:3" in str(err.value)
    path = _csv(tmp_path, "a,y\n1,2.5\n2,n/a\n")  # a missing target is never filled in
    with pytest.raises(DataError, match="target column 'y' is empty") as err:
        load("csv", root=path, params={"task": "regression"})
    assert f"{path}:3" in str(err.value)


def test_csv_unknown_target_and_missing_file(tmp_path):
    path = _csv(tmp_path, "a,b\n1,2\n")
    with pytest.raises(DataError, match="no column named 'z'") as err:
        load("csv", root=path, params={"target": "z"})
    assert "a, b" in err.value.fix
    with pytest.raises(DataError, match="CSV file not found"):
        load("csv", root=str(tmp_path / "nope.csv"))
    with pytest.raises(DataError, match="no CSV file chosen"):
        load("csv")
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(DataError, match="UTF-8"):
        load("csv", root=str(tmp_path / "bin.csv"))
