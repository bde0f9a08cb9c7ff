"""Labelled image sets for metric learning: the same pictures, task "embedding".

Owns ``SPECS``: one record per labelled image set (shapes, digits, Fashion-MNIST, MNIST), each a
copy of that set's own record (same loader, parameters and availability) whose task is
``embedding``. The network then learns an embedding f(x) instead of class scores, and the loss
(contrastive or triplet, ``playground/train/metric_losses.py``) forms its pairs and triplets
inside each batch from the labels, so the stored data stays the plain labelled set and the Trainer
stays task-agnostic. Fixed pairs and triplets for evaluation come from ``pairs.py``.
"""

from __future__ import annotations

from dataclasses import replace

from . import mnist, shapes, sklearn_sets
from .spec import DatasetSpec

_DESCRIBE = {"shapes": "The shape pictures; the loss pulls one kind together, pushes others apart.",
             "digits": "The 8x8 digits; the loss pulls one digit together, pushes others apart.",
             "fashion_mnist": "Fashion-MNIST's photos; the loss pulls one kind together, pushes others apart.",
             "mnist": "MNIST's digits; the loss pulls one digit together, pushes others apart."}


def _metric(spec: DatasetSpec) -> DatasetSpec:
    return replace(spec, name=f"{spec.name}_metric", title=f"{spec.title}: pairs and triplets", task="embedding",
                   description=_DESCRIBE[spec.name])


_BASES = {s.name: s for s in (*shapes.SPECS, *sklearn_sets.SPECS, *mnist.SPECS)}

SPECS = [_metric(_BASES[name]) for name in _DESCRIBE if name in _BASES]
