"""File > Import Trained Layers: imported weights equal the source's tensor by tensor, training
starts from them and Rewind comes back to them, frozen ones stay as imported, a layer whose shapes
differ is refused with the reason in words, a bad file is one message, and the step undoes."""

from __future__ import annotations

import pytest
import torch

from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.nn.export import export_project

LONG = 100000


@pytest.fixture
def source(tmp_path):
    """A LeNet-5 whose last layer has 10 outputs (a 10-class source) exported as .pt, and its module."""
    project = load_project("lenet5")
    project.graph.set_param(project.graph.by_name("fc3").id, "units", 10)
    module = build_module(project.graph, seed=1234)
    path = export_project(project, "pt", tmp_path / "source.pt", module=module)
    return path, {k: v.detach().clone() for k, v in module.state_dict().items()}


@pytest.fixture
def lenet(make_window):
    window = make_window("lenet5")
    s = window.training.session
    s.apply_setting(epochs=LONG)
    window.doc.mark_saved()
    yield window, s
    s.shutdown()
    window.doc.mark_saved()


IMPORTABLE = ("conv1", "conv2", "fc1", "fc2")


def _choose(freeze: bool, seen: dict):
    def hook(dialog):
        seen["rows"] = {r["name"]: r for r in dialog.rows}
        dialog.set_chosen(list(seen["rows"]))  # try to tick everything: the refused row stays unticked
        seen["chosen"] = dialog.chosen()
        seen["note"] = dialog.table.item([r["name"] for r in dialog.rows].index("fc3"), 4).text()
        dialog.freeze.setChecked(freeze)
        return True
    return hook


def _layer(model, name):
    return {k: v.detach().clone() for k, v in model.get_submodule(name).state_dict().items()}


def _equal_to_source(model, src, names):
    return all(torch.equal(v, src[f"{n}.{k}"]) for n in names for k, v in _layer(model, n).items())


def _train(qtbot, s, steps):
    with qtbot.waitSignal(s.batches, timeout=150000):  # generous: a loaded CI machine builds the data slowly
        s.step(steps)
    qtbot.waitUntil(lambda: s.trainer is not None and s.trainer.step_count == steps and s.state == "paused",
                    timeout=100000)


def test_import_then_train_then_rewind_returns_to_the_imported_weights(lenet, source, dialogs, qtbot):
    from playground.ui.transfer.import_ops import import_trained_layers

    window, s = lenet
    path, src = source
    dialogs.open_path = str(path)
    seen: dict = {}
    assert import_trained_layers(window, dialog_hook=_choose(False, seen))  # through the file chooser
    assert seen["chosen"] == list(IMPORTABLE)
    assert seen["rows"]["fc3"]["problem"] == ("fc3: source 10x84, here 7x84: the number of outputs (filters or units) "
                                              "differs (10 vs 7)")
    assert "differs (10 vs 7)" in seen["note"]
    assert sorted({k.rpartition(".")[0] for k in s.imported}) == sorted(IMPORTABLE)
    assert all(torch.equal(v, src[k]) for k, v in s.imported.items())
    _train(qtbot, s, 5)
    model = s.trainer.model
    assert all(torch.equal(s.trainer._initial[k], src[k]) for k in s.imported)  # the run started from them
    assert not _equal_to_source(model, src, ["conv1"])  # and trained them (not frozen)
    with qtbot.waitSignal(s.run_started, timeout=10000):
        s.rewind()
    qtbot.waitUntil(lambda: _equal_to_source(s.trainer.model, src, IMPORTABLE), timeout=10000)
    label = window.training.curves.runs[-1].label  # the first run, kept as an overlay, says how it started
    assert label.endswith("; from conv1, conv2, fc1, fc2 of source.pt (trainable)"), label
    fresh = build_module(window.doc.graph, seed=s.config().seed)
    assert torch.equal(s.trainer.model.fc3.weight, fresh.fc3.weight)  # the refused layer: as drawn


