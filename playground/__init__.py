"""Playground: build neural networks by dragging layers, train them with real PyTorch, look inside."""

__version__ = "0.1.0"
