"""The fused engine against a plain PyTorch loop (1 thread) on TensorFlow Playground's problems.

Run with ``python -m pytest tests/benchmarks/bench_fast_engine.py --benchmarks -s -q``. Spiral,
250 training points, batch 10, SGD lr 0.03, tanh, one logit with binary cross-entropy, the three
nets of issue 18 (2-4-2-1, 2-8-8-1, 2-8-8-8-8-8-8-1). Each round runs, interleaved:

- "fused": the engine alone, many epochs per kernel call (``fused.runner.run_epochs``);
- "trainer, fast": ``Trainer.fit`` on the fused engine, with everything it does per epoch
  (train/val metrics, records, callbacks, control);
- "plain loop": the loop a person writes (shuffle, index, forward, loss, backward, step) with one
  torch thread.

It prints medians over rounds of epochs/s by wall clock and by the thread's CPU time (a busy
machine disturbs the second far less), the ratios, numba's first-compile and cached-start times,
and then the Trainer on the torch path (LeNet-5, small MLP) against the plain loop via
``bench_trainer.measure``. Timings are printed, never asserted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

import pytest
import torch
import torch.nn.functional as F
from torch import fx, nn

from playground.data import load
from playground.train import TrainConfig, Trainer
from playground.train.fused import compiler
from playground.train.fused.runner import run_epochs

ROUNDS = 7
NETS = {"2-4-2-1": [4, 2], "2-8-8-1": [8, 8], "2-8-8-8-8-8-8-1": [8] * 6}
TARGETS = {"2-4-2-1": 60, "2-8-8-1": 22, "2-8-8-8-8-8-8-1": 11}  # fused / plain loop, issue 18


def tfp_net(widths, seed=0):
    torch.manual_seed(seed)
    layers, width = [], 2
    for h in widths:
        layers += [nn.Linear(width, h), nn.Tanh()]
        width = h
    return fx.symbolic_trace(nn.Sequential(*layers, nn.Linear(width, 1)))  # the kind of module nn.build makes


def plain_loop(model, x, t, epochs, lr=0.03, batch=10, seed=0):
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=gen)
        for i in range(0, len(x), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(x[idx]), t[idx])
            loss.backward()
            opt.step()
            loss.item()


def timed(fn):
    wall, cpu = time.perf_counter(), time.thread_time()
    fn()
    return time.perf_counter() - wall, time.thread_time() - cpu


def compile_times() -> tuple[float, float]:
    """Seconds to compile from nothing (an empty numba cache) and to start from the cache, each in a
    fresh process."""
    code = ("import time; t=time.perf_counter(); from playground.train.fused import compiler; "
            "assert compiler.wait(); print(time.perf_counter()-t)")
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        first, cached = (float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                              check=True).stdout.split()[-1]) for _ in range(2))
    return first, cached


@pytest.mark.timeout(3600)
def test_fused_engine_against_a_plain_loop(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ENGINE", "fast")
    first, cached = compile_times()
    print(f"\nnumba: first compile {first:.1f} s, start from the on-disk cache {cached:.1f} s (fresh processes)")
    assert compiler.wait()
    splits = load("spiral", params={"n_points": 500}, split=(0.5, 0.25, 0.25))
    x, y = splits.train.all()
    t = y.float().unsqueeze(1)
    config = TrainConfig(optimizer="sgd", lr=0.03, batch_size=10, epochs=1)
    before = torch.get_num_threads()
    print(f"spiral, {len(x)} points, batch 10, SGD 0.03, tanh; medians of {ROUNDS} rounds; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, widths in NETS.items():
        sides = {"fused": 2000, "trainer, fast": 500, "plain loop": 30}
        walls = {k: [] for k in sides}
        cpus = {k: [] for k in sides}
        for _ in range(ROUNDS):
            for side, epochs in sides.items():
                model = tfp_net(widths)
                if side == "plain loop":
                    torch.set_num_threads(1)
                    try:
                        w, c = timed(lambda: plain_loop(model, x, t, epochs))
                    finally:
                        torch.set_num_threads(before)
                else:
                    trainer = Trainer(model, splits, config.replace(epochs=epochs))
                    if side == "fused":
                        run_epochs(trainer, 5)  # bound and warm
                        w, c = timed(lambda: run_epochs(trainer, epochs))
                    else:
                        w, c = timed(trainer.fit)
                        assert trainer.engine == "fast", trainer.engine_reason
                walls[side].append(epochs / w)
                cpus[side].append(epochs / c)
        wall = {k: statistics.median(v) for k, v in walls.items()}
        cpu = {k: statistics.median(v) for k, v in cpus.items()}
        print(f"  {name}:")
        for side in sides:
            print(f"    {side:<14} {wall[side]:>10,.0f} epochs/s   ({cpu[side]:>10,.0f} per CPU-second)")
        base_w, base_c = wall["plain loop"], cpu["plain loop"]
        print(f"    ratio fused / plain loop   {wall['fused'] / base_w:6.1f}x wall   {cpu['fused'] / base_c:6.1f}x CPU"
              f"   (target {TARGETS[name]}x)")
        print(f"    ratio trainer / plain loop {wall['trainer, fast'] / base_w:6.1f}x wall   "
              f"{cpu['trainer, fast'] / base_c:6.1f}x CPU")


@pytest.mark.timeout(3600)
def test_trainer_on_the_torch_path_against_a_plain_loop(monkeypatch):
    """The torch path must not have slowed down: LeNet-5 and the small MLP, as bench_trainer measures them."""
    monkeypatch.setenv("PLAYGROUND_ENGINE", "torch")
    sys.path.insert(0, os.path.dirname(__file__))
    import bench_trainer

    bench_trainer.test_lenet5_on_28x28_images()
    bench_trainer.test_small_mlp_on_2d_points()


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("engine, view", [("torch", "curves"), ("fast", "curves"), ("fast", "boundary")])
def test_gui_stalls_while_the_fused_engine_trains(engine, view, qtbot, tmp_path, monkeypatch):
    """The window's 10 ms timer while the tfp_mlp preset trains for a few seconds, on the torch path
    and on the fused engine (curves streaming at thousands of steps a second; or the Look Inside
    workspace with the decision boundary and neuron tiles redrawing): the targets of
    bench_gui_training (p99 < 50 ms, worst < 200 ms)."""
    from PySide6.QtWidgets import QMessageBox

    from playground.graph.project import load_project
    from playground.ui.window.main_window import MainWindow

    sys.path.insert(0, os.path.dirname(__file__))
    from bench_gui_training import Lateness

    monkeypatch.setenv("PLAYGROUND_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("PLAYGROUND_ENGINE", engine)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: print("warning:", a[2:]))
    assert compiler.wait()
    project = load_project("tfp_mlp")
    project.training = TrainConfig(optimizer="sgd", lr=0.03, batch_size=10, epochs=10 ** 6).to_dict()
    window = MainWindow(project, restore_layout=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    if view == "boundary":
        window.workspaces.switch("inside")
        window.show_panel("boundary")
    else:
        window.training._raise_curves("running", "")
    session = window.training.session
    lateness = Lateness()
    for seconds in (2, 6):  # a warm-up run, then the measured one
        session.discard()
        qtbot.waitUntil(lambda: not session.busy, timeout=30000)
        lateness.__init__()
        session.play()
        qtbot.waitUntil(lambda: session.trainer is not None and session.trainer.step_count > 0
                        and session.trainer.engine == engine, timeout=60000)
        lateness.start()
        lateness.in_training = True
        start_step = session.trainer.step_count
        qtbot.wait(seconds * 1000)
        steps = session.trainer.step_count - start_step
        lateness.stop()
        with qtbot.waitSignal(session.finished, timeout=60000):
            session.stop()
    print(f"\n{engine} engine in the window, {view} on screen (tfp_mlp on {project.dataset.get('name', 'its dataset')}): "
          f"{steps / seconds:,.0f} steps/s; load average {os.getloadavg()[0]:.1f}; GUI 10 ms timer: {lateness.summary()}")
    session.shutdown()
    window.doc.mark_saved()
