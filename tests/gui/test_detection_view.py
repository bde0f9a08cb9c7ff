"""The detection page: the boxes it draws are what a greedy NMS written here keeps, its sliders change
them as that reference says, the IoU calculator agrees with the hand formula, the grid's responsible
cell is the one holding the box centre, and the page fits 1280x800 in both themes."""

from __future__ import annotations

import numpy as np
import pytest
from detection_fakes import make_data
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel

from playground.train.detection.metrics import mean_average_precision
from playground.train.detection.view_data import DetectionData, from_evaluation
from playground.ui.common import style
from playground.ui.tasks.detection_view import DetectionPage


def ref_iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def ref_kept(boxes, scores, classes, conf, thr):
    """Greedy NMS per class, written out: the kept boxes."""
    kept = []
    for c in set(classes.tolist()):
        todo = sorted([i for i in range(len(scores)) if classes[i] == c and scores[i] >= conf],
                      key=lambda i: (-scores[i], i))
        while todo:
            best = todo.pop(0)
            kept.append(best)
            todo = [i for i in todo if ref_iou(boxes[best], boxes[i]) <= thr]
    return boxes[kept]


def same_boxes(a, b) -> bool:
    key = lambda m: sorted(map(tuple, np.round(np.asarray(m).reshape(-1, 4), 9)))  # noqa: E731
    return key(a) == key(b)


@pytest.fixture(scope="module")
def data():
    return make_data(8, seed=3)


@pytest.fixture
def page(qtbot, data):
    p = DetectionPage(data)
    qtbot.addWidget(p)
    p.resize(1280, 800)
    p.show()
    qtbot.waitExposed(p)
    return p


def painted(page):
    page.canvas.grab()  # paint now
    return page.canvas.painted


def test_drawn_kept_boxes_are_a_greedy_nms(page, data):
    for k in (0, 3, 7):
        page.index.setValue(k + 1)
        for conf, iou in ((0.25, 0.5), (0.05, 0.3), (0.6, 0.9)):
            page.conf.setValue(round(conf * 100))
            page.iou.setValue(round(iou * 100))
            want = ref_kept(data.boxes[k], data.scores[k], data.classes[k], conf, iou)
            assert same_boxes(painted(page)["kept"], want), (k, conf, iou)
            assert same_boxes(painted(page)["true"], data.true_boxes[k])


def test_iou_slider_changes_the_boxes_drawn_as_the_reference_says(page, data):
    k = 0
    page.index.setValue(k + 1)
    page.conf.setValue(5)
    counts = {}
    for iou in (0.05, 0.5, 0.95):
        page.iou.setValue(round(iou * 100))
        want = ref_kept(data.boxes[k], data.scores[k], data.classes[k], 0.05, iou)
        counts[iou] = len(painted(page)["kept"])
        assert counts[iou] == len(want)
    assert counts[0.05] < counts[0.95]  # a lax threshold keeps the near-duplicates NMS removed before


def test_removed_boxes_are_drawn_dashed_with_their_reason(page, data, qtbot):
    k = 0
    page.index.setValue(k + 1)
    page.conf.setValue(5)
    page.iou.setValue(50)
    assert painted(page)["removed"] == []
    page.show_removed.setChecked(True)
    above = data.boxes[k][data.scores[k] >= 0.05]
    removed = painted(page)["removed"]
    assert len(removed) + len(painted(page)["kept"]) == len(above) and removed
    text = page.explain.text()
    first = page.explained.removed[0]
    kept_box = page.explained.kept.boxes[first.by]
    iou = ref_iou(kept_box, data.boxes[k][first.index])
    assert iou > 0.5
    assert f"by IoU {iou:.2f} &gt; 0.50" in text
    # pointing at a removed box names the kept box that removed it
    area = page.canvas.area()
    x0, y0, x1, y1 = data.boxes[k][first.index]
    at = QPointF(area.left() + (x0 + x1) / 2 * area.width(), area.top() + (y0 + y1) / 2 * area.height())
    with qtbot.waitSignal(page.canvas.hovered) as hovered:
        qtbot.mouseMove(page.canvas, at.toPoint())
    assert f"IoU {iou:.2f} > 0.50" in hovered.args[0]


def test_responsible_cell_is_the_cell_holding_the_true_box_centre(page, data):
    page.show_grid.setChecked(True)
    for k in (1, 2):
        page.index.setValue(k + 1)
        for t, (x0, y0, x1, y1) in enumerate(data.true_boxes[k]):
            page.focus.setCurrentIndex(t)
            (row, col), anchor, _iou, _c, _wh = page.canvas.scene.focus_parts()
            s = data.grid[0]
            assert (row, col) == (int((y0 + y1) / 2 * s), int((x0 + x1) / 2 * s))
            w, h = x1 - x0, y1 - y0
            fits = [min(w, a) * min(h, b) / (w * h + a * b - min(w, a) * min(h, b)) for a, b in data.anchors]
            assert anchor == int(np.argmax(fits))


