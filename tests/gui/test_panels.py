"""Summary, code, problems and dataset panels; export; the screenshot and gui commands."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time

import pytest
from PySide6.QtGui import QGuiApplication

from playground.graph.summary import summarize
from playground.ui.common import preload


def test_summary_table_matches_playground_check(make_window):
    window = make_window("lenet5")
    window.show_summary()
    table = window.summary.table
    summary = summarize(window.doc.graph)
    assert table.rowCount() == len(summary.rows)
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == [r["name"] for r in summary.rows]
    conv1 = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "conv1")
    assert table.item(conv1, 2).text() == "(6, 28, 28)" and table.item(conv1, 3).text() == "156"
    assert f"{summary.total_params:,} parameters" in window.summary.totals.text()
    window.summary.batch.setValue(64)
    assert "batch of 64" in window.summary.totals.text()
    window.editor.set_param(window.doc.graph.by_name("conv1").id, "filters", 8)  # follows edits while shown
    assert table.item(conv1, 2).text() == "(8, 28, 28)"
    table.cellClicked.emit(conv1, 0)
    assert window.scene.selected_node_ids() == [window.doc.graph.by_name("conv1").id]


def test_problems_list_and_verdict(make_window):
    window = make_window("tfp_mlp")
    assert "Network OK" in window.verdict.text()
    assert "No problems" in window.problems.list.item(0).text()
    fc3 = window.doc.graph.by_name("fc3")
    window.editor.delete([], window.doc.graph.in_edges(fc3.id))
    assert "problem" in window.verdict.text()
    items = [window.problems.list.item(i) for i in range(window.problems.list.count())]
    assert any("fc3" in item.text() and "no input" in item.text() for item in items)
    hit = next(item for item in items if "no input" in item.text())
    window.problems.list.itemClicked.emit(hit)
    assert window.scene.selected_node_ids() == [fc3.id]


def test_code_view_shows_the_generated_source(make_window, qtbot):
    window = make_window("tfp_mlp")
    window.show_code()
    qtbot.waitUntil(preload.ready, timeout=60_000)
    qtbot.waitUntil(lambda: window.code.source != "", timeout=10_000)
    from playground.nn.codegen import generate_source

    assert window.code.text.toPlainText().strip() == generate_source(window.doc.graph, window.doc.project.name).strip()
    assert window.code.text.isReadOnly()
    ast.parse(window.code.source)
    window.code.copy()
    assert QGuiApplication.clipboard().text() == window.code.source
    window.editor.set_param(window.doc.graph.by_name("fc1").id, "units", 13)
    assert "out_features=13" in window.code.text.toPlainText()
    window.editor.delete([window.doc.graph.by_name("fc3").id, window.doc.graph.by_name("tanh2").id,
                          window.doc.graph.by_name("fc2").id, window.doc.graph.by_name("tanh1").id])
    window.editor.add_layer("ReLU", (400, 0))  # a loose end: not buildable
    assert window.code.source == "" and not window.code.copy_button.isEnabled()
    assert "once the network is valid" in window.code.text.toPlainText()


def test_export_runs_in_the_background(make_window, qtbot, tmp_path, dialogs):
    window = make_window("tfp_mlp")
    out = tmp_path / "model.py"
    with qtbot.waitSignal(window.files.exported, timeout=60_000) as blocker:
        task = window.files.export("py", str(out))
    task.thread.join(5)
    assert blocker.args == [str(out)] and "class Model(nn.Module)" in out.read_text()
    window.editor.delete([window.doc.graph.by_name("fc3").id])
    window.editor.add_layer("ReLU", (400, 0))
    task = window.files.export("pt", str(tmp_path / "bad.pt"))
    qtbot.waitUntil(lambda: bool(dialogs.texts("critical")), timeout=60_000)
    task.thread.join(5)
    assert "cannot be built" in dialogs.texts("critical")[0] and not (tmp_path / "bad.pt").exists()


def test_dataset_panel_describes_the_projects_dataset(make_window, qtbot):
    window = make_window("lenet5")
    qtbot.waitUntil(lambda: window.dataset.details is not None, timeout=60_000)
    text = window.dataset.label.text()
    assert "Shapes" in text and "(1, 28, 28)" in text and "fits" in text
    window.editor.set_param(window.doc.graph.by_name("input").id, "height", 32)
    assert "change the input layer" in window.dataset.label.text()


def test_screenshot_renders_a_png(tmp_path):
    from PySide6.QtGui import QImage

    from playground.ui.window.screenshot import render

    out = render("perceptron", tmp_path / "shot.png", size=(900, 600), panel="summary", select="fc1")
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)
    assert os.environ.get("PLAYGROUND_CONFIG_DIR") != ""  # restored


def test_screenshot_command_refuses_bad_input(tmp_path, capsys):
    from playground.cli import main

    assert main(["screenshot", "nope", "-o", str(tmp_path / "x.png")]) == 1
    assert "no project file or preset named 'nope'" in capsys.readouterr().err
    assert main(["screenshot", "lenet5", "-o", str(tmp_path / "x.png"), "--size", "big"]) == 1
    assert "WIDTHxHEIGHT" in capsys.readouterr().err
    assert main(["screenshot", "lenet5", "-o", str(tmp_path / "x.png"), "--select", "zz"]) == 1
    assert "conv1" in capsys.readouterr().err


def test_gui_command_arguments():
    from playground.cli import build_parser
    from playground.ui.app import initial_project

    parser = build_parser()
    args = parser.parse_args(["gui", "net.pgproj"])
    assert args.file == "net.pgproj" and args.preset is None
    assert parser.parse_args(["gui", "--preset", "lenet5"]).preset == "lenet5"
    assert initial_project(None, None)[0].name == "TF Playground MLP"  # the default demo
    assert initial_project(None, "lenet5")[0].name == "LeNet-5"
    project, problem = initial_project("/nowhere/x.pgproj", None)
    assert project.name == "TF Playground MLP" and "x.pgproj" in problem


def test_window_paints_before_torch_is_imported(tmp_path):
    env = dict(os.environ, PLAYGROUND_FIRST_PAINT_PROBE="1", PLAYGROUND_CONFIG_DIR=str(tmp_path),
               QT_QPA_PLATFORM="offscreen")
    start = time.time()
    proc = subprocess.run([sys.executable, "-m", "playground"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.startswith("first-paint"))
    painted, torch_flag = line.split()[1:]
    assert torch_flag == "torch-loaded=0"
    assert float(painted) > start


@pytest.mark.parametrize("preset", ["resnet_small", "encoder_decoder", "alexnet_small"])
def test_every_kind_of_preset_opens_valid(make_window, preset):
    window = make_window(preset)
    assert len(window.scene.nodes) == len(window.doc.graph.nodes) and not window.doc.errors()
    assert all(item.shape_text != "?" for item in window.scene.nodes.values())


def test_screenshot_training_goes_the_whole_way_with_a_panel_open(make_window, qtbot):
    """A panel shown before training builds the trainer while the session is idle; the picture's
    training must still run every step asked for (it used to stop after the first few)."""
    from PySide6.QtWidgets import QApplication

    from playground.ui.window.screenshot import train_in_window

    window = make_window("lenet5")
    panel = window.training.show_panel("activations")
    qtbot.waitUntil(lambda: panel.results >= 1, timeout=30000)
    assert window.training.session.trainer is not None and window.training.session.state == "idle"
    message = train_in_window(QApplication.instance(), window, 12)
    assert message.startswith("Trained 12 steps in the app"), message
