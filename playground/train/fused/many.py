"""The fused engine over a batch of networks: one compiled call trains many configurations.

Owns ``train_many``: networks of the same layout (``layers``) and batch size, each with its own
row of the 2-D weight array ``thetas`` (M, P), its own optimizer code, hyper-parameters
(``hps`` (M, HP_SIZE)), per-step learning rates (``lrs`` (M, steps)) and epoch orders (``orders``
(M, E, N)), trained one after the other inside the kernel with exactly the steps ``train_steps``
takes for one network (so a row's result equals a single run's). What it saves is everything
around the arithmetic: one call, one set of buffers, no Python between networks or epochs.
"""

from __future__ import annotations

from playground.train.fused.cache import ensure_cache_dir

ensure_cache_dir()

import numpy as np  # noqa: E402
from numba import njit  # noqa: E402

from playground.train.fused.kernels import OPTIONS, train_steps  # noqa: E402


@njit(nogil=True, **OPTIONS)
def train_many(thetas, grads, goods, s1s, s2s, ostates, wmask, layers, slopes, X, T, labels, orders, batch, steps,
               loss, opts, hps, lrs, step_loss, step_pen, outs, done):
    """Train every row of ``thetas`` for ``steps`` steps; ``done[m]`` gets the steps network m took
    (fewer when its loss became NaN/inf: its weights are then those of the last good step)."""
    for m in range(thetas.shape[0]):
        n, _ = train_steps(thetas[m], grads[m], goods[m], s1s[m], s2s[m], ostates[m], wmask, layers, slopes,
                           X, T, labels, orders[m], 0, batch, steps, loss, opts[m], hps[m], lrs[m],
                           step_loss[m], step_pen[m], outs)
        done[m] = n


def warm_up() -> None:
    """Compile (or load from the cache) ``train_many`` with the argument types the sweep passes."""
    from playground.train.fused.codes import HP_SIZE, MSE

    M, P = 2, 9
    layers = np.array([[2, 2, 0, 4, 1], [2, 1, 6, 8, 0]], dtype=np.int64)
    f = lambda: np.zeros((M, P), dtype=np.float32)  # noqa: E731
    train_many(np.full((M, P), 0.1, dtype=np.float32), f(), f(), f(), f(), np.zeros((M, 2), dtype=np.int64),
               np.ones(P, dtype=np.bool_), layers, np.zeros(2), np.ones((4, 2), dtype=np.float32),
               np.zeros((4, 1), dtype=np.float32), np.zeros(4, dtype=np.int64),
               np.tile(np.arange(4, dtype=np.int64), (M, 1, 1)), 2, 2, MSE, np.zeros(M, dtype=np.int64),
               np.zeros((M, HP_SIZE)), np.full((M, 2), 0.01), np.zeros((M, 2)), np.zeros((M, 2)),
               np.zeros((1, 4, 1), dtype=np.float32), np.zeros(M, dtype=np.int64))
