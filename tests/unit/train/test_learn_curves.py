"""Activation and loss curves against closed-form derivatives; the robust fits and the slowdown
against independent references (numpy least squares, hand-written gradients, torch.optim)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from playground.data import load
from playground.data.functions import add_outliers
from playground.train.learn import activation_curves as ac
from playground.train.learn import loss_curves as lc
from playground.train.learn import robust_fit, slowdown

X = np.linspace(-6, 6, 601)
sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731

#: kind, params, closed-form f, closed-form f' (away from kinks)
CLOSED = [
    ("Identity", {}, lambda x: x, lambda x: np.ones_like(x)),
    ("Sigmoid", {}, sig, lambda x: sig(x) * (1 - sig(x))),
    ("Tanh", {}, np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    ("ReLU", {}, lambda x: np.maximum(0, x), lambda x: (x > 0).astype(float)),
    ("LeakyReLU", {"slope": 0.2}, lambda x: np.where(x > 0, x, 0.2 * x), lambda x: np.where(x > 0, 1.0, 0.2)),
    ("PReLU", {}, lambda x: np.where(x > 0, x, 0.25 * x), lambda x: np.where(x > 0, 1.0, 0.25)),
    ("ELU", {"alpha": 2.0}, lambda x: np.where(x > 0, x, 2 * (np.exp(x) - 1)), lambda x: np.where(x > 0, 1, 2 * np.exp(x))),
    ("SELU", {}, lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1)),
     lambda x: 1.0507009873554805 * np.where(x > 0, 1, 1.6732632423543772 * np.exp(x))),
    ("GELU", {}, lambda x: x * 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2))),
     lambda x: 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2))) + x * np.exp(-x * x / 2) / math.sqrt(2 * math.pi)),
    ("SiLU", {}, lambda x: x * sig(x), lambda x: sig(x) * (1 + x * (1 - sig(x)))),
    ("Softplus", {"beta": 2.0}, lambda x: np.log1p(np.exp(2 * x)) / 2, lambda x: sig(2 * x)),
    ("Softsign", {}, lambda x: x / (1 + abs(x)), lambda x: 1 / (1 + abs(x)) ** 2),
    ("Hardtanh", {}, lambda x: np.clip(x, -1, 1), lambda x: (abs(x) < 1).astype(float)),
    ("Mish", {}, lambda x: x * np.tanh(np.log1p(np.exp(x))),
     lambda x: np.tanh(np.log1p(np.exp(x))) + x * sig(x) * (1 - np.tanh(np.log1p(np.exp(x))) ** 2)),
    ("Softmax", {}, sig, lambda x: sig(x) * (1 - sig(x))),
    ("LogSoftmax", {}, lambda x: -np.log1p(np.exp(-x)), lambda x: 1 - sig(x)),
    ("Step", {"straight_through": False}, lambda x: (x > 0).astype(float), lambda x: np.zeros_like(x)),
]


def test_every_activation_of_the_catalog_has_a_closed_form_check():
    checked = {row[0] for row in CLOSED} | {"Maxout"}
    assert set(ac.activation_kinds()) == checked


@pytest.mark.parametrize("kind, params, f, df", CLOSED, ids=[row[0] for row in CLOSED])
def test_curve_matches_closed_form(kind, params, f, df):
    c = ac.curve(kind, params)
    away = np.abs(np.abs(c.x) - 1) > 1e-6  # Hardtanh's kinks
    away &= np.abs(c.x) > 1e-6  # the kinks at 0
    np.testing.assert_allclose(c.f, f(c.x), atol=1e-6)
    np.testing.assert_allclose(c.df[away], df(c.x)[away], atol=1e-6)


def test_maxout_is_the_max_of_its_lines_and_its_slope_the_winning_lines():
    c = ac.curve("Maxout", {"pieces": 3})
    w, b = ac.maxout_lines(3)
    lines = c.x[:, None] * w + b  # (N, 3)
    np.testing.assert_allclose(c.f, lines.max(axis=1), atol=1e-9)
    np.testing.assert_allclose(c.df, w[lines.argmax(axis=1)], atol=1e-9)


def test_regions_mark_dead_relu_and_saturated_tanh():
    relu = ac.curve("ReLU").regions
    assert [r[2] for r in relu] == ["dead"] and relu[0][0] == -6.0 and relu[0][1] <= 0
    tanh = ac.curve("Tanh").regions
    assert [r[2] for r in tanh] == ["saturated", "saturated"]
    edge = np.arctanh(np.sqrt(1 - ac.SATURATED))  # where 1 - tanh^2 = 0.1
    assert abs(tanh[1][0] - edge) < 0.03 and abs(tanh[0][1] + edge) < 0.03
    assert ac.curve("LeakyReLU").regions == []  # a small constant slope is not saturation


def test_layer_inputs_histogram_counts_what_reaches_the_layer():
    from torch import fx, nn

    from playground.train import TrainConfig, Trainer
    from train_helpers import blobs, tensor_splits

    splits = tensor_splits(*blobs(), num_classes=3)
    model = fx.symbolic_trace(nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3)))
    trainer = Trainer(model, splits, TrainConfig(epochs=1))
    result = ac.layer_inputs(trainer, "1", count=100)
    x, _ = trainer.feeds["train"].sample(np.arange(100))
    z = model.get_submodule("0")(x).detach().numpy().ravel()
    counts, _ = np.histogram(z, bins=result["edges"])
    np.testing.assert_array_equal(result["counts"], counts)
    assert result["kind"] == "ReLU"
    assert result["share"]["dead"] == pytest.approx(np.mean(z <= 0), abs=1e-9)


# ---- losses ---------------------------------------------------------------------------------------

softplus = lambda v: np.log1p(np.exp(v))  # noqa: E731
LOSS_CLOSED = {  # (loss, grad) of prediction z for target t
    "mse": (lambda z, t: (z - t) ** 2, lambda z, t: 2 * (z - t)),
    "mae": (lambda z, t: abs(z - t), lambda z, t: np.sign(z - t)),
    "huber": (lambda z, t: np.where(abs(z - t) < 1, 0.5 * (z - t) ** 2, abs(z - t) - 0.5),
              lambda z, t: np.clip(z - t, -1, 1)),
    "bce": (lambda z, t: softplus(-z) if t else softplus(z), lambda z, t: sig(z) - t),
    "cross_entropy": (lambda z, t: softplus(-z) if t else softplus(z), lambda z, t: sig(z) - t),
    "hinge": (lambda z, t: np.maximum(0, 1 - (2 * t - 1) * z), lambda z, t: np.where((2 * t - 1) * z < 1, -(2 * t - 1), 0)),
    "focal": (lambda z, t: (1 - sig(z if t else -z)) ** 2 * softplus(-z if t else z), None),
    "perceptron": (lambda z, t: abs(z - t), lambda z, t: np.sign(z - t)),  # |y - output| on a 0/1 output
}


def test_every_loss_of_the_registry_is_checked():
    assert set(LOSS_CLOSED) == set(lc.loss_names())


@pytest.mark.parametrize("name", list(LOSS_CLOSED))
@pytest.mark.parametrize("target", [0.0, 1.0])
def test_loss_curve_matches_closed_form(name, target):
    c = lc.loss_curve(name, target)
    loss, grad = LOSS_CLOSED[name]
    kink = np.abs(c.z - target) < 1e-4 if name in ("mae", "huber", "perceptron") else np.abs(np.abs(c.z) - 1) < 1e-4
    np.testing.assert_allclose(c.loss, loss(c.z, target), rtol=1e-4, atol=1e-5)
    if grad is None:  # focal: compare with a central difference of the closed form
        h = 1e-4
        grad = lambda z, t: (loss(z + h, t) - loss(z - h, t)) / (2 * h)  # noqa: E731
    np.testing.assert_allclose(c.grad[~kink], grad(c.z, target)[~kink], rtol=1e-3, atol=1e-4)


def test_huber_delta_setting_is_used():
    c = lc.loss_curve("huber", 0.0, {"delta": 2.0})
    np.testing.assert_allclose(c.grad, np.clip(c.z, -2, 2), atol=1e-6)


# ---- robust fits and the slowdown -------------------------------------------------------------------

def test_outliers_option_raises_that_share_of_targets_and_changes_nothing_at_zero():
    clean = load("line", params={"noise": 0.0}, seed=3)
    same = load("line", params={"noise": 0.0, "outliers": 0.0}, seed=3)
    torch.testing.assert_close(clean.train.y, same.train.y)
    y = np.zeros(200)
    raised = add_outliers(y, 0.1, np.random.default_rng(0))
    assert (raised > 0).sum() == 20 and raised.max() <= 4 and raised[raised > 0].min() >= 2


def test_mse_fit_is_least_squares_and_mae_resists_outliers():
    x, y = robust_fit.dataset_points("line", {"outliers": 0.15})
    fits = {name: robust_fit.fit_line(x, y, name, steps=1500) for name in robust_fit.ROBUST_LOSSES}
    w, b = np.polyfit(x, y, 1)
    assert fits["mse"].w == pytest.approx(w, abs=0.02) and fits["mse"].b == pytest.approx(b, abs=0.02)
    # the clean line is y = 0.8 x + 0.2: MAE stays near it, MSE's intercept is pulled up by the outliers
    assert abs(fits["mae"].b - 0.2) < 0.1 < fits["mse"].b - 0.2
    assert abs(fits["huber"].b - 0.2) < abs(fits["mse"].b - 0.2)
    mae = lambda f: np.mean(np.abs(f.w * x + f.b - y))  # noqa: E731
    assert mae(fits["mae"]) <= mae(fits["mse"]) + 1e-6


def test_slowdown_gradients_are_the_closed_forms():
    g = slowdown.gradient_vs_output(target=0.0)
    a = g["a"]
    np.testing.assert_allclose(g["mse"], a * a * (1 - a), rtol=1e-6)  # (a - y) a (1 - a), y = 0
    np.testing.assert_allclose(g["cross_entropy"], a, rtol=1e-6)  # a - y


def test_race_follows_hand_written_sgd_and_mse_is_stuck_at_first():
    r = slowdown.race(steps=100)
    w, b = slowdown.START
    for _ in range(100):  # gradient descent on the quadratic cost, written out
        a = sig(w + b)
        delta = (a - 0.0) * a * (1 - a)
        w, b = w - slowdown.LR * delta, b - slowdown.LR * delta
    assert r["mse"]["output"][-1] == pytest.approx(sig(w + b), abs=1e-5)
    assert r["cross_entropy"]["output"][50] < 0.2 and r["mse"]["output"][50] > 0.9  # CE has learned, MSE barely moved
