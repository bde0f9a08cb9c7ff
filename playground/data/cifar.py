"""CIFAR-10 from its python pickle batches (``data_batch_1`` .. ``data_batch_5``, ``test_batch``).

Looks in the folder the user names, its ``cifar-10-batches-py/`` sub-folder, and the same places
under the per-user data folder. Pickles are read by ``safe_pickle``: nothing in them is called, not
even numpy; the pixel and label arrays are rebuilt from raw bytes with a fixed dtype, so a hostile
file can neither run code nor crash the reader. Owns CIFAR reading only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from playground.core.errors import DataError

from . import locations, safe_pickle
from .spec import DatasetSpec, Param, RawData

TRAIN = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST = "test_batch"
SUBDIR = "cifar-10-batches-py"
CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")

#: a batch is 30.7 MB (10,000 images); anything far larger is not a CIFAR-10 python batch
MAX_BATCH_BYTES = 256 * 2**20
N_PIXELS = 3 * 32 * 32


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


def _labels(value, n: int) -> np.ndarray:
    """Labels from a list of ints (the official files) or a recorded integer array, each 0..9."""
    if type(value) is list:
        if not all(type(v) is int for v in value):
            raise ValueError("'labels' holds something other than whole numbers")
        low, high = (min(value), max(value)) if value else (0, 0)
        labels = np.array(value if 0 <= low and high <= 9 else [], dtype=np.int64)
    else:
        labels = safe_pickle.to_array(value, safe_pickle.INT_CODES)
        low, high = (int(labels.min()), int(labels.max())) if labels.size else (0, 0)
        labels = labels.astype(np.int64)
    if low < 0 or high > 9:
        raise ValueError(f"labels must be 0..9, found {safe_pickle.brief(low)}..{safe_pickle.brief(high)}")
    if labels.shape != (n,):
        raise ValueError(f"expected {n} labels (one per image), found shape {labels.shape}")
    return labels


def read_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(images (N, 3, 32, 32) uint8, read-only; labels (N,) int64) from one pickle batch.

    Nothing in the pickle is called: ``safe_pickle`` records numpy's reconstruction calls and the
    arrays are rebuilt here from raw bytes with a fixed dtype (uint8 pixels, integer labels)."""
    fix = "replace it with the file from cifar-10-python.tar.gz (download it again)"
    d = safe_pickle.load(path, what="a CIFAR-10 python batch", max_bytes=MAX_BATCH_BYTES, fix=fix)
    if type(d) is not dict:
        raise DataError("not a CIFAR-10 python batch (no dictionary inside)", where=str(path), fix=fix)
    d = {k.decode("latin-1") if type(k) is bytes else k: v for k, v in d.items()}
    if "data" not in d or "labels" not in d:
        raise DataError("not a CIFAR-10 python batch (expected 'data' (N x 3072 bytes) and N 'labels')",
                        where=str(path), fix=fix)
    try:
        data = safe_pickle.to_array(d["data"], {"u1": np.uint8})
        if data.ndim != 2 or data.shape[1] != N_PIXELS:
            raise ValueError(f"expected 'data' (N x {N_PIXELS} bytes), found shape {data.shape}")
        labels = _labels(d["labels"], len(data))
    except ValueError as exc:
        raise DataError(f"not a CIFAR-10 python batch: {exc}", where=str(path), fix=fix) from None
    return data.reshape(-1, 3, 32, 32), labels  # (N, 3, 32, 32), a read-only view of the file's bytes


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
    tx, ty = (torch.from_numpy(np.array(a)) for a in read_batch(folder / TEST))  # writable copies
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
