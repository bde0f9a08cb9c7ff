"""`playground train PROJECT_OR_PRESET`: train a network headless, with a progress bar and a summary.

Loads the project or preset, its dataset (or ``--dataset``), builds the module, trains it with the
project's saved settings overridden by the options, shows a progress bar on stderr and a summary
on stdout (``--resume CKPT`` continues a saved run, ``--save CKPT`` / ``--export PATH`` keep what it
trained: ``cli/takeaway.py``), and with ``--out RUN.json`` writes the config, per-epoch metrics, test metrics (under
``test``: ``test.accuracy``, ``test.loss``, ``test.confusion_matrix``, ...) and ``samples_per_s``.
Exit 1 with one clear line on an invalid graph, an unavailable dataset or a NaN stop.

Checked before training starts, so nothing is lost: ``--out`` must name a file in an existing,
writable folder (a missing folder is an error, not created: a typo should not scatter results);
the dataset and the loss must fit the network (``train.fit_check``); training must fit in memory. The
data come from the project's own ``dataset.seed`` when it has one (as in the app), else the
training seed.
"""

from __future__ import annotations

import argparse
import json
import sys

HELP = "train a network headless: progress bar, summary, and a JSON report with --out"

# kept in step with the registries by tests/unit/train/test_train_cli.py
OPTIMIZER_NAMES = "sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam, adamw"
LOSS_NAMES = ("auto, mse, mae, huber, cross_entropy, bce, hinge, focal, perceptron, dice, iou, ce_dice, "
              "contrastive, triplet, triplet_hard, triplet_semihard, yolo")


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
    parser.add_argument("--init-from", metavar="FILE", help="start from the trained layers of another project's "
                        "checkpoint (.pgproj.pt) or exported .pt (every layer of the same name and shapes)")
    parser.add_argument("--init-layers", metavar="LAYER,...", help="with --init-from: import only these layers "
                        "(each must fit: same name and shapes)")
    parser.add_argument("--freeze", metavar="LAYER,...", help="switch 'trainable' off for these layers")
    parser.add_argument("--lr-d", type=float, metavar="LR", help="GAN only: the discriminator's learning rate (else --lr)")
    parser.add_argument("--d-steps", type=int, metavar="K", help="GAN only: discriminator steps per generator step (1)")
    # taking the run away (playground/cli/takeaway.py)
    from playground.cli.takeaway import add_train_arguments

    add_train_arguments(parser)


def _config(project, args):
    from playground.train import TrainConfig

    config = TrainConfig.from_dict(project.training)
    changes = {key: value for key, value in (
        ("epochs", args.epochs), ("batch_size", args.batch_size), ("lr", args.lr), ("optimizer", args.optimizer),
        ("loss", args.loss), ("seed", args.seed), ("device", args.device)) if value is not None}
    return config.replace(**changes)


def _dataset(project, name: str | None, seed: int):
    """The project's dataset (its own seed when it has one, like the app), or ``name`` instead."""
    from playground.data import load

    saved = dict(project.dataset or {})
    name = name or saved.get("name")
    same = name == saved.get("name")
    extra = {key: saved[key] for key in ("split", "augment") if same and saved.get(key) is not None}
    if same and saved.get("path"):
        extra["root"] = saved["path"]  # the project's CSV file or image folder
    if "split" in extra:
        extra["split"] = tuple(extra["split"])
    data_seed = saved.get("seed", seed) if same else seed
    return load(name, params=saved.get("params") if same else None, seed=data_seed, **extra)


def _problems(project, splits, config) -> None:
    """Refuse an invalid graph, or one that the loaded dataset or the loss does not fit
    (``train.fit_check``, the check the app's Problems panel and ``playground check`` run), naming
    every problem."""
    from playground.core.errors import GraphError
    from playground.graph.validate import validate
    from playground.train.fit_check import fit_issues, loaded_facts

    problems = [issue for issue in validate(project.graph) if issue.severity == "error"]
    if not problems and splits is not None:
        issues = fit_issues(project.graph, None, project.dataset, config.to_dict(), facts=loaded_facts(splits.info))
        problems = [issue for issue in issues if issue.severity == "error"]
    if problems:
        listing = "; ".join(issue.message for issue in problems)
        raise GraphError(f"the network is not valid: {listing}", where=f"project '{project.name}'",
                         fix="run `playground check` for the details")


def _model(project, config):
    from playground.nn.build import build_module
    from playground.train.config import optimizer_state_slots

    slots = optimizer_state_slots(config.optimizer, config.optimizer_params)

    def reinit(model, new_seed):
        model.load_state_dict(build_module(project.graph, seed=new_seed).state_dict())

    return build_module(project.graph, seed=config.seed, batch_size=config.batch_size, state_slots=slots), reinit


def _freeze(project, names: str | None) -> None:
    from playground.core.errors import GraphError

    for name in [n.strip() for n in (names or "").split(",") if n.strip()]:
        node = project.graph.by_name(name)
        if node is None or node.spec.param("trainable") is None:
            raise GraphError(f"cannot freeze '{name}': no layer with weights of that name", where="--freeze",
                             fix="name layers from `playground check`, separated by commas")
        project.graph.set_param(node.id, "trainable", False)


