"""What the Training Health panel remembers and says: per-layer history and plain-words advice.

Owns ``HealthHistory`` (step -> gradient norm and update/weight ratio per layer, in preallocated
arrays of a fixed capacity; when full, every other sample is dropped and from then on only every
second new one is kept, so a long run costs fixed memory and drawing time) and the advice tables
(``unit_advice``, ``ratio_advice``, ``gradient_advice``, ``severity``). Pure numpy, no Qt and no
torch: it takes ``probes.Health``-like records (anything with ``step``, ``layers``, ``units``).
"""

from __future__ import annotations

import math

import numpy as np

CAPACITY = 5000
REFERENCE_RATIO = 1e-3  # update/weight ratio that is usually healthy (CS231n's rule of thumb)


class HealthHistory:
    """Per-layer gradient norms and update ratios against the step, bounded."""

    def __init__(self, capacity: int = CAPACITY):
        self.capacity = max(4, int(capacity))
        self.names: tuple[str, ...] = ()
        self.steps = np.empty(self.capacity, dtype=np.float64)
        self.grad = np.empty((self.capacity, 0), dtype=np.float64)
        self.ratio = np.empty((self.capacity, 0), dtype=np.float64)
        self.n = 0
        self.stride = 1  # keep every stride-th offered sample (doubles with every thinning)
        self._offered = 0

    def clear(self, names: tuple[str, ...] = ()) -> None:
        self.names = tuple(names)
        self.grad = np.empty((self.capacity, len(self.names)), dtype=np.float64)  # (capacity, layers)
        self.ratio = np.empty((self.capacity, len(self.names)), dtype=np.float64)
        self.n, self.stride, self._offered = 0, 1, 0

    def add(self, health) -> bool:
        """Record one measurement (a new set of layer names starts over). False when it was skipped:
        a step not after the last one, or thinned out."""
        names = tuple(layer.name for layer in health.layers)
        if names != self.names:
            self.clear(names)
        if self.n and health.step <= self.steps[self.n - 1]:
            return False
        self._offered += 1
        if (self._offered - 1) % self.stride:
            return False
        if self.n == self.capacity:
            self._thin()
        i = self.n
        self.steps[i] = health.step
        self.grad[i] = [layer.grad_norm for layer in health.layers]
        self.ratio[i] = [layer.update_ratio for layer in health.layers]
        self.n += 1
        return True

    def _thin(self) -> None:
        keep = self.n // 2
        self.steps[:keep] = self.steps[: self.n : 2][:keep]
        self.grad[:keep] = self.grad[: self.n : 2][:keep]
        self.ratio[:keep] = self.ratio[: self.n : 2][:keep]
        self.n = keep
        self.stride *= 2
        self._offered = 1  # the sample being added now is the first of the new stride

    def series(self, which: str, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """(steps, values) of ``which`` ("grad" or "ratio") for layer number ``layer``; values that a
        log axis cannot show (zero, negative, not measured) are nan."""
        values = getattr(self, which)[: self.n, layer]
        return self.steps[: self.n], np.where(values > 0, values, np.nan)


# ----------------------------------------------------------------------------- advice
#: (lowest share, colour, verdict) from worst down: how a dead or saturated share is judged
SEVERITY = ((0.4, "#C62828", "high"), (0.1, "#EF8F00", "some"), (0.0, "#2E7D32", "fine"))

UNIT_ADVICE = {
    "relu": ("{share:.0%} of the ReLUs in {name} never fire on this batch (dead): they no longer learn. "
             "Try a smaller learning rate, He initialization, or leaky ReLU."),
    "sigmoid": ("{share:.0%} of the sigmoid outputs in {name} are saturated (near 0 or 1, slope almost 0): "
                "gradients hardly pass. Try smaller initial weights (Xavier), normalized inputs, batch norm, "
                "or ReLU."),
    "tanh": ("{share:.0%} of the tanh outputs in {name} are saturated (near -1 or 1, slope almost 0): "
             "gradients hardly pass. Try smaller initial weights (Xavier), normalized inputs, batch norm, "
             "or ReLU."),
}


def unit_share(unit) -> float:
    """The share that matters for this activation: dead for ReLU, saturated for sigmoid/tanh."""
    return float(unit.dead_share if unit.kind == "relu" else unit.saturated_share)


def severity(share: float) -> tuple[str, str]:
    """(colour, verdict) for a dead/saturated share in [0, 1]."""
    if not math.isfinite(share):
        return "#9AA0A6", "unknown"
    for lowest, colour, verdict in SEVERITY:
        if share >= lowest:
            return colour, verdict
    return SEVERITY[-1][1], SEVERITY[-1][2]


def unit_advice(units) -> list[str]:
    """A sentence for each activation layer whose dead/saturated share is high."""
    out = []
    for unit in units:
        share = unit_share(unit)
        if math.isfinite(share) and share >= SEVERITY[0][0]:
            out.append(UNIT_ADVICE[unit.kind].format(share=share, name=unit.name))
    return out


def ratio_advice(layers) -> str:
    """One sentence about the update/weight ratios of the last measured step ('' when not measured)."""
    ratios = [(l.name, l.update_ratio) for l in layers if math.isfinite(l.update_ratio) and l.update_ratio > 0]
    if not ratios:
        return ""
    low = min(ratios, key=lambda r: r[1])
    high = max(ratios, key=lambda r: r[1])
    if high[1] > 30 * REFERENCE_RATIO:
        return (f"{high[0]} changes by {high[1]:.1e} of its size per step, far above 1e-3: the learning rate "
                f"is probably too large.")
    if low[1] < REFERENCE_RATIO / 30:
        return (f"{low[0]} changes by only {low[1]:.1e} of its size per step, far below 1e-3: the learning rate "
                f"is too small for it, or its gradients vanish.")
    return f"Update/weight ratios from {low[1]:.1e} ({low[0]}) to {high[1]:.1e} ({high[0]}): a healthy range."


def gradient_advice(layers) -> str:
    """One sentence about the spread of gradient norms across layers."""
    norms = [(l.name, l.grad_norm) for l in layers if math.isfinite(l.grad_norm)]
    if not norms:
        return ""
    if any(not math.isfinite(l.grad_norm) for l in layers) or max(g for _, g in norms) > 1e3:
        return "Some gradients are huge or not finite: exploding gradients; lower the learning rate or clip gradients."
    positive = [n for n in norms if n[1] > 0]
    if not positive:
        return "Every gradient is zero: nothing learns (dead units everywhere, or a layer that blocks gradients)."
    low, high = min(positive, key=lambda n: n[1]), max(positive, key=lambda n: n[1])
    zero = [name for name, g in norms if g == 0]
    if zero:
        return f"No gradient reaches {', '.join(zero)}: those layers do not learn."
    if high[1] > 1e3 * low[1]:
        return (f"Gradient norms differ by {high[1] / low[1]:.0e} times between {high[0]} and {low[0]}: "
                f"gradients vanish on the way back; try ReLU, batch norm, or residual connections.")
    return f"Gradient norms from {low[1]:.2g} ({low[0]}) to {high[1]:.2g} ({high[0]})."
