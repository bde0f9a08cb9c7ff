"""Generated 28x28 grayscale shape images, and the matching segmentation set (image + mask).

Classes: circle, square, triangle, cross, horizontal bar, vertical bar, ring. Each image has a
random position, size, rotation (small, so bars stay horizontal / vertical), brightness and pixel
noise. Shapes are drawn from signed-distance functions with a one-pixel soft edge; the mask is
where the clean shape covers at least half a pixel: shape vs background, or (mask 'per shape')
background plus one class per shape kind. Owns drawing and the two registry records.
"""

from __future__ import annotations

import numpy as np
import torch

from .spec import DatasetSpec, Param, RawData
from .splits import EXAMPLES_PER_CLASS

SIZE = 28


def _box(u, v, a, b):
    return np.maximum(np.abs(u) - a, np.abs(v) - b)


def _triangle(u, v, r):
    # equilateral triangle with inradius r/2, pointing up: the largest of three edge distances
    normals = [(-np.pi / 2), (np.pi / 6), (5 * np.pi / 6)]
    return np.max([u * np.cos(t) - v * np.sin(t) for t in normals], axis=0) - r / 2


#: class name -> signed distance (negative inside), from rotated coords u, v and size r (pixels)
SHAPES = {
    "circle": lambda u, v, r: np.hypot(u, v) - r,
    "square": lambda u, v, r: _box(u, v, 0.8 * r, 0.8 * r),
    "triangle": _triangle,
    "cross": lambda u, v, r: np.minimum(_box(u, v, r, 0.3 * r), _box(u, v, 0.3 * r, r)),
    "horizontal bar": lambda u, v, r: _box(u, v, r, 0.3 * r),
    "vertical bar": lambda u, v, r: _box(u, v, 0.3 * r, r),
    "ring": lambda u, v, r: np.abs(np.hypot(u, v) - 0.75 * r) - 0.25 * r,
}
CLASSES = tuple(SHAPES)


def draw(n: int, rng, *, noise: float, max_rotation: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` images: (n, 28, 28) float in [0, 1] with noise, clean coverage (n, 28, 28), labels (n,)."""
    labels = np.arange(n) % len(CLASSES)
    rng.shuffle(labels)
    r = rng.uniform(5.0, 9.0, size=(n, 1, 1))  # half-size in pixels
    margin = r[:, 0, 0] + 1
    cx = rng.uniform(margin, SIZE - margin)[:, None, None]
    cy = rng.uniform(margin, SIZE - margin)[:, None, None]
    theta = np.deg2rad(rng.uniform(-max_rotation, max_rotation, size=(n, 1, 1)))
    brightness = rng.uniform(0.6, 1.0, size=(n, 1, 1))
    rows, cols = np.mgrid[0:SIZE, 0:SIZE] + 0.5  # pixel centres, (28, 28)
    dx, dy = cols[None] - cx, rows[None] - cy  # (n, 28, 28)
    u = dx * np.cos(theta) + dy * np.sin(theta)
    v = -dx * np.sin(theta) + dy * np.cos(theta)
    sdf = np.empty((n, SIZE, SIZE))
    for k, f in enumerate(SHAPES.values()):
        sel = labels == k
        sdf[sel] = f(u[sel], v[sel], r[sel])
    coverage = np.clip(0.5 - sdf, 0.0, 1.0)
    image = np.clip(coverage * brightness + rng.normal(0, noise, size=coverage.shape), 0, 1)
    return image, coverage, labels


def _to_uint8(image: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.round(image * 255).astype(np.uint8)[:, None])  # (N, 1, 28, 28)


def load_shapes(params: dict, root, seed: int) -> RawData:
    image, _, labels = draw(params["n_images"], np.random.default_rng(seed),
                            noise=params["noise"], max_rotation=params["rotation"])
    return RawData(x=_to_uint8(image), y=torch.from_numpy(labels.astype(np.int64)), kind="image",
                   class_names=CLASSES, scale=1 / 255)


#: the masks shapes_seg can ask for: shape vs background, or one class per shape kind
MASKS = ("binary", "per shape")
SEG_CLASSES = {"binary": ("background", "shape"), "per shape": ("background", *CLASSES)}


def load_shapes_seg(params: dict, root, seed: int) -> RawData:
    image, coverage, labels = draw(params["n_images"], np.random.default_rng(seed),
                                   noise=params["noise"], max_rotation=params["rotation"])
    inside = coverage >= 0.5  # (N, 28, 28)
    per_shape = params.get("mask", "binary") == "per shape"
    mask = inside * (labels[:, None, None] + 1) if per_shape else inside  # class k + 1 for shape k, 0 outside
    names = SEG_CLASSES["per shape" if per_shape else "binary"]
    return RawData(x=_to_uint8(image), y=torch.from_numpy(mask.astype(np.int64)), kind="image",
                   class_names=names, scale=1 / 255)


_PARAMS = {
    "n_images": Param(2100, 14, 60_000, "number of images, 14 to 60000"),
    "noise": Param(0.1, 0.0, 0.5, "standard deviation of pixel noise, 0 to 0.5"),
    "rotation": Param(20.0, 0.0, 40.0, "largest rotation in degrees, 0 to 40 (bars stay recognisable)"),
}

SPECS = [
    DatasetSpec(
        name="shapes",
        title="Shapes (28x28)",
        task="classification",
        description="Small gray pictures of 7 shapes (circle, square, triangle, ...) at random places and sizes.",
        source="generated",
        input_shape=(1, SIZE, SIZE),
        classes=CLASSES,
        loader=load_shapes,
        parameters={**_PARAMS, "examples_per_class": EXAMPLES_PER_CLASS},
        group="images",
    ),
    DatasetSpec(
        name="shapes_seg",
        title="Shapes segmentation (28x28)",
        task="segmentation",
        description="The shape pictures with a mask: every pixel of the shape (mask 'per shape': and its kind).",
        source="generated",
        input_shape=(1, SIZE, SIZE),
        classes=("background", "shape"),
        loader=load_shapes_seg,
        parameters={**_PARAMS, "mask": Param("binary", None, None,
                                             "binary (shape vs background) or per shape (background + 7 kinds)")},
        choices={"mask": MASKS},
        classes_for=lambda params: SEG_CLASSES[params["mask"]],
        target_shape=(SIZE, SIZE),
        group="images",
    ),
]
