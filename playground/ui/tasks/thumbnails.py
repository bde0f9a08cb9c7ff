"""How one example of each task is drawn: the Qt side of the task records' UI hooks.

Owns ``resolve`` (a record's ``"module:attribute"`` hook -> the object), ``thumbnail_for`` (the
task's drawing of one example), the drawings the records name (``label_thumbnail``: the image
and its class name; ``mask_thumbnail``: the image with its mask tinted per class;
``boxes_thumbnail``: the image with its true boxes and their class names) and the shared
per-class mask colours (``MASK_COLORS``, ``overlay``) that the segmentation views reuse. The records
themselves live in ``playground/train/tasks`` and never import Qt.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

#: mask colours per class (RGB); class 0 is the background and stays untinted
MASK_COLORS = np.array([(0, 0, 0), (214, 39, 40), (31, 119, 180), (44, 160, 44), (255, 127, 14),
                        (148, 103, 189), (23, 190, 207), (227, 119, 194), (188, 189, 34), (140, 86, 75)],
                       dtype=np.float64)


def resolve(hook: str) -> Any:
    """``"package.module:attribute"`` -> the attribute (imported on first use)."""
    module, _, attr = hook.partition(":")
    return getattr(importlib.import_module(module), attr)


def thumbnail_for(task: str) -> Callable[[np.ndarray, Any, tuple], tuple[QImage, str]]:
    """The task's drawing of one example: ``draw(sample, label, class_names) -> (QImage, caption)``."""
    from playground.train.tasks import get_task

    return resolve(get_task(task).ui_thumbnail or "playground.ui.tasks.thumbnails:label_thumbnail")


def rgb_of(sample: np.ndarray) -> np.ndarray:
    """(C, H, W) stored image in [0, 1] -> (H, W, 3) float RGB in 0..255."""
    img = np.clip(np.asarray(sample, dtype=np.float64), 0, 1)
    rgb = np.repeat(img, 3, axis=0) if img.shape[0] == 1 else img[:3]  # (3, H, W)
    return rgb.transpose(1, 2, 0) * 255  # (H, W, 3)


def overlay(sample: np.ndarray, mask: np.ndarray | None, opacity: float = 0.45) -> np.ndarray:
    """The image with each non-background pixel of ``mask`` (H, W) tinted in its class colour,
    ``opacity`` 0 (image only) .. 1 (colour only); (H, W, 3) uint8."""
    rgb = rgb_of(sample)
    if mask is not None:
        mask = np.asarray(mask, dtype=np.int64)
        on = mask > 0
        colours = MASK_COLORS[mask[on] % len(MASK_COLORS)]  # (K, 3)
        rgb[on] = (1 - opacity) * rgb[on] + opacity * colours
    return np.clip(rgb, 0, 255).astype(np.uint8)


def qimage(rgb: np.ndarray) -> QImage:
    """(H, W, 3) uint8 -> a QImage that owns its pixels."""
    rgb = np.ascontiguousarray(rgb)
    h, w, _ = rgb.shape
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def label_thumbnail(sample: np.ndarray, label, names: tuple) -> tuple[QImage, str]:
    """The image and its class name (the number when the names are unknown)."""
    k = int(label)
    return qimage(overlay(sample, None)), names[k] if 0 <= k < len(names) else str(k)


def mask_thumbnail(sample: np.ndarray, mask, names: tuple) -> tuple[QImage, str]:
    """The image with its mask tinted per class; the caption says how much is not background
    (and which class covers most of it when there are several)."""
    mask = np.asarray(mask, dtype=np.int64)
    share = float(np.mean(mask > 0))
    if len(names) <= 2:
        caption = f"{100 * share:.0f}% shape"
    else:
        counts = np.bincount(mask.ravel(), minlength=len(names))[1:]
        top = int(np.argmax(counts)) + 1 if counts.any() else 0
        caption = f"{names[top] if top < len(names) else top} {100 * share:.0f}%" if counts.any() else "background"
    return qimage(overlay(sample, mask)), caption


def mask_note(names: tuple) -> str:
    """The preview's words for the masks it tints."""
    return "red marks the mask to predict" if len(names) <= 2 else "colours mark each pixel's shape class"


#: how much a detection thumbnail is enlarged before its boxes are drawn (so the lines stay thin)
BOX_SCALE = 4


def box_color(cls: int) -> QColor:
    """The colour of class ``cls``'s boxes: the mask colour of the same class (skipping background)."""
    r, g, b = MASK_COLORS[1 + int(cls) % (len(MASK_COLORS) - 1)]
    return QColor(int(r), int(g), int(b))


def boxes_thumbnail(sample: np.ndarray, boxes, names: tuple) -> tuple[QImage, str]:
    """The image enlarged ``BOX_SCALE`` times with each true box (rows of present, class, cx, cy, w, h
    in image fractions) outlined in its class colour and named; the caption counts boxes per class."""
    rows = np.asarray(boxes, dtype=np.float64).reshape(-1, 6)
    rows = rows[rows[:, 0] > 0.5]
    rgb = np.repeat(np.repeat(overlay(sample, None), BOX_SCALE, 0), BOX_SCALE, 1)  # (H*s, W*s, 3)
    image = qimage(rgb)
    h, w = rgb.shape[:2]
    painter = QPainter(image)
    painter.setFont(QFont(painter.font().family(), max(6, h // 22)))
    for _, cls, cx, cy, bw, bh in rows:
        colour = box_color(int(cls))
        painter.setPen(QPen(colour, 2))
        rect = QRectF((cx - bw / 2) * w, (cy - bh / 2) * h, bw * w, bh * h)
        painter.drawRect(rect)
        name = names[int(cls)] if 0 <= int(cls) < len(names) else str(int(cls))
        painter.drawText(QRectF(rect.left() + 2, rect.top() + 1, w, h), Qt.AlignmentFlag.AlignLeft, name)
    painter.end()
    counts = np.bincount(rows[:, 1].astype(int), minlength=len(names)) if len(rows) else np.zeros(len(names), int)
    caption = ", ".join(f"{n} {names[c] if c < len(names) else c}" for c, n in enumerate(counts) if n) or "no boxes"
    return image, caption
