"""Trained source networks for the transfer-learning lesson's ``import layers`` action (no Qt).

``import layers transfer_source|transfer_source_digits conv1,conv2 frozen`` names presets in order
of preference; ``source_preset`` picks the first whose dataset is on this machine (Fashion-MNIST
when Debian's ``dataset-fashion-mnist`` is installed, else the 8x8 digits that ship with
scikit-learn). ``trained_source`` trains it with the preset's own saved settings (the same run as
``playground train PRESET``) and keeps the weights for the rest of the process, so a second import
is instant. The window calls it in a worker thread; ``LessonRun`` calls it directly.
"""

from __future__ import annotations

import threading
from typing import Callable

import torch

from playground.core.errors import PlaygroundError

_trained: dict[str, dict[str, torch.Tensor]] = {}
_lock = threading.Lock()


def source_preset(names: list[str]) -> str:
    """The first preset of ``names`` whose dataset is available here."""
    from playground.data.registry import get
    from playground.graph.project import load_project

    for name in names:
        if get(load_project(name).dataset["name"]).available():
            return name
    raise PlaygroundError(f"none of the source networks' datasets is on this machine ({', '.join(names)})",
                          fix="install Fashion-MNIST (apt: dataset-fashion-mnist) or open a folder in the Dataset panel")


def is_trained(name: str) -> bool:
    return name in _trained


def trained_source(name: str, progress: Callable[[str], None] | None = None) -> dict[str, torch.Tensor]:
    """Preset ``name`` trained with its saved settings: its weights (CPU copies; cached per process)."""
    with _lock:
        if name in _trained:
            return _trained[name]
        from playground.data import load_settings
        from playground.graph.project import load_project
        from playground.nn.build import build_module
        from playground.train import LambdaCallback, TrainConfig, Trainer

        project = load_project(name)
        config = TrainConfig.from_dict(project.training).replace(device="cpu")
        splits = load_settings(dict(project.dataset or {}), config.seed)
        model = build_module(project.graph, seed=config.seed)
        callbacks = []
        if progress is not None:
            callbacks.append(LambdaCallback(on_epoch_end=lambda t, rec: progress(
                f"training the source network '{name}': epoch {rec.epoch} of {config.epochs}"
                + (f", validation accuracy {rec.val.accuracy:.0%}" if rec.val is not None and rec.val.accuracy
                   is not None else ""))))
        result = Trainer(model, splits, config, callbacks=callbacks).fit()
        if result.error is not None:
            raise result.error
        _trained[name] = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        return _trained[name]
