"""The fused engine against torch: same weights, optimizer state and per-step losses as a plain loop
with ``torch.optim`` on the same batches; Pause/Step/live learning rate as on the torch path;
fallback reasons. The kernels are compiled once per session (numba's disk cache makes later
sessions start in seconds)."""

from __future__ import annotations

import copy
import math
import threading
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from playground.train import TrainConfig, Trainer
from playground.train.fused import compiler
from playground.train.fused.plan import supports
from train_helpers import blobs, run_in_thread, tensor_splits


@pytest.fixture(scope="session")
def compiled():
    assert compiler.wait(timeout=600), f"the fused kernels did not compile: {compiler.error()}"


@pytest.fixture
def fast(monkeypatch, compiled):
    monkeypatch.setenv("PLAYGROUND_ENGINE", "fast")


def _data(loss):
    """Small splits fitting ``loss``: (splits, outputs, F-loss on (out, target), target from y)."""
    if loss == "mse":
        g = torch.Generator().manual_seed(1)
        x = torch.rand(80, 3, generator=g) * 2 - 1
        y = torch.stack([x[:, 0] * 2 - x[:, 1], x[:, 2] ** 2], dim=1)
        return tensor_splits(x, y, task="regression", name="poly"), 3, 2, F.mse_loss, lambda y: y
    classes = 2 if loss == "bce" else 3
    x, y = blobs(n=90, classes=classes)
    splits = tensor_splits(x, y, num_classes=classes, name="blobs")
    if loss == "bce":
        return splits, 2, 1, F.binary_cross_entropy_with_logits, lambda y: y.float().unsqueeze(1)
    return splits, 2, 3, F.cross_entropy, lambda y: y


ACTS = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "identity": nn.Identity,
        "leaky": lambda: nn.LeakyReLU(0.2)}
#: optimizer name -> the torch.optim object a person would write (settings as the app's defaults)
OPTIMIZERS = {
    "sgd": lambda p, lr: torch.optim.SGD(p, lr=lr),
    "momentum": lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9),
    "nesterov": lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True),
    "adam": lambda p, lr: torch.optim.Adam(p, lr=lr),
    "adamw": lambda p, lr: torch.optim.AdamW(p, lr=lr, weight_decay=0.01),
    "rmsprop": lambda p, lr: torch.optim.RMSprop(p, lr=lr),
    "adagrad": lambda p, lr: torch.optim.Adagrad(p, lr=lr),
}


def _net(d_in, d_out, act, seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(d_in, 6), ACTS[act](), nn.Linear(6, 5), ACTS[act](), nn.Linear(5, d_out))


def reference(model, splits, loss_fn, target, opt, lr, batch, epochs, seed, l1=0.0, l2=0.0):
    """The loop a person writes: the Trainer's shuffling (its seeded generator), torch.optim, L1/L2 on weights."""
    x, y = splits.train.all()
    t = target(y)
    optimizer = OPTIMIZERS[opt](list(model.parameters()), lr)
    gen = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=gen)
        for i in range(0, len(x), batch):
            idx = order[i:i + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x[idx]), t[idx])
            weights = [p for p in model.parameters() if p.dim() > 1]
            pen = l1 * sum(w.abs().sum() for w in weights) + l2 * sum(w.pow(2).sum() for w in weights)
            (loss + pen).backward()
            optimizer.step()
            losses.append(loss.item())
    return losses, optimizer


def _flat(model):
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


LOSS_NAMES = ["mse", "bce", "cross_entropy"]
#: every optimizer with every loss; the activation turns with them, so each loss meets every activation
CASES = [(opt, loss, sorted(ACTS)[(i + j) % len(ACTS)])
         for i, opt in enumerate(sorted(OPTIMIZERS)) for j, loss in enumerate(LOSS_NAMES)]


