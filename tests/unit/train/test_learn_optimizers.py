"""Optimizer race and surfaces: trajectories equal torch.optim stepped by hand with closed-form
gradients; surface values and gradients against their closed forms; noise and mini-batches."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.core.errors import PlaygroundError
from playground.train.learn.optimizer_race import BATCH_RACE, BY_KEY, OPTIMIZERS, Race, parse_settings
from playground.train.learn.surfaces import SURFACES, diabetes_points, get_surface


def closed_form_gradient(key, x, y, kappa=10.0):
    """Hand-derived ∇f for each surface (independent of autograd)."""
    if key == "bowl":
        return np.array([x, kappa * y])
    if key == "rosenbrock":
        return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
    if key == "beale":
        a, b, c = 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3
        return np.array([2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1),
                         2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y ** 2])
    if key == "saddle":
        return np.array([2 * x, -2 * y])
    if key == "himmelblau":
        u, v = x * x + y - 11, x + y * y - 7
        return np.array([4 * x * u + 2 * v, 2 * u + 4 * y * v])
    if key == "linreg":
        px, py = diabetes_points()
        r = x * px + y - py
        return np.array([(r * px).mean(), r.mean()])
    raise KeyError(key)


def closed_form_value(key, x, y, kappa=10.0):
    values = {"bowl": 0.5 * (x * x + kappa * y * y), "rosenbrock": (1 - x) ** 2 + 100 * (y - x * x) ** 2,
              "beale": (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2,
              "saddle": x * x - y * y, "himmelblau": (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2}
    if key == "linreg":
        px, py = diabetes_points()
        return 0.5 * ((x * px + y - py) ** 2).mean()
    return values[key]


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.key)
def test_surface_values_and_gradients_match_the_closed_forms(surface):
    rng = np.random.default_rng(0)
    for x, y in rng.uniform(-2, 2, size=(5, 2)):
        p = torch.tensor([x, y], dtype=torch.float64, requires_grad=True)
        value = surface.loss(p, 10.0)
        value.backward()
        assert float(value.detach()) == pytest.approx(closed_form_value(surface.key, x, y), rel=1e-10)
        np.testing.assert_allclose(p.grad.numpy(), closed_form_gradient(surface.key, x, y), rtol=1e-9, atol=1e-12)
    xs, ys, grid = surface.grid(7, 10.0)
    assert grid[2, 5] == pytest.approx(closed_form_value(surface.key, xs[5], ys[2]), rel=1e-10)
    for mx, my in surface.minima:
        assert np.linalg.norm(closed_form_gradient(surface.key, mx, my)) < 1e-4


@pytest.mark.parametrize("kind", OPTIMIZERS, ids=lambda k: k.key)
def test_race_trajectories_equal_torch_optim_stepped_by_hand(kind):
    settings = kind.defaults(get_surface("rosenbrock"))
    race = Race(get_surface("rosenbrock"), [(kind, settings)], (-1.5, 2.0))
    for _ in range(30):
        race.step()
    p = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
    opt = kind.cls([p], **settings)
    path = [(-1.5, 2.0)]
    for _ in range(30):
        p.grad = torch.as_tensor(closed_form_gradient("rosenbrock", *p.detach().numpy()))
        opt.step()
        path.append(tuple(p.detach().numpy()))
    np.testing.assert_allclose(np.array(race.racers[0].path), np.array(path), rtol=1e-9, atol=1e-12)
    assert race.racers[0].losses[-1] == pytest.approx(closed_form_value("rosenbrock", *path[-1]))
    assert not race.racers[0].diverged and race.racers[0].losses[-1] < race.racers[0].losses[0]  # a sensible default lr


def test_what_each_optimizer_keeps_is_its_own_state_and_adam_bias_correction():
    adam, momentum, adagrad = BY_KEY["adam"], BY_KEY["momentum"], BY_KEY["adagrad"]
    race = Race(get_surface("bowl"), [(adam, adam.settings), (momentum, momentum.settings),
                                      (adagrad, adagrad.settings)], (-2.0, 1.0), setting=10.0)
    for _ in range(3):
        race.step()
    a, m, g = race.racers
    st = a.optimizer.state[a.p]
    shown = a.state()
    b1, b2 = 0.9, 0.999
    assert shown["1 − β₁ᵗ"] == pytest.approx(1 - b1 ** 3) and shown["1 − β₂ᵗ"] == pytest.approx(1 - b2 ** 3)
    np.testing.assert_allclose(shown["m̂ = m / (1 − β₁ᵗ)"], st["exp_avg"].numpy() / (1 - b1 ** 3))
    # the velocity and the accumulated squares, rebuilt from the path's own gradients
    grads = [closed_form_gradient("bowl", *pt) for pt in m.path[:-1]]
    v = np.zeros(2)
    for grad in grads:
        v = 0.9 * v + grad
    np.testing.assert_allclose(m.state()["velocity v"], v, rtol=1e-10)
    np.testing.assert_allclose(m.velocity_step(), -0.05 * v, rtol=1e-10)
    squares = sum(closed_form_gradient("bowl", *pt) ** 2 for pt in g.path[:-1])
    np.testing.assert_allclose(g.state()["Σ g² (accumulated)"], squares, rtol=1e-10)


def test_noise_adds_a_seeded_gaussian_to_the_gradient():
    sgd = BY_KEY["sgd"]
    race = Race(get_surface("bowl"), [(sgd, {"lr": 0.1})], (1.0, 1.0), setting=4.0, noise=0.5, seed=3)
    race.step()
    xi = torch.randn(2, generator=torch.Generator().manual_seed(3), dtype=torch.float64).numpy()
    expected = np.array([1.0, 1.0]) - 0.1 * (closed_form_gradient("bowl", 1.0, 1.0, 4.0) + 0.5 * xi)
    np.testing.assert_allclose(race.racers[0].path[1], expected, rtol=1e-12)


def test_linear_regression_batches_and_the_least_squares_minimum():
    surface = get_surface("linreg")
    race = Race(surface, [(k, k.settings) for k in BATCH_RACE], surface.start, seed=0)
    for _ in range(400):
        race.step()
    px, py = diabetes_points()
    w, b = np.polyfit(px, py, 1)  # the least-squares line, independently
    gd, sgd1, mini = race.racers
    assert gd.path[-1] == pytest.approx((w, b), abs=1e-4)  # full batch converges to it
    # the first full-batch step is the closed-form gradient's; SGD's follows its one sampled example
    np.testing.assert_allclose(gd.path[1], np.array(surface.start) - 0.1 * closed_form_gradient("linreg", *surface.start))
    idx = int(torch.randint(0, len(px), (1,), generator=torch.Generator().manual_seed(0)))
    x0, y0 = surface.start
    r = x0 * px[idx] + y0 - py[idx]
    np.testing.assert_allclose(sgd1.path[1], (x0 - 0.1 * r * px[idx], y0 - 0.1 * r))
    assert abs(sgd1.losses[-1] - gd.losses[-1]) > 1e-6  # batch 1 keeps scattering around the minimum


def test_divergence_stops_a_racer_and_settings_are_parsed_with_messages():
    sgd = BY_KEY["sgd"]
    race = Race(get_surface("bowl"), [(sgd, {"lr": 1.0})], (1.0, 1.0), setting=100.0)
    for _ in range(20):
        race.step()
    assert race.racers[0].diverged and len(race.racers[0].path) < 21
    assert parse_settings(BY_KEY["nesterov"], "momentum=0.8, nesterov=1") == {"momentum": 0.8, "nesterov": True}
    with pytest.raises(PlaygroundError, match="not a setting of Adam"):
        parse_settings(BY_KEY["adam"], "momentum=0.9")
    with pytest.raises(PlaygroundError, match="not a number"):
        parse_settings(BY_KEY["rmsprop"], "alpha=high")
