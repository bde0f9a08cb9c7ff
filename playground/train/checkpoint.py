"""Checkpoints: a Trainer's weights, optimizer state, initial weights and settings in one file.

Owns ``save_checkpoint`` / ``read_checkpoint`` / ``load_checkpoint`` (atomic write, format name and version, read back
with ``torch.load(weights_only=True)`` so a file cannot run code) and ``checkpoint_path`` (where a
project's checkpoint lives: next to the project file, ``NAME.pgproj`` -> ``NAME.pgproj.pt``). The file
holds weights, optimizer state, initial weights, settings, counters, curves, random-number states and,
when given, the project it was trained from (``project``).
A file that does not fit the network raises ``TrainingError`` saying so; a file that cannot be
read raises ``ProjectFileError``. The Trainer's own ``state_dict`` says what goes in.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import torch

from playground.core.errors import ProjectFileError, TrainingError
from playground.core.files import atomic_write_bytes

FORMAT = "playground-checkpoint"
VERSION = 1


def checkpoint_path(project_path: str | Path) -> Path:
    path = Path(project_path)
    return path.with_name(path.name + ".pt")


def checkpoint_bytes(trainer, project=None) -> bytes:
    """The file's bytes; ``project`` (a graph.project.Project) adds the network and settings it belongs to."""
    buffer = io.BytesIO()
    state = {"format": FORMAT, "version": VERSION, **trainer.state_dict()}
    if project is not None:
        state["project"] = project.to_dict()
    state["model"] = {k: v.cpu() for k, v in state["model"].items()}
    state["initial"] = {k: v.cpu() for k, v in state["initial"].items()}
    torch.save(state, buffer)
    return buffer.getvalue()


def save_checkpoint(trainer, path: str | Path, project=None) -> Path:
    """Write ``trainer``'s state to ``path`` atomically (an old file stays whole if this fails)."""
    return atomic_write_bytes(path, checkpoint_bytes(trainer, project))


def read_checkpoint(path: str | Path, device="cpu") -> dict:
    """The checkpoint's dict, read safely (``weights_only``) and checked for format and version."""
    path = Path(path)
    where = str(path)
    try:
        state = torch.load(path, map_location=device, weights_only=True)
    except FileNotFoundError:
        raise ProjectFileError("no checkpoint file here", where=where, fix="save the trained network first") from None
    except Exception as exc:  # truncated, not a torch file, unsafe content
        raise ProjectFileError(f"cannot read this checkpoint ({type(exc).__name__})", where=where,
                               fix="the file is damaged or not a Playground checkpoint") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ProjectFileError("not a Playground checkpoint", where=where)
    if int(state.get("version", 0)) > VERSION:
        raise ProjectFileError(f"checkpoint version {state.get('version')} is newer than this Playground "
                               f"understands ({VERSION})", where=where, fix="update Playground")
    return state


def load_checkpoint(trainer, path: str | Path, **overrides) -> dict:
    """Load weights, optimizer state and settings saved by ``save_checkpoint`` into ``trainer``;
    ``overrides`` change saved settings (``epochs=10`` trains on to 10 epochs in all)."""
    where = str(path)
    state = read_checkpoint(path, trainer.device)
    if overrides:
        from playground.train.config import TrainConfig

        state["config"] = TrainConfig.from_dict(state.get("config")).replace(**overrides).to_dict()
    try:
        trainer.load_state_dict(state)
    except (RuntimeError, ValueError, KeyError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        first = first if len(first) < 300 else first[:300] + "..."
        raise TrainingError(f"this checkpoint does not fit the network ({first})", where=where,
                            fix="load it into the network it was saved from") from None
    return state


def trainer_state(trainer) -> dict:
    """What ``Trainer.state_dict`` returns: everything a run needs to go on exactly as it would have."""
    t = trainer
    best_loss, best_epoch, best_state = t._best
    return {"model": t._state_copy(), "optimizer": t.optimizer.state_dict(), "initial": t._initial,
            "config": t.config.to_dict(), "step": t.step_count, "epoch": t.epoch,
            "shuffle": t._generator.get_state(), "samples": t.samples_seen,
            "train_seconds": t.train_seconds, "history": t.history.to_dict(),
            # dropout and the like draw from torch's global stream, which the run keeps as its own
            "rng": torch.get_rng_state() if t._running else t._rng_state,
            "best": {"loss": best_loss if math.isfinite(best_loss) else None, "epoch": best_epoch,
                     "state": best_state, "bad_epochs": t._bad_epochs}}


def restore_trainer(trainer, state: dict) -> None:
    """What ``Trainer.load_state_dict`` does (not while it trains)."""
    from playground.train.config import TrainConfig
    from playground.train.history import History

    t = trainer
    with t._lock:
        if t._running:
            raise TrainingError("cannot load a checkpoint while training runs", where="checkpoint",
                                fix="stop training first")
        t.model.load_state_dict(state["model"])
        config = TrainConfig.from_dict(state.get("config"))
        config.device = t.config.device  # the device stays this Trainer's
        t.config = config
        t._initial = state.get("initial", t._initial)
        t._new_run()
        t.optimizer.load_state_dict(state["optimizer"])
        t.step_count, t.epoch = int(state.get("step", 0)), int(state.get("epoch", 0))
        t.history.start_step = t.step_count
        if state.get("shuffle") is not None:  # the same order of batches from here on
            t._generator.set_state(state["shuffle"])
        t.samples_seen = int(state.get("samples", 0))
        t.train_seconds = float(state.get("train_seconds", 0.0))
        if state.get("history"):
            t.history = History.from_dict(state["history"])
        best = state.get("best") or {}
        if best.get("loss") is not None:
            t._best = (float(best["loss"]), best.get("epoch"), best.get("state"))
            t._bad_epochs = int(best.get("bad_epochs", 0))
        if state.get("rng") is not None:  # dropout goes on with the same random numbers
            t._rng_state = state["rng"].cpu()
            t._seeded = True
        elif t.step_count:
            t._seeded = True  # an old file without the random state: go on from torch's stream as it is
        t._refresh()
