"""The only ways a user's text or value may enter generated Python source: comments, literals, names.

Generated code (``codegen``, the ``.pt`` file's ``source``, the Code panel) contains text that a
user typed or that came from a file someone sent: the project name and description, dataset and
class names, parameter values. Building source by pasting such text into quotes or docstrings lets
a name like ``MLP\"\"\";__import__("os").system(...);\"\"\"`` run code when the file is imported.
This module closes that class of bug structurally:

- ``comment(text)`` gives comment lines (``# ...``). A comment ends only at a line break, so every
  character that could break a line or is invisible/unencodable (``\\n``, ``\\r``, ``\\x0b``,
  ``\\x0c``, ``\\x1c``-``\\x1e``, ``\\x85``, ``\\u2028``, ``\\u2029``, NUL, other control
  characters, lone surrogates) is written as its escape sequence; nothing can leave the comment.
- ``literal(value)`` gives a Python literal from plain data only (None, bool, int, finite or
  non-finite float, str, and lists / tuples / dicts of them) via ``repr``, which always escapes
  quotes, backslashes and line breaks; anything else raises ``TypeError`` (a bug, not user input).
- ``identifier(name)`` returns ``name`` only when it is a plain ASCII Python identifier and not a
  keyword; else ``ValueError``. Layer names are already checked by the graph; this is the last line.

It does not decide what goes into the generated file; ``codegen`` does, using only these three.
"""

from __future__ import annotations

import keyword
import math
import re
from typing import Any

_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def one_line(text: Any) -> str:
    """``text`` as one line of printable characters: line breaks, controls and the like escaped.

    ``str.isprintable`` is False for every line or paragraph separator, control character,
    format character and surrogate, so the result has no character that ends a line, none that
    hides text, and encodes as UTF-8. Backslashes are kept as they are (a comment gives them no
    meaning); the escapes we write are for people to read.
    """
    text = str(text)
    return "".join(ch if (ch.isprintable() or ch == " ") else _escape_char(ch) for ch in text)


def comment(text: Any, prefix: str = "# ", indent: str = "") -> list[str]:
    """Comment lines saying ``text``: one per line of the original, each safe (``one_line``)."""
    lines = str(text).splitlines() or [""]
    return [f"{indent}{prefix}{one_line(line)}".rstrip() for line in lines]


def literal(value: Any) -> str:
    """A Python expression that evaluates to ``value`` (plain data only); never anything else."""
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "float('nan')"
        if math.isinf(value):
            return "float('inf')" if value > 0 else "-float('inf')"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, tuple):
        items = [literal(v) for v in value]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    if isinstance(value, list):
        return f"[{', '.join(literal(v) for v in value)}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write a {type(value).__name__} into generated source")


def _string(value: str) -> str:
    """``repr`` escapes quotes, backslashes and every non-printable character; the second pass is a
    guard that no character able to end a line ever reaches the file, whatever ``repr`` does."""
    body = repr(value)
    return "".join(ch if ch.isprintable() or ch == " " else _escape_char(ch) for ch in body)


def identifier(name: Any) -> str:
    """``name`` when it is a plain ASCII identifier that is not a Python keyword; else ValueError."""
    if not isinstance(name, str) or not _PLAIN_NAME.match(name) or keyword.iskeyword(name):
        raise ValueError(f"{name!r} cannot be written as a Python name")
    return name
