"""The layer catalog as a table for people: what ``playground layers`` prints and the README shows.

Owns turning the ``LayerSpec`` records (``layers.py``) and their ``ParamSpec``s (``params.py``) into
plain records (``layer_records``: kind, title, category, doc, parameters with name, type, default,
range, choices and doc), into aligned text (``text_table``) and into the README's Markdown table
(``markdown_table``, between ``README_START`` and ``README_END``). Nothing here is written by hand:
a new layer kind or parameter shows up in all three. It does not know about torch or the CLI.
"""

from __future__ import annotations

from typing import Any

from playground.graph.layers import all_specs
from playground.graph.params import ParamSpec, _fmt

README_START = "<!-- layers-table:start (generated: playground layers --markdown) -->"
README_END = "<!-- layers-table:end -->"


def value_range(p: ParamSpec) -> str:
    """The values a parameter takes, in words: "1 to 4096", "at least 0", "sobel_x, sobel_y", ..."""
    if p.type == "bool":
        return "true / false"
    if p.choices:
        return ", ".join(p.choices)
    if p.type == "shape":
        return "sizes > 0, one may be -1"
    low = None if p.min is None else _fmt(p.min)
    high = None if p.max is None else _fmt(p.max)
    words = f"{low} to {high}" if low is not None and high is not None else (
        f"at least {low}" if low is not None else f"at most {high}" if high is not None else "any")
    return words + (", or same" if p.type == "padding" else "")


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def layer_records() -> list[dict]:
    """Every layer kind in catalog order, with its parameters (JSON-ready)."""
    return [{
        "kind": s.kind, "title": s.title or s.kind, "category": s.category, "doc": s.doc,
        "inputs": "any number" if s.max_inputs is None else s.max_inputs,
        "params": [{"name": p.name, "type": p.type, "default": _plain(p.default), "min": p.min, "max": p.max,
                    "choices": list(p.choices), "range": value_range(p), "doc": p.doc} for p in s.params],
    } for s in all_specs()]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "(" + ", ".join(str(v) for v in value) + ")"
    return str(value)


def text_table(records: list[dict] | None = None) -> str:
    """One block per kind: its line of doc, then its parameters, aligned (for a terminal)."""
    lines = []
    for r in records or layer_records():
        lines.append(f"{r['kind']} ({r['category']}): {r['doc']}")
        rows = [(p["name"], p["type"], _show(p["default"]), p["range"], p["doc"]) for p in r["params"]]
        widths = [max((len(row[i]) for row in rows), default=0) for i in range(4)]
        for row in rows:
            lines.append("    " + "  ".join(c.ljust(w) for c, w in zip(row[:4], widths)) + "  " + row[4])
        if not rows:
            lines.append("    (no parameters)")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(records: list[dict] | None = None) -> str:
    """The README's table, markers included: one row per parameter, one per kind without any."""
    rows = [README_START, "", "| Layer | Parameter | Type | Default | Range | Meaning |", "|---|---|---|---|---|---|"]
    for r in records or layer_records():
        if not r["params"]:
            rows.append(f"| {r['kind']} | | | | | {_cell(r['doc'])} |")
        for i, p in enumerate(r["params"]):
            layer = r["kind"] if i == 0 else ""
            rows.append(f"| {layer} | `{p['name']}` | {p['type']} | `{_show(p['default'])}` | "
                        f"{_cell(p['range'])} | {_cell(p['doc'])} |")
    rows += ["", README_END]
    return "\n".join(rows)
