"""Sweeps: many networks in one fused call give what single torch runs give (same seeds, same
weights and losses); grid = cartesian product; random draws stay in range (log-uniform on a log
scale); k-fold validation parts partition the data; narrowing; the CLI's table and JSON rows."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
import torch

from playground.cli import main
from playground.core.errors import TrainingError
from playground.data import load
from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.train import TrainConfig, Trainer
from playground.train.fused import compiler
from playground.train.sweep import grid, kfold, narrow, parse_param, random_points, run_sweep
from playground.train.sweep.runner import Sweep, configure, fold_splits, vector_train

EPOCHS = 4


@pytest.fixture(scope="module")
def setup():
    assert compiler.wait(timeout=600), compiler.error()
    project = load_project("tfp_mlp")
    return project, load("spiral", seed=0), TrainConfig.from_dict(project.training).replace(batch_size=10)


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ENGINE", "fast")  # the suite's default is torch (tests/conftest.py)


POINTS = [{"lr": 0.03, "seed": 0}, {"lr": 0.3, "seed": 1, "width": 4}, {"optimizer": "adam", "lr": 0.01, "seed": 2},
          {"optimizer": "momentum", "lr": 0.05, "weight_decay": 0.01, "seed": 3}, {"lr": 0.1, "batch_size": 32}]


def _torch_run(project, splits, config, point, monkeypatch):
    """One configuration trained by the Trainer's torch path (torch.optim on the same batches)."""
    monkeypatch.setenv("PLAYGROUND_ENGINE", "torch")
    g, cfg = configure(project.graph, config, point, EPOCHS)
    tr = Trainer(build_module(g, seed=cfg.seed), splits, cfg.replace(device="cpu"))
    tr.fit()
    monkeypatch.setenv("PLAYGROUND_ENGINE", "fast")
    assert tr.engine == "torch"
    return tr


def test_vectorized_equals_single_torch_runs(setup, monkeypatch):
    project, splits, config = setup
    sweep = Sweep(project.graph, config, splits, POINTS, epochs=EPOCHS)
    trainers = [sweep._trainer(p, splits) for p in POINTS]
    for tr in trainers:
        assert tr._fast.plan(tr) is not None
    same = [tr for tr in trainers if tr.config.batch_size == 10 and tr.model.fc1.out_features == 8]
    results = vector_train(same)  # networks with different optimizers, lrs and seeds in one call
    assert all(r["engine"] == "vectorized" and r["epochs"] == EPOCHS for r in results)
    for tr, point in zip(same, [p for p in POINTS if p.get("batch_size", 10) == 10 and p.get("width", 8) == 8]):
        ref = _torch_run(project, splits, config, point, monkeypatch)
        for (name, a), b in zip(tr.model.named_parameters(), ref.model.parameters()):
            torch.testing.assert_close(a, b, rtol=2e-4, atol=2e-5, msg=f"{point} {name}")
    rows = run_sweep(project.graph, config, splits, POINTS, epochs=EPOCHS)
    for row, point in zip(rows, POINTS):
        assert row.engine == "vectorized" and row.status == "done" and row.epochs == EPOCHS
        if point not in (POINTS[1], POINTS[4]):  # the others' weights were checked above
            continue
        ref = _torch_run(project, splits, config, point, monkeypatch)
        x, y = ref.feeds["val"].all()
        with torch.no_grad():
            loss = float(ref.objective.loss(ref.model.eval()(x), ref.objective.target(y)))
        assert row.metrics["val_loss"] == pytest.approx(loss, rel=1e-4, abs=1e-5)


def test_unvectorizable_configs_run_sequentially(setup):
    project, splits, config = setup
    g = project.graph.copy()
    fc1 = g.by_name("fc1")
    drop = g.add_node("Dropout", params={"p": 0.5})
    tanh1 = g.by_name("tanh1")
    g.disconnect(fc1.id, tanh1.id)
    g.connect(fc1.id, drop.id)
    g.connect(drop.id, tanh1.id)
    rows = run_sweep(g, config, splits, [{"dropout": 0.1}, {"dropout": 0.3}], epochs=2)
    assert [r.engine for r in rows] == ["sequential", "sequential"] and all(r.status == "done" for r in rows)
    with pytest.raises(TrainingError, match="no Dropout layer"):
        configure(project.graph, config, {"dropout": 0.2})


def test_grid_is_the_cartesian_product():
    params = [parse_param("lr=1e-4:1:log"), parse_param("batch_size=10,32"), parse_param("optimizer=sgd,adam")]
    points = grid(params, 16)
    lrs = sorted({p["lr"] for p in points})
    assert len(lrs) == 4 and np.allclose(lrs, np.geomspace(1e-4, 1, 4))
    expected = set(itertools.product(lrs, (10, 32), ("sgd", "adam")))
    assert {(p["lr"], p["batch_size"], p["optimizer"]) for p in points} == expected and len(points) == 16


