"""The Dataset panel's download row: fetch MNIST, Fashion-MNIST or CIFAR-10 without a terminal.

Owns ``DownloadRow``: a Download button for a dataset that can be fetched (``data.download.SOURCES``)
and is not on this computer, a progress bar (bytes of the current file, and which file of how
many), Cancel, and the result in words: "ready", "cancelled", or the downloader's own message when
there is no network (what failed, then how to get the files another way). The download runs in a
plain Python thread, never in the GUI thread; progress crosses back through a queued Qt signal at
most ~10 times a second. It does not decide when to show itself (the panel calls ``offer``) and
does not load the data (the panel reloads the dataset table on ``finished``).
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from playground.ui.common import style

PROGRESS_EVERY_S = 0.1  # progress reaches the GUI at most this often


class _Signals(QObject):
    progress = Signal(str, int, int, int, int)  # file, bytes done, bytes total (0: unknown), file no., files
    done = Signal(str, str, str)  # dataset name, outcome ("ready" | "cancelled" | "failed"), message


class DownloadRow(QWidget):
    """Download / progress / Cancel for one dataset at a time."""

    finished = Signal(str, str)  # dataset name, outcome ("ready" | "cancelled" | "failed")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.name = ""
        self.title = ""
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._signals = _Signals(self)
        self._signals.progress.connect(self._show_progress)
        self._signals.done.connect(self._done)
        self.button = QPushButton("Download")
        self.button.setObjectName("dataset_download")
        self.button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("dataset_download_cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.bar.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.hide()

    # ---- what to offer -------------------------------------------------------------------------------

    def offer(self, record: dict | None) -> None:
        """Show the row for ``record`` (a ``list_datasets`` entry) when it can be downloaded and is
        missing; hide it otherwise. A download in progress stays on show."""
        from playground.data.download import SOURCES

        if self.busy():
            return
        record = record or {}
        wanted = record.get("name") in SOURCES and record.get("available") is False
        if record.get("name") != self.name:
            self.status.clear()
        self.name, self.title = str(record.get("name", "")), str(record.get("title", record.get("name", "")))
        self.button.setText(f"Download {self.title}")
        self.button.setToolTip("Fetch the files from the dataset's official mirrors into your data folder "
                               "(checked against their published checksums); nothing else is sent or kept.")
        self.setVisible(wanted or bool(self.status.text()))

    # ---- the download --------------------------------------------------------------------------------

    def busy(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self.busy() or not self.name:
            return
        from playground.data.download import SOURCES

        files = [f for f, _ in SOURCES[self.name].files]
        self._cancel = threading.Event()
        self.button.setEnabled(False)
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.bar.show()
        self.bar.setRange(0, 0)  # busy until the first byte tells the size
        self.status.setStyleSheet("")
        self.status.setText(f"Connecting to download {self.title}…")
        self.show()
        # not a daemon: ``shutdown`` joins it (a daemon inside urllib at exit is ended abruptly)
        self._thread = threading.Thread(target=self._run, args=(self.name, files, self._cancel),
                                        name="playground-dataset-download")
        self._thread.start()

    def cancel(self) -> None:
        if self.busy():
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling (at the next piece of data)…")

    def shutdown(self, timeout: float = 35.0) -> bool:
        """The window is closing: cancel and join the thread. True when no thread is left."""
        thread = self._thread
        if thread is None:
            return True
        self._cancel.set()
        thread.join(timeout)
        return not thread.is_alive()

    def _run(self, name: str, files: list[str], cancel: threading.Event) -> None:
        """The worker thread: download, report progress (throttled) and the outcome."""
        from playground.core.errors import PlaygroundError
        from playground.data.download import DownloadCancelled, download

        last = [0.0]

        def progress(filename: str, done: int, total: int | None) -> None:
            now = time.monotonic()
            if now - last[0] < PROGRESS_EVERY_S and done != total:
                return
            last[0] = now
            number = files.index(filename) + 1 if filename in files else 1
            self._emit(self._signals.progress, filename, done, total or 0, number, len(files))

        try:
            folder = download(name, progress=progress, cancel=cancel)
            outcome, message = "ready", f"{name}: ready in {folder}"
        except DownloadCancelled:
            outcome, message = "cancelled", "Download cancelled; nothing was kept."
        except PlaygroundError as exc:
            outcome, message = "failed", str(exc)
        except Exception as exc:  # a bug, but the window stays up and says what happened
            outcome, message = "failed", f"download failed: {exc.__class__.__name__}: {exc}"
        self._emit(self._signals.done, name, outcome, message)

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the panel is gone (window closed)
            pass

    # ---- the GUI thread's side -----------------------------------------------------------------------

    def _show_progress(self, filename: str, done: int, total: int, number: int, files: int) -> None:
        if not self.busy():
            return
        if total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * done / total))
            self.bar.setFormat(f"{done / 1e6:.1f} / {total / 1e6:.1f} MB")
        else:
            self.bar.setRange(0, 0)
        if not self._cancel.is_set():
            self.status.setText(f"Downloading {filename} (file {number} of {files})…")

    def _done(self, name: str, outcome: str, message: str) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(5.0)  # it has sent its last signal: it is ending
        self.button.setEnabled(True)
        self.cancel_button.hide()
        self.bar.hide()
        self.status.setStyleSheet(f"color:{style.ERROR.name()}" if outcome == "failed" else "")
        self.status.setText(message)
        self.setVisible(True)
        self.finished.emit(name, outcome)
