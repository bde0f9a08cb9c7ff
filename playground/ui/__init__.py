"""The desktop app: the only package that imports PySide6 or pyqtgraph.

``app.main`` opens the main window (``window``); ``project.document.Document`` is the model every
widget listens to (the project, its undo stack and the latest shape/validation results);
``project.commands`` holds the QUndoCommands through which every edit goes; ``canvas`` draws and
edits the graph, ``editor`` holds the views around it, ``dataset`` the Dataset panel, ``training``
the run, ``panels`` and ``learn`` the look-inside and Learn views, ``tasks`` the task records' views,
``common`` what they all share. Only ``app`` and ``refcount_guard`` sit at this top (a test checks).
Modules here import torch only lazily (``common.preload``), so the window paints before torch loads.
Importing this package first applies ``refcount_guard`` (a PySide6-on-Python-3.11 crash fix).
"""

from playground.ui import refcount_guard as _refcount_guard

_refcount_guard.apply()  # before any PySide6 call: see refcount_guard.py
