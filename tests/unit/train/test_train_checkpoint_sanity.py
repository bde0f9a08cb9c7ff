"""Checkpoints (exact continuation, refusal of a file that does not fit) and the sanity tools."""

import math

import pytest
import torch
from torch import nn

from playground.core.errors import ProjectFileError, TrainingError
from playground.train import TrainConfig, Trainer, checkpoint_path, load_checkpoint, save_checkpoint
from playground.train import sanity

from train_helpers import mlp


def test_checkpoint_round_trip_continues_the_run_exactly(blob_splits, tmp_path):
    config = TrainConfig(optimizer="adam", lr=0.01, epochs=2, batch_size=16)
    trainer = Trainer(mlp(), blob_splits, config)
    trainer.fit()
    path = save_checkpoint(trainer, tmp_path / "run.pgproj.pt")
    trainer.update_config(epochs=4)
    saved_at = trainer.step_count
    straight = trainer.fit().history.step_loss[saved_at:]

    other = Trainer(mlp(seed=99), blob_splits, config)
    state = load_checkpoint(other, path)
    assert state["epoch"] == 2 and other.step_count == saved_at == trainer.step_count - len(straight)
    assert other.history.start_step == 0 and len(other.history.epochs) == 2  # the curves travel too
    other.update_config(epochs=4)
    assert other.fit().history.step_loss[saved_at:] == pytest.approx(straight, rel=1e-6)
    for a, b in zip(trainer.model.parameters(), other.model.parameters()):
        torch.testing.assert_close(a, b)
    other.rewind()  # the initial weights travel with the checkpoint
    for a, b in zip(mlp().parameters(), other.model.parameters()):
        torch.testing.assert_close(a, b)


def test_checkpoint_with_dropout_and_early_stopping_continues_step_for_step(blob_splits, tmp_path):
    """Random numbers (dropout), batch order, early-stopping counters and curves all travel."""
    def model(seed):
        torch.manual_seed(seed)
        return nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 3))

    config = TrainConfig(optimizer="momentum", lr=0.05, epochs=2, batch_size=8, early_stopping=True, patience=3,
                         seed=4)
    trainer = Trainer(model(0), blob_splits, config)
    trainer.fit()
    path = save_checkpoint(trainer, tmp_path / "run.pgproj.pt")
    trainer.update_config(epochs=5)
    torch.manual_seed(123)  # whatever else drew random numbers in between must not matter
    straight = trainer.fit()

    other = Trainer(model(7), blob_splits, config)
    torch.manual_seed(999)
    load_checkpoint(other, path, epochs=5)
    again = other.fit()
    assert again.history.step_loss == straight.history.step_loss  # step for step, bit for bit
    assert [r.val.loss for r in again.history.epochs] == [r.val.loss for r in straight.history.epochs]
    assert again.reason == straight.reason and again.best_epoch == straight.best_epoch
    for a, b in zip(trainer.model.parameters(), other.model.parameters()):
        assert torch.equal(a, b)


