"""Reusable pyqtgraph pieces for live plots (growing curves, hover read-outs)."""
