"""A text progress bar for terminals: the CLI's callback.

Owns ``ProgressBar``: one line per epoch with train/val loss and accuracy (or R^2), and between
epochs a bar redrawn at most ``rate`` times a second with the live loss, written to a stream
(stderr by default). When the stream is not a terminal (a log file, a pipe, CI), where a redrawn
bar would be noise, it writes a plain line every ``plain_every`` seconds instead ("epoch 1/5:
batch 120/469 (26%), loss 0.4312, 38 s"), so a long epoch never looks hung. It reads only the
numbers the Trainer hands to callbacks.
"""

from __future__ import annotations

import sys
import time

from playground.train.callbacks import Callback


def _metric(m) -> str:
    if m is None:
        return ""
    if m.accuracy is not None:
        return f"loss {m.loss:.4f} acc {m.accuracy:.3f}"
    return f"loss {m.loss:.4f} R2 {m.r2:.3f}" if m.r2 is not None else f"loss {m.loss:.4f}"


class ProgressBar(Callback):
    def __init__(self, stream=None, width: int = 24, rate: float = 10.0, plain_every: float = 10.0,
                 clock=time.monotonic):
        self.stream = stream or sys.stderr
        self.width, self.interval, self.plain_every = width, 1.0 / rate, plain_every
        self.clock = clock
        self._last = 0.0
        self._epoch_start: float | None = None
        self._live = False
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def on_epoch_start(self, trainer, epoch: int) -> None:
        self._epoch_start = self._last = self.clock()

    def on_batch_end(self, trainer, info) -> None:
        now = self.clock()
        if not self._tty:
            self._plain(trainer, info, now)
            return
        if now - self._last < self.interval:
            return
        self._last = now
        done = int(self.width * info.batch / max(info.batches, 1))
        bar = "#" * done + "." * (self.width - done)
        self._write(f"\repoch {info.epoch}/{trainer.config.epochs} [{bar}] loss {info.loss:.4f}")
        self._live = True

    def _plain(self, trainer, info, now: float) -> None:
        """A whole line, no carriage return, every ``plain_every`` seconds of an epoch."""
        if self._epoch_start is None:  # an epoch_start the trainer did not report
            self._epoch_start = self._last = now
        if now - self._last < self.plain_every:
            return
        self._last = now
        share = info.batch / max(info.batches, 1)
        self._write(f"epoch {info.epoch}/{trainer.config.epochs}: batch {info.batch}/{info.batches} "
                    f"({share:.0%}), loss {info.loss:.4f}, {now - self._epoch_start:.0f} s\n")

    def on_epoch_end(self, trainer, record) -> None:
        self._epoch_start = None
        if self._live:
            self._write("\r" + " " * (self.width + 48) + "\r")
            self._live = False
        val = f" | val {_metric(record.val)}" if record.val is not None else ""
        self._write(f"epoch {record.epoch}/{trainer.config.epochs}: train {_metric(record.train)}{val}"
                    f" | {record.samples_per_s:,.0f} samples/s\n")

    def on_state(self, trainer, state: str, message: str) -> None:
        if state == "warning":
            self._write(f"warning: {message}\n")
