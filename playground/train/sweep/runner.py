"""Running a sweep: every configuration trained, one result row each, small networks many at once.

Owns ``APPLY`` (a table: sweep setting -> how it changes the project's graph or training config),
``configure`` (one point -> graph + TrainConfig), ``SweepRow`` and ``run_sweep``. Each
configuration gets its own Trainer (the same model, seed, optimizer, data feeds and shuffling as a
single run of it). Those the fused engine can train (``fused/plan.py``; no dropout, no early
stopping) are grouped by layout and batch size and trained side by side by ``fused/many.py``, one
kernel call per optimizer and chunk of epochs (the network index innermost, so the arithmetic runs
on several networks per SIMD instruction; each with its own learning rate, settings and seed);
the rest run one by one through ``Trainer.fit``. Both end the same way: final train and validation
loss/accuracy from one pass over each split. With ``folds`` = K, training + validation data are
pooled and cut into K folds (``space.kfold``); a row holds the mean over the K runs.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np
import torch

from playground.core.errors import TrainingError
from playground.train.config import TrainConfig
from playground.train.engine import Trainer
from playground.train.evaluation import model_outputs, split_metrics
from playground.train.fused import compiler
from playground.train.fused.codes import O_STEP
from playground.train.sweep.space import kfold
from playground.train.threads import threads_for

GROUP = 64  # networks trained side by side (the more, the fuller each SIMD instruction)
CHUNK_EPOCHS = 20  # epochs per kernel call: Cancel is taken up between calls
METRICS = ("train_loss", "train_accuracy", "val_loss", "val_accuracy")


def _hidden_linears(graph) -> list:
    """The Linear nodes except the last one on the way to the output (its units are the classes)."""
    order = [graph.node(i) for i in graph.topological_order()]
    linears = [n for n in order if n.kind == "Linear"]
    return linears[:-1]


def _set_width(graph, cfg: dict, value) -> None:
    nodes = _hidden_linears(graph)
    if not nodes:
        raise TrainingError("the network has no hidden Linear layer to widen", where="sweep width",
                            fix="add a Linear layer before the output one, or drop width from the sweep")
    for node in nodes:
        graph.set_param(node.id, "units", int(value))


def _set_init(graph, cfg: dict, value) -> None:
    for node in graph.nodes.values():
        if "weight_init" in node.params:
            graph.set_param(node.id, "weight_init", value)


def _set_dropout(graph, cfg: dict, value) -> None:
    nodes = [n for n in graph.nodes.values() if n.kind.startswith("Dropout")]
    if not nodes:
        raise TrainingError("the network has no Dropout layer", where="sweep dropout",
                            fix="add a Dropout layer to the network, or drop dropout from the sweep")
    for node in nodes:
        graph.set_param(node.id, "p", float(value))


def _set_config(key: str) -> Callable:
    def apply(graph, cfg: dict, value) -> None:
        cfg[key] = value
    return apply


def _set_weight_decay(graph, cfg: dict, value) -> None:
    cfg["_weight_decay"] = float(value)  # placed once the optimizer is known: ``_place_weight_decay``


def _place_weight_decay(changes: dict, optimizer: str) -> None:
    """The optimizer's own ``weight_decay`` where it has one (AdamW), else the same pull on the
    weights as an L2 penalty: l2 = wd / 2 (gradient wd * w, on weights, not biases)."""
    from playground.train.optimizers import get_optimizer

    wd = changes.pop("_weight_decay", None)
    if wd is None:
        return
    if "weight_decay" in get_optimizer(optimizer).params:
        changes["optimizer_params"] = {**changes["optimizer_params"], "weight_decay": wd}
    else:
        changes["l2"] = wd / 2


#: sweep setting -> apply(graph copy, config changes, value)
APPLY: dict[str, Callable] = {
    "lr": _set_config("lr"), "batch_size": _set_config("batch_size"), "optimizer": _set_config("optimizer"),
    "seed": _set_config("seed"), "l2": _set_config("l2"), "weight_decay": _set_weight_decay,
    "width": _set_width, "init": _set_init, "dropout": _set_dropout,
}


def configure(graph, config: TrainConfig, point: dict, epochs: int | None = None):
    """The graph (a copy, when a setting changes it) and TrainConfig of one point."""
    g = graph.copy()
    changes: dict[str, Any] = {"optimizer_params": dict(config.optimizer_params)}
    for name, value in point.items():
        APPLY[name](g, changes, value)
    if changes.get("optimizer", config.optimizer) != config.optimizer:
        changes["optimizer_params"] = {}  # another optimizer's settings may not fit this one
    _place_weight_decay(changes, changes.get("optimizer", config.optimizer))
    if epochs is not None:
        changes["epochs"] = int(epochs)
    return g, config.replace(**changes)


@dataclass
class SweepRow:
    """One configuration's settings and results."""

    index: int
    settings: dict
    metrics: dict = field(default_factory=dict)  # train_loss, train_accuracy, val_loss, val_accuracy
    epochs: int = 0
    seconds: float = 0.0
    engine: str = ""  # "vectorized" (many networks per kernel call) or "sequential" (Trainer.fit)
    status: str = "done"  # "done", "diverged" (NaN/inf loss) or "error: ..."

    def to_dict(self) -> dict:
        return {"index": self.index, "settings": dict(self.settings), **self.metrics, "epochs": self.epochs,
                "seconds": self.seconds, "engine": self.engine, "status": self.status}


