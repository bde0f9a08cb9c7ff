"""A 64-configuration sweep of 2-8-8-1 on the spiral: many networks per kernel call against 64
single runs.

Run with ``python -m pytest tests/benchmarks/bench_sweep.py --benchmarks -s -q``. Spiral, 250
training points, batch 10, SGD, tanh, one logit with binary cross-entropy; 64 configurations (64
learning rates from 1e-3 to 1, log-spaced, each its own seed). Each round runs, interleaved:

- "vectorized": the 64 networks side by side in ``fused.many.train_many`` (network index innermost,
  SIMD across networks; ``sweep.runner.vector_train``, shuffles and final train/val metrics included);
- "sweep, end to end": ``run_sweep`` as the CLI and the dialog call it (64 Trainers built, grouped,
  trained, scored);
- "fused x64": 64 sequential ``fused.runner.run_epochs`` calls, the engine alone;
- "trainer x64": 64 sequential ``Trainer.fit`` on the fused engine (per-epoch metrics and records);
- "plain loop x64": 64 runs of the loop a person writes, one torch thread.

It prints medians of configuration-epochs per second (wall clock) and the ratios. Timings are
printed, never asserted.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np
import pytest
import torch

from playground.data import load
from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.train import TrainConfig, Trainer
from playground.train.fused import compiler
from playground.train.fused.runner import run_epochs
from playground.train.sweep import run_sweep
from playground.train.sweep.runner import configure, vector_train

sys.path.insert(0, os.path.dirname(__file__))
from bench_fast_engine import plain_loop  # noqa: E402

ROUNDS = 3
M = 64
EPOCHS = {"vectorized": 200, "sweep, end to end": 200, "fused x64": 200, "trainer x64": 20, "plain loop x64": 2}


def _trainers(project, splits, config, points, epochs):
    out = []
    for p in points:
        g, cfg = configure(project.graph, config, p, epochs)
        out.append(Trainer(build_module(g, seed=cfg.seed), splits, cfg.replace(device="cpu")))
    return out


@pytest.mark.timeout(3600)
def test_sweep_of_64_configurations(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ENGINE", "fast")
    assert compiler.wait()
    from playground.train.fused import many

    t0 = time.perf_counter()
    many.warm_up()
    print(f"\ntrain_many ready in {time.perf_counter() - t0:.1f} s (compiled or from numba's cache)")
    project = load_project("tfp_mlp")
    splits = load("spiral", params={"n_points": 500}, split=(0.5, 0.25, 0.25))
    config = TrainConfig(optimizer="sgd", lr=0.03, batch_size=10, epochs=1)
    points = [{"lr": float(lr), "seed": i} for i, lr in enumerate(np.geomspace(1e-3, 1, M))]
    x, y = splits.train.all()
    t = y.float().unsqueeze(1)
    before = torch.get_num_threads()
    print(f"spiral, {len(x)} points, batch 10, SGD, 2-8-8-1 tanh, {M} configurations; medians of {ROUNDS} rounds; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rates = {k: [] for k in EPOCHS}
    for _ in range(ROUNDS):
        for side, epochs in EPOCHS.items():
            if side == "vectorized":
                trainers = _trainers(project, splits, config, points, epochs)
                for tr in trainers:
                    assert tr._fast.plan(tr) is not None, tr._fast.reason
                t0 = time.perf_counter()
                results = vector_train(trainers)
                wall = time.perf_counter() - t0
                assert all(r["engine"] == "vectorized" for r in results)
            elif side == "sweep, end to end":
                t0 = time.perf_counter()
                rows = run_sweep(project.graph, config, splits, points, epochs=epochs)
                wall = time.perf_counter() - t0
                assert len(rows) == M and all(r.engine == "vectorized" for r in rows)
            elif side == "fused x64":
                trainers = _trainers(project, splits, config, points, epochs)
                t0 = time.perf_counter()
                for tr in trainers:
                    run_epochs(tr, epochs)
                wall = time.perf_counter() - t0
            elif side == "trainer x64":
                trainers = _trainers(project, splits, config, points, epochs)
                t0 = time.perf_counter()
                for tr in trainers:
                    tr.fit()
                    assert tr.engine == "fast"
                wall = time.perf_counter() - t0
            else:
                models = [build_module(project.graph, seed=p["seed"]) for p in points]
                torch.set_num_threads(1)
                try:
                    t0 = time.perf_counter()
                    for model, p in zip(models, points):
                        plain_loop(model, x, t, epochs, lr=p["lr"], seed=p["seed"])
                    wall = time.perf_counter() - t0
                finally:
                    torch.set_num_threads(before)
            rates[side].append(M * epochs / wall)
    med = {k: statistics.median(v) for k, v in rates.items()}
    base = med["plain loop x64"]
    for side in EPOCHS:
        print(f"  {side:<18} {med[side]:>10,.0f} configuration-epochs/s   {med[side] / base:7.1f}x plain loop   "
              f"{med[side] / med['fused x64']:5.2f}x fused x64")
    sweep_s = M * EPOCHS["vectorized"] / med["sweep, end to end"]
    single = {name: EPOCHS["vectorized"] / med[key] for name, key in
              (("fused engine", "fused x64"), ("Trainer (the app's single run)", "trainer x64"),
               ("plain loop", "plain loop x64"))}  # seconds of one run of that many epochs
    print(f"  a {M}-point sweep of {EPOCHS['vectorized']} epochs takes {sweep_s:.2f} s end to end "
          f"({M * EPOCHS['vectorized'] / med['vectorized']:.2f} s in vector_train), the time of:")
    for name, seconds in single.items():
        print(f"    {sweep_s / seconds:8.1f} single runs on the {name}")
