"""What the app's dataset panel shows: a few samples with labels, class names and class counts.

Returns plain numpy / Python data only (no live tensors), so it can cross to the GUI thread. For
classification the samples are picked round-robin over the classes, so every class appears. Owns
the preview dictionary's layout only.
"""

from __future__ import annotations

import numpy as np
import torch

from playground.core.errors import DataError

from .registry import load
from .splits import Splits, TensorSplit
from .targets import target_form


def _counts(part: TensorSplit, splits: Splits) -> dict[str, int]:
    names = splits.info.class_names
    if not target_form(splits.info.task).classes or len(part) == 0:
        return {name: 0 for name in names}
    form = target_form(splits.info.task)
    counts = torch.bincount(form.class_labels(part.y), minlength=len(names))  # pixels for masks, boxes for boxes
    return {name: int(c) for name, c in zip(names, counts.tolist())}


def _pick(part: TensorSplit, splits: Splits, n: int, seed: int) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    if not target_form(splits.info.task).per_example:
        return torch.from_numpy(rng.permutation(len(part))[:n])
    labels = part.y.numpy()
    per_class = [rng.permutation(np.flatnonzero(labels == c)) for c in range(splits.info.num_classes)]
    order = [idx[i] for i in range(max((len(p) for p in per_class), default=0)) for idx in per_class
             if i < len(idx)]  # round-robin: one of each class, then the next of each, ...
    return torch.as_tensor(np.asarray(order[:n], dtype=np.int64))


def preview(splits_or_name: Splits | str, n: int = 16, *, split: str = "train", seed: int = 0,
            params: dict | None = None, root: str | None = None) -> dict:
    """``n`` samples of one split (stored values: images in [0, 1], points in their coordinates)."""
    splits = (load(splits_or_name, params=params, root=root, seed=seed)
              if isinstance(splits_or_name, str) else splits_or_name)
    parts = splits.parts()
    if split not in parts:
        raise DataError(f"unknown split '{split}'", where="preview", fix="use 'train', 'val' or 'test'")
    part = parts[split]
    idx = _pick(part, splits, max(0, int(n)), seed)
    samples = part.x[idx].to(torch.float32) * part.scale
    per_split = {name: _counts(p, splits) for name, p in parts.items()}
    return {
        "name": splits.info.name,
        "title": splits.info.title,
        "task": splits.info.task,
        "input_shape": splits.info.input_shape,
        "samples": samples.numpy(),
        "labels": part.y[idx].numpy(),
        "indices": idx.numpy(),
        "class_names": list(splits.info.class_names),
        "class_counts": {name: sum(c[name] for c in per_split.values()) for name in splits.info.class_names},
        "split_class_counts": per_split,
        "split_sizes": {name: len(p) for name, p in parts.items()},
        "origin": splits.origin,
    }
