"""The desktop app: the only package that imports PySide6 or pyqtgraph.

``app.main`` opens the main window; ``document.Document`` is the model every widget listens to
(the project, its undo stack and the latest shape/validation results); ``commands`` holds the
QUndoCommands through which every edit goes; ``canvas`` draws and edits the graph.
Modules here import torch only lazily (``preload``), so the window paints before torch loads.
"""
