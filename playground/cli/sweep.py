"""`playground sweep PROJECT --param lr=1e-4:1:log --param batch_size=10,32 --trials N`: a headless
hyperparameter search.

Loads the project (or preset) and its dataset the way ``playground train`` does, draws the
configurations (``--search grid`` or ``random``, ``--trials`` the budget), trains them all (small
dense networks many at once in the fused engine: ``train/sweep``), prints a table sorted by
validation loss and with ``--out SWEEP.json`` writes one row per configuration: its settings,
final train/val loss and accuracy, epochs, seconds and the engine that ran it. Bad parameters,
an unwritable ``--out`` or an invalid network stop it before any training, with one clear line.
"""

from __future__ import annotations

import argparse
import json
import sys

HELP = "hyperparameter search: train many configurations of a project, print a table, write JSON rows"
# kept in step with train.sweep.space.KNOBS by tests/unit/train/test_sweep.py (the parser must not import torch)
PARAM_NAMES = "lr, batch_size, width, weight_decay, dropout, l2, optimizer, init, seed"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", metavar="PROJECT_OR_PRESET", help="a project file or a preset name")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=RANGE",
                        help="a setting to vary: lo:hi, lo:hi:log or a,b,c (repeatable). Names: " + PARAM_NAMES)
    parser.add_argument("--trials", type=int, default=16, metavar="N", help="budget: number of configurations (16)")
    parser.add_argument("--search", choices=("grid", "random"), default="random", help="grid or random (default)")
    parser.add_argument("--folds", type=int, default=0, metavar="K", help="K-fold cross-validation (0: off)")
    parser.add_argument("--epochs", type=int, metavar="E", help="epochs per configuration (default: the project's)")
    parser.add_argument("--dataset", metavar="NAME", help="sweep on this dataset instead of the project's")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the random search (0)")
    parser.add_argument("--sequential", action="store_true", help="train one configuration at a time (no vectorizing)")
    parser.add_argument("--out", metavar="SWEEP.json", help="write the rows as JSON")


def table(rows) -> str:
    """Rows as a fixed-width text table, best validation loss first."""
    if not rows:
        return "(no rows)"
    names = list(rows[0].settings)
    key = lambda r: (r.metrics.get("val_loss") is None, r.metrics.get("val_loss") or 0.0)  # noqa: E731
    cols = names + ["train_loss", "val_loss", "val_acc", "epochs", "s", "engine"]
    lines = []
    for r in sorted(rows, key=key):
        m = r.metrics
        cells = [f"{r.settings[n]:.4g}" if isinstance(r.settings[n], float) else str(r.settings[n]) for n in names]
        cells += [_num(m.get("train_loss")), _num(m.get("val_loss")), _num(m.get("val_accuracy")), str(r.epochs),
                  f"{r.seconds:.3f}", r.engine if r.status == "done" else r.status]
        lines.append(cells)
    widths = [max(len(c), *(len(line[i]) for line in lines)) for i, c in enumerate(cols)]
    fmt = lambda cells: "  ".join(c.rjust(w) for c, w in zip(cells, widths))  # noqa: E731
    return "\n".join([fmt(cols), *(fmt(line) for line in lines)])


def _num(v) -> str:
    return "-" if v is None else f"{v:.4f}"


def run(args: argparse.Namespace) -> int:
    import time

    from playground.cli import load_project_checked
    from playground.cli.train import _dataset, _problems, check_out_path
    from playground.core.errors import PlaygroundError
    from playground.core.files import atomic_write_text
    from playground.train import TrainConfig
    from playground.train.sweep import run_sweep
    from playground.train.sweep.space import SEARCHES, parse_param

    check_out_path(args.out)
    if not args.param:
        raise PlaygroundError("no parameter to vary", where="playground sweep",
                              fix="add e.g. --param lr=1e-4:1:log --param batch_size=10,32")
    if args.trials < 1:
        raise PlaygroundError(f"--trials {args.trials} is not a budget", where="playground sweep", fix="give --trials 1 or more")
    params = [parse_param(text) for text in args.param]
    project = load_project_checked(args.project)
    config = TrainConfig.from_dict(project.training)
    _problems(project, None, config)
    splits = _dataset(project, args.dataset, config.seed)
    _problems(project, splits, config)
    points = SEARCHES[args.search](params, args.trials, args.seed)
    print(f"sweeping '{project.name}' on {splits.info.title}: {len(points)} configurations ({args.search}), "
          f"{args.epochs or config.epochs} epochs each" + (f", {args.folds}-fold cross-validation" if args.folds else ""),
          file=sys.stderr)

    def progress(row, done, total):
        print(f"\r{done}/{total} configurations", end="", file=sys.stderr, flush=True)

    def status(text):
        if text is not None:
            print(text, file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    rows = run_sweep(project.graph, config, splits, points, epochs=args.epochs, folds=args.folds,
                     vectorize=not args.sequential, progress=progress, status=status)
    seconds = time.perf_counter() - t0
    print(file=sys.stderr)
    print(table(rows))
    print(f"{len(rows)} configurations in {seconds:.1f} s")
    if args.out:
        from playground.train.history import plain_json

        atomic_write_text(args.out, json.dumps(plain_json({
            "format": "playground-sweep", "version": 1, "project": project.name, "source": args.project,
            "dataset": splits.info.name, "search": args.search, "params": [p.text() for p in params],
            "trials": args.trials, "folds": args.folds, "seconds": seconds,
            "rows": [r.to_dict() for r in rows]}), indent=1))
    return 0
