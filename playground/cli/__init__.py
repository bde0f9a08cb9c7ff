"""The `playground` command line: a table of subcommands, each in its own module.

`playground` with no subcommand (or with a project file / ``--preset``) opens the app; a first word
that is neither a subcommand, an option, an existing file, a project-file name nor a preset is a
mistyped subcommand, and argparse says "invalid choice" (exit 2) instead of opening a window. Every other
subcommand lives in ``playground/cli/<name>.py`` and provides ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int``. Heavy imports (torch, Qt) happen inside ``run`` so ``--help`` is instant.
User mistakes (``PlaygroundError``) print one clear line and exit 1; they never show a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from playground import __version__
from playground.core.errors import PlaygroundError

#: subcommand name -> module under playground.cli
COMMANDS: dict[str, str] = {
    "gui": "gui",
    "presets": "presets",
    "layers": "layers",
    "check": "check",
    "export": "export",
    "datasets": "datasets",
    "train": "train",
    "screenshot": "screenshot",
    "lessons": "lessons",
    "sweep": "sweep",
}


def _load(name: str):
    return importlib.import_module(f"playground.cli.{COMMANDS[name]}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="playground",
        description="Build neural networks by dragging layers, train them with PyTorch, look inside. "
        "With no subcommand, opens the app (optionally on a project FILE or --preset NAME).",
    )
    parser.add_argument("--version", action="version", version=f"playground {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = _load(name)
        except ModuleNotFoundError:  # a subcommand whose issue has not landed yet
            continue
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def _opens_app(word: str) -> bool:
    """True when ``playground WORD ...`` means the app: an option, a file, a project path or a preset."""
    if word.startswith("-") or Path(word).exists() or Path(word).suffix in (".pgproj", ".json") or "/" in word:
        return True
    from playground.graph.project import preset_names

    return word in preset_names()


def load_project_checked(name: str):
    """A project file or preset, with every section checked (the training section's check lives in train)."""
    import playground.train.config  # noqa: F401  (registers the "training" section check)
    from playground.graph.project import load_project

    return load_project(name)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version") and _opens_app(argv[0])):
        argv = ["gui", *argv]  # `playground`, `playground FILE`, `playground --preset NAME`
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "_run"):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except PlaygroundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
