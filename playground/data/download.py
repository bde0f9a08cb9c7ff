"""Download MNIST, Fashion-MNIST and CIFAR-10 into the data folder, only when the user asks.

Each file is streamed with ``urllib`` (with a timeout) into a hidden temporary file beside its
final place, its MD5 checked against the published value, then moved into place with
``os.replace``; CIFAR's archive is extracted into a temporary folder that is renamed when complete.
With no network, a bad mirror or a wrong checksum the result is a DataError, and no partial file
is left behind. A ``cancel`` event (set from another thread: the app's Cancel button) stops the
download at the next chunk with ``DownloadCancelled``, also leaving nothing behind. Files already present with the right checksum are not fetched again. Owns
downloading only; reading is ``mnist.py`` / ``cifar.py``.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.error import URLError
from urllib.request import urlopen

from playground.core.errors import DataError

from . import locations


@dataclass(frozen=True)
class Source:
    mirrors: tuple[str, ...]  # base URLs, tried in order
    files: tuple[tuple[str, str], ...]  # (file name, md5)
    extract: str | None = None  # folder inside the archive to keep (CIFAR)


SOURCES: dict[str, Source] = {
    "mnist": Source(
        mirrors=("https://ossci-datasets.s3.amazonaws.com/mnist/",
                 "https://storage.googleapis.com/cvdf-datasets/mnist/"),
        files=(("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
               ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
               ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
               ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")),
    ),
    "fashion_mnist": Source(
        mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                 "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
        files=(("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
               ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
               ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
               ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")),
    ),
    "cifar10": Source(
        mirrors=("https://www.cs.toronto.edu/~kriz/",),
        files=(("cifar-10-python.tar.gz", "c58f30108f718f92721af3b95e74349a"),),
        extract="cifar-10-batches-py",
    ),
}

CHUNK = 1 << 20
_NETWORK_ERRORS = (URLError, OSError, http.client.HTTPException, ValueError)

Progress = Callable[[str, int, int | None], None]  # (file name, bytes so far, total or None)


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _ChecksumError(Exception):
    pass


class DownloadCancelled(DataError):
    """The person cancelled the download (``cancel`` was set); nothing partial was kept."""


def _check(name: str, cancel) -> None:
    if cancel is not None and cancel.is_set():
        raise DownloadCancelled("download cancelled", where=f"download '{name}'",
                                fix="start it again when you want the files")


def _cancellable(name: str, progress: Progress | None, cancel) -> Progress | None:
    if cancel is None:
        return progress

    def report(filename: str, done: int, total: int | None) -> None:
        _check(name, cancel)
        if progress:
            progress(filename, done, total)

    return report


def _fetch(url: str, target: Path, md5: str, timeout: float, progress: Progress | None) -> None:
    """Stream ``url`` into a temporary file next to ``target``, check it, move it into place."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        digest = hashlib.md5(usedforsecurity=False)
        with os.fdopen(fd, "wb") as out, urlopen(url, timeout=timeout) as response:
            total = response.headers.get("Content-Length") if getattr(response, "headers", None) else None
            total, done = (int(total) if total else None), 0
            for chunk in iter(lambda: response.read(CHUNK), b""):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress:
                    progress(target.name, done, total)
        if digest.hexdigest() != md5:
            raise _ChecksumError(f"checksum mismatch (got md5 {digest.hexdigest()}, expected {md5})")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _extract(archive: Path, keep: str, dest: Path) -> None:
    """Unpack ``keep/`` from ``archive`` into ``dest/keep`` via a temporary folder, then drop the archive."""
    tmp = Path(tempfile.mkdtemp(dir=dest, prefix=".extract-"))
    try:
        try:
            with tarfile.open(archive, "r:*") as tar:
                tar.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise DataError(f"cannot unpack the archive ({exc})", where=str(archive),
                            fix="delete it and download again") from None
        if not (tmp / keep).is_dir():
            raise DataError(f"the archive has no '{keep}' folder", where=str(archive),
                            fix="delete it and download again")
        if (dest / keep).exists():
            shutil.rmtree(dest / keep)
        os.replace(tmp / keep, dest / keep)
        archive.unlink()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _done(name: str, source: Source, dest: Path) -> bool:
    if source.extract:
        return (dest / source.extract).is_dir() and any((dest / source.extract).iterdir())
    return all((dest / f).is_file() and md5_of(dest / f) == md5 for f, md5 in source.files)


def download(name: str, *, dest: str | os.PathLike | None = None, timeout: float = 30.0,
             progress: Progress | None = None, cancel=None) -> Path:
    """Fetch dataset ``name`` into ``dest`` (default: the per-user data folder); return the folder.
    ``cancel``: a ``threading.Event``; once set, the download stops at its next chunk."""
    if name not in SOURCES:
        raise DataError(f"'{name}' cannot be downloaded", where="download",
                        fix=f"choose one of: {', '.join(SOURCES)}")
    source = SOURCES[name]
    progress = _cancellable(name, progress, cancel)
    dest = Path(dest) if dest else locations.dataset_dir(name)
    created = not dest.exists()
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create the folder ({exc.strerror or exc})", where=str(dest),
                        fix="choose a folder you may write to") from None
    try:
        if _done(name, source, dest):
            return dest
        for filename, md5 in source.files:
            target = dest / filename
            if target.is_file() and md5_of(target) == md5:
                continue
            _check(name, cancel)  # a cancel before the first byte counts too
            _fetch_any(name, source, filename, md5, target, timeout, progress)
            if source.extract:
                _extract(target, source.extract, dest)
    except BaseException:
        if created and dest.is_dir() and not any(dest.iterdir()):
            dest.rmdir()
        raise
    return dest


def _fetch_any(name, source, filename, md5, target, timeout, progress) -> None:
    reasons = []
    for base in source.mirrors:
        url = base + filename
        try:
            _fetch(url, target, md5, timeout, progress)
            return
        except _ChecksumError as exc:
            reasons.append(f"{url}: {exc}")
        except _NETWORK_ERRORS as exc:
            reasons.append(f"{url}: {getattr(exc, 'reason', None) or exc}")
    offline = locations.HOW_TO_GET.get(name, "choose a folder that already holds the files")
    raise DataError(
        f"could not download {filename} (no network, or the server refused): {'; '.join(reasons)}",
        where=f"download '{name}'",
        fix=f"check the internet connection and try again, or {offline}",
    )
