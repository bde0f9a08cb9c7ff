"""Side by side and the laser pointer: two copies trained together in synchronized halves, from the
View menu, the dialog and a lesson step; the project itself never changes; the start page stays
torch-free."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint

from playground.graph.project import graph_to_dict
from playground.train.lessons.contrast import contrast_projects, parse_contrast
from playground.ui.classroom.contrast_dialog import ContrastDialog, open_side_by_side
from playground.ui.learn.lessons_dock import open_lesson

TANH_RELU = "tanh | ReLU | replace layer tanh1 ReLU; replace layer tanh2 ReLU"


def _state(project):
    return json.dumps([graph_to_dict(project.graph), project.dataset, project.training], sort_keys=True)


def _train(qtbot, view, steps):
    view.step(steps)
    qtbot.waitUntil(lambda: view._latest is not None and min(s["step"] for s in view._latest) >= steps, timeout=60000)
    view.redraw()


def test_side_by_side_trains_both_and_draws_them_on_shared_axes(make_window, qtbot):
    window = make_window("tfp_mlp")
    before = _state(window.doc.project)
    view = open_side_by_side(window, parse_contrast(TANH_RELU))
    _train(qtbot, view, 30)
    a, b = view._latest
    assert (a["label"], b["label"]) == ("tanh", "ReLU")
    for half, snap in zip(view.halves, view._latest):
        x, y = half.train_curve.xData, half.train_curve.yData  # the data (getData is log10 on a log axis)
        assert len(x) == snap["step"] and np.allclose(y, snap["loss"])  # every step's loss drawn
        assert half.plane.isVisible()  # 2-D points: the decision surface
        heights = half.bars.opts["height"] + half.bars.opts["y0"]
        assert np.allclose(10 ** heights, snap["grad_norms"])
    vb = [h.loss_plot.getViewBox() for h in view.halves]
    assert vb[1].linkedView(vb[1].YAxis) is vb[0] and vb[1].linkedView(vb[1].XAxis) is vb[0]
    low, high = vb[0].viewRange()[1]  # log10 units: both halves' losses fit the shared range
    every = np.concatenate([s["loss"] for s in view._latest])
    assert low <= np.log10(every.min()) and np.log10(every.max()) <= high
    # the right half is the contrast's B: its network has ReLU where the left has tanh
    kinds = [[type(m).__name__ for m in run.build().model.modules()] for run in view.pair.runs]
    assert "Tanh" in kinds[0] and "ReLU" not in kinds[0] and "ReLU" in kinds[1] and "Tanh" not in kinds[1]
    assert _state(window.doc.project) == before  # copies are trained, the project is untouched
    view.close()
    assert not view.thread.is_alive()


def test_dialog_offers_fitting_contrasts_and_refuses_a_bad_one(make_window, qtbot):
    window = make_window("tfp_mlp")
    dialog = ContrastDialog(window.doc.project, window)
    qtbot.addWidget(dialog)
    assert dialog.choice.count() >= 5 and dialog.contrast is not None
    for i in range(dialog.choice.count() - 1):
        dialog.choice.setCurrentIndex(i)
        a, b = contrast_projects(window.doc.project, dialog.contrast)
        assert _state(a) != _state(b)
    dialog.choice.setCurrentIndex(dialog.choice.count() - 1)  # Custom…
    dialog.actions.setText("replace layer nosuch ReLU")
    ok = dialog.buttons.buttons()[0]
    assert dialog.contrast is None and not ok.isEnabled() and "nosuch" in dialog.problem.text()
    dialog.actions.setText("set training.lr 0.5")
    assert dialog.contrast is not None and dialog.buttons.buttons()[0].isEnabled()


def test_view_menu_has_side_by_side(make_window):
    window = make_window("tfp_mlp")
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View")
    assert window.lessons.side_action in view_menu.actions()
    assert window.lessons.side_action.shortcut().toString() == "Ctrl+Shift+B"


def test_lesson_step_opens_the_lessons_contrast_on_its_own_project(make_window, qtbot):
    window = make_window("tfp_mlp")
    lesson = open_lesson(window, "activations_saturation")
    index = next(i for i, s in enumerate(lesson.steps) if any(a.startswith("side by side") for a in s.actions))
    from playground.ui.learn.lessons_steps import perform

    perform(window, ("replace layer tanh1 ReLU",))  # the student changed the project meanwhile
    assert perform(window, lesson.steps[index].actions) == ""
    view = window.side_by_side
    assert (view.contrast.label_a, view.contrast.label_b) == ("tanh", "ReLU")
    left = [n.kind for n in view.pair.runs[0].project.graph.nodes.values()]
    assert left.count("Tanh") == 2  # the lesson's own project on the left, not the student's edit
    view.close()


def test_laser_pointer_in_presentation_mode(make_window, qtbot):
    window = make_window("tfp_mlp")
    laser = window.lessons.laser
    assert not laser.on
    window.lessons.set_presenting(True)
    try:
        next(k for k in window.lessons._keys if k.key().toString() == "L").activated.emit()
        assert laser.on and laser.geometry() == window.rect()
        from PySide6.QtCore import Qt

        assert laser.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # clicks reach the app
        laser.trail.clear()
        laser.trail.append(QPoint(200, 150))
        image = laser.grab().toImage()
        centre, far = image.pixelColor(200, 150), image.pixelColor(400, 300)
        assert centre.red() > 200 and centre.green() < 120 and centre.alpha() > 150
        assert far.alpha() == 0  # nothing painted away from the pointer
    finally:
        window.lessons.set_presenting(False)
    assert not laser.on  # leaving presentation mode turns it off


def test_start_page_does_not_load_torch_in_the_gui_thread():
    code = ("import sys\nfrom PySide6.QtWidgets import QApplication\napp = QApplication([])\n"
            "from playground.ui.learn.lessons_dock import LessonBrowser\nLessonBrowser(None, True)\n"
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr


def test_dialog_refuses_a_network_with_a_problem(make_window, qtbot):
    """Found driving the app under Xvfb: a broken network opened two empty halves and an error
    line cut at the window's edge; now the dialog says what to fix and offers no OK."""
    window = make_window("tfp_mlp")
    fc2 = window.doc.graph.find("fc2")
    edge = window.doc.graph.in_edges(fc2.id)[0]
    window.doc.graph.disconnect(edge.src, fc2.id)  # fc2 now has no input: an error
    dialog = ContrastDialog(window.doc.project, window)
    qtbot.addWidget(dialog)
    assert dialog.contrast is None and not dialog.buttons.buttons()[0].isEnabled()
    assert "problem to fix first" in dialog.problem.text()
