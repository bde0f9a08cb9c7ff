"""Layer names cannot shadow torch's module attributes (issue 12, defect 6).

The graph's reserved set is generated from torch (tools/make_reserved_names.py) because the graph
package must not import torch; this test derives the set from the classes again and fails when
torch gains a public attribute the file lacks. Every such name is refused with a rename, and the
suggested name really builds, exports and imports.
"""

import json

import pytest
from torch import fx, nn

from playground.cli import main
from playground.graph.layers import RESERVED_NAMES, name_problem
from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.nn.codegen import generate_source


def _torch_names() -> set[str]:
    module, graph_module = nn.Module(), fx.GraphModule(nn.Module(), fx.Graph())
    names = set(dir(nn.Module)) | set(dir(fx.GraphModule)) | set(vars(module)) | set(vars(graph_module))
    return {n for n in names | set(dir(graph_module)) if not n.startswith("_")}


TORCH_NAMES = sorted(_torch_names())
#: the names the issue found accepted
SEEN = ["register_forward_hook", "compile", "xpu", "share_memory", "recompile", "to_folder", "print_readable"]


def test_the_reserved_set_covers_every_torch_attribute():
    missing = set(TORCH_NAMES) - RESERVED_NAMES
    assert not missing, f"run python tools/make_reserved_names.py (missing: {sorted(missing)})"
    assert set(SEEN) <= RESERVED_NAMES


@pytest.mark.parametrize("name", TORCH_NAMES)
def test_each_torch_name_is_refused_with_a_rename_that_works(name):
    problem = name_problem(name)
    assert problem and "rename it to" in problem
    suggestion = problem.rsplit("'", 2)[-2]
    assert name_problem(suggestion) is None


def test_a_file_with_such_a_name_is_flagged_by_check_and_the_rename_builds(tmp_path, capsys):
    data = load_project("lenet5").to_dict()
    data["graph"]["nodes"][1]["name"] = "compile"
    data["graph"]["edges"] = [[("compile" if e == "conv1" else e) for e in edge] for edge in data["graph"]["edges"]]
    path = tmp_path / "p.pgproj"
    path.write_text(json.dumps(data))
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "graph.nodes[1].name" in err and "rename it to 'compile_1'" in err and "Traceback" not in err
    # the suggested name: check passes, the module builds, the generated source imports and runs
    text = path.read_text().replace('"compile"', '"compile_1"')
    path.write_text(text)
    assert main(["check", str(path)]) == 0
    project = load_project(path)
    module = build_module(project.graph)
    assert isinstance(module.compile_1, nn.Conv2d)
    namespace: dict = {}
    exec(compile(generate_source(project.graph), "gen", "exec"), namespace)  # noqa: S102 (our generated code)
    assert isinstance(namespace["Model"]().compile_1, nn.Conv2d)


@pytest.mark.parametrize("name", SEEN + ["meta", "graph", "code", "training"])
def test_the_names_the_probe_found_could_not_be_built_before(name):
    """The reference for the refusal: a module named so breaks torch (so refusing is right)."""
    root = nn.Module()
    try:
        root.add_module(name, nn.Identity())
        gm = fx.GraphModule(root, _one_call(name))
        broken = not isinstance(getattr(gm, name), nn.Identity)
    except (KeyError, AttributeError, RuntimeError, TypeError):
        broken = True
    assert broken


def _one_call(name):
    g = fx.Graph()
    x = g.placeholder("x")
    g.output(g.call_module(name, (x,)))
    return g


def test_rename_in_the_app_model_is_refused_too():
    project = load_project("perceptron")
    node = project.graph.by_name("fc1")
    for name in SEEN:
        with pytest.raises(Exception, match="rename it to"):
            project.graph.rename(node.id, name)
