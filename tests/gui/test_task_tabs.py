"""The Embedding and Autoencoder tabs show only for projects of their task (a 2-D classifier's Look
Inside workspace had them, each able only to say which data it needs); the menu and shortcuts
still open them; opening a project of their task brings them back."""

from __future__ import annotations

import pytest

from playground.graph.project import load_project
from playground.ui.common import preload


@pytest.fixture(autouse=True)
def imports_done():
    assert preload.finish()


def _tabs(window):
    return {key: not window.docks[key].isHidden() for key in ("embedding", "autoencoder", "boundary", "activations")}


def test_a_classifier_looks_inside_without_the_task_tabs(make_window, qtbot):
    window = make_window("tfp_mlp")
    window.workspaces.switch("inside")
    qtbot.waitUntil(lambda: window.docks["embedding"].isHidden(), timeout=5000)
    assert _tabs(window) == {"embedding": False, "autoencoder": False, "boundary": True, "activations": True}
    window.training.show_panel("embedding")  # Look Inside > Embedding (Alt+7) still opens it
    assert not window.docks["embedding"].isHidden()


def test_a_project_of_their_task_brings_its_tab_back(make_window, qtbot):
    window = make_window("tfp_mlp")
    window.workspaces.switch("inside")
    qtbot.waitUntil(lambda: window.docks["autoencoder"].isHidden(), timeout=5000)
    window.doc.set_project(load_project("autoencoder_digits"))
    assert _tabs(window)["autoencoder"] and not _tabs(window)["embedding"]
    window.doc.set_project(load_project("siamese_shapes"))
    assert _tabs(window)["embedding"] and not _tabs(window)["autoencoder"]
    window.workspaces.switch("train")
    window.workspaces.switch("inside")
    assert _tabs(window)["embedding"] and not _tabs(window)["autoencoder"]
