"""Guards the import direction of ../shared/DESIGN.md by reading every module's imports.

core <- graph <- nn <- train, data <- train, and ui / cli on top. graph and core never import torch;
nothing outside ui imports Qt; core imports only the standard library.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "playground"

#: which playground sub-packages each sub-package may import
ALLOWED = {
    "core": {"core"},
    "graph": {"core", "graph"},
    "nn": {"core", "graph", "nn"},
    "data": {"core", "data"},
    "train": {"core", "graph", "nn", "data", "train"},
    "ui": {"core", "graph", "nn", "data", "train", "ui"},
    "cli": {"core", "graph", "nn", "data", "train", "ui", "cli"},
    "": {"core", "cli"},  # playground/__init__.py and __main__.py
}
QT = {"PySide6", "pyqtgraph", "superqt", "shiboken6", "PyQt5", "PyQt6"}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        layer = rel.parts[0] if len(rel.parts) > 1 else ""
        yield path, layer


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against the file's package
                base = list(path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level])
                name = ".".join(base + ([node.module] if node.module else []))
                yield name, node.lineno
            elif node.module:
                yield node.module, node.lineno


def test_package_has_modules():
    assert len(list(_modules())) > 5


@pytest.mark.parametrize("path,layer", list(_modules()), ids=lambda v: str(v) if isinstance(v, str) else v.name)
def test_imports_point_one_way(path, layer):
    problems = []
    for name, line in _imports(path):
        top = name.split(".")[0]
        where = f"{path.relative_to(PACKAGE.parent)}:{line}"
        if top == "playground":
            parts = name.split(".")
            target = parts[1] if len(parts) > 1 else ""
            if target in ("__version__", "RESOURCES"):
                target = ""
            if target and target not in ALLOWED[layer]:
                problems.append(f"{where} imports {name}: '{layer or 'playground'}' may not import '{target}'")
        if top in QT and layer != "ui":
            problems.append(f"{where} imports Qt ({name}) outside playground/ui")
        if top == "torch" and layer in ("core", "graph"):
            problems.append(f"{where} imports torch in '{layer}'")
        if layer == "core" and top != "playground" and top not in sys.stdlib_module_names and top != "__future__":
            problems.append(f"{where} imports third-party '{top}' in core (stdlib only)")
    assert not problems, "\n".join(problems)
