"""Trainer overhead against a plain hand-written PyTorch loop, measured in the same process.

Run with ``python -m pytest tests/benchmarks/bench_trainer.py --benchmarks -s -q``. Each case trains
the same model (same initial weights), on the same data, with the same batch size, once with a
plain loop and once with the Trainer (default metrics: per-step loss, per-epoch train/val loss and
accuracy, throughput, NaN guard), alternating a few rounds and keeping each side's best time, so
that other processes on the machine disturb both sides alike. It prints ratios and asserts
nothing about speed (timings do not belong in the normal test run). Besides wall-clock samples per
second it prints the ratio of the training thread's CPU time (``time.thread_time``), which a busy
machine disturbs far less than the wall clock: time spent waiting for a core does not count.

Baselines: "plain loop" does only the training steps (shuffle, index, forward, loss, backward,
step). "plain loop + val" is the usual tutorial loop that also computes validation loss and accuracy
after each epoch, which is the work the Trainer's default per-epoch metrics stand for.
"""

from __future__ import annotations

import collections
import copy
import dataclasses
import time

import pytest
import torch
import torch.nn.functional as F
from torch import fx, nn
from torch.utils._python_dispatch import TorchDispatchMode

from playground.data import load
from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.train import Callback, TrainConfig, Trainer

ROUNDS = 7


def plain_loop(model, x, y, loss_fn, lr, batch, epochs, seed, val=None, momentum=0.0):
    """The loop a person writes by hand; returns (wall seconds, CPU seconds of this thread)."""
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    gen = torch.Generator().manual_seed(seed)
    n = len(x)
    start, cpu = time.perf_counter(), time.thread_time()
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(n, generator=gen)
        running = 0.0
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            xb, yb = x[idx], y[idx]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            running += loss.item()
        if val is not None:
            model.eval()
            with torch.no_grad():
                out = model(val[0])
                float(loss_fn(out, val[1]))
                float((out.argmax(1) == val[1]).float().mean()) if out.shape[1] > 1 else None
    return time.perf_counter() - start, time.thread_time() - cpu


class CountOps(TorchDispatchMode):
    """Counts the tensor operations dispatched: a measure of work that a busy machine cannot disturb."""

    def __init__(self):
        super().__init__()
        self.count = collections.Counter()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.count[str(func)] += 1
        return func(*args, **(kwargs or {}))


class AppLike(Callback):
    """What the app's bridge does: copy each step's numbers, ask for a health probe every epoch."""

    def __init__(self):
        self.buffer = []

    def on_batch_end(self, trainer, info):
        self.buffer.append((info.step, info.loss))

    def on_epoch_end(self, trainer, record):
        trainer.request_probe("health")

    def on_probe(self, trainer, name, result):
        self.buffer.append(name)


