"""`playground datasets [--json]` and `--download`, through the real CLI entry point."""

from __future__ import annotations

import json
from urllib.error import URLError

from playground.cli import main
from playground.data import DATASETS
from playground.data import download as dl


def test_json_lists_every_dataset_with_the_contract_keys(capsys):
    assert main(["datasets", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == list(DATASETS)
    for r in rows:
        assert {"name", "task", "input_shape", "classes", "source", "available"} <= set(r)
    spiral = next(r for r in rows if r["name"] == "spiral")
    assert spiral == {**spiral, "task": "classification", "input_shape": [2], "classes": 2,
                      "source": "generated", "available": True}


def test_table_has_one_line_per_dataset(capsys):
    assert main(["datasets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["NAME", "TASK", "INPUT", "CLASSES"]
    assert [line.split()[0] for line in lines[1:]] == list(DATASETS)
    shapes = next(line for line in lines if line.startswith("shapes "))
    assert "1x28x28" in shapes and " 7 " in shapes and "generated" in shapes


def test_download_offline_is_one_clear_line(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path))

    def offline(url, timeout=None):
        raise URLError("no route to host")

    monkeypatch.setattr(dl, "urlopen", offline)
    assert main(["datasets", "--download", "mnist"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: download 'mnist': could not download") and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
