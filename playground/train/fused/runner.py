"""The fused engine bound to one Trainer: shared weights, shared optimizer state, chunks of steps.

Owns ``FastPath`` (the Trainer's hook: is the fast engine usable now, and ``chunk``, which runs
the next steps of the current epoch in compiled code) and ``Binding`` (one network's flat weight,
gradient and optimizer-state vectors). The torch parameters are made views into the flat float32
vector the kernels update in place, and the torch optimizer's state tensors views into the flat
state vectors, so the module and optimizer always hold the live network: panels, probes, exports
and checkpoints never know which path ran, and either path can take over between two steps.

Batches are the Trainer's own: the same shuffled order (``Feed.shuffle``, same generator), the same
batch size read at every chunk, the same learning rate per step (schedules included). A chunk stops
at the end of the epoch, after one step while paused or when a health probe is due, and after about
``CHUNK_S`` seconds, so Pause, Step, Stop and live changes are taken up as fast as on the torch path.
Set ``PLAYGROUND_ENGINE=torch`` to turn the fast engine off.
"""

from __future__ import annotations

import math
import os
import time

import numpy as np
import torch

from playground.train.fused import codes as K
from playground.train.fused import compiler
from playground.train.fused.plan import Plan, supports
from playground.train.history import BatchInfo

CHUNK_S = 0.02  # a chunk of steps takes about this long, so commands are read within ~20 ms
#: torch optimizer state keys held in the flat state vectors (s1, s2), per optimizer code
STATE_KEYS = {K.SGD: ("momentum_buffer", None), K.ADAM: ("exp_avg", "exp_avg_sq"),
              K.ADAMW: ("exp_avg", "exp_avg_sq"), K.RMSPROP: ("square_avg", "momentum_buffer"),
              K.ADAGRAD: ("sum", None)}


def _flat(n: int) -> tuple[torch.Tensor, np.ndarray]:
    t = torch.zeros(n, dtype=torch.float32)
    return t, t.numpy()


class Binding:
    """One network's flat vectors; its parameters become views into ``theta``."""

    def __init__(self, plan: Plan):
        self.params = plan.params
        sizes = [p.numel() for p in self.params]
        self.starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        n = int(self.starts[-1])
        (self.theta_t, self.theta), (self.grad_t, self.grad) = _flat(n), _flat(n)
        (self.s1_t, self.s1), (self.s2_t, self.s2) = _flat(n), _flat(n)
        self.good = np.zeros(n, dtype=np.float32)
        self.ostate = np.zeros(2, dtype=np.int64)
        self.steps_t = torch.zeros(len(self.params))  # torch's per-parameter "step" tensors are views of this
        self.wmask = np.zeros(n, dtype=np.bool_)
        self.views = []
        for i, p in enumerate(self.params):
            seg = slice(int(self.starts[i]), int(self.starts[i + 1]))
            self.wmask[seg] = p.dim() > 1
            self.views.append(self.theta_t[seg].view_as(p))
        pos = {id(p): i for i, p in enumerate(self.params)}
        rows = []
        for lin, (act, slope) in zip(plan.linears, plan.acts):
            b = pos[id(lin.bias)] if lin.bias is not None else None
            rows.append((lin.in_features, lin.out_features, self.starts[pos[id(lin.weight)]],
                         -1 if b is None else self.starts[b], act))
        self.layers = np.asarray(rows, dtype=np.int64).reshape(-1, 5)
        self.slopes = np.asarray([s for _, s in plan.acts], dtype=np.float64)
        self.optimizer = None
        self.opt_code = -1
        self.take_weights()

    def seg(self, i: int) -> slice:
        return slice(int(self.starts[i]), int(self.starts[i + 1]))

    def take_weights(self) -> None:
        """Make every parameter a view of ``theta`` again (copying its values) where it is not one."""
        for i, p in enumerate(self.params):
            if p.data_ptr() != self.views[i].data_ptr():
                with torch.no_grad():
                    self.theta_t[self.seg(i)].copy_(p.detach().reshape(-1))
                p.data = self.views[i]

    def take_state(self, optimizer, code: int) -> None:
        """Read the torch optimizer's state into the flat vectors (unless they are already its)."""
        keys = STATE_KEYS[code]
        first = optimizer.state.get(self.params[0], {})
        if optimizer is self.optimizer and code == self.opt_code and all(
                k is None or first.get(k) is None or first.get(k).data_ptr() == getattr(self, f"s{j + 1}_t")
                [self.seg(0)].data_ptr() for j, k in enumerate(keys)):
            step = first.get("step")
            self.ostate[K.O_STEP] = int(step) if step is not None else 0
            return
        self.optimizer, self.opt_code = optimizer, code
        self.s1.fill(0.0)
        self.s2.fill(0.0)
        self.ostate[:] = 0
        for i, p in enumerate(self.params):
            state = optimizer.state.get(p, {})
            for j, key in enumerate(keys):
                value = state.get(key) if key else None
                if value is not None:
                    getattr(self, f"s{j + 1}_t")[self.seg(i)].copy_(value.detach().reshape(-1))
                    if key == "momentum_buffer" and code == K.SGD:
                        self.ostate[K.O_BUF] = 1
            if i == 0 and state.get("step") is not None:
                self.ostate[K.O_STEP] = int(state["step"])

    def give_state(self, optimizer, code: int) -> None:
        """Make the torch optimizer's state tensors views of the flat vectors (after a chunk)."""
        keys = STATE_KEYS[code]
        t = int(self.ostate[K.O_STEP])
        self.steps_t.fill_(float(t))
        group = optimizer.param_groups[0]
        for i, p in enumerate(self.params):
            state = optimizer.state[p]
            for j, key in enumerate(keys):
                if key is None or (key == "momentum_buffer" and not (
                        (code == K.SGD and self.ostate[K.O_BUF]) or (code == K.RMSPROP and group["momentum"] > 0))):
                    continue
                view = getattr(self, f"s{j + 1}_t")[self.seg(i)].view_as(p)
                if state.get(key) is None or state[key].data_ptr() != view.data_ptr():
                    state[key] = view
            if code != K.SGD and (state.get("step") is None or state["step"].data_ptr() != self.steps_t[i].data_ptr()):
                state["step"] = self.steps_t[i]

    def grads_to_torch(self) -> None:
        """Show the last step's gradient as ``p.grad`` (for the health probe)."""
        for i, p in enumerate(self.params):
            p.grad = self.grad_t[self.seg(i)].view_as(p)


