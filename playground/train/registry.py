"""The shape of a registry record: a named choice (optimizer, loss, schedule) and its settings.

Owns ``Setting`` (one tunable number or flag of a choice: default, range, doc line) and ``Choice``
(name, title, doc line, settings) with ``resolve`` (defaults overlaid with the user's values,
each checked). The UI builds its forms from these records and the CLI its ``--help``. It does not
own the tables themselves (``optimizers.py``, ``losses.py``, ``schedules.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, NamedTuple, TypeVar

from playground.core.values import OutOfRange, WrongType, coerce_like
from playground.core.errors import TrainingError


class Setting(NamedTuple):
    """One setting of a choice: ``(default, min, max, doc)``; the default's type is the setting's type."""

    default: Any
    min: Any
    max: Any
    doc: str


@dataclass(frozen=True)
class Choice:
    """One registry record: ``name`` (stable, saved in files), ``title`` (shown), ``doc`` (one line)."""

    name: str
    title: str
    doc: str
    params: Mapping[str, Setting] = field(default_factory=dict)

    def resolve(self, values: Mapping[str, Any] | None, where: str = "training settings") -> dict[str, Any]:
        """Defaults overlaid with ``values``; an unknown name or a bad value raises TrainingError."""
        out = {key: s.default for key, s in self.params.items()}
        for key, value in (values or {}).items():
            if key not in self.params:
                known = ", ".join(self.params) or "none"
                raise TrainingError(
                    f"{self.title} has no setting '{key}'", where=where, fix=f"use one of: {known}"
                )
            out[key] = check_value(f"{self.name}.{key}", value, self.params[key], where)
        return out


def check_value(label: str, value: Any, s: Setting, where: str) -> Any:
    """``value`` converted to the setting's type and checked against its range."""
    try:
        return coerce_like(value, s.default, s.min, s.max)
    except OutOfRange as exc:
        raise TrainingError(f"'{label}' is {exc.value}, outside {s.min} .. {s.max}", where=where, fix=s.doc) from None
    except WrongType:
        raise TrainingError(f"'{label}' must be a {type(s.default).__name__}, got {value!r}", where=where,
                            fix=s.doc) from None


C = TypeVar("C", bound=Choice)


def lookup(table: Mapping[str, C], name: str, what: str, where: str = "training settings") -> C:
    """The record called ``name`` in ``table``; an unknown name raises TrainingError listing the known ones."""
    try:
        return table[name]
    except (KeyError, TypeError):
        raise TrainingError(
            f"unknown {what} '{name}'", where=where, fix=f"choose one of: {', '.join(table)}"
        ) from None
