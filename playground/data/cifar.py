"""CIFAR-10 from its python pickle batches (``data_batch_1`` .. ``data_batch_5``, ``test_batch``).

Looks in the folder the user names, its ``cifar-10-batches-py/`` sub-folder, and the same places
under the per-user data folder. Pickles are read with a restricted unpickler that only builds
dicts, lists, bytes and numpy arrays, so a hostile file cannot run code. Owns CIFAR reading only.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import torch

from playground.core.errors import DataError

from . import locations
from .spec import DatasetSpec, Param, RawData

TRAIN = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST = "test_batch"
SUBDIR = "cifar-10-batches-py"
CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")

#: (module, name) pairs a CIFAR pickle may refer to: numpy's array reconstruction, nothing that runs code
_ALLOWED = {
    (mod, name)
    for mod in ("numpy.core.multiarray", "numpy._core.multiarray", "numpy")
    for name in ("_reconstruct", "ndarray", "dtype", "scalar")
} | {("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
      ("_codecs", "encode")}  # protocol-2 pickles written by Python 3 spell bytes this way


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")


def _folders(root: str | None) -> list[Path]:
    out = []
    for d in locations.search_dirs("cifar10", root):
        out += [d, d / SUBDIR]
    return out


def find(root: str | None = None) -> Path | None:
    for folder in _folders(root):
        if all((folder / f).is_file() for f in (*TRAIN, TEST)):
            return folder
    return None


def read_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(images (N, 3, 32, 32) uint8, labels (N,) int64) from one pickle batch."""
    fix = "replace it with the file from cifar-10-python.tar.gz (download it again)"
    try:
        with open(path, "rb") as f:
            d = _SafeUnpickler(f, encoding="bytes").load()
    except OSError as exc:
        raise DataError(f"cannot read the file ({exc.strerror or exc})", where=str(path), fix=fix) from None
    except Exception as exc:  # a damaged pickle can raise almost anything
        raise DataError(f"not a CIFAR-10 python batch ({type(exc).__name__}: {exc})", where=str(path),
                        fix=fix) from None
    if not isinstance(d, dict):
        raise DataError("not a CIFAR-10 python batch (no dictionary inside)", where=str(path), fix=fix)
    d = {k.decode() if isinstance(k, bytes) else k: v for k, v in d.items()}
    data, labels = d.get("data"), d.get("labels")
    try:
        data = np.asarray(data, dtype=np.uint8)
        labels = np.asarray(labels, dtype=np.int64)
        ok = data.ndim == 2 and data.shape[1] == 3072 and labels.shape == (len(data),)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise DataError("expected 'data' (N x 3072 bytes) and N 'labels'", where=str(path), fix=fix)
    if len(labels) and (labels.min() < 0 or labels.max() > 9):
        raise DataError(f"labels must be 0..9, found {labels.min()}..{labels.max()}", where=str(path), fix=fix)
    return data.reshape(-1, 3, 32, 32), labels  # (N, 3, 32, 32)


def load(params: dict, root, seed: int) -> RawData:
    folder = find(root)
    if folder is None:
        raise DataError(
            f"CIFAR-10 batches not found; looked in {locations.describe(_folders(root))}",
            where="dataset 'cifar10'",
            fix=locations.HOW_TO_GET["cifar10"],
        )
    parts = [read_batch(folder / f) for f in TRAIN]
    x = torch.from_numpy(np.concatenate([p[0] for p in parts]))
    y = torch.from_numpy(np.concatenate([p[1] for p in parts]))
    tx, ty = (torch.from_numpy(a) for a in read_batch(folder / TEST))
    common = dict(kind="image", class_names=CLASSES, scale=1 / 255, origin=str(folder))
    if params["official_test"]:
        return RawData(x=x, y=y, test=(tx, ty), **common)
    return RawData(x=torch.cat([x, tx]), y=torch.cat([y, ty]), **common)


SPECS = [
    DatasetSpec(
        name="cifar10",
        title="CIFAR-10 (32x32 colour)",
        task="classification",
        description="60,000 tiny colour photos of 10 things: airplane, car, bird, cat, deer, dog, frog, ...",
        source="CIFAR-10 python batches: the data folder (playground datasets --download cifar10) "
               "or a folder you choose",
        input_shape=(3, 32, 32),
        classes=CLASSES,
        loader=load,
        parameters={
            "official_test": Param(True, None, None,
                                   "keep the official 10,000 test images as the test split (the split "
                                   "ratios then divide the 50,000 training images into train and validation)"),
        },
        available=lambda root=None: find(root) is not None,
        group="files",
    ),
]
