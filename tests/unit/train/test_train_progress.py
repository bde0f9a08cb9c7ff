"""The CLI's progress callback when stderr is not a terminal (issue 19, item 16): a plain line every
~10 s inside an epoch, so a long epoch written to a log or a pipe never looks hung."""

from __future__ import annotations

import io
import re

from playground.train import Trainer, TrainConfig
from playground.train.progress import ProgressBar
from train_helpers import blobs, mlp, tensor_splits


class Clock:
    """A fake monotonic clock: every reading is ``step`` seconds after the previous one."""

    def __init__(self, step: float):
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def _train(stream, clock, epochs=2):
    x, y = blobs(n=400)
    config = TrainConfig(epochs=epochs, batch_size=8, lr=0.05, device="cpu")
    bar = ProgressBar(stream, plain_every=10.0, clock=clock)
    Trainer(mlp(), tensor_splits(x, y, num_classes=3), config, callbacks=[bar]).fit()


def test_a_pipe_gets_a_plain_line_every_ten_seconds_inside_an_epoch():
    stream = io.StringIO()  # not a terminal
    _train(stream, Clock(step=3.0))
    text = stream.getvalue()
    assert "\r" not in text  # no redrawn bar in a log file
    lines = [line for line in text.splitlines() if "batch" in line]
    batches = 30  # 240 training examples / 8
    # one clock reading per batch (3 s) plus one at each epoch start: a line every 4th batch, per epoch
    assert len(lines) == 2 * (batches // 4)
    pattern = re.compile(r"epoch (\d)/2: batch (\d+)/(\d+) \((\d+)%\), loss (\d+\.\d{4}), (\d+) s$")
    for line in lines:
        m = pattern.match(line)
        assert m, line
        batch, total = int(m[2]), int(m[3])
        assert total == batches and int(m[4]) == round(100 * batch / total)
        assert int(m[6]) == 3 * batch  # seconds since the epoch began, on the fake clock
    assert sum("train loss" in line for line in text.splitlines()) == 2  # the epoch summaries stay


def test_a_fast_epoch_in_a_pipe_prints_only_its_summary():
    stream = io.StringIO()
    _train(stream, Clock(step=0.001), epochs=1)
    assert [line for line in stream.getvalue().splitlines() if "batch" in line] == []
    assert "epoch 1/1: train loss" in stream.getvalue()


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_still_gets_the_redrawn_bar():
    stream = Tty()
    _train(stream, Clock(step=0.5), epochs=1)
    assert "\repoch 1/1 [" in stream.getvalue()
    assert not re.search(r"batch \d+/\d+ \(", stream.getvalue())
