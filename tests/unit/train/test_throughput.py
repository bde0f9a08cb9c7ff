"""Samples/s has one definition (train/throughput.py): wall clock over the last seconds of training,
validation included, pauses excluded; the Trainer's epoch records, batch infos and result use it."""

import math
import time

import pytest

from playground.train import Callback, TrainConfig, Trainer
from playground.train.throughput import WINDOW_S, Throughput

from train_helpers import mlp


def test_the_rate_is_samples_over_the_last_window_seconds():
    meter = Throughput(window_s=5.0)
    assert math.isnan(meter.rate())
    meter.restart(0.0, 0)
    for second in range(1, 21):  # 100 samples/s for 10 s, then 300 samples/s
        meter.tick(float(second), 100 * min(second, 10) + 300 * max(0, second - 10))
    # the window keeps the newest point at least 5 s back: from t=15 to t=20
    assert meter.rate() == pytest.approx(300.0)
    meter.restart(0.0, 0)
    for ms in range(1, 3001):  # many ticks: memory stays bounded, the rate is right
        meter.tick(ms / 1000, ms * 2)
    assert len(meter._points) <= 60
    assert meter.rate() == pytest.approx(2000.0)


class _Clock(Callback):
    """An independent record: the wall clock and the samples trained after every batch and epoch."""

    def __init__(self):
        self.points = []
        self.rates = []

    def on_fit_start(self, trainer):
        self.points.append((time.perf_counter(), trainer.samples_seen))

    def on_batch_end(self, trainer, info):
        self.points.append((time.perf_counter(), self.points[-1][1] + info.size))
        self.rates.append(info.samples_per_s)


def test_the_trainer_reports_wall_clock_samples_per_second(blob_splits):
    clock = _Clock()
    trainer = Trainer(mlp(), blob_splits, TrainConfig(epochs=6, batch_size=8), callbacks=[clock])
    result = trainer.fit()
    t1, n1 = clock.points[-1]
    # the same definition written out: from the newest point at least WINDOW_S back (or the start)
    t0, n0 = max((p for p in clock.points if p[0] <= t1 - WINDOW_S), default=clock.points[0])
    wall = (n1 - n0) / (t1 - t0)
    assert result.samples_per_s == pytest.approx(wall, rel=0.25)  # the end adds one validation pass
    assert result.history.epochs[-1].samples_per_s == pytest.approx(result.samples_per_s, rel=0.25)
    assert all(r > 0 for r in clock.rates[1:])  # known from the first batch on, never 0
    step_only = result.samples / result.train_seconds
    assert step_only > result.samples_per_s  # the old "time in steps only" figure was larger


def test_a_validation_pass_longer_than_the_window_does_not_read_zero():
    """Seen in `playground train` on Fashion-MNIST under load: the last 5 s held only the validation
    pass (no new samples), and the run's summary said 0 samples/s. The window now reaches back to
    the last step: the rate is the samples of that step over the time since, as counted by hand."""
    from playground.train.throughput import Throughput

    meter = Throughput(window_s=5.0)
    meter.restart(0.0, 0)
    for k in range(1, 11):  # ten steps of 100 samples, 0.1 s each
        meter.tick(k * 0.1, k * 100)
    meter.tick(8.0, 1000)  # the validation pass ends 7 s later, no new samples
    assert meter.rate() > 0
    assert meter.rate() == pytest.approx((1000 - 900) / (8.0 - 0.9))
