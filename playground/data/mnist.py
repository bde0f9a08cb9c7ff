"""MNIST and Fashion-MNIST from their four IDX files, found on disk (never downloaded here).

Looks in: the folder the user names (and its ``<name>/`` sub-folder), the per-user data folder,
then system folders such as ``/usr/share/datasets/fashion-mnist/`` (Debian's
``dataset-fashion-mnist``). Accepts ``.gz`` or raw files and the common spellings
(``train-images-idx3-ubyte``, ``train-images.idx3-ubyte``). The official 10,000-image test set is
kept as the test split unless ``official_test`` is off. Owns finding and checking these files.
"""

from __future__ import annotations

from pathlib import Path

import torch

from playground.core.errors import DataError

from . import locations
from .idx import read_idx
from .spec import DatasetSpec, Param, RawData
from .splits import EXAMPLES_PER_CLASS

#: role -> (prefix, kind) of the four files
FILES = {
    "train_images": ("train-images", "idx3-ubyte"),
    "train_labels": ("train-labels", "idx1-ubyte"),
    "test_images": ("t10k-images", "idx3-ubyte"),
    "test_labels": ("t10k-labels", "idx1-ubyte"),
}


def _candidates(prefix: str, kind: str) -> list[str]:
    return [f"{prefix}{sep}{kind}{ext}" for sep in ("-", ".") for ext in (".gz", "")]


def find_in(folder: Path) -> dict[str, Path] | None:
    """The four files in ``folder``, or None when any is missing."""
    found = {}
    for role, (prefix, kind) in FILES.items():
        hit = next((folder / c for c in _candidates(prefix, kind) if (folder / c).is_file()), None)
        if hit is None:
            return None
        found[role] = hit
    return found


def find(name: str, root: str | None = None) -> dict[str, Path] | None:
    for folder in locations.search_dirs(name, root):
        files = find_in(folder)
        if files:
            return files
    return None


def _pair(images_path: Path, labels_path: Path, n_classes: int) -> tuple[torch.Tensor, torch.Tensor]:
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or images.dtype.itemsize != 1:
        raise DataError(f"expected uint8 images of shape (N, H, W), found {images.dtype} {images.shape}",
                        where=str(images_path), fix="choose an images file (…-images-idx3-ubyte)")
    if labels.ndim != 1:
        raise DataError(f"expected a list of labels, found shape {labels.shape}", where=str(labels_path),
                        fix="choose a labels file (…-labels-idx1-ubyte)")
    if len(images) == 0:
        raise DataError("the file holds no images (its header says 0)", where=str(images_path),
                        fix="use the original file (download it again)")
    if len(labels) != len(images):
        raise DataError(f"{len(labels)} labels for {len(images)} images", where=str(labels_path),
                        fix=f"use the labels file that belongs to {images_path.name}")
    if len(labels) and (labels.min() < 0 or labels.max() >= n_classes):
        raise DataError(f"labels must be 0..{n_classes - 1}, found {labels.min()}..{labels.max()}",
                        where=str(labels_path), fix="use the original labels file")
    x = torch.from_numpy(images.astype("uint8", copy=False)).unsqueeze(1)  # (N, 1, H, W)
    return x, torch.from_numpy(labels.astype("int64"))


def _loader(name: str, classes: tuple[str, ...]):
    def load(params: dict, root, seed: int) -> RawData:
        files = find(name, root)
        if files is None:
            dirs = locations.search_dirs(name, root)
            raise DataError(
                f"{name} files not found; looked in {locations.describe(dirs)}",
                where=f"dataset '{name}'",
                fix=locations.HOW_TO_GET[name],
            )
        x, y = _pair(files["train_images"], files["train_labels"], len(classes))
        tx, ty = _pair(files["test_images"], files["test_labels"], len(classes))
        origin = str(files["train_images"].parent)
        if params["official_test"]:
            return RawData(x=x, y=y, kind="image", class_names=classes, scale=1 / 255,
                           test=(tx, ty), origin=origin)
        return RawData(x=torch.cat([x, tx]), y=torch.cat([y, ty]), kind="image", class_names=classes,
                       scale=1 / 255, origin=origin)

    return load


def _available(name: str):
    return lambda root=None: find(name, root) is not None


MNIST_CLASSES = tuple(str(i) for i in range(10))
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

_PARAMS = {
    "official_test": Param(True, None, None,
                           "keep the official 10,000 test images as the test split (the split ratios "
                           "then divide the 60,000 training images into train and validation)"),
    "examples_per_class": EXAMPLES_PER_CLASS,
}

SPECS = [
    DatasetSpec(
        name="fashion_mnist",
        title="Fashion-MNIST (28x28)",
        task="classification",
        description="70,000 small gray photos of clothes and shoes in 10 kinds (T-shirt, trouser, ...).",
        source="IDX files: /usr/share/datasets/fashion-mnist/ (apt: dataset-fashion-mnist), "
               "the data folder, or a folder you choose",
        input_shape=(1, 28, 28),
        classes=FASHION_CLASSES,
        loader=_loader("fashion_mnist", FASHION_CLASSES),
        parameters=dict(_PARAMS),
        available=_available("fashion_mnist"),
        group="files",
    ),
    DatasetSpec(
        name="mnist",
        title="MNIST handwritten digits (28x28)",
        task="classification",
        description="70,000 small gray pictures of handwritten digits 0-9.",
        source="IDX files: the data folder (playground datasets --download mnist) or a folder you choose",
        input_shape=(1, 28, 28),
        classes=MNIST_CLASSES,
        loader=_loader("mnist", MNIST_CLASSES),
        parameters=dict(_PARAMS),
        available=_available("mnist"),
        group="files",
    ),
]
