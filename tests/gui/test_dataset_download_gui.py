"""Downloading MNIST from the Dataset panel (issue 19, item 15): a Download button for a missing
dataset, progress, Cancel, the offline message, all in a worker thread. No network here: the
downloader's ``urlopen`` is monkeypatched (offline, endless) or its mirror is a file:// folder."""

from __future__ import annotations

import hashlib
import io
import time
from urllib.error import URLError

import pytest

from playground.data import download as dl
from playground.data import load, locations
from tests.gui.test_dataset_panel import choose, wait_for_preview
from tests.unit.data.conftest import write_mnist


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv(locations.ENV_VAR, str(folder))
    monkeypatch.setattr(locations, "SYSTEM_DIRS", {})
    return folder


@pytest.fixture
def panel(data_dir, make_window, qtbot):
    window = make_window("tfp_mlp")
    panel = window.dataset
    wait_for_preview(qtbot, panel, "circle")
    choose(panel, "mnist")  # missing: refused, and the download is offered
    assert panel.doc.project.dataset["name"] == "circle"
    assert "press Download below" in panel.message.text()
    assert not panel.download.isHidden() and panel.download.button.text().startswith("Download MNIST")
    yield panel
    assert panel.download.shutdown(5.0)


def test_offline_says_so_and_changes_nothing(panel, qtbot, data_dir, monkeypatch):
    def offline(url, timeout=None):
        raise URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(dl, "urlopen", offline)
    with qtbot.waitSignal(panel.download.finished, timeout=30_000) as blocker:
        panel.download.button.click()
        assert panel.download.busy() and not panel.download.button.isEnabled()  # the GUI goes on
    assert blocker.args[1] == "failed"
    text = panel.download.status.text()
    assert "could not download" in text and "name resolution" in text and "internet connection" in text
    assert panel.doc.project.dataset["name"] == "circle" and list(data_dir.iterdir()) == []
    assert not panel.download.busy() and panel.download.button.isEnabled()


def test_a_download_shows_progress_then_the_dataset_is_taken_and_previewed(panel, qtbot, data_dir, tmp_path,
                                                                          monkeypatch):
    server = tmp_path / "server"
    _, paths = write_mnist(server)
    files = tuple((p.name, hashlib.md5(p.read_bytes()).hexdigest()) for p in paths.values())
    monkeypatch.setitem(dl.SOURCES, "mnist", dl.Source(mirrors=(server.as_uri() + "/",), files=files))
    seen = []
    panel.download._signals.progress.connect(lambda *args: seen.append(args))
    with qtbot.waitSignal(panel.download.finished, timeout=30_000) as blocker:
        panel.download.button.click()
    assert blocker.args == ["mnist", "ready"]
    assert {args[0] for args in seen} == {name for name, _ in files}  # every file reported progress
    assert all(args[4] == 4 for args in seen)
    assert sorted(p.name for p in (data_dir / "mnist").iterdir()) == sorted(n for n, _ in files)
    assert panel.doc.project.dataset["name"] == "mnist"  # the choice that waited for the files
    result = wait_for_preview(qtbot, panel, "mnist")
    assert sum(result["split_sizes"].values()) == len(load("mnist").train) + len(load("mnist").val) + len(
        load("mnist").test)
    assert panel.download.isHidden() or "ready" in panel.download.status.text()


class Endless(io.RawIOBase):
    """A response that never ends (a slow, huge file): only Cancel stops it."""

    headers = {"Content-Length": str(10**9)}

    def read(self, n=-1):
        time.sleep(0.005)
        return b"\0" * 4096

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_cancel_stops_the_download_and_keeps_nothing(panel, qtbot, data_dir, monkeypatch):
    monkeypatch.setattr(dl, "urlopen", lambda url, timeout=None: Endless())
    with qtbot.waitSignal(panel.download._signals.progress, timeout=30_000):
        panel.download.button.click()
    qtbot.waitUntil(lambda: panel.download.bar.maximum() == 1000, timeout=10_000)  # a known size: a real bar
    assert panel.download.busy() and not panel.download.cancel_button.isHidden()
    with qtbot.waitSignal(panel.download.finished, timeout=30_000) as blocker:
        panel.download.cancel_button.click()
    assert blocker.args == ["mnist", "cancelled"]
    assert "cancelled" in panel.download.status.text()
    assert not (data_dir / "mnist").exists() and list(data_dir.rglob("*")) == []  # no partial file
    assert panel.doc.project.dataset["name"] == "circle"
