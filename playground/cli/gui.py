"""`playground [FILE] [--preset NAME]`: open the app (on the default demo, a project or a preset)."""

from __future__ import annotations

HELP = "open the app (default: the TF-Playground-style demo; or a project FILE, or --preset NAME)"


def add_arguments(parser) -> None:
    parser.add_argument("file", nargs="?", metavar="FILE", help="a project file (.pgproj) to open")
    parser.add_argument("--preset", metavar="NAME", help="open a preset instead (see: playground presets)")


def run(args) -> int:
    from playground.ui.app import main

    return main(args.file, args.preset)
