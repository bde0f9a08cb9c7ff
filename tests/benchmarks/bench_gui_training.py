"""Training in the app: GUI event-loop stalls while LeNet-5 trains with curves streaming, and the
samples/s of the app's bridge against the headless Trainer in the same process.

Run with ``python -m pytest tests/benchmarks/bench_gui_training.py --benchmarks -s -q``. A 10 ms
timer in the GUI thread records how late each tick fires while the worker trains LeNet-5 on
28x28 images (the Shapes dataset) and the curves redraw; it prints the 99th percentile and the
worst stall. Throughput: the same model, data, seed and number of steps, trained alternately by a
plain ``Trainer.fit`` in a thread (no GUI) and by the window's ``TrainingSession`` (bridge,
drain, curves), a few rounds each. Samples/s is wall-clock time from step ``WARM`` to step
``STEPS`` as the training thread sees it (so everything that runs in it counts: callbacks, probes,
validation at epoch ends, waiting for the GIL). Prints the median of the rounds' ratios and the
ratio of the best runs. Asserts nothing about speed.
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
WARM = 20  # steps left out of the rate (first allocations, the window's first redraws)
ROUNDS = 8  # the machine's own speed drifts from run to run: many short rounds, order alternating
SEEN: list[tuple[float, float]] = []  # (GUI thread CPU share, redraw slowdown) at the end of each app run
SETTINGS = {"batch_size": 64, "epochs": 1000, "lr": 0.05}
DATASET = {"name": "shapes", "params": {"n_images": 6000}}


class Meter(Callback):
    """Wall-clock samples/s from step WARM to step STEPS, then stops the run."""

    def __init__(self, gui=None):
        self.t0, self.samples, self.rate = None, 0, 0.0
        self.gui, self.seen = gui, None  # the session's GuiLoad, read at the last step


    def on_batch_end(self, trainer, info):
        if info.step == WARM:
            self.t0 = time.perf_counter()
        elif info.step > WARM:
            self.samples += info.size
        if info.step >= STEPS:
            self.rate = self.samples / (time.perf_counter() - self.t0)
            if self.gui is not None:
                self.seen = (self.gui.busy, self.gui.slowdown)
                SEEN.append(self.seen)
            trainer.stop()


def headless(project, config, splits) -> float:
    meter = Meter()
    trainer = Trainer(build_module(project.graph, seed=config.seed), splits, config, callbacks=[meter])
    thread = threading.Thread(target=trainer.fit)
    thread.start()
    thread.join()
    return meter.rate


class Lateness:
    """A 10 ms timer in the GUI thread; each tick records how late it fired (ms). ``training``
    marks the ticks after the run's first step reached the window (Play's own set-up excluded)."""

    def __init__(self):
        self.late: list[float] = []
        self.training: list[bool] = []
        self.in_training = False
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self._last = None

    def start(self):
        self._last = time.perf_counter()
        self.in_training = False
        self.timer.start()

    def _tick(self):
        now = time.perf_counter()
        self.late.append(max(0.0, (now - self._last) * 1000 - 10))
        self.training.append(self.in_training)
        self._last = now

    def stop(self):
        self.timer.stop()

    def summary(self) -> str:
        """p99 and worst lateness from Play on, and while training (after the first step)."""
        late = np.asarray(self.late)
        during = late[np.asarray(self.training, dtype=bool)]
        return (f"from Play: {len(late)} ticks, p99 {np.percentile(late, 99):.1f} ms, worst {late.max():.1f} ms; "
                f"while training (after the first step): p99 {np.percentile(during, 99):.1f} ms, "
                f"worst {during.max():.1f} ms (targets: p99 < 50, worst < 200)")


def in_app(window, qtbot, lateness=None) -> float:
    session = window.training.session
    session.discard()  # every run starts from fresh weights (no "keep the trained weights?" question)
    qtbot.waitUntil(lambda: not session.busy, timeout=30000)
    meter = Meter(session.load)
    session.extra_callbacks[:] = [meter]
    def first_step(_chunk):
        if lateness:
            lateness.in_training = True
        session.batches.disconnect(first_step)

    session.batches.connect(first_step)
    with qtbot.waitSignal(session.finished, timeout=300000):
        if lateness:
            lateness.start()
        session.play()
    if lateness:
        lateness.stop()
    qtbot.waitUntil(lambda: session.state == "idle", timeout=30000)
    return meter.rate


def report(label: str, base: list[float], other: list[float], base_name: str, other_name: str) -> str:
    """One line: best of each side, the ratio of the bests and the median of the rounds' ratios."""
    ratios = [o / b for o, b in zip(other, base)]
    return (f"{label}: samples/s {base_name} {max(base):,.0f}, {other_name} {max(other):,.0f}; ratio of bests "
            f"{max(other) / max(base):.2f}, median of {len(ratios)} rounds {float(np.median(ratios)):.2f} "
            f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})")


def test_gui_stalls_and_bridge_throughput(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from playground.ui.window.main_window import MainWindow

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
        if i % 2:
            app_rates.append(in_app(window, qtbot, lateness))
            plain_rates.append(headless(project, config, splits))
        else:
            plain_rates.append(headless(project, config, splits))
            app_rates.append(in_app(window, qtbot, lateness))
    print(f"\nLeNet-5 on 28x28 Shapes, batch {SETTINGS['batch_size']}, {STEPS} steps per run, {ROUNDS} rounds")
    print(f"GUI 10 ms timer during every run in the app, {lateness.summary()}")
    print(report("bridge vs headless (target >= 0.9)", plain_rates, app_rates, "headless Trainer", "in the app"))
    print("GUI thread CPU share and redraw spacing at the end of each run in the app: "
          + ", ".join(f"{busy:.0%} x{slow:.1f}" for busy, slow in SEEN))
    print(f"threads: {threading.active_count()}, torch threads: {__import__('torch').get_num_threads()}")
    window.training.session.shutdown()
    window.doc.mark_saved()
