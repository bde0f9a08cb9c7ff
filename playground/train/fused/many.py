"""The fused engine over a batch of networks: one compiled call trains many configurations at once.

Owns ``train_many``: M networks of the same layout (``layers``), batch size and optimizer, each with
its own learning rate per step, hyper-parameters and epoch orders, trained side by side. Every
array keeps the network index LAST (weights ``thetas`` (P, M), activations (B, units, M), orders
(E, N, M)), so each multiply-add, activation and optimizer update is one loop over the M networks
over contiguous memory, which the compiler turns into SIMD instructions (8 networks per AVX2
instruction): that is where the speed of a sweep comes from, not from running single networks one
after another. tanh (and sigmoid through it) uses a rational approximation accurate to float32
rounding (``_tanh``; tested against torch), because libm's ``exp`` would keep that loop scalar.

The steps are those ``kernels.train_steps`` takes for one network (same batches, same update
formulas as ``torch.optim``, L1/L2, clipping, max-norm); sums run in float32, so a network's
weights match its single run to float32 rounding, not bit for bit. A network whose loss becomes
NaN/inf stops there with the weights of its last good step (``alive``/``done``); the others go on.
"""

from __future__ import annotations

from playground.train.fused.cache import ensure_cache_dir

ensure_cache_dir()

import math  # noqa: E402

import numpy as np  # noqa: E402
from numba import njit  # noqa: E402

from playground.train.fused.codes import (  # noqa: E402
    ADAGRAD, ADAM, ADAMW, BCE, CE, H_ALPHA, H_BETA1, H_BETA2, H_CLIP, H_DAMPENING, H_EPS, H_L1, H_L2, H_LR_DECAY,
    H_MAXNORM, H_MOMENTUM, H_NESTEROV, H_WD, LEAKY, O_BUF, O_STEP, RELU, RMSPROP, SGD, SIGMOID, TANH)
from playground.train.fused.kernels import OPTIONS, offsets  # noqa: E402

#: |z| beyond which tanh(z) rounds to +-1 in float32
TANH_CLAMP = np.float32(7.90531110763549805)
#: numerator (odd powers 1..13) and denominator (even powers 0..6) of the rational tanh
_A = (np.float32(4.89352455891786e-03), np.float32(6.37261928875436e-04), np.float32(1.48572235717979e-05),
      np.float32(5.12229709037114e-08), np.float32(-8.60467152213735e-11), np.float32(2.00018790482477e-13),
      np.float32(-2.76076847742355e-16))
_B = (np.float32(4.89352518554385e-03), np.float32(2.26843463243900e-03), np.float32(1.18534705686654e-04),
      np.float32(1.19825839466702e-06))


@njit(inline="always", **OPTIONS)
def _tanh(z):
    """tanh in float32 with only multiply, add and divide (so a loop of it vectorizes)."""
    x = min(max(z, -TANH_CLAMP), TANH_CLAMP)
    x2 = x * x
    p = x2 * _A[6] + _A[5]
    p = x2 * p + _A[4]
    p = x2 * p + _A[3]
    p = x2 * p + _A[2]
    p = x2 * p + _A[1]
    p = x * (x2 * p + _A[0])
    q = x2 * _B[3] + _B[2]
    q = x2 * q + _B[1]
    q = x2 * q + _B[0]
    return p / q


@njit(**OPTIONS)
def tanh_array(z):
    """``_tanh`` over an array (for the accuracy test)."""
    out = np.empty_like(z)
    for i in range(z.shape[0]):
        out[i] = _tanh(z[i])
    return out


@njit(**OPTIONS)
def _activate(code, z, y, slope):
    """y[m] = act(z[m]) for every network m; one loop per code so each vectorizes."""
    M = z.shape[0]
    if code == TANH:
        for m in range(M):
            y[m] = _tanh(z[m])
    elif code == RELU:
        for m in range(M):
            y[m] = max(z[m], np.float32(0.0))
    elif code == SIGMOID:
        for m in range(M):
            y[m] = np.float32(0.5) + np.float32(0.5) * _tanh(np.float32(0.5) * z[m])
    elif code == LEAKY:
        for m in range(M):
            y[m] = z[m] if z[m] > 0 else z[m] * slope
    else:
        for m in range(M):
            y[m] = z[m]


@njit(**OPTIONS)
def _through_activation(code, y, d, slope):
    """d[m] *= act'(.) from the outputs y (as torch's backward formulas use them)."""
    M = y.shape[0]
    if code == TANH:
        for m in range(M):
            d[m] *= np.float32(1.0) - y[m] * y[m]
    elif code == RELU:
        for m in range(M):
            d[m] = d[m] if y[m] > 0 else np.float32(0.0)
    elif code == SIGMOID:
        for m in range(M):
            d[m] *= y[m] * (np.float32(1.0) - y[m])
    elif code == LEAKY:
        for m in range(M):
            d[m] = d[m] if y[m] > 0 else d[m] * slope