def detail_step(tr) -> int | None:
    """The next step at which a callback reads that step's own gradient and update (a callback with
    ``next_detail_step()``, e.g. ``train.recorder.RunRecorder``), or None. The torch loop gives
    every step that detail; a chunk of fused steps gives it only to the step it ends on."""
    steps = [cb.next_detail_step() for cb in tr.callbacks if hasattr(cb, "next_detail_step")]
    steps = [s for s in steps if s is not None]
    return min(steps) if steps else None


def allowed() -> bool:
    """Whether the fast engine may run at all (``PLAYGROUND_ENGINE=torch`` turns it off everywhere:
    single runs and sweeps)."""
    return os.environ.get("PLAYGROUND_ENGINE", "").lower() != "torch"

class FastPath:
    """The Trainer's fast engine: ``chunk`` runs steps, or returns None when torch must run them."""

    def __init__(self):
        self.enabled = allowed()
        self.reason: str | None = None if self.enabled else "turned off (PLAYGROUND_ENGINE=torch)"
        self.used = False  # the last chunk ran here
        self._key = None
        self._plan: Plan | None = None
        self._binding: Binding | None = None
        self._data = None
        self._hp = np.zeros(K.HP_SIZE)
        self._per_step = 1e-5  # seconds per step, measured

    # ---- deciding
    def plan(self, tr) -> Plan | None:
        """The current plan (re-checked when the optimizer or settings changed), None with a reason."""
        if not self.enabled:
            return None
        key = (id(tr.optimizer), id(tr.config), id(tr.model))
        if key != self._key:
            self._key = key
            self._plan, self.reason = supports(tr)
            if self._plan is not None and (self._binding is None or self._binding.params != self._plan.params):
                self._binding, self._data = Binding(self._plan), None
            elif self._plan is not None:  # same weights: keep the binding, take the new activations/slopes
                self._binding.slopes[:] = [s for _, s in self._plan.acts]
                self._binding.layers[:, 4] = [a for a, _ in self._plan.acts]
        if self._plan is None:
            return None
        if not compiler.ready():
            compiler.start()
            self.reason = "compiling" if compiler.error() is None else f"the compiler failed: {compiler.error()}"
            return None
        self.reason = None
        return self._plan

    # ---- data, precomputed once: the input layers' features, targets, labels
    def _split(self, tr, feed):
        with torch.no_grad():
            x = feed.x
            for m in self._plan.prefix:
                x = m(x)
            X = np.ascontiguousarray(x.reshape(len(x), -1).float().numpy())
        k = int(self._binding.layers[-1, 1])
        if self._plan.loss == K.CE:
            T, labels = np.zeros((len(X), k), dtype=np.float32), feed.y.numpy().astype(np.int64)
        else:
            T = np.ascontiguousarray(feed.target.reshape(len(X), -1).float().numpy())
            labels = np.zeros(len(X), dtype=np.int64)
        return X, T, labels

    def data(self, tr):
        if self._data is None:
            self._data = self._split(tr, tr.train_feed)
            self._inputs = {}
        return self._data

    def outputs(self, tr, split: str) -> torch.Tensor:
        """The network's outputs for a whole split, from the kernel (what ``model_outputs`` gives)."""
        from playground.train.fused import kernels

        self.data(tr)
        if split not in self._inputs:
            self._inputs[split] = self._split(tr, tr.feeds[split])[0]
        b = self._binding
        return torch.from_numpy(kernels.predict(b.theta, b.layers, b.slopes, self._inputs[split]))

    # ---- running
    def _hyper(self, tr) -> np.ndarray:
        g, cfg, hp = tr.optimizer.param_groups[0], tr.config, self._hp
        hp[K.H_MOMENTUM] = g.get("momentum", 0.0)
        hp[K.H_NESTEROV] = float(bool(g.get("nesterov", False)))
        hp[K.H_BETA1], hp[K.H_BETA2] = g.get("betas", (0.9, 0.999))
        hp[K.H_EPS] = g.get("eps", 0.0)
        hp[K.H_ALPHA] = g.get("alpha", 0.0)
        hp[K.H_WD] = g.get("weight_decay", 0.0)
        hp[K.H_L1], hp[K.H_L2] = cfg.l1, cfg.l2
        hp[K.H_CLIP], hp[K.H_MAXNORM] = cfg.grad_clip or 0.0, cfg.max_norm or 0.0
        hp[K.H_LR_DECAY] = g.get("lr_decay", 0.0)
        hp[K.H_DAMPENING] = g.get("dampening", 0.0)
        return hp

    def _lrs(self, tr, steps: int) -> np.ndarray:
        if tr._schedule is None:
            return np.full(steps, tr.optimizer.param_groups[0]["lr"])
        out = np.empty(steps)
        for i in range(steps):  # the Trainer's own schedule, step by step
            out[i] = tr.optimizer.param_groups[0]["lr"]
            tr._set_lr(tr.step_count + i + 1)
        return out

    def chunk(self, tr, pos: int, epoch_outs: list):
        """Run the next steps of this epoch from ``pos``. Returns None (torch runs the step) or
        (steps, data losses, penalties, outputs (steps' rows), nan value or None)."""
        plan = self.plan(tr)
        self.used = plan is not None
        if plan is None:
            return None
        from playground.train.fused import kernels  # compiled by now

        b, feed, cfg = self._binding, tr.train_feed, tr.config
        X, T, labels = self.data(tr)
        n, batch = len(X), int(cfg.batch_size)
        left = math.ceil((n - pos) / batch)
        health = tr._health_pending
        steps = 1 if (tr._paused or health) else max(1, min(left, int(CHUNK_S / self._per_step)))
        detail = detail_step(tr)  # a callback measures this step's gradient and update (the recorder)
        if detail is not None and detail > tr.step_count:
            # end the chunk just before it (the callback copies the weights there), then run it alone
            steps = 1 if detail == tr.step_count + 1 else min(steps, detail - tr.step_count - 1)
        b.take_weights()
        b.take_state(tr.optimizer, plan.optimizer)
        if pos == 0 or not epoch_outs or epoch_outs[0] is not feed._order:
            epoch_outs[:] = [feed._order, feed._order.numpy()[None], np.empty((1, n, int(b.layers[-1, 1])), np.float32)]
        _, orders, outs = epoch_outs
        before = tr._health_before(feed.batch(pos, batch)[0]) if health else None
        lrs = self._lrs(tr, steps)
        losses, pens = np.empty(steps), np.empty(steps)
        t0 = time.perf_counter()
        done, nan = kernels.train_steps(b.theta, b.grad, b.good, b.s1, b.s2, b.ostate, b.wmask, b.layers, b.slopes,
                                        X, T, labels, orders, pos, batch, steps, plan.loss, plan.optimizer,
                                        self._hyper(tr), lrs, losses, pens, outs)
        if done:
            self._per_step = 0.7 * self._per_step + 0.3 * (time.perf_counter() - t0) / done
        b.give_state(tr.optimizer, plan.optimizer)
        if tr._schedule is not None and done < steps:
            tr._set_lr(tr.step_count + done)
        if done and (before is not None or (detail is not None and tr.step_count + done == detail)):
            b.grads_to_torch()  # the last step's gradient, as the torch loop leaves it in p.grad
        end = min(n, pos + done * batch)
        return done, losses[:done], pens[:done], outs[0, pos:end], lrs, (losses[done] if nan else None), before


