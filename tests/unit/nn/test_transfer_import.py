"""Importing trained layers from another project's file: exact copies and explained mismatches."""

import torch

from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.nn.export import export_project
from playground.nn.transfer import import_layers, read_source_state, source_layers


def test_imported_weights_equal_the_source_and_mismatches_are_explained(tmp_path):
    source_project = load_project("lenet5")
    source = build_module(source_project.graph, seed=3)
    path = export_project(source_project, "pt", tmp_path / "src.pt", module=source)
    state = read_source_state(path)
    assert source_layers(state)["conv1"]["weight"] == tuple(source.conv1.weight.shape)
    target_project = load_project("lenet5")
    conv1 = target_project.graph.by_name("conv1")
    target_project.graph.set_param(conv1.id, "filters", conv1.params["filters"] + 2)
    target = build_module(target_project.graph, seed=0)
    problems = import_layers(state, target, ["conv1", "fc3", "nope"])
    n = conv1.params["filters"]
    assert f"conv1: source {n - 2}x1x5x5, here {n}x1x5x5: the number of outputs (filters or units) differs " \
           f"({n - 2} vs {n})" in problems, problems
    assert any(p.startswith("nope:") for p in problems)
    for key, value in source.fc3.state_dict().items():
        assert torch.equal(target.fc3.state_dict()[key], value)
    assert not torch.equal(target.fc1.weight, source.fc1.weight)  # not chosen: untouched


def _lenet(filters1=None, classes=None, seed=0):
    project = load_project("lenet5")
    if filters1 is not None:
        project.graph.set_param(project.graph.by_name("conv1").id, "filters", filters1)
    if classes is not None:
        project.graph.set_param(project.graph.by_name("fc3").id, "units", classes)
    return project, build_module(project.graph, seed=seed)


def test_rows_explain_each_mismatch_in_words_with_both_shapes():
    from playground.nn.transfer import layer_rows

    _, source = _lenet(filters1=6)
    _, target = _lenet(filters1=3, classes=10)
    rows = {r["name"]: r for r in layer_rows(source.state_dict(), target)}
    assert rows["conv2"]["source"] == "16x6x5x5" and rows["conv2"]["here"] == "16x3x5x5"
    assert rows["conv2"]["problem"] == "conv2: source 16x6x5x5, here 16x3x5x5: the input channels differ (6 vs 3)"
    assert rows["fc3"]["problem"].startswith("fc3: source 7x84, here 10x84: the number of outputs")
    assert rows["fc1"]["problem"] is None and rows["conv1"]["problem"].startswith("conv1: source 6x1x5x5")
    # what the rows call importable really copies, what they refuse really fails
    fits = [n for n, r in rows.items() if r["problem"] is None]
    assert import_layers(source.state_dict(), target, list(rows)) == [r["problem"] for r in rows.values() if r["problem"]]
    for name in fits:
        for key, value in source.get_submodule(name).state_dict().items():
            assert torch.equal(target.get_submodule(name).state_dict()[key], value)


def test_a_kernel_size_difference_is_named():
    from playground.nn.transfer import mismatch

    conv = torch.nn.Conv2d(1, 6, 3)
    assert mismatch("conv1", {"weight": (6, 1, 5, 5), "bias": (6,)}, conv) == \
        "conv1: source 6x1x5x5, here 6x1x3x3: the kernel sizes differ (5x5 vs 3x3)"


def test_reset_keeps_the_imported_layers_and_redraws_the_others():
    from playground.nn.transfer import chosen_state, keep_imported

    _, source = _lenet(seed=5)
    imported = chosen_state(source.state_dict(), ["conv1", "conv2"])
    assert sorted(imported) == ["conv1.bias", "conv1.weight", "conv2.bias", "conv2.weight"]

    def reinit(model, seed):
        torch.manual_seed(seed)
        for module in model.modules():
            if module is not model and hasattr(module, "reset_parameters"):
                module.reset_parameters()

    _, target = _lenet(seed=0)
    before_fc1 = target.fc1.weight.detach().clone()
    keep_imported(reinit, imported)(target, 11)
    assert torch.equal(target.conv1.weight, source.conv1.weight) and torch.equal(target.conv2.bias, source.conv2.bias)
    assert not torch.equal(target.fc1.weight, before_fc1)  # the others are drawn afresh
    assert keep_imported(reinit, {}) is reinit


def test_a_checkpoint_reads_and_a_file_with_code_is_refused_without_running_it(tmp_path):
    import pickle

    import pytest

    from playground.core.errors import ProjectFileError

    _, source = _lenet(seed=2)
    ckpt = tmp_path / "run.pgproj.pt"
    torch.save({"format": "playground-checkpoint", "model": source.state_dict()}, ckpt)
    assert torch.equal(read_source_state(ckpt)["fc2.weight"], source.fc2.weight)
    ran = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (open, (str(ran), "w"))

    bad = tmp_path / "evil.pt"
    bad.write_bytes(pickle.dumps({"state_dict": Evil()}))
    with pytest.raises(ProjectFileError, match="cannot read this file"):
        read_source_state(bad)
    assert not ran.exists()
    (tmp_path / "text.pt").write_text("not weights")
    with pytest.raises(ProjectFileError):
        read_source_state(tmp_path / "text.pt")
    with pytest.raises(ProjectFileError, match="no file here"):
        read_source_state(tmp_path / "missing.pt")