def _init_from(model, path: str | None, only: str | None = None) -> None:
    from playground.core.errors import PlaygroundError

    if not path:
        if only:
            raise PlaygroundError("--init-layers needs --init-from FILE", where="--init-layers",
                                  fix="name the checkpoint or .pt the layers come from")
        return
    from playground.nn.transfer import import_layers, read_source_state, source_layers

    state = read_source_state(path)
    names = [n for n in source_layers(state) if n in dict(model.named_modules())]
    if only:
        names = [n.strip() for n in only.split(",") if n.strip()]
    problems = import_layers(state, model, names)
    if only and problems:
        raise PlaygroundError(f"cannot import {'; '.join(problems)}", where="--init-layers",
                              fix="name only layers with the same name and shapes in both networks")
    kept = [n for n in names if not any(p.startswith(f"{n}:") for p in problems)]
    print(f"imported {len(kept)} layer(s) from {path}: {', '.join(kept) or 'none'}", file=sys.stderr)
    for problem in problems:
        print(f"  not imported: {problem}", file=sys.stderr)


def check_out_path(out: str | None) -> None:
    """Refuse an ``--out`` that could not be written, before training (a directory, a missing or
    read-only folder), by creating and removing a temporary file where the report will go."""
    import os
    import tempfile
    from pathlib import Path

    from playground.core.errors import PlaygroundError

    if out is None:
        return
    path = Path(out)
    if path.is_dir():
        raise PlaygroundError("is a folder", where=f"--out {out}", fix=f"name a file in it, e.g. {path / 'run.json'}")
    if not path.parent.is_dir():
        raise PlaygroundError(f"the folder '{path.parent}' does not exist", where=f"--out {out}",
                              fix=f"create it first (mkdir -p {path.parent}) or pick another place")
    try:
        fd, probe = tempfile.mkstemp(prefix=".playground-probe.", dir=path.parent)
        os.close(fd)
        os.unlink(probe)
        if path.exists() and not os.access(path, os.W_OK):
            raise PermissionError(f"'{path}' is read-only")
    except OSError as exc:
        raise PlaygroundError(f"cannot be written ({exc.__class__.__name__}: {exc.strerror or exc})",
                              where=f"--out {out}", fix="pick a folder you can write to") from None


def report(args, project, config, splits, result, engine: str = "torch") -> dict:
    """The JSON ``--out`` writes; ``engine``: "fast" (the fused engine ran the last steps) or "torch"."""
    from playground.train.history import plain_json

    epochs = []
    for rec in result.history.epochs:
        row = {"epoch": rec.epoch, "step": rec.step, "lr": rec.lr, "penalty": rec.penalty,
               "samples_per_s": rec.samples_per_s, "seconds": rec.seconds}
        for split, metrics in (("train", rec.train), ("val", rec.val)):
            for name in ("loss", "accuracy", "mse", "r2", "map50"):
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
        "engine": engine, "samples_per_s": result.samples_per_s,
        "epochs_per_s": len(result.history.epochs) / result.train_seconds if result.train_seconds > 0 else 0.0,
        "train_seconds": result.train_seconds,
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
        from playground.train.tasks import get_task

        if not test.count:
            lines.append("test: the test split is empty")
        else:
            lines.append(get_task(test.task).summary(test))
            if test.confusion is not None and len(test.confusion) <= 12:
                lines.append("confusion matrix (rows: true class, columns: predicted):")
                width = max(len(str(int(test.confusion.max()))), 3)
                for name, row in zip(test.class_names, test.confusion):
                    lines.append("  " + " ".join(f"{int(v):>{width}}" for v in row) + f"   {name}")
    lines.append(f"throughput: {result.samples_per_s:,.0f} samples/s ({DEFINITION}); {result.steps} steps, "
                 f"{result.wall_seconds:.1f} s in all")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from playground.cli import load_project_checked as load_project
    from playground.core.files import atomic_write_text
    from playground.train import Trainer
    from playground.train.progress import ProgressBar

    check_out_path(args.out)
    project = load_project(args.project)
    from playground.train.gan.pair import is_gan

    if is_gan(project.graph):  # a generator and a discriminator: trained alternately (cli/gan_train.py)
        from playground.cli import gan_train

        return gan_train.run(args, project)
    config = _config(project, args)
    from playground.cli.takeaway import before_training, resumed_config

    config = resumed_config(args, config)
    _freeze(project, args.freeze)
    _problems(project, None, config)
    model, reinit = _model(project, config)  # refuses one that would not fit in memory, before the data
    _init_from(model, args.init_from, args.init_layers)
    splits = _dataset(project, args.dataset, config.seed)
    _problems(project, splits, config)
    trainer = Trainer(model, splits, config, callbacks=[ProgressBar(sys.stderr)], reinit=reinit)
    before_training(args, trainer, config)
    print(f"training '{project.name}' on {splits.info.title}: {len(splits.train)} train / {len(splits.val)} val / "
          f"{len(splits.test)} test examples, {config.optimizer} lr {config.lr:g}, loss {trainer.objective.name}, "
          f"{config.epochs} epochs of batch {config.batch_size} on {trainer.device}", file=sys.stderr)
    result = trainer.fit()
    if args.out:
        atomic_write_text(args.out, json.dumps(report(args, project, trainer.config, splits, result, trainer.engine),
                                               indent=1))
    from playground.cli.takeaway import after_training

    after_training(args, project, trainer)
    if result.error is not None:
        raise result.error
    print(_summary(result, splits))
    return 0
