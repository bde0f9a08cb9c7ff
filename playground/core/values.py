"""Coerce a user's value to the type of a setting's default and check its range (stdlib only).

Shared by the dataset parameters and the training settings; each caller words its own message
from the two outcomes: ``WrongType`` or ``OutOfRange``.
"""

from __future__ import annotations

import math
from typing import Any


class WrongType(ValueError):
    """The value is not of the default's type (bool, int or float)."""


class OutOfRange(ValueError):
    """The value has the right type but lies outside [low, high]; ``value`` is the coerced number."""

    def __init__(self, value: Any):
        super().__init__(value)
        self.value = value


def coerce_like(value: Any, default: Any, low: Any = None, high: Any = None) -> Any:
    kind = type(default)
    if kind is bool:
        if not isinstance(value, bool):
            raise WrongType(value)
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise WrongType(value)
    if kind is int:
        if isinstance(value, float) and not value.is_integer():
            raise WrongType(value)
        value = int(value)
    else:
        try:
            value = float(value)
        except OverflowError:  # an integer beyond float's range
            raise WrongType(value) from None
        if not math.isfinite(value):
            raise WrongType(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise OutOfRange(value)
    return value
