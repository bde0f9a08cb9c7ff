"""The generated object-detection set ``shapes_detect``: 64x64 gray images with 1-5 shapes and their boxes.

Reuses the signed-distance shapes of ``shapes.py`` (a subset of four kinds that stay distinct at
every size). Each image holds 1 to 5 shapes at random places, sizes, rotations and brightness;
shapes may overlap (a new one is re-placed only when it would hide most of an earlier one) and may
run off the image edge. A shape's box is the tight box of its own clean mask (the pixels it covers
at least half), so a box is clipped where the shape leaves the picture.

Targets are one fixed-size float array per image, ``(MAX_BOXES, 6)`` rows of
``(present, class, cx, cy, w, h)`` with the box centre and size as fractions of the image side and
unused rows all zero, so default batching works. Everything is deterministic from the seed.
Owns drawing and the registry record; the detector's maths lives in ``playground/train/detection``.
"""

from __future__ import annotations

import numpy as np
import torch

from .shapes import SHAPES
from .spec import DatasetSpec, Param, RawData

SIZE = 64
MAX_BOXES = 5
#: target columns, in order
COLUMNS = ("present", "class", "cx", "cy", "w", "h")
CLASSES = ("circle", "square", "triangle", "cross")
_TRIES = 20  # re-placements of a shape that would hide an earlier one


def _approx_boxes(cx, cy, r):
    return np.stack([cx - r, cy - r, cx + r, cy + r], axis=-1)


def _overlap_of_smaller(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Intersection over the smaller box's area, for rows of xyxy boxes (broadcasting)."""
    iw = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None)
    ih = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None)
    area = lambda t: (t[..., 2] - t[..., 0]) * (t[..., 3] - t[..., 1])  # noqa: E731
    return iw * ih / np.minimum(area(a), area(b))


def _place(n: int, rng, counts: np.ndarray):
    """Centres and half-sizes (n, MAX_BOXES) for the active slots, re-placing hidden ones."""
    r = rng.uniform(4.0, 12.0, size=(n, MAX_BOXES))
    centre = lambda m, half: rng.uniform(half / 2, SIZE - half / 2, size=m)  # at least about half in view  # noqa: E731
    cx, cy = centre((n, MAX_BOXES), r), centre((n, MAX_BOXES), r)
    active = np.arange(MAX_BOXES)[None] < counts[:, None]
    for k in range(1, MAX_BOXES):
        for _ in range(_TRIES):
            box = _approx_boxes(cx[:, k], cy[:, k], r[:, k])[:, None]  # (n, 1, 4)
            earlier = _approx_boxes(cx[:, :k], cy[:, :k], r[:, :k])  # (n, k, 4)
            clash = ((_overlap_of_smaller(box, earlier) > 0.5) & active[:, :k]).any(1) & active[:, k]
            if not clash.any():
                break
            m = int(clash.sum())
            cx[clash, k], cy[clash, k] = centre(m, r[clash, k]), centre(m, r[clash, k])
        else:
            active[:, k] &= ~clash  # still hidden after every try: leave it out
    return cx, cy, r, active


def draw(n: int, rng, *, noise: float, max_rotation: float) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images (n, 64, 64) float in [0, 1] and their targets (n, MAX_BOXES, 6) float32."""
    counts = rng.integers(1, MAX_BOXES + 1, size=n)
    cx, cy, r, active = _place(n, rng, counts)
    labels = rng.integers(0, len(CLASSES), size=(n, MAX_BOXES))
    theta = np.deg2rad(rng.uniform(-max_rotation, max_rotation, size=(n, MAX_BOXES)))
    brightness = rng.uniform(0.5, 1.0, size=(n, MAX_BOXES))
    rows, cols = (np.mgrid[0:SIZE, 0:SIZE] + 0.5).astype(np.float32)  # pixel centres, (64, 64) each
    image = np.zeros((n, SIZE, SIZE), dtype=np.float32)
    targets = np.zeros((n, MAX_BOXES, len(COLUMNS)), dtype=np.float32)
    kinds = [SHAPES[name] for name in CLASSES]
    for k in range(MAX_BOXES):
        dx = cols[None] - cx[:, k, None, None].astype(np.float32)  # (n, 64, 64)
        dy = rows[None] - cy[:, k, None, None].astype(np.float32)
        t = theta[:, k, None, None].astype(np.float32)
        u, v = dx * np.cos(t) + dy * np.sin(t), -dx * np.sin(t) + dy * np.cos(t)
        sdf = np.full((n, SIZE, SIZE), np.inf, dtype=np.float32)
        for c, f in enumerate(kinds):
            sel = active[:, k] & (labels[:, k] == c)
            sdf[sel] = f(u[sel], v[sel], r[sel, k, None, None].astype(np.float32))
        coverage = np.clip(0.5 - sdf, 0.0, 1.0)  # (n, 64, 64)
        image = np.maximum(image, coverage * brightness[:, k, None, None].astype(np.float32))
        mask = coverage >= 0.5
        cols_hit, rows_hit = mask.any(1), mask.any(2)  # (n, 64): which columns / rows the shape covers
        seen = cols_hit.any(1)
        x0, x1 = cols_hit.argmax(1), SIZE - cols_hit[:, ::-1].argmax(1)  # [x0, x1) in pixels
        y0, y1 = rows_hit.argmax(1), SIZE - rows_hit[:, ::-1].argmax(1)
        box = np.stack([np.ones(n), labels[:, k], (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0], axis=1)
        box[:, 2:] /= SIZE
        targets[seen, k] = box[seen]
    image = np.clip(image + rng.normal(0, noise, size=image.shape).astype(np.float32), 0, 1)
    return image, _compact(targets)


def _compact(targets: np.ndarray) -> np.ndarray:
    """Present rows first in each image (stable), so ``present`` reads 1, 1, ..., 0, 0."""
    order = np.argsort(-targets[..., 0], axis=1, kind="stable")
    return np.take_along_axis(targets, order[..., None], axis=1)


def load_shapes_detect(params: dict, root, seed: int) -> RawData:
    image, targets = draw(params["n_images"], np.random.default_rng(seed),
                          noise=params["noise"], max_rotation=params["rotation"])
    x = torch.from_numpy(np.round(image * 255).astype(np.uint8)[:, None])  # (N, 1, 64, 64)
    return RawData(x=x, y=torch.from_numpy(targets), kind="image", class_names=CLASSES, scale=1 / 255)


SPECS = [
    DatasetSpec(
        name="shapes_detect",
        title="Shapes detection (64x64)",
        task="detection",
        description="Pictures of 1 to 5 shapes, some overlapping or cut by the edge: find each one's box and kind.",
        source="generated",
        input_shape=(1, SIZE, SIZE),
        classes=CLASSES,
        loader=load_shapes_detect,
        parameters={
            "n_images": Param(3000, 10, 50_000, "number of images, 10 to 50000"),
            "noise": Param(0.05, 0.0, 0.5, "standard deviation of pixel noise, 0 to 0.5"),
            "rotation": Param(15.0, 0.0, 40.0, "largest rotation in degrees, 0 to 40"),
        },
        target_shape=(MAX_BOXES, len(COLUMNS)),
        group="images",
    ),
]
