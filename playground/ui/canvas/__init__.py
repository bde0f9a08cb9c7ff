"""The network canvas: a QGraphicsScene that mirrors a Document's graph, and the view around it.

``scene.GraphScene`` keeps one ``NodeItem`` per node and one ``EdgeItem`` per edge, following the
document's signals; gestures (dragging a wire, moving nodes) become commands through
``editor.edits.Editor``. ``view.GraphView`` adds zoom, pan, fit and palette drops.
"""
