"""Guards the import direction of ../shared/DESIGN.md by reading every module's imports.

core <- graph <- nn <- train, data <- train, and ui / cli on top. graph and core never import torch;
nothing outside ui imports Qt; core imports only the standard library. No import cycles among the
package's modules (module-level imports; below train, function-level ones too). Nothing sits loose
at the top of playground/ui but its entry (``UI_TOP``).
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


# ---- import cycles -----------------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path, lazy: bool = False):
    """Imports that run when the module is imported: everything outside function bodies (class
    bodies, ``if``/``try`` blocks and ``if TYPE_CHECKING:`` included: a cycle there is still a cycle
    of the design, even when Python never runs it). ``lazy``: function-level imports too."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    stack = list(ast.iter_child_nodes(tree))
    while stack:
        node = stack.pop()
        if not lazy and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = path.relative_to(PACKAGE.parent).with_suffix("").parts  # .../pkg/mod or pkg/__init__
                base = list(base[: len(base) - node.level])
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module, [alias.name for alias in node.names]
        stack.extend(ast.iter_child_nodes(node))


def import_graph(lazy: bool = False) -> dict[str, set[str]]:
    """playground module -> the playground modules it imports at module level (``lazy``: anywhere)."""
    paths = {_module_name(p): p for p, _ in _modules()}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        targets = set()
        for module, names in _top_level_imports(path, lazy):
            if module.split(".")[0] != "playground":
                continue
            found = [f"{module}.{n}" for n in names if f"{module}.{n}" in paths]
            if len(found) < len(names) or not names:  # some names are attributes of the module itself
                while module and module not in paths:
                    module = module.rpartition(".")[0]
                if module:
                    targets.add(module)
            targets.update(found)
        targets.discard(name)
        graph[name] = targets
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def test_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert import_cycles(graph) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    cycles = import_cycles(import_graph())
    assert not cycles, "import cycles among playground modules (module-level imports):\n" + "\n".join(
        " <-> ".join(c) for c in cycles)


#: the lower layers, where even an import inside a function may not close a circle (layers.py once
#: imported layer_kinds lazily while layer_kinds imported layers)
STRICT = ("playground.core", "playground.graph", "playground.nn", "playground.data")


def test_no_import_cycles_below_train_even_lazy():
    graph = {m: {t for t in targets if t.startswith(STRICT)}
             for m, targets in import_graph(lazy=True).items() if m.startswith(STRICT)}
    cycles = import_cycles(graph)
    assert not cycles, "import cycles (function-level imports included):\n" + "\n".join(" <-> ".join(c) for c in cycles)


#: the only modules allowed at the top of playground/ui: the package's entry (the Qt import guard
#: in __init__, the crash fix it applies first, and the app's start). Everything else lives in the
#: folder of what it serves (window, project, editor, canvas, dataset, training, panels, learn,
#: plots, tasks, common).
UI_TOP = {"__init__.py", "app.py", "refcount_guard.py"}


def test_nothing_loose_at_the_top_of_ui():
    loose = sorted(p.name for p in (PACKAGE / "ui").glob("*.py") if p.name not in UI_TOP)
    assert not loose, (f"modules loose at the top of playground/ui: {', '.join(loose)}; put each in the folder "
                       "of what it serves (ui/window, ui/project, ui/editor, ui/dataset, ui/training, ui/panels, ...)")


def test_every_ui_folder_is_a_package():
    folders = [p for p in (PACKAGE / "ui").iterdir() if p.is_dir() and p.name != "__pycache__"]
    assert folders and all((p / "__init__.py").exists() for p in folders), \
        [p.name for p in folders if not (p / "__init__.py").exists()]
