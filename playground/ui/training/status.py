"""The training status line's numbers: ``RunCounters`` and ``format_status``.

Owns the counters the status line shows (epoch, step, samples/s, elapsed time, engine), how the
drained per-step rows and epoch records update them, the wall clock of a run (time counts only
while it is running) and how often a new snapshot goes out (``STATUS_S``); ``format_status`` turns
a snapshot into the line's text.

It does not own the buffer the numbers come from (``bridge.py``), emit signals (the session emits
``status`` with what ``RunCounters.tick`` returns) or draw anything (``controls.py`` shows the line).
"""

from __future__ import annotations

import math
import time

import numpy as np

STATUS_S = 0.25  # while training, the status line (epoch, step, samples/s, time) is updated this often


class RunCounters:
    """Epoch, step, samples/s, elapsed time and engine of the current run (GUI thread only)."""

    def __init__(self):
        self.values = {"epoch": 0, "step": 0, "samples_per_s": math.nan, "elapsed": 0.0}  # nan: not measured yet
        self.run_t0: float | None = None
        self._status_at = 0.0

    def restart(self) -> None:
        """A new run from fresh weights: everything back to zero, samples/s not measured yet."""
        self.values.update(epoch=0, step=0, samples_per_s=math.nan, elapsed=0.0, engine="torch")

    def started(self) -> None:
        """A worker was started for a fit: the run's clock starts now."""
        self.run_t0 = time.perf_counter()

    def rows(self, data: np.ndarray) -> None:
        """Per-step rows, (n, 6): step, loss, lr, size, epoch, samples/s."""
        self.values["step"] = int(data[-1, 0])
        self.values["epoch"] = int(data[-1, 4])
        rates = data[np.isfinite(data[:, 5]), 5]
        if len(rates):
            self.values["samples_per_s"] = float(rates[-1])  # the engine's meter (throughput.py)

    def epoch(self, record, engine: str) -> None:
        if record.samples_per_s > 0:
            self.values["samples_per_s"] = float(record.samples_per_s)  # the same meter, validation included
        self.values["engine"] = engine

    def tick(self, running: bool, load) -> dict | None:
        """Advance the clock (and ``load``, the GUI's CPU share) by one drain; a snapshot of the
        counters when the line is due for a repaint, else None."""
        if running and self.run_t0 is not None:
            now = time.perf_counter()
            load.sample(time.thread_time(), now)
            self.values["elapsed"] += now - self.run_t0
            self.run_t0 = now
        else:
            self.run_t0 = time.perf_counter()
            load.pause()
        now = time.perf_counter()
        if not running or now - self._status_at >= STATUS_S:  # the line repaints: 4 a second is plenty
            self._status_at = now
            return dict(self.values)
        return None


def format_status(c: dict) -> str:
    elapsed = c.get("elapsed", 0.0)
    minutes, seconds = divmod(int(elapsed), 60)
    rate = c.get("samples_per_s", math.nan)
    rate_text = f"{rate:,.0f}" if math.isfinite(rate) and rate > 0 else "\u2013"  # not measured yet: a dash, never 0
    engine = "  ·  fast engine" if c.get("engine") == "fast" else ""
    return (f"epoch {c.get('epoch', 0)}  ·  step {c.get('step', 0):,}  ·  {rate_text} samples/s  ·  "
            f"{minutes}:{seconds:02d}{engine}")
