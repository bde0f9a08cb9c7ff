"""Playground: build neural networks by dragging layers, train them with real PyTorch, look inside."""

from pathlib import Path

__version__ = "0.1.0"

#: Folder with presets, icons and examples (next to the package in a source checkout).
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
