"""Many networks in one fused call (``train/fused/many.py``, through ``sweep.runner.vector_train``):
each network ends with the weights and optimizer state that ``torch.optim`` gives it trained alone
(every optimizer, loss and activation; L1/L2, clipping and max-norm); its rational tanh is tanh to
float32 rounding; a network that diverges stops at its last good weights without touching the
others; Cancel is taken up between chunks."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.train import TrainConfig, Trainer
from playground.train.sweep.runner import vector_train
from test_fused_engine import CASES, _data, _flat, _net, compiled, reference  # noqa: F401 - compiled: fixture

LRS = (0.05, 0.02, 0.1)  # three networks per call: lanes that differ in rate, seed and weights


@pytest.fixture(autouse=True)
def fast(monkeypatch, compiled):
    monkeypatch.setenv("PLAYGROUND_ENGINE", "fast")


def _group(opt, loss, act, lrs=LRS, epochs=2, fused=True, seeds=None, **settings):
    splits, d_in, d_out, loss_fn, target = _data(loss)
    trainers, refs = [], []
    for i, lr in zip(seeds or range(len(lrs)), lrs):
        config = TrainConfig(epochs=epochs, batch_size=7, lr=lr, optimizer=opt, loss=loss, seed=3 + i, **settings)
        if opt == "adamw":
            config = config.replace(optimizer_params={"weight_decay": 0.01})
        tr = Trainer(_net(d_in, d_out, act, seed=i), splits, config.replace(device="cpu"))
        assert not fused or tr._fast.plan(tr) is not None, tr._fast.reason
        trainers.append(tr)
        refs.append((splits, loss_fn, target, opt, lr, 3 + i, _net(d_in, d_out, act, seed=i)))
    return trainers, refs


@pytest.mark.parametrize("opt, loss, act", CASES)
def test_each_network_matches_torch_optim_alone(opt, loss, act):
    l1, l2 = (1e-3, 1e-3) if opt in ("sgd", "adam", "rmsprop") else (0.0, 0.0)
    if opt in ("adam", "adamw", "rmsprop"):
        lrs = tuple(lr / 5 for lr in LRS)
    else:
        lrs = LRS
    trainers, refs = _group(opt, loss, act, lrs, l1=l1, l2=l2)
    results = vector_train(trainers)
    assert all(r["engine"] == "vectorized" and r["epochs"] == 2 and not r["diverged"] for r in results)
    for tr, (splits, loss_fn, target, o, lr, seed, ref_model) in zip(trainers, refs):
        _, ref_opt = reference(ref_model, splits, loss_fn, target, o, lr, 7, 2, seed, l1, l2)
        torch.testing.assert_close(_flat(tr.model), _flat(ref_model), rtol=1e-4, atol=2e-5)
        for p, q in zip(tr.model.parameters(), ref_model.parameters()):  # state given back to torch's optimizer
            for key, value in ref_opt.state[q].items():
                if isinstance(value, torch.Tensor) and value.dim() > 0:
                    torch.testing.assert_close(tr.optimizer.state[p][key].float(), value.float(), rtol=1e-4,
                                               atol=2e-5, msg=key)
        assert tr.step_count == 2 * -(-len(splits.train.x) // 7)


def test_clip_and_max_norm_match_the_torch_path(monkeypatch):
    settings = dict(grad_clip=0.3, max_norm=1.0)
    trainers, _ = _group("momentum", "cross_entropy", "tanh", (0.5, 0.2), **settings)
    vector_train(trainers)
    monkeypatch.setenv("PLAYGROUND_ENGINE", "torch")
    alone, _ = _group("momentum", "cross_entropy", "tanh", (0.5, 0.2), fused=False, **settings)
    for tr, ref in zip(trainers, alone):
        ref.fit()
        assert ref.engine == "torch"
        torch.testing.assert_close(_flat(tr.model), _flat(ref.model), rtol=1e-4, atol=2e-5)


def test_rational_tanh_is_tanh_to_float32_rounding():
    from playground.train.fused.many import tanh_array

    z = np.concatenate([np.linspace(-30, 30, 200001), [0.0, -0.0, 1e-30, -1e-30, 7.9, 8.0]]).astype(np.float32)
    ours = tanh_array(z)
    ref = torch.tanh(torch.from_numpy(z).double()).numpy()
    assert np.abs(ours - ref).max() < 3e-7
    assert np.all(np.abs(ours) <= 1.0)


def test_a_diverging_network_stops_alone_and_the_others_are_untouched():
    trainers, _ = _group("sgd", "mse", "relu", (0.05, 1e6, 0.02), epochs=5)
    results = vector_train(trainers)
    assert [r["diverged"] for r in results] == [False, True, False]
    assert results[1]["epochs"] < 5 and torch.isfinite(_flat(trainers[1].model)).all()
    assert trainers[1].step_count < trainers[0].step_count
    alone, _ = _group("sgd", "mse", "relu", (0.05, 0.02), epochs=5, seeds=(0, 2))
    vector_train(alone)  # the same two networks without the diverging one: the very same numbers
    for tr, ref in zip((trainers[0], trainers[2]), alone):
        assert torch.equal(_flat(tr.model), _flat(ref.model))


def test_cancel_is_taken_up_between_chunks():
    trainers, _ = _group("sgd", "bce", "tanh")
    before = [_flat(tr.model).clone() for tr in trainers]
    assert vector_train(trainers, cancel=lambda: True) is None
    assert all(torch.equal(b, _flat(tr.model)) for b, tr in zip(before, trainers))


def test_a_network_whose_first_loss_is_inf_keeps_its_starting_weights():
    trainers, _ = _group("sgd", "mse", "identity", (0.05, 0.05))
    with torch.no_grad():
        for p in trainers[1].model.parameters():
            p.fill_(1e20)  # outputs of 1e60: inf in float32 from the first forward pass
    start = _flat(trainers[1].model).clone()
    results = vector_train(trainers)
    assert [r["diverged"] for r in results] == [False, True] and results[1]["epochs"] == 0
    assert torch.equal(_flat(trainers[1].model), start) and trainers[1].step_count == 0