def measure(title, model, splits, config, loss_fn, target=lambda y: y, rounds=ROUNDS):
    x, y = splits.train.all()
    vx, vy = splits.val.all()
    y_loss, vy_loss = target(y), target(vy)
    n, epochs = len(x), config.epochs
    keys = ("plain", "plain + val", "trainer", "trainer, app-like")
    wall = {k: float("inf") for k in keys}
    cpu = {k: float("inf") for k in keys}
    momentum = config.optimizer_params.get("momentum", 0.0) if config.optimizer == "momentum" else 0.0

    def keep(key, seconds):
        wall[key], cpu[key] = min(wall[key], seconds[0]), min(cpu[key], seconds[1])

    for _ in range(rounds):
        keep("plain", plain_loop(copy.deepcopy(model), x, y_loss, loss_fn, config.lr, config.batch_size, epochs,
                                 config.seed, momentum=momentum))
        keep("plain + val", plain_loop(copy.deepcopy(model), x, y_loss, loss_fn, config.lr, config.batch_size, epochs,
                                       config.seed, val=(vx, vy_loss), momentum=momentum))
        for key, callbacks in (("trainer", []), ("trainer, app-like", [AppLike()])):
            trainer = Trainer(copy.deepcopy(model), splits, config, callbacks=callbacks)
            start, thread = time.perf_counter(), time.thread_time()
            trainer.fit()
            keep(key, (time.perf_counter() - start, time.thread_time() - thread))
    rate = {k: n * epochs / v for k, v in wall.items()}
    print(f"\n{title}: {n} training examples, batch {config.batch_size}, {epochs} epochs, best of {rounds}, "
          f"{torch.get_num_threads()} torch threads")
    for key, value in rate.items():
        print(f"  {key:<20} {value:>10,.0f} samples/s  {epochs / wall[key]:>8.1f} epochs/s"
              f"  ({n * epochs / cpu[key]:>10,.0f} samples per CPU-second of the training thread)")
    ratios = {
        "trainer / plain": (rate["trainer"] / rate["plain"], cpu["plain"] / cpu["trainer"]),
        "trainer / plain + val": (rate["trainer"] / rate["plain + val"], cpu["plain + val"] / cpu["trainer"]),
        "app-like / plain + val": (rate["trainer, app-like"] / rate["plain + val"],
                                   cpu["plain + val"] / cpu["trainer, app-like"]),
    }
    for key, (by_wall, by_cpu) in ratios.items():
        print(f"  ratio {key:<24} {by_wall:.3f} (wall clock)   {by_cpu:.3f} (thread CPU time)")
    one = dataclasses.replace(config, epochs=1)
    steps = -(-n // config.batch_size)
    with CountOps() as plain_ops:
        plain_loop(copy.deepcopy(model), x, y_loss, loss_fn, config.lr, config.batch_size, 1, config.seed,
                   val=(vx, vy_loss), momentum=momentum)
    trainer = Trainer(copy.deepcopy(model), splits, one)
    with CountOps() as trainer_ops:
        trainer.fit()
    print(f"  tensor operations per training step, one epoch with validation: plain + val "
          f"{sum(plain_ops.count.values()) / steps:.1f}, trainer {sum(trainer_ops.count.values()) / steps:.1f}")
    return ratios


def _bce(out, y):
    return F.binary_cross_entropy_with_logits(out, y)


@pytest.mark.timeout(1800)
def test_lenet5_on_28x28_images():
    splits = load("shapes", params={"n_images": 2000})
    model = build_module(load_project("lenet5").graph, seed=0)
    config = TrainConfig(optimizer="momentum", lr=0.05, epochs=3, batch_size=32)
    measure("LeNet-5 on shapes (28x28)", model, splits, config, F.cross_entropy, rounds=11)


@pytest.mark.timeout(1800)
def test_small_mlp_on_2d_points():
    splits = load("spiral", params={"n_points": 2000})
    model = build_module(load_project("tfp_mlp").graph, seed=0)
    config = TrainConfig(optimizer="sgd", lr=0.03, epochs=5, batch_size=32)
    measure("small MLP (tfp_mlp preset, 2-8-8-1) on spiral", model, splits, config, _bce,
            target=lambda y: y.float().unsqueeze(1), rounds=11)


@pytest.mark.timeout(1800)
def test_tensorflow_playground_case():
    splits = load("spiral", params={"n_points": 500}, split=(0.5, 0.25, 0.25))
    assert len(splits.train) == 250
    torch.manual_seed(0)
    layers, width = [], 2
    for _ in range(6):
        layers += [nn.Linear(width, 8), nn.Tanh()]
        width = 8
    model = fx.symbolic_trace(nn.Sequential(*layers, nn.Linear(8, 1)))  # the same kind of module nn.build makes
    config = TrainConfig(optimizer="sgd", lr=0.03, epochs=20, batch_size=10)
    measure("TensorFlow Playground case: spiral, 250 points, 2-8-8-8-8-8-8-1 tanh, batch 10, SGD 0.03",
            model, splits, config, _bce, target=lambda y: y.float().unsqueeze(1), rounds=15)
