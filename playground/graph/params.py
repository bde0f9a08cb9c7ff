"""Parameter specs: the type, default, range and one-line doc of every layer parameter.

A ``ParamSpec`` drives three things from one record: checking a value (``coerce``), the inspector's
form (type, range, choices, doc as tooltip) and the CLI/docs. It does not know about layers; the
catalog in ``layers.py`` groups specs per layer kind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

#: the value kinds a parameter can have
TYPES = ("int", "float", "bool", "choice", "padding", "shape")
MAX_SIZE = 2**31 - 1  # the largest size a "shape" parameter may name


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: str  # one of TYPES
    default: Any
    doc: str
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    label: str = ""
    #: key parameters are shown on the node in the canvas
    key: bool = False
    #: True when changing it needs new weights (shape change); False for e.g. dropout p
    structural: bool = True

    def __post_init__(self):
        assert self.type in TYPES, self.type

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ")

    def coerce(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ``ValueError`` with a reason."""
        t = self.type
        if t == "bool":
            if isinstance(value, bool):
                return value
            if value in (0, 1):
                return bool(value)
            if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "on", "off"):
                return value.lower() in ("true", "yes", "on")
            raise ValueError(f"must be true or false, not {_short(value)}")
        if t == "choice":
            if value not in self.choices:
                raise ValueError(f"must be one of {', '.join(self.choices)}, not {_short(value)}")
            return value
        if t == "padding":
            if isinstance(value, str):
                if value == "same":
                    return value
                try:
                    value = int(value)
                except ValueError:
                    raise ValueError(f"must be a whole number or 'same', not {_short(value)}") from None
            return self._number(value, int)
        if t == "shape":
            if isinstance(value, str):
                value = [v for v in value.replace("(", "").replace(")", "").replace(" ", "").split(",") if v]
            if not isinstance(value, (list, tuple)) or not value:
                raise ValueError(f"must be a list of sizes such as [16, 7, 7], not {_short(value)}")
            if any(isinstance(v, bool) or (isinstance(v, float) and not v.is_integer()) for v in value):
                raise ValueError(f"must be a list of whole numbers, not {_short(value)}")
            try:
                dims = tuple(int(v) for v in value)
            except (TypeError, ValueError, OverflowError):
                raise ValueError(f"must be a list of whole numbers, not {_short(value)}") from None
            if any(d > MAX_SIZE for d in dims):
                raise ValueError(f"sizes must be at most {MAX_SIZE:,}")
            if any(d == 0 or d < -1 for d in dims) or dims.count(-1) > 1:
                raise ValueError("sizes must be positive, with at most one -1 (meaning 'whatever is left')")
            return dims
        return self._number(value, int if t == "int" else float)

    def _number(self, value: Any, kind: type) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"must be a number, not {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"must be a finite number, not {value!r}")
        try:
            number = kind(value)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"must be a {'whole ' if kind is int else ''}number, not {_short(value)}") from None
        if kind is int and isinstance(value, float) and not value.is_integer():
            raise ValueError(f"must be a whole number, not {value!r}")
        if kind is float and not math.isfinite(number):  # NaN, or a text/int too large for a float
            raise ValueError(f"must be a finite number, not {_short(value)}")
        if self.min is not None and number < self.min:
            raise ValueError(f"must be at least {_fmt(self.min)}")
        if self.max is not None and number > self.max:
            raise ValueError(f"must be at most {_fmt(self.max)}")
        return number


def _short(value: Any) -> str:
    """``repr`` of a bad value, cut short (a 4,000-digit number or a huge list stays readable)."""
    if isinstance(value, int) and abs(value) > 10**12:
        return "a number that large"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