@njit(inline="always", **OPTIONS)
def _exp_nonpositive(x):
    """exp(x) for x <= 0 through ``_tanh`` (vectorizes; absolute error below float32's 1e-7)."""
    h = _tanh(np.float32(0.5) * x)
    return (np.float32(1.0) + h) / (np.float32(1.0) - h)


@njit(**OPTIONS)
def _loss(loss, A, D, T, labels, idx, last, k, scale, value, top, z):
    """Each network's batch-loss gradient (mean loss) into ``D[:, last:last+k]``. ``value[m]``
    becomes the MSE loss or, for the cross-entropies, the sum of the outputs: finite exactly when
    the loss is (the only use of it here is to stop a network whose loss became NaN/inf).
    ``idx[b, m]``: the data row of network m's b-th example."""
    B, M = idx.shape
    value[:] = 0.0
    for b in range(B):
        ib = idx[b]
        if loss == CE:
            top[:] = A[b, last]
            z[:] = 0.0
            for c in range(1, k):
                out = A[b, last + c]
                for m in range(M):
                    top[m] = max(top[m], out[m])
            for c in range(k):
                out, d = A[b, last + c], D[b, last + c]
                for m in range(M):
                    value[m] += out[m]
                    d[m] = _exp_nonpositive(out[m] - top[m])
                    z[m] += d[m]
            for c in range(k):
                d = D[b, last + c]
                for m in range(M):
                    hot = np.float32(1.0) if labels[ib[m]] == c else np.float32(0.0)
                    d[m] = (d[m] / z[m] - hot) * scale
        elif loss == BCE:
            for c in range(k):
                out, d = A[b, last + c], D[b, last + c]
                for m in range(M):
                    x = out[m]
                    value[m] += x
                    d[m] = (np.float32(0.5) + np.float32(0.5) * _tanh(np.float32(0.5) * x) - T[ib[m], c]) * scale
        else:
            for c in range(k):
                out, d = A[b, last + c], D[b, last + c]
                for m in range(M):
                    e = out[m] - T[ib[m], c]
                    value[m] += e * e * scale
                    d[m] = np.float32(2.0) * e * scale


@njit(**OPTIONS)
def _batch_gradients(thetas, grads, layers, slopes, X, T, labels, idx, loss, A, D, aoff, acc, value, top, z):
    """Mean-loss gradients of every network's batch into ``grads``; their losses into ``value``."""
    L = layers.shape[0]
    B, M = idx.shape
    k = layers[L - 1, 1]
    for b in range(B):
        for i in range(X.shape[1]):
            for m in range(M):
                A[b, i, m] = X[idx[b, m], i]
    for l in range(L):
        n_in, n_out, w_off, b_off, act = layers[l, 0], layers[l, 1], layers[l, 2], layers[l, 3], layers[l, 4]
        src, dst, slope = aoff[l], aoff[l + 1], np.float32(slopes[l])
        for b in range(B):
            for j in range(n_out):
                if b_off >= 0:
                    acc[:] = thetas[b_off + j]
                else:
                    acc[:] = 0.0
                row = w_off + j * n_in
                for i in range(n_in):
                    w, a = thetas[row + i], A[b, src + i]
                    for m in range(M):
                        acc[m] += w[m] * a[m]
                _activate(act, acc, A[b, dst + j], slope)
    scale = np.float32(1.0 / B if loss == CE else 1.0 / (B * k))
    _loss(loss, A, D, T, labels, idx, aoff[L], k, scale, value, top, z)
    for l in range(L - 1, -1, -1):
        n_in, n_out, w_off, b_off, act = layers[l, 0], layers[l, 1], layers[l, 2], layers[l, 3], layers[l, 4]
        src, dst, slope = aoff[l], aoff[l + 1], np.float32(slopes[l])
        for b in range(B):
            for j in range(n_out):
                _through_activation(act, A[b, dst + j], D[b, dst + j], slope)
        for j in range(n_out):
            if b_off >= 0:
                g = grads[b_off + j]
                g[:] = 0.0
                for b in range(B):
                    d = D[b, dst + j]
                    for m in range(M):
                        g[m] += d[m]
            row = w_off + j * n_in
            for i in range(n_in):
                g = grads[row + i]
                g[:] = 0.0
                for b in range(B):
                    d, a = D[b, dst + j], A[b, src + i]
                    for m in range(M):
                        g[m] += d[m] * a[m]
        if l > 0:
            for b in range(B):
                for i in range(n_in):
                    acc[:] = 0.0
                    for j in range(n_out):
                        w, d = thetas[w_off + j * n_in + i], D[b, dst + j]
                        for m in range(M):
                            acc[m] += w[m] * d[m]
                    D[b, src + i] = acc


