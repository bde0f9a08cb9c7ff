"""Small data and models for the training tests: real ``TensorSplit``s made from tensors in memory.

Imported by the tests as ``train_helpers`` (a unique name, unlike ``conftest``)."""

from __future__ import annotations

import threading

import torch
from torch import nn

from playground.data.spec import DatasetInfo
from playground.data.splits import Splits, TensorSplit


def tensor_splits(x, y, *, task="classification", num_classes=2, name="toy", val=0.2, test=0.2, seed=0):
    """Splits from in-memory tensors, shuffled once; inputs are used as they are (no normalization)."""
    n = len(x)
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    n_test, n_val = int(n * test), int(n * val)
    parts = [order[n_test + n_val:], order[n_test:n_test + n_val], order[:n_test]]
    splits = [TensorSplit(x[i], y[i], seed=k) for k, i in enumerate(parts)]
    info = DatasetInfo(name=name, title=name.title(), task=task, input_shape=tuple(x.shape[1:]),
                       num_classes=0 if task == "regression" else num_classes,
                       class_names=() if task == "regression" else tuple(f"class {i}" for i in range(num_classes)),
                       target_shape=tuple(y.shape[1:]))
    return Splits(info=info, train=splits[0], val=splits[1], test=splits[2], mean=torch.zeros(()),
                  std=torch.ones(()))


def blobs(n=300, classes=3, dim=2, seed=0, spread=0.6):
    """Well-separated Gaussian blobs: (x float32 (n, dim), y int64 (n,))."""
    g = torch.Generator().manual_seed(seed)
    centers = torch.randn(classes, dim, generator=g) * 3
    y = torch.arange(n) % classes
    x = centers[y] + spread * torch.randn(n, dim, generator=g)
    return x.float(), y.long()


def mlp(inputs=2, hidden=16, outputs=3, act=nn.Tanh, seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(inputs, hidden), act(), nn.Linear(hidden, hidden), act(), nn.Linear(hidden, outputs))


def run_in_thread(trainer):
    """Start ``trainer.fit()`` in a (non-daemon) thread; returns (thread, holder) where holder['result'] is filled."""
    holder = {}

    def target():
        try:
            holder["result"] = trainer.fit()
        except BaseException as exc:  # surfaced by the test
            holder["error"] = exc

    thread = threading.Thread(target=target, name="trainer-under-test")
    thread.start()
    return thread, holder
