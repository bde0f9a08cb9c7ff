"""`playground layers [--json | --markdown]`: every layer kind and its parameters, from the catalog.

Prints what ``graph.layer_table`` makes: aligned text, a JSON list, or the README's Markdown table
(``--markdown``; ``--write-readme PATH`` puts it between the markers in a README in place).
"""

from __future__ import annotations

import json

HELP = "list every layer kind with its parameters (name, type, default, range, doc)"


def add_arguments(parser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print a JSON list of {kind, category, doc, params}")
    group.add_argument("--markdown", action="store_true", help="print the README's Markdown table")
    group.add_argument("--write-readme", metavar="README", help="replace the table between the markers in README")


def replace_table(text: str, table: str) -> str:
    """``text`` with the part between the table's markers (markers included) replaced by ``table``."""
    from playground.core.errors import PlaygroundError
    from playground.graph.layer_table import README_END, README_START

    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise PlaygroundError(f"the README has no layer table markers ({README_START} ... {README_END})",
                              fix="put both marker lines where the table belongs, then run this again")
    return text[:start] + table + text[end + len(README_END):]


def run(args) -> int:
    from playground.graph.layer_table import layer_records, markdown_table, text_table

    records = layer_records()
    if args.json:
        print(json.dumps(records, indent=2))
    elif args.markdown:
        print(markdown_table(records))
    elif args.write_readme:
        from pathlib import Path

        from playground.core.files import atomic_write_text

        path = Path(args.write_readme)
        atomic_write_text(path, replace_table(path.read_text(encoding="utf-8"), markdown_table(records)))
        print(f"wrote the layer table into {path}")
    else:
        print(text_table(records), end="")
    return 0
