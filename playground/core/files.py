"""Atomic file writes: write a temporary file next to the target, then rename it over the target.

A crash or a full disk mid-write leaves the old file intact, never a half-written one. Owns three
more promises about that temporary file and the result:

- **No leftovers pile up.** A temporary is named ``.NAME.PID.RANDOM.tmp`` (the writer's process id
  inside). Each save first removes the temporaries of the same target whose writer is no longer
  running, and any of ours (also the older ``.NAME.RANDOM.tmp`` spelling) untouched for
  ``STALE_SECONDS``: a writer killed mid-write costs disk space only until the next save.
- **Permissions stay.** The result keeps the replaced file's mode; a new file gets the mode the
  user's umask gives (0644 under umask 022), not the 0600 of ``tempfile.mkstemp``.
- **Links stay.** When the target is a symbolic link, the file it points to is replaced (the
  temporary sits next to that file) and the link is kept.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import time
from pathlib import Path

#: a temporary whose writer cannot be shown dead is removed once untouched for this long
STALE_SECONDS = 600
_NAME_CHARS = 100  # of the target's name kept in a temporary's name (file names stop at 255 bytes)


def _stem(name: str) -> str:
    return name[:_NAME_CHARS]


def _stale_pattern(name: str) -> re.Pattern:
    """Our temporaries of ``name``: ``.NAME.PID.HEX.tmp`` now, ``.NAME.XXXXXXXX.tmp`` (mkstemp) before."""
    return re.compile(rf"\.{re.escape(_stem(name))}\.(?:(?P<pid>\d+)\.[0-9a-f]{{8}}|[a-z0-9_]{{8}})\.tmp")


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would not be a harmless probe there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's live process (or a pid we cannot ask about)
    return True


def remove_stale_temporaries(path: str | os.PathLike, *, now: float | None = None) -> list[Path]:
    """Delete leftover temporaries of ``path`` (best effort); returns the paths removed."""
    path = Path(path)
    pattern, now = _stale_pattern(path.name), time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                continue
            dead = match["pid"] is not None and not _running(int(match["pid"]))
            if dead or now - info.st_mtime > STALE_SECONDS:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


def _resolve(path: Path) -> Path:
    """The file a save should replace: the end of a chain of symbolic links, else ``path`` itself."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _open_temporary(target: Path, mode: int | None) -> tuple[int, Path]:
    """A new exclusive temporary next to ``target``; created 0666 so the umask applies, or ``mode``."""
    while True:
        tmp = target.parent / f".{_stem(target.name)}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o666 if mode is None else mode & 0o666)
        except FileExistsError:
            continue
        return fd, tmp


def _existing_mode(target: Path) -> int | None:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return None


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see the module docstring); returns ``path``."""
    path = Path(path)
    target = _resolve(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    mode = _existing_mode(target)
    fd, tmp = _open_temporary(target, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None:
                try:  # exactly the old mode (the umask may have cut the creation mode)
                    os.fchmod(fh.fileno(), mode) if hasattr(os, "fchmod") else os.chmod(tmp, mode)
                except OSError:
                    pass
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _sync_folder(target.parent)
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))
