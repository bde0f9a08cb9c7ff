"""Malformed project files give a located message, never a traceback (issue 12, defects 4, 5, 14).

Each case is a real file written to disk and opened the way the app and the CLI open it; the
message must name the place. The same files through `playground check/export/train` print one
``error:`` line and exit 1.
"""

import json
import math

import pytest

import playground.train.config  # noqa: F401  (registers the "training" section check, as the CLI does)
from playground.cli import main
from playground.core.errors import ProjectFileError
from playground.graph.file_checks import MAX_FILE_BYTES
from playground.graph.project import load_project


def _lenet():
    return load_project("lenet5").to_dict()


def _node(d, i=1):
    return d["graph"]["nodes"][i]


def _deep(n):
    return "[" * n + "]" * n


CASES = {
    # name: (mutate the dict, or the raw text; the place the message must name)
    "pos NaN": (lambda d: _node(d).update(pos=[math.nan, math.inf]), "graph.nodes[1].pos"),
    "pos -Infinity": (lambda d: _node(d).update(pos=[0, -math.inf]), "graph.nodes[1].pos"),
    "pos huge": (lambda d: _node(d).update(pos=[1e300, 0]), "graph.nodes[1].pos"),
    "pos object": (lambda d: _node(d).update(pos={"x": 1, "y": 2}), "graph.nodes[1].pos"),
    "pos three numbers": (lambda d: _node(d).update(pos=[1, 2, 3]), "graph.nodes[1].pos"),
    "pos bools": (lambda d: _node(d).update(pos=[True, False]), "graph.nodes[1].pos"),
    "units Infinity": (lambda d: _node(d, 8)["params"].update(units=math.inf), "graph.nodes[8].params.units"),
    "units NaN": (lambda d: _node(d, 8)["params"].update(units=math.nan), "graph.nodes[8].params.units"),
    "units 4000 digits": (lambda d: _node(d, 8)["params"].update(units=10**4000), "graph.nodes[8].params.units"),
    "units text of 400 digits": (lambda d: _node(d, 8)["params"].update(units="9" * 400), "graph.nodes[8].params.units"),
    "kernel 1e400 text": (lambda d: _node(d)["params"].update(kernel_size="1e400"), "graph.nodes[1].params.kernel_size"),
    "dropout p Infinity": (lambda d: _node(d, 10).update(kind="Dropout", params={"p": math.inf}), "graph.nodes[10].params.p"),
    "reshape huge": (lambda d: _node(d, 7).update(kind="Reshape", params={"shape": [10**30]}), "graph.nodes[7].params.shape"),
    "reshape inf": (lambda d: _node(d, 7).update(kind="Reshape", params={"shape": [math.inf]}), "graph.nodes[7].params.shape"),
    "dataset.params text": (lambda d: d["dataset"].update(params="n=5"), "dataset.params"),
    "dataset.params list": (lambda d: d["dataset"].update(params=[["a", 1]]), "dataset.params"),
    "dataset.name number": (lambda d: d["dataset"].update(name=7), "dataset.name"),
    "dataset.split text": (lambda d: d["dataset"].update(split="80/20"), "dataset.split"),
    "dataset.split NaN": (lambda d: d["dataset"].update(split=[math.nan, 0.2]), "dataset.split"),
    "dataset.seed 2**63": (lambda d: d["dataset"].update(seed=2**63), "dataset.seed"),
    "dataset.seed negative": (lambda d: d["dataset"].update(seed=-1), "dataset.seed"),
    "dataset.seed text": (lambda d: d["dataset"].update(seed="7"), "dataset.seed"),
    "dataset.augment list": (lambda d: d["dataset"].update(augment=[1]), "dataset.augment"),
    "training unknown key": (lambda d: d["training"].update(turbo=True), "training"),
    "training lr fast": (lambda d: d["training"].update(lr="fast"), "training"),
    "training lr 10**400": (lambda d: d["training"].update(lr=10**400), "training"),
    "training lr NaN": (lambda d: d["training"].update(lr=math.nan), "training"),
    "training seed 2**63": (lambda d: d["training"].update(seed=2**63), "training"),
    "training seed 10**300": (lambda d: d["training"].update(seed=10**300), "training"),
    "training batch 10**20": (lambda d: d["training"].update(batch_size=10**20), "training"),
    "training optimizer list": (lambda d: d["training"].update(optimizer=["adam"]), "training"),
    "training optimizer_params huge": (lambda d: d["training"].update(optimizer="momentum", optimizer_params={"momentum": 10**400}), "training"),
    "training as list": (lambda d: d.update(training=[]), "training"),
    "version true": (lambda d: d.update(version=True), "p.pgproj"),
    "version 1.0": (lambda d: d.update(version=1.5), "p.pgproj"),
    "name 123": (lambda d: _node(d).update(name=123), "graph.nodes[1].name"),
    "name list": (lambda d: _node(d).update(name=["conv1"]), "graph.nodes[1].name"),
    "name null": (lambda d: _node(d).update(name=None), "graph.nodes[1].name"),
    "name reserved": (lambda d: _node(d).update(name="register_forward_hook"), "graph.nodes[1].name"),
    "project name number": (lambda d: d.update(name=5), "name"),
    "description object": (lambda d: d.update(description={"a": 1}), "description"),
    "lone surrogate": (lambda d: d.update(name="net\ud800"), "name"),
    "edge port true": (lambda d: d["graph"]["edges"].append(["conv1", "fc3", True]), "graph.edges[12]"),
    "edge port huge": (lambda d: d["graph"]["edges"].append(["conv1", "fc3", 10**30]), "graph.edges[12]"),
    "kind number": (lambda d: _node(d).update(kind=3), "graph.nodes[1]"),
    "params list": (lambda d: _node(d).update(params=[1]), "graph.nodes[1].params"),
    "nodes object": (lambda d: d["graph"].update(nodes={}), "graph.nodes"),
    "deep list in params": (lambda d: _node(d)["params"].update(kernel_size=json.loads(_deep(40))), "graph.nodes[1].params.kernel_size"),
    # raw text (not expressible as a dict that json.dumps writes)
    "5000-digit integer": ("5" * 5000, "p.pgproj"),
    "100k-deep list": (_deep(100_000), "p.pgproj"),
    "100k-deep list in a value": ('{"format": "playground-project", "version": 1, "x": ' + _deep(100_000) + "}", "p.pgproj"),
    "70-deep list in a node": (lambda d: _node(d)["params"].update(kernel_size=json.loads(_deep(70))),
                               "graph.nodes[1].params.kernel_size[0]"),
    "deep objects": ('{"a":' * 5000 + "1" + "}" * 5000, "p.pgproj"),
    "truncated": ('{"format": "playground-project", "version": 1, "graph": {"nodes": [', "p.pgproj"),
    "not utf-8": (b"\xff\xfe{}", "p.pgproj"),
    "empty": ("", "p.pgproj"),
    "array": ("[]", "p.pgproj"),
    "NaN at top": ("NaN", "p.pgproj"),
}