@njit(**OPTIONS)
def _penalty(thetas, grads, wmask, hp, pen):
    """L1/L2 of the weights (not biases) per network into ``pen``; their gradients added."""
    P, M = thetas.shape
    for m in range(M):
        pen[m] = 0.0
    for p in range(P):
        if not wmask[p]:
            continue
        w, g = thetas[p], grads[p]
        for m in range(M):
            l1, l2 = hp[H_L1, m], hp[H_L2, m]
            pen[m] += l1 * abs(w[m]) + l2 * w[m] * w[m]
            sign = 1.0 if w[m] > 0 else (-1.0 if w[m] < 0 else 0.0)
            g[m] += l1 * sign + 2.0 * l2 * w[m]


@njit(**OPTIONS)
def _clip(grads, hp, norm):
    P, M = grads.shape
    norm[:] = 0.0
    for p in range(P):
        for m in range(M):
            norm[m] += grads[p, m] * grads[p, m]
    for m in range(M):
        norm[m] = hp[H_CLIP, m] / (math.sqrt(norm[m]) + 1e-6) if hp[H_CLIP, m] > 0.0 else 1.0
        norm[m] = min(norm[m], 1.0)
    for p in range(P):
        for m in range(M):
            grads[p, m] *= norm[m]


@njit(**OPTIONS)
def _update(opt, thetas, grads, s1s, s2s, ostates, hp, lr, c1, c2):
    """One optimizer step of every network, as torch.optim's class of that code does it."""
    P, M = thetas.shape
    for m in range(M):
        ostates[m, O_STEP] += 1
    if opt == SGD:
        for m in range(M):  # c1: 1 on a network's first momentum step (the buffer is the gradient)
            c1[m] = 1.0 if ostates[m, O_BUF] == 0 else 0.0
            ostates[m, O_BUF] = 1 if hp[H_MOMENTUM, m] != 0.0 else 0
        for p in range(P):
            for m in range(M):
                g = grads[p, m] + hp[H_WD, m] * thetas[p, m]
                mu = hp[H_MOMENTUM, m]
                if mu != 0.0:
                    buf = g if c1[m] == 1.0 else s1s[p, m] * mu + g * (1.0 - hp[H_DAMPENING, m])
                    s1s[p, m] = buf
                    g = g + mu * buf if hp[H_NESTEROV, m] != 0.0 else buf
                thetas[p, m] -= lr[m] * g
    elif opt == ADAM or opt == ADAMW:
        for m in range(M):
            t = ostates[m, O_STEP]
            c1[m] = lr[m] / (1.0 - hp[H_BETA1, m] ** t)
            c2[m] = math.sqrt(1.0 - hp[H_BETA2, m] ** t)
        for p in range(P):
            for m in range(M):
                g = grads[p, m]
                if opt == ADAMW:
                    thetas[p, m] *= 1.0 - lr[m] * hp[H_WD, m]
                else:
                    g = g + hp[H_WD, m] * thetas[p, m]
                b1, b2 = hp[H_BETA1, m], hp[H_BETA2, m]
                s1s[p, m] += (g - s1s[p, m]) * (1.0 - b1)
                s2s[p, m] = s2s[p, m] * b2 + (1.0 - b2) * g * g
                thetas[p, m] -= c1[m] * (s1s[p, m] / (math.sqrt(s2s[p, m]) / c2[m] + hp[H_EPS, m]))
    elif opt == RMSPROP:
        for p in range(P):
            for m in range(M):
                g = grads[p, m] + hp[H_WD, m] * thetas[p, m]
                alpha, mu = hp[H_ALPHA, m], hp[H_MOMENTUM, m]
                s1s[p, m] = s1s[p, m] * alpha + (1.0 - alpha) * g * g
                avg = math.sqrt(s1s[p, m]) + hp[H_EPS, m]
                if mu > 0.0:
                    s2s[p, m] = s2s[p, m] * mu + g / avg
                    thetas[p, m] -= lr[m] * s2s[p, m]
                else:
                    thetas[p, m] -= lr[m] * (g / avg)
    elif opt == ADAGRAD:
        for m in range(M):
            c1[m] = lr[m] / (1.0 + (ostates[m, O_STEP] - 1) * hp[H_LR_DECAY, m])
        for p in range(P):
            for m in range(M):
                g = grads[p, m] + hp[H_WD, m] * thetas[p, m]
                s1s[p, m] += g * g
                thetas[p, m] -= c1[m] * (g / (math.sqrt(s1s[p, m]) + hp[H_EPS, m]))


