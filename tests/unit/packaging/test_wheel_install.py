"""A built wheel works outside the checkout: presets, check, export and an offscreen screenshot.

The wheel is built from a copy of the source (``pip wheel --no-deps --no-build-isolation``, nothing
downloaded), installed with ``--no-deps --no-index`` into a fresh virtual environment that borrows
this environment's site-packages through a ``.pth`` line (so torch, Qt... are not reinstalled, and the
editable install's finder is not loaded), and its console script is run from an empty folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # ~15 s alone, up to a minute on a busy machine; still in the default run

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ["playground", "resources", "pyproject.toml", "setup.py", "README.md"]


def _run(cmd, cwd, env=None, timeout=240):
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{cmd}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        item = ROOT / name
        if item.is_dir():
            shutil.copytree(item, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(item, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", tmp / "dist", src], tmp)
    wheel = next((tmp / "dist").glob("playground-*.whl"))
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp).strip())
    (site / "_outer_site.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel], tmp)
    work = tmp / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return {"wheel": wheel, "bin": env_dir / "bin", "work": work, "env": env, "site": site}


def test_wheel_carries_the_resources_and_the_module_source(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    presets = sorted(n for n in names if n.startswith("playground/resources/presets/"))
    assert [Path(n).name for n in presets] == sorted(p.name for p in (ROOT / "resources" / "presets").glob("*.json"))
    assert "playground/nn/modules.py" in names


def test_installed_console_script_runs_outside_the_checkout(installed):
    bin_, work, env = installed["bin"], installed["work"], installed["env"]
    where = _run([bin_ / "python", "-c", "import playground.core.resources as r, playground; "
                  "print(playground.__file__); print(r.root())"], work, env)
    package_file, resources_root = where.split()
    assert Path(package_file).is_relative_to(installed["site"])  # the wheel's copy, not the checkout
    assert Path(resources_root) == installed["site"] / "playground" / "resources"
    listing = _run([bin_ / "playground", "presets"], work, env)
    assert "lenet5" in listing and "perceptron" in listing
    assert "total:" in _run([bin_ / "playground", "check", "resnet_small"], work, env)
    _run([bin_ / "playground", "export", "perceptron", "-f", "py", "-o", work / "p.py"], work, env)
    _run([bin_ / "python", work / "p.py"], work, env)  # the generated file runs on its own
    _run([bin_ / "playground", "export", "tfp_mlp", "-f", "pt", "-o", work / "m.pt"], work, env)
    _run([bin_ / "playground", "screenshot", "resnet_small", "--panel", "code", "--size", "800x600",
          "-o", work / "shot.png"], work, env)
    assert (work / "shot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