def test_random_respects_ranges_and_log_scale():
    points = random_points([parse_param("lr=1e-4:1:log"), parse_param("weight_decay=0:0.1"),
                            parse_param("width=2,4,8")], 2000, seed=3)
    lr = np.array([p["lr"] for p in points])
    wd = np.array([p["weight_decay"] for p in points])
    assert lr.min() >= 1e-4 and lr.max() <= 1 and wd.min() >= 0 and wd.max() <= 0.1
    # log-uniform: each decade holds about a quarter of the draws; uniform: each tenth of the range a tenth
    decades = np.histogram(np.log10(lr), bins=4, range=(-4, 0))[0] / len(lr)
    assert np.all(np.abs(decades - 0.25) < 0.05)
    assert np.all(np.abs(np.histogram(wd, bins=10, range=(0, 0.1))[0] / len(wd) - 0.1) < 0.04)
    assert {p["width"] for p in points} == {2, 4, 8}


@pytest.mark.parametrize("text, fix", [("lr=0:1:log", "lr="), ("lr", "NAME"), ("colour=1,2", "use one of"),
                                       ("optimizer=sgd:adam", "list"), ("batch_size=0,10", "whole number"),
                                       ("optimizer=sgd,bogus", "one of")])
def test_bad_params_say_how_to_fix(text, fix):
    with pytest.raises(TrainingError) as err:
        parse_param(text)
    assert fix in str(err.value)


def test_kfold_partitions_and_fold_splits(setup):
    n, k = 103, 5
    folds = kfold(n, k, seed=1)
    vals = np.concatenate([v for _, v in folds])
    assert sorted(vals.tolist()) == list(range(n))
    for tr, va in folds:
        assert not set(tr) & set(va) and len(tr) + len(va) == n
    _, splits, _ = setup
    parts = fold_splits(splits, 3, seed=0)
    pooled = torch.cat([splits.train.x, splits.val.x])
    got = torch.cat([p.val.x for p in parts])
    assert len(got) == len(pooled) and torch.equal(got.sort(dim=0)[0], pooled.sort(dim=0)[0])


def test_kfold_sweep_averages_folds(setup):
    project, splits, config = setup
    rows = run_sweep(project.graph, config, splits, [{"lr": 0.1}], epochs=2, folds=3)
    assert len(rows) == 1 and rows[0].epochs == 2 and math.isfinite(rows[0].metrics["val_loss"])


def test_narrow_shrinks_around_the_best():
    params = [parse_param("lr=1e-4:1:log"), parse_param("optimizer=sgd,adam,rmsprop")]
    rows = [{"settings": {"lr": lr, "optimizer": o}, "val_loss": abs(math.log10(lr) + 2) + (o != "adam")}
            for lr in np.geomspace(1e-4, 1, 9) for o in ("sgd", "adam", "rmsprop")]
    lr, opt = narrow(params, rows, "val_loss", top=3)
    assert opt.values == ("adam",)  # the three best rows all use adam
    assert 1e-4 <= lr.lo < 1e-2 < lr.hi <= 1 and lr.log and (math.log(lr.hi) - math.log(lr.lo)) < math.log(1e4)


def test_cli_sweep_writes_rows(tmp_path, capsys):
    out = tmp_path / "sweep.json"
    code = main(["sweep", "tfp_mlp", "--dataset", "spiral", "--param", "lr=1e-3:1:log", "--param", "batch_size=10,32",
                 "--trials", "4", "--search", "grid", "--epochs", "2", "--out", str(out)])
    assert code == 0
    data = json.loads(out.read_text())
    rows = data["rows"]
    assert len(rows) == 4 and {(r["settings"]["lr"], r["settings"]["batch_size"]) for r in rows} == \
        set(itertools.product([0.001, 1.0], [10, 32]))
    for r in rows:
        assert {"train_loss", "val_loss", "train_accuracy", "val_accuracy", "epochs", "seconds"} <= set(r)
        assert r["epochs"] == 2 and 0 <= r["val_accuracy"] <= 1
    assert "val_loss" in capsys.readouterr().out


def test_cli_sweep_refuses_bad_input(tmp_path, capsys):
    assert main(["sweep", "tfp_mlp", "--param", "lr=-1:1:log"]) == 1
    assert main(["sweep", "tfp_mlp"]) == 1
    assert main(["sweep", "tfp_mlp", "--param", "lr=0.1,0.2", "--out", str(tmp_path / "nope" / "x.json")]) == 1
    err = capsys.readouterr().err
    assert "lr" in err and "--param" in err and "does not exist" in err


def test_cli_help_names_every_parameter():
    from playground.cli.sweep import PARAM_NAMES
    from playground.train.sweep.space import KNOBS

    assert PARAM_NAMES.split(", ") == list(KNOBS)
