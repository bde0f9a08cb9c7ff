"""The network/dataset/loss fit check (train/fit_check.py) against the real thing: a case it flags
is one the Trainer refuses (a torch forward pass or the loss fails), and after its fix the Trainer
builds and takes a step; a network it passes trains."""

import pytest

from playground.cli import main
from playground.data import load_settings
from playground.graph.project import load_project, save_project
from playground.nn.build import build_module
from playground.train import TrainConfig, Trainer
from playground.train.fit_check import apply_fix, project_fit_issues


def _trains(project) -> bool:
    """The reference: does the Trainer accept this network on this data and take a step?"""
    splits = load_settings(dict(project.dataset, params={**project.dataset.get("params", {})}), 0)
    try:
        trainer = Trainer(build_module(project.graph, seed=0), splits, TrainConfig(epochs=1, batch_size=64))
        trainer.fit()
    except Exception:  # noqa: BLE001 - any failure (TrainingError, a torch error) means it does not train
        return False
    return trainer.step_count >= 1


def _project(preset, dataset, params=None, units=None):
    project = load_project(preset)
    project.dataset = {"name": dataset, "params": params or {}}
    if units is not None:
        last = project.graph.output_nodes()[0]
        project.graph.set_param(last.id, "units", units)
    return project


CASES = [  # (preset, dataset, params, last layer units): each does not fit as it is
    ("tfp_mlp", "circle", {"n_points": 200}, 8),  # 8 outputs for a 2-class set
    ("tfp_mlp", "shapes", {"n_images": 140}, None),  # a 2-D points network on 28x28 pictures
    ("perceptron", "digits", {}, None),  # points input, 1 output, for 1x8x8 digits in 10 classes
]


@pytest.mark.parametrize("preset,dataset,params,units", CASES)
def test_a_flagged_network_does_not_train_and_its_fixes_make_it_train(preset, dataset, params, units):
    project = _project(preset, dataset, params, units)
    issues = project_fit_issues(project)
    assert issues and all(i.severity == "error" for i in issues)
    assert not _trains(project)
    for issue in issues:
        assert issue.fix is not None, issue.message
        apply_fix(project.graph, issue.fix)
    assert project_fit_issues(project) == []
    assert _trains(project)


def test_a_vector_input_of_64_for_8x8_digits_gets_the_image_input_and_a_flatten():
    project = load_project("perceptron")
    project.dataset = {"name": "digits", "params": {}}
    graph = project.graph
    first = graph.input_nodes()[0]
    fed = [e.dst for e in graph.out_edges(first.id)]
    graph.remove_node(first.id)
    vec = graph.add_node("VectorInput", name="input", params={"features": 64})
    for dst in fed:
        graph.connect(vec.id, dst)
    issue = next(i for i in project_fit_issues(project) if i.node_id == vec.id)
    assert "64 values" in issue.message and "1x8x8" in issue.message
    apply_fix(graph, issue.fix)
    kinds = [graph.node(n).kind for n in graph.topological_order()]
    assert kinds[:2] == ["ImageInput", "Flatten"]


def test_networks_that_fit_pass(tmp_path):
    for preset in ("tfp_mlp", "perceptron", "lenet5"):
        assert project_fit_issues(load_project(preset)) == []


def test_check_exits_1_and_names_the_fix(tmp_path, capsys):
    project = _project("tfp_mlp", "mnist")
    path = tmp_path / "mismatch.pgproj"
    save_project(project, path)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "1x28x28" in out and "fix in the app" in out and "10" in out
    assert main(["check", "tfp_mlp"]) == 0


def test_shapes_seg_class_count_follows_its_mask_parameter():
    """'per shape' masks have background + 7 classes, 'binary' 2: the check reads the parameter (the
    8-class U-Net used to be refused with '8 outputs but 2 classes'); a bad value falls back to the
    record's classes (loading names the mistake)."""
    from playground.graph.project import load_project
    from playground.train.fit_check import data_facts, fit_issues

    assert data_facts({"name": "shapes_seg", "params": {"mask": "per shape"}}).num_classes == 8
    assert data_facts({"name": "shapes_seg", "params": {"mask": "binary"}}).num_classes == 2
    assert data_facts({"name": "shapes_seg"}).num_classes == 2
    assert data_facts({"name": "shapes_seg", "params": {"mask": "nope"}}).num_classes == 2
    for preset in ("unet_small", "fcn_small"):
        project = load_project(preset)
        assert fit_issues(project.graph, None, project.dataset, project.training) == []
        binary = {**project.dataset, "params": {"mask": "binary"}}
        problems = fit_issues(project.graph, None, binary, project.training)
        assert problems and "8 outputs" in problems[0].message and "2 classes" in problems[0].message
