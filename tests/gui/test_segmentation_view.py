"""The segmentation page of the Evaluation panel against numbers computed here from the masks.

A small per-pixel network on real shapes_seg images ('per shape' masks: background + 7 classes),
trained a little so its masks are neither all right nor all wrong; its predictions come from a
direct forward pass here, and the per-class IoU / Dice / pixel share, the pixel accuracy and each
image's IoU are counted here with plain numpy. The page must show exactly those; the opacity slider
must change the drawn pixels (0: the image alone, 100: the class colours); the worst-examples list
must be the images sorted by the IoU computed here, and clicking one must show it and make it the
shared input. Then the whole path in the window: fcn_small opens with no fit problem (it used to
say "8 outputs but 2 classes") and its Evaluation panel shows the page first.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from playground.train.probes import eval_mode

NAMES_PER_SHAPE = 8


@pytest.fixture(scope="module")
def trained():
    from playground.data import load
    from playground.train import TrainConfig, Trainer
    from playground.train.evaluation_view import evaluation_view

    torch.manual_seed(0)
    splits = load("shapes_seg", params={"n_images": 160, "mask": "per shape"}, seed=3)
    model = torch.fx.symbolic_trace(nn.Sequential(
        nn.Conv2d(1, 12, 3, padding=1), nn.ReLU(), nn.Conv2d(12, 12, 3, padding=1), nn.ReLU(),
        nn.Conv2d(12, NAMES_PER_SHAPE, 1)))
    trainer = Trainer(model, splits, TrainConfig(epochs=2, batch_size=16, lr=0.01, optimizer="adam"))
    trainer.fit()
    view = evaluation_view(trainer, "val")
    x, y = trainer.feeds["val"].all()
    with eval_mode(trainer.model), torch.no_grad():
        pred = trainer.model(x).argmax(1).numpy()  # (N, H, W)
    return view, y.numpy(), pred


def iou_here(true: np.ndarray, pred: np.ndarray, c: int) -> float:
    t, p = true == c, pred == c
    union = np.sum(t | p)
    return float(np.sum(t & p) / union) if union else float("nan")


def example_iou_here(true: np.ndarray, pred: np.ndarray, classes: int) -> np.ndarray:
    """Each image's mean IoU over the classes in its true or predicted mask."""
    out = []
    for t, p in zip(true, pred):
        values = [iou_here(t, p, c) for c in range(classes)]
        out.append(np.nanmean(values))
    return np.array(out)


def _page(qtbot, view):
    from playground.ui.tasks.segmentation_view import SegmentationPage

    page = SegmentationPage()
    qtbot.addWidget(page)
    page.resize(1200, 380)
    page.show()
    page.set_view(view, True)
    return page


def test_table_shows_iou_dice_and_share_counted_here(qtbot, trained):
    view, true, pred = trained
    page = _page(qtbot, view)
    names = view.evaluation.class_names
    assert len(names) == NAMES_PER_SHAPE and np.array_equal(view.evaluation.predictions, pred)
    ious = []
    for c, name in enumerate(names):
        iou = iou_here(true, pred, c)
        t, p = true == c, pred == c
        size = t.sum() + p.sum()
        dice = 2 * np.sum(t & p) / size if size else float("nan")
        share = t.mean()
        row = page.values[name]
        assert row["IoU"] == pytest.approx(iou, nan_ok=True)
        assert row["Dice"] == pytest.approx(dice, nan_ok=True)
        assert row["pixel share"] == pytest.approx(share)
        shown = page.table.item(c, 1).text()
        assert shown == ("—" if np.isnan(iou) else f"{iou:.3f}")
        assert page.table.item(c, 0).text() == name
        ious.append(iou)
    assert 0.0 < np.nanmean(ious) < 1.0  # neither all right nor all wrong: the test can tell
    assert f"mean IoU {np.nanmean(ious):.3f}" in page.totals.text()
    assert f"pixel accuracy {np.mean(true == pred):.1%}" in page.totals.text()
    for name in names[1:]:
        assert name in page.legend.text()


