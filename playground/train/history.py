"""The records a run leaves behind, as plain numbers: what the curves, the summary and ``--out`` show.

Owns ``SplitMetrics`` (loss and accuracy, or MSE and R^2, of one split), ``EpochRecord``,
``BatchInfo`` (what ``on_batch_end`` receives), ``History`` (per-step losses and per-epoch
records of one run) and ``FitResult`` (how the run ended, its history and test evaluation).
Everything here is plain Python/numpy, safe to hand to another thread. No torch tensors.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class SplitMetrics:
    loss: float
    accuracy: float | None = None  # classification and segmentation (pixel accuracy)
    mse: float | None = None  # regression
    r2: float | None = None  # regression
    map50: float | None = None  # detection: mean average precision at IoU 0.5


@dataclass(frozen=True)
class EpochRecord:
    """One finished epoch. ``train`` is averaged over the epoch's batches (in training mode, like
    Keras); ``val`` is measured after the epoch in evaluation mode; ``penalty`` is the mean L1+L2
    part of the loss (already included in neither ``train.loss`` nor ``val.loss``)."""

    epoch: int  # 1-based
    step: int  # optimizer steps so far
    train: SplitMetrics
    val: SplitMetrics | None
    penalty: float
    lr: float
    samples_per_s: float  # throughput.Throughput at the epoch's end (validation included): see DEFINITION
    seconds: float


@dataclass
class BatchInfo:
    """What ``on_batch_end`` gets after every optimizer step (numbers only)."""

    step: int  # optimizer steps so far (1-based: the step just taken)
    epoch: int  # 1-based
    batch: int  # 1-based within the epoch
    batches: int  # batches in this epoch at the current batch size
    size: int  # examples in this batch
    loss: float  # data loss of this batch (without the penalty)
    penalty: float  # L1 + L2 penalty at this step (0 when off)
    lr: float
    samples_per_s: float = math.nan  # throughput.Throughput now (nan until measurable)


@dataclass
class History:
    """One run's numbers. ``step_loss[i]`` is the data loss of optimizer step ``start_step + i + 1``
    (``start_step`` is 0 except after loading an old checkpoint that did not save its curves)."""

    step_loss: list[float] = field(default_factory=list)
    epochs: list[EpochRecord] = field(default_factory=list)
    start_step: int = 0

    def step_losses(self) -> np.ndarray:
        return np.asarray(self.step_loss, dtype=np.float64)

    def column(self, split: str, name: str) -> np.ndarray:
        """One per-epoch curve, e.g. ``column("val", "accuracy")``; nan where missing."""
        out = []
        for rec in self.epochs:
            metrics = getattr(rec, split)
            value = getattr(metrics, name, None) if metrics is not None else None
            out.append(np.nan if value is None else value)
        return np.asarray(out, dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        return {"start_step": self.start_step, "step_loss": [_num(v) for v in self.step_loss],
                "epochs": [plain_json(asdict(rec)) for rec in self.epochs]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "History":
        """Read back ``to_dict`` (a checkpoint's curves)."""
        def metrics(value):
            return None if value is None else SplitMetrics(**{**value, "loss": _float(value["loss"])})

        epochs = [EpochRecord(**{**rec, "train": metrics(rec["train"]), "val": metrics(rec.get("val"))})
                  for rec in data.get("epochs", [])]
        return cls([_float(v) for v in data.get("step_loss", [])], epochs, int(data.get("start_step", 0)))


@dataclass
class FitResult:
    """How ``fit`` ended. ``reason``: "finished", "stopped" (asked to), "early_stopping" or "nan"."""

    reason: str
    message: str
    history: History
    test: Any = None  # an evaluation.Evaluation of the test split, or None
    best_epoch: int | None = None
    steps: int = 0
    samples: int = 0
    train_seconds: float = 0.0  # time spent in training steps (pauses and evaluation excluded)
    wall_seconds: float = 0.0
    error: Exception | None = None  # a TrainingError for a NaN stop, for the CLI to raise
    rate: float = math.nan  # throughput.Throughput at the end (wall clock, last seconds of training)

    @property
    def samples_per_s(self) -> float:
        """Samples/s as defined in ``throughput.DEFINITION`` (0 when nothing was trained)."""
        return self.rate if math.isfinite(self.rate) else 0.0


def _num(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def _float(value):
    """Inverse of ``_num``: None -> nan, "inf" -> inf."""
    if value is None:
        return math.nan
    return float(value) if isinstance(value, str) else value


def plain_json(value):
    """Plain JSON: nan -> null, numpy -> Python."""
    if isinstance(value, dict):
        return {k: plain_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_json(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain_json(value.tolist())
    if isinstance(value, np.generic):
        return _num(value.item())
    return _num(value)
