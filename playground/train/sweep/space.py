"""The search space of a sweep: which settings vary, over what, and how points are drawn.

Owns ``KNOBS`` (a table: setting name -> its type, whether a range may be log-scaled, the check of
one value), ``Param`` (one setting's range ``lo:hi[:log]`` or list of choices), ``parse_param``
(the CLI's ``lr=1e-4:1:log`` / ``batch_size=10,32`` text), the two searches (``grid``: the
cartesian product, ranges cut into evenly spaced levels; ``random_points``: uniform or log-uniform
draws), ``narrow`` (coarse-to-fine: new ranges around the best rows) and ``kfold`` (a partition of
the examples into K validation folds). Pure Python + numpy; applying a point to a project is
``runner.py``'s.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from playground.core.errors import TrainingError

WHERE = "sweep parameters"
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw")
INITS = ("default", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "normal", "zeros", "orthogonal")


@dataclass(frozen=True)
class Knob:
    """One setting a sweep can vary."""

    kind: type  # float, int or str
    check: Callable[[Any], bool]
    rule: str  # what a valid value is, in words
    log: bool = False  # ranges default to a log scale
    choices: tuple[str, ...] = ()


#: every setting a sweep can vary: name -> Knob (where it goes in the project: runner.APPLY)
KNOBS: dict[str, Knob] = {
    "lr": Knob(float, lambda v: 0 < v <= 100, "a learning rate > 0", log=True),
    "batch_size": Knob(int, lambda v: v >= 1, "a whole number >= 1"),
    "width": Knob(int, lambda v: 1 <= v <= 4096, "units per hidden Linear layer, 1 to 4096"),
    "weight_decay": Knob(float, lambda v: v >= 0, "a number >= 0"),
    "dropout": Knob(float, lambda v: 0 <= v < 1, "a probability in [0, 1)"),
    "l2": Knob(float, lambda v: v >= 0, "a number >= 0"),
    "optimizer": Knob(str, lambda v: v in OPTIMIZERS, "one of " + ", ".join(OPTIMIZERS), choices=OPTIMIZERS),
    "init": Knob(str, lambda v: v in INITS, "one of " + ", ".join(INITS), choices=INITS),
    "seed": Knob(int, lambda v: 0 <= v < 2**31, "a whole number >= 0"),
}


def _error(message: str, fix: str) -> TrainingError:
    return TrainingError(message, where=WHERE, fix=fix)


@dataclass(frozen=True)
class Param:
    """A range (``lo``..``hi``, on a log scale when ``log``) or a list of ``values``."""

    name: str
    values: tuple = ()
    lo: float | None = None
    hi: float | None = None
    log: bool = False

    @property
    def knob(self) -> Knob:
        return KNOBS[self.name]

    @property
    def is_range(self) -> bool:
        return self.lo is not None

    def cast(self, x: float) -> Any:
        return int(round(x)) if self.knob.kind is int else float(x)

    def levels(self, n: int) -> list:
        """``n`` evenly spaced values over the range (log-spaced when ``log``); the values otherwise."""
        if not self.is_range:
            return list(self.values)
        if n <= 1:
            return [self.cast(math.sqrt(self.lo * self.hi) if self.log else (self.lo + self.hi) / 2)]
        xs = np.geomspace(self.lo, self.hi, n) if self.log else np.linspace(self.lo, self.hi, n)
        return list(dict.fromkeys(self.cast(x) for x in xs))

    def draw(self, rng: np.random.Generator) -> Any:
        if not self.is_range:
            return self.values[int(rng.integers(len(self.values)))]
        if self.log:
            return self.cast(math.exp(rng.uniform(math.log(self.lo), math.log(self.hi))))
        return self.cast(rng.uniform(self.lo, self.hi))

    def text(self) -> str:
        if self.is_range:
            return f"{self.name}={self.lo:g}:{self.hi:g}" + (":log" if self.log else "")
        return f"{self.name}=" + ",".join(str(v) for v in self.values)


def _value(name: str, text: str) -> Any:
    knob = KNOBS[name]
    try:
        value = knob.kind(float(text)) if knob.kind is int and "e" in text.lower() else knob.kind(text.strip())
    except ValueError:
        raise _error(f"'{text}' is not a value of {name}", f"give {knob.rule}") from None
    if not knob.check(value):
        raise _error(f"{name}={value} is out of range", f"give {knob.rule}")
    return value


def make_param(name: str, values=(), lo=None, hi=None, log: bool | None = None) -> Param:
    """A checked ``Param`` (the dialog builds them from its form)."""
    if name not in KNOBS:
        raise _error(f"unknown parameter '{name}'", "use one of: " + ", ".join(KNOBS))
    knob = KNOBS[name]
    if lo is None:
        if not values:
            raise _error(f"{name} has no values", "give a range lo:hi or a list a,b,c")
        return Param(name, tuple(_value(name, str(v)) for v in values))
    if knob.kind is str:
        raise _error(f"{name} takes a list of choices, not a range", f"give a list, e.g. {name}={','.join(knob.choices[:2])}")
    lo, hi = _value(name, str(lo)), _value(name, str(hi))
    if lo > hi:
        lo, hi = hi, lo
    log = knob.log if log is None else log
    if log and lo <= 0:
        raise _error(f"a log-scale range of {name} must start above 0 (got {lo:g})", f"write {name}={hi / 1000:g}:{hi:g}:log")
    return Param(name, (), float(lo), float(hi), bool(log))


def parse_param(text: str) -> Param:
    """``lr=1e-4:1:log``, ``weight_decay=0:0.01``, ``batch_size=10,32``, ``optimizer=sgd,adam``."""
    name, sep, rest = text.partition("=")
    name = name.strip().replace("-", "_")
    if not sep or not rest.strip():
        raise _error(f"'{text}' is not NAME=RANGE or NAME=LIST", "write e.g. lr=1e-4:1:log or batch_size=10,32")
    if ":" in rest:
        parts = rest.split(":")
        scale = parts[2].strip().lower() if len(parts) == 3 else None
        if len(parts) not in (2, 3) or scale not in (None, "log", "lin", "linear"):
            raise _error(f"'{text}' is not a range lo:hi or lo:hi:log", "write e.g. lr=1e-4:1:log")
        return make_param(name, lo=parts[0], hi=parts[1], log=None if scale is None else scale == "log")
    return make_param(name, values=[v for v in rest.split(",") if v.strip()])


def grid(params: list[Param], trials: int) -> list[dict]:
    """The cartesian product; each range cut into as many levels as keep it within ``trials``
    (at least 2 per range)."""
    ranges = [p for p in params if p.is_range]
    fixed = math.prod(len(p.values) for p in params if not p.is_range)
    n = max(2, int(math.floor((max(trials, 1) / fixed) ** (1 / len(ranges)) + 1e-9))) if ranges else 1
    axes = [p.levels(n) for p in params]
    return [dict(zip([p.name for p in params], combo)) for combo in itertools.product(*axes)]


def random_points(params: list[Param], trials: int, seed: int = 0) -> list[dict]:
    """``trials`` independent draws: uniform (log-uniform for log ranges) or a random choice."""
    rng = np.random.default_rng(seed)
    return [{p.name: p.draw(rng) for p in params} for _ in range(max(trials, 1))]


SEARCHES: dict[str, Callable[..., list[dict]]] = {"grid": lambda ps, n, seed: grid(ps, n), "random": random_points}


def narrow(params: list[Param], rows: list[dict], metric: str, top: int = 3, lower_is_better: bool = True) -> list[Param]:
    """Coarse-to-fine: ranges shrunk to span the ``top`` best rows (plus half a step either side,
    in log space for log ranges), choices cut to those the best rows used."""
    scored = [r for r in rows if r.get(metric) is not None and math.isfinite(r[metric])]
    best = sorted(scored, key=lambda r: r[metric], reverse=not lower_is_better)[:max(top, 1)]
    if not best:
        raise _error("no finished row has a finite " + metric, "run a sweep first (or pick another metric)")
    out = []
    for p in params:
        seen = [r["settings"][p.name] for r in best if p.name in r["settings"]]
        if not seen:
            out.append(p)
        elif not p.is_range:
            out.append(Param(p.name, tuple(v for v in p.values if v in seen) or p.values))
        else:
            f = math.log if p.log else (lambda v: v)
            g = math.exp if p.log else (lambda v: v)
            lo, hi = f(min(seen)), f(max(seen))
            pad = max((hi - lo) * 0.5, (f(p.hi) - f(p.lo)) * 0.1)
            new_lo, new_hi = max(f(p.lo), lo - pad), min(f(p.hi), hi + pad)
            out.append(Param(p.name, (), float(g(new_lo)), float(g(new_hi)), p.log))
    return out


def kfold(n: int, k: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` (train, validation) index pairs whose validation parts partition ``range(n)``."""
    if not 2 <= k <= n:
        raise _error(f"{k} folds cannot be made from {n} examples", f"use between 2 and {n} folds")
    order = np.random.default_rng(seed).permutation(n)
    folds = np.array_split(order, k)
    return [(np.sort(np.concatenate(folds[:i] + folds[i + 1:])), np.sort(folds[i])) for i in range(k)]
