"""`playground layers`: every layer kind and parameter from the catalog (issue 19, item 16), and the
README's generated table equals what the command makes today."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playground.cli import main
from playground.cli.layers import replace_table
from playground.core.errors import PlaygroundError
from playground.graph.layer_table import README_END, README_START, markdown_table
from playground.graph.layers import all_specs

README = Path(__file__).resolve().parents[2] / "README.md"


def test_json_lists_every_kind_and_parameter_as_the_catalog_has_them(capsys):
    assert main(["layers", "--json"]) == 0
    records = {r["kind"]: r for r in json.loads(capsys.readouterr().out)}
    specs = all_specs()
    assert list(records) == [s.kind for s in specs]
    for spec in specs:
        params = records[spec.kind]["params"]
        assert [p["name"] for p in params] == [p.name for p in spec.params]
        for row, p in zip(params, spec.params):
            assert row["type"] == p.type and row["doc"] == p.doc and row["min"] == p.min and row["max"] == p.max
            default = list(p.default) if isinstance(p.default, tuple) else p.default
            assert row["default"] == default and p.coerce(p.default) == p.coerce(row["default"])
            assert row["range"]


def test_the_range_column_says_what_coerce_accepts():
    for spec in all_specs():
        for p in spec.params:
            from playground.graph.layer_table import value_range

            text = value_range(p)
            if p.type in ("int", "float") and p.min is not None:
                with pytest.raises(ValueError):
                    p.coerce(p.min - 1)
                assert str(int(p.min) if float(p.min).is_integer() else p.min) in text
            if p.choices:
                assert all(c in text for c in p.choices)


def test_plain_text_names_every_kind(capsys):
    assert main(["layers"]) == 0
    out = capsys.readouterr().out
    assert all(f"{s.kind} ({s.category})" in out for s in all_specs())
    assert "kernel_size" in out and "1 to 31" in out


def test_the_readme_table_is_the_generated_one():
    text = README.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    assert text[start:end] == markdown_table(), "regenerate: playground layers --write-readme README.md"


def test_write_readme_replaces_only_the_table(tmp_path, capsys):
    path = tmp_path / "README.md"
    path.write_text(f"# Title\n\nbefore\n{README_START}\nold\n{README_END}\nafter\n", encoding="utf-8")
    assert main(["layers", "--write-readme", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nbefore\n") and text.endswith("\nafter\n") and "old" not in text
    assert markdown_table() in text
    with pytest.raises(PlaygroundError, match="no layer table markers"):
        replace_table("no markers here", markdown_table())
    path.write_text("no markers", encoding="utf-8")
    assert main(["layers", "--write-readme", str(path)]) == 1
    assert "markers" in capsys.readouterr().err and path.read_text(encoding="utf-8") == "no markers"
