"""Splits: ratios, stratification, train-only statistics, official test sets, uint8 storage."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.core.errors import DataError
from playground.data import load
from playground.data.spec import DatasetInfo, RawData
from playground.data.splits import check_ratios, make_splits, split_indices, statistics


def _info(task="classification", shape=(3,), classes=("a", "b", "c")):
    return DatasetInfo("t", "T", task, shape, len(classes), classes, ())


def _raw_with_ids(n=1000, weights=(0.6, 0.3, 0.1), seed=0):
    """Tabular data whose first feature is the sample's id, with unbalanced classes."""
    rng = np.random.default_rng(seed)
    y = torch.from_numpy(rng.choice(len(weights), size=n, p=weights).astype(np.int64))
    x = torch.from_numpy(np.stack([np.arange(n), rng.normal(5, 2, n), rng.normal(-1, 3, n)], 1).astype(np.float32))
    return RawData(x=x, y=y, kind="tabular", class_names=("a", "b", "c"))


def test_splits_partition_the_samples_with_the_asked_ratios():
    raw = _raw_with_ids()
    s = make_splits(raw, _info(), (0.6, 0.2, 0.2), seed=0, augment=None)
    ids = [set(p.x[:, 0].long().tolist()) for p in (s.train, s.val, s.test)]
    assert not (ids[0] & ids[1]) and not (ids[0] & ids[2]) and not (ids[1] & ids[2])
    assert set.union(*ids) == set(range(1000))
    assert [len(s.train), len(s.val), len(s.test)] == pytest.approx([600, 200, 200], abs=3)


def test_split_is_stratified_per_class():
    raw = _raw_with_ids()
    counts = torch.bincount(raw.y).tolist()
    s = make_splits(raw, _info(), (0.7, 0.15, 0.15), seed=0, augment=None)
    for part, ratio in [(s.train, 0.7), (s.val, 0.15), (s.test, 0.15)]:
        got = torch.bincount(part.y, minlength=3).tolist()
        assert all(abs(g - c * ratio) <= 1 for g, c in zip(got, counts)), (got, counts)


def test_small_class_still_reaches_every_split():
    y = torch.tensor([0] * 90 + [1] * 10)
    parts = split_indices(y, (0.7, 0.15, 0.15), seed=0, stratify=True)
    assert [int((y[p] == 1).sum()) for p in parts] == [7, 2, 1]  # largest remainder, ties to the earlier part


def test_regression_split_is_a_plain_permutation():
    y = torch.randn(100, 1)
    parts = split_indices(y, (0.5, 0.3, 0.2), seed=1, stratify=False)
    assert [len(p) for p in parts] == [50, 30, 20]
    assert sorted(torch.cat(parts).tolist()) == list(range(100))


def test_same_seed_same_split_other_seed_other_split():
    raw = _raw_with_ids()
    a = make_splits(raw, _info(), (0.7, 0.15, 0.15), seed=3, augment=None)
    b = make_splits(raw, _info(), (0.7, 0.15, 0.15), seed=3, augment=None)
    c = make_splits(raw, _info(), (0.7, 0.15, 0.15), seed=4, augment=None)
    assert torch.equal(a.train.x, b.train.x) and not torch.equal(a.train.x, c.train.x)


def test_tabular_statistics_come_from_the_training_part_only():
    raw = _raw_with_ids()
    s = make_splits(raw, _info(), (0.7, 0.15, 0.15), seed=0, augment=None)
    train = s.train.x.double().numpy()
    assert np.allclose(s.mean.numpy(), train.mean(axis=0), rtol=1e-6)
    assert np.allclose(s.std.numpy(), train.std(axis=0), rtol=1e-6)
    whole = raw.x.double().numpy()
    assert not np.allclose(s.mean.numpy()[0], whole.mean(axis=0)[0], rtol=1e-6)
    xv, _ = s.val.all()
    assert np.allclose(xv.numpy(), (s.val.x.numpy() - s.mean.numpy()) / s.std.numpy(), atol=1e-5)


