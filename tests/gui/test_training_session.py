"""Live training in the window: Play/Pause/Step/Stop/Reset/Rewind through the worker thread, live
settings, failures shown as messages, and a clean stop on close or when another project opens.
Every wait is on a signal or a condition (qtbot), never a sleep."""

from __future__ import annotations

import pytest
import torch

from playground.graph.project import load_project
from playground.train import Callback
from playground.ui.training import jobs as jobs_module

LONG = 100000  # epochs: a run that only ends when told to


@pytest.fixture
def live(window, qtbot):
    s = window.training.session
    s.apply_setting(epochs=LONG)
    window.doc.mark_saved()
    yield window, s
    s.shutdown()
    window.doc.mark_saved()  # settings changed in the test: closing must not ask


def wait_state(qtbot, s, state, timeout=60000):
    if s.state != state:
        qtbot.waitUntil(lambda: s.state == state, timeout=timeout)


def step_now(s):
    return s.trainer.step_count


def test_play_trains_and_the_loss_curve_gets_points(live, qtbot):
    window, s = live
    curves = window.training.curves
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.play()
    qtbot.waitUntil(lambda: curves.curves["loss"].series.n >= 20, timeout=30000)
    x, y = curves.curves["loss"].series.view()
    assert list(x[:3]) == [1.0, 2.0, 3.0]
    assert all(v > 0 for v in y)
    assert s.state == "running"
    assert "step" in window.training.status_line.text()
    assert curves.curves["smooth"].series.n == curves.curves["loss"].series.n
    qtbot.waitUntil(lambda: curves.curves["val_loss"].series.n >= 1, timeout=30000)  # an epoch ended


def test_pause_stops_the_step_count_and_step_advances_one_batch(live, qtbot):
    window, s = live
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.play()
    s.pause()
    wait_state(qtbot, s, "paused")
    paused_at = step_now(s)
    qtbot.wait(300)  # the event loop runs on; the worker must not
    assert step_now(s) == paused_at
    assert s.trainer.paused
    with qtbot.waitSignal(s.batches, timeout=10000) as blocker:
        s.step()
    assert blocker.args[0]["step"].tolist() == [paused_at + 1]
    qtbot.wait(200)
    assert step_now(s) == paused_at + 1
    s.play()
    qtbot.waitUntil(lambda: step_now(s) > paused_at + 5, timeout=10000)


def test_step_from_idle_trains_exactly_one_batch(live, qtbot):
    window, s = live
    with qtbot.waitSignal(s.batches, timeout=60000) as blocker:
        s.step()
    assert blocker.args[0]["step"].tolist() == [1]
    wait_state(qtbot, s, "paused")
    assert step_now(s) == 1
    assert "step 1" in window.training.status_line.text()


def test_a_learning_rate_change_while_running_reaches_the_trainer(live, qtbot):
    window, s = live
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.play()
    assert s.apply_setting(lr=0.0123) == "live"
    with qtbot.waitSignal(s.batches, timeout=10000,
                          check_params_cb=lambda chunk: abs(chunk["lr"][-1] - 0.0123) < 1e-12):
        pass
    assert s.trainer.config.lr == pytest.approx(0.0123)
    assert window.doc.project.training["lr"] == pytest.approx(0.0123)
    assert s.apply_setting(loss="mse") == "on reset"


