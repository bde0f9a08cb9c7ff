"""An image folder with one sub-folder per class (PNG / JPEG), resized to a chosen square size.

``root/cats/*.png``, ``root/dogs/*.jpg`` -> classes ("cats", "dogs"), sorted by name; hidden
folders are ignored. Images are read with Pillow, turned upright by their EXIF orientation (a phone
photo stored sideways), converted to gray or RGB, resized (bilinear) and
kept as one uint8 tensor (N, C, size, size). An image whose header declares more than
``MAX_PIXELS`` is refused before it is decoded. An empty folder, a class folder without images, or an
unreadable image is a DataError naming the place and the fix. Owns this loader only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from playground.core.errors import DataError

from .spec import DatasetSpec, Param, RawData

EXTENSIONS = {".png", ".jpg", ".jpeg"}
#: the most pixels one image may declare (an 8000 x 8000 photo); its header is checked before decoding,
#: so a decompression bomb (a small PNG declaring 100,000 x 100,000 pixels) is refused, not inflated
MAX_PIXELS = 64_000_000
#: color param -> (Pillow mode, channels)
COLORS = {"gray": ("L", 1), "rgb": ("RGB", 3)}

_LAYOUT = "put one sub-folder per class in it, each holding PNG or JPEG images (e.g. cats/1.png, dogs/2.jpg)"


def _folder(root) -> Path:
    if not root:
        raise DataError("no image folder chosen", where="dataset 'image_folder'",
                        fix="choose a folder; " + _LAYOUT)
    folder = Path(root).expanduser()
    if not folder.is_dir():
        raise DataError("folder not found", where=str(folder), fix="choose an existing folder; " + _LAYOUT)
    return folder


def scan(folder: Path) -> list[tuple[str, list[Path]]]:
    """[(class name, sorted image paths)] for each non-hidden sub-folder."""
    classes = sorted(d for d in folder.iterdir() if d.is_dir() and not d.name.startswith("."))
    if not classes:
        raise DataError("the folder has no class sub-folders", where=str(folder), fix=_LAYOUT)
    out = []
    for d in classes:
        images = sorted(p for p in d.iterdir() if p.is_file() and p.suffix.lower() in EXTENSIONS)
        if not images:
            raise DataError(f"class folder '{d.name}' has no PNG or JPEG images", where=str(d),
                            fix="add images to it or remove the folder")
        out.append((d.name, images))
    if len(out) < 2:
        raise DataError(f"only one class ('{out[0][0]}') found; classification needs at least two",
                        where=str(folder), fix=_LAYOUT)
    return out


def read_image(path: Path, mode: str, size: int) -> np.ndarray:
    """One image as uint8 (C, size, size)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            width, height = im.size
            if width * height > MAX_PIXELS:
                raise DataError(
                    f"the image declares {width:,} x {height:,} = {width * height:,} pixels, more than the {MAX_PIXELS:,} this "
                    f"loader decodes (a picture this large is a decompression bomb or needs shrinking)",
                    where=str(path), fix="shrink the image or delete the file")
            im = ImageOps.exif_transpose(im)  # a phone photo stored sideways, upright as its viewer shows it
            im = im.convert(mode).resize((size, size), Image.Resampling.BILINEAR)
            arr = np.array(im, dtype=np.uint8)
    except Image.DecompressionBombError as exc:
        raise DataError(f"refused as a decompression bomb ({exc})", where=str(path),
                        fix="shrink the image or delete the file") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise DataError(f"cannot read this image ({type(exc).__name__}: {exc})", where=str(path),
                        fix="replace or delete the file (only PNG and JPEG images are read)") from None
    return arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)  # (C, H, W)


def load(params: dict, root, seed: int) -> RawData:
    folder = _folder(root)
    mode, channels = COLORS[params["color"]]
    size = params["size"]
    classes = scan(folder)
    total = sum(len(paths) for _, paths in classes)
    x = torch.empty((total, channels, size, size), dtype=torch.uint8)  # (N, C, H, W)
    y = torch.empty(total, dtype=torch.int64)
    i = 0
    for label, (_, paths) in enumerate(classes):
        for path in paths:
            x[i] = torch.from_numpy(read_image(path, mode, size))
            y[i] = label
            i += 1
    return RawData(x=x, y=y, kind="image", class_names=tuple(c for c, _ in classes), scale=1 / 255,
                   origin=str(folder))


def _available(root=None) -> bool:
    return bool(root) and Path(root).expanduser().is_dir()


SPECS = [
    DatasetSpec(
        name="image_folder",
        title="Image folder",
        task="classification",
        description="Your own pictures: one sub-folder per class, PNG or JPEG, resized to a square.",
        source="a folder you choose (one sub-folder per class)",
        input_shape=None,
        classes=(),
        loader=load,
        parameters={
            "size": Param(32, 8, 128, "side of the square images after resizing, 8 to 128 pixels"),
            "color": Param("gray", None, None, "'gray' (1 channel) or 'rgb' (3 channels)"),
        },
        choices={"color": tuple(COLORS)},
        available=_available,
        needs_path="folder",
        group="files",
    ),
]
