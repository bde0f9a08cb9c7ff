"""`playground train` and the command line with bad arguments (issue 12, defects 9 and 10).

The data seed: two projects differing only in ``dataset.seed`` train on different data (as in the
app, whose path ``data.load_settings`` is the reference) and the same seed gives the same run.
Bad ``--out`` places are refused before training; a mistyped subcommand is argparse's
"invalid choice", not the app.
"""

import json
import os

import pytest
import torch

from playground.cli import main
from playground.cli.train import _dataset
from playground.data import load_settings
from playground.graph.project import load_project, save_project


def _project_with_data_seed(tmp_path, seed, name):
    project = load_project("perceptron")
    project.dataset = {**project.dataset, "seed": seed}
    project.training = {**project.training, "seed": 0, "epochs": 1}
    return save_project(project, tmp_path / f"{name}.pgproj")


def _run(tmp_path, path, name):
    out = tmp_path / f"{name}.json"
    assert main(["train", str(path), "--out", str(out)]) == 0
    return json.loads(out.read_text())["epochs"][0]["train_loss"]


def test_dataset_seed_decides_the_data_like_the_app(tmp_path):
    paths = {name: _project_with_data_seed(tmp_path, seed, name) for name, seed in (("a", 1), ("b", 2), ("c", 1))}
    data = {}
    for name, path in paths.items():
        project = load_project(path)
        cli = _dataset(project, None, seed=0)
        app = load_settings(project.dataset, 0)  # what the app's Play loads
        torch.testing.assert_close(cli.train.batch(torch.arange(8), augment=False)[0],
                                   app.train.batch(torch.arange(8), augment=False)[0])
        data[name] = cli.train.batch(torch.arange(len(cli.train)), augment=False)[0]
    assert not torch.equal(data["a"], data["b"])
    assert torch.equal(data["a"], data["c"])
    losses = {name: _run(tmp_path, path, name) for name, path in paths.items()}
    assert losses["a"] != losses["b"] and losses["a"] == losses["c"]


def test_out_is_checked_before_training(tmp_path, capsys):
    cases = [(tmp_path, "is a folder"), (tmp_path / "missing" / "run.json", "does not exist; create it first"),
             ("/proc/run.json", "cannot be written")]  # /proc refuses new files even to root
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if not os.access(locked, os.W_OK):  # root can write anywhere; the check is then not testable here
        cases.append((locked / "run.json", "cannot be written"))
    for out, words in cases:
        assert main(["train", "tfp_mlp", "--epochs", "1", "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err
        assert "training 'TF" not in err  # refused before training started
    assert not (tmp_path / "missing").exists()  # not created behind the user's back
    locked.chmod(0o700)


def test_existing_read_only_report_is_refused_before_training(tmp_path, capsys):
    out = tmp_path / "run.json"
    out.write_text("{}")
    out.chmod(0o400)
    if os.access(out, os.W_OK):
        pytest.skip("running as a user who can write read-only files (root)")
    assert main(["train", "tfp_mlp", "--epochs", "1", "--out", str(out)]) == 1
    assert "cannot be written" in capsys.readouterr().err


@pytest.mark.parametrize("seed", [2**63, 2**64, 10**40])
def test_huge_seeds_are_a_message(seed, capsys):
    assert main(["train", "tfp_mlp", "--epochs", "1", "--seed", str(seed)]) == 1
    err = capsys.readouterr().err
    assert "'seed' must be a whole number from 0 to 9223372036854775807" in err and "Traceback" not in err


def test_the_largest_seed_trains(tmp_path):
    assert main(["train", "perceptron", "--epochs", "1", "--seed", str(2**63 - 1), "--out", str(tmp_path / "r.json")]) == 0


@pytest.mark.parametrize("word", ["presetz", "trian", "chek", "exprot", "screenshots"])
def test_mistyped_subcommand_is_invalid_choice_not_the_app(word, capsys, monkeypatch):
    import playground.cli.gui as gui

    monkeypatch.setattr(gui, "run", lambda args: pytest.fail("opened the app"))
    with pytest.raises(SystemExit) as info:
        main([word])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_files_presets_and_options_still_open_the_app(tmp_path, monkeypatch):
    import playground.cli.gui as gui

    opened = []
    monkeypatch.setattr(gui, "run", lambda args: opened.append((args.file, args.preset)) or 0)
    path = save_project(load_project("lenet5"), tmp_path / "mine.pgproj")
    for argv in ([], [str(path)], ["lenet5"], ["--preset", "lenet5"], ["new.pgproj"], ["sub/dir.json"]):
        assert main(argv) == 0
    assert [o[0] for o in opened] == [None, str(path), "lenet5", None, "new.pgproj", "sub/dir.json"]
