"""Building the network: the views and gestures around the canvas (``playground.ui.canvas``).

``edits.Editor`` turns gestures into undoable edits; ``palette`` (layer kinds), ``inspector`` (the
selected layer's parameters), ``problems_panel`` (what is wrong and the fixes), ``summary_view``
(the per-layer table) and ``code_view`` (the network as PyTorch source, coloured by
``highlighter``) are the docks of the Build workspace.
"""
