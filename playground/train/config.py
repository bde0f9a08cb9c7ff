"""The training settings: one record, saved in the project file, checked in one place.

Owns ``TrainConfig`` (optimizer, loss, schedule, regularization, batch size, epochs, seed, device),
its JSON form (``to_dict`` / ``from_dict``: unknown keys are an error naming the key, missing keys
take their defaults, so older files still open), ``validate`` (every value in range, every name
in its registry) and ``resolve_device``. It does not own the registries themselves or the loop.
It registers ``check_section`` as the project file's "training" check (``graph.project.SECTION_CHECKS``),
so a file with a bad training setting is refused when it is opened, naming the setting.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field, fields
from typing import Any

from playground.core.errors import ProjectFileError, TrainingError
from playground.graph.project import SECTION_CHECKS
from playground.train.losses import LOSSES, get_loss
from playground.train.optimizers import get_optimizer
from playground.train.schedules import get_schedule

VERSION = 1
WHERE = "training settings"
MAX_SEED = 2**63 - 1  # torch and numpy take seeds as 64-bit numbers

#: settings that may change while training runs (``Trainer.update_config``)
LIVE = frozenset({
    "lr", "optimizer", "optimizer_params", "schedule", "schedule_params", "l1", "l2", "max_norm",
    "grad_clip", "batch_size", "epochs", "early_stopping", "patience", "min_delta", "restore_best",
})


@dataclass
class TrainConfig:
    """Everything that decides a training run. Same config and seed: the same run, step for step."""

    optimizer: str = "sgd"
    optimizer_params: dict[str, Any] = field(default_factory=dict)
    lr: float = 0.03
    loss: str = "auto"  # "auto": MSE for regression, BCE for 1 output, cross-entropy for one per class
    loss_params: dict[str, Any] = field(default_factory=dict)
    schedule: str = "constant"
    schedule_params: dict[str, Any] = field(default_factory=dict)
    l1: float = 0.0  # penalty l1 * sum |w| over weights (not biases), reported as its own part of the loss
    l2: float = 0.0  # penalty l2 * sum w^2 over weights (not biases)
    max_norm: float = 0.0  # 0: off; else each unit's incoming weight vector is rescaled to norm <= max_norm
    grad_clip: float = 0.0  # 0: off; else the global gradient norm is clipped to this
    early_stopping: bool = False  # stop when validation loss has not improved for `patience` epochs
    patience: int = 10
    min_delta: float = 0.0  # an improvement must beat the best validation loss by more than this
    restore_best: bool = True  # after early stopping, go back to the weights of the best epoch
    batch_size: int = 32
    epochs: int = 20
    seed: int = 0
    device: str = "auto"  # "auto" (CUDA when present), "cpu", "cuda", "cuda:1", ...

    def to_dict(self) -> dict[str, Any]:
        data = {"version": VERSION}
        data.update(dataclasses.asdict(self))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "TrainConfig":
        """Read a saved config; missing keys get defaults, unknown keys raise TrainingError naming them."""
        data = dict(data or {})
        data.pop("version", None)
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise TrainingError(f"unknown setting '{key}'", where=WHERE,
                                    fix=f"remove it, or use one of: {', '.join(sorted(known))}")
        config = cls(**data)
        config.validate()
        return config

    def replace(self, **changes: Any) -> "TrainConfig":
        """A checked copy with ``changes`` applied."""
        for key in changes:
            if key not in {f.name for f in fields(self)}:
                raise TrainingError(f"unknown setting '{key}'", where=WHERE)
        for choice in ("optimizer", "loss", "schedule"):  # a new choice starts from its own defaults
            if choice in changes and changes[choice] != getattr(self, choice):
                changes.setdefault(f"{choice}_params", {})
        config = dataclasses.replace(self, **changes)
        config.validate()
        return config

    def validate(self) -> None:
        """Raise TrainingError naming the first bad value and its fix; normalizes numbers in place."""
        _number(self, "lr", 0.0, None, "the learning rate must be a positive number, e.g. 0.01", open_low=True)
        for name in ("l1", "l2", "max_norm", "grad_clip", "min_delta"):
            _number(self, name, 0.0, None, f"'{name}' must be 0 (off) or positive")
        _integer(self, "batch_size", 1, "use at least 1 example per batch")
        _integer(self, "epochs", 0, "use 0 or more epochs")
        _integer(self, "patience", 1, "wait at least 1 epoch")
        _integer(self, "seed", 0, f"use a whole number from 0 to {MAX_SEED}", high=MAX_SEED)
        for name in ("early_stopping", "restore_best"):
            if not isinstance(getattr(self, name), bool):
                raise TrainingError(f"'{name}' must be true or false", where=WHERE)
        for name in ("optimizer_params", "loss_params", "schedule_params"):
            if not isinstance(getattr(self, name), dict):
                raise TrainingError(f"'{name}' must be a mapping of names to numbers", where=WHERE)
        self.optimizer_params = get_optimizer(self.optimizer).resolve(self.optimizer_params)
        self.schedule_params = get_schedule(self.schedule).resolve(self.schedule_params)
        if self.loss != "auto":
            self.loss_params = get_loss(self.loss).resolve(self.loss_params)
        elif self.loss_params:
            raise TrainingError("'loss_params' needs a named loss, not 'auto'", where=WHERE,
                                fix=f"choose one of: {', '.join(LOSSES)}")
        if not isinstance(self.device, str) or not (self.device in ("auto", "cpu") or self.device.startswith("cuda")):
            raise TrainingError(f"unknown device {self.device!r}", where=WHERE, fix="use auto, cpu or cuda")


def _number(config, name, low, high, fix, open_low=False):
    value = getattr(config, name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value):
        shown = "a number that large" if isinstance(value, int) and not isinstance(value, bool) else repr(value)
        raise TrainingError(f"'{name}' must be a number, got {shown}", where=WHERE, fix=fix)
    if value < low or (open_low and value <= low) or (high is not None and value > high):
        raise TrainingError(f"'{name}' is {value}", where=WHERE, fix=fix)
    setattr(config, name, float(value))


def _finite(value) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer beyond float's range
        return False


def _integer(config, name, low, fix, high=2**31 - 1):
    value = getattr(config, name)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        shown = "a number that large" if isinstance(value, int) and abs(value) > 10**20 else repr(value)
        raise TrainingError(f"'{name}' must be a whole number from {low} to {high}, got {shown}", where=WHERE, fix=fix)
    setattr(config, name, value)


def check_section(data: Any, where: str = "training") -> None:
    """The project file's "training" section: a ProjectFileError naming the bad setting, else nothing."""
    if not isinstance(data, dict):
        raise ProjectFileError(f"must be an object {{...}}, not {type(data).__name__}", where=where)
    try:
        TrainConfig.from_dict(data)
    except TrainingError as exc:
        raise ProjectFileError(exc.message, where=where, fix=exc.fix) from None
    except (TypeError, ValueError, OverflowError) as exc:  # a value of a shape no check foresaw
        raise ProjectFileError(f"holds a value that cannot be used ({exc.__class__.__name__}: {str(exc)[:80]})",
                               where=where, fix="fix or remove that setting") from None


SECTION_CHECKS["training"] = check_section


def optimizer_state_slots(name: str, settings: dict | None = None) -> int:
    """How many values per weight the optimizer keeps (0 for SGD, 1 for momentum, 2 for Adam),
    measured by taking one step on a 4-value tensor rather than kept as a hand list."""
    import torch

    from playground.train.optimizers import make_optimizer

    weight = torch.nn.Parameter(torch.zeros(4))
    optimizer = make_optimizer([weight], name, 0.01, settings, fast=False)
    weight.grad = torch.ones(4)
    optimizer.step()
    state = optimizer.state.get(weight, {})
    return sum(v.numel() // 4 for v in state.values() if isinstance(v, torch.Tensor) and v.numel() >= 4)


def resolve_device(name: str):
    """The torch device for a config's ``device``; "auto" means CUDA when present, else the CPU."""
    import torch

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise TrainingError(f"device '{name}' is not available on this machine (no CUDA GPU found)",
                            where=WHERE, fix="use device 'cpu' or 'auto'")
    try:
        return torch.device(name)
    except RuntimeError:
        raise TrainingError(f"unknown device {name!r}", where=WHERE, fix="use auto, cpu or cuda") from None
