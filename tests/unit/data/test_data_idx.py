"""MNIST / Fashion-MNIST from IDX files: found where promised, read exactly, bad files explained."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from playground.core.errors import DataError
from playground.data import DATASETS, list_datasets, load
from playground.data import locations
from playground.data.idx import DTYPES, read_idx, write_idx
from playground.data.mnist import FASHION_CLASSES

REAL = Path("/usr/share/datasets/fashion-mnist")
HAVE_REAL = (REAL / "train-images-idx3-ubyte.gz").is_file() or (REAL / "train-images-idx3-ubyte").is_file()


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(st.sampled_from([np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]),
                  hnp.array_shapes(min_dims=1, max_dims=4, max_side=5)),
       st.booleans())
def test_idx_round_trip(tmp_path_factory, array, gz):
    path = tmp_path_factory.mktemp("idx") / ("a.idx.gz" if gz else "a.idx")
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array, equal_nan=True)


def test_idx_header_layout_matches_the_format(tmp_path):
    write_idx(tmp_path / "x", np.arange(6, dtype=np.uint8).reshape(2, 3))
    data = (tmp_path / "x").read_bytes()
    assert data[:4] == bytes([0, 0, 0x08, 2]) and data[4:12] == b"\x00\x00\x00\x02\x00\x00\x00\x03"
    assert data[12:] == bytes(range(6)) and set(DTYPES) == {0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E}


@pytest.mark.parametrize("gz, sep", [(True, "-"), (False, "-"), (False, ".")])
def test_mnist_loads_from_the_data_folder(data_dir, mnist_files, gz, sep):
    arrays, _ = mnist_files(data_dir / "mnist", gz=gz, sep=sep)
    assert DATASETS["mnist"].available()
    s = load("mnist")
    assert s.info.input_shape == (1, 28, 28) and s.info.class_names == tuple("0123456789")
    assert torch.equal(s.test.x[:, 0], torch.from_numpy(arrays["test_images"]))  # official test set, in order
    assert torch.equal(s.test.y, torch.from_numpy(arrays["test_labels"].astype(np.int64)))
    pooled = torch.cat([s.train.x, s.val.x])[:, 0].numpy()
    assert sorted(r.tobytes() for r in pooled) == sorted(r.tobytes() for r in arrays["train_images"])
    assert s.origin == str(data_dir / "mnist")


def test_official_test_off_pools_and_splits_everything(data_dir, mnist_files):
    mnist_files(data_dir / "mnist", n_train=100, n_test=100)
    s = load("mnist", params={"official_test": False}, split=(0.5, 0.25, 0.25))
    assert (len(s.train), len(s.val), len(s.test)) == (100, 50, 50)


def test_fashion_mnist_from_a_folder_the_user_names(data_dir, tmp_path, mnist_files):
    mnist_files(tmp_path / "mine")
    assert not DATASETS["fashion_mnist"].available()
    assert DATASETS["fashion_mnist"].available(str(tmp_path / "mine"))
    s = load("fashion_mnist", root=str(tmp_path / "mine"))
    assert s.info.class_names == FASHION_CLASSES and len(s.test) == 20


def test_system_folder_is_searched(data_dir, tmp_path, mnist_files, monkeypatch):
    mnist_files(tmp_path / "usr-share")
    monkeypatch.setattr(locations, "SYSTEM_DIRS", {"fashion_mnist": (str(tmp_path / "usr-share"),)})
    assert load("fashion_mnist").origin == str(tmp_path / "usr-share")


def test_not_found_says_where_it_looked_and_how_to_get_it(data_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(locations, "SYSTEM_DIRS", {"fashion_mnist": ("/nonexistent/fashion-mnist",)})
    with pytest.raises(DataError) as err:
        load("fashion_mnist", root=str(tmp_path / "elsewhere"))
    text = str(err.value)
    for place in (str(tmp_path / "elsewhere"), str(data_dir / "fashion_mnist"), "/nonexistent/fashion-mnist"):
        assert place in text
    assert "dataset-fashion-mnist" in err.value.fix and "choose a folder" in err.value.fix


def test_data_folder_defaults_to_the_per_user_folder(monkeypatch):
    from platformdirs import user_data_dir

    monkeypatch.delenv(locations.ENV_VAR, raising=False)
    assert locations.dataset_dir("mnist") == Path(user_data_dir("playground")) / "datasets" / "mnist"


def _bad_file_cases(path: Path):
    raw = gzip.decompress(path.read_bytes())
    packed = path.read_bytes()
    return {
        "truncated": lambda: path.write_bytes(gzip.compress(raw[:-100])),
        "wrong magic": lambda: path.write_bytes(gzip.compress(b"\x12\x34" + raw[2:])),
        "trailing bytes": lambda: path.write_bytes(gzip.compress(raw + b"xx")),
        "broken gzip": lambda: path.write_bytes(packed[: len(packed) // 2]),
        "not gzip": lambda: path.write_bytes(b"hello world, not gzip"),
        "empty": lambda: path.write_bytes(gzip.compress(b"")),
    }


@pytest.mark.parametrize("case, words", [
    ("truncated", "cut short"), ("wrong magic", "not an IDX file"), ("trailing bytes", "longer than"),
    ("broken gzip", "gzip"), ("not gzip", "gzip"), ("empty", "not an IDX file"),
])
def test_bad_idx_files_name_the_file_and_the_fix(data_dir, mnist_files, case, words):
    _, paths = mnist_files(data_dir / "mnist")
    _bad_file_cases(paths["train_images"])[case]()
    with pytest.raises(DataError) as err:
        load("mnist")
    assert str(paths["train_images"]) in str(err.value) and words in str(err.value)
    assert err.value.fix


def test_labels_that_do_not_match_the_images(data_dir, mnist_files):
    _, paths = mnist_files(data_dir / "mnist")
    write_idx(paths["train_labels"], np.zeros(39, np.uint8))
    with pytest.raises(DataError, match="39 labels for 40 images"):
        load("mnist")
    write_idx(paths["train_labels"], np.full(40, 12, np.uint8))
    with pytest.raises(DataError, match="labels must be 0..9"):
        load("mnist")


def test_images_file_with_the_wrong_shape(data_dir, mnist_files):
    _, paths = mnist_files(data_dir / "mnist")
    write_idx(paths["train_images"], np.zeros(40, np.uint8))
    with pytest.raises(DataError, match=r"\(N, H, W\)"):
        load("mnist")


def test_unreadable_idx_file(data_dir, mnist_files, monkeypatch):
    _, paths = mnist_files(data_dir / "mnist")
    real_open = gzip.open

    def deny(path, *args, **kwargs):  # chmod 0 does not stop root, so refuse the way the OS would
        if Path(path) == paths["train_labels"]:
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(gzip, "open", deny)
    with pytest.raises(DataError) as err:
        load("mnist")
    assert "cannot read" in str(err.value) and "Permission denied" in str(err.value)
    assert str(paths["train_labels"]) in str(err.value)


@pytest.mark.skipif(not HAVE_REAL, reason="apt package dataset-fashion-mnist not installed")
def test_real_fashion_mnist_from_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.setenv(locations.ENV_VAR, str(tmp_path))  # only the system folder holds it
    assert {r["name"]: r["available"] for r in list_datasets()}["fashion_mnist"] is True
    s = load("fashion_mnist")
    assert s.origin == str(REAL)
    assert (len(s.train) + len(s.val), len(s.test)) == (60000, 10000)
    assert s.train.x.dtype == torch.uint8 and s.train.x.nbytes + s.val.x.nbytes == 60000 * 28 * 28
    counts = torch.bincount(torch.cat([s.train.y, s.val.y]), minlength=10)
    assert counts.tolist() == [6000] * 10  # Fashion-MNIST is balanced: 6000 per class in training
    assert torch.bincount(s.test.y).tolist() == [1000] * 10
    train_counts = torch.bincount(s.train.y, minlength=10)
    assert (train_counts - 6000 * 0.7 / 0.85).abs().max() <= 1  # stratified train/val
    assert 0.27 < s.mean.item() < 0.30 and 0.34 < s.std.item() < 0.37  # the usual 0.286 / 0.353
