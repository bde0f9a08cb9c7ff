"""The cost of recording Training Health and histograms for every run (train/recorder.py).

Run with ``python -m pytest tests/benchmarks/bench_recorder.py --benchmarks -s -q``. For each case
the same model (same initial weights), data, seed and settings train with the Trainer and a
callback that copies each step's numbers (what the app's bridge does), once without and once with
a ``RunRecorder``; the two alternate for a few rounds and each side keeps its median, so that
other processes disturb both alike. It prints the ratio of training-thread CPU time (a busy
machine disturbs it far less than the wall clock) and of wall time, the recorder's own measured
share of training time, and how many points it recorded. Target: the recorder costs < 3 %.
Asserts nothing about speed.
"""

from __future__ import annotations

import copy
import statistics
import time

import pytest

from playground.data import load_settings
from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.train import Callback, TrainConfig, Trainer
from playground.train.recorder import RunRecorder

ROUNDS = 5
#: runs as long as a person trains them (a few seconds): the recorder's fixed cost at the first step
#: (mandatory: health is recorded from step 1) is part of the figure, amortized as in the app
CASES = (  # preset, dataset settings, settings, engine
    ("tfp_mlp", {"name": "spiral", "params": {"n_points": 500}}, dict(epochs=3000, batch_size=10, lr=0.03), "fast"),
    ("tfp_mlp", {"name": "spiral", "params": {"n_points": 2000}}, dict(epochs=100, batch_size=32, lr=0.03), "torch"),
    ("lenet5", {"name": "shapes", "params": {"n_images": 1400}}, dict(epochs=10, batch_size=32, lr=0.05), "torch"),
)


class _Bridge(Callback):
    def __init__(self):
        self.rows = []

    def on_batch_end(self, trainer, info):
        self.rows.append((info.step, info.loss, info.lr, info.size, info.epoch))


def _run(model, splits, settings, recorder):
    callbacks = [_Bridge()] + ([recorder] if recorder is not None else [])
    trainer = Trainer(copy.deepcopy(model), splits, TrainConfig(device="cpu", **settings), callbacks=callbacks)
    wall, cpu = time.perf_counter(), time.thread_time()
    trainer.fit()
    return time.perf_counter() - wall, time.thread_time() - cpu


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("preset,dataset,settings,engine", CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_recorder_cost(preset, dataset, settings, engine, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ENGINE", engine)
    if engine == "fast":
        from playground.train.fused import compiler

        assert compiler.wait()
    project = load_project(preset)
    splits = load_settings(dataset, 0)
    model = build_module(project.graph, seed=0)
    _run(model, splits, settings, None)  # warm up
    plain, recorded, shares, points = [], [], [], []
    for _ in range(ROUNDS):
        plain.append(_run(model, splits, settings, None))
        recorder = RunRecorder()
        recorded.append(_run(model, splits, settings, recorder))
        shares.append(recorder.overhead)
        points.append((recorder.measurements, recorder.full.count, recorder.every))
    cpu = statistics.median(r[1] for r in recorded) / statistics.median(p[1] for p in plain)
    wall = statistics.median(r[0] for r in recorded) / statistics.median(p[0] for p in plain)
    print(f"\n{preset} ({engine} engine), a run of {statistics.median(p[1] for p in plain):.2f} s CPU: "
          f"recorder/plain CPU time {cpu:.3f}, wall {wall:.3f}; recorder's own share "
          f"{statistics.median(shares):.2%}; points (health, units+histograms, every) {points[-1]}")
