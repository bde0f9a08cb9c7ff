"""The CLI's graph commands as a user runs them: presets, check, export (through main())."""

import json

import pytest

from playground.cli import main
from playground.graph.project import load_project, save_project


def test_presets_json(capsys):
    assert main(["presets", "--json"]) == 0
    presets = json.loads(capsys.readouterr().out)
    assert {"lenet5", "resnet_small"} <= {p["name"] for p in presets}
    assert all(p["description"] for p in presets)


def test_check_json_has_the_documented_keys(capsys):
    assert main(["check", "lenet5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["input_shape"] == [1, 28, 28] and data["output_shape"] == [7]
    assert data["issues"] == []
    conv1 = next(layer for layer in data["layers"] if layer["name"] == "conv1")
    assert conv1["output_shape"] == [6, 28, 28] and conv1["params"] == 6 * 25 + 6
    assert conv1["receptive_field"]["size"] == 5
    assert data["total_params"] == sum(layer["params"] for layer in data["layers"])


def test_check_text_and_invalid_graph_exit_1(tmp_path, capsys):
    assert main(["check", "vgg_small"]) == 0
    assert "receptive field" in capsys.readouterr().out
    project = load_project("lenet5")
    project.graph.set_param(project.graph.by_name("conv2").id, "kernel_size", 20)
    path = save_project(project, tmp_path / "bad.pgproj")
    assert main(["check", str(path)]) == 1
    assert "kernel 20x20 is larger than its input 14x14" in capsys.readouterr().out


def test_missing_project_is_one_clear_line(capsys):
    assert main(["check", "no_such_thing"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err and "presets are" in err


@pytest.mark.parametrize("fmt", ["py", "json", "pt"])
def test_export_formats(tmp_path, fmt, capsys):
    out = tmp_path / f"m.{fmt}"
    assert main(["export", "perceptron", "--format", fmt, "-o", str(out)]) == 0
    assert out.exists() and out.stat().st_size > 0
    if fmt == "json":
        assert load_project(out).name == "Perceptron"
