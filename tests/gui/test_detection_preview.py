"""The dataset preview of a detection set: thumbnails with the true boxes drawn in their class colours,
box counts per class (the preview used to fail on shapes_detect's float box targets).

References: the boxes of ``playground.data.load`` with the same settings, and pixel positions worked
out here from a box's centre and size.
"""

from __future__ import annotations

import numpy as np

from playground.data import load
from playground.ui.tasks.thumbnails import BOX_SCALE, box_color, boxes_thumbnail


def _rgb(image) -> np.ndarray:
    """A QImage -> (H, W, 3) uint8 array."""
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w = image.height(), image.width()
    return np.frombuffer(image.constBits(), dtype=np.uint8).reshape(h, image.bytesPerLine())[:, :3 * w].reshape(h, w, 3)


def test_thumbnail_draws_each_box_in_its_class_colour_at_its_edges(qtbot):
    sample = np.full((1, 64, 64), 0.1, dtype=np.float32)  # (C, H, W) dark gray
    boxes = np.zeros((5, 6), dtype=np.float32)
    boxes[0] = (1, 2, 0.25, 0.5, 0.25, 0.5)  # triangle: x 8..24 px, y 16..48 px
    boxes[1] = (1, 0, 0.75, 0.25, 0.25, 0.25)  # circle: x 40..56, y 8..24
    image, caption = boxes_thumbnail(sample, boxes, ("circle", "square", "triangle", "cross"))
    rgb = _rgb(image).astype(int)
    assert rgb.shape == (64 * BOX_SCALE, 64 * BOX_SCALE, 3)
    for cls, (x0, y0, x1, y1) in ((2, (8, 16, 24, 48)), (0, (40, 8, 56, 24))):
        colour = np.array(box_color(cls).getRgb()[:3])
        x0, y0, x1, y1 = (v * BOX_SCALE for v in (x0, y0, x1, y1))
        ymid, xmid = (y0 + y1) // 2, (x0 + x1) // 2
        for y, x in ((ymid, x0), (ymid, x1), (y1, xmid)):  # left, right and bottom edges (the name sits on top)
            near = rgb[y - 1:y + 2, x - 1:x + 2].reshape(-1, 3)
            assert (np.abs(near - colour).sum(1) <= 30).any(), (cls, y, x)
        inside = rgb[ymid, xmid + 6]  # well inside: the image, not a box line
        assert np.abs(inside - colour).sum() > 100
    assert caption == "1 circle, 1 triangle"
    # an image without boxes stays an enlarged copy of itself
    image, caption = boxes_thumbnail(sample, np.zeros((5, 6)), ("circle",))
    assert caption == "no boxes" and np.ptp(_rgb(image)) <= 1


def test_dataset_panel_previews_a_detection_set_with_boxes_and_box_counts(make_window, qtbot):
    from tests.gui.test_dataset_panel import wait_for_preview

    window = make_window("yolo_small")
    panel = window.dataset
    result = wait_for_preview(qtbot, panel, "shapes_detect")
    assert panel.preview.page() is panel.preview.grid_widget
    shown = [(pic, cap) for pic, cap in panel.preview.thumbs if not pic.isHidden()]
    assert len(shown) == len(result["images"]) > 0 and all(not pic.pixmap().isNull() for pic, _ in shown)
    names = result["class_names"]
    for (_, cap), boxes in zip(shown, result["image_labels"]):
        present = boxes[boxes[:, 0] > 0.5]
        counts = np.bincount(present[:, 1].astype(int), minlength=len(names))
        assert cap.toolTip() == ", ".join(f"{n} {names[c]}" for c, n in enumerate(counts) if n)
    splits = load("shapes_detect", params=window.doc.project.dataset.get("params"), seed=0)
    table = panel.preview.count_table()
    for split, part in splits.parts().items():
        y = part.y.numpy()
        classes = y[..., 1][y[..., 0] > 0.5].astype(int)
        assert [table[n][split] for n in names] == np.bincount(classes, minlength=len(names)).tolist()
        assert table["all boxes"][split] == len(classes)
