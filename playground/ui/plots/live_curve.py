"""A live curve that stays fast for millions of points (pyqtgraph's own advice, DESIGN.md rule 6).

The curve item is created once; points go into preallocated numpy arrays that double when full;
each redraw hands pyqtgraph views of the filled part, with automatic peak downsampling and
clip-to-view so only what is visible is drawn. Appending is cheap (no redraw); ``refresh`` redraws
at most once per GUI tick. ``set_log_mode`` is how every plot turns a log axis on: pyqtgraph's
automatic SI prefix would otherwise label a log axis "(x0.001)" and mean nothing.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg


def set_log_mode(plot, x: bool | None = None, y: bool | None = None) -> None:
    """Log (or linear) axes on ``plot`` (a PlotWidget or PlotItem); a log axis never gets an SI
    prefix such as "(x0.001)" in its label (its ticks are already powers of ten)."""
    item = plot.getPlotItem() if hasattr(plot, "getPlotItem") else plot
    changes = {k: v for k, v in (("x", x), ("y", y)) if v is not None}
    item.setLogMode(**changes)
    for which, on in changes.items():
        item.getAxis("bottom" if which == "x" else "left").enableAutoSIPrefix(not on)


class GrowingSeries:
    """x/y values in arrays that double in size when full."""

    def __init__(self, capacity: int = 1024):
        self.x = np.empty(capacity, dtype=np.float64)
        self.y = np.empty(capacity, dtype=np.float64)
        self.n = 0

    def extend(self, xs, ys) -> None:
        xs, ys = np.asarray(xs, dtype=np.float64).ravel(), np.asarray(ys, dtype=np.float64).ravel()
        need = self.n + len(xs)
        if need > len(self.x):
            size = max(need, 2 * len(self.x))
            for name in ("x", "y"):
                grown = np.empty(size, dtype=np.float64)
                grown[: self.n] = getattr(self, name)[: self.n]
                setattr(self, name, grown)
        self.x[self.n:need] = xs
        self.y[self.n:need] = ys
        self.n = need

    def clear(self) -> None:
        self.n = 0

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x[: self.n], self.y[: self.n]


class LiveCurve:
    """One curve on a plot, fed in chunks, redrawn on demand."""

    def __init__(self, plot: pg.PlotItem, name: str, pen, symbol: str | None = None, capacity: int = 1024):
        self.series = GrowingSeries(capacity)
        self.item = plot.plot([], [], pen=pen, name=name, symbol=symbol, symbolSize=5 if symbol else None,
                              symbolBrush=pen.color() if symbol and hasattr(pen, "color") else None)
        self.item.setDownsampling(auto=True, method="peak")
        self.item.setClipToView(True)
        self._dirty = False

    def extend(self, xs, ys) -> None:
        if len(np.atleast_1d(xs)):
            self.series.extend(xs, ys)
            self._dirty = True

    def clear(self) -> None:
        self.series.clear()
        self.item.setData([], [])
        self._dirty = False

    def refresh(self) -> None:
        if self._dirty:
            x, y = self.series.view()
            self.item.setData(x, y)
            self._dirty = False

    def set_visible(self, visible: bool) -> None:
        self.item.setVisible(visible)
