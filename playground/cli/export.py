"""`playground export PROJECT_OR_PRESET --format py|pt|onnx|json -o PATH`."""

from __future__ import annotations

HELP = "export a network as PyTorch source (py), weights + network (pt), ONNX, or a project file (json)"


def add_arguments(parser) -> None:
    parser.add_argument("project", metavar="PROJECT_OR_PRESET", help="a project file or a preset name")
    parser.add_argument("--format", "-f", required=True, choices=("py", "pt", "onnx", "json"), help="what to write")
    parser.add_argument("-o", "--output", required=True, metavar="PATH", help="where to write it")
    parser.add_argument("--seed", type=int, default=0, help="seed for the initial weights (pt, onnx)")


def run(args) -> int:
    from playground.cli import load_project_checked as load_project
    from playground.nn.export import export_project

    path = export_project(load_project(args.project), args.format, args.output, seed=args.seed)
    print(f"wrote {path}")
    return 0
