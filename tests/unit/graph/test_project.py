"""Project files: round trip, atomic writes, and broken files that name the place instead of crashing."""

import json

import pytest

from playground.core.errors import ProjectFileError
from playground.graph.project import Project, graph_to_dict, load_project, preset_names, save_project


def _write(tmp_path, data, name="p.pgproj"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def _lenet_dict():
    return load_project("lenet5").to_dict()


def test_round_trip_keeps_graph_positions_dataset_and_training(tmp_path):
    project = load_project("resnet_small")
    project.training = {"optimizer": "adam", "lr": 0.003}
    first = project.graph.nodes[project.graph.topological_order()[3]]
    project.graph.move(first.id, (123.5, -40.0))
    path = save_project(project, tmp_path / "r.pgproj")
    again = load_project(path)
    assert graph_to_dict(again.graph) == graph_to_dict(project.graph)
    assert again.training == project.training and again.dataset == project.dataset
    assert again.graph.by_name(first.name).pos == (123.5, -40.0)
    assert [p.name for p in tmp_path.iterdir()] == ["r.pgproj"]  # no temp file left behind


def test_save_is_atomic_when_serializing_fails(tmp_path):
    path = save_project(load_project("tfp_mlp"), tmp_path / "keep.pgproj")
    before = path.read_text()
    broken = load_project("tfp_mlp")
    broken.training = {"bad": object()}
    with pytest.raises(TypeError):
        save_project(broken, path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.pgproj"]


@pytest.mark.parametrize("mutate, where, words", [
    (lambda d: d["graph"]["nodes"][3].update(params={"kernel_size": 0}), "graph.nodes[3].params.kernel_size",
     "must be at least 1"),
    (lambda d: d["graph"]["nodes"][1].update(kind="Conv3d"), "graph.nodes[1].kind", "unknown layer kind 'Conv3d'"),
    (lambda d: d["graph"]["nodes"][1]["params"].update(kernal=3), "graph.nodes[1].params.kernal", "no parameter 'kernal'"),
    (lambda d: d["graph"]["edges"].append(["conv1", "ghost"]), "graph.edges[12]", "no layer named 'ghost'"),
    (lambda d: d["graph"]["edges"].append(["fc3", "conv1"]), "graph.edges[12]", "loop"),
    (lambda d: d["graph"]["nodes"][2].update(name="conv1"), "graph.nodes[2].name", "already a layer named 'conv1'"),
    (lambda d: d["graph"]["nodes"][2].update(pos="left"), "graph.nodes[2].pos", "two numbers"),
    (lambda d: d.update(version=99), "p.pgproj", "newer Playground"),
    (lambda d: d.pop("version"), "p.pgproj", "no valid 'version'"),
    (lambda d: d.update(graph=[]), "graph", "must be an object"),
    (lambda d: d.update(format="something-else"), "p.pgproj", "not a Playground project"),
])
def test_broken_files_name_the_place(tmp_path, mutate, where, words):
    data = _lenet_dict()
    mutate(data)
    with pytest.raises(ProjectFileError) as info:
        load_project(_write(tmp_path, data))
    text = str(info.value)
    assert where in text and words in text


def test_truncated_and_non_json_files(tmp_path):
    full = json.dumps(_lenet_dict())
    with pytest.raises(ProjectFileError, match="not valid JSON.*truncated"):
        load_project(_write(tmp_path, full[: len(full) // 2]))
    path = tmp_path / "bin.pgproj"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(ProjectFileError, match="cannot be read|not valid JSON"):
        load_project(path)
    with pytest.raises(ProjectFileError, match="presets are: .*lenet5"):
        load_project(tmp_path / "missing.pgproj")


def test_missing_positions_get_a_top_to_bottom_layout(tmp_path):
    data = {"format": "playground-project", "version": 1,
            "graph": {"nodes": [{"name": "input", "kind": "VectorInput"}, {"name": "fc", "kind": "Linear"}],
                      "edges": [["input", "fc"]]}}
    project = load_project(_write(tmp_path, data))
    ys = [project.graph.by_name(n).pos[1] for n in ("input", "fc")]
    assert ys[0] < ys[1]
    assert project.graph.by_name("fc").params["units"] == 8  # defaults fill missing params


def test_presets_are_named_and_load_without_a_path():
    assert set(preset_names()) >= {"perceptron", "tfp_mlp", "lenet5", "alexnet_small", "vgg_small", "resnet_small",
                                   "googlenet_small", "encoder_decoder"}
    project = load_project("lenet5")
    assert project.path is None and isinstance(project, Project)
