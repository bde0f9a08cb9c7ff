"""Detection end to end: the yolo_small preset checks and trains from the command line (``map50``
under ``test``), and its exported ``.py`` decodes boxes in a Python that can import only torch,
like the app's own decoding."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

from playground.cli import main
from playground.data import load_settings
from playground.graph.project import load_project, save_project
from playground.nn.build import build_module
from playground.nn.export import export_project
from playground.train import TrainConfig, Trainer
from playground.train.tasks import get_task
from playground.train.takeaway import takeaway_for, takeaway_of

SMALL = {"name": "shapes_detect", "params": {"n_images": 40}}


def _small_project(tmp_path: Path) -> Path:
    project = load_project("yolo_small")
    project.dataset = dict(SMALL)
    return save_project(project, tmp_path / "yolo.json")


def test_preset_checks_clean_and_lists_with_its_dataset(capsys):
    assert main(["check", "yolo_small"]) == 0
    capsys.readouterr()
    assert main(["presets", "--json"]) == 0
    presets = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert "yolo_small" in presets
    assert main(["datasets", "--json"]) == 0
    sets = {d["name"]: d for d in json.loads(capsys.readouterr().out)}
    assert sets["shapes_detect"]["task"] == "detection"


def test_train_writes_map50_under_test_and_per_epoch(tmp_path, capsys):
    out = tmp_path / "run.json"
    code = main(["train", str(_small_project(tmp_path)), "--epochs", "1", "--batch-size", "16", "--device", "cpu",
                 "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "test: mAP@0.5" in captured.out and "loss yolo" in captured.err
    run = json.loads(out.read_text())
    test = run["test"]
    assert set(get_task("detection").test_keys) <= set(test)
    assert 0 <= test["map50"] <= 1 and test["count"] == run["dataset"]["test"] and len(test["ap"]) == 4
    assert test["grid"] == [8, 8] and len(test["anchors"]) == 3
    assert {"train_map50", "val_map50", "train_loss", "val_loss"} <= set(run["epochs"][-1])


def _detect_in_plain_python(script_dir: Path, raw: torch.Tensor, conf: float, tmp_path: Path) -> list:
    """``net.predict(raw, conf_threshold=conf)`` in a Python that sees the export folder and torch only."""
    torch.save(raw, tmp_path / "raw.pt")
    torch_site = str(Path(torch.__file__).resolve().parents[1])
    code = (f"import sys; sys.path[:] = [{str(script_dir)!r}, {torch_site!r}] + [p for p in sys.path if 'lib/python' in p "
            f"and 'site-packages' not in p]\n"
            "import json, torch, net\n"
            f"found = net.predict(torch.load({str(tmp_path / 'raw.pt')!r}, weights_only=True), conf_threshold={conf})\n"
            "print(json.dumps({'found': [[b.tolist(), s.tolist(), c.tolist()] for b, s, c in found], "
            "'playground': sorted(k for k in sys.modules if k.split('.')[0] == 'playground')}))\n")
    result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["playground"] == []  # only torch was importable, and only torch was used
    return got["found"]


def test_exported_py_decodes_boxes_like_the_app(tmp_path):
    project = load_project("yolo_small")
    project.dataset = dict(SMALL)
    splits = load_settings(project.dataset, 0)
    config = TrainConfig.from_dict(project.training).replace(epochs=1, device="cpu")
    trainer = Trainer(build_module(project.graph, seed=0), splits, config)
    trainer.fit()  # a few steps, so the weights are not the initial ones
    takeaway = takeaway_of(trainer)
    decode = takeaway.preprocessing.decode
    assert decode["kind"] == "yolo" and decode["anchors"] == trainer.objective.settings["anchors"]
    assert takeaway_for(project).preprocessing.decode == decode  # an export without a run decodes the same
    export_project(project, "py", tmp_path / "export" / "net.py", takeaway=takeaway)
    raw = splits.test.x[:4]  # stored uint8 images, as a user would pass them
    conf = 0.05
    got = _detect_in_plain_python(tmp_path / "export", raw, conf, tmp_path)
    x, _ = trainer.feeds["test"].all()
    with torch.no_grad():
        out = trainer.model.eval()(x[:4])
    want = get_task("detection").predict(out, conf, trainer.objective.settings["anchors"])
    assert len(got) == len(want) == 4
    assert sum(len(w.index) for w in want) > 0
    for (boxes, scores, classes), w in zip(got, want):
        assert classes == w.classes.tolist()
        np.testing.assert_allclose(np.asarray(scores), w.scores, atol=1e-5)
        np.testing.assert_allclose(np.asarray(boxes).reshape(-1, 4), w.boxes, atol=1e-5)


def test_training_script_export_refuses_the_yolo_loss_before_writing_anything(tmp_path):
    import pytest

    from playground.core.errors import ExportError
    from playground.train.script_export import export_script

    project = load_project("yolo_small")
    project.dataset = dict(SMALL)
    with pytest.raises(ExportError, match="cannot carry the YOLO") as caught:
        export_script(project, tmp_path / "train.py")
    assert "export the network" in str(caught.value) and list(tmp_path.iterdir()) == []
