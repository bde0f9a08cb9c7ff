"""`playground datasets`: list every dataset (or download one when asked).

Prints name, task, input shape, number of classes, source and whether it is available here; with
``--json`` a list of objects (``name``, ``task``, ``input_shape``, ``classes``, ``source``,
``available``, ...). ``--download NAME`` fetches MNIST, Fashion-MNIST or CIFAR-10 into the data
folder; nothing is downloaded otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys

HELP = "List the datasets (name, task, input shape, classes, source, available here), or download one."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    parser.add_argument("--folder", metavar="PATH", default=None,
                        help="also look for dataset files in this folder (or CSV file)")
    parser.add_argument("--download", metavar="NAME", default=None,
                        help="download NAME (mnist, fashion_mnist, cifar10) into the data folder, with checksums")


def _shape(shape) -> str:
    return "x".join(str(d) for d in shape) if shape else "from file"


def _table(rows: list[dict]) -> str:
    from playground.data.targets import target_form

    head = ("NAME", "TASK", "INPUT", "CLASSES", "AVAILABLE", "SOURCE")
    lines = [(r["name"], r["task"], _shape(r["input_shape"]),
              "from file" if r["input_shape"] is None else (str(r["classes"]) if target_form(r["task"]).classes else "-"),
              "yes" if r["available"] else ("choose " + r["needs_path"] if r["needs_path"] else "no"),
              r["source"]) for r in rows]
    widths = [max(len(str(x[i])) for x in [head, *lines]) for i in range(len(head) - 1)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
    return "\n".join(fmt.format(*line) for line in [head, *lines])


def _progress(name: str, done: int, total: int | None) -> None:
    size = f"{done / 1e6:.1f}" + (f" / {total / 1e6:.1f}" if total else "")
    print(f"\r{name}: {size} MB", end="", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    if args.download:
        from playground.data.download import download

        folder = download(args.download, progress=_progress)
        print(file=sys.stderr)
        print(f"{args.download}: ready in {folder}")
        return 0
    from playground.data import list_datasets

    rows = list_datasets(args.folder)
    print(json.dumps(rows, indent=2) if args.json else _table(rows))
    return 0