@njit(**OPTIONS)
def _max_norm(thetas, layers, hp, norm):
    """Each unit's incoming weights to L2 norm <= the network's limit (``Tensor.renorm_``)."""
    M = thetas.shape[1]
    for l in range(layers.shape[0]):
        n_in, n_out, w_off = layers[l, 0], layers[l, 1], layers[l, 2]
        for j in range(n_out):
            row = w_off + j * n_in
            norm[:] = 0.0
            for i in range(n_in):
                for m in range(M):
                    norm[m] += thetas[row + i, m] * thetas[row + i, m]
            for m in range(M):
                limit, size = hp[H_MAXNORM, m], math.sqrt(norm[m])
                norm[m] = limit / (size + 1e-7) if limit > 0.0 and size > limit else 1.0
            for i in range(n_in):
                for m in range(M):
                    thetas[row + i, m] *= norm[m]


@njit(nogil=True, **OPTIONS)  # releases the GIL: the window's thread runs while it trains
def train_many(thetas, goods, kept, s1s, s2s, ostates, wmask, layers, slopes, X, T, labels, orders, batch, first, last,
               loss, opt, hp, lrs, alive, done):
    """Steps ``first``..``last - 1`` (whole epochs) of every network (columns of ``thetas`` (P, M)).

    ``orders`` (E, N, M): each network's orders of those epochs; ``hp`` (HP_SIZE, M) and ``lrs`` (steps, M):
    its settings; ``ostates`` (M, 2) its step count and momentum flag. A network whose loss (or
    L1/L2 penalty) becomes NaN/inf gets the weights of the step
    before (``goods``, kept from then on in ``kept``), ``alive[m] = False`` and ``done[m]`` = the
    steps it took; a live one ends with ``done[m] = last``. ``goods`` and ``kept`` must persist
    between calls. Stopped networks are still computed (keeping every loop branch-free) and put
    back to their kept weights after each step."""
    P, M = thetas.shape
    N = X.shape[0]
    per_epoch = (N + batch - 1) // batch
    aoff, units = offsets(layers, X.shape[1])
    A = np.empty((batch, units, M), dtype=np.float32)
    D = np.empty((batch, units, M), dtype=np.float32)
    grads = np.empty((P, M), dtype=np.float32)
    acc, top, z = np.empty(M, dtype=np.float32), np.empty(M, dtype=np.float32), np.empty(M, dtype=np.float32)
    value, pen, c1, c2 = np.empty(M), np.zeros(M), np.empty(M), np.empty(M)
    penalized, clipped, renormed = np.any(hp[H_L1] != 0) or np.any(hp[H_L2] != 0), np.any(hp[H_CLIP] > 0), \
        np.any(hp[H_MAXNORM] > 0)
    for s in range(first, last):
        e, pos = s // per_epoch - first // per_epoch, (s % per_epoch) * batch
        end = min(pos + batch, N)
        _batch_gradients(thetas, grads, layers, slopes, X, T, labels, orders[e, pos:end], loss, A, D, aoff, acc,
                         value, top, z)
        if penalized:
            _penalty(thetas, grads, wmask, hp, pen)
        for m in range(M):
            if alive[m] and not math.isfinite(value[m] + pen[m]):
                alive[m] = False
                done[m] = s
                for p in range(P):
                    kept[p, m] = goods[p, m]
        goods[:] = thetas
        if clipped:
            _clip(grads, hp, c1)
        _update(opt, thetas, grads, s1s, s2s, ostates, hp, lrs[s], c1, c2)
        if renormed:
            _max_norm(thetas, layers, hp, c1)
        for m in range(M):
            if not alive[m]:
                for p in range(P):
                    thetas[p, m] = kept[p, m]
    for m in range(M):
        if alive[m]:
            done[m] = last


def warm_up() -> None:
    """Compile (or load from the cache) ``train_many`` with the argument types the sweep passes."""
    from playground.train.fused.codes import HP_SIZE, MSE

    M, P = 2, 9
    layers = np.array([[2, 2, 0, 4, 1], [2, 1, 6, 8, 0]], dtype=np.int64)
    f = lambda: np.zeros((P, M), dtype=np.float32)  # noqa: E731
    train_many(np.full((P, M), 0.1, dtype=np.float32), f(), f(), f(), f(), np.zeros((M, 2), dtype=np.int64),
               np.ones(P, dtype=np.bool_), layers, np.zeros(2), np.ones((4, 2), dtype=np.float32),
               np.zeros((4, 1), dtype=np.float32), np.zeros(4, dtype=np.int64),
               np.zeros((1, 4, M), dtype=np.int64), 2, 0, 2, MSE, SGD, np.zeros((HP_SIZE, M)),
               np.full((2, M), 0.01), np.ones(M, dtype=np.bool_), np.zeros(M, dtype=np.int64))
