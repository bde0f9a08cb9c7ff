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

_NOTE = (" For metric learning: the network gives an embedding per picture, the loss pulls pictures of the "
         "same class together and pushes other classes apart (pairs or triplets formed inside each batch).")


def _metric(spec: DatasetSpec) -> DatasetSpec:
    return replace(spec, name=f"{spec.name}_metric", title=f"{spec.title}: pairs and triplets", task="embedding",
                   description=spec.description + _NOTE, group="metric learning")


_BASES = {s.name: s for s in (*shapes.SPECS, *sklearn_sets.SPECS, *mnist.SPECS)}

SPECS = [_metric(_BASES[name]) for name in ("shapes", "digits", "fashion_mnist", "mnist") if name in _BASES]
