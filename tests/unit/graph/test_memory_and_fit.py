"""Memory estimates against torch, refusals for networks that cannot fit (issue 12, defect 12), and
the dataset-fit check (defect 10: a points network on image or 1-D data is a message, not IndexError).
"""

import pytest
import torch

from playground.cli import main
from playground.core.errors import GraphError
from playground.data import load_settings
from playground.graph import memory
from playground.train.fit_check import DataFacts, fit_issues, loaded_facts
from playground.graph.model import Graph
from playground.graph.project import Project, load_project, preset_names, save_project
from playground.graph.shapes import infer
from playground.nn.build import build_module
from playground.train.config import optimizer_state_slots
from playground.train.optimizers import make_optimizer

GB = 1 << 30


@pytest.mark.parametrize("preset", ["lenet5", "resnet_small", "tfp_mlp"])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "adadelta"])
def test_footprint_matches_torch(preset, optimizer):
    graph = load_project(preset).graph
    shapes = infer(graph)
    model = build_module(graph)
    batch = 3
    outputs = []
    hooks = [m.register_forward_hook(lambda m, i, o: outputs.append(o.numel()))
             for name, m in model.named_children()]
    x = torch.randn(batch, *model.meta["input_shape"])
    model(x).sum().backward()
    for h in hooks:
        h.remove()
    opt = make_optimizer(list(model.parameters()), optimizer, 0.01, fast=False)
    opt.step()
    state_bytes = sum(v.numel() * 4 for s in opt.state.values() for v in s.values()
                      if isinstance(v, torch.Tensor) and v.dim() > 0)
    need = memory.footprint(shapes, batch, optimizer_state_slots(optimizer))
    assert need.weights == sum(p.numel() * 4 for p in model.parameters())
    assert need.gradients == sum(p.grad.numel() * 4 for p in model.parameters())
    assert need.optimizer_state == state_bytes
    if preset != "tfp_mlp":  # a points input's output is its features, made inside the first module
        assert need.activations == 2 * 4 * sum(outputs)


def _huge() -> Project:
    graph = Graph()
    a = graph.add_node("VectorInput", params={"features": 100000})
    b = graph.add_node("Linear", params={"units": 100000})
    graph.connect(a.id, b.id)
    return Project(graph, name="huge", dataset={"name": "iris", "params": {}})


@pytest.fixture
def small_machine(monkeypatch):
    monkeypatch.setattr(memory, "machine_memory", lambda: 16 * GB)


def test_a_40_gb_layer_is_warned_by_check_and_refused_by_export_train_and_build(tmp_path, capsys, small_machine):
    path = save_project(_huge(), tmp_path / "huge.pgproj")
    assert main(["check", str(path)]) == 1  # a valid graph, with the memory warning; iris does not fit 100,000 inputs
    out = capsys.readouterr().out
    assert "10,000,100,000 parameters" in out
    assert "warning: training needs about" in out and "more than this machine's 16.0 GB" in out
    assert main(["export", str(path), "--format", "pt", "-o", str(tmp_path / "m.pt")]) == 1
    assert "weights alone need 37.3 GB" in capsys.readouterr().err and not (tmp_path / "m.pt").exists()
    assert main(["train", str(path), "--epochs", "1", "--out", str(tmp_path / "run.json")]) == 1
    err = capsys.readouterr().err
    assert "training needs about 74.6 GB (weights 37.3 GB, gradients 37.3 GB" in err and "Traceback" not in err
    assert not (tmp_path / "run.json").exists()
    with pytest.raises(GraphError, match="more than this machine's 16.0 GB"):
        build_module(_huge().graph)


def test_a_batch_too_large_is_refused_with_a_smaller_batch_as_the_fix(capsys, small_machine):
    assert main(["train", "lenet5", "--batch-size", str(2**31 - 1), "--epochs", "1"]) == 1
    err = capsys.readouterr().err
    assert "activations for a batch of 2147483647" in err and "use a smaller batch size" in err
    issues = memory.memory_issues(infer(load_project("lenet5").graph), batch_size=32)
    assert issues == []  # the normal batch fits


def test_the_real_machine_memory_is_read():
    total = memory.machine_memory()
    assert total is None or total > 64 * 2**20


# ---- dataset fit ----------------------------------------------------------------------------------

@pytest.mark.parametrize("preset", preset_names())
def test_every_preset_fits_its_own_dataset(preset):
    project = load_project(preset)
    info = load_settings(project.dataset, 0).info
    assert fit_issues(project.graph, None, project.dataset, project.training, facts=loaded_facts(info)) == []


@pytest.mark.parametrize("preset, data_shape", [
    ("tfp_mlp", (1, 28, 28)), ("tfp_mlp", (1,)), ("tfp_mlp", (4,)), ("lenet5", (2,)), ("lenet5", (3, 32, 32)),
    ("lenet5", (1, 8, 8)), ("perceptron", (13,)),
])
def test_mismatch_is_an_error_on_the_input_and_would_fail_in_torch(preset, data_shape):
    graph = load_project(preset).graph
    facts = DataFacts("d", "d", "regression", data_shape, 0, (1,), points=False)
    issues = [i for i in fit_issues(graph, None, None, {}, facts=facts) if i.node_id == graph.input_nodes()[0].id]
    assert len(issues) == 1 and issues[0].severity == "error"
    assert issues[0].node_id == graph.input_nodes()[0].id
    # the reference: torch fails on such data, or (points on wider data) silently ignores columns
    model = build_module(graph)
    try:
        model(torch.randn(2, *data_shape))
        assert data_shape[0] > 2 and len(data_shape) == 1  # only points on wider vectors "run"
    except (IndexError, RuntimeError):
        pass