def replay_batches(tr, hooks, first_step: int, pos: int, n: int, batch: int, sizes, losses, pens, lrs,
                   batch_no: int) -> None:
    """``on_batch_end`` for each step a chunk ran, with the numbers the torch loop would have given
    (the samples/s meter read once per chunk: its steps ended within a few milliseconds). A callback
    with ``next_detail_step`` (the recorder) is called only from the step before that one: at the
    others it has nothing to do, and 100,000 calls that return at once cost ~10 % of a fast run."""
    rate = tr.throughput.rate()
    scheduled = tr._schedule is not None
    lr = tr.optimizer.param_groups[0]["lr"]
    epoch, left = tr.epoch + 1, math.ceil((n - pos) / batch)
    due = [cb.next_detail_step() if hasattr(cb, "next_detail_step") else None for cb in hooks]
    for i, size in enumerate(sizes):
        step = first_step + i + 1
        info = BatchInfo(step, epoch, batch_no + i + 1, batch_no + left, size, float(losses[i]),
                         float(pens[i]), float(lrs[i + 1]) if scheduled and i + 1 < len(lrs) else lr, rate)
        for k, cb in enumerate(hooks):
            if due[k] is not None and step + 1 < due[k]:
                continue
            cb.on_batch_end(tr, info)
            if due[k] is not None:
                due[k] = cb.next_detail_step()


