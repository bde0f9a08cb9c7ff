"""The thread-safe event buffer between a training thread and the window: ``Bridge``.

Owns the lock-protected list the Trainer's callback fills with plain numbers (per-step rows, epoch
records, state changes, probe and job results), its thinning so it stays bounded at thousands of
epochs a second, and ``as_callback``, which wraps it as a ``playground.train.Callback``.

It does not turn events into Qt signals or decide what they mean (``session.TrainingSession.drain``
does), and it starts no threads (``jobs.py``).
"""

from __future__ import annotations

import threading


class Bridge:
    """The Trainer callback: copies numbers into a lock-protected list (training thread side).

    At thousands of epochs a second (the fused engine) the list would grow faster than the window
    can draw it, so between two drains it keeps at most ``MAX_ROWS`` per-step rows and
    ``MAX_EPOCHS`` epoch records: past that, every other one is dropped (a dropped step's examples
    are added to the next kept row, so samples/s stays right). The curves show the same shape."""

    MAX_ROWS = 1000
    MAX_EPOCHS = 25

    def __init__(self):
        self.lock = threading.Lock()
        self.events: list[tuple] = []
        self.counts = {"b": 0, "epoch": 0}

    def put(self, event: tuple) -> None:
        with self.lock:
            self.events.append(event)
            kind = event[0]
            if kind in self.counts:
                self.counts[kind] += 1
                if self.counts[kind] > (self.MAX_ROWS if kind == "b" else self.MAX_EPOCHS):
                    self._thin(kind)

    def _thin(self, kind: str) -> None:
        """Drop every other event of ``kind`` (never the latest)."""
        kept, seen, extra = [], 0, 0
        total = self.counts[kind]
        for event in self.events:
            if event[0] != kind:
                kept.append(event)
                continue
            seen += 1
            if seen % 2 and seen != total:
                extra += event[4] if kind == "b" else 0  # its examples go to the next kept row
                continue
            if extra:
                event = (*event[:4], event[4] + extra, *event[5:])
                extra = 0
            kept.append(event)
        self.events = kept
        self.counts[kind] = sum(1 for e in kept if e[0] == kind)

    def take(self) -> list[tuple]:
        with self.lock:
            events, self.events = self.events, []
            self.counts = {"b": 0, "epoch": 0}
        return events

    # -- Callback hooks (duck-typed: the Trainer calls the hooks a callback overrides)
    def on_fit_start(self, trainer) -> None:
        if trainer.step_count == 0:
            self.put(("start", trainer.config.seed))

    def on_batch_end(self, trainer, info) -> None:
        self.put(("b", info.step, info.loss, info.lr, info.size, info.epoch, info.samples_per_s))

    def on_epoch_end(self, trainer, record) -> None:
        self.put(("epoch", record, getattr(trainer, "engine", "torch")))

    def on_state(self, trainer, state: str, message: str) -> None:
        self.put(("state", state, message))

    def on_fit_end(self, trainer, result) -> None:
        self.put(("end", result))

    def on_probe(self, trainer, kind: str, result) -> None:
        self.put(("probe", kind, result))


def as_callback(bridge: Bridge):
    from playground.train import Callback

    class BridgeCallback(Callback):
        def on_fit_start(self, trainer):
            bridge.on_fit_start(trainer)

        def on_batch_end(self, trainer, info):
            bridge.on_batch_end(trainer, info)

        def on_epoch_end(self, trainer, record):
            bridge.on_epoch_end(trainer, record)

        def on_state(self, trainer, state, message):
            bridge.on_state(trainer, state, message)

        def on_fit_end(self, trainer, result):
            bridge.on_fit_end(trainer, result)

        def on_probe(self, trainer, kind, result):
            bridge.on_probe(trainer, kind, result)

    return BridgeCallback()