def test_iou_calculator_matches_the_hand_formula(page, qtbot):
    calc = page.calculator
    calc.spins[0][0].setValue(0.1)
    calc.spins[0][1].setValue(0.1)
    calc.spins[0][2].setValue(0.4)
    calc.spins[0][3].setValue(0.3)
    for spin, v in zip(calc.spins[1], (0.3, 0.2, 0.5, 0.5)):
        spin.setValue(v)
    # A = [0.1, 0.5] x [0.1, 0.4], B = [0.3, 0.8] x [0.2, 0.7]: intersection 0.2 x 0.2
    want = 0.04 / (0.12 + 0.25 - 0.04)
    assert calc.iou() == pytest.approx(want)
    assert f"{want:.2f}" in calc.result.text()
    # drag box B by its middle with the mouse: the IoU follows, by the same formula
    canvas = calc.canvas
    r = canvas.rect_of(1)
    start = r.center().toPoint()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, start + QPoint(int(canvas.area().width() * 0.1), 0))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(int(canvas.area().width() * 0.1), 0))
    (ax, ay, aw, ah), (bx, by, bw, bh) = canvas.boxes
    assert bx > 0.35
    ix = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    assert calc.iou() == pytest.approx(ix * iy / (aw * ah + bw * bh - ix * iy))
    assert [s.value() for s in calc.spins[1]] == pytest.approx([bx, by, bw, bh], abs=0.006)
    # keys: the canvas moves the chosen box
    canvas.setFocus()
    canvas.active = 0
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.boxes[0][0] == pytest.approx(ax + 0.01)


def ref_map(data, conf, iou):
    """mAP@0.5 (metrics module) of the boxes the greedy NMS above keeps."""
    preds = []
    for b, s, c in zip(data.boxes, data.scores, data.classes):
        kept = [int(np.flatnonzero((b == box).all(1) & (s >= conf))[0]) for box in ref_kept(b, s, c, conf, iou)]
        preds.append((b[kept], s[kept], c[kept]))
    return mean_average_precision(preds, list(zip(data.true_boxes, data.true_classes)), len(data.class_names)).map


def test_pr_curves_and_map_follow_the_thresholds(page, data, qtbot):
    page.conf.setValue(5)
    qtbot.waitUntil(lambda: "0.05" in page.pr.headline.text())
    low = ref_map(data, 0.05, 0.5)
    assert f"mAP@0.5 = {low:.3f}" in page.pr.headline.text()
    page.conf.setValue(95)
    qtbot.waitUntil(lambda: "0.95" in page.pr.headline.text())
    high = ref_map(data, 0.95, 0.5)
    assert f"mAP@0.5 = {high:.3f}" in page.pr.headline.text()
    assert high < low  # a strict threshold loses true boxes
    assert len(page.pr.curves) == len(data.class_names)
    qtbot.waitUntil(lambda: page._job is None)


def test_a_result_for_old_thresholds_is_not_shown(page, data, qtbot):
    qtbot.waitUntil(lambda: page._job is None and page.busy.text() == "")
    page.conf.setValue(30)
    qtbot.waitUntil(lambda: page._job is None and "0.30" in page.pr.headline.text())
    shown = page.pr.headline.text()
    stale = data.detections_at(0.9, 0.5)
    page._job = object()  # as if a job for confidence 0.90 had been running
    page._job_done((data, (0.9, 0.5), stale, data.scores_at(0.9, 0.5, stale)))
    assert page.pr.headline.text() == shown and page._job is None


def test_an_evaluation_without_detection_data_is_a_message(qtbot):
    from types import SimpleNamespace
    p = DetectionPage(SimpleNamespace(task="detection", images=np.zeros((1, 1, 8, 8))))
    qtbot.addWidget(p)
    assert p.problem.isVisibleTo(p) and "missing" in p.problem.text() and "anchors" in p.problem.text()
    assert not p.conf.isEnabled()


def test_from_evaluation_gives_the_page_the_same_boxes(qtbot, data):
    from types import SimpleNamespace
    ev = SimpleNamespace(images=data.images, candidates=list(zip(data.boxes, data.scores, data.classes)),
                         true_boxes=data.true_boxes, true_classes=data.true_classes, anchors=data.anchors,
                         grid=data.grid[0], class_names=data.class_names)
    p = DetectionPage(ev)
    qtbot.addWidget(p)
    assert same_boxes(painted(p)["kept"], ref_kept(data.boxes[0], data.scores[0], data.classes[0], 0.25, 0.5))
    assert from_evaluation(ev).grid == data.grid


