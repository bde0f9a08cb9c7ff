"""Optimizers, losses and schedules against torch's own implementations; loss/task mismatch wording."""

import math

import pytest
import torch
import torch.nn.functional as F

from playground.core.errors import TrainingError
from playground.train import LOSSES, OPTIMIZERS, SCHEDULES
from playground.train.losses import auto_loss, check_loss, get_loss
from playground.train.objective import Objective
from playground.train.optimizers import apply_settings, make_optimizer
from playground.train.schedules import lr_factor

from train_helpers import mlp

TORCH_EQUIVALENT = {
    "sgd": (torch.optim.SGD, {}),
    "momentum": (torch.optim.SGD, {"momentum": 0.9}),
    "nesterov": (torch.optim.SGD, {"momentum": 0.9, "nesterov": True}),
    "adagrad": (torch.optim.Adagrad, {"eps": 1e-10}),
    "adadelta": (torch.optim.Adadelta, {"rho": 0.9, "eps": 1e-6}),
    "rmsprop": (torch.optim.RMSprop, {"alpha": 0.99, "eps": 1e-8}),
    "adam": (torch.optim.Adam, {"betas": (0.9, 0.999), "eps": 1e-8}),
    "adamw": (torch.optim.AdamW, {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.01}),
}


def _trajectory(model, opt, steps=15):
    x = torch.linspace(-1, 1, 40).reshape(20, 2)
    y = torch.arange(20) % 3
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("fast", [False, True])
def test_optimizer_matches_torch(name, fast):
    assert set(TORCH_EQUIVALENT) == set(OPTIMIZERS)
    cls, kwargs = TORCH_EQUIVALENT[name]
    lr = 0.05
    ours = _trajectory(m := mlp(), make_optimizer(m.parameters(), name, lr, fast=fast))
    ref = _trajectory(m := mlp(), cls(m.parameters(), lr=lr, **kwargs))
    torch.testing.assert_close(ours, ref, rtol=1e-4, atol=1e-5)


def test_live_optimizer_settings_keep_state():
    model = mlp()
    opt = make_optimizer(model.parameters(), "adam", 0.01)
    _trajectory(model, opt, steps=3)
    state_before = {id(p): s["step"].clone() for p, s in opt.state.items()}
    apply_settings(opt, "adam", {"beta1": 0.5})
    assert opt.param_groups[0]["betas"] == (0.5, 0.999)
    assert {id(p): s["step"] for p, s in opt.state.items()} == state_before


