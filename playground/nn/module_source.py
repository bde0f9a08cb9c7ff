"""The text of Playground's own torch modules, for code generation: read as package data, not inspected.

``playground/nn/modules.py`` is self-contained (torch imports only), so generated files copy its
classes verbatim. ``inspect.getsource`` needs the source at run time, which a frozen app (PyInstaller)
does not have; so the file is read as package data through ``importlib.resources`` (a wheel ships it,
the PyInstaller spec adds it to the bundle's data) and each class is cut out with ``ast`` (``definition_source`` does the same for the training
script's schedule and loss functions). A bundle
built without the file raises ``ExportError`` naming what is missing, instead of crashing.
"""

from __future__ import annotations

import ast
import importlib.resources
from functools import lru_cache

from playground.core.errors import ExportError

PACKAGE, FILE = "playground.nn", "modules.py"


@lru_cache(maxsize=None)
def _definitions(package: str, file: str) -> dict[str, str]:
    try:
        text = importlib.resources.files(package).joinpath(file).read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError) as exc:
        raise ExportError(f"the source of {package}.{file[:-3]} is not installed ({type(exc).__name__})",
                          fix=f"reinstall Playground; a bundle must carry {package.replace('.', '/')}/{file} as data") from None
    tree = ast.parse(text)
    return {node.name: ast.get_source_segment(text, node) for node in tree.body
            if isinstance(node, (ast.ClassDef, ast.FunctionDef))}


def definition_source(package: str, file: str, name: str) -> str:
    """The source of top-level class or function ``name`` in ``package``'s ``file`` (read as package data)."""
    return _definitions(package, file)[name]


def class_source(name: str) -> str:
    """The source of class ``name`` in playground/nn/modules.py, as written there."""
    return definition_source(PACKAGE, FILE, name)
