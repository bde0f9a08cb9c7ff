"""The take-away options of `playground train` (``--resume``, ``--save``, ``--export``) and their work.

``--resume CKPT`` loads a checkpoint (weights, optimizer, counters, curves, random streams) into the
Trainer before it trains; ``--epochs`` then counts all epochs, the saved ones included, and the other
options given on the command line still apply. After training, ``--save CKPT`` writes a checkpoint
and ``--export PATH`` writes the trained network (format from the suffix: .py, .pt, .onnx), each saying
on stderr which weights it wrote. Kept out of ``cli/train.py`` so that module stays about training.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playground.core.errors import ExportError

EXPORT_SUFFIXES = {".py": "py", ".pt": "pt", ".onnx": "onnx"}


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--resume", metavar="CKPT", help="continue the run saved in this checkpoint (from --save, or "
                        "File > Save Trained Weights); --epochs counts the saved epochs too")
    parser.add_argument("--save", metavar="CKPT", help="after training, write a checkpoint (weights, optimizer "
                        "state, settings, curves) that --resume or the app can continue")
    parser.add_argument("--export", metavar="PATH", help="after training, export the trained network: .py, .pt "
                        "or .onnx (by the suffix), with its preprocessing")


def export_format(path: str) -> str:
    fmt = EXPORT_SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        raise ExportError(f"cannot tell the export format of '{path}'", where="--export",
                          fix=f"end the name with one of: {', '.join(EXPORT_SUFFIXES)}")
    return fmt


def resumed_config(args, config):
    """With ``--resume`` and no ``--seed``: the saved run's seed, so the data splits are the saved run's."""
    if not getattr(args, "resume", None) or args.seed is not None:
        return config
    from playground.train.checkpoint import read_checkpoint

    saved = read_checkpoint(args.resume).get("config") or {}
    return config.replace(seed=saved["seed"]) if isinstance(saved.get("seed"), int) else config


def before_training(args, trainer, config) -> None:
    if getattr(args, "export", None):
        export_format(args.export)  # a bad name fails before the training, not after
    if not getattr(args, "resume", None):
        return
    from playground.train.checkpoint import load_checkpoint

    given = {key: getattr(config, key) for key, value in (("epochs", args.epochs), ("batch_size", args.batch_size),
                                                           ("lr", args.lr)) if value is not None}
    state = load_checkpoint(trainer, args.resume, **given)
    print(f"resumed {args.resume}: step {state.get('step', 0):,}, epoch {state.get('epoch', 0)} of "
          f"{trainer.config.epochs}", file=sys.stderr)


def after_training(args, project, trainer) -> None:
    if getattr(args, "save", None):
        from playground.train.checkpoint import save_checkpoint
        from playground.train.takeaway import note_of

        path = save_checkpoint(trainer, args.save, project)
        print(f"saved checkpoint {path} ({note_of(trainer)})", file=sys.stderr)
    if getattr(args, "export", None):
        from playground.nn.export import export_project
        from playground.train.takeaway import takeaway_of

        takeaway = takeaway_of(trainer)
        path = export_project(project, export_format(args.export), args.export, takeaway=takeaway,
                              progress=lambda text: print(text, file=sys.stderr))
        print(f"exported {path} ({takeaway.note})", file=sys.stderr)
