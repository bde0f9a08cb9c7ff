"""The fused engine's compiled code: forward, backward, loss and optimizer step of a small dense network.

Owns the numba kernels and the codes they understand. A network is a chain of layers, each a Linear
(weights ``(out, in)`` row-major, then its bias) followed by one element-wise activation, with all
weights in ONE flat float32 vector ``theta`` (``layers[l] = (n_in, n_out, w_off, b_off or -1,
act)``). Because everything is flat, the optimizers are element-wise loops over ``theta`` and one
compiled function serves every width and depth (a batch of networks of the same layout is the same
loops over a 2-D ``theta``; not built here). The update formulas follow ``torch.optim`` (foreach
implementations) exactly, including where ``eps`` sits and ``weight_decay`` as L2 in the gradient.

``train_steps`` runs many optimizer steps per call over precomputed epoch orders; ``predict`` is
the forward pass alone. The choice of network, data and settings lives in ``plan.py``; binding to
a Trainer in ``runner.py``. Nothing here imports torch.
"""

from __future__ import annotations

import math
import os

from playground.train.fused.cache import ensure_cache_dir

ensure_cache_dir()  # before numba reads its configuration

import numpy as np  # noqa: E402
from numba import njit  # noqa: E402

from playground.train.fused.codes import (  # noqa: E402
    ADAGRAD, ADAM, ADAMW, BCE, CE, H_ALPHA, H_BETA1, H_BETA2, H_CLIP, H_DAMPENING, H_EPS, H_L1, H_L2, H_LR_DECAY,
    H_MAXNORM, H_MOMENTUM, H_NESTEROV, H_WD, LEAKY, O_BUF, O_STEP, RELU, RMSPROP, SGD, SIGMOID, TANH)

CACHE = os.environ.get("PLAYGROUND_NUMBA_NO_CACHE", "") == ""
#: no fastmath: it would let LLVM assume away the NaN/inf that the loop must catch (measured: it
#: also gained nothing here)
OPTIONS = {"cache": CACHE, "error_model": "numpy"}


@njit(inline="always", **OPTIONS)
def _act(code, z, slope):
    if code == TANH:  # as 1 - 2 / (e^2z + 1): one exp, several times cheaper than libm's tanh
        return 1.0 - 2.0 / (math.exp(2.0 * z) + 1.0)
    if code == RELU:
        return z if z > 0.0 else 0.0 * z
    if code == SIGMOID:
        return 1.0 / (1.0 + math.exp(-z))
    if code == LEAKY:
        return z if z > 0.0 else z * slope
    return z


@njit(inline="always", **OPTIONS)
def _dact(code, y, slope):
    """Derivative of the activation from its output ``y`` (as torch's backward formulas use it)."""
    if code == TANH:
        return 1.0 - y * y
    if code == RELU:
        return 1.0 if y > 0.0 else 0.0
    if code == SIGMOID:
        return y * (1.0 - y)
    if code == LEAKY:
        return 1.0 if y > 0.0 else slope
    return 1.0


@njit(**OPTIONS)
def _forward(theta, layers, slopes, a, aoff):
    """One example: ``a[aoff[0]:...]`` holds the input; fills every layer's output after it."""
    for l in range(layers.shape[0]):
        n_in, n_out, w_off, b_off, act = layers[l, 0], layers[l, 1], layers[l, 2], layers[l, 3], layers[l, 4]
        src, dst = aoff[l], aoff[l + 1]
        for j in range(n_out):
            s = np.float32(0.0) if b_off < 0 else theta[b_off + j]
            row = w_off + j * n_in
            for i in range(n_in):
                s += theta[row + i] * a[src + i]
            a[dst + j] = _act(act, s, slopes[l])


@njit(**OPTIONS)
def offsets(layers, d0):
    aoff = np.empty(layers.shape[0] + 1, dtype=np.int64)
    aoff[0] = 0
    width = d0
    for l in range(layers.shape[0]):
        aoff[l + 1] = aoff[l] + width
        width = layers[l, 1]
    return aoff, aoff[-1] + width


@njit(nogil=True, **OPTIONS)  # releases the GIL: the window's thread runs while it computes
def predict(theta, layers, slopes, X):
    """The network's outputs ``(N, k)`` for inputs ``X`` ``(N, d0)``."""
    aoff, total = offsets(layers, X.shape[1])
    k = layers[layers.shape[0] - 1, 1]
    out = np.empty((X.shape[0], k), dtype=np.float32)
    a = np.empty(total, dtype=np.float32)
    last = aoff[layers.shape[0]]
    for n in range(X.shape[0]):
        for i in range(X.shape[1]):
            a[i] = X[n, i]
        _forward(theta, layers, slopes, a, aoff)
        for c in range(k):
            out[n, c] = a[last + c]
    return out