def test_frozen_imported_layers_stay_as_imported_and_undo_gives_everything_back(lenet, source, qtbot):
    from playground.ui.transfer.import_ops import import_trained_layers

    window, s = lenet
    path, src = source
    assert import_trained_layers(window, path, dialog_hook=_choose(True, {}))
    assert all(window.doc.graph.by_name(n).params["trainable"] is False for n in IMPORTABLE)
    assert window.doc.graph.by_name("fc3").params["trainable"] is True
    _train(qtbot, s, 5)
    assert _equal_to_source(s.trainer.model, src, IMPORTABLE)  # frozen: training left them alone
    fresh = build_module(window.doc.graph, seed=s.config().seed)
    assert not torch.equal(s.trainer.model.fc3.weight, fresh.fc3.weight)  # the new head learned
    window.doc.undo_stack.undo()
    assert s.imported is None and s.trainer is None
    assert all(window.doc.graph.by_name(n).params["trainable"] is True for n in IMPORTABLE)
    window.doc.undo_stack.redo()
    assert all(window.doc.graph.by_name(n).params["trainable"] is False for n in IMPORTABLE)
    assert all(torch.equal(v, src[k]) for k, v in s.imported.items())


def test_a_mismatched_layer_is_refused_with_its_reason(lenet, source):
    from playground.nn.transfer import read_source_state
    from playground.ui.transfer.import_ops import apply_import

    window, s = lenet
    path, _src = source
    steps = window.doc.undo_stack.count()
    refused = apply_import(window, read_source_state(path), ["fc3"], False, "source.pt")
    assert refused == ["fc3: source 10x84, here 7x84: the number of outputs (filters or units) differs (10 vs 7)"]
    assert s.imported is None and window.doc.undo_stack.count() == steps


def test_a_bad_file_is_one_clear_message_and_nothing_changes(lenet, tmp_path, dialogs):
    from playground.graph.project import graph_to_dict
    from playground.ui.transfer.import_ops import import_trained_layers

    window, s = lenet
    bad = tmp_path / "broken.pt"
    bad.write_bytes(b"\x80\x04 not a torch file")
    before = graph_to_dict(window.doc.graph)
    assert not import_trained_layers(window, bad, dialog_hook=lambda d: pytest.fail("no dialog for a bad file"))
    assert any("cannot read this file" in text for text in dialogs.texts("critical"))
    assert graph_to_dict(window.doc.graph) == before and s.imported is None


def test_the_file_menu_has_the_action(lenet):
    window, _s = lenet
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "&Import Trained Layers…" in texts


def test_the_lesson_step_trains_the_source_off_the_gui_thread_then_imports_frozen(make_window, qtbot, monkeypatch):
    import threading

    from playground.train.lessons import sources
    from playground.ui.learn.lessons_steps import perform
    from playground.ui.transfer import lesson_source

    window = make_window("transfer_target")
    name = "transfer_source_digits"
    trained = build_module(load_project(name).graph, seed=5).state_dict()
    threads = []

    def train(preset, progress=None):
        threads.append(threading.current_thread())
        progress("training the source network: epoch 1 of 1")
        return trained

    monkeypatch.setattr(sources, "source_preset", lambda names: name)
    monkeypatch.setattr(sources, "is_trained", lambda preset: False)
    monkeypatch.setattr(sources, "trained_source", train)
    window.docks["curves"].hide()
    assert perform(window, ("import layers transfer_source|transfer_source_digits conv1,conv2 frozen",
                            "open panel curves")) == ""
    job = lesson_source.RUNNING[0]
    assert not window.docks["curves"].isVisible()  # the rest of the step waits for the source
    with qtbot.waitSignal(job.done, timeout=30000):
        pass
    job.task.thread.join()
    assert threads and threads[0] is not threading.main_thread()
    s = window.training.session
    assert sorted(s.imported) == ["conv1.bias", "conv1.weight", "conv2.bias", "conv2.weight"]
    assert all(torch.equal(v, trained[k]) for k, v in s.imported.items())
    assert window.doc.graph.by_name("conv1").params["trainable"] is False
    assert window.docks["curves"].isVisible()
    window.doc.mark_saved()


def test_exporting_before_training_writes_the_imported_initial_weights(lenet, source, qtbot, tmp_path):
    from playground.nn.export import read_pt
    from playground.ui.transfer.import_ops import import_trained_layers

    window, s = lenet
    path, src = source
    assert import_trained_layers(window, path, dialog_hook=_choose(False, {}))
    with qtbot.waitSignal(window.files.exported, timeout=60_000):
        window.files.export("pt", str(tmp_path / "start.pt"))
    state = read_pt(tmp_path / "start.pt")["state_dict"]
    assert all(torch.equal(state[k], src[k]) for k in s.imported)
    fresh = build_module(window.doc.graph, seed=s.config().seed).state_dict()
    assert torch.equal(state["fc3.weight"], fresh["fc3.weight"])  # the rest: as drawn