@pytest.fixture(params=["light", "dark"])
def themed(request):
    app = QApplication.instance()
    saved = (app.style().name(), QPalette(app.palette()))
    style.apply_theme(app, request.param)
    yield request.param
    style.apply_theme(app, "light")
    app.setStyle(saved[0])
    app.setPalette(saved[1])


def test_page_fits_1280x800_without_clipped_labels(themed, qtbot, data, tmp_path):
    p = DetectionPage(data)
    qtbot.addWidget(p)
    p.resize(1280, 800)
    p.show()
    qtbot.waitExposed(p)
    p.show_removed.setChecked(True)
    p.show_grid.setChecked(True)
    p.refresh_slow()
    assert not p.grab().isNull()
    for label in p.findChildren(QLabel):
        if not label.isVisible() or not label.text() or label.wordWrap():
            continue
        assert label.width() >= label.sizeHint().width(), label.text()
    for w in (p.canvas, p.calculator.canvas, p.anchor_view, p.pr.plot):
        assert w.width() >= w.minimumWidth() and w.height() >= w.minimumHeight() and w.isVisible()
    assert p.canvas.width() >= 300 and p.canvas.height() >= 300


def test_bad_data_after_good_keeps_the_shown_images_and_says_why(page, data):
    from types import SimpleNamespace
    page.set_data(SimpleNamespace(images=np.zeros((1, 1, 8, 8)), anchors=np.ones((1, 2)), grid=4))
    assert "candidates" in page.problem.text() and page.data is data
    assert page.conf.isEnabled() and painted(page)["true"]
    empty = DetectionData(np.zeros((0, 1, 8, 8)), [], [], [], [], [], np.ones((1, 2)), 4, ("a",))
    page.set_data(empty)
    assert "no test images" in page.problem.text() and not page.conf.isEnabled()
    page.set_data(data)
    assert page.problem.isHidden() and page.conf.isEnabled()


def test_panel_protocol_set_view_and_example_chosen(qtbot, data):
    from types import SimpleNamespace
    ev = SimpleNamespace(task="detection", candidates=list(zip(data.boxes, data.scores, data.classes)),
                         true_boxes=data.true_boxes, true_classes=data.true_classes, anchors=data.anchors,
                         grid=data.grid, class_names=data.class_names)
    view = SimpleNamespace(evaluation=ev, inputs=data.images, shown=np.arange(len(data)) * 10 + 5)
    page = DetectionPage()
    qtbot.addWidget(page)
    assert page.title and "No detection evaluation" in page.problem.text()
    page.set_view(view, True)
    assert page.problem.isHidden()
    with qtbot.waitSignal(page.example_chosen) as chosen:
        page.next.click()
    assert chosen.args == [15]  # the second image is example 15 of the split
    page.set_view(view, True)  # the next epoch's evaluation: the page stays on that image
    assert page.current() == 1 and page.gallery.currentRow() == 1
    qtbot.waitUntil(lambda: page._job is None)


def test_grid_fills_the_responsible_cell_and_no_other(page, data):
    k, t = 2, 0
    page.index.setValue(k + 1)
    page.conf.setValue(100)  # no predicted boxes over the picture
    plain = page.canvas.grab().toImage()
    page.show_grid.setChecked(True)
    page.focus.setCurrentIndex(t)
    shown = page.canvas.grab().toImage()
    x0, y0, x1, y1 = data.true_boxes[k][t]
    s = data.grid[0]
    row, col = int((y0 + y1) / 2 * s), int((x0 + x1) / 2 * s)
    area, ratio = page.canvas.area(), shown.devicePixelRatio()

    def pixel(image, r, c, fx, fy):  # a point inside cell (r, c), away from its borders
        x = area.left() + (c + fx) * area.width() / s
        y = area.top() + (r + fy) * area.height() / s
        return image.pixelColor(int(x * ratio), int(y * ratio))

    spots = [(0.3, 0.7), (0.7, 0.3), (0.25, 0.25)]
    assert any(pixel(shown, row, col, *f) != pixel(plain, row, col, *f) for f in spots)
    other = [(r, c) for r in range(s) for c in range(s) if abs(r - row) > 1 and abs(c - col) > 1][:4]
    for r, c in other:  # far cells: no fill (their borders are grid lines, the spots avoid them)
        for f in spots:
            inside_true = any(b[0] <= (c + f[0]) / s <= b[2] and b[1] <= (r + f[1]) / s <= b[3]
                              for b in data.true_boxes[k])
            if not inside_true:
                assert pixel(shown, r, c, *f) == pixel(plain, r, c, *f), (r, c, f)


