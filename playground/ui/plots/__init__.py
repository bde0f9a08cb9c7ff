"""Reusable pyqtgraph pieces for live plots (growing curves, hover read-outs), and the wheel and
double-click rule every plot follows (``wheel.install``, applied when this package is imported)."""

from playground.ui.plots import wheel

wheel.install()
