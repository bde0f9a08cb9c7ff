"""Import the heavy modules (torch, code generation, export, datasets) in the background.

The window paints first; ``start`` (called after the first paint) then imports torch in a background thread, so the code view, the
export actions and the dataset panel find it loaded when a person gets to them. Widgets never
import those modules while the thread is still at it (that would block the GUI thread on the
import lock): they ask ``ready()`` or pass a callback to ``when_ready``.
"""

from __future__ import annotations

import importlib
import sys
import threading
from typing import Callable

from PySide6.QtCore import QObject, QTimer

#: what the background thread imports, in order (a missing optional one is skipped)
MODULES = ("torch", "playground.nn.codegen", "playground.nn.export", "playground.data")

_lock = threading.Lock()
_thread: threading.Thread | None = None
_done = threading.Event()
errors: dict[str, str] = {}


def _work() -> None:
    try:
        for name in MODULES:
            try:
                importlib.import_module(name)
            except Exception as exc:  # reported where the module is used
                errors[name] = f"{exc.__class__.__name__}: {exc}"
    finally:
        _done.set()


def start() -> None:
    """Begin the background import (once); cheap to call again."""
    global _thread
    with _lock:
        if _thread is not None or _done.is_set():
            return
        if all(name in sys.modules for name in MODULES):
            _done.set()
            return
        # not a daemon: interpreter shutdown waits for the import instead of killing the thread
        # inside torch's C++ (a process abort, rc 134)
        # a daemon, so it never holds the process; but every exit path calls ``finish`` first: a
        # daemon still inside torch's C++ when the interpreter finalizes is ended by pthread_exit,
        # and that aborts the process ("terminate called without an active exception", rc 134)
        _thread = threading.Thread(target=_work, name="playground-preload", daemon=True)
        _thread.start()


def ready() -> bool:
    return _done.is_set()


def wait(timeout: float | None = None) -> bool:
    """Block until the imports are done (command-line use only, never in the GUI thread)."""
    start()
    return _done.wait(timeout)


def finish(timeout: float = 120.0) -> bool:
    """At exit, while Qt still exists: wait for imports already under way (starts none)."""
    thread = _thread
    if thread is not None and thread is not threading.current_thread():
        thread.join(timeout)
    return thread is None or not thread.is_alive()


def when_ready(callback: Callable[[], None], parent: QObject) -> None:
    """Call ``callback`` in the GUI thread once the imports are done (at once if they are).

    It does not start them: the main window does, after its first paint.
    """
    if ready():
        callback()
        return
    timer = QTimer(parent)
    timer.setInterval(40)

    def tick() -> None:
        if ready():
            timer.stop()
            timer.deleteLater()
            callback()

    timer.timeout.connect(tick)
    timer.start()
