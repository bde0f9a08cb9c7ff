"""Live control from another thread: pause, step, resume, stop, new settings, reset, rewind, probes.

Synchronization is by threading.Event set in callbacks, never by sleeping.
"""

import threading

import pytest
import torch

from playground.core.errors import TrainingError
from playground.train import Callback, TrainConfig, Trainer

from train_helpers import mlp, run_in_thread

WAIT = 30  # seconds; only reached when something is broken


class Watcher(Callback):
    """Records what the training thread reports and lets the test wait for conditions."""

    def __init__(self):
        self.cond = threading.Condition()
        self.batches, self.states, self.probes = [], [], []

    def on_batch_end(self, trainer, info):
        with self.cond:
            self.batches.append(info)
            self.cond.notify_all()

    def on_state(self, trainer, state, message):
        with self.cond:
            self.states.append((state, message))
            self.cond.notify_all()

    def on_probe(self, trainer, name, result):
        with self.cond:
            self.probes.append((name, result))
            self.cond.notify_all()

    def wait(self, predicate):
        with self.cond:
            assert self.cond.wait_for(predicate, timeout=WAIT), "the training thread did not get there"

    def count(self, state):
        return sum(1 for s, _ in self.states if s == state)


@pytest.fixture
def long_run(blob_splits):
    """A trainer set for far more epochs than any test lets it run, and its watcher; always stopped after."""
    watcher = Watcher()
    trainer = Trainer(mlp(), blob_splits, TrainConfig(epochs=10_000, batch_size=10, lr=0.01), callbacks=[watcher])
    threads = []
    yield trainer, watcher, threads
    trainer.stop()
    trainer.resume()
    for thread in threads:
        thread.join(WAIT)


def _start(trainer, threads):
    thread, holder = run_in_thread(trainer)
    threads.append(thread)
    return thread, holder


def test_pause_step_resume_stop_from_another_thread(long_run):
    trainer, w, threads = long_run
    thread, holder = _start(trainer, threads)
    w.wait(lambda: len(w.batches) >= 3)
    trainer.pause()
    w.wait(lambda: w.count("paused") == 1)
    at_pause = trainer.step_count
    assert len(w.batches) == at_pause  # nothing runs while paused
    trainer.step()
    w.wait(lambda: w.count("paused") == 2)
    assert trainer.step_count == at_pause + 1 and w.batches[-1].step == at_pause + 1
    trainer.step(3)
    w.wait(lambda: w.count("paused") == 3)
    assert trainer.step_count == at_pause + 4
    trainer.resume()
    w.wait(lambda: len(w.batches) >= at_pause + 10)
    trainer.stop()
    thread.join(WAIT)
    assert not thread.is_alive()
    result = holder["result"]
    assert result.reason == "stopped" and "stopped at step" in result.message
    assert result.steps == trainer.step_count == len(result.history.step_loss)


def test_stop_while_paused_ends_the_run(long_run):
    trainer, w, threads = long_run
    trainer.pause()  # before fit: the run starts paused
    thread, holder = _start(trainer, threads)
    w.wait(lambda: w.count("paused") == 1)
    assert trainer.step_count == 0
    trainer.stop()
    thread.join(WAIT)
    assert holder["result"].reason == "stopped" and holder["result"].steps == 0


def test_live_learning_rate_change_takes_effect_without_reset(long_run):
    trainer, w, threads = long_run
    thread, _ = _start(trainer, threads)
    w.wait(lambda: len(w.batches) >= 5)
    trainer.pause()
    w.wait(lambda: w.count("paused") == 1)
    step = trainer.step_count
    before = [p.detach().clone() for p in trainer.model.parameters()]
    trainer.set_lr(0.5)
    trainer.step()
    w.wait(lambda: w.count("paused") == 2)
    assert trainer.optimizer.param_groups[0]["lr"] == 0.5 and w.batches[-1].lr == 0.5
    assert trainer.step_count == step + 1  # the run went on: no reset
    # plain SGD: the step just taken used the new rate, so it equals 0.5 * gradient
    for p, b in zip(trainer.model.parameters(), before):
        torch.testing.assert_close(p.detach(), b - 0.5 * p.grad)
    assert any(s == "changed" and "lr = 0.5" in m for s, m in w.states)


