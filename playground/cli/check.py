"""`playground check PROJECT_OR_PRESET [--json]`: per-layer shapes, parameters, MACs, receptive fields.

Exit 0 when the network is valid, 1 with its issues when it is not. A file that cannot be read
(or holds a bad value) is one line naming the place. A warning says when training with the
project's batch size and optimizer would need more memory than this machine has.
"""

from __future__ import annotations

import json

HELP = "check a network: per-layer output shape, parameters, MACs and receptive field; exit 1 if invalid"


def add_arguments(parser) -> None:
    parser.add_argument("project", metavar="PROJECT_OR_PRESET", help="a project file or a preset name (see: playground presets)")
    parser.add_argument("--json", action="store_true", help="print the table as JSON")


def run(args) -> int:
    from playground.cli import load_project_checked as load_project
    from playground.graph.summary import summarize
    from playground.train.config import TrainConfig, optimizer_state_slots

    project = load_project(args.project)
    config = TrainConfig.from_dict(project.training)
    summary = summarize(project.graph, config.batch_size, optimizer_state_slots(config.optimizer, config.optimizer_params))
    print(json.dumps(summary.to_json(), indent=2) if args.json else summary.to_text())
    return 0 if summary.ok else 1
