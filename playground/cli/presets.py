"""`playground presets [--json]`: the ready-made networks and what each shows."""

from __future__ import annotations

import json

HELP = "list the preset networks (perceptron, MLP, LeNet-5, AlexNet, VGG, ResNet, GoogLeNet, encoder-decoder)"


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list of {name, title, description, dataset}")


def run(args) -> int:
    from playground.graph.project import list_presets

    presets = list_presets()
    if args.json:
        print(json.dumps(presets, indent=2))
        return 0
    width = max(len(p["name"]) for p in presets)
    for p in presets:
        print(f"{p['name'].ljust(width)}  {p['description']}")
    return 0
