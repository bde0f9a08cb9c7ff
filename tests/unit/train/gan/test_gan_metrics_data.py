"""GAN targets (deterministic, right number of modes) and the metrics, against direct computations."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core.errors import DataError
from playground.data import load
from playground.data import gan_targets as gt
from playground.data.registry import get
from playground.train.gan.metrics import energy_distance, mode_coverage


@pytest.mark.parametrize("name,params,modes", [
    ("gan_ring", {"modes": 8}, 8), ("gan_ring", {"modes": 5}, 5), ("gan_grid", {"side": 3}, 9),
    ("gan_spiral", {}, gt.SPIRAL_SECTIONS), ("gan_moons", {}, 2), ("gan_drawn", {"points": "0,0; 1,1; 2,-1; -1,2"}, 4)])
def test_targets_are_deterministic_and_have_their_modes(name, params, modes):
    spec = get(name)
    values = spec.resolve({**params, "n_points": 800})
    a, b = spec.loader(values, None, 3), spec.loader(values, None, 3)
    other = spec.loader(values, None, 4)
    assert a.x.shape == (800, 2) and (a.x == b.x).all() and (a.y == b.y).all() and not (a.x == other.x).all()
    assert len(a.class_names) == modes and set(a.y.tolist()) == set(range(modes))


def test_ring_centres_lie_on_the_circle():
    values = get("gan_ring").resolve({"modes": 6, "radius": 2.0, "spread": 0.0, "n_points": 60})
    x, mode = gt.sample("ring", 60, values, 0)
    for m in range(6):
        angle = 2 * np.pi * m / 6
        assert np.allclose(x[mode == m], [2 * np.cos(angle), 2 * np.sin(angle)], atol=1e-5)


def test_drawn_points_bad_text_is_a_clear_error():
    with pytest.raises(DataError, match="not two numbers"):
        gt.parse_points("0,0; 1")
    with pytest.raises(DataError, match="no points"):
        gt.parse_points("  ")
    assert np.allclose(gt.parse_points(gt.format_points([[0.5, -1.25], [2, 3]])), [[0.5, -1.25], [2, 3]])


def test_targets_load_as_datasets():
    splits = load("gan_ring", params={"n_points": 200}, seed=1)
    assert splits.info.num_classes == 8 and splits.info.input_shape == (2,)


def test_energy_distance_matches_the_formula_with_loops():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(20, 2)), rng.normal(1.0, 1.0, size=(15, 2))

    def mean_dist(p, q):
        return sum(np.hypot(*(u - v)) for u in p for v in q) / (len(p) * len(q))

    want = 2 * mean_dist(a, b) - mean_dist(a, a) - mean_dist(b, b)
    assert energy_distance(a, b) == pytest.approx(want, rel=1e-9)
    assert energy_distance(a, a) == pytest.approx(0.0, abs=1e-12)


def test_mode_coverage_sees_collapse():
    values = get("gan_ring").resolve({"modes": 8, "spread": 0.05, "n_points": 800})
    real, modes = gt.sample("ring", 800, values, 0)
    full = mode_coverage(real, modes, gt.sample("ring", 400, values, 1)[0], 8)
    assert full.covered == 8 and full.on_target > 0.95 and not full.collapsed
    two = gt.sample("ring", 400, values, 2)
    only = two[0][two[1] < 2]  # generated points on two of the eight modes
    collapsed = mode_coverage(real, modes, only, 8)
    assert collapsed.covered == 2 and collapsed.collapsed
    far = mode_coverage(real, modes, real + 10.0, 8)
    assert far.covered == 0 and far.on_target == 0.0 and not far.collapsed
