"""Build configuration that pyproject.toml cannot express: ``resources/`` ships as ``playground.resources``.

``resources/`` (presets, lessons, icons) stays at the top of the repository, the agreed layout, and
is mapped into the package at build time so a wheel or an sdist install carries it as package data
(read with importlib.resources through ``playground/core/resources.py``). Everything else lives in
pyproject.toml.
"""

from setuptools import find_packages, setup

DATA = ["**/*.json", "**/*.md", "**/*.txt", "**/*.svg", "**/*.png", "**/*.npz", "**/*.csv", "**/*.html"]

setup(
    packages=[*find_packages(include=["playground", "playground.*"]), "playground.resources"],
    package_dir={"playground.resources": "resources"},
    package_data={"playground.resources": DATA},
)
