"""Compiling the fused kernels in the background, once per process (numba caches them on disk).

Owns ``start`` (begin compiling in a daemon thread, if not begun), ``ready`` (compiled and
usable), ``wait`` and ``error``. Until ``ready`` the Trainer keeps training on the torch path, so
the first run never waits for the compiler. ``warm_up`` calls each kernel once on tiny arrays of
exactly the types the engine passes, so that later calls find a compiled (or cached) version.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from playground.train.fused.codes import HP_SIZE, MSE, SGD

_lock = threading.Lock()
_done = threading.Event()
_thread: threading.Thread | None = None
_error: BaseException | None = None
seconds: float | None = None  # how long the last warm-up took (first compile or cache load)


def warm_up() -> None:
    """Compile (or load from the cache) every kernel with the engine's argument types."""
    from playground.train.fused import kernels as k

    layers = np.array([[2, 2, 0, 4, 1], [2, 1, 6, 8, 0]], dtype=np.int64)
    slopes = np.zeros(2)
    theta = np.full(9, 0.1, dtype=np.float32)
    X = np.ones((4, 2), dtype=np.float32)
    T = np.zeros((4, 1), dtype=np.float32)
    labels = np.zeros(4, dtype=np.int64)
    orders = np.arange(4, dtype=np.int64)[None]
    hp = np.zeros(HP_SIZE)
    k.train_steps(theta, np.zeros_like(theta), theta.copy(), np.zeros_like(theta), np.zeros_like(theta),
                  np.zeros(2, dtype=np.int64), np.ones(9, dtype=np.bool_), layers, slopes, X, T, labels, orders,
                  0, 2, 2, MSE, SGD, hp, np.full(2, 0.01), np.zeros(2), np.zeros(2), np.zeros((1, 4, 1), dtype=np.float32))
    k.predict(theta, layers, slopes, X)


def _run() -> None:
    global _error, seconds
    t0 = time.perf_counter()
    try:
        warm_up()
    except BaseException as exc:  # noqa: BLE001 - the engine stays off; the reason is shown
        _error = exc
    seconds = time.perf_counter() - t0
    _done.set()


def start() -> None:
    """Begin compiling in the background (no-op when begun or done)."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_run, name="fused-engine-compile", daemon=True)
            _thread.start()


def ready() -> bool:
    return _done.is_set() and _error is None


def wait(timeout: float | None = None) -> bool:
    """Start if needed and block until compiled (for tests, benchmarks and the CLI's --wait)."""
    start()
    _done.wait(timeout)
    return ready()


def error() -> BaseException | None:
    return _error
