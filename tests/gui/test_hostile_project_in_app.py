"""In the app: a hostile project name shows as an inert comment in the Code panel, and what the
panel copies runs nothing when executed (issue 12, defect 1)."""

import os
import subprocess
import sys

from PySide6.QtGui import QGuiApplication

from playground.graph.project import load_project
from playground.ui.common import preload

RUN = "__import__('pathlib').Path(__import__('os').environ['PG_MARKER']).touch()"


def test_code_panel_shows_a_hostile_name_as_a_comment_and_the_copy_is_inert(make_window, qtbot, tmp_path):
    project = load_project("tfp_mlp")
    project.name = f'MLP""";{RUN};"""\r{RUN}\u2028{RUN}'
    window = make_window(project)
    window.show_code()
    qtbot.waitUntil(preload.ready, timeout=60_000)
    qtbot.waitUntil(lambda: window.code.source != "", timeout=10_000)
    shown = window.code.text.toPlainText()
    header = [line for line in shown.splitlines() if "Project:" in line]
    assert len(header) == 1 and header[0].startswith("# Project: MLP")
    window.code.copy()
    copied = QGuiApplication.clipboard().text()
    assert copied == window.code.source
    path = tmp_path / "copied.py"
    path.write_text(copied, encoding="utf-8")
    marker = tmp_path / "RAN"
    done = subprocess.run([sys.executable, str(path)], env={**os.environ, "PG_MARKER": str(marker)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "output shape" in done.stdout and not marker.exists()
