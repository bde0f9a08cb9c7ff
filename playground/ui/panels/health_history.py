"""What the Training Health panel says: plain-words advice about a run's health.

Owns the advice tables (``unit_advice``, ``ratio_advice``, ``gradient_advice``, ``severity``). The
history itself (``HealthHistory``, bounded by thinning) is recorded for every run by
``train.recorder`` and re-exported here. Pure numpy and no Qt: it takes ``probes.Health``-like
records (anything with ``step``, ``layers``, ``units``).
"""

from __future__ import annotations

import math

from playground.train.recorder import CAPACITY, HealthHistory  # noqa: F401 - re-exported for the panel

REFERENCE_RATIO = 1e-3  # update/weight ratio that is usually healthy (CS231n's rule of thumb)


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
