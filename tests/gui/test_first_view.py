"""Item 10 of issue 19: the "network is empty" text goes as soon as a layer is added, and a project
opens fitted to the view (never magnified past the fit, never below the readable minimum)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QRegion

from playground.graph.project import Project, load_project
from playground.ui.canvas.view import READABLE_SCALE


class PaintSpy(QObject):
    def __init__(self):
        super().__init__()
        self.region = QRegion()

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.region = self.region.united(event.region())
        return False


def test_empty_text_is_repainted_away_when_a_layer_is_added(make_window, qtbot):
    window = make_window(Project(name="empty"))
    qtbot.wait(50)
    spy = PaintSpy()
    viewport = window.view.viewport()
    viewport.installEventFilter(spy)
    window.editor.append_layer("PointsInput", [])  # no scrolling: only the repaint the change asks for
    qtbot.waitUntil(lambda: not spy.region.isEmpty())
    qtbot.wait(50)
    viewport.removeEventFilter(spy)
    assert window.scene.nodes
    # the text spans the viewport (less a 40 px margin): all of it must be painted over
    assert QRegion(viewport.rect().adjusted(40, 40, -40, -40)).subtracted(spy.region).isEmpty()


def _expected_scale(view) -> float:
    """The scale that shows the whole network in the viewport, computed here from the items."""
    rect = view._content()
    fit = min(view.viewport().width() / rect.width(), view.viewport().height() / rect.height(), 1.0)
    return max(fit, READABLE_SCALE)


def _visible_nodes(window) -> int:
    shown = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    return sum(shown.contains(item.sceneBoundingRect()) for item in window.scene.nodes.values())


def test_opening_a_preset_fits_it_at_a_readable_zoom(make_window, qtbot):
    window = make_window("lenet5")
    window.resize(1280, 800)
    window.set_project(load_project("lenet5"))
    qtbot.wait(50)
    view = window.view
    assert abs(view.scale_factor() - _expected_scale(view)) < 0.02
    assert view.scale_factor() >= READABLE_SCALE - 1e-6
    total = len(window.scene.nodes)
    # fitted: the whole network, or as much of it as the readable minimum allows, starting at its top
    assert _visible_nodes(window) == total or view.scale_factor() <= READABLE_SCALE + 1e-6
    assert _visible_nodes(window) > 6


def test_first_view_follows_the_window_until_the_person_zooms(make_window, qtbot):
    window = make_window("tfp_mlp")
    window.show_network()
    window.resize(1400, 900)
    qtbot.wait(50)
    assert abs(window.view.scale_factor() - _expected_scale(window.view)) < 0.02
    window.zoom_in()
    zoomed = window.view.scale_factor()
    window.resize(1100, 700)
    qtbot.wait(50)
    assert window.view.scale_factor() == zoomed
