"""The README stays current with the registries it documents."""

from pathlib import Path

from playground.graph.layers import all_specs
from playground.graph.project import preset_names

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_layer_kind_and_preset_is_documented():
    missing = [s.kind for s in all_specs() if s.kind not in README]
    missing += [p for p in preset_names() if f"`{p}`" not in README]
    assert not missing, f"README does not mention: {missing}"


def test_readme_test_command_is_what_ci_runs():
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text(encoding="utf-8")
    command = [line for line in ci.splitlines() if "pytest" in line and not line.startswith("#")][-1].strip()
    assert command in README
