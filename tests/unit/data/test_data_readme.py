"""The README's data section lists every dataset in the registry, with its task."""

from __future__ import annotations

from pathlib import Path

from playground.data import DATASETS

README = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")


def _section() -> str:
    start, end = "<!-- section:data:start -->", "<!-- section:data:end -->"
    return README[README.index(start): README.index(end)]


def test_every_dataset_has_a_table_row_with_its_task():
    rows = {line.split("|")[1].strip(" `"): line for line in _section().splitlines() if line.startswith("| `")}
    assert set(rows) == set(DATASETS)
    for name, spec in DATASETS.items():
        assert spec.task in rows[name]


def test_data_section_documents_the_cli():
    assert "playground datasets [--json]" in _section() and "--download" in _section()