def test_checkpoint_errors(blob_splits, tmp_path):
    trainer = Trainer(mlp(), blob_splits, TrainConfig())
    path = save_checkpoint(trainer, tmp_path / "a.pt")
    wider = Trainer(mlp(hidden=32), blob_splits, TrainConfig())
    with pytest.raises(TrainingError, match="does not fit the network"):
        load_checkpoint(wider, path)
    with pytest.raises(ProjectFileError, match="no checkpoint file"):
        load_checkpoint(trainer, tmp_path / "missing.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ProjectFileError, match="cannot read"):
        load_checkpoint(trainer, tmp_path / "junk.pt")
    assert checkpoint_path(tmp_path / "net.pgproj").name == "net.pgproj.pt"


def test_initial_loss_is_ln_c_for_an_unbiased_start(blob_splits):
    model = mlp()
    with torch.no_grad():
        model[-1].weight.mul_(0.01)
        model[-1].bias.zero_()
    report = sanity.initial_loss_check(Trainer(model, blob_splits, TrainConfig()))
    assert report.expected == pytest.approx(math.log(3))
    assert report.ok and report.loss == pytest.approx(math.log(3), rel=0.05)
    assert "ln 3 for 3 classes" in report.message


def test_initial_loss_warns_when_far_off(blob_splits):
    model = mlp()
    with torch.no_grad():
        model[-1].weight.mul_(50)
    report = sanity.initial_loss_check(Trainer(model, blob_splits, TrainConfig()))
    assert not report.ok and report.ratio > 1.5 and "too large" in report.message


def test_overfit_a_tiny_subset(blob_splits):
    trainer = Trainer(mlp(), blob_splits, TrainConfig())
    before = [p.detach().clone() for p in trainer.model.parameters()]
    report = sanity.overfit_tiny_subset(trainer, examples=20, steps=200)
    assert report.examples == 20 and report.reached and report.final_loss < 0.05 and report.accuracy == 1.0
    assert "can learn" in report.message
    for p, q in zip(trainer.model.parameters(), before):
        assert torch.equal(p, q)  # the Trainer's own model is untouched


def test_overfit_reports_a_network_that_cannot_learn(blob_splits):
    model = mlp()
    for p in model[:2].parameters():
        p.requires_grad_(False)
    with torch.no_grad():
        model[0].weight.zero_()  # the first layer blocks all information
        model[0].bias.zero_()
    report = sanity.overfit_tiny_subset(Trainer(model, blob_splits, TrainConfig()), steps=100)
    assert not report.reached and "not near zero" in report.message


class BadGrad(torch.autograd.Function):
    """x**2 with a wrong backward (2x + 1): what a broken layer looks like."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (2 * x + 1)


class Broken(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)

    def forward(self, x):
        return BadGrad.apply(self.fc(x))


@pytest.mark.parametrize("fast", [False, True])
def test_gradient_check_passes_a_sound_network_and_catches_a_broken_one(blob_splits, fast):
    good = sanity.gradient_check(Trainer(mlp(), blob_splits, TrainConfig()), fast_mode=fast)
    assert good.passed and good.max_relative_error < 1e-6 and "agrees" in good.message
    assert good.values_checked == 3 * 2 + sum(p.numel() for p in mlp().parameters())
    bad = sanity.gradient_check(Trainer(Broken(), blob_splits, TrainConfig()), fast_mode=fast)
    assert not bad.passed and "disagrees" in bad.message


def test_gradient_check_on_lenet_uses_fast_mode():
    from playground.data import load
    from playground.graph.project import load_project
    from playground.nn.build import build_module

    trainer = Trainer(build_module(load_project("lenet5").graph), load("shapes"), TrainConfig())
    report = sanity.gradient_check(trainer, examples=2)
    assert report.fast_mode and report.passed


def test_learning_rate_range_finder(regression_splits):
    model = mlp(3, 32, 2, act=nn.ReLU)
    trainer = Trainer(model, regression_splits, TrainConfig(batch_size=16))
    report = sanity.lr_range_test(trainer, start=1e-5, end=100, steps=80)
    assert 20 <= len(report.lrs) < 80  # stopped once the loss exploded
    assert len(report.lrs) == len(report.losses) == len(report.raw_losses)
    assert all(b > a for a, b in zip(report.lrs, report.lrs[1:]))
    lowest = int(report.losses.argmin())
    assert 0 < lowest < len(report.lrs) - 1 and report.losses[-1] > 2 * report.losses[lowest]
    assert report.suggested_lr == pytest.approx(report.lrs[lowest] / 10)
    assert "rose after that" in report.message
    fast = Trainer(mlp(3, 32, 2, act=nn.ReLU), regression_splits,
                   TrainConfig(lr=report.suggested_lr, epochs=4, batch_size=16)).fit()
    slow = Trainer(mlp(3, 32, 2, act=nn.ReLU), regression_splits, TrainConfig(lr=1e-4, epochs=4, batch_size=16)).fit()
    assert fast.history.epochs[-1].val.loss < 0.7 * slow.history.epochs[-1].val.loss  # the suggestion trains


def test_sanity_tools_refuse_while_training(blob_splits):
    trainer = Trainer(mlp(), blob_splits, TrainConfig())
    trainer._running = True
    with pytest.raises(TrainingError, match="stop training first"):
        sanity.initial_loss_check(trainer)
    trainer._running = False
