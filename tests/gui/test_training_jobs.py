"""Panels' jobs in the training thread, and keeping trained weights when the network changes.

Jobs: run in the worker when idle (building the model first), between batches while training,
results come back with their owner, errors come back as exceptions, and Play after a job trains.
Keep weights: after training, a changed graph asks; "yes" keeps the unchanged layers' trained
weights (compared with the old model's), "no" starts every layer afresh."""

from __future__ import annotations

import threading

import torch
from PySide6.QtWidgets import QMessageBox

from playground.nn.build import build_module

LONG = 100000


def _collect(s):
    got = []
    s.job_done.connect(lambda owner, result: got.append((owner, result)))
    return got


def test_a_job_while_idle_builds_the_model_and_runs_in_a_worker(window, qtbot):
    s = window.training.session
    got = _collect(s)
    where = []

    def job(trainer):
        where.append(threading.current_thread().name)
        return sum(p.numel() for p in trainer.model.parameters())

    s.submit("me", job)
    qtbot.waitUntil(lambda: bool(got), timeout=60000)
    expected = sum(p.numel() for p in build_module(window.doc.graph).parameters())
    assert got == [("me", expected)]
    assert where == ["playground-training"]
    qtbot.waitUntil(lambda: s.thread is None, timeout=10000)
    assert s.trainer is not None and s.trainer.step_count == 0 and s.state == "idle"
    with qtbot.waitSignal(s.batches, timeout=60000) as blocker:  # Play goes on from that trainer
        s.step()
    assert blocker.args[0]["step"].tolist() == [1]
    s.shutdown()


def test_jobs_run_between_batches_while_training_and_errors_come_back(window, qtbot):
    s = window.training.session
    s.apply_setting(epochs=LONG)
    got = _collect(s)
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.play()
    s.submit("steps", lambda t: (t.running, t.step_count))
    s.submit("broken", lambda t: 1 / 0)
    qtbot.waitUntil(lambda: len(got) == 2, timeout=30000)
    results = dict(got)
    assert results["steps"][0] is True and results["steps"][1] >= 1
    assert isinstance(results["broken"], ZeroDivisionError)
    assert s.state == "running"  # the failing job did not end the run
    s.shutdown()
    window.doc.mark_saved()


def test_a_job_while_paused_runs_in_the_paused_worker(window, qtbot):
    s = window.training.session
    s.apply_setting(epochs=LONG)
    got = _collect(s)
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.step(3)
    qtbot.waitUntil(lambda: s.state == "paused", timeout=10000)
    s.submit("count", lambda t: t.step_count)
    qtbot.waitUntil(lambda: bool(got), timeout=10000)
    assert got == [("count", 3)]
    s.shutdown()
    window.doc.mark_saved()


def test_a_job_on_a_broken_graph_returns_the_problem(window, qtbot):
    s = window.training.session
    got = _collect(s)
    first = next(n for n in window.doc.graph.nodes.values() if n.kind == "Linear")
    window.doc.graph.remove_node(first.id)
    assert window.doc.errors()
    s.submit("me", lambda t: 1)
    qtbot.waitUntil(lambda: bool(got), timeout=10000)
    assert "problems" in str(got[0][1])
    window.doc.mark_saved()


def _trained(window, qtbot, steps=5):
    s = window.training.session
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.step(steps)
    qtbot.waitUntil(lambda: s.trainer is not None and s.trainer.step_count == steps and s.state == "paused",
                    timeout=20000)
    return s, {k: v.detach().clone() for k, v in s.trainer.model.state_dict().items()}


def _grow_last_hidden_layer(window):
    dense = [n for n in window.doc.graph.nodes.values() if n.kind == "Linear"]
    hidden = dense[-2]  # the last hidden layer: it and the output layer after it change shape
    window.doc.graph.set_param(hidden.id, "units", int(hidden.params["units"]) + 2)
    return hidden


def test_changing_the_graph_keeps_the_weights_of_unchanged_layers_when_asked(window, qtbot, dialogs):
    dialogs.answer = QMessageBox.StandardButton.Yes
    s, before = _trained(window, qtbot)
    hidden = _grow_last_hidden_layer(window)
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.step()
    assert any("did not change" in t for t in dialogs.texts("question"))
    kept = s.trainer._initial  # the new run's starting weights
    first = next(n for n in window.doc.graph.nodes.values() if n.kind == "Linear")
    assert torch.equal(kept[f"{first.name}.weight"], before[f"{first.name}.weight"])
    assert kept[f"{hidden.name}.weight"].shape[0] == before[f"{hidden.name}.weight"].shape[0] + 2
    s.shutdown()
    window.doc.mark_saved()


def test_answering_no_starts_every_layer_afresh(window, qtbot, dialogs):
    dialogs.answer = QMessageBox.StandardButton.No
    s, before = _trained(window, qtbot)
    _grow_last_hidden_layer(window)
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.step()
    fresh = {k: v for k, v in build_module(window.doc.graph, seed=s.config().seed).state_dict().items()}
    first = next(n for n in window.doc.graph.nodes.values() if n.kind == "Linear")
    assert torch.equal(s.trainer._initial[f"{first.name}.weight"], fresh[f"{first.name}.weight"])
    assert not torch.equal(s.trainer._initial[f"{first.name}.weight"], before[f"{first.name}.weight"])
    s.shutdown()
    window.doc.mark_saved()


def test_moving_a_layer_keeps_the_trainer(window, qtbot):
    s, _ = _trained(window, qtbot)
    trainer = s.trainer
    node = next(iter(window.doc.graph.nodes.values()))
    window.doc.graph.move(node.id, (node.pos[0] + 40, node.pos[1]))
    with qtbot.waitSignal(s.batches, timeout=20000):
        s.step()
    assert s.trainer is trainer and trainer.step_count == 6
    s.shutdown()
    window.doc.mark_saved()


def test_a_job_after_the_dataset_changed_while_paused_sees_the_new_data(window, qtbot, dialogs):
    s, _ = _trained(window, qtbot, steps=2)
    got = _collect(s)
    window.doc.set_dataset({"name": "xor", "params": {}})
    s.submit("name", lambda t: t.info.name)
    qtbot.waitUntil(lambda: bool(got), timeout=60000)
    assert got == [("name", "xor")]
    assert any("did not change" in t for t in dialogs.texts("question"))  # trained weights exist: asked
    s.shutdown()
    window.doc.mark_saved()
