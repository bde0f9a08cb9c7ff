"""A small Python syntax highlighter for the code view (a table of patterns, plus docstrings)."""

from __future__ import annotations

import keyword

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat


def _fmt(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    f = QTextCharFormat()
    f.setForeground(QColor(color))
    if bold:
        f.setFontWeight(QFont.Weight.Bold)
    f.setFontItalic(italic)
    return f


#: (pattern, format, capture group) in the order they are applied; later ones win
RULES = [
    (r"\b(" + "|".join(keyword.kwlist) + r")\b", _fmt("#0033B3", bold=True), 0),
    (r"\b(self|super|len|range|list|dict|tuple|int|float|print)\b", _fmt("#871094"), 0),
    (r"\b(torch|nn|F)\b", _fmt("#00627A"), 0),
    (r"\b[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\b", _fmt("#1750EB"), 0),
    (r"\b(?:def|class)\s+(\w+)", _fmt("#00627A", bold=True), 1),
    (r"@\w+", _fmt("#9E880D"), 0),
    (r"'[^'\n]*'|\"[^\"\n]*\"", _fmt("#067D17"), 0),
    (r"#[^\n]*", _fmt("#8C8C8C", italic=True), 0),
]
DOCSTRING = _fmt("#067D17", italic=True)
IN_DOCSTRING = 1


class PythonHighlighter(QSyntaxHighlighter):
    def __init__(self, document):
        super().__init__(document)
        self.rules = [(QRegularExpression(p), f, g) for p, f, g in RULES]
        self.quotes = QRegularExpression('"""')

    def highlightBlock(self, text: str) -> None:
        for regex, fmt, group in self.rules:
            matches = regex.globalMatch(text)
            while matches.hasNext():
                m = matches.next()
                self.setFormat(m.capturedStart(group), m.capturedLength(group), fmt)
        self._docstrings(text)

    def _docstrings(self, text: str) -> None:
        self.setCurrentBlockState(0)
        start = 0 if self.previousBlockState() == IN_DOCSTRING else -1
        pos = 0
        while True:
            if start < 0:
                m = self.quotes.match(text, pos)
                if not m.hasMatch():
                    return
                start, pos = m.capturedStart(), m.capturedEnd()
            end = self.quotes.match(text, pos)
            if not end.hasMatch():
                self.setFormat(start, len(text) - start, DOCSTRING)
                self.setCurrentBlockState(IN_DOCSTRING)
                return
            self.setFormat(start, end.capturedEnd() - start, DOCSTRING)
            pos, start = end.capturedEnd(), -1
