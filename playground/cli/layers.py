"""`playground layers [PROJECT_OR_PRESET] [--json | --markdown]`: every layer kind and its parameters,
from the catalog; or, given a project, that network's layers and their settings.

Prints what ``graph.layer_table`` makes: aligned text, a JSON list, or the README's Markdown table
(``--markdown``; ``--write-readme PATH`` puts it between the markers in a README in place). With a
project: one line (or JSON record) per layer: name, kind, parameter count, whether it is trainable
(its ``trainable`` switch; frozen layers are left alone by training) and its settings.
"""

from __future__ import annotations

import json

HELP = "list every layer kind with its parameters (name, type, default, range, doc)"


def add_arguments(parser) -> None:
    parser.add_argument("project", nargs="?", metavar="PROJECT_OR_PRESET",
                        help="list this network's layers (name, kind, parameters, trainable) instead of the catalog")
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


def project_layers(project) -> dict:
    """A project's layers as JSON-ready data: per layer its name, kind, parameter count, ``trainable``
    (True for layers without weights too: nothing to freeze) and settings; the trainable/frozen totals."""
    from playground.graph.summary import summarize

    summary = summarize(project.graph)
    nodes = {node.id: node for node in project.graph.nodes.values()}
    layers = [{"name": row["name"], "kind": row["kind"], "params": row["params"], "trainable": row["trainable"],
               "settings": dict(nodes[row["id"]].params)} for row in summary.rows]
    return {"project": project.name, "trainable_params": summary.trainable_params,
            "frozen_params": summary.frozen_params, "layers": layers}


def _project_text(data: dict) -> str:
    rows = [(layer["name"], layer["kind"], f"{layer['params']:,}",
             ("trainable" if layer["trainable"] else "frozen") if layer["params"] else "-") for layer in data["layers"]]
    widths = [max(len(r[k]) for r in rows + [("layer", "kind", "params", "trainable")]) for k in range(4)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip()
             for r in [("layer", "kind", "params", "trainable"), *rows]]
    lines.append(f"{data['trainable_params']:,} trainable, {data['frozen_params']:,} frozen")
    return "\n".join(lines) + "\n"


def run(args) -> int:
    if getattr(args, "project", None):
        from playground.cli import load_project_checked

        if args.markdown or args.write_readme:
            from playground.core.errors import PlaygroundError

            raise PlaygroundError("--markdown and --write-readme print the catalog, not a project's layers",
                                  fix="drop the project name, or use --json")
        data = project_layers(load_project_checked(args.project))
        print(json.dumps(data, indent=2) if args.json else _project_text(data), end="" if not args.json else "\n")
        return 0
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
