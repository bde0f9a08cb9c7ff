"""What a project file may hold, checked before its content is used: size, nesting, text, numbers.

``project.py`` reads the file's meaning; this module refuses the shapes of data that would crash
or hang the reader instead of giving a message: files larger than ``MAX_FILE_BYTES`` or not
regular files (``/dev/zero``, a pipe), JSON nested deeper than ``MAX_DEPTH`` (Python's parser
would raise RecursionError), integer literals longer than Python's 4,300-digit limit, text with
lone surrogates (it cannot be written back as UTF-8), and non-finite or absurd numbers where a
finite one is meant. Each refusal is a ``ProjectFileError`` naming the place and the fix.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from playground.core.errors import ProjectFileError

MAX_FILE_BYTES = 50 * 1024 * 1024  # the largest preset is ~30 KB; 50 MB is far beyond any real network
MAX_DEPTH = 64  # a project needs ~6 levels (project > graph > nodes > node > params > value)
MAX_COORDINATE = 1e9  # canvas positions beyond this are damage, not a layout
MAX_SEED = 2**63 - 1  # seeds go to torch and numpy as signed 64-bit numbers


def read_json(path: Path) -> Any:
    """The parsed JSON of a project file, or a ProjectFileError saying why it cannot be read."""
    where = str(path)
    try:
        if not path.is_file():
            raise ProjectFileError("is not a regular file (a folder, a device or a pipe)", where=where,
                                   fix="give the path of a .pgproj project file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ProjectFileError(f"is {size / 1e6:,.0f} MB; a project file is at most {MAX_FILE_BYTES // 2**20} MB",
                                   where=where, fix="this is not a Playground project file, or it is damaged")
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # bounded even if the file grows while we read
        if len(raw) > MAX_FILE_BYTES:
            raise ProjectFileError(f"is larger than {MAX_FILE_BYTES // 2**20} MB", where=where,
                                   fix="this is not a Playground project file, or it is damaged")
        text = raw.decode("utf-8")
    except ProjectFileError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectFileError(f"cannot be read ({exc.__class__.__name__}: {exc})", where=where) from None
    data = parse_json(text, where)
    check_values(data, path.name)
    return data


def parse_json(text: str, where: str) -> Any:
    """``json.loads`` with every failure (syntax, too many digits, too deep) as a ProjectFileError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProjectFileError(f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                               "the file may be truncated or damaged", where=where) from None
    except RecursionError:
        line, column = _too_deep_at(text)
        raise ProjectFileError(f"nests lists/objects too deeply to read (deeper than {MAX_DEPTH} levels from line "
                               f"{line}, column {column})", where=where,
                               fix="the file is damaged or not a Playground project") from None
    except (ValueError, MemoryError) as exc:  # integers over Python's 4,300-digit limit
        reason = str(exc).split(";")[0] or exc.__class__.__name__
        raise ProjectFileError(f"holds a value Playground cannot read ({reason})", where=where,
                               fix="numbers in a project file are short; the file is damaged or not a project") from None


def _too_deep_at(text: str) -> tuple[int, int]:
    """Line and column where [ / { nesting first goes past MAX_DEPTH (a scan that stops there)."""
    depth = 0
    in_string = escaped = False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1
        elif ch in "]}":
            depth -= 1
    return 1, 1


def check_values(data: Any, where: str) -> None:
    """Refuse, anywhere in the file, nesting deeper than MAX_DEPTH and text that cannot be written back
    as UTF-8 (lone surrogates such as "\\ud800"); the message names the file (``where``) and the
    place in it (``name``, ``graph.nodes[2].params``). Iterative: never recurses."""
    stack = [(data, "", 0)]
    while stack:
        value, at, depth = stack.pop()
        place = f"{where}: {at.lstrip('.')}" if at else where
        if depth > MAX_DEPTH:
            raise ProjectFileError(f"nests lists/objects more than {MAX_DEPTH} levels deep", where=place,
                                   fix="the file is damaged or not a Playground project")
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ProjectFileError("holds a broken character (a lone UTF-16 surrogate such as \\ud800)",
                                       where=place, fix="retype that text") from None
        elif isinstance(value, dict):
            stack.extend((v, f"{at}.{k}", depth + 1) for k, v in value.items())
            stack.extend((k, at, depth + 1) for k in value)
        elif isinstance(value, list):
            stack.extend((v, f"{at}[{i}]", depth + 1) for i, v in enumerate(value))


def position(value: Any, where: str) -> tuple[float, float]:
    """A node's canvas position: two finite numbers of sensible size."""
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        raise ProjectFileError(f"must be two numbers [x, y], not {show(value)}", where=where,
                               fix="write e.g. \"pos\": [120, 80], or leave it out for an automatic layout")
    try:
        x, y = float(value[0]), float(value[1])
    except OverflowError:
        x = y = math.inf
    if not (math.isfinite(x) and math.isfinite(y)) or max(abs(x), abs(y)) > MAX_COORDINATE:
        raise ProjectFileError(f"must be finite numbers within +-{MAX_COORDINATE:.0e}, not {show(value)}", where=where,
                               fix="write e.g. \"pos\": [120, 80], or leave it out for an automatic layout")
    return x, y


def text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ProjectFileError(f"must be text, not {show(value)}", where=where, fix='write it in quotes, e.g. "My network"')
    return value


def seed(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        raise ProjectFileError(f"must be a whole number from 0 to {MAX_SEED}, not {show(value)}", where=where,
                               fix="e.g. \"seed\": 0")
    return value


def clip(text: Any, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters for a message (a file may hold a megabyte in one name)."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def show(value: Any) -> str:
    """A short description of a bad value for a message (never the whole of a huge one)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**12:
        return f"a {len(str(abs(value))) if abs(value) < 10**4000 else 'many'}-digit number"
    try:
        shown = json.dumps(value, allow_nan=True, default=str) if not isinstance(value, str) else repr(value)
    except (ValueError, RecursionError):
        shown = type(value).__name__
    return clip(shown)