@pytest.mark.parametrize("opt, loss, act", CASES)
def test_same_weights_state_and_losses_as_torch_optim(fast, opt, loss, act):
    splits, d_in, d_out, loss_fn, target = _data(loss)
    lr = 0.05 if opt in ("sgd", "momentum", "nesterov", "adagrad") else 0.01
    l1, l2 = (1e-3, 1e-3) if opt in ("sgd", "adam", "rmsprop") else (0.0, 0.0)
    config = TrainConfig(epochs=2, batch_size=7, lr=lr, optimizer=opt, loss=loss, seed=3, l1=l1, l2=l2)
    if opt == "adamw":
        config = config.replace(optimizer_params={"weight_decay": 0.01})
    model = _net(d_in, d_out, act)
    trainer = Trainer(model, splits, config)
    trainer.fit()
    assert trainer.engine == "fast", trainer.engine_reason
    ref_model = _net(d_in, d_out, act)
    ref_losses, ref_opt = reference(ref_model, splits, loss_fn, target, opt, lr, 7, 2, 3, l1, l2)
    torch.testing.assert_close(_flat(model), _flat(ref_model), rtol=1e-5, atol=1e-6)
    assert trainer.history.step_loss == pytest.approx(ref_losses, rel=1e-5, abs=1e-6)
    for p, q in zip(model.parameters(), ref_model.parameters()):  # optimizer state written back into torch's
        ours, theirs = trainer.optimizer.state[p], ref_opt.state[q]
        for key, value in theirs.items():
            if isinstance(value, torch.Tensor):
                torch.testing.assert_close(ours[key].float(), value.float(), rtol=1e-5, atol=1e-6, msg=key)


def test_grad_clip_and_max_norm_match_the_torch_path(fast, monkeypatch):
    splits, d_in, d_out, _, _ = _data("cross_entropy")
    config = TrainConfig(epochs=2, batch_size=5, lr=0.5, optimizer="momentum", seed=1, grad_clip=0.3, max_norm=1.0,
                         schedule="cosine")
    weights = {}
    for engine in ("torch", "fast"):
        monkeypatch.setenv("PLAYGROUND_ENGINE", engine)
        model = _net(d_in, d_out, "tanh")
        trainer = Trainer(model, splits, config)
        trainer.fit()
        assert trainer.engine == engine
        weights[engine] = (_flat(model), trainer.history.step_loss, [r.lr for r in trainer.history.epochs])
    torch.testing.assert_close(weights["fast"][0], weights["torch"][0], rtol=1e-5, atol=1e-6)
    assert weights["fast"][1] == pytest.approx(weights["torch"][1], rel=1e-5, abs=1e-6)
    assert weights["fast"][2] == pytest.approx(weights["torch"][2])


def _controlled_run(engine, monkeypatch):
    """Start paused; step 4; new lr; step 3; resume to the end. Returns (weights, batch infos)."""
    monkeypatch.setenv("PLAYGROUND_ENGINE", engine)
    splits, d_in, d_out, _, _ = _data("cross_entropy")
    model = _net(d_in, d_out, "relu")
    paused = threading.Event()
    infos = []

    from playground.train.callbacks import Callback

    class Watch(Callback):
        def on_state(self, trainer, state, message):
            if state == "paused":
                paused.set()

        def on_batch_end(self, trainer, info):
            infos.append((info.step, info.batch, info.batches, info.size, info.loss, info.lr))

    trainer = Trainer(model, splits, TrainConfig(epochs=3, batch_size=8, lr=0.05, seed=2), callbacks=[Watch()])
    trainer.pause()
    thread, holder = run_in_thread(trainer)
    try:
        for batches, lr in ((4, 0.2), (3, None)):
            paused.clear()
            trainer.step(batches)
            deadline = time.monotonic() + 30
            while not (paused.is_set() and trainer.step_count >= batches) and time.monotonic() < deadline:
                time.sleep(0.005)
            if lr is not None:
                assert trainer.step_count == 4
                trainer.set_lr(lr)
        assert trainer.step_count == 7
        trainer.resume()
    finally:
        thread.join(30)
    assert holder["result"].reason == "finished"
    return _flat(model), infos, trainer.engine


def test_pause_step_and_live_learning_rate_behave_as_on_the_torch_path(fast, monkeypatch):
    w_torch, infos_torch, e1 = _controlled_run("torch", monkeypatch)
    w_fast, infos_fast, e2 = _controlled_run("fast", monkeypatch)
    assert (e1, e2) == ("torch", "fast")
    torch.testing.assert_close(w_fast, w_torch, rtol=1e-5, atol=1e-6)
    assert [i[:4] + (i[5],) for i in infos_fast] == [i[:4] + (i[5],) for i in infos_torch]
    assert [i[4] for i in infos_fast] == pytest.approx([i[4] for i in infos_torch], rel=1e-5, abs=1e-6)
    assert infos_fast[4][5] == 0.2 and infos_fast[2][5] == 0.05  # the new rate took effect at step 5


