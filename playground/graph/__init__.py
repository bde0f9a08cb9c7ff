"""The layer graph as plain data: catalog, graph model, shapes, validation, receptive fields, projects.

Never imports torch or Qt.
"""
