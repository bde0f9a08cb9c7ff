"""Keeping the window alive when a person's action fails: the dialog instead of a traceback.

A Qt slot that raises does not reach the code that triggered it: PySide prints the traceback to
stderr (through ``sys.excepthook``) and the action silently half-happens. ``SlotErrors`` collects
those reports while an action runs (the exception the action itself raises too), so the action's
owner can undo what it started and say what happened. ``guarded`` wraps a menu or toolbar slot:
anything it raises becomes one dialog saying what happened and how to fix it, and the window
carries on. This module owns the wording of those messages for unexpected errors; user mistakes
that are caught where they happen (``PlaygroundError``) keep their own located message.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

from PySide6.QtWidgets import QMessageBox

from playground.core.errors import PlaygroundError


def explain(exc: BaseException, fix: str) -> str:
    """What happened (the error in one line) and how to fix it, for a dialog."""
    if isinstance(exc, PlaygroundError):
        return str(exc)
    if isinstance(exc, RecursionError):
        what = "it is nested too deeply (lists inside lists, thousands of levels)"
    elif isinstance(exc, MemoryError):
        what = "it needs more memory than this machine has"
    else:
        text = str(exc).splitlines()[0] if str(exc) else ""
        what = f"{exc.__class__.__name__}: {text[:300]}" if text else exc.__class__.__name__
    return f"{what}.\n\n{fix}"


class SlotErrors:
    """``with SlotErrors() as caught:`` - exceptions raised in Qt slots meanwhile land in
    ``caught.errors`` instead of on stderr (the first one is enough to explain the failure)."""

    def __init__(self):
        self.errors: list[BaseException] = []
        self._saved = None

    def __enter__(self) -> "SlotErrors":
        self._saved = sys.excepthook
        sys.excepthook = self._hook
        return self

    def _hook(self, kind, value, tb) -> None:
        self.errors.append(value if value is not None else kind())

    def __exit__(self, kind, value, tb) -> bool:
        sys.excepthook = self._saved
        return False

    @property
    def first(self) -> BaseException | None:
        return self.errors[0] if self.errors else None


def call(parent, title: str, fn: Callable[[], Any], fix: str) -> Any:
    """Run ``fn``; if it (or a slot it sets off) raises, show ``title`` with what happened and
    ``fix``, and return None. The window is left as ``fn`` left it (callers that replace state
    undo it themselves: see FileController.open_path)."""
    try:
        with SlotErrors() as caught:
            result = fn()
    except Exception as exc:  # noqa: BLE001 - the point: any failure becomes a message
        caught.errors.insert(0, exc)
        result = None
    if caught.first is not None:
        QMessageBox.critical(parent, title, explain(caught.first, fix))
        return None
    return result


def guarded(parent, title: str, fn: Callable[..., Any], fix: str) -> Callable[..., Any]:
    """``fn`` as a slot that never lets an exception escape into Qt (see ``call``)."""
    def slot(*args, **kwargs):
        return call(parent, title, lambda: fn(*args, **kwargs), fix)
    return slot
