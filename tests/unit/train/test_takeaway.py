"""Trained models leave the app: exports hold the run's weights and its preprocessing, and work on raw data.

References: the trained module itself (its outputs on the app's own normalized batches), a fresh
build (what exports wrote before), onnxruntime (or onnx's reference evaluator), and a Python process
that can import torch and nothing of Playground.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from playground.data import load_settings
from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.nn.export import export_project, load_pt_takeaway, read_pt
from playground.train import TrainConfig, Trainer
from playground.train.takeaway import takeaway_for, takeaway_of

SMALL = {"lenet5": {"name": "shapes", "params": {"n_images": 140}}, "tfp_mlp": {"name": "circle", "params": {}}}


def _trained(name, epochs=1, seed=0):
    project = load_project(name)
    project.dataset = SMALL[name]
    splits = load_settings(project.dataset, seed)
    config = TrainConfig.from_dict(project.training).replace(epochs=epochs, seed=seed, device="cpu")
    trainer = Trainer(build_module(project.graph, seed=seed), splits, config)
    trainer.fit()
    return project, splits, trainer


@pytest.fixture(scope="module")
def mlp_run():
    return _trained("tfp_mlp", epochs=2)


def _app_outputs(trainer, split="test"):
    x, _ = trainer.feeds[split].all()
    with torch.no_grad():
        return trainer.model.eval()(x)


def test_pt_export_holds_the_trained_weights_and_says_which(mlp_run, tmp_path):
    project, splits, trainer = mlp_run
    takeaway = takeaway_of(trainer)
    last = trainer.history.epochs[-1].val
    assert str(takeaway.note) == f"trained weights, step {trainer.step_count:,}, val accuracy {last.accuracy:.2f}"
    path = export_project(project, "pt", tmp_path / "m.pt", takeaway=takeaway)
    again, loaded = load_pt_takeaway(path)
    model = build_module(again.graph)
    model.load_state_dict(loaded.state_dict)
    fresh = build_module(project.graph, seed=0).eval()
    x, _ = trainer.feeds["test"].all()
    torch.testing.assert_close(model.eval()(x), _app_outputs(trainer))
    assert not torch.allclose(fresh(x), _app_outputs(trainer))  # not the initial weights
    data = read_pt(path)
    assert data["weights"]["trained"] and data["weights"]["step"] == trainer.step_count
    assert data["class_names"] == list(splits.info.class_names)
    assert torch.tensor(data["preprocessing"]["mean"]).tolist() == splits.mean.tolist()
    assert data["preprocessing"]["raw_input"].startswith("raw coordinates")
    assert str(takeaway_for(project).note) == "initial weights: nothing trained yet"


def _predict_in_plain_python(script_dir: Path, module: str, raw: torch.Tensor, tmp_path: Path):
    """Run ``module.predict(raw)`` in a Python that sees the export folder and torch's folder only."""
    torch.save(raw, tmp_path / "raw.pt")
    torch_site = str(Path(torch.__file__).resolve().parents[1])
    code = (f"import sys; sys.path[:] = [{str(script_dir)!r}, {torch_site!r}] + [p for p in sys.path if 'lib/python' in p "
            f"and 'site-packages' not in p]\n"
            f"import json, torch, {module} as m\n"
            f"index, names = m.predict(torch.load({str(tmp_path / 'raw.pt')!r}, weights_only=True))\n"
            "print(json.dumps({'index': index.tolist(), 'names': names, "
            "'playground': sorted(k for k in sys.modules if k.split('.')[0] == 'playground')}))\n")
    result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", ["lenet5", "tfp_mlp"])
def test_exported_py_predicts_from_raw_data_like_the_app(name, tmp_path):
    project, splits, trainer = _trained(name)
    out = tmp_path / "export"
    export_project(project, "py", out / "net.py", takeaway=takeaway_of(trainer))
    assert (out / "net.weights.pt").exists()
    raw = splits.test.x[:40]  # stored form: uint8 images / raw coordinates
    assert raw.dtype == (torch.uint8 if name == "lenet5" else torch.float32)
    got = _predict_in_plain_python(out, "net", raw, tmp_path)
    assert got["playground"] == []  # only torch was importable, and only torch was used
    want = _app_outputs(trainer)[:40].argmax(dim=1)
    assert got["index"] == want.tolist()
    assert got["names"] == [splits.info.class_names[i] for i in want.tolist()]


