"""One error family for mistakes a user can make (bad graph, bad file, bad number, missing data).

Each error carries a message that names the place and, where we know it, the fix. The app shows
``str(error)`` in a dialog or on the command line; it never shows a traceback for these. Anything
that is *not* a ``PlaygroundError`` is a bug in Playground.
"""

from __future__ import annotations


class PlaygroundError(Exception):
    """A problem the user can fix. ``where`` names the place, ``fix`` says what to do."""

    def __init__(self, message: str, *, where: str | None = None, fix: str | None = None):
        self.message = message
        self.where = where
        self.fix = fix
        super().__init__(self.__str__())

    def __str__(self) -> str:  # "where: message; fix"
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.fix:
            text = f"{text}; {self.fix}"
        return text


class GraphError(PlaygroundError):
    """An edit that would make the layer graph invalid (duplicate name, cycle, bad parameter)."""


class ProjectFileError(PlaygroundError):
    """A project or preset file that cannot be read (corrupt, truncated, wrong version, bad value)."""


class DataError(PlaygroundError):
    """A dataset that cannot be found or read, or bad data in a user's file."""


class TrainingError(PlaygroundError):
    """Training cannot start or had to stop (mismatched loss, NaN loss, unavailable device)."""


class ExportError(PlaygroundError):
    """An export that cannot be written (unknown format, missing optional dependency)."""
