"""File > Export writes the trained weights and says so; Save Trained Weights, restore on open, open a .pt.

Reference: the session's own trained module (its state_dict and outputs); before this, every export
was a fresh seed-0 build whatever had been trained.
"""

from __future__ import annotations

import torch
from PySide6.QtWidgets import QMessageBox

from playground.nn.export import read_pt
from playground.train.checkpoint import checkpoint_path


def _trained(window, qtbot, steps=6):
    s = window.training.session
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.step(steps)
    qtbot.waitUntil(lambda: s.trainer is not None and s.trainer.step_count == steps and s.state == "paused",
                    timeout=30000)
    return s, {k: v.detach().clone() for k, v in s.trainer.model.state_dict().items()}


def _same(a, b):
    return set(a) == set(b) and all(torch.equal(a[k], b[k]) for k in a)


def test_export_writes_the_trained_weights_and_says_which(window, qtbot, tmp_path, dialogs):
    said = []
    window.files.status.connect(said.append)
    with qtbot.waitSignal(window.files.exported, timeout=60_000):
        window.files.export("pt", str(tmp_path / "fresh.pt"))
    assert "initial weights: nothing trained yet" in said[-1]
    s, trained = _trained(window, qtbot)
    with qtbot.waitSignal(window.files.exported, timeout=60_000):
        window.files.export("pt", str(tmp_path / "m.pt"))
    data = read_pt(tmp_path / "m.pt")
    assert _same(data["state_dict"], trained) and not _same(read_pt(tmp_path / "fresh.pt")["state_dict"], trained)
    assert data["weights"]["step"] == 6 and "trained weights, step 6" in said[-1]
    assert data["preprocessing"]["class_names"] == list(s.trainer.info.class_names)
    s.stop()
    qtbot.waitUntil(lambda: not s.busy or s.state == "idle", timeout=20000)


def test_save_trained_weights_then_reopen_restores_the_run(make_window, qtbot, tmp_path, dialogs):
    window = make_window("tfp_mlp")
    assert window.files.save_to(tmp_path / "net.pgproj")
    window.files.save_trained_weights()  # nothing trained: says so, writes nothing
    assert "Train the network first" in dialogs.texts("information")[0]
    s, trained = _trained(window, qtbot)
    with qtbot.waitSignal(window.files.weights_saved, timeout=60_000) as saved:
        window.files.save_trained_weights()
    assert "trained weights, step 6" in saved.args[0]
    assert checkpoint_path(tmp_path / "net.pgproj").exists()
    s.stop()
    qtbot.waitUntil(lambda: s.state == "idle", timeout=20000)

    other = make_window("perceptron")
    dialogs.answer = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(other.files.weights_restored, timeout=60_000):
        assert other.files.open_path(tmp_path / "net.pgproj")
    assert any("Trained weights were saved beside this project" in t for t in dialogs.texts("question"))
    trainer = other.training.session.trainer
    assert trainer.step_count == 6 and _same(trainer.model.state_dict(), trained)


def test_the_app_opens_an_exported_pt(make_window, qtbot, tmp_path, dialogs):
    window = make_window("tfp_mlp")
    s, trained = _trained(window, qtbot)
    with qtbot.waitSignal(window.files.exported, timeout=60_000):
        window.files.export("pt", str(tmp_path / "m.pt"))
    s.stop()
    qtbot.waitUntil(lambda: s.state == "idle", timeout=20000)
    other = make_window("perceptron")
    with qtbot.waitSignal(other.files.weights_restored, timeout=60_000):
        assert other.files.open_path(tmp_path / "m.pt")
    assert other.doc.project.name == window.doc.project.name
    assert _same(other.training.session.trainer.model.state_dict(), trained)
    said = []
    other.files.status.connect(said.append)
    with qtbot.waitSignal(other.files.exported, timeout=60_000):
        other.files.export("pt", str(tmp_path / "again.pt"))
    assert _same(read_pt(tmp_path / "again.pt")["state_dict"], trained) and "trained weights, step 6" in said[-1]
