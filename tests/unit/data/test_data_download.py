"""The download helper, without the network: file:// URLs and a patched urlopen."""

from __future__ import annotations

import hashlib
import io
import tarfile
from urllib.error import URLError

import pytest

from playground.core.errors import DataError
from playground.data import download as dl
from playground.data import load


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@pytest.fixture
def served(tmp_path, mnist_files):
    """Tiny MNIST files in a 'server' folder, and a Source that points at it by file:// URL."""
    server = tmp_path / "server"
    _, paths = mnist_files(server)
    files = tuple((p.name, _md5(p.read_bytes())) for p in paths.values())
    return server, dl.Source(mirrors=(server.as_uri() + "/",), files=files)


def _leftovers(folder):
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def test_download_from_a_file_url_then_load(data_dir, served, monkeypatch):
    server, source = served
    monkeypatch.setitem(dl.SOURCES, "mnist", source)
    seen = []
    folder = dl.download("mnist", progress=lambda name, done, total: seen.append(name))
    assert folder == data_dir / "mnist"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f for f, _ in source.files)  # no temp files left
    assert {f for f, _ in source.files} <= set(seen)
    assert len(load("mnist").test) == 20


def test_files_already_present_are_not_fetched_again(data_dir, served, monkeypatch):
    _, source = served
    monkeypatch.setitem(dl.SOURCES, "mnist", source)
    dl.download("mnist")

    def no_network(*args, **kwargs):
        raise AssertionError("must not open the network")

    monkeypatch.setattr(dl, "urlopen", no_network)
    assert dl.download("mnist") == data_dir / "mnist"


def test_no_network_fails_clearly_and_writes_nothing(data_dir, monkeypatch):
    def offline(url, timeout=None):
        assert timeout is not None  # every request has a timeout
        raise URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(dl, "urlopen", offline)
    with pytest.raises(DataError) as err:
        dl.download("fashion_mnist")
    text = str(err.value)
    assert "could not download train-images-idx3-ubyte.gz" in text and "name resolution" in text
    assert "fashion-mnist.s3-website" in text and "raw.githubusercontent.com" in text  # both mirrors tried
    assert "internet connection" in err.value.fix and "dataset-fashion-mnist" in err.value.fix
    assert not (data_dir / "fashion_mnist").exists()  # the folder it made is gone again


def test_connection_lost_mid_file_leaves_no_partial_file(data_dir, served, monkeypatch):
    server, source = served
    monkeypatch.setitem(dl.SOURCES, "mnist", source)

    class Dropping(io.BytesIO):
        headers = {"Content-Length": "999999"}

        def read(self, n=-1):
            if self.tell() > 10:
                raise ConnectionResetError(104, "Connection reset by peer")
            return super().read(5)

    monkeypatch.setattr(dl, "urlopen", lambda url, timeout=None: Dropping(b"x" * 100))
    with pytest.raises(DataError, match="Connection reset"):
        dl.download("mnist")
    assert _leftovers(data_dir) == []


def test_checksum_mismatch_is_refused_and_removed(data_dir, served, monkeypatch):
    server, source = served
    bad = dl.Source(mirrors=source.mirrors, files=((source.files[0][0], "0" * 32),))
    monkeypatch.setitem(dl.SOURCES, "mnist", bad)
    with pytest.raises(DataError, match="checksum mismatch"):
        dl.download("mnist")
    assert _leftovers(data_dir) == []


def test_a_complete_file_survives_a_later_failure(data_dir, served, monkeypatch):
    server, source = served
    broken = dl.Source(mirrors=source.mirrors, files=(source.files[0], ("missing.gz", "0" * 32)))
    monkeypatch.setitem(dl.SOURCES, "mnist", broken)
    with pytest.raises(DataError, match="missing.gz"):
        dl.download("mnist")
    assert _leftovers(data_dir) == ["mnist", source.files[0][0]]  # the verified file, nothing half-written


def test_cifar_archive_is_verified_and_unpacked(data_dir, tmp_path, cifar_files, monkeypatch):
    batches = tmp_path / "build" / "cifar-10-batches-py"
    cifar_files(batches)
    archive = tmp_path / "server" / "cifar-10-python.tar.gz"
    archive.parent.mkdir()
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(batches, arcname="cifar-10-batches-py")
    source = dl.Source(mirrors=(archive.parent.as_uri() + "/",),
                       files=((archive.name, _md5(archive.read_bytes())),), extract="cifar-10-batches-py")
    monkeypatch.setitem(dl.SOURCES, "cifar10", source)
    folder = dl.download("cifar10")
    assert _leftovers(folder)[0] == "cifar-10-batches-py" and not (folder / archive.name).exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    assert len(load("cifar10").test) == 10


def test_unknown_dataset_cannot_be_downloaded(data_dir):
    with pytest.raises(DataError, match="'spiral' cannot be downloaded"):
        dl.download("spiral")


def test_published_checksums_are_md5_hex():
    assert set(dl.SOURCES) == {"mnist", "fashion_mnist", "cifar10"}
    for source in dl.SOURCES.values():
        assert source.mirrors and all(m.endswith("/") for m in source.mirrors)
        for name, md5 in source.files:
            assert len(md5) == 32 and int(md5, 16) >= 0