def write_case(tmp_path, case):
    mutate, _ = CASES[case]
    path = tmp_path / "p.pgproj"
    if isinstance(mutate, (str, bytes)):
        path.write_bytes(mutate.encode() if isinstance(mutate, str) else mutate)
    else:
        data = _lenet()
        mutate(data)
        path.write_text(json.dumps(data, allow_nan=True), encoding="utf-8")  # ASCII: "\ud800" as an escape
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_is_a_located_message(tmp_path, case):
    path = write_case(tmp_path, case)
    with pytest.raises(ProjectFileError) as info:
        load_project(path)
    where = CASES[case][1]
    assert info.value.where.startswith("p.pgproj") or info.value.where == str(path)
    assert where in str(info.value), str(info.value)
    assert len(str(info.value)) < 600  # a message, not a dump of the value


@pytest.mark.parametrize("command", ["check", "export", "train"])
@pytest.mark.parametrize("case", ["pos NaN", "units Infinity", "100k-deep list", "5000-digit integer",
                                  "dataset.params text", "training lr fast", "training seed 2**63", "version true",
                                  "name null", "name reserved", "lone surrogate"])
def test_cli_prints_the_message_not_a_traceback(tmp_path, capsys, command, case):
    path = write_case(tmp_path, case)
    extra = {"check": [], "export": ["--format", "py", "-o", str(tmp_path / "m.py")], "train": ["--epochs", "1"]}
    assert main([command, str(path), *extra[command]]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "p.pgproj" in err and "Traceback" not in err and err.count("\n") == 1
    assert not (tmp_path / "m.py").exists()


def test_special_files_and_size_cap(tmp_path, capsys):
    assert main(["check", "/dev/zero"]) == 1
    assert "not a regular file" in capsys.readouterr().err
    assert main(["check", str(tmp_path)]) == 1
    assert "not a regular file" in capsys.readouterr().err
    big = tmp_path / "big.pgproj"
    with big.open("wb") as fh:  # sparse: costs no disk
        fh.truncate(MAX_FILE_BYTES + 1)
    assert main(["train", str(big)]) == 1
    assert "at most 50 MB" in capsys.readouterr().err


def test_good_values_still_load(tmp_path):
    """The checks refuse the bad, not the odd-but-fine: big coordinates, a name absent (auto), seeds up to 2**63-1."""
    data = _lenet()
    _node(data)["pos"] = [-1e8, 5e8]
    del _node(data, 2)["name"]
    data["dataset"]["seed"] = 2**63 - 1
    data["training"]["seed"] = 2**63 - 1
    path = tmp_path / "ok.pgproj"
    path.write_text(json.dumps(data))
    project = load_project(path)
    assert project.dataset["seed"] == 2**63 - 1 and project.graph.nodes  # auto name given
    assert len({n.name for n in project.graph.nodes.values()}) == len(project.graph.nodes)
