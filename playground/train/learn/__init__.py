"""The torch side of the Learn views: the mechanics a course teaches, computed with real torch code.

Each module owns one view's numbers (plain numpy out, never live tensors) and imports no Qt.
"""