def fold_splits(splits, k: int, seed: int) -> list:
    """K copies of ``splits`` whose validation parts partition the pooled train + validation data."""
    from playground.data.splits import TensorSplit, statistics

    x = torch.cat([splits.train.x, splits.val.x])
    y = torch.cat([splits.train.y, splits.val.y])
    scale = splits.train.scale
    out = []
    for i, (tr, va) in enumerate(kfold(len(y), k, seed)):
        tr, va = torch.from_numpy(tr), torch.from_numpy(va)
        mean, std = statistics(x[tr], splits.kind, scale)
        out.append(replace(splits, train=TensorSplit(x[tr], y[tr], scale=scale, mean=mean, std=std, seed=seed + i),
                           val=TensorSplit(x[va], y[va], scale=scale, mean=mean, std=std, seed=seed + i + 1),
                           mean=mean, std=std))
    return out


def _final(tr: Trainer, fused: bool = False) -> dict:
    """Final train and validation loss/accuracy: one pass over each split, through the fused
    kernel's forward pass when ``fused`` (the same network, without torch's per-call cost), else
    through torch on one thread for a small model (on a busy machine two threads' wake-ups cost
    10x the arithmetic)."""
    out = {}
    for split in ("train", "val"):
        feed = tr.feeds[split]
        if not len(feed):
            continue
        x, y = feed.all()
        with torch.no_grad(), threads_for(tr.model):
            outputs = tr._fast.outputs(tr, split) if fused else model_outputs(tr.model, x)
            m = split_metrics(tr.objective, outputs, y)
        out[f"{split}_loss"] = m.loss if math.isfinite(m.loss) else None
        out[f"{split}_accuracy"] = m.accuracy
    return out


