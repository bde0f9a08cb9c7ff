"""The text of Playground's own torch modules, for code generation: read as package data, not inspected.

``playground/nn/modules.py`` is self-contained (torch imports only), so generated files copy its
classes verbatim. ``inspect.getsource`` needs the source at run time, which a frozen app (PyInstaller)
does not have; so the file is read as package data through ``importlib.resources`` (a wheel ships it,
the PyInstaller spec adds it to the bundle's data) and each class is cut out with ``ast``. A bundle
built without the file raises ``ExportError`` naming what is missing, instead of crashing.
"""

from __future__ import annotations

import ast
import importlib.resources
from functools import lru_cache

from playground.core.errors import ExportError

PACKAGE, FILE = "playground.nn", "modules.py"


@lru_cache(maxsize=1)
def _classes() -> dict[str, str]:
    try:
        text = importlib.resources.files(PACKAGE).joinpath(FILE).read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError) as exc:
        raise ExportError(f"the source of {PACKAGE}.{FILE[:-3]} is not installed ({type(exc).__name__})",
                          fix="reinstall Playground; a bundle must carry playground/nn/modules.py as data") from None
    tree = ast.parse(text)
    return {node.name: ast.get_source_segment(text, node) for node in tree.body if isinstance(node, ast.ClassDef)}


def class_source(name: str) -> str:
    """The source of class ``name`` in playground/nn/modules.py, as written there (decorators included)."""
    return _classes()[name]
