"""The dataset panel's preview: numpy samples, every class shown, counts that add up."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.core.errors import DataError
from playground.data import load, preview


def test_preview_by_name_shows_every_class_round_robin():
    p = preview("shapes", n=14, params={"n_images": 140})
    assert isinstance(p["samples"], np.ndarray) and p["samples"].shape == (14, 1, 28, 28)
    assert p["samples"].dtype == np.float32 and 0 <= p["samples"].min() and p["samples"].max() <= 1
    assert sorted(p["labels"].tolist()) == sorted(list(range(7)) * 2)
    assert p["class_names"][0] == "circle" and p["task"] == "classification"
    assert sum(p["class_counts"].values()) == 140 and set(p["class_counts"].values()) == {20}
    assert sum(p["split_sizes"].values()) == 140


def test_preview_samples_are_the_stored_samples():
    s = load("spiral", params={"n_points": 60})
    p = preview(s, n=10, split="val")
    idx = torch.from_numpy(p["indices"])
    assert np.array_equal(p["samples"], s.val.x[idx].numpy())  # raw coordinates
    assert np.array_equal(p["labels"], s.val.y[idx].numpy())
    assert p["split_class_counts"]["val"] == {
        name: int((s.val.y == k).sum()) for k, name in enumerate(s.info.class_names)}
    counts = torch.bincount(torch.cat([s.train.y, s.val.y, s.test.y])).tolist()
    assert list(p["class_counts"].values()) == counts


def test_preview_is_deterministic_and_n_is_capped():
    s = load("digits")
    a, b = preview(s, n=12, seed=1), preview(s, n=12, seed=1)
    assert np.array_equal(a["indices"], b["indices"])
    assert len(preview(load("iris"), n=10_000, split="test")["labels"]) == len(load("iris").test)


def test_preview_of_regression_and_segmentation():
    p = preview("plane", n=5)
    assert p["samples"].shape == (5, 2) and p["labels"].shape == (5, 1) and p["class_counts"] == {}
    p = preview("shapes_seg", n=3, params={"n_images": 28})
    assert p["labels"].shape == (3, 28, 28)
    assert set(p["class_counts"]) == {"background", "shape"}
    assert sum(p["class_counts"].values()) == 28 * 28 * 28  # pixels


def test_preview_unknown_split():
    with pytest.raises(DataError, match="unknown split"):
        preview("xor", split="holdout")
