"""Samples per second: the one definition every place that shows a training speed uses.

Owns ``Throughput``, a meter the Trainer ticks after every optimizer step and after each epoch's
validation pass, and ``DEFINITION`` (the sentence tooltips and summaries show). The rate is
**wall-clock** samples per second over the last ``WINDOW_S`` seconds of training: everything the
run spends between two steps counts (data, the step, callbacks, probes asked for while it runs, and
the validation pass at the end of each epoch, since training waits for it), pauses do not (the
clock it is given stops while the run is paused). Memory is bounded: points closer together than
a fiftieth of the window are merged. Pure Python; no torch, no Qt.
"""

from __future__ import annotations

import math
from collections import deque

WINDOW_S = 5.0
DEFINITION = (f"samples per second of wall-clock training time over the last {WINDOW_S:g} s (the whole "
              "run when it is shorter, back to the last step when a validation pass fills them): steps, data, "
              "and the validation pass after each epoch included; pauses excluded")


class Throughput:
    """(time, samples so far) points over a sliding window; ``rate`` is samples/s across it."""

    def __init__(self, window_s: float = WINDOW_S):
        self.window_s = float(window_s)
        self._merge_s = self.window_s / 50
        self._points: deque[tuple[float, int]] = deque()

    def restart(self, now: float, samples: int) -> None:
        """Start measuring afresh at ``now`` with ``samples`` done (a new ``fit`` call)."""
        self._points.clear()
        self._points.append((now, samples))

    def tick(self, now: float, samples: int) -> None:
        """``samples`` done so far at ``now`` (a clock that does not run while paused)."""
        points = self._points
        if len(points) >= 2 and now - points[-2][0] < self._merge_s:
            points[-1] = (now, samples)  # close to the one before: move the last point instead
        else:
            points.append((now, samples))
        while len(points) > 2 and now - points[1][0] >= self.window_s and points[1][1] < samples:
            points.popleft()  # the oldest point still keeps the window at least WINDOW_S long, and
            # reaching back to a step: a validation pass longer than the window read as 0 samples/s

    def rate(self) -> float:
        """Samples per second over the window; nan until there are two points a moment apart."""
        if len(self._points) < 2:
            return math.nan
        (t0, n0), (t1, n1) = self._points[0], self._points[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 else math.nan
