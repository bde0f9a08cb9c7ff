"""Generated shape images and their masks; scikit-learn's bundled sets against sklearn itself."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.data import load
from playground.data.shapes import CLASSES, draw


def _pooled(s):
    return (torch.cat([s.train.x, s.val.x, s.test.x]), torch.cat([s.train.y, s.val.y, s.test.y]))


def test_shapes_are_uint8_balanced_and_at_least_six_classes():
    s = load("shapes", params={"n_images": 700})
    x, y = _pooled(s)
    assert len(CLASSES) >= 6 and s.info.class_names == CLASSES
    assert {"circle", "square", "triangle", "cross", "horizontal bar", "vertical bar"} <= set(CLASSES)
    assert x.dtype == torch.uint8 and x.shape == (700, 1, 28, 28)
    assert torch.bincount(y).tolist() == [100] * len(CLASSES)
    assert x.float().amax(dim=(1, 2, 3)).min() > 100  # every image shows a shape


def test_bars_are_oriented_and_sizes_positions_vary():
    image, coverage, labels = draw(140, np.random.default_rng(0), noise=0.0, max_rotation=20)
    on = coverage > 0.5
    rows, cols = on.any(axis=2).sum(axis=1), on.any(axis=1).sum(axis=1)  # extent in y and x
    h, v = labels == CLASSES.index("horizontal bar"), labels == CLASSES.index("vertical bar")
    assert (cols[h] > rows[h]).all() and (rows[v] > cols[v]).all()
    centres = np.array([np.argwhere(m).mean(axis=0) for m in on])
    assert centres.std(axis=0).min() > 1.5 and on.sum(axis=(1, 2)).std() > 5


def test_noise_parameter_adds_pixel_noise():
    clean, _, _ = draw(50, np.random.default_rng(0), noise=0.0, max_rotation=0)
    noisy, _, _ = draw(50, np.random.default_rng(0), noise=0.2, max_rotation=0)
    background = clean == 0
    assert noisy[background].std() > 0.05 and clean[background].std() == 0


def test_segmentation_mask_marks_the_bright_pixels():
    s = load("shapes_seg", params={"n_images": 210, "noise": 0.0})
    assert s.info.task == "segmentation" and s.info.class_names == ("background", "shape")
    assert s.info.target_shape == (28, 28) and s.train.y.dtype == torch.int64
    x, mask = _pooled(s)
    x = x[:, 0].float() / 255
    assert (x[mask == 1] >= 0.29).all()  # covered at least half, times brightness >= 0.6
    assert (x[mask == 0] < 0.5).all()
    assert 0.05 < mask.float().mean() < 0.5


def test_digits_are_sklearns_digits():
    from sklearn.datasets import load_digits

    ref = load_digits()
    s = load("digits")
    x, y = _pooled(s)
    assert s.info.input_shape == (1, 8, 8) and x.dtype == torch.uint8
    got = sorted(zip([r.tobytes() for r in x.reshape(len(x), -1).numpy()], y.tolist()))
    want = sorted(zip([r.tobytes() for r in ref.images.astype(np.uint8).reshape(len(ref.images), -1)],
                      ref.target.tolist()))
    assert got == want  # the same 1797 (image, label) pairs
    assert np.allclose(ref.images.max(), 16) and s.train.scale == pytest.approx(1 / 16)


@pytest.mark.parametrize("name, loader", [("iris", "load_iris"), ("wine", "load_wine"),
                                          ("breast_cancer", "load_breast_cancer")])
def test_tabular_sklearn_sets_are_standardized_with_train_statistics(name, loader):
    import sklearn.datasets

    ref = getattr(sklearn.datasets, loader)()
    s = load(name)
    x, y = _pooled(s)
    assert s.info.input_shape == (ref.data.shape[1],)
    assert s.info.class_names == tuple(ref.target_names)
    assert np.allclose(np.sort(x.numpy(), axis=0), np.sort(ref.data, axis=0), rtol=1e-6)
    assert torch.bincount(y).tolist() == np.bincount(ref.target).tolist()
    train_raw = s.train.x.double().numpy()
    assert np.allclose(s.mean.numpy(), train_raw.mean(axis=0), rtol=1e-5)
    assert np.allclose(s.std.numpy(), train_raw.std(axis=0), rtol=1e-5)
    xt, _ = s.train.all()
    assert np.allclose(xt.mean(dim=0).numpy(), 0, atol=1e-4) and np.allclose(xt.std(dim=0, unbiased=False), 1, atol=1e-3)
