"""Callbacks: how the outside world (the CLI's progress bar, the app's bridge, tests) follows a run.

Owns ``Callback`` (named hooks, all optional, all called in the training thread) and
``LambdaCallback`` (hooks from plain functions). A hook must be quick and must not touch the GUI:
copy the numbers somewhere and return. The Trainer only calls the hooks a callback overrides, so
an unused ``on_batch_end`` costs nothing per step.
"""

from __future__ import annotations

from typing import Any, Callable

HOOKS = ("on_fit_start", "on_epoch_start", "on_batch_end", "on_epoch_end", "on_fit_end", "on_probe", "on_state")


class Callback:
    """Override the hooks you need. ``trainer`` is the running ``Trainer``; everything else is plain data."""

    def on_fit_start(self, trainer) -> None:
        """Before the first batch (and again after a reset or rewind restarts the run)."""

    def on_epoch_start(self, trainer, epoch: int) -> None:
        """Before the first batch of ``epoch`` (1-based)."""

    def on_batch_end(self, trainer, info) -> None:
        """After every optimizer step, with a ``BatchInfo``."""

    def on_epoch_end(self, trainer, record) -> None:
        """After validation, with an ``EpochRecord``."""

    def on_fit_end(self, trainer, result) -> None:
        """Once, with the ``FitResult`` (also after a stop, early stopping or a NaN loss)."""

    def on_probe(self, trainer, name: str, result: Any) -> None:
        """A probe asked for with ``request_probe`` has run; ``result`` holds numpy arrays."""

    def on_state(self, trainer, state: str, message: str) -> None:
        """The run changed state: "running", "paused", "stopped", "reset", "rewound", "warning", "changed"."""


def overrides(callback: Callback, hook: str) -> bool:
    """Whether ``callback`` does something on ``hook`` (an own method, not the base class's no-op)."""
    impl = getattr(type(callback), hook, None)
    if impl is None:
        return hook in vars(callback)
    return impl is not getattr(Callback, hook, None) or hook in vars(callback)


class LambdaCallback(Callback):
    """Hooks from functions: ``LambdaCallback(on_batch_end=lambda trainer, info: ...)``."""

    def __init__(self, **hooks: Callable[..., None]):
        for name, fn in hooks.items():
            if name not in HOOKS:
                raise TypeError(f"unknown hook {name!r}; hooks are {', '.join(HOOKS)}")
            setattr(self, name, fn)