@njit(**OPTIONS)
def _loss_grad(loss, o, t, label, scale, d):
    """Loss of one example's outputs ``o`` (summed, times ``scale``) and its gradient into ``d``."""
    k = o.shape[0]
    value = 0.0
    if loss == CE:
        m = o[0]
        for c in range(1, k):
            m = max(m, o[c])
        z = 0.0
        for c in range(k):
            z += math.exp(o[c] - m)
        value = (math.log(z) + m - o[label]) * scale
        for c in range(k):
            d[c] = (math.exp(o[c] - m) / z - (1.0 if c == label else 0.0)) * scale
    elif loss == BCE:
        for c in range(k):
            x, y = o[c], t[c]
            value += (max(x, 0.0) - x * y + math.log1p(math.exp(-abs(x)))) * scale
            d[c] = (1.0 / (1.0 + math.exp(-x)) - y) * scale
    else:
        for c in range(k):
            e = o[c] - t[c]
            value += e * e * scale
            d[c] = 2.0 * e * scale
    return value


@njit(**OPTIONS)
def _gradients(theta, grad, layers, slopes, X, T, labels, idx, loss, out_rows, A, D, aoff, d):
    """Mean-loss gradient of a batch (rows ``idx`` of X) into ``grad``; returns the batch loss.
    Layer by layer over the whole batch (``A``: outputs, ``D``: their gradients, one row per
    example), every sum kept in a local accumulator. The batch's outputs go to ``out_rows``."""
    L = layers.shape[0]
    k = layers[L - 1, 1]
    B = idx.shape[0]
    last = aoff[L]
    for b in range(B):
        for i in range(X.shape[1]):
            A[b, i] = X[idx[b], i]
    for l in range(L):
        n_in, n_out, w_off, b_off, act = layers[l, 0], layers[l, 1], layers[l, 2], layers[l, 3], layers[l, 4]
        src, dst, slope = aoff[l], aoff[l + 1], slopes[l]
        for b in range(B):
            for j in range(n_out):
                s = 0.0 if b_off < 0 else np.float64(theta[b_off + j])
                row = w_off + j * n_in
                for i in range(n_in):
                    s += theta[row + i] * A[b, src + i]
                A[b, dst + j] = _act(act, s, slope)
    total = 0.0
    per_sample = 1.0 / B if loss == CE else 1.0 / (B * k)
    for b in range(B):
        for c in range(k):
            out_rows[b, c] = A[b, last + c]
        total += _loss_grad(loss, A[b, last:last + k], T[idx[b]], labels[idx[b]], per_sample, d)
        for c in range(k):
            D[b, last + c] = d[c]
    for l in range(L - 1, -1, -1):
        n_in, n_out, w_off, b_off, act = layers[l, 0], layers[l, 1], layers[l, 2], layers[l, 3], layers[l, 4]
        src, dst, slope = aoff[l], aoff[l + 1], slopes[l]
        for b in range(B):  # through the activation: D now holds dL/dz
            for j in range(n_out):
                D[b, dst + j] *= _dact(act, A[b, dst + j], slope)
        for j in range(n_out):
            if b_off >= 0:
                s = 0.0
                for b in range(B):
                    s += D[b, dst + j]
                grad[b_off + j] = s
            row = w_off + j * n_in
            for i in range(n_in):
                s = 0.0
                for b in range(B):
                    s += D[b, dst + j] * A[b, src + i]
                grad[row + i] = s
        if l > 0:  # dL/d(previous layer's output)
            for b in range(B):
                for i in range(n_in):
                    s = 0.0
                    for j in range(n_out):
                        s += theta[w_off + j * n_in + i] * D[b, dst + j]
                    D[b, src + i] = s
    return total


@njit(**OPTIONS)
def _penalty(theta, grad, wmask, l1, l2):
    """L1/L2 of the weights (not biases): its value, and its gradient added to ``grad``."""
    value = 0.0
    if l1 == 0.0 and l2 == 0.0:
        return value
    for p in range(theta.shape[0]):
        if wmask[p]:
            w = theta[p]
            value += l1 * abs(w) + l2 * w * w
            sign = 1.0 if w > 0 else (-1.0 if w < 0 else 0.0)
            grad[p] += l1 * sign + 2.0 * l2 * w
    return value


@njit(**OPTIONS)
def _clip(grad, limit):
    norm = 0.0
    for p in range(grad.shape[0]):
        norm += grad[p] * grad[p]
    coef = limit / (math.sqrt(norm) + 1e-6)
    if coef < 1.0:
        for p in range(grad.shape[0]):
            grad[p] *= coef


