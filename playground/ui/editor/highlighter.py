"""Python source as highlighted HTML for the code view, using the standard ``tokenize`` module.

(Not a QSyntaxHighlighter: overriding its ``highlightBlock`` from Python corrupts None's reference
count in PySide6 6.12 and crashes the interpreter at exit. Colouring the finished text once is
also all a read-only view needs.)
"""

from __future__ import annotations

import html
import io
import keyword
import tokenize

#: token class -> CSS
COLORS = {
    "keyword": "color:#0033B3; font-weight:bold",
    "builtin": "color:#871094",
    "module": "color:#00627A",
    "definition": "color:#00627A; font-weight:bold",
    "number": "color:#1750EB",
    "string": "color:#067D17",
    "comment": "color:#8C8C8C; font-style:italic",
}
BUILTINS = frozenset("self super len range list dict tuple int float print True False None".split())
MODULES = frozenset({"torch", "nn", "F"})


def _kind(tok: tokenize.TokenInfo, previous: str) -> str | None:
    if tok.type == tokenize.COMMENT:
        return "comment"
    if tok.type == tokenize.STRING:
        return "string"
    if tok.type == tokenize.NUMBER:
        return "number"
    if tok.type == tokenize.NAME:
        if previous in ("def", "class"):
            return "definition"
        if keyword.iskeyword(tok.string) and tok.string not in ("True", "False", "None"):
            return "keyword"
        if tok.string in BUILTINS:
            return "builtin"
        if tok.string in MODULES:
            return "module"
    return None


def to_html(source: str) -> str:
    """``source`` as ``<pre>`` HTML with coloured spans; the visible text is exactly ``source``."""
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    out, pos, previous = [], 0, ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            kind = _kind(tok, previous)
            if tok.type == tokenize.NAME:
                previous = tok.string
            if kind is None:
                continue
            start = starts[tok.start[0] - 1] + tok.start[1]
            end = starts[tok.end[0] - 1] + tok.end[1]
            out.append(html.escape(source[pos:start]))
            out.append(f"<span style=\"{COLORS[kind]}\">{html.escape(source[start:end])}</span>")
            pos = end
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # colour what was read; the rest stays plain
    out.append(html.escape(source[pos:]))
    return "<pre>" + "".join(out) + "</pre>"
