"""What an export takes from a run: the trained weights, which ones they are, and the data's preprocessing.

``takeaway_of(trainer)`` copies a Trainer's weights (call it in the training thread, or while it is not
running) with a ``WeightsNote`` ("trained weights, step 1,240, val accuracy 0.91") and the
preprocessing measured on its training split. ``takeaway_for(project)`` is the same without a run:
initial weights (a fresh build), and the preprocessing of the project's dataset when it can be loaded
(``None`` when it cannot, e.g. files not downloaded: the export then says it carries none).
A task that decodes its outputs (detection: anchors and thresholds) adds its ``export_decode``
data to the preprocessing: from the run's objective, or, without a run, from an objective fitted
to the project's network and training split.
"""

from __future__ import annotations

from dataclasses import replace

from playground.core.errors import PlaygroundError
from playground.nn.export_bundle import Preprocessing, TakeAway, WeightsNote


def preprocessing_of(splits) -> Preprocessing:
    """The conversion ``TensorSplit.batch`` applies, as plain numbers, plus what the data is."""
    info = splits.info
    return Preprocessing(tuple(int(v) for v in info.input_shape), splits.kind, float(splits.train.scale),
                         splits.mean.double().tolist(), splits.std.double().tolist(), info.task,
                         tuple(info.class_names), info.name)


def decode_of(objective) -> dict:
    """The task's decoding data for an export ({} when its outputs need none)."""
    hook = objective.kind.export_decode
    return hook(objective) if hook is not None else {}


def _decode_without_run(project, splits, seed: int) -> dict:
    """``decode_of`` an objective fitted to the project's network and training split ({} if it fails)."""
    import torch

    from playground.nn.build import build_module
    from playground.train.config import TrainConfig
    from playground.train.objective import Objective
    from playground.train.tasks import get_task

    if get_task(splits.info.task).export_decode is None or not len(splits.train):
        return {}
    try:
        config = TrainConfig.from_dict(project.training)
        x, _ = splits.train.batch(torch.arange(1), augment=False)
        with torch.no_grad():
            out_shape = tuple(build_module(project.graph, seed=seed).eval()(x).shape[1:])
        objective = Objective.build(config.loss, config.loss_params, splits.info, out_shape,
                                    train_targets=splits.train.y)
    except (PlaygroundError, RuntimeError, ValueError):
        return {}
    return decode_of(objective)


def note_of(trainer) -> WeightsNote:
    if trainer.step_count <= 0:  # untrained, or weights opened from an exported .pt (the app sets loaded_note)
        return getattr(trainer, "loaded_note", None) or WeightsNote()
    last = next((rec for rec in reversed(trainer.history.epochs) if rec.val is not None), None)
    return WeightsNote(True, trainer.step_count, last.val.accuracy if last else None, last.val.loss if last else None)


def takeaway_of(trainer) -> TakeAway:
    state = {k: v.detach().cpu().clone() for k, v in trainer.model.state_dict().items()}
    return TakeAway(state, note_of(trainer),
                    replace(preprocessing_of(trainer.splits), decode=decode_of(trainer.objective)))


def takeaway_for(project, seed: int = 0) -> TakeAway:
    """Initial weights (the caller builds them) and, when the dataset loads, its preprocessing."""
    from playground.data import load_settings

    try:
        splits = load_settings(dict(project.dataset or {}), seed)
    except PlaygroundError:
        return TakeAway()
    return TakeAway(None, WeightsNote(), replace(preprocessing_of(splits),
                                                 decode=_decode_without_run(project, splits, seed)))


def takeaway_from_checkpoint(project, path) -> TakeAway:
    """The trained weights of a checkpoint (``save_checkpoint``) for ``project``, with its preprocessing."""
    from playground.nn.export_bundle import WeightsNote
    from playground.train.checkpoint import read_checkpoint
    from playground.train.history import History

    state = read_checkpoint(path)
    history = History.from_dict(state["history"]) if state.get("history") else History()
    last = next((rec for rec in reversed(history.epochs) if rec.val is not None), None)
    step = int(state.get("step", 0))
    note = WeightsNote(step > 0, step, last.val.accuracy if last else None, last.val.loss if last else None)
    seed = (state.get("config") or {}).get("seed", 0)
    base = takeaway_for(project, seed if isinstance(seed, int) else 0)
    return TakeAway(dict(state["model"]), note, base.preprocessing)