def test_live_changes_of_optimizer_regularization_and_batch_size(long_run):
    trainer, w, threads = long_run
    thread, _ = _start(trainer, threads)
    w.wait(lambda: len(w.batches) >= 3)
    weights = [p.detach().clone() for p in trainer.model.parameters()]
    trainer.pause()
    w.wait(lambda: w.count("paused") == 1)
    trainer.update_config(optimizer="adam", lr=0.001, l2=0.01, batch_size=7)
    trainer.step()
    w.wait(lambda: w.count("paused") == 2)
    assert isinstance(trainer.optimizer, torch.optim.Adam)
    last = w.batches[-1]
    assert last.size == 7 and last.penalty > 0
    moved = max(float((p.detach() - q).abs().max()) for p, q in zip(trainer.model.parameters(), weights))
    assert moved < 1.0  # the weights went on from where they were, not from a new initialization


def test_bad_live_values_are_refused_in_the_callers_thread(long_run):
    trainer, _, _ = long_run
    with pytest.raises(TrainingError, match="'lr'"):
        trainer.set_lr(-1)
    with pytest.raises(TrainingError, match="'loss' cannot change"):
        trainer.update_config(loss="mse")
    with pytest.raises(TrainingError, match="unknown probe"):
        trainer.request_probe("xray")


def test_rewind_returns_to_the_exact_initial_weights_and_reset_to_new_ones(long_run):
    trainer, w, threads = long_run
    initial = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    thread, _ = _start(trainer, threads)
    w.wait(lambda: len(w.batches) >= 5)
    trainer.pause()
    w.wait(lambda: w.count("paused") == 1)
    trainer.rewind()
    w.wait(lambda: w.count("rewound") == 1)
    for k, v in trainer.model.state_dict().items():
        torch.testing.assert_close(v, initial[k])
    assert trainer.step_count == 0 and trainer.history.step_loss == []
    trainer.reset(seed=7)
    w.wait(lambda: w.count("reset") == 1)
    assert trainer.config.seed == 7
    assert any(not torch.equal(v, initial[k]) for k, v in trainer.model.state_dict().items())
    trainer.stop()
    thread.join(WAIT)


def test_rewind_when_idle_repeats_the_run_exactly(blob_splits):
    trainer = Trainer(mlp(), blob_splits, TrainConfig(epochs=2, batch_size=20, optimizer="momentum"))
    first = trainer.fit().history.step_loss
    trainer.rewind()
    assert trainer.fit().history.step_loss == first


def test_probes_requested_while_running_arrive_through_on_probe(long_run):
    trainer, w, threads = long_run
    thread, _ = _start(trainer, threads)
    w.wait(lambda: len(w.batches) >= 2)
    trainer.request_probe("activations", index=[0, 1, 2])
    trainer.request_probe("health")
    trainer.request_probe("saliency", index=0)
    trainer.request_probe("evaluation", split="val")
    w.wait(lambda: {n for n, _ in w.probes} >= {"activations", "health", "saliency", "evaluation"})
    got = dict(w.probes)
    assert set(got["activations"].outputs) == {"0", "1", "2", "3", "4"}
    assert got["activations"].outputs["4"].shape == (3, 3)
    assert [layer.name for layer in got["health"].layers] == ["0", "2", "4"]
    assert all(layer.update_ratio > 0 for layer in got["health"].layers)
    assert got["evaluation"].confusion.shape == (3, 3)
    with pytest.raises(TrainingError, match="request_probe"):
        trainer.probe("activations")  # not from this thread while the run goes on


def test_a_bad_probe_request_warns_and_training_goes_on(long_run):
    trainer, w, threads = long_run
    thread, _ = _start(trainer, threads)
    w.wait(lambda: len(w.batches) >= 2)
    trainer.request_probe("receptive_field", node="nope")
    w.wait(lambda: w.count("warning") == 1)
    n = len(w.batches)
    w.wait(lambda: len(w.batches) > n + 2)
    assert "no node 'nope'" in [m for s, m in w.states if s == "warning"][0]
