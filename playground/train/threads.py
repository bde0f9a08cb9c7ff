"""How many intra-op threads torch uses while a Trainer trains: one for small models.

A small network's operations take microseconds; each parallel region torch opens (MKL's tanh,
a matmul, an optimizer's foreach kernel) wakes sleeping worker threads first, which on a busy
two-core machine costs more than the work itself (measured in issue 18: 66 % of the time of
TensorFlow Playground's default net went to waiting for workers). ``threads_for`` runs the
training loop with one thread when the model has fewer than ``SMALL_MODEL_PARAMS`` parameters
and restores the previous setting afterwards; bigger models keep torch's default.
"""

from __future__ import annotations

from contextlib import contextmanager

import torch

#: below this many parameters a model trains with one intra-op thread
SMALL_MODEL_PARAMS = 20_000


def is_small(model: torch.nn.Module, limit: int = SMALL_MODEL_PARAMS) -> bool:
    return sum(p.numel() for p in model.parameters()) < limit


@contextmanager
def threads_for(model: torch.nn.Module):
    """Inside: one torch thread if ``model`` is small (else unchanged); restored on the way out."""
    before = torch.get_num_threads()
    single = is_small(model) and before > 1
    if single:
        torch.set_num_threads(1)
    try:
        yield 1 if single else before
    finally:
        if single:
            torch.set_num_threads(before)
