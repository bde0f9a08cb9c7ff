"""health_view: the resting measurement against an independent backward pass; sanity tools by name
on a trainer that is mid-run leave weights, gradients and the data order alone."""

import copy
from types import SimpleNamespace
import math
import pytest
import torch
from torch import nn

from playground.train import TrainConfig, Trainer, sanity
from playground.train.health_view import RESTING_EXAMPLES, resting_health, run_sanity

from tests.references import dead_relu_shares
from train_helpers import mlp


def test_resting_health_equals_an_independent_backward_pass(blob_splits):
    trainer = Trainer(mlp(act=nn.ReLU), blob_splits, TrainConfig(lr=0.1, epochs=1, batch_size=16))
    trainer.fit()
    before = [p.grad.clone() for p in trainer.model.parameters()]
    health = resting_health(trainer)
    assert [p.grad for p in trainer.model.parameters()] and all(
        torch.equal(a, p.grad) for a, p in zip(before, trainer.model.parameters()))  # .grad untouched
    model = copy.deepcopy(trainer.model).eval()
    n = min(len(trainer.train_feed), RESTING_EXAMPLES)
    x, y = trainer.train_feed.sample(list(range(n)))
    model.zero_grad()
    nn.functional.cross_entropy(model(x), y).backward()
    expected = {name: math.sqrt(sum(float(p.grad.pow(2).sum()) for p in m.parameters(recurse=False)))
                for name, m in model.named_modules() if list(m.parameters(recurse=False))}
    assert {l.name: l.grad_norm for l in health.layers} == pytest.approx(expected, rel=1e-5)
    assert all(math.isnan(l.update_ratio) for l in health.layers)
    relus = [u for u in health.units if u.kind == "relu"]
    assert {u.name: u.dead_share for u in relus} == pytest.approx(dead_relu_shares(model, x))


@pytest.mark.parametrize("tool", ["initial_loss", "overfit", "gradient_check", "lr_finder"])
def test_sanity_tools_run_mid_run_and_change_nothing(blob_splits, tool):
    trainer = Trainer(mlp(), blob_splits, TrainConfig(lr=0.1, epochs=1, batch_size=16))
    trainer.fit()
    trainer.train_feed.shuffle(torch.Generator().manual_seed(3))
    order = trainer.train_feed._order.clone()
    weights = copy.deepcopy(trainer.model.state_dict())
    trainer._running = True  # as between two batches of a run, in the training thread
    try:
        report = run_sanity(trainer, tool)
    finally:
        trainer._running = False
    assert report.message
    assert torch.equal(trainer.train_feed._order, order)
    assert all(torch.equal(v, trainer.model.state_dict()[k]) for k, v in weights.items())
    if tool == "initial_loss":  # about the untrained network: on this run's initial weights
        model = copy.deepcopy(trainer.model)
        model.load_state_dict(trainer._initial)
        fresh = SimpleNamespace(model=model, train_feed=trainer.train_feed, objective=trainer.objective,
                                running=False)
        assert report.loss == pytest.approx(sanity.initial_loss_check(fresh).loss)
