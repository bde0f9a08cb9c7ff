"""The cost of looking inside: LeNet-5 trains in the app with every inside panel open and updating.

Run with ``python -m pytest tests/benchmarks/bench_panels.py --benchmarks -s -q``. Every panel of
``PANELS`` is undocked (floating, all visible at once) so each one asks the training thread for its
probes as often as it would on screen. Alternating rounds train the same model, data and seed for
the same number of steps with the panels open and with them closed (curves streaming in both), best
of each side; it prints the samples/s ratio (target >= 0.9, i.e. probes cost at most 10 %) and the
GUI thread's stalls with every panel open (10 ms timer lateness: targets p99 < 50 ms, worst < 200 ms),
plus how many answers each panel drew. Asserts nothing about speed.
"""

from __future__ import annotations

import pytest

from playground.graph.project import load_project
from playground.train import TrainConfig
from playground.ui.panels.registry import PANELS

from bench_gui_training import DATASET, SETTINGS, STEPS, Lateness, in_app, report

ROUNDS = 6


def _show_panels(window, show: bool) -> dict:
    panels = {}
    for i, entry in enumerate(PANELS):
        dock = window.docks[entry.key]
        if show:
            dock.setFloating(True)
            dock.resize(520, 420)
            dock.move(40 + 60 * i, 40 + 40 * i)
            dock.show()
            panels[entry.key] = window.training.hosts[entry.key].panel()
        else:
            dock.hide()
    return panels


@pytest.mark.timeout(1500)
def test_panels_cost_and_gui_stalls(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from playground.ui.window.main_window import MainWindow

    monkeypatch.setenv("PLAYGROUND_CONFIG_DIR", str(tmp_path))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: print("warning:", a[2:]))
    project = load_project("lenet5")
    project.dataset = dict(DATASET)
    project.training = TrainConfig(**SETTINGS).to_dict()
    window = MainWindow(project, restore_layout=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.training._raise_curves("running", "")
    panels = _show_panels(window, True)
    in_app(window, qtbot)  # warm up: imports, data, every panel's first answer
    lateness = Lateness()
    with_panels, without = [], []
    answers = {}
    def closed():
        _show_panels(window, False)
        without.append(in_app(window, qtbot))

    def opened(i):
        _show_panels(window, True)
        before = {k: getattr(p, "results", 0) for k, p in panels.items() if p is not None}
        with_panels.append(in_app(window, qtbot, lateness))
        for k, p in panels.items():
            if p is not None:
                answers[k] = answers.get(k, 0) + getattr(p, "results", 0) - before[k]

    for i in range(ROUNDS):  # the order alternates: the machine's own speed drifts
        if i % 2:
            opened(i)
            closed()
        else:
            closed()
            opened(i)
    print(f"\nLeNet-5 on 28x28 Shapes, batch {SETTINGS['batch_size']}, {STEPS} steps per run, {ROUNDS} rounds, "
          f"{sum(p is not None for p in panels.values())} panels open")
    print("answers drawn per panel while training: " + ", ".join(f"{k} {v}" for k, v in answers.items()))
    print(f"GUI 10 ms timer with every panel open, {lateness.summary()}")
    print(report("panels open vs closed (target >= 0.9)", without, with_panels, "panels closed", "every panel open"))
    window.training.session.shutdown()
    window.doc.mark_saved()