def _logits(shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("name,reference", [
    ("mse", lambda o, y: F.mse_loss(o, y)),
    ("mae", lambda o, y: F.l1_loss(o, y)),
    ("huber", lambda o, y: F.huber_loss(o, y, delta=1.0)),
])
def test_regression_losses_match_torch(name, reference):
    out, y = _logits((8, 2)), _logits((8, 2), 1) * 3
    obj = Objective(get_loss(name), get_loss(name).resolve({}), "regression", 2, 0)
    torch.testing.assert_close(obj.loss(out, obj.target(y)), reference(out, y))


def test_classification_losses_match_torch():
    out, y = _logits((10, 4)), torch.arange(10) % 4
    ce = Objective(get_loss("cross_entropy"), {"label_smoothing": 0.1}, "classification", 4, 4)
    torch.testing.assert_close(ce.loss(out, ce.target(y)), F.cross_entropy(out, y, label_smoothing=0.1))
    hinge = Objective(get_loss("hinge"), {"margin": 1.0}, "classification", 4, 4)
    torch.testing.assert_close(hinge.loss(out, hinge.target(y)), F.multi_margin_loss(out, y))
    one, yb = _logits((10, 1)), torch.arange(10) % 2
    bce = Objective(get_loss("bce"), {}, "classification", 1, 2)
    torch.testing.assert_close(bce.loss(one, bce.target(yb)), F.binary_cross_entropy_with_logits(one[:, 0], yb.float()))
    h1 = Objective(get_loss("hinge"), {"margin": 1.0}, "classification", 1, 2)
    torch.testing.assert_close(h1.loss(one, h1.target(yb)), torch.clamp(1 - (2 * yb.float() - 1) * one[:, 0], min=0).mean())


def test_focal_loss_is_cross_entropy_at_gamma_zero_and_follows_its_formula():
    out, y = _logits((12, 3)), torch.arange(12) % 3
    focal = get_loss("focal")
    torch.testing.assert_close(focal.fn(out, y, gamma=0.0), F.cross_entropy(out, y))
    p = torch.softmax(out, 1)[torch.arange(12), y]
    torch.testing.assert_close(focal.fn(out, y, gamma=2.0), (-(1 - p) ** 2 * torch.log(p)).mean())
    one, yb = _logits((12, 1)), (torch.arange(12) % 2).float().unsqueeze(1)
    q = torch.sigmoid(one)
    pt = torch.where(yb == 1, q, 1 - q)
    torch.testing.assert_close(focal.fn(one, yb, gamma=2.0), (-(1 - pt) ** 2 * torch.log(pt)).mean())


def test_segmentation_losses_per_pixel():
    out, y = _logits((2, 3, 4, 5)), torch.randint(0, 3, (2, 4, 5), generator=torch.Generator().manual_seed(0))
    for name, ref in (("cross_entropy", F.cross_entropy(out, y)),
                      ("hinge", F.multi_margin_loss(out.movedim(1, -1).reshape(-1, 3), y.reshape(-1)))):
        obj = Objective(get_loss(name), get_loss(name).resolve({}), "segmentation", 3, 3)
        torch.testing.assert_close(obj.loss(out, obj.target(y)), ref)
    one, yb = _logits((2, 1, 4, 5)), y.clamp(max=1)
    bce = Objective(get_loss("bce"), {}, "segmentation", 1, 2)
    torch.testing.assert_close(bce.loss(one, bce.target(yb)), F.binary_cross_entropy_with_logits(one[:, 0], yb.float()))


def test_mse_on_classification_uses_one_hot_targets():
    out, y = _logits((6, 3)), torch.tensor([0, 1, 2, 0, 1, 2])
    obj = Objective(get_loss("mse"), {}, "classification", 3, 3)
    torch.testing.assert_close(obj.loss(out, obj.target(y)), F.mse_loss(out, F.one_hot(y, 3).float()))


def test_auto_loss_fits_the_task():
    assert auto_loss("regression", 1) == "mse"
    assert auto_loss("classification", 1) == "bce"
    assert auto_loss("classification", 10) == "cross_entropy"
    assert auto_loss("segmentation", 2) == "cross_entropy"


@pytest.mark.parametrize("loss,task,classes,out,target,words", [
    ("cross_entropy", "regression", 0, (1,), (1,), ["Cross-entropy", "classification loss", "regression"]),
    ("cross_entropy", "classification", 3, (1,), (), ["3 classes", "1 output", "3 outputs"]),
    ("bce", "classification", 3, (1,), (), ["3 classes", "1 output"]),
    ("cross_entropy", "classification", 10, (7,), (), ["7 outputs", "10 classes"]),
    ("bce", "classification", 2, (2,), (), ["Binary cross-entropy", "single output", "2"]),
    ("cross_entropy", "classification", 2, (1,), (), ["Cross-entropy", "one output per class", "1 output"]),
    ("mse", "regression", 0, (3,), (2,), ["3 value", "2 value"]),
    ("cross_entropy", "segmentation", 2, (2, 14, 14), (28, 28), ["(28, 28)", "(2, 14, 14)"]),
])
def test_mismatch_names_both_sides(loss, task, classes, out, target, words):
    problems = check_loss(loss, task, classes, out, target, dataset="dataset 'toy'")
    assert len(problems) == 1
    for word in words:
        assert word in problems[0], (word, problems[0])


@pytest.mark.parametrize("loss,task,classes,out,target", [
    ("cross_entropy", "classification", 3, (3,), ()), ("bce", "classification", 2, (1,), ()),
    ("focal", "classification", 2, (1,), ()), ("hinge", "classification", 5, (5,), ()),
    ("mse", "regression", 0, (2,), (2,)), ("huber", "regression", 0, (1,), ()),
    ("mse", "classification", 2, (1,), ()), ("cross_entropy", "segmentation", 2, (2, 8, 8), (8, 8)),
])
def test_fitting_pairs_have_no_problem(loss, task, classes, out, target):
    assert check_loss(loss, task, classes, out, target) == []


def test_objective_build_raises_training_error_before_training():
    class Info:
        name, task, num_classes, target_shape = "iris", "classification", 3, ()

    with pytest.raises(TrainingError, match="'iris' has 3 classes but the network has 1 output"):
        Objective.build("auto", {}, Info, (1,))


# torch schedulers stepped like our engine: once per optimizer step (per-step ones) or per epoch
@pytest.mark.parametrize("name,settings,make,per_epoch", [
    ("step", {"every": 2, "gamma": 0.5}, lambda o: torch.optim.lr_scheduler.StepLR(o, 2, 0.5), True),
    ("exponential", {"gamma": 0.9}, lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.9), True),
    ("cosine", {"min_factor": 0.1}, lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 40, eta_min=0.01), False),
    ("one_cycle", {"pct_start": 0.25, "div_factor": 10.0, "final_div_factor": 100.0},
     lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=40, pct_start=0.25, div_factor=10.0,
                                                   final_div_factor=100.0, cycle_momentum=False), False),
    ("warmup", {"warmup_steps": 10, "start_factor": 0.1},
     lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=10), False),
])
def test_schedules_match_torch(name, settings, make, per_epoch):
    settings = SCHEDULES[name].resolve(settings)
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = make(opt)
    spe, total = 5, 40  # 8 epochs of 5 steps
    for step in range(total):
        ours = 0.1 * lr_factor(name, settings, step, spe, total)
        assert math.isclose(ours, opt.param_groups[0]["lr"], rel_tol=1e-6, abs_tol=1e-9), (step, ours)
        opt.step()
        if not per_epoch or (step + 1) % spe == 0:
            sched.step()