def test_iou_calculator_resizes_by_a_corner(page, qtbot):
    canvas = page.calculator.canvas
    canvas.set_box(0, (0.1, 0.1, 0.3, 0.3))
    canvas.set_box(1, (0.6, 0.6, 0.3, 0.3))
    assert page.calculator.iou() == 0.0
    corner = canvas.rect_of(0).bottomRight().toPoint()
    to = corner + QPoint(int(canvas.area().width() * 0.3), int(canvas.area().height() * 0.3))
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=corner)
    qtbot.mouseMove(canvas, to)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=to)
    x, y, w, h = canvas.boxes[0]
    assert (x, y) == pytest.approx((0.1, 0.1)) and w == pytest.approx(0.6, abs=0.01)
    inter = max(0.0, x + w - 0.6) * max(0.0, y + h - 0.6)
    assert page.calculator.iou() == pytest.approx(inter / (w * h + 0.09 - inter)) and inter > 0


def test_sliders_start_at_the_evaluations_thresholds_and_the_gallery_is_capped(qtbot, data, monkeypatch):
    import dataclasses

    from playground.ui.tasks import detection_view

    monkeypatch.setattr(detection_view, "GALLERY_MAX", 5)
    d = dataclasses.replace(data, conf_threshold=0.4, iou_threshold=0.3, reported_map=0.55, reported_conf=0.01)
    page = DetectionPage(d)
    qtbot.addWidget(page)
    assert page.thresholds() == (0.4, 0.3) and "0.40" in page.conf_label.text()
    want = ref_kept(data.boxes[0], data.scores[0], data.classes[0], 0.4, 0.3)
    assert same_boxes(painted(page)["kept"], want)
    qtbot.waitUntil(lambda: page._job is None)
    assert "The run reports mAP@0.5 = 0.550 at confidence" in page.pr.headline.text()
    assert page.gallery.count() == 5 and "first 5 of the 8" in page.gallery.toolTip()
    page.index.setValue(7)  # past the gallery: the picker still reaches it
    assert page.current() == 6 and page.gallery.currentRow() == -1


def test_boxes_past_the_edge_stay_inside_the_picture(qtbot, data):
    import dataclasses
    wide = [np.concatenate([b, [[-0.5, 0.2, 1.6, 0.4]]]) for b in data.boxes]  # a box far past both sides
    d = dataclasses.replace(data, boxes=wide, scores=[np.append(s, 0.99) for s in data.scores],
                            classes=[np.append(c, 0) for c in data.classes])
    page = DetectionPage(d)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    image = page.canvas.grab().toImage()
    area, ratio = page.canvas.area(), image.devicePixelRatio()
    outside_left = image.pixelColor(int((area.left() - 2) * ratio), int((area.top() + 0.2 * area.height()) * ratio))
    assert outside_left == style.color("BASE")
    qtbot.waitUntil(lambda: page._job is None)


def test_theme_change_recolours_the_plot(qtbot, data):
    app = QApplication.instance()
    saved = (app.style().name(), QPalette(app.palette()))
    page = DetectionPage(data)
    qtbot.addWidget(page)
    try:
        style.apply_theme(app, "dark")
        qtbot.waitUntil(lambda: page.pr.plot.backgroundBrush().color() == style.color("BASE"))
        assert page.pr.legend.labelTextColor() == style.color("TEXT")
    finally:
        style.apply_theme(app, "light")
        app.setStyle(saved[0])
        app.setPalette(saved[1])
    qtbot.waitUntil(lambda: page._job is None)


def test_evaluation_panel_shows_the_detection_page_for_a_real_run(make_window, qtbot):
    """yolo_small in the app: the Evaluation panel shows the Detection page with the split's real
    pictures and the record's summary (it raised on a missing R² before: detection has neither
    accuracy nor R²)."""
    from playground.graph.project import load_project
    from playground.train.tasks import get_task
    from playground.ui.tasks.detection_view import DetectionPage

    project = load_project("yolo_small")
    project.dataset = {**project.dataset, "params": {**project.dataset.get("params", {}), "n_images": 40}}
    window = make_window(project)
    panel = window.training.show_panel("evaluation")
    qtbot.waitUntil(lambda: panel.results >= 1 and panel.view is not None, timeout=120_000)
    assert panel.last_error == ""
    page = panel.pages.currentWidget()
    assert isinstance(page, DetectionPage)
    ev = panel.view.evaluation
    assert ev.images.ndim == 4 and ev.images.shape[1:] == (1, 64, 64)
    assert get_task("detection").summary(ev) in panel.summary.text()
    assert not panel.pages.isTabVisible(panel.pages.indexOf(panel.standard))
