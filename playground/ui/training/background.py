"""Run slow work (an ONNX export, writing a .pt) off the GUI thread and hear back in it.

``Task`` runs a plain function in a Python thread; its Qt signals are delivered to the GUI thread
(queued), so the window keeps painting. The function must not touch widgets or the live graph:
hand it copies.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from playground.core.errors import PlaygroundError


class Task(QObject):
    finished = Signal(object)  # the function's result
    failed = Signal(str)  # a message for the person

    def __init__(self, work: Callable[[], Any], parent: QObject | None = None):
        super().__init__(parent)
        self.work = work
        self.thread: threading.Thread | None = None

    def start(self) -> "Task":
        self.thread = threading.Thread(target=self._run, name="playground-task")
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            result = self.work()
        except PlaygroundError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug, but the window stays up and says what happened
            self.failed.emit(f"{exc.__class__.__name__}: {exc}")
        else:
            self.finished.emit(result)
