"""A tiny Qt-free signal: models emit, views listen. Qt widgets connect plain callables to it."""

from __future__ import annotations

from typing import Any, Callable


class Signal:
    """Call every connected callback with the emitted arguments, in connection order."""

    def __init__(self) -> None:
        self._slots: list[Callable[..., Any]] = []

    def connect(self, slot: Callable[..., Any]) -> None:
        if slot not in self._slots:
            self._slots.append(slot)

    def disconnect(self, slot: Callable[..., Any]) -> None:
        if slot in self._slots:
            self._slots.remove(slot)

    def emit(self, *args: Any) -> None:
        for slot in list(self._slots):
            slot(*args)

    def __len__(self) -> int:
        return len(self._slots)
