"""Hostile data files and saves, through the app.

A forged CIFAR-10 batch once killed the app (rc 139) as soon as the dataset panel's preview read it;
that is checked in a child process running the real window, so a crash fails this test instead of
ending the test run. Saving a project with File > Save keeps the file's mode, keeps a symbolic link,
and clears what a killed save left behind.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.unit.data.conftest import write_cifar
from tests.unit.data.hostile_pickles import forged

ROOT = Path(__file__).parents[2]

CHILD = """
import sys, time
from PySide6.QtWidgets import QApplication
from playground.graph.project import load_project
from playground.ui.common import preload
from playground.ui.window.main_window import MainWindow
app = QApplication([])
project = load_project("tfp_mlp")
project.dataset = {"name": "cifar10", "params": {}}
window = MainWindow(project, restore_layout=False)
window.show()
panel, deadline = window.dataset, time.monotonic() + 90
while time.monotonic() < deadline:
    app.processEvents()
    preview = panel.preview  # built once the heavy imports are preloaded
    if preview is not None and ("Cannot load" in preview.status.text() or preview.result is not None):
        break
    time.sleep(0.02)
print("STATUS:", panel.preview.status.text().replace("\\n", " "))
window.doc.mark_saved()
window.files.autosave_timer.stop()
window.close()
"""


@pytest.mark.parametrize("case", ["scalar_v16_object"])  # the reported crash; the rest: tests/unit/data
def test_a_forged_cifar_batch_in_the_preview_shows_a_message_and_the_app_lives(tmp_path, case):
    folder = tmp_path / "data" / "cifar10"
    write_cifar(folder, per_batch=2)
    (folder / "data_batch_2").write_bytes(forged()[case][0])
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PLAYGROUND_DATA_DIR=str(tmp_path / "data"),
               PLAYGROUND_CONFIG_DIR=str(tmp_path / "config"), PLAYGROUND_NO_AUTOSAVE_PROMPT="1")
    proc = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=180)
    assert proc.returncode == 0, f"rc {proc.returncode}: {proc.stderr[-2000:]}"
    status = next(line for line in proc.stdout.splitlines() if line.startswith("STATUS:"))
    assert "Cannot load the data" in status and str(folder / "data_batch_2") in status
    assert "not a CIFAR-10 python batch" in status


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_file_save_keeps_mode_and_link_and_clears_a_killed_saves_leftover(window, tmp_path):
    real = tmp_path / "real" / "mine.pgproj"
    real.parent.mkdir()
    assert window.files.save_to(real)
    os.chmod(real, 0o644)
    link = tmp_path / "mine.pgproj"
    link.symlink_to(real)
    leftover = real.parent / ".mine.pgproj.999999999.0123abcd.tmp"  # a save killed mid-write (no such pid)
    leftover.write_bytes(np.zeros(1000, np.uint8).tobytes())
    window.doc.project.name = "renamed"
    assert window.files.save_to(link)
    assert link.is_symlink() and _mode(real) == 0o644 and '"renamed"' in real.read_text()
    assert sorted(p.name for p in real.parent.iterdir()) == ["mine.pgproj"]
    assert not window.doc.dirty