def _weights(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _same(a, b):
    return all(torch.equal(a[k], b[k]) for k in a)


def test_rewind_gives_this_runs_initial_weights_and_reset_new_ones(live, qtbot):
    window, s = live
    from playground.nn.build import build_module

    seed = s.config().seed
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.step(5)
    qtbot.waitUntil(lambda: step_now(s) == 5 and s.state == "paused", timeout=10000)
    built = _weights(build_module(window.doc.graph, seed=seed))
    assert _same(s.trainer._initial, built)
    assert not _same(_weights(s.trainer.model), built)  # it trained
    with qtbot.waitSignal(s.run_started, timeout=10000):
        s.rewind()
    qtbot.waitUntil(lambda: step_now(s) == 0, timeout=10000)
    assert _same(_weights(s.trainer.model), built)
    with qtbot.waitSignal(s.run_started, timeout=10000) as blocker:
        s.reset()
    assert blocker.args[0] == seed + 1
    assert s.config().seed == seed + 1
    qtbot.waitUntil(lambda: s.trainer.config.seed == seed + 1, timeout=10000)
    expected = build_module(window.doc.graph, seed=0)
    jobs_module.graph_reinit(window.doc.graph)(expected, seed + 1)
    assert _same(_weights(s.trainer.model), _weights(expected))
    assert not _same(_weights(s.trainer.model), built)
    # the earlier run is kept as an overlay to compare
    assert len(window.training.curves.runs) == 1


class _Poison(Callback):
    """Makes the weights NaN after step 3 (in the training thread, where the model lives)."""

    def on_batch_end(self, trainer, info):
        if info.step == 3:
            with torch.no_grad():
                for p in trainer.model.parameters():
                    p.fill_(float("nan"))


def test_a_nan_loss_shows_the_reason_and_the_app_stays_up(live, qtbot, dialogs):
    window, s = live
    s.extra_callbacks.append(_Poison())
    nodes = sorted(window.doc.graph.nodes)
    with qtbot.waitSignal(s.failed, timeout=60000) as blocker:
        s.play()
    assert "NaN" in blocker.args[0] and "learning rate" in blocker.args[0]
    assert any("NaN" in text for text in dialogs.texts("warning"))
    wait_state(qtbot, s, "idle")
    assert sorted(window.doc.graph.nodes) == nodes
    assert "NaN" in window.training.last_error


@pytest.mark.parametrize("error, words", [(RuntimeError("boom in the loop"), "boom in the loop"),
                                          (torch.OutOfMemoryError("CUDA out of memory. Tried 2 GiB"),
                                           "out of memory")])
def test_an_error_in_the_training_thread_is_a_message(live, qtbot, dialogs, monkeypatch, error, words):
    window, s = live

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(jobs_module, "load_splits", broken)
    with qtbot.waitSignal(s.failed, timeout=60000) as blocker:
        s.play()
    assert words in blocker.args[0]
    assert dialogs.texts("warning")
    wait_state(qtbot, s, "idle")
    assert s.thread is None and s.trainer is None
    monkeypatch.undo()
    with qtbot.waitSignal(s.batches, timeout=60000):  # the next Play works
        s.play()


def test_closing_mid_training_leaves_no_running_thread(make_window, qtbot):
    window = make_window("tfp_mlp")
    s = window.training.session
    s.apply_setting(epochs=LONG)
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.play()
    thread = s.thread
    assert thread.is_alive()
    window.doc.mark_saved()
    assert window.close()
    assert not thread.is_alive()


def test_closing_while_the_data_loads_or_paused(make_window, qtbot):
    window = make_window("tfp_mlp")
    s = window.training.session
    s.apply_setting(epochs=LONG)
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.step()
    wait_state(qtbot, s, "paused")
    thread = s.thread
    window.doc.mark_saved()
    assert window.close()
    assert not thread.is_alive()


def test_opening_another_project_stops_the_run(live, qtbot):
    window, s = live
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.play()
    thread = s.thread
    with qtbot.waitSignal(s.run_started, timeout=10000):
        window.set_project(load_project("perceptron"))
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=15000)
    assert s.trainer is None and s.state == "idle"
    assert window.training.curves.curves["loss"].series.n == 0


def test_toolbar_and_menu_actions_drive_the_session(live, qtbot):
    window, s = live
    actions = window.training.toolbar.actions_by_key
    assert actions["play"].shortcut().toString() == "F5"
    assert window.training.menu.actions()
    with qtbot.waitSignal(s.batches, timeout=60000):
        actions["step"].trigger()
    wait_state(qtbot, s, "paused")
    actions["play"].trigger()
    wait_state(qtbot, s, "running")
    assert actions["play"].text() == "Pause"
    actions["stop"].trigger()
    wait_state(qtbot, s, "idle", timeout=15000)
    assert s.trainer is not None  # Play goes on from here
