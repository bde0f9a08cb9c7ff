"""The ``examples_per_class`` dataset option: only the training split shrinks, to that many examples
of each class drawn from the full training split; validation and test stay as they were."""

from __future__ import annotations

import pytest
import torch

from playground.core.errors import DataError
from playground.data import load
from playground.data.registry import get


def _rows(x: torch.Tensor) -> set[bytes]:
    return {bytes(row.numpy().tobytes()) for row in x}


def test_shapes_keeps_n_per_class_from_the_full_training_split_and_leaves_val_test_alone():
    full = load("shapes", params={"n_images": 700}, seed=3)
    few = load("shapes", params={"n_images": 700, "examples_per_class": 20}, seed=3)
    counts = torch.bincount(few.train.y, minlength=7)
    assert counts.tolist() == [20] * 7
    assert _rows(few.train.x) <= _rows(full.train.x)  # a subset of what training had, not new pictures
    for part in ("val", "test"):
        a, b = getattr(full, part), getattr(few, part)
        assert torch.equal(a.x, b.x) and torch.equal(a.y, b.y)
    # labels still belong to their pictures: each kept picture's label is its label in the full split
    label_of = {bytes(x.numpy().tobytes()): int(y) for x, y in zip(full.train.x, full.train.y)}
    assert all(label_of[bytes(x.numpy().tobytes())] == int(y) for x, y in zip(few.train.x, few.train.y))


def test_more_than_a_class_has_keeps_all_and_zero_means_all():
    full = load("shapes", params={"n_images": 140}, seed=0)
    assert len(load("shapes", params={"n_images": 140, "examples_per_class": 1000}, seed=0).train) == len(full.train)
    assert len(load("shapes", params={"n_images": 140, "examples_per_class": 0}, seed=0).train) == len(full.train)


def test_same_seed_same_examples():
    a = load("shapes", params={"n_images": 700, "examples_per_class": 5}, seed=1)
    b = load("shapes", params={"n_images": 700, "examples_per_class": 5}, seed=1)
    assert torch.equal(a.train.x, b.train.x)


def test_a_negative_count_is_refused_naming_the_option():
    with pytest.raises(DataError, match="examples_per_class"):
        load("shapes", params={"examples_per_class": -1})


def test_declared_by_the_image_classification_sets():
    for name in ("shapes", "mnist", "fashion_mnist"):
        assert "examples_per_class" in get(name).parameters
