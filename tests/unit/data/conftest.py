"""Shared fixtures for the data tests: an isolated data folder and writers for tiny dataset files."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from playground.data import locations
from playground.data.idx import write_idx

REAL_FASHION = "/usr/share/datasets/fashion-mnist"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """PLAYGROUND_DATA_DIR points at an empty temp folder and no system folder is searched."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv(locations.ENV_VAR, str(folder))
    monkeypatch.setattr(locations, "SYSTEM_DIRS", {})
    return folder


def write_mnist(folder, *, n_train=40, n_test=20, size=28, gz=True, sep="-", seed=0):
    """Four IDX files with random images and balanced labels; returns the arrays written."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ext = ".gz" if gz else ""
    arrays = {
        "train_images": rng.integers(0, 256, (n_train, size, size), dtype=np.uint8),
        "train_labels": (np.arange(n_train) % 10).astype(np.uint8),
        "test_images": rng.integers(0, 256, (n_test, size, size), dtype=np.uint8),
        "test_labels": (np.arange(n_test) % 10).astype(np.uint8),
    }
    names = {
        "train_images": f"train-images{sep}idx3-ubyte{ext}",
        "train_labels": f"train-labels{sep}idx1-ubyte{ext}",
        "test_images": f"t10k-images{sep}idx3-ubyte{ext}",
        "test_labels": f"t10k-labels{sep}idx1-ubyte{ext}",
    }
    for role, arr in arrays.items():
        write_idx(folder / names[role], arr)
    return arrays, {role: folder / n for role, n in names.items()}


def write_cifar(folder, *, per_batch=10, seed=0):
    """Five training batches and a test batch in CIFAR-10's python pickle format."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8)
        labels = [int(v) for v in np.arange(per_batch) % 10]
        with open(folder / name, "wb") as f:
            pickle.dump({b"batch_label": name.encode(), b"data": data, b"labels": labels}, f, protocol=2)
        batches[name] = (data, labels)
    return batches


@pytest.fixture
def mnist_files():
    """``write_mnist(folder, ...)``: tiny MNIST-format files."""
    return write_mnist


@pytest.fixture
def cifar_files():
    """``write_cifar(folder, ...)``: tiny CIFAR-10 python batches."""
    return write_cifar
