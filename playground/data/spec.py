"""The dataset record: what a dataset is called, what it holds, its parameters, how to load it.

Owns ``DatasetInfo`` (what a loaded dataset looks like), ``Param`` (one tunable number or
choice), ``DatasetSpec`` (one registry record) and ``RawData`` (what a loader hands back before
splitting). It does not own the registry table itself (``registry.py``), splitting
(``splits.py``) or any loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple

import torch

from playground.core.errors import DataError
from playground.core.values import OutOfRange, WrongType, coerce_like

from .targets import TARGET_FORMS, target_form

TASKS = tuple(TARGET_FORMS)  # every task a dataset may declare (the table in targets.py)

#: how stored inputs are turned into network inputs (see splits.py)
KINDS = ("points", "tabular", "image")


@dataclass(frozen=True)
class DatasetInfo:
    """What one loaded dataset looks like, per sample."""

    name: str
    title: str
    task: str
    input_shape: tuple[int, ...]
    num_classes: int
    class_names: tuple[str, ...]
    target_shape: tuple[int, ...]


class Param(NamedTuple):
    """One dataset parameter: ``(default, min, max, doc)``; the default's type is the param's type."""

    default: Any
    min: Any
    max: Any
    doc: str


@dataclass
class RawData:
    """What a loader returns: all samples in stored form, before splitting.

    ``x`` is uint8 for images (N, C, H, W), float32 otherwise; ``y`` is int64 labels (N,),
    float32 targets (N, k) or int64 masks (N, H, W). ``scale`` turns stored image values into
    [0, 1]. ``test`` is an official test set (x, y) when the data comes with one.
    """

    x: torch.Tensor
    y: torch.Tensor
    kind: str
    class_names: tuple[str, ...] = ()
    scale: float = 1.0
    test: tuple[torch.Tensor, torch.Tensor] | None = None
    origin: str = "generated"
    task: str | None = None  # overrides the spec's task (a CSV decides it from its target column)


Loader = Callable[[dict, "str | None", int], RawData]


def _always(root: str | None = None) -> bool:
    return True


@dataclass(frozen=True, eq=False)  # hashable by identity: a record may key a dict
class DatasetSpec:
    """One registry record. ``loader(params, root, seed) -> RawData``; ``available(root) -> bool``.

    ``input_shape`` is ``None`` where it depends on the user's file (CSV, image folder);
    ``needs_path`` is ``"file"`` or ``"folder"`` when ``root`` must be given to load at all.
    ``path_choices(path) -> {parameter: choices}`` gives choices that depend on the chosen file
    (a CSV's columns for ``target``), read quickly enough for the GUI thread.
    """

    name: str
    title: str
    task: str
    description: str
    source: str
    input_shape: tuple[int, ...] | None
    classes: tuple[str, ...]
    loader: Loader
    parameters: dict[str, Param] = field(default_factory=dict)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    target_shape: tuple[int, ...] = ()
    available: Callable[..., bool] = _always
    needs_path: str | None = None
    group: str = "generated"
    path_choices: Callable[[str], dict[str, tuple[str, ...]]] | None = None
    classes_for: Callable[[dict], tuple[str, ...]] | None = None  # class names that depend on the parameters

    @property
    def num_classes(self) -> int:
        return len(self.classes) if target_form(self.task).classes else 0

    def class_names(self, params: dict | None) -> tuple[str, ...]:
        """The class names with these parameters (shapes_seg's 'per shape' mask has 8, 'binary' 2);
        the record's own ``classes`` when they do not depend on parameters or the parameters are bad
        (loading reports those)."""
        if self.classes_for is None:
            return self.classes
        try:
            return tuple(self.classes_for(self.resolve(params)))
        except DataError:
            return self.classes

    def resolve(self, params: dict | None) -> dict:
        """Defaults overlaid with ``params``, each checked; a bad name or value raises DataError."""
        where = f"dataset '{self.name}'"
        values = {key: p.default for key, p in self.parameters.items()}
        for key, value in (params or {}).items():
            if key not in self.parameters:
                known = ", ".join(self.parameters) or "none"
                raise DataError(f"unknown parameter '{key}'", where=where, fix=f"use one of: {known}")
            values[key] = _check(key, value, self.parameters[key], self.choices.get(key), where)
        return values


def _check(key: str, value: Any, p: Param, choices: tuple[str, ...] | None, where: str) -> Any:
    kind = type(p.default)
    bad = DataError(
        f"parameter '{key}' must be a {kind.__name__}, got {value!r}", where=where, fix=p.doc
    )
    if kind is str:
        if not isinstance(value, str):
            raise bad
        if choices and value not in choices:
            raise DataError(
                f"parameter '{key}' is {value!r}", where=where, fix=f"choose one of: {', '.join(choices)}"
            )
        return value
    try:
        return coerce_like(value, p.default, p.min, p.max)
    except OutOfRange as exc:
        raise DataError(
            f"parameter '{key}' is {exc.value}, outside {p.min} .. {p.max}", where=where, fix=p.doc
        ) from None
    except WrongType:
        raise bad from None


def info_from(spec: DatasetSpec, raw: RawData) -> DatasetInfo:
    """The exact DatasetInfo of loaded data (shapes come from the tensors, not the record)."""
    task = raw.task or spec.task
    form = target_form(task)
    names = tuple(raw.class_names or spec.classes)
    return DatasetInfo(
        name=spec.name,
        title=spec.title,
        task=task,
        input_shape=tuple(raw.x.shape[1:]),
        num_classes=len(names) if form.classes else 0,
        class_names=names if form.classes or form.from_inputs else (),  # reconstruction: names colour the plots
        target_shape=tuple(raw.x.shape[1:] if form.from_inputs else raw.y.shape[1:]),
    )