class Sweep:
    """Trains ``points`` of ``project``'s settings on ``splits``; ``run`` yields finished rows."""

    def __init__(self, graph, config: TrainConfig, splits, points: list[dict], *, epochs: int | None = None,
                 folds: int = 0, vectorize: bool = True):
        from playground.nn.build import build_module

        self._build = build_module
        self.graph, self.config, self.points = graph, config, points
        self.epochs = epochs
        self.fold_data = fold_splits(splits, folds, config.seed) if folds and folds > 1 else [splits]
        from playground.train.fused.runner import allowed

        self.vectorize = vectorize and allowed()  # PLAYGROUND_ENGINE=torch: every row through the torch path

    def _trainer(self, point: dict, splits) -> Trainer:
        g, cfg = configure(self.graph, self.config, point, self.epochs)
        cfg = cfg.replace(device="cpu", early_stopping=False) if self.vectorize else cfg.replace(device="cpu")
        return Trainer(self._build(g, seed=cfg.seed), splits, cfg)

    def run(self, cancel: Callable[[], bool] = lambda: False, status: Callable[[str | None], None] | None = None):
        """Yield each finished ``SweepRow`` (vectorized groups first, then the rest one by one).
        ``status`` hears what happens before the first row (None: that is over)."""
        if self.vectorize:
            prepare_engine(status)
        jobs = []  # (point index, fold index, trainer)
        for i, point in enumerate(self.points):
            for f, splits in enumerate(self.fold_data):
                try:
                    jobs.append((i, f, self._trainer(point, splits)))
                except Exception as exc:  # noqa: BLE001 - a bad point is a row that says so
                    yield SweepRow(i, dict(point), status=f"error: {exc}")
                    break
        partial: dict[int, list] = {}
        for job, result in self._results(jobs, cancel):
            i = job[0]
            partial.setdefault(i, []).append(result)
            if len(partial[i]) == len(self.fold_data):
                yield self._row(i, partial.pop(i))

    def _row(self, i: int, results: list) -> SweepRow:
        row = SweepRow(i, dict(self.points[i]), epochs=results[0]["epochs"], engine=results[0]["engine"],
                       seconds=sum(r["seconds"] for r in results))
        for name in METRICS:
            vals = [r["metrics"].get(name) for r in results]
            row.metrics[name] = float(np.mean(vals)) if vals and all(v is not None for v in vals) else None
        row.status = "diverged" if any(r["diverged"] for r in results) else "done"
        return row

    def _results(self, jobs, cancel):
        groups: dict[tuple, list] = {}
        rest = []
        for job in jobs:
            tr = job[2]
            plan = tr._fast.plan(tr) if self.vectorize else None
            if plan is None or tr._schedule is not None:
                rest.append(job)
                continue
            b = tr._fast._binding
            key = (job[1], b.layers.tobytes(), b.slopes.tobytes(), int(tr.config.batch_size), plan.loss)
            groups.setdefault(key, []).append(job)
        for members in groups.values():
            for start in range(0, len(members), GROUP):
                if cancel():
                    return
                chunk = members[start:start + GROUP]
                results = vector_train([tr for _, _, tr in chunk], cancel)
                if results is None:
                    return
                yield from zip(chunk, results)
        for job in rest:
            if cancel():
                return
            yield job, sequential_train(job[2])


def sequential_train(tr: Trainer) -> dict:
    t0 = time.perf_counter()
    result = tr.fit()
    return {"metrics": _final(tr), "epochs": tr.epoch, "seconds": time.perf_counter() - t0,
            "engine": "sequential", "diverged": result.reason == "nan"}


def vector_train(trainers: list[Trainer], cancel: Callable[[], bool] = lambda: False) -> list[dict] | None:
    """Train Trainers of one layout and batch size together (``fused.many``; one group per
    optimizer); each ends with the weights and optimizer state a single run of it would leave.
    None when ``cancel`` said so between two chunks of steps."""
    results: list = [None] * len(trainers)
    by_optimizer: dict[int, list[int]] = {}
    for i, tr in enumerate(trainers):
        by_optimizer.setdefault(tr._fast._plan.optimizer, []).append(i)
    for code, members in by_optimizer.items():
        got = _train_together([trainers[i] for i in members], code, cancel)
        if got is None:
            return None
        for i, r in zip(members, got):
            results[i] = r
    return results


def _columns(rows) -> np.ndarray:
    """Per-network rows stacked with the network index last (what ``train_many`` vectorizes over)."""
    return np.ascontiguousarray(np.stack(rows, axis=-1))


