"""`playground train PROJECT_OR_PRESET`: train a network headless, with a progress bar and a summary.

Loads the project or preset, its dataset (or ``--dataset``), builds the module, trains it with the
project's saved settings overridden by the options, shows a progress bar on stderr and a summary
on stdout, and with ``--out RUN.json`` writes the config, per-epoch metrics, test metrics (under
``test``: ``test.accuracy``, ``test.loss``, ``test.confusion_matrix``, ...) and ``samples_per_s``.
Exit 1 with one clear line on an invalid graph, an unavailable dataset or a NaN stop.
"""

from __future__ import annotations

import argparse
import json
import sys

HELP = "train a network headless: progress bar, summary, and a JSON report with --out"

# kept in step with the registries by tests/unit/train/test_train_cli.py
OPTIMIZER_NAMES = "sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam, adamw"
LOSS_NAMES = "auto, mse, mae, huber, cross_entropy, bce, hinge, focal, perceptron"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", metavar="PROJECT_OR_PRESET", help="a project file or a preset name (see: playground presets)")
    parser.add_argument("--dataset", metavar="NAME", help="train on this dataset instead of the project's (see: playground datasets)")
    parser.add_argument("--epochs", type=int, metavar="N", help="number of epochs")
    parser.add_argument("--batch-size", type=int, metavar="B", help="examples per batch")
    parser.add_argument("--lr", type=float, metavar="LR", help="learning rate")
    parser.add_argument("--optimizer", metavar="NAME", help=f"one of: {OPTIMIZER_NAMES}")
    parser.add_argument("--loss", metavar="NAME", help=f"one of: {LOSS_NAMES}")
    parser.add_argument("--seed", type=int, metavar="S", help="random seed (same seed, same run)")
    parser.add_argument("--device", metavar="D", help="auto (CUDA when present), cpu or cuda")
    parser.add_argument("--out", metavar="RUN.json", help="write the run's settings and metrics as JSON")


def _config(project, args):
    from playground.train import TrainConfig

    config = TrainConfig.from_dict(project.training)
    changes = {key: value for key, value in (
        ("epochs", args.epochs), ("batch_size", args.batch_size), ("lr", args.lr), ("optimizer", args.optimizer),
        ("loss", args.loss), ("seed", args.seed), ("device", args.device)) if value is not None}
    return config.replace(**changes)


def _dataset(project, name: str | None, seed: int):
    from playground.data import load

    saved = dict(project.dataset or {})
    name = name or saved.get("name")
    same = name == saved.get("name")
    extra = {key: saved[key] for key in ("split", "augment", "root") if same and saved.get(key) is not None}
    if "split" in extra:
        extra["split"] = tuple(extra["split"])
    return load(name, params=saved.get("params") if same else None, seed=seed, **extra)


def _model(project, seed: int):
    from playground.core.errors import GraphError
    from playground.graph.validate import validate
    from playground.nn.build import build_module

    problems = [issue for issue in validate(project.graph) if issue.severity == "error"]
    if problems:
        listing = "; ".join(str(issue) for issue in problems)
        raise GraphError(f"the network is not valid: {listing}", where=f"project '{project.name}'",
                         fix="run `playground check` for the details")

    def reinit(model, new_seed):
        model.load_state_dict(build_module(project.graph, seed=new_seed).state_dict())

    return build_module(project.graph, seed=seed), reinit


def report(args, project, config, splits, result) -> dict:
    """The JSON ``--out`` writes."""
    from playground.train.history import plain_json

    epochs = []
    for rec in result.history.epochs:
        row = {"epoch": rec.epoch, "step": rec.step, "lr": rec.lr, "penalty": rec.penalty,
               "samples_per_s": rec.samples_per_s, "seconds": rec.seconds}
        for split, metrics in (("train", rec.train), ("val", rec.val)):
            for name in ("loss", "accuracy", "mse", "r2"):
                value = getattr(metrics, name) if metrics is not None else None
                if value is not None:
                    row[f"{split}_{name}"] = value
        epochs.append(row)
    return plain_json({
        "format": "playground-run", "version": 1,
        "project": project.name, "source": args.project,
        "dataset": {"name": splits.info.name, "task": splits.info.task, "classes": list(splits.info.class_names),
                    "train": len(splits.train), "val": len(splits.val), "test": len(splits.test)},
        "config": config.to_dict(),
        "reason": result.reason, "message": result.message,
        "steps": result.steps, "epochs": epochs,
        "test": result.test.to_dict() if result.test is not None else None,
        "samples_per_s": result.samples_per_s, "train_seconds": result.train_seconds,
        "wall_seconds": result.wall_seconds,
    })


def _summary(result, splits) -> str:
    from playground.train.throughput import DEFINITION

    lines = [result.message[:1].upper() + result.message[1:]]  # the message already says how it ended
    if result.history.epochs:
        last = result.history.epochs[-1]
        lines.append(f"last epoch: train loss {last.train.loss:.4f}"
                     + (f", val loss {last.val.loss:.4f}" if last.val is not None else ""))
    test = result.test
    if test is not None:
        if test.accuracy is not None:
            lines.append(f"test: accuracy {test.accuracy:.4f}, loss {test.loss:.4f}"
                         + (f", AUC {test.auc_macro:.4f}" if test.auc_macro is not None else "")
                         + f" on {test.count} examples")
            if test.confusion is not None and len(test.confusion) <= 12:
                lines.append("confusion matrix (rows: true class, columns: predicted):")
                width = max(len(str(int(test.confusion.max()))), 3)
                for name, row in zip(test.class_names, test.confusion):
                    lines.append("  " + " ".join(f"{int(v):>{width}}" for v in row) + f"   {name}")
        else:
            lines.append(f"test: MSE {test.mse:.4f}, R^2 {test.r2:.4f}, loss {test.loss:.4f} on {test.count} examples")
    lines.append(f"throughput: {result.samples_per_s:,.0f} samples/s ({DEFINITION}); {result.steps} steps, "
                 f"{result.wall_seconds:.1f} s in all")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from playground.core.files import atomic_write_text
    from playground.graph.project import load_project
    from playground.train import Trainer
    from playground.train.progress import ProgressBar

    project = load_project(args.project)
    config = _config(project, args)
    splits = _dataset(project, args.dataset, config.seed)
    model, reinit = _model(project, config.seed)
    trainer = Trainer(model, splits, config, callbacks=[ProgressBar(sys.stderr)], reinit=reinit)
    print(f"training '{project.name}' on {splits.info.title}: {len(splits.train)} train / {len(splits.val)} val / "
          f"{len(splits.test)} test examples, {config.optimizer} lr {config.lr:g}, loss {trainer.objective.name}, "
          f"{config.epochs} epochs of batch {config.batch_size} on {trainer.device}", file=sys.stderr)
    result = trainer.fit()
    if args.out:
        atomic_write_text(args.out, json.dumps(report(args, project, trainer.config, splits, result), indent=1))
    if result.error is not None:
        raise result.error
    print(_summary(result, splits))
    return 0
