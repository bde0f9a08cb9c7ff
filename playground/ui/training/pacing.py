"""Keeping the window's own work from slowing training down: ``GuiLoad`` and ``job_interval``.

On a machine with few cores every millisecond the GUI thread spends drawing is taken from torch's
threads, and while it runs Python it holds the GIL the training loop needs between operations. So
while a run goes on the session measures how much CPU time the GUI thread used per second of wall
time (``GuiLoad.sample``, from ``time.thread_time`` in the GUI thread). When that share is over
``budget``, the redraws that can wait (the curves, the inside panels) are spaced out by
``slowdown``; when it falls well under, they come back to their normal rate. A fast machine keeps
the normal rate; a slow one draws less often and trains at nearly full speed.

Probes that panels run in the training thread cost training directly; ``job_interval`` spaces them
so each takes at most ``JOB_SHARE`` of the time.

The training thread also runs at a lower OS priority than the window (``lower_thread_priority``,
Linux): the GUI thread uses little CPU, but when it needs a core it gets one at once instead of
waiting behind torch's threads, and training loses nearly nothing. On a 2-core machine this took
the GUI's worst stalls with every panel open from ~200-250 ms to ~110-130 ms (nice 5 gave ~175).

Plain Python, no Qt: the session feeds it numbers, panels ask it for intervals.
"""

from __future__ import annotations

import os
import sys
import threading

GUI_BUDGET = 0.06  # the GUI thread's CPU share (of one core) that redraws may take while training runs
TRAINING_NICE = 10  # how much lower the training thread's priority is (Linux nice levels)
JOB_SHARE = 0.015  # the share of training time one panel's probes may take
MAX_SLOWDOWN = 10.0  # at worst redraws every 10 x their normal interval (curves: every second)
WINDOW_S = 0.5  # measure over at least this much wall time


class GuiLoad:
    """The GUI thread's recent CPU share and the slowdown factor for deferrable redraws."""

    def __init__(self, budget: float = GUI_BUDGET, window_s: float = WINDOW_S):
        self.budget = budget
        self.window_s = window_s
        self.slowdown = 1.0
        self.busy = 0.0  # last measured CPU share of the GUI thread (0.1 = 10 % of one core)
        self._cpu0: float | None = None
        self._wall0: float | None = None

    def pause(self) -> None:
        """Training stopped: the next run starts a new measurement. The slowdown is kept (the
        machine is the same), and eases off by itself when the GUI turns out to be light."""
        self._cpu0 = self._wall0 = None

    def sample(self, cpu_s: float, wall_s: float) -> None:
        """The GUI thread's CPU time and the wall clock now (both in seconds, any origin)."""
        if self._wall0 is None or self._cpu0 is None:
            self._cpu0, self._wall0 = cpu_s, wall_s
            return
        elapsed = wall_s - self._wall0
        if elapsed < self.window_s:
            return
        self.busy = max(0.0, cpu_s - self._cpu0) / elapsed
        self._cpu0, self._wall0 = cpu_s, wall_s
        if self.busy > self.budget:
            self.slowdown = min(MAX_SLOWDOWN, self.slowdown * min(2.0, self.busy / self.budget))
        elif self.busy < self.budget / 2:
            self.slowdown = max(1.0, self.slowdown / 1.5)

    def interval(self, base_s: float) -> float:
        """How long a redraw that normally comes every ``base_s`` seconds waits now."""
        return base_s * self.slowdown


def job_interval(base_s: float, job_s: float, share: float = JOB_SHARE) -> float:
    """Seconds between probe requests: the panel's own interval, or longer when one probe took
    ``job_s`` seconds of training time, so that probes take at most ``share`` of it."""
    return max(base_s, job_s / share) if share > 0 else base_s


def lower_thread_priority(amount: int = TRAINING_NICE) -> bool:
    """Lower the calling thread's scheduling priority by ``amount`` nice levels (Linux, where a
    thread's nice value is its own and the threads it starts, torch's included, inherit it).
    True when done; elsewhere, or when the system refuses, nothing changes."""
    if not sys.platform.startswith("linux") or amount <= 0:
        return False
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + amount))
    except (OSError, AttributeError):
        return False
    return True
