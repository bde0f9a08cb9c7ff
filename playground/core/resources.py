"""Where the app's shipped files (presets, lessons, icons) are read from: one place for every lookup.

``resources/`` sits at the top of the repository (the agreed layout) and the build maps it into the
package as ``playground.resources`` (see pyproject.toml / setup.py), so a wheel, an sdist install and
a PyInstaller bundle carry it and ``importlib.resources`` finds it. A source checkout run with
``python -m playground`` (or an editable install made before the mapping) has no such package; then
the checkout's own ``resources/`` next to the package is used. Nothing else in the code base may
compute a resource path from ``__file__``: call ``resource_path``.
"""

from __future__ import annotations

import importlib.resources
from functools import lru_cache
from pathlib import Path

PACKAGE = "playground.resources"


@lru_cache(maxsize=1)
def root() -> Path:
    """The folder holding ``presets/`` (and ``lessons/``, ``icons/`` when they exist)."""
    checkout = Path(__file__).resolve().parents[2] / "resources"
    if (checkout / "presets").is_dir() and (Path(__file__).resolve().parents[2] / "pyproject.toml").is_file():
        return checkout  # a source checkout: its own files, not another install's mapping
    try:
        found = importlib.resources.files(PACKAGE)
    except ModuleNotFoundError:
        found = None
    if isinstance(found, Path) and (found / "presets").is_dir():
        return found
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    """``resource_path("presets", "lenet5.json")``: a path inside the shipped resources."""
    return root().joinpath(*parts)
