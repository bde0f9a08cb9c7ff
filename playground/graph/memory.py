"""Will a network fit in this machine's memory? An estimate from the inferred shapes (no torch).

``footprint(shapes, batch_size, state_slots)`` adds up what training holds at once: the weights,
their gradients, the optimizer's state (``state_slots`` values per weight: 0 for plain SGD, 1 for
momentum, 2 for Adam), and the activations a forward pass keeps for the backward pass (every
node's output for the batch, plus as much again for the gradients flowing back). ``memory_issues``
turns a footprint above ``machine_memory()`` (the physical memory, via ``os.sysconf``) into an
issue with the numbers and a fix. ``check`` shows it as a warning; training and building refuse
(``require_memory``), so a 40 GB layer is a message, not a crash while allocating.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from playground.core.errors import GraphError
from playground.graph.shapes import BYTES_PER_VALUE, GraphShapes, human_bytes
from playground.graph.validate import Issue

#: optimizer state per weight when the optimizer is not known (Adam's two moments: the usual worst case)
DEFAULT_STATE_SLOTS = 2


def machine_memory() -> int | None:
    """Bytes of physical memory, or None where the system does not say."""
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    return pages * size if pages > 0 and size > 0 else None


@dataclass(frozen=True)
class Footprint:
    weights: int
    gradients: int
    optimizer_state: int
    activations: int
    batch_size: int

    @property
    def total(self) -> int:
        return self.weights + self.gradients + self.optimizer_state + self.activations

    def describe(self) -> str:
        parts = [f"weights {human_bytes(self.weights)}"]
        if self.gradients:
            parts.append(f"gradients {human_bytes(self.gradients)}")
        if self.optimizer_state:
            parts.append(f"optimizer state {human_bytes(self.optimizer_state)}")
        if self.activations:
            parts.append(f"activations for a batch of {self.batch_size} {human_bytes(self.activations)}")
        return f"{human_bytes(self.total)} ({', '.join(parts)})"


def footprint(shapes: GraphShapes, batch_size: int = 0, state_slots: int = DEFAULT_STATE_SLOTS,
              training: bool = True) -> Footprint:
    """Bytes training (or, with ``training=False``, just holding the weights) needs at once."""
    weights = shapes.total_params * BYTES_PER_VALUE
    if not training:
        return Footprint(weights, 0, 0, 0, 0)
    return Footprint(weights, weights, weights * state_slots, shapes.activation_memory * batch_size * 2, batch_size)


def memory_issues(shapes: GraphShapes, batch_size: int = 32, state_slots: int = DEFAULT_STATE_SLOTS,
                  available: int | None = None, severity: str = "warning") -> list[Issue]:
    """An issue when training with ``batch_size`` needs more than ``available`` bytes (default: this machine)."""
    available = machine_memory() if available is None else available
    if not available:
        return []
    need = footprint(shapes, batch_size, state_slots)
    if need.total <= available:
        return []
    biggest = max(shapes.nodes, key=lambda nid: shapes.nodes[nid].params, default=None)
    fix = "use fewer units or channels in the largest layers"
    if need.activations > need.weights * (2 + state_slots) and batch_size > 1:
        fix = f"use a smaller batch size (activations dominate) or {fix}"
    return [Issue(biggest if need.weights > need.activations else None, severity,
                  f"training needs about {need.describe()}, more than this machine's {human_bytes(available)} "
                  f"of memory; {fix}")]


def require_memory(shapes: GraphShapes, batch_size: int | None = None, state_slots: int = DEFAULT_STATE_SLOTS,
                   available: int | None = None) -> None:
    """Raise GraphError when the weights alone (``batch_size`` None) or training would not fit in memory."""
    available = machine_memory() if available is None else available
    if not available:
        return
    if batch_size is None:
        need = footprint(shapes, training=False)
        if need.total > available:
            raise GraphError(f"the network's weights alone need {human_bytes(need.total)}, more than this "
                             f"machine's {human_bytes(available)} of memory",
                             fix="use fewer units or channels in the largest layers")
        return
    for issue in memory_issues(shapes, batch_size, state_slots, available, "error"):
        text, _, fix = issue.message.rpartition("; ")
        raise GraphError(text, fix=fix)
