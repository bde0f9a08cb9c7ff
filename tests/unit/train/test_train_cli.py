"""`playground train` end to end on the tfp_mlp preset: progress, summary, --out JSON, clear failures."""

import json
from pathlib import Path

import pytest

from playground.cli import main
from playground.cli import train as train_cli
from playground.train import LOSSES, OPTIMIZERS
from playground.graph.project import PRESETS_DIR

PRESETS = PRESETS_DIR


def test_train_a_preset_and_write_the_run(tmp_path, capsys):
    out = tmp_path / "run.json"
    code = main(["train", "tfp_mlp", "--dataset", "spiral", "--epochs", "2", "--batch-size", "16", "--lr", "0.1",
                 "--optimizer", "momentum", "--seed", "3", "--device", "cpu", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "epoch 1/2: train loss" in captured.err and "epoch 2/2" in captured.err
    assert "test: accuracy" in captured.out and "samples/s" in captured.out
    run = json.loads(out.read_text())
    assert run["config"]["epochs"] == 2 and run["config"]["lr"] == 0.1 and run["config"]["optimizer"] == "momentum"
    assert run["config"]["seed"] == 3 and run["dataset"]["name"] == "spiral"
    assert [e["epoch"] for e in run["epochs"]] == [1, 2]
    for key in ("train_loss", "train_accuracy", "val_loss", "val_accuracy"):
        assert isinstance(run["epochs"][-1][key], float)
    test = run["test"]
    assert 0 <= test["accuracy"] <= 1 and test["loss"] > 0
    assert len(test["confusion_matrix"]) == 2 and sum(map(sum, test["confusion_matrix"])) == run["dataset"]["test"]
    assert len(test["precision"]) == 2 and 0 <= test["auc_macro"] <= 1
    assert run["samples_per_s"] > 0 and run["reason"] == "finished"


def test_same_seed_same_run_from_the_command_line(tmp_path):
    runs = []
    for name in ("a", "b"):
        assert main(["train", "tfp_mlp", "--dataset", "moons", "--epochs", "1", "--out", str(tmp_path / name)]) == 0
        runs.append(json.loads((tmp_path / name).read_text()))
    assert runs[0]["epochs"][0]["train_loss"] == runs[1]["epochs"][0]["train_loss"]


@pytest.mark.parametrize("argv,words", [
    (["tfp_mlp", "--dataset", "nope"], "unknown dataset 'nope'"),
    (["tfp_mlp", "--optimizer", "lbfgs"], "unknown optimizer 'lbfgs'"),
    (["tfp_mlp", "--dataset", "iris"], "takes examples of 2 values, but dataset 'Iris"),
    (["lenet5", "--dataset", "spiral"], "takes examples of 1x28x28, but dataset 'Spiral (2-D)' has examples of 2 values"),
    (["tfp_mlp", "--dataset", "shapes"], "has examples of 1x28x28"),
    (["tfp_mlp", "--dataset", "sine"], "Vector input of 1 value"),
    (["tfp_mlp", "--seed", str(2**63)], "'seed' must be a whole number from 0 to 9223372036854775807"),
    (["tfp_mlp", "--loss", "cross_entropy", "--dataset", "plane"], "classification loss"),
    (["no_such_preset"], "no_such_preset"),
])
def test_user_mistakes_exit_1_with_one_line(argv, words, capsys):
    assert main(["train", *argv, "--epochs", "1"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: ") and words in err[-1]


def test_nan_stop_exits_1_and_still_writes_the_run(tmp_path, capsys):
    out = tmp_path / "nan.json"
    assert main(["train", "tfp_mlp", "--dataset", "plane", "--lr", "1e6", "--epochs", "3", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "the loss became" in err and "the learning rate 1e+06 is probably too high" in err
    run = json.loads(out.read_text())
    assert run["reason"] == "nan" and run["test"] is None


def test_invalid_graph_exits_1(tmp_path, capsys):
    data = json.loads((PRESETS / "tfp_mlp.json").read_text())
    data["graph"]["edges"] = data["graph"]["edges"][:-1]  # the last layer loses its input
    path = tmp_path / "broken.pgproj"
    path.write_text(json.dumps(data))
    assert main(["train", str(path), "--epochs", "1"]) == 1
    err = capsys.readouterr().err
    assert "the network is not valid" in err and "'fc3' has no input" in err


def test_help_lists_every_optimizer_and_loss():
    assert train_cli.OPTIMIZER_NAMES.split(", ") == list(OPTIMIZERS)
    assert train_cli.LOSS_NAMES.split(", ") == ["auto", *LOSSES]
