"""`playground check PROJECT_OR_PRESET [--json]`: per-layer shapes, parameters, MACs, receptive fields,
and whether the network fits the project's dataset and loss (``train.fit_check``).

Exit 0 when the network is valid and fits its data, 1 with its issues (and their fixes) when not.
A file that cannot be read (or holds a bad value) is one line naming the place. A warning says when
training with the project's batch size and optimizer would need more memory than this machine has.
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

    from playground.train.fit_check import project_fit_issues

    project = load_project(args.project)
    config = TrainConfig.from_dict(project.training)
    summary = summarize(project.graph, config.batch_size, optimizer_state_slots(config.optimizer, config.optimizer_params))
    fit = project_fit_issues(project) if summary.ok else []
    names = {node.id: node.name for node in project.graph.nodes.values()}
    if args.json:
        data = summary.to_json()
        data["fit"] = [{"node": names.get(i.node_id), "severity": i.severity, "message": i.message,
                        "fix": i.fix.label if i.fix else None} for i in fit]
        data["ok"] = bool(data.get("ok", summary.ok)) and not any(i.severity == "error" for i in fit)
        print(json.dumps(data, indent=2))
    else:
        print(summary.to_text())
        dataset = (project.dataset or {}).get("name", "?")
        for issue in fit:
            print(f"{issue.severity} (network and dataset '{dataset}'): {issue.message}")
            if issue.fix:
                print(f"  fix in the app (Problems panel, one click): {issue.fix.label}")
    return 0 if summary.ok and not any(i.severity == "error" for i in fit) else 1
