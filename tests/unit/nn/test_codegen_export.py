"""Generated source and exports against the built module: same weights in, same outputs out."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from playground.core.errors import ExportError
from playground.graph.project import load_project, preset_names
from playground.nn.build import build_module
from playground.nn.codegen import generate_source
from playground.nn.export import export_project, load_pt


def _exec_model(source):
    scope = {"__name__": "generated"}
    exec(compile(source, "<generated>", "exec"), scope)
    return scope["Model"]


@pytest.mark.parametrize("name", preset_names())
def test_generated_source_matches_built_module(name):
    from playground.graph.networks import several, subgraph

    whole = load_project(name).graph
    for graph in [subgraph(whole, p.node_ids) for p in several(whole)] or [whole]:  # a GAN: each network
        built = build_module(graph, seed=3).eval()
        source = generate_source(graph, name)
        assert "playground" not in source.split('"""', 2)[2]  # standalone: no import of playground
        model = _exec_model(source)().eval()
        assert set(model.state_dict()) == set(built.state_dict())
        model.load_state_dict(built.state_dict())
        x = torch.randn(4, *built.meta["input_shape"])
        torch.testing.assert_close(model(x), built(x))


def test_generated_model_starts_with_the_same_weights_for_the_same_seed():
    graph = load_project("lenet5").graph  # xavier init with tanh gain, default init on the last layer
    built = build_module(graph, seed=11)
    torch.manual_seed(11)
    fresh = _exec_model(generate_source(graph))()
    for key, value in built.state_dict().items():
        torch.testing.assert_close(fresh.state_dict()[key], value)


def test_generated_file_runs_as_a_script(tmp_path):
    path = export_project(load_project("googlenet_small"), "py", tmp_path / "net.py")
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "output shape: (2, 7)" in result.stdout


def test_pt_round_trip_keeps_weights_and_project(tmp_path):
    project = load_project("resnet_small")
    module = build_module(project.graph, seed=5)
    with torch.no_grad():
        module.get_submodule("fc1").bias.fill_(0.25)  # "trained" weights must survive
    path = export_project(project, "pt", tmp_path / "m.pt", module=module)
    again, state = load_pt(path)
    assert again.name == project.name and len(again.graph.nodes) == len(project.graph.nodes)
    rebuilt = build_module(again.graph)
    rebuilt.load_state_dict(state)
    x = torch.randn(2, 1, 28, 28)
    torch.testing.assert_close(rebuilt.eval()(x), module.eval()(x))
    with pytest.raises(ExportError, match="not a Playground model file"):
        torch.save({"weights": 1}, tmp_path / "other.pt")
        load_pt(tmp_path / "other.pt")


def test_onnx_matches_torch_with_the_onnx_reference_runtime(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx.reference import ReferenceEvaluator

    project = load_project("lenet5")
    module = build_module(project.graph, seed=1).eval()
    path = export_project(project, "onnx", tmp_path / "m.onnx", module=module)
    onnx.checker.check_model(onnx.load(str(path)))
    x = torch.randn(3, 1, 28, 28)
    (got,) = ReferenceEvaluator(str(path)).run(None, {"x": x.numpy()})
    np.testing.assert_allclose(got, module(x).detach().numpy(), rtol=1e-4, atol=1e-5)


def test_onnx_without_the_extra_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx -> ImportError
    with pytest.raises(ExportError, match=r'pip install -e "\.\[onnx\]"'):
        export_project(load_project("tfp_mlp"), "onnx", tmp_path / "m.onnx")
    assert not list(tmp_path.iterdir())


def test_unknown_format_and_invalid_graph(tmp_path):
    with pytest.raises(ExportError, match="unknown export format"):
        export_project(load_project("tfp_mlp"), "h5", tmp_path / "m.h5")
    project = load_project("tfp_mlp")
    project.graph.set_param(project.graph.by_name("input").id, "x1", False)
    project.graph.set_param(project.graph.by_name("input").id, "x2", False)
    from playground.core.errors import GraphError
    with pytest.raises(GraphError, match="(?s)cannot be built yet.*no input features"):
        export_project(project, "py", tmp_path / "m.py")