def test_image_statistics_are_per_channel_on_train_pixels():
    x = torch.randint(0, 256, (50, 3, 4, 4), dtype=torch.uint8)
    x[:, 1] //= 4  # a darker channel
    mean, std = statistics(x, "image", 1 / 255)
    ref = x.double().numpy() / 255
    assert mean.shape == (3, 1, 1)
    assert np.allclose(mean.flatten().numpy(), ref.mean(axis=(0, 2, 3)), rtol=1e-5)
    assert np.allclose(std.flatten().numpy(), ref.std(axis=(0, 2, 3)), rtol=1e-5)


def test_image_batches_are_scaled_then_standardized():
    s = load("shapes", params={"n_images": 140})
    x, _ = s.train.all()
    assert x.mean().item() == pytest.approx(0, abs=1e-4) and x.std(unbiased=False).item() == pytest.approx(1, abs=1e-3)
    ref = s.train.x[:3].double() / 255
    assert np.allclose(s.train.batch([0, 1, 2])[0].numpy(), ((ref - s.mean.double()) / s.std.double()).numpy(),
                       atol=1e-5)


def test_constant_feature_keeps_std_one():
    x = torch.ones(10, 2)
    x[:, 1] = torch.arange(10.0)
    mean, std = statistics(x, "tabular", 1.0)
    assert std[0] == 1 and mean[0] == 1


def test_official_test_set_stays_the_test_split():
    raw = _raw_with_ids(n=300)
    tx, ty = torch.full((40, 3), -1.0), torch.arange(40) % 3
    raw.test = (tx, ty)
    s = make_splits(raw, _info(), (0.7, 0.15, 0.15), seed=0, augment=None)
    assert torch.equal(s.test.x, tx) and torch.equal(s.test.y, ty)
    assert len(s.train) + len(s.val) == 300
    assert len(s.val) == pytest.approx(300 * 0.15 / 0.85, abs=3)


@pytest.mark.parametrize("split", [(0.5, 0.5), (0.7, 0.2, 0.2), (0.0, 0.5, 0.5), (0.8, -0.1, 0.3),
                                   "abc", (0.7, float("nan"), 0.3), None])
def test_bad_split_ratios_are_data_errors(split):
    with pytest.raises(DataError) as err:
        load("xor", split=split)
    assert "split" in str(err.value) and "0.7, 0.15, 0.15" in err.value.fix


def test_ratios_may_leave_validation_empty():
    assert check_ratios((0.8, 0, 0.2), "x") == (0.8, 0.0, 0.2)
    s = load("xor", split=(0.8, 0.0, 0.2))
    assert len(s.val) == 0 and s.val.all()[0].shape == (0, 2)


def test_too_few_samples_for_training_is_a_data_error():
    raw = RawData(x=torch.zeros(1, 2), y=torch.zeros(1, 1), kind="points")
    with pytest.raises(DataError, match="no samples left for training"):
        make_splits(raw, _info("regression", (2,), ()), (0.3, 0.35, 0.35), seed=0, augment=None)


def test_sixty_thousand_images_are_one_uint8_tensor(data_dir, mnist_files):
    """60,000 28x28 images are held as uint8 (47 MB), turned into float only per batch."""
    mnist_files(data_dir / "mnist", n_train=60000, n_test=10, gz=False)
    s = load("mnist")
    assert s.train.x.dtype == torch.uint8 and s.val.x.dtype == torch.uint8
    assert s.train.x.is_contiguous()
    stored = s.train.x.nbytes + s.val.x.nbytes
    assert stored == 60000 * 28 * 28 == 47_040_000
    x, y = s.train.batch(torch.arange(256))
    assert x.dtype == torch.float32 and x.shape == (256, 1, 28, 28) and y.shape == (256,)