def take_chunk(tr, ran, pos: int, n: int, outs: list, ys: list, sizes: list, hooks: list, batch_no: int, t0: float):
    """Book a chunk's steps the way the torch loop books each step: counters, per-step losses, the
    outputs for the epoch's training metrics, the health probe, then ``on_batch_end`` per step.
    Returns (new position, batches done, penalty sum, seconds, non-finite loss or None)."""
    done, losses, pens, out, lrs, bad, health = ran
    batch = int(tr.config.batch_size)
    chunk_sizes = [min(batch, n - pos - i * batch) for i in range(done)]
    end = pos + sum(chunk_sizes)
    tr.step_count += done
    tr.history.step_loss.extend(losses.tolist())
    if done:
        outs.append(torch.from_numpy(out))  # (steps' rows, k): a view of this epoch's own buffer
        ys.append(tr.train_feed._epoch[1][pos:end])
        sizes.extend(chunk_sizes)
    now = time.perf_counter()
    seconds = now - t0
    tr.throughput.tick(now - tr._paused_seconds, tr.samples_seen + end)  # the same wall-clock meter as the torch loop
    if health is not None and done:
        tr._health_after(health)
    if hooks:
        replay_batches(tr, hooks, tr.step_count - done, pos, n, batch, chunk_sizes, losses, pens, lrs, batch_no)
    return end, batch_no + done, float(pens.sum()), seconds, bad


def run_epochs(tr, epochs: int) -> np.ndarray:
    """``epochs`` whole epochs in ONE kernel call, with the Trainer's shuffling and settings but none
    of its per-epoch bookkeeping (no metrics, records or callbacks): the engine's own speed, and the
    building block for running many epochs (or, later, many networks) per call. Returns the per-step
    data losses; the weights and optimizer state end up in the Trainer's module and optimizer."""
    from playground.train.fused import kernels

    fast = tr._fast
    plan = fast.plan(tr)
    if plan is None:
        raise RuntimeError(f"the fast engine cannot run this: {fast.reason}")
    b, (X, T, labels) = fast._binding, fast.data(tr)
    n, batch = len(X), int(tr.config.batch_size)
    orders = np.stack([torch.randperm(n, generator=tr._generator).numpy() for _ in range(epochs)])  # (E, N)
    steps = epochs * math.ceil(n / batch)
    b.take_weights()
    b.take_state(tr.optimizer, plan.optimizer)
    losses, pens = np.empty(steps), np.empty(steps)
    outs = np.empty((epochs, n, int(b.layers[-1, 1])), np.float32)
    done, _ = kernels.train_steps(b.theta, b.grad, b.good, b.s1, b.s2, b.ostate, b.wmask, b.layers, b.slopes,
                                  X, T, labels, orders, 0, batch, steps, plan.loss, plan.optimizer,
                                  fast._hyper(tr), fast._lrs(tr, steps), losses, pens, outs)
    b.give_state(tr.optimizer, plan.optimizer)
    tr.step_count += done
    tr.epoch += epochs
    return losses[:done]
