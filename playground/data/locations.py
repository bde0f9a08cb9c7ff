"""Where dataset files live: the per-user data folder, system folders, and a folder the user names.

Owns the search order for file datasets and the wording of "not found" messages. It does not read
any file format (``idx.py``, ``cifar.py``) and never downloads (``download.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

#: environment variable that replaces the per-user data folder (tests and portable installs use it)
ENV_VAR = "PLAYGROUND_DATA_DIR"

#: dataset name -> folders a distribution package installs it into
SYSTEM_DIRS: dict[str, tuple[str, ...]] = {
    "fashion_mnist": ("/usr/share/datasets/fashion-mnist",),
    "mnist": ("/usr/share/datasets/mnist",),
}

#: dataset name -> how to get the files, in words
HOW_TO_GET: dict[str, str] = {
    "fashion_mnist": "install the Debian/Ubuntu package 'dataset-fashion-mnist' "
    "(sudo apt install dataset-fashion-mnist), run 'playground datasets --download fashion_mnist', "
    "or choose a folder that holds the four IDX files",
    "mnist": "run 'playground datasets --download mnist', or choose a folder that holds the four "
    "IDX files (train-images-idx3-ubyte.gz, ...)",
    "cifar10": "run 'playground datasets --download cifar10', or choose the 'cifar-10-batches-py' "
    "folder from cifar-10-python.tar.gz",
}


def data_root() -> Path:
    """The folder that holds one sub-folder per downloaded dataset."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("playground")) / "datasets"


def dataset_dir(name: str) -> Path:
    """``<data folder>/<name>/``: where downloads for ``name`` go."""
    return data_root() / name


def search_dirs(name: str, root: str | os.PathLike | None = None) -> list[Path]:
    """Folders to look in, in order: the user's folder (and its ``<name>`` sub-folder), the data
    folder, then system folders."""
    dirs: list[Path] = []
    if root:
        user = Path(root).expanduser()
        dirs += [user, user / name]
    dirs.append(dataset_dir(name))
    dirs += [Path(d) for d in SYSTEM_DIRS.get(name, ())]
    return dirs


def describe(dirs: list[Path]) -> str:
    return ", ".join(str(d) for d in dirs)