def _train_together(trainers: list[Trainer], code: int, cancel) -> list[dict] | None:
    from playground.train.fused.many import train_many

    t0 = time.perf_counter()
    first = trainers[0]
    fast0, epochs = first._fast, int(first.config.epochs)
    X, T, labels = fast0.data(first)
    n, batch = len(X), int(first.config.batch_size)
    per_epoch = math.ceil(n / batch)
    steps = epochs * per_epoch
    binds = [tr._fast._binding for tr in trainers]
    for tr, b in zip(trainers, binds):
        b.take_weights()
        b.take_state(tr.optimizer, code)
    thetas, s1s, s2s = (_columns([getattr(b, name) for b in binds]) for name in ("theta", "s1", "s2"))
    ostates = np.stack([b.ostate for b in binds])
    steps_before = ostates[:, O_STEP].copy()
    goods, kept = thetas.copy(), np.zeros_like(thetas)  # "last good" before the first step: the start
    for tr in trainers[1:]:  # one copy of the data's features for the group (same data, same input layer)
        tr._fast._data, tr._fast._inputs = fast0._data, fast0._inputs
    hps = _columns([tr._fast._hyper(tr).copy() for tr in trainers])
    lrs = _columns([tr._fast._lrs(tr, steps) for tr in trainers])
    M = len(trainers)
    alive, done = np.ones(M, dtype=np.bool_), np.zeros(M, dtype=np.int64)
    for e0 in range(0, epochs, CHUNK_EPOCHS):
        if cancel():
            return None
        e1 = min(e0 + CHUNK_EPOCHS, epochs)  # each network's own shuffles, drawn as its Trainer draws them
        orders = _columns([np.stack([torch.randperm(n, generator=tr._generator).numpy() for _ in range(e0, e1)])
                           for tr in trainers])
        train_many(thetas, goods, kept, s1s, s2s, ostates, binds[0].wmask, binds[0].layers, binds[0].slopes, X, T,
                   labels, orders, batch, e0 * per_epoch, e1 * per_epoch, fast0._plan.loss, code, hps, lrs, alive,
                   done)
    seconds = (time.perf_counter() - t0) / M
    results = []
    for m, (tr, b) in enumerate(zip(trainers, binds)):
        if not alive[m]:  # a stopped network took only its steps before the NaN
            ostates[m, O_STEP] = steps_before[m] + done[m]
        b.theta[:], b.s1[:], b.s2[:], b.ostate[:] = thetas[:, m], s1s[:, m], s2s[:, m], ostates[m]
        b.give_state(tr.optimizer, code)
        tr.step_count += int(done[m])
        finished = int(done[m]) // per_epoch if not alive[m] else epochs
        tr.epoch += finished
        results.append({"metrics": _final(tr, fused=True), "epochs": finished, "seconds": seconds, "engine": "vectorized",
                        "diverged": not bool(alive[m])})
    return results


def prepare_engine(status: Callable[[str | None], None] | None = None) -> None:
    """Compile (or load from numba's cache) the kernels a vectorized sweep uses, in this thread."""
    global _prepared
    if _prepared:
        return
    if status is not None:
        status(PREPARING)
    compiler.wait()
    from playground.train.fused import many

    many.warm_up()
    _prepared = True
    if status is not None:
        status(None)


_prepared = False
PREPARING = ("Preparing the fast engine for many networks at once (compiled once after an install, about half "
             "a minute; later it loads in a second)…")


def run_sweep(graph, config: TrainConfig, splits, points: list[dict], *, epochs: int | None = None, folds: int = 0,
              vectorize: bool = True, progress: Callable[[SweepRow, int, int], None] | None = None,
              cancel: Callable[[], bool] = lambda: False, status: Callable[[str | None], None] | None = None
              ) -> list[SweepRow]:
    """All rows of a sweep, in the order of ``points``; ``progress(row, done, total)`` after each;
    ``status(text)`` while the engine is being prepared and ``status(None)`` when it is ready."""
    rows = []
    for row in Sweep(graph, config, splits, points, epochs=epochs, folds=folds, vectorize=vectorize).run(cancel,
                                                                                                           status):
        rows.append(row)
        if progress is not None:
            progress(row, len(rows), len(points))
    return sorted(rows, key=lambda r: r.index)