def test_nan_stop_keeps_the_same_weights_as_the_torch_path(fast, monkeypatch):
    splits, d_in, d_out, _, _ = _data("mse")
    results = {}
    for engine in ("torch", "fast"):
        monkeypatch.setenv("PLAYGROUND_ENGINE", engine)
        model = _net(d_in, d_out, "relu")
        trainer = Trainer(model, splits, TrainConfig(epochs=5, batch_size=10, lr=1e6, loss="mse", seed=0))
        result = trainer.fit()
        results[engine] = (result.reason, trainer.step_count, _flat(model), result.message)
    assert results["fast"][:2] == results["torch"][:2] and results["fast"][0] == "nan"
    assert torch.isfinite(results["fast"][2]).all()  # the last good weights were kept (the values
    # themselves differ: at this rate rounding differences grow a millionfold per step)
    assert results["fast"][3] == results["torch"][3]


def test_points_input_is_precomputed_and_panels_see_the_live_weights(fast):
    from playground.nn.modules import PointFeatures

    x, y = blobs(n=60, classes=2)
    splits = tensor_splits(x, y, num_classes=2, name="blobs")
    torch.manual_seed(0)
    model = nn.Sequential(PointFeatures(["x1", "x2", "x1_sq", "sin_x2"]), nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 1))
    trainer = Trainer(model, splits, TrainConfig(epochs=2, batch_size=10, lr=0.1, seed=0))
    trainer.fit()
    assert trainer.engine == "fast"
    vx, vy = trainer.feeds["val"].all()
    record = trainer.history.epochs[-1]  # the val metrics the fused path recorded come from the live module
    with torch.no_grad():
        loss = F.binary_cross_entropy_with_logits(model(vx), vy.float().unsqueeze(1))
    assert record.val.loss == pytest.approx(float(loss), rel=1e-5)
    state = trainer.state_dict()  # a checkpoint holds the live weights and optimizer state
    torch.testing.assert_close(state["model"]["1.weight"], model[1].weight.detach())


def _trainer(model, splits, **settings):
    return Trainer(model, splits, TrainConfig(**{"epochs": 1, **settings}))


@pytest.mark.parametrize("build, settings, words", [
    (lambda: nn.Sequential(nn.Linear(2, 4), nn.Dropout(0.1), nn.Linear(4, 3)), {}, "Dropout"),
    (lambda: nn.Sequential(nn.Linear(2, 4), nn.ELU(), nn.Linear(4, 3)), {}, "ELU"),
    (lambda: nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.ReLU(), nn.Linear(4, 3)), {}, "two activations"),
    (lambda: nn.Sequential(nn.Linear(2, 3)), {"optimizer": "adadelta"}, "Adadelta"),
    (lambda: nn.Sequential(nn.Linear(2, 3)), {"loss": "hinge"}, "hinge"),
    (lambda: nn.Sequential(nn.Linear(2, 3)), {"loss_params": {"label_smoothing": 0.1}, "loss": "cross_entropy"},
     "Cross-entropy"),
])
def test_fallback_says_why(blob_splits, build, settings, words):
    trainer = _trainer(build(), blob_splits, **settings)
    plan, reason = supports(trainer)
    assert plan is None and words.lower() in reason.lower()


def test_frozen_weights_and_the_switch_fall_back(blob_splits, monkeypatch):
    model = nn.Sequential(nn.Linear(2, 3))
    model[0].bias.requires_grad_(False)
    assert supports(_trainer(model, blob_splits))[1] == "some weights are frozen"
    monkeypatch.setenv("PLAYGROUND_ENGINE", "torch")
    trainer = _trainer(nn.Sequential(nn.Linear(2, 3)), blob_splits)
    trainer.fit()
    assert trainer.engine == "torch" and "PLAYGROUND_ENGINE" in trainer.engine_reason
    assert supports(trainer)[1] is None  # it would qualify


def test_the_tensorflow_playground_preset_qualifies_and_trains_fast(fast):
    from playground.data import load
    from playground.graph.project import load_project
    from playground.nn.build import build_module

    model = build_module(load_project("tfp_mlp").graph, seed=0)
    splits = load("spiral", params={"n_points": 200}, split=(0.6, 0.2, 0.2))
    trainer = Trainer(model, splits, TrainConfig(epochs=3, batch_size=10, lr=0.03, optimizer="sgd"))
    result = trainer.fit()
    assert trainer.engine == "fast", trainer.engine_reason
    assert result.reason == "finished" and len(trainer.history.epochs) == 3
    assert trainer.history.epochs[-1].val.accuracy is not None