@njit(**OPTIONS)
def _update(opt, theta, grad, s1, s2, ostate, hp, lr):
    """One optimizer step over the flat vector, as torch.optim's class of that code does it."""
    P = theta.shape[0]
    wd = hp[H_WD]
    ostate[O_STEP] += 1
    t = ostate[O_STEP]
    if opt == SGD:
        mu, nesterov = hp[H_MOMENTUM], hp[H_NESTEROV] != 0.0
        first = ostate[O_BUF] == 0
        ostate[O_BUF] = 1 if mu != 0.0 else 0
        for p in range(P):
            g = grad[p] + wd * theta[p] if wd != 0.0 else grad[p]
            if mu != 0.0:
                s1[p] = g if first else s1[p] * mu + g * (1.0 - hp[H_DAMPENING])
                g = g + mu * s1[p] if nesterov else s1[p]
            theta[p] -= lr * g
    elif opt == ADAM or opt == ADAMW:
        b1, b2, eps = hp[H_BETA1], hp[H_BETA2], hp[H_EPS]
        step_size = lr / (1.0 - b1 ** t)
        bc2_sqrt = math.sqrt(1.0 - b2 ** t)
        for p in range(P):
            g = grad[p]
            if opt == ADAMW:
                theta[p] *= 1.0 - lr * wd
            elif wd != 0.0:
                g = g + wd * theta[p]
            s1[p] += (g - s1[p]) * (1.0 - b1)
            s2[p] = s2[p] * b2 + (1.0 - b2) * g * g
            theta[p] -= step_size * (s1[p] / (math.sqrt(s2[p]) / bc2_sqrt + eps))
    elif opt == RMSPROP:
        alpha, eps, mu = hp[H_ALPHA], hp[H_EPS], hp[H_MOMENTUM]
        for p in range(P):
            g = grad[p] + wd * theta[p] if wd != 0.0 else grad[p]
            s1[p] = s1[p] * alpha + (1.0 - alpha) * g * g
            avg = math.sqrt(s1[p]) + eps
            if mu > 0.0:
                s2[p] = s2[p] * mu + g / avg
                theta[p] -= lr * s2[p]
            else:
                theta[p] -= lr * (g / avg)
    else:  # ADAGRAD
        eps = hp[H_EPS]
        clr = lr / (1.0 + (t - 1) * hp[H_LR_DECAY])
        for p in range(P):
            g = grad[p] + wd * theta[p] if wd != 0.0 else grad[p]
            s1[p] += g * g
            theta[p] -= clr * (g / (math.sqrt(s1[p]) + eps))


@njit(**OPTIONS)
def _max_norm(theta, layers, limit):
    """Each unit's incoming weights (a row) to L2 norm <= limit, as ``Tensor.renorm_(2, 0, limit)``."""
    for l in range(layers.shape[0]):
        n_in, n_out, w_off = layers[l, 0], layers[l, 1], layers[l, 2]
        for j in range(n_out):
            row = w_off + j * n_in
            norm = 0.0
            for i in range(n_in):
                norm += theta[row + i] * theta[row + i]
            norm = math.sqrt(norm)
            if norm > limit:
                scale = limit / (norm + 1e-7)
                for i in range(n_in):
                    theta[row + i] *= scale


@njit(nogil=True, **OPTIONS)  # releases the GIL: the window's thread runs while it trains
def train_steps(theta, grad, good, s1, s2, ostate, wmask, layers, slopes, X, T, labels, orders, pos0, batch, max_steps,
                loss, opt, hp, lrs, step_loss, step_pen, outs):
    """Up to ``max_steps`` optimizer steps of batches ``batch`` in the epoch orders ``orders`` (E, N),
    starting at position ``pos0`` of the first. ``grad`` is left holding the last step's gradient
    (penalty added, clipped). Per step: data loss and penalty into ``step_loss`` /
    ``step_pen``, the batch's outputs (before the update) into ``outs[e, pos:pos+B]``.

    Returns (steps done, 1 if the loss became NaN/inf). On a non-finite loss the weights of the step
    before are restored (``good``) and that step is not counted, as the torch loop does."""
    N = X.shape[0]
    aoff, total = offsets(layers, X.shape[1])
    k = layers[layers.shape[0] - 1, 1]
    A = np.empty((batch, total), dtype=np.float32)
    D = np.empty((batch, total), dtype=np.float32)
    d = np.empty(k, dtype=np.float32)
    done = 0
    for e in range(orders.shape[0]):
        pos = pos0 if e == 0 else 0
        if pos == 0:
            good[:] = theta  # the torch loop keeps the weights of the epoch's start as "last good"
        while pos < N and done < max_steps:
            end = min(pos + batch, N)
            value = _gradients(theta, grad, layers, slopes, X, T, labels, orders[e, pos:end], loss,
                               outs[e, pos:end], A, D, aoff, d)
            pen = _penalty(theta, grad, wmask, hp[H_L1], hp[H_L2])
            if not math.isfinite(value + pen):
                theta[:] = good
                step_loss[done] = value + pen
                return done, 1
            good[:] = theta
            if hp[H_CLIP] > 0.0:
                _clip(grad, hp[H_CLIP])
            _update(opt, theta, grad, s1, s2, ostate, hp, lrs[done])
            if hp[H_MAXNORM] > 0.0:
                _max_norm(theta, layers, hp[H_MAXNORM])
            step_loss[done] = value
            step_pen[done] = pen
            done += 1
            pos = end
        if done >= max_steps:
            break
    return done, 0
