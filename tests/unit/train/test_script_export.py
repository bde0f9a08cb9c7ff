"""The standalone training script trains like the app: same data, order, settings, so the same accuracy.

References: Playground's own Trainer on the same project and seed (test accuracy and loss), and the
script's single-process run for its ``torchrun --nproc_per_node 2`` run (DistributedDataParallel, gloo).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from playground.data import load_settings
from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.train import TrainConfig, Trainer
from playground.train.script_export import export_script

SETTINGS = {"optimizer": "adam", "lr": 0.02, "schedule": "cosine", "l2": 1e-4, "grad_clip": 5.0,
            "early_stopping": True, "patience": 3, "batch_size": 16, "epochs": 6, "seed": 5, "device": "cpu"}


def _project():
    project = load_project("tfp_mlp")
    project.training = TrainConfig.from_dict({**project.training, **SETTINGS}).to_dict()
    return project


def _run_script(folder: Path, *launcher: str, out="r.json"):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["OMP_NUM_THREADS"] = "1"
    result = subprocess.run([*launcher, "train.py", "--device", "cpu", "--json", out], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads((folder / out).read_text())


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("script")
    project = _project()
    written = export_script(project, folder / "train.py")
    assert [p.name for p in written] == ["train.py", "train.data.npz"]
    source = written[0].read_text()
    assert "import playground" not in source and "from playground" not in source
    return project, folder


def test_script_trains_to_the_apps_accuracy_on_the_same_seed(exported):
    project, folder = exported
    config = TrainConfig.from_dict(project.training)
    splits = load_settings(project.dataset, config.seed)
    app = Trainer(build_module(project.graph, seed=config.seed), splits, config).fit()
    script = _run_script(folder, sys.executable)
    assert script["steps"] == app.steps
    assert abs(script["test"]["accuracy"] - app.test.accuracy) <= 0.02
    assert script["test"]["loss"] == pytest.approx(app.test.loss, rel=0.02)


@pytest.mark.slow  # two processes start torch and gloo: ~30-60 s on a busy machine
def test_torchrun_two_processes_agree_with_one(exported):
    torchrun = shutil.which("torchrun") or str(Path(sys.executable).with_name("torchrun"))
    if not Path(torchrun).exists():
        pytest.skip("torchrun is not installed")
    _, folder = exported
    single = _run_script(folder, sys.executable, out="one.json")
    both = _run_script(folder, torchrun, "--standalone", "--nproc_per_node", "2", out="two.json")
    assert both["world_size"] == 2 and both["steps"] == single["steps"]
    assert abs(both["test"]["accuracy"] - single["test"]["accuracy"]) <= 0.02
    assert both["test"]["loss"] == pytest.approx(single["test"]["loss"], rel=0.05)