def test_onnx_is_one_file_in_a_new_folder_with_trained_weights_and_metadata(mlp_run, tmp_path):
    pytest.importorskip("onnx")
    project, splits, trainer = mlp_run
    said = []
    target = tmp_path / "new" / "folder" / "m.onnx"
    before = set(os.listdir(os.environ.get("TMPDIR", "/tmp")))
    export_project(project, "onnx", target, takeaway=takeaway_of(trainer), progress=said.append)
    assert sorted(p.name for p in target.parent.iterdir()) == ["m.onnx"]  # no .data sidecar, no temp file
    assert not {n for n in set(os.listdir(os.environ.get("TMPDIR", "/tmp"))) - before if n.endswith((".onnx", ".data"))}
    assert said and "ONNX" in said[0]
    moved = tmp_path / "elsewhere.onnx"
    target.rename(moved)  # self-contained: works away from where it was written
    x, _ = trainer.feeds["test"].all()
    try:
        import onnxruntime
    except ImportError:
        from onnx.reference import ReferenceEvaluator

        (got,) = ReferenceEvaluator(str(moved)).run(None, {"x": x.numpy()})
        meta = {p.key: p.value for p in __import__("onnx").load(str(moved)).metadata_props}
    else:
        session = onnxruntime.InferenceSession(str(moved), providers=["CPUExecutionProvider"])
        (got,) = session.run(None, {"x": x.numpy()})
        meta = session.get_modelmeta().custom_metadata_map
    np.testing.assert_allclose(got, _app_outputs(trainer).numpy(), rtol=1e-4, atol=1e-5)
    pre = json.loads(meta["playground.preprocessing"])
    assert pre["class_names"] == list(splits.info.class_names) and pre["mean"] == splits.mean.tolist()
    assert meta["playground.weights"].startswith("trained weights, step")


def test_cli_save_then_resume_equals_one_straight_run(tmp_path):
    from playground.cli import main

    def run(*args):
        assert main(["train", "tfp_mlp", "--seed", "3", *args]) == 0

    run("--epochs", "4", "--out", str(tmp_path / "straight.json"))
    run("--epochs", "2", "--save", str(tmp_path / "c.pt"))
    run("--epochs", "4", "--resume", str(tmp_path / "c.pt"), "--out", str(tmp_path / "resumed.json"),
        "--export", str(tmp_path / "net.pt"))
    straight = json.loads((tmp_path / "straight.json").read_text())
    resumed = json.loads((tmp_path / "resumed.json").read_text())
    assert resumed["steps"] == straight["steps"]
    for key in ("train_loss", "val_loss", "val_accuracy"):
        assert [e[key] for e in resumed["epochs"]] == [e[key] for e in straight["epochs"]]
    assert read_pt(tmp_path / "net.pt")["weights"]["step"] == straight["steps"]


def test_cli_text_exports_go_to_stdout_and_binary_ones_refuse(capsys, tmp_path):
    from playground.cli import main

    assert main(["export", "tfp_mlp", "-f", "py", "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert "class Model(nn.Module)" in out and "def predict(raw, model=None)" in out
    assert main(["export", "tfp_mlp", "-f", "json", "-o", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == load_project("tfp_mlp").name
    assert main(["export", "tfp_mlp", "-f", "pt", "-o", "-"]) == 1
    assert "binary" in capsys.readouterr().err and not list(tmp_path.iterdir())


def test_saving_through_a_symlink_keeps_the_link(tmp_path):
    from playground.graph.project import save_project

    real = tmp_path / "real" / "net.pgproj"
    real.parent.mkdir()
    save_project(load_project("tfp_mlp"), real)
    link = tmp_path / "link.pgproj"
    link.symlink_to(real)
    project = load_project(link)
    project.name = "renamed"
    save_project(project, link)
    assert link.is_symlink() and load_project(real).name == "renamed"
