"""The desktop app: the only package that imports PySide6 or pyqtgraph.

``app.main`` opens the main window; ``document.Document`` is the model every widget listens to
(the project, its undo stack and the latest shape/validation results); ``commands`` holds the
QUndoCommands through which every edit goes; ``canvas`` draws and edits the graph.
Modules here import torch only lazily (``preload``), so the window paints before torch loads.
Importing this package first applies ``refcount_guard`` (a PySide6-on-Python-3.11 crash fix).
"""

from playground.ui import refcount_guard as _refcount_guard

_refcount_guard.apply()  # before any PySide6 call: see refcount_guard.py
