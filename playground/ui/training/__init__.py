"""Training in the app: the worker-thread bridge (``session``), the toolbar and status line
(``controls``), the settings form (``settings_panel``) and the glue that puts them in the window
(``attach``). The curves live in ``playground.ui.panels.curves``.
"""
