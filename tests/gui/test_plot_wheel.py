"""Item 12 of issue 19: over a plot inside a scrolling panel the wheel scrolls the panel, unless
the plot has the focus or Ctrl is held; a double-click restores the plot's automatic range."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QScrollArea, QVBoxLayout, QWidget

import playground.ui.plots  # noqa: F401  - installs the rule, as the app does


def wheel(view, modifiers=Qt.KeyboardModifier.NoModifier, steps: int = 3) -> None:
    viewport = view.viewport()
    centre = QPointF(viewport.width() / 2, viewport.height() / 2)
    event = QWheelEvent(centre, viewport.mapToGlobal(centre), QPoint(), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, event)


def _range(box) -> list:
    return [list(r) for r in box.viewRange()]


def _layout_plot(widget):
    return widget.addPlot(row=0, col=0)


@pytest.fixture(params=["PlotWidget", "GraphicsLayoutWidget"])
def panel(request, qtbot):
    """A scrolling panel holding a plot between two tall labels."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    inner = QWidget()
    layout = QVBoxLayout(inner)
    field = QLineEdit("the keyboard focus is here, not on the plot")
    layout.addWidget(field)
    if request.param == "PlotWidget":
        view = pg.PlotWidget()
        plot = view.getPlotItem()
    else:
        view = pg.GraphicsLayoutWidget()
        plot = _layout_plot(view)
    plot.plot([0, 1, 2, 3], [0, 1, 4, 9])
    view.setMinimumHeight(300)
    layout.addWidget(view)
    spacer = QLabel("below")
    spacer.setMinimumHeight(900)
    layout.addWidget(spacer)
    area.setWidget(inner)
    area.resize(400, 350)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    field.setFocus()
    return area, view, plot.getViewBox()


def test_wheel_over_a_plot_scrolls_the_panel(panel, qtbot):
    area, view, box = panel
    before = _range(box)
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    wheel(view, steps=-3)  # wheel down: the panel scrolls down
    assert bar.value() > 0
    assert _range(box) == before
    assert box.autoRangeEnabled() == [True, True]


def test_wheel_zooms_a_focused_plot_or_with_ctrl(panel, qtbot):
    area, view, box = panel
    before = _range(box)
    wheel(view, Qt.KeyboardModifier.ControlModifier)
    assert _range(box) != before
    box.enableAutoRange()
    box.updateAutoRange()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    value = area.verticalScrollBar().value()
    before = _range(box)
    wheel(view)
    assert _range(box) != before
    assert area.verticalScrollBar().value() == value


def test_double_click_restores_the_automatic_range(panel, qtbot):
    _area, view, box = panel
    wheel(view, Qt.KeyboardModifier.ControlModifier)
    assert box.autoRangeEnabled() != [True, True]
    centre = box.mapRectToScene(box.boundingRect()).center()
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(centre))
    assert box.autoRangeEnabled() == [True, True]


def test_the_window_applies_the_rule_to_every_pyqtgraph_view():
    import playground.ui.window.main_window  # noqa: F401  - what the app imports
    from playground.ui.plots import wheel as rule

    assert pg.GraphicsView.wheelEvent is rule._wheel
    for cls in (pg.PlotWidget, pg.GraphicsLayoutWidget):
        assert cls.wheelEvent is rule._wheel and cls.mouseDoubleClickEvent is rule._double_click
