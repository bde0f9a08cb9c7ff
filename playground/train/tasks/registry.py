"""The task table: what is being learned, as records, so nothing tests a task's name with ``if``.

Owns ``TaskSpec`` (one record per task), ``TASKS`` (the table, built from the per-task modules
beside this one) and ``get_task``. A record holds everything that differs between tasks:

- ``targets``: what the data yields (``playground.data.targets.TargetForm``: class labels per
  example, masks per pixel, numbers, ...); the data package reads this part only.
- ``losses``: the names of the losses that fit (``playground.train.losses.LOSSES``);
  ``default_loss(outputs)`` picks the natural one for a model with that many outputs;
  ``check_output(loss_spec, num_classes, out_shape, target_shape, dataset)`` returns problems
  (in words naming both sides) with the network's output shape for this task, [] when it fits.
- ``predict(out, threshold, **settings)``: decoding, outputs -> predictions (class labels per
  example or per pixel, the outputs themselves, or boxes per image); ``predict_settings`` names
  the objective's loss settings the decoding also needs (detection: the anchors), passed by name;
  ``classifies``: predictions are one class label per example or pixel.
- ``split_metrics(objective, out, y, loss)`` -> ``SplitMetrics`` (per epoch) and
  ``evaluate(objective, out, y, class_names, loss)`` -> ``Evaluation`` (the Evaluation panel and
  ``train --out``), also given ``images=`` (the inputs as 0..1 pictures) when ``keeps_images``;
  ``test_keys``: the keys ``playground train --out`` promises under ``test``;
  ``summary(evaluation)``: the CLI's one line about the test split.
- ``export_decode(objective)`` -> the plain data an exported ``.py`` needs to decode outputs
  (``nn.export_bundle.Preprocessing.decode``, e.g. the YOLO anchors and thresholds); None: argmax.
- UI hooks, as ``"module:attribute"`` strings so this stays free of Qt and the UI resolves them
  (``playground.ui.tasks.thumbnails.resolve``): ``ui_thumbnail`` draws one example (image + label) as a
  picture and caption in the dataset preview and galleries; ``ui_evaluation`` names an extra page
  of the Evaluation panel for this task ("" = only the panel's standard views).

Adding a task (metric learning, generative, ...) is one ``TargetForm``, one module here with its
parts and one ``TaskSpec`` in ``TASKS``; the Trainer stays task-agnostic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from playground.core.errors import TrainingError
from playground.data.targets import TargetForm, target_form


@dataclass(frozen=True)
class TaskSpec:
    name: str
    title: str
    targets: TargetForm
    losses: tuple[str, ...]
    default_loss: Callable[[int], str]
    check_output: Callable[..., list[str]]
    predict: Callable[[Any, float], Any]
    split_metrics: Callable[..., Any]
    evaluate: Callable[..., Any]
    test_keys: tuple[str, ...]
    summary: Callable[[Any], str]
    classifies: bool = True
    predict_settings: tuple[str, ...] = ()
    keeps_images: bool = False
    export_decode: Callable[[Any], dict] | None = None
    ui_thumbnail: str = ""
    ui_evaluation: str = ""
    #: its losses compare one prediction with one target (the loss-curve explorer can draw them);
    #: not region losses (a whole mask), metric-learning losses (pairs) or detection's
    one_prediction_losses: bool = False


def shape_text(shape: tuple) -> str:
    """(3,) -> '3 values', (2, 14, 14) -> '(2, 14, 14)': a shape in a message."""
    if len(shape) == 1:
        return f"{shape[0]} value" + ("" if shape[0] == 1 else "s")
    return "(" + ", ".join(str(s) for s in shape) + ")"


def _table() -> dict[str, TaskSpec]:
    from playground.train.tasks import classification, detection, embedding, reconstruction, regression, segmentation

    specs = [classification.SPEC, regression.SPEC, segmentation.SPEC, detection.SPEC, embedding.SPEC,
             reconstruction.SPEC]
    return {s.name: s for s in specs}


_TASKS: dict[str, TaskSpec] = {}


def tasks() -> dict[str, TaskSpec]:
    """The table, name -> record (built on first use: the per-task modules import evaluation code)."""
    if not _TASKS:
        _TASKS.update(_table())
    return _TASKS


def get_task(name: str) -> TaskSpec:
    """The record of task ``name``; TrainingError naming the known tasks otherwise."""
    table = tasks()
    if name not in table:
        raise TrainingError(f"unknown task '{name}'", where="dataset", fix=f"use one of: {', '.join(table)}")
    return table[name]


__all__ = ["TaskSpec", "get_task", "shape_text", "target_form", "tasks"]
