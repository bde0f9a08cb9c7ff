"""Training in the app: GUI event-loop stalls while LeNet-5 trains with curves streaming, and the
samples/s of the app's bridge against the headless Trainer in the same process.

Run with ``python -m pytest tests/benchmarks/bench_gui_training.py --benchmarks -s -q``. A 10 ms
timer in the GUI thread records how late each tick fires while the worker trains LeNet-5 on
28x28 images (the Shapes dataset) and the curves redraw; it prints the 99th percentile and the
worst stall. Throughput: the same model, data, seed and number of steps, trained alternately by a
plain ``Trainer.fit`` in a thread (no GUI) and by the window's ``TrainingSession`` (bridge,
drain, curves), a few rounds each, best of each side; prints the ratio. Asserts nothing about speed.
"""

from __future__ import annotations

import threading
import time

import numpy as np
from PySide6.QtCore import QTimer, Qt

from playground.data import load
from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.train import Callback, TrainConfig, Trainer

STEPS = 300
ROUNDS = 3
SETTINGS = {"batch_size": 64, "epochs": 1000, "lr": 0.05}
DATASET = {"name": "shapes", "params": {"n_images": 6000}}


class StopAt(Callback):
    def __init__(self, steps):
        self.steps = steps

    def on_batch_end(self, trainer, info):
        if info.step >= self.steps:
            trainer.stop()


def headless(project, config, splits) -> float:
    trainer = Trainer(build_module(project.graph, seed=config.seed), splits, config, callbacks=[StopAt(STEPS)])
    out = {}
    thread = threading.Thread(target=lambda: out.update(result=trainer.fit()))
    thread.start()
    thread.join()
    return out["result"].samples_per_s


class Lateness:
    """A 10 ms timer in the GUI thread; each tick records how late it fired (ms)."""

    def __init__(self):
        self.late: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self._last = None

    def start(self):
        self._last = time.perf_counter()
        self.timer.start()

    def _tick(self):
        now = time.perf_counter()
        self.late.append(max(0.0, (now - self._last) * 1000 - 10))
        self._last = now

    def stop(self):
        self.timer.stop()


def in_app(window, qtbot, lateness=None) -> float:
    session = window.training.session
    session._drop_trainer()
    session.extra_callbacks[:] = [StopAt(STEPS)]
    with qtbot.waitSignal(session.finished, timeout=300000) as blocker:
        if lateness:
            lateness.start()
        session.play()
    if lateness:
        lateness.stop()
    qtbot.waitUntil(lambda: session.state == "idle", timeout=30000)
    return blocker.args[0].samples_per_s


def test_gui_stalls_and_bridge_throughput(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from playground.ui.main_window import MainWindow

    monkeypatch.setenv("PLAYGROUND_CONFIG_DIR", str(tmp_path))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: print("warning:", a[2:]))
    project = load_project("lenet5")
    project.dataset = dict(DATASET)
    project.training = TrainConfig(**SETTINGS).to_dict()
    config = TrainConfig.from_dict(project.training)
    splits = load(DATASET["name"], params=DATASET["params"], seed=config.seed)
    window = MainWindow(project, restore_layout=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.training._raise_curves("running", "")
    in_app(window, qtbot)  # warm up: imports, data, first allocations
    headless(project, config, splits)
    lateness = Lateness()
    app_rates, plain_rates = [], []
    for i in range(ROUNDS):
        plain_rates.append(headless(project, config, splits))
        app_rates.append(in_app(window, qtbot, lateness if i == 0 else None))
    late = np.asarray(lateness.late)
    p99, worst = np.percentile(late, 99), late.max()
    print(f"\nLeNet-5 on 28x28 Shapes, batch {SETTINGS['batch_size']}, {STEPS} steps per run, {ROUNDS} rounds")
    print(f"GUI 10 ms timer during training: {len(late)} ticks, lateness median {np.median(late):.1f} ms, "
          f"p99 {p99:.1f} ms, worst {worst:.1f} ms (targets: p99 < 50, worst < 200)")
    print(f"samples/s headless Trainer {max(plain_rates):,.0f}, with the app's bridge {max(app_rates):,.0f}: "
          f"ratio {max(app_rates) / max(plain_rates):.2f} (target >= 0.9)")
    print(f"threads: {threading.active_count()}, torch threads: {__import__('torch').get_num_threads()}")
    window.training.session.shutdown()
    window.doc.mark_saved()