def test_weights_stay_views_after_reset_and_checkpoint_load(fast, blob_splits):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 5), nn.Tanh(), nn.Linear(5, 3))
    trainer = _trainer(model, blob_splits, epochs=1, optimizer="adam", lr=0.01)
    trainer.fit()
    saved = copy.deepcopy(trainer.state_dict())  # (a checkpoint file holds a copy too)
    trainer.config.epochs = 2
    trainer.fit()
    after_two = _flat(model).clone()
    trainer.load_state_dict(saved)  # back to epoch 1 (weights, Adam state, shuffling) and on again
    trainer.config.epochs = 2
    trainer.fit()
    assert trainer.engine == "fast"
    torch.testing.assert_close(_flat(model), after_two, rtol=1e-5, atol=1e-6)
    assert math.isfinite(trainer.history.step_loss[-1])


@pytest.mark.parametrize("engine", ["fast", "torch"])
def test_cli_records_the_engine_and_epochs_per_second(engine, tmp_path, capsys, monkeypatch, compiled):
    import json

    from playground.cli import main

    monkeypatch.setenv("PLAYGROUND_ENGINE", engine)
    out = tmp_path / "run.json"
    code = main(["train", "tfp_mlp", "--dataset", "spiral", "--epochs", "3", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    run = json.loads(out.read_text())
    assert run["engine"] == engine
    assert run["epochs_per_s"] == pytest.approx(3 / run["train_seconds"]) and run["samples_per_s"] > 0


def test_small_models_train_with_one_torch_thread_and_the_setting_comes_back(blob_splits):
    from playground.train.callbacks import Callback

    seen = []

    class Threads(Callback):
        def on_epoch_end(self, trainer, record):
            seen.append(torch.get_num_threads())

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        small = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3))
        big = nn.Sequential(nn.Linear(2, 200), nn.Tanh(), nn.Linear(200, 200), nn.Linear(200, 3))  # > 20k weights
        for model in (small, big):
            Trainer(model, blob_splits, TrainConfig(epochs=1), callbacks=[Threads()]).fit()
            assert torch.get_num_threads() == 2
        assert seen == [1, 2]
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("features", [["x1", "x2"], ["x2"], ["x1", "x1_sq", "x1x2"], ["x1", "x2", "x1_sq", "x2_sq",
                                                                                       "x1x2", "sin_x1", "sin_x2"]])
def test_points_input_computes_only_the_features_that_are_on(features):
    from torch.utils._python_dispatch import TorchDispatchMode

    from playground.nn.modules import PointFeatures

    class Sines(TorchDispatchMode):
        count = 0

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            Sines.count += "sin" in str(func)
            return func(*args, **(kwargs or {}))

    x = torch.randn(20, 2)
    x1, x2 = x[:, 0], x[:, 1]
    ref = {"x1": x1, "x2": x2, "x1_sq": x1 ** 2, "x2_sq": x2 ** 2, "x1x2": x1 * x2, "sin_x1": x1.sin(), "sin_x2": x2.sin()}
    with Sines():
        out = PointFeatures(features)(x)
    torch.testing.assert_close(out, torch.stack([ref[f] for f in features], dim=1))
    assert Sines.count == sum(f.startswith("sin") for f in features)


def test_the_recorder_reads_each_measured_steps_own_gradient_on_the_fast_engine(fast, monkeypatch):
    """Training Health's always-on recorder reads a step's ``.grad`` and its update. A chunk of fused
    steps used to leave no gradient (norms of 0: an empty log plot), and updates spanning the chunk;
    the chunk now ends at the measured step. Same steps, same numbers as the torch path."""
    from playground.train.recorder import RunRecorder

    splits, d_in, d_out, _, _ = _data("cross_entropy")
    config = TrainConfig(epochs=3, batch_size=7, lr=0.05, optimizer="momentum", seed=4)
    runs = {}
    for engine in ("fast", "torch"):
        monkeypatch.setenv("PLAYGROUND_ENGINE", engine)
        recorder = RunRecorder(budget=100.0, full_budget=100.0)  # measure every step the schedule allows
        trainer = Trainer(_net(d_in, d_out, "tanh"), splits, config, callbacks=[recorder])
        trainer.fit()
        assert trainer.engine == engine, trainer.engine_reason
        h = recorder.health
        runs[engine] = (h.steps[: h.n].copy(), h.grad[: h.n].copy(), h.ratio[: h.n].copy())
    fast_steps, fast_grad, fast_ratio = runs["fast"]
    torch_steps, torch_grad, torch_ratio = runs["torch"]
    assert len(fast_steps) >= 10 and (fast_grad > 0).all()
    common, i, j = np.intersect1d(fast_steps, torch_steps, return_indices=True)
    assert len(common) >= 10
    np.testing.assert_allclose(fast_grad[i], torch_grad[j], rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(fast_ratio[i], torch_ratio[j], rtol=1e-3, atol=1e-7)
