"""How every pyqtgraph plot in the app answers the mouse wheel and a double-click.

One rule for all plots (``install`` applies it to ``pyqtgraph.GraphicsView``, the base of
``PlotWidget`` and ``GraphicsLayoutWidget``, once): inside a panel that scrolls, the wheel
scrolls the panel, not the plot, unless the plot has the keyboard focus (click it first) or Ctrl
is held. A double-click on a plot restores its automatic range (pyqtgraph's "A" button, shown at
a plot's corner once it was zoomed, does the same). Plots whose mouse interaction is switched off
keep their fixed ranges.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QGraphicsView, QWidget


def scrolling_ancestor(widget: QWidget) -> QAbstractScrollArea | None:
    """The nearest enclosing scroll area that can actually scroll (None when nothing scrolls)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and not isinstance(parent, QGraphicsView):
            bars = (parent.verticalScrollBar(), parent.horizontalScrollBar())
            if any(bar.maximum() > bar.minimum() for bar in bars):
                return parent
        parent = parent.parentWidget()
    return None


def plot_takes_wheel(view: QGraphicsView, event) -> bool:
    """Whether a wheel event over ``view`` zooms the plot (else it scrolls the panel around it)."""
    if event.modifiers() & Qt.KeyboardModifier.ControlModifier or view.hasFocus():
        return True
    return scrolling_ancestor(view) is None


def restore_auto_range(view: QGraphicsView, pos=None) -> int:
    """Auto-range the view boxes under ``pos`` (all of them when None) whose mouse is enabled;
    returns how many."""
    items = view.items(pos) if pos is not None else view.items()
    boxes = {item for item in items if isinstance(item, pg.ViewBox)}
    if pos is not None and not boxes:
        boxes = {item for item in view.items() if isinstance(item, pg.ViewBox)}
    count = 0
    for box in boxes:
        if any(box.state["mouseEnabled"]):
            box.enableAutoRange()
            count += 1
    return count


def _wheel(view, event) -> None:
    area = None if plot_takes_wheel(view, event) else scrolling_ancestor(view)
    if area is None:
        _original_wheel(view, event)
        return
    # handed to the scroll area itself (Qt does not pass a synthesized wheel event up to parents)
    target = area.viewport()
    pos = QPointF(target.mapFromGlobal(event.globalPosition().toPoint()))
    forwarded = QWheelEvent(pos, event.globalPosition(), event.pixelDelta(), event.angleDelta(), event.buttons(),
                            event.modifiers(), event.phase(), event.inverted())
    QApplication.sendEvent(target, forwarded)
    event.accept()


def _double_click(view, event) -> None:
    QGraphicsView.mouseDoubleClickEvent(view, event)
    if event.button() == Qt.MouseButton.LeftButton:
        restore_auto_range(view, event.position().toPoint())


_original_wheel = pg.GraphicsView.wheelEvent


def install() -> None:
    """Apply the rule to every pyqtgraph view (idempotent)."""
    if pg.GraphicsView.wheelEvent is _wheel:
        return
    pg.GraphicsView.wheelEvent = _wheel
    pg.GraphicsView.mouseDoubleClickEvent = _double_click
