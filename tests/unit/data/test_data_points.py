"""2-D points and 1-D functions against their defining formulas (TF Playground's dataset.ts)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.data import load
from playground.data import points


def _all(s):
    """Every sample of a Splits, in stored form, as numpy (x, y)."""
    xs = [p.x for p in (s.train, s.val, s.test)]
    ys = [p.y for p in (s.train, s.val, s.test)]
    return torch.cat(xs).numpy(), torch.cat(ys).numpy()


def test_circle_labels_follow_the_radius_without_noise():
    x, y = points.circle(400, 0.0, np.random.default_rng(0))
    r = np.hypot(x[:, 0], x[:, 1])
    assert np.array_equal(y, (r < 2.5).astype(np.int64))
    assert (r[y == 1] < 2.5).all() and (r[y == 0] >= 3.5).all() and r.max() <= 5
    assert y.sum() == 200  # half inside, half in the ring


def test_xor_has_the_gap_and_sign_labels():
    x, y = points.xor(500, 0.0, np.random.default_rng(0))
    assert (np.abs(x) >= 0.3).all() and (np.abs(x) <= 5.3).all()
    assert np.array_equal(y, (x[:, 0] * x[:, 1] >= 0).astype(np.int64))


def test_gauss_variance_follows_noise_like_tf_playground():
    for noise, variance in [(0.0, 0.5), (0.5, 4.0)]:
        x, y = points.gauss(20000, noise, np.random.default_rng(0))
        upper = x[y == 1]
        assert np.allclose(upper.mean(axis=0), [2, 2], atol=0.1)
        assert np.allclose(upper.var(axis=0), variance, rtol=0.05)
        assert np.allclose(x[y == 0].mean(axis=0), [-2, -2], atol=0.1)


def test_spiral_matches_its_formula_without_noise():
    x, y = points.spiral(200, 0.0, np.random.default_rng(0))
    i = np.arange(100)
    r, t = i / 100 * 5, 1.75 * i / 100 * 2 * np.pi
    assert np.allclose(x[:100], np.stack([r * np.sin(t), r * np.cos(t)], 1))
    assert np.allclose(x[100:], -x[:100])  # the other arm is turned by pi
    assert (y[:100] == 1).all() and (y[100:] == 0).all()


def test_moons_are_sklearns_moons_centred_and_scaled():
    from sklearn.datasets import make_moons

    rng = np.random.default_rng(5)
    state = int(np.random.default_rng(5).integers(2**31 - 1))
    x, y = points.moons(300, 0.1, rng)
    ref_x, ref_y = make_moons(n_samples=300, noise=0.1, random_state=state)
    assert np.allclose(x, (ref_x - [0.5, 0.25]) * 3) and np.array_equal(y, ref_y)


def test_plane_target_is_x_plus_y_over_ten():
    x, y = points.plane(300, 0.0, np.random.default_rng(0))
    assert np.allclose(y[:, 0], x.sum(axis=1) / 10) and (np.abs(x) <= 6).all()


def test_multi_gauss_peaks_at_the_bump_centres():
    x, y = points.multi_gauss(3000, 0.0, np.random.default_rng(0))
    assert y.shape == (3000, 1) and (np.abs(y) <= 1).all()
    near = np.linalg.norm(x - [-4, 2.5], axis=1) < 0.3
    assert (y[near, 0] > 0.8).all()
    near = np.linalg.norm(x - [0, 2.5], axis=1) < 0.3
    assert (y[near, 0] < -0.8).all()


@pytest.mark.parametrize("name", ["circle", "xor", "gauss", "spiral", "moons"])
def test_point_sets_keep_raw_coordinates_and_binary_labels(name):
    s = load(name, params={"n_points": 200})
    x, y = s.train.all()
    assert torch.equal(x, s.train.x)  # no normalization for 2-D points: plots stay in data coordinates
    assert set(y.unique().tolist()) == {0, 1} and y.dtype == torch.int64
    assert x.abs().max() < 8


def test_noise_flips_some_labels_but_not_all():
    x, y = _all(load("xor", seed=2, params={"noise": 0.5}))
    agree = (y == (x[:, 0] * x[:, 1] >= 0)).mean()
    assert 0.6 < agree < 1.0
    clean_x, _ = points.xor(500, 0.0, np.random.default_rng(2))
    noisy_x, _ = points.xor(500, 0.5, np.random.default_rng(2))
    assert np.array_equal(clean_x, noisy_x)  # same positions, only the labels get noisy


@pytest.mark.parametrize(
    "name, params, f",
    [
        ("sine", {"frequency": 2.0}, lambda x: np.sin(2 * np.pi * x)),
        ("step", {}, lambda x: (x >= 0).astype(float)),
        ("abs", {}, np.abs),
    ],
)
def test_functions_without_noise_match_the_formula(name, params, f):
    x, y = _all(load(name, params=params))
    assert x.shape[1:] == (1,) and y.shape[1:] == (1,)
    assert (np.abs(x) <= 1).all()
    assert np.allclose(y[:, 0], f(x[:, 0].astype(np.float64)), atol=1e-6)


def test_bumps_has_the_asked_number_of_peaks():
    s = load("bumps", params={"bumps": 3, "n_points": 4000})
    x, y = _all(s)
    for centre, height in [(-0.75, 1.0), (0.0, -0.6), (0.75, 1.0)]:  # up, down, up
        nearest = np.abs(x[:, 0] - centre).argmin()
        assert y[nearest, 0] == pytest.approx(height, abs=0.02)
    ys = y[np.argsort(x[:, 0]), 0]
    assert (np.diff(np.sign(ys)) != 0).sum() == 2  # crosses zero going down and coming back up


def test_function_noise_has_the_asked_spread():
    x, y = _all(load("abs", params={"noise": 0.1, "n_points": 20000}))
    assert np.std(y[:, 0] - np.abs(x[:, 0])) == pytest.approx(0.1, rel=0.05)
