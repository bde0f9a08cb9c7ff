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
        self.clear()

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
        finite = ys[np.isfinite(ys)]
        if len(finite):
            self.lo, self.hi = min(self.lo, float(finite.min())), max(self.hi, float(finite.max()))

    def clear(self) -> None:
        self.n = 0
        self.lo, self.hi = np.inf, -np.inf  # the finite values' extent so far

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x[: self.n], self.y[: self.n]


#: a curve with symbols shows them up to this many points; beyond, they would merge into the line
#: and drawing thousands of them took 50-90 ms per repaint (the fast engine's thousands of epochs)
SYMBOL_LIMIT = 200


class LiveCurve:
    """One curve on a plot, fed in chunks, redrawn on demand."""

    def __init__(self, plot: pg.PlotItem, name: str, pen, symbol: str | None = None, capacity: int = 1024):
        self.series = GrowingSeries(capacity)
        self.item = plot.plot([], [], pen=pen, name=name, symbol=symbol, symbolSize=5 if symbol else None,
                              symbolBrush=pen.color() if symbol and hasattr(pen, "color") else None)
        self.item.setDownsampling(auto=True, method="peak")
        self.item.setClipToView(True)
        self._symbol = symbol
        self._symbols_on = symbol is not None
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
            if self._symbol is not None and (self.series.n <= SYMBOL_LIMIT) != self._symbols_on:
                self._symbols_on = not self._symbols_on
                self.item.setSymbol(self._symbol if self._symbols_on else None)
            self.item.setData(x, y)
            self._dirty = False

    def set_visible(self, visible: bool) -> None:
        self.item.setVisible(visible)


#: the mantissas an axis range grows through (1, 1.5, 2, 3, ... 8, 10 times a power of ten): the
#: curve fills at least two thirds of the axis, and the range changes a few dozen times per run
NICE = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceil(value: float) -> float:
    """The smallest 1-1.5-2-3-4-5-6-8 x 10^k at or above ``value`` (> 0)."""
    if not np.isfinite(value) or value <= 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(value))
    return float(next(m * power for m in NICE if m * power >= value * (1 - 1e-12)))


class SteadyAxis:
    """One axis of a plot whose range grows in steps (``nice_ceil``) as live data comes in, instead
    of following every new point: its ticks (text, the costliest part of a repaint: 4 ms an axis)
    are drawn again only when the range changes. Stays out of the way once the person zooms or
    pans (the range is no longer the one it set) until autorange is switched back on."""

    def __init__(self, plot: pg.PlotItem, axis: int):
        self.plot, self.axis = plot, axis  # axis 0: x, 1: y
        self._set: tuple[float, float] | None = None

    def _theirs(self, current) -> bool:
        auto = self.plot.vb.autoRangeEnabled()[self.axis]
        return not auto and self._set is not None and not np.allclose(current, self._set, rtol=1e-6, atol=1e-12)

    def follow(self, lo: float, hi: float, pad: float = 0.04) -> None:
        """Show at least ``lo``..``hi`` (the data's extent), and ``pad`` of the range above it (a
        point on the top line is not cut in half)."""
        current = self.plot.vb.viewRange()[self.axis]
        if self._theirs(current) or not (np.isfinite(lo) and np.isfinite(hi)):
            return
        top = max(lo + 1e-12, nice_ceil(hi) if hi > 0 else hi)
        target = (float(lo), float(top + pad * (top - lo)))
        if self._set == target and np.allclose(current, target, rtol=1e-6, atol=1e-12):
            return
        self._set = target
        if self.axis == 0:
            self.plot.setXRange(*target, padding=0)
        else:
            self.plot.setYRange(*target, padding=0)

    def release(self) -> None:
        """Hand the axis back to pyqtgraph's autorange (a log axis, a rescale)."""
        self._set = None
        self.plot.enableAutoRange(x=True if self.axis == 0 else None, y=True if self.axis == 1 else None)
