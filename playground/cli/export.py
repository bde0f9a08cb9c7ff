"""`playground export PROJECT_OR_PRESET --format py|pt|onnx|json|script -o PATH [--checkpoint CKPT]`.

The weights: a checkpoint's (``--checkpoint``, from ``train --save`` or File > Save Trained Weights),
an exported ``.pt``'s (given as the project), else the initial ones under ``--seed``; the line printed
says which. Text formats (py, json, script) go to standard output with ``-o -``.
"""

from __future__ import annotations

import sys

HELP = ("export a network as PyTorch source (py), weights + network (pt), ONNX, a project file (json), "
        "or a standalone training script (script)")
FORMATS = ("py", "pt", "onnx", "json", "script")
TEXT_FORMATS = ("py", "json", "script")


def add_arguments(parser) -> None:
    parser.add_argument("project", metavar="PROJECT_OR_PRESET", help="a project file, a preset name, or an exported .pt")
    parser.add_argument("--format", "-f", required=True, choices=FORMATS, help="what to write")
    parser.add_argument("-o", "--output", required=True, metavar="PATH", help="where to write it ('-': standard output "
                        "for py, json and script)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the initial weights (pt, onnx)")
    parser.add_argument("--checkpoint", metavar="CKPT", help="export the trained weights saved in this checkpoint")


def _source(args):
    """(project, takeaway) for the arguments."""
    from playground.cli import load_project_checked as load_project
    from playground.nn.export import load_pt_takeaway
    from playground.train.takeaway import takeaway_for, takeaway_from_checkpoint

    if str(args.project).endswith(".pt"):
        project, takeaway = load_pt_takeaway(args.project)
    else:
        project = load_project(args.project)
        takeaway = None
    if args.checkpoint:
        return project, takeaway_from_checkpoint(project, args.checkpoint)
    if takeaway is None and args.format not in ("json", "script"):  # a script trains from the initial weights
        takeaway = takeaway_for(project, args.seed)
    return project, takeaway


def run(args) -> int:
    from playground.core.errors import ExportError

    project, takeaway = _source(args)
    if args.output == "-":
        if args.format not in TEXT_FORMATS:
            raise ExportError(f"a {args.format} file is binary and cannot go to standard output", where="-o -",
                              fix="give a file name")
        from playground.nn.export import export_text

        sys.stdout.write(export_text(project, args.format, takeaway=takeaway, seed=args.seed))
        return 0
    if args.format == "script":
        from playground.train.script_export import export_script

        written = export_script(project, args.output, takeaway=takeaway)
        print(f"wrote {', '.join(str(p) for p in written)}")
        return 0
    from playground.nn.export import export_project

    path = export_project(project, args.format, args.output, seed=args.seed, takeaway=takeaway,
                          progress=lambda text: print(text, file=sys.stderr))
    note = f" ({takeaway.note})" if takeaway is not None and args.format != "json" else ""
    print(f"wrote {path}{note}")
    if takeaway is not None and takeaway.preprocessing is None and args.format != "json":
        print("note: the dataset could not be loaded, so the export carries no normalization statistics",
              file=sys.stderr)
    return 0
