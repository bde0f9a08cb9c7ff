"""The crash autosave, one file per running instance: what a second window must never touch.

Each instance (``Autosave``) writes its unsaved work to its own ``autosave-<pid>-<tag>.pgproj`` in
the autosave folder and holds ``autosave-<pid>-<tag>.lock`` (a QLockFile) for as long as it runs. A
clean exit deletes both. At start, ``orphans`` lists only files whose lock nobody holds any more:
their instance crashed or was killed (QLockFile sees that the process in the lock is gone). A
running instance's file is never offered, never deleted. While an orphan is being offered this
instance holds its lock, so two windows starting together cannot both restore (or delete) it.

The single ``autosave.pgproj`` of older versions is offered like an orphan. This module owns the
files and locks; the question and the restoring are FileController's.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLockFile

from playground.core.files import atomic_write_text
from playground.ui.common import config

PREFIX, SUFFIX, LOCK = "autosave-", ".pgproj", ".lock"
LEGACY = "autosave.pgproj"  # one file shared by every instance (before per-instance autosaves)


def _lock(path: Path) -> QLockFile:
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # stale only when its process is gone, however old
    return lock


@dataclass
class Orphan:
    """An autosave left by an instance that is no longer running; its lock is ours meanwhile."""

    path: Path
    lock: QLockFile | None

    @property
    def mtime(self) -> float:
        try:
            return self.path.stat().st_mtime
        except OSError:
            return 0.0

    def discard(self) -> None:
        """The person declined it (or it was restored): delete it and its lock."""
        self.path.unlink(missing_ok=True)
        self.release()

    def release(self) -> None:
        """Leave it for a later start (another orphan was restored instead)."""
        if self.lock is not None:
            self.lock.unlock()  # removes the lock file: the next start finds it unlocked again
            self.lock = None


class Autosave:
    """This instance's autosave file and the lock that says it is still running."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder is not None else config.autosave_dir()
        self.tag = f"{os.getpid()}-{secrets.token_hex(3)}"
        self.path = self.folder / f"{PREFIX}{self.tag}{SUFFIX}"
        self.lock: QLockFile | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.lock = _lock(self.folder / f"{PREFIX}{self.tag}{LOCK}")
            if not self.lock.tryLock(0):  # cannot happen for a fresh tag, but never share a file
                self.lock = None
        except OSError:
            self.lock = None  # an unwritable folder: autosave reports it when it tries to write

    def write(self, text: str) -> Path:
        return atomic_write_text(self.path, text)

    def remove(self) -> None:
        """The work is saved (or discarded): nothing to restore after a crash."""
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        """A clean exit: no file, no lock."""
        self.remove()
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None

    def orphans(self) -> list[Orphan]:
        """Autosaves of instances that are no longer running, newest first, each claimed (locked)
        by this instance until it is discarded or released."""
        found: list[Orphan] = []
        try:
            paths = sorted(self.folder.glob(f"{PREFIX}*{SUFFIX}"))
        except OSError:
            return []
        for path in paths:
            if path == self.path:
                continue
            lock = _lock(path.with_suffix(LOCK))
            if lock.tryLock(0):  # nobody holds it: its instance is gone
                found.append(Orphan(path, lock))
        legacy = self.folder / LEGACY
        if legacy.exists():
            found.append(Orphan(legacy, None))
        return sorted(found, key=lambda o: o.mtime, reverse=True)