def test_opacity_slider_changes_the_drawn_pixels(qtbot, trained):
    from playground.ui.tasks.thumbnails import MASK_COLORS
    from playground.ui.tasks.segmentation_view import WRONG_COLOR

    view, true, pred = trained
    page = _page(qtbot, view)
    index = page.index
    sample = view.inputs[view.row_of(index)]  # (1, H, W) in [0, 1]
    gray = np.clip(sample[0], 0, 1) * 255
    shape = true[index] > 0
    assert shape.any()

    page.opacity.setValue(0)  # the image alone
    np.testing.assert_allclose(page.truth.rgb[..., 0], gray, atol=1)
    before = page.truth.grab().toImage()
    page.opacity.setValue(100)  # the class colours alone on every non-background pixel
    colours = MASK_COLORS[true[index][shape]]  # (K, 3)
    np.testing.assert_allclose(page.truth.rgb[shape], colours, atol=1)
    np.testing.assert_allclose(page.truth.rgb[~shape, 0], gray[~shape], atol=1)
    wrong = pred[index] != true[index]
    assert np.all(page.errors.rgb[wrong] == WRONG_COLOR)
    after = page.truth.grab().toImage()
    assert before != after  # what is on screen changed, not only the array
    assert page.opacity_label.text() == "100%"


def test_worst_examples_follow_the_iou_counted_here_and_a_click_shows_one(qtbot, trained):
    view, true, pred = trained
    page = _page(qtbot, view)
    here = example_iou_here(true, pred, NAMES_PER_SHAPE)
    listed = page.worst
    assert len(listed) >= min(len(true), 48)
    np.testing.assert_allclose(here[listed], np.sort(here)[:len(listed)])  # the worst, in order
    assert np.all(np.diff(here[listed]) >= 0)
    assert page.index == listed[0]  # the worst is shown first
    assert page.worst_list.count() == len(listed)
    assert page.worst_list.item(0).text().endswith(f"IoU {here[listed[0]]:.3f}")

    page.show_example(int(view.shown[-1]))  # shown but not picked: a new evaluation goes back to the worst
    page.set_view(view, True)
    assert page.index == listed[0]

    with qtbot.waitSignal(page.example_chosen) as signal:
        page.worst_list.setCurrentRow(3)
    assert signal.args == [int(listed[3])] and page.index == listed[3]
    assert f"#{int(listed[3])}" in page.heading.text()
    page.set_view(view, True)  # a new evaluation keeps the example the person picked
    assert page.index == listed[3] and page.worst_list.currentRow() == 3
    np.testing.assert_array_equal(page.truth.rgb.shape[:2], true[listed[3]].shape)


def test_fcn_small_evaluation_shows_the_segmentation_page_first(make_window, qtbot):
    from playground.ui.tasks.segmentation_view import SegmentationPage

    window = make_window("fcn_small")
    panel = window.training.show_panel("evaluation")
    qtbot.waitUntil(lambda: panel.results >= 1 and panel.view is not None, timeout=120_000)
    assert panel.last_error == ""  # the fit check knows 'per shape' masks have 8 classes
    page = panel.pages.currentWidget()
    assert isinstance(page, SegmentationPage) and panel.pages.tabText(0) == "Segmentation"
    ev = panel.view.evaluation
    assert page.values["circle"]["IoU"] == pytest.approx(ev.iou[1], nan_ok=True)
    page.worst_list.setCurrentRow(1)
    assert panel.choice.split == panel.view.split and panel.choice.index == int(page.worst[1])


def test_screenshot_command_shows_the_segmentation_page(tmp_path):
    """`playground screenshot PROJECT --panel evaluation --train-steps N`: the picture holds the page's
    class colours (legend and table swatches), which no standard Evaluation view draws."""
    from PySide6.QtGui import QImage

    from playground.cli import main
    from playground.graph.project import load_project, save_project
    from playground.ui.tasks.thumbnails import MASK_COLORS

    project = load_project("unet_small")
    project.dataset = {**project.dataset, "params": {**project.dataset["params"], "n_images": 70}}
    path = save_project(project, tmp_path / "unet.pgproj")
    out = tmp_path / "seg.png"
    assert main(["screenshot", str(path), "--panel", "evaluation", "--train-steps", "2", "--size", "1100x800",
                 "-o", str(out)]) == 0
    image = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB888)
    rgb = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    rgb = rgb[:, :3 * image.width()].reshape(image.height(), image.width(), 3)
    for k in (1, 2, 3):  # circle, square, triangle (the table scrolls inside its dock below those)
        exact = np.all(rgb == MASK_COLORS[k].astype(np.uint8), axis=2)
        assert exact.sum() >= 30, f"class {k}'s colour is not in the picture"
