"""Train / validation / test splits, normalization statistics, and per-batch conversion.

Owns: checking split ratios, (stratified) index splitting, statistics computed on the training part
only, ``TensorSplit`` (stored samples + how to turn a batch of them into network inputs) and
``Splits``. Samples stay in stored form (uint8 images: 60,000 28x28 images are one 47 MB tensor)
and become float32 only per batch. Normalization by kind of data:

- points (2-D, 1-D): raw coordinates, mean 0 / std 1, so plots stay in the dataset's coordinates;
- tabular: per-feature standardization;
- image: scale to [0, 1], then per-channel standardization.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from playground.core.errors import DataError

from .augment import Augmentation
from .spec import DatasetInfo, Param, RawData
from .targets import target_form

#: the few-examples option classification sets declare (shapes, MNIST, Fashion-MNIST): how many
#: training examples of each class to keep (0: all). Validation and test keep theirs, so a model
#: trained on a few examples is still measured on many (transfer learning, few-shot lessons).
EXAMPLES_PER_CLASS = Param(0, 0, 100_000, "training examples kept per class, 0 to 100000 (0: all); "
                           "validation and test keep all of theirs")


def check_ratios(split, where: str) -> tuple[float, float, float]:
    """Three non-negative fractions summing to 1 (within 1%), train above 0; rescaled to sum to 1."""
    fix = "give three fractions for train, validation and test that add up to 1, e.g. (0.7, 0.15, 0.15)"
    try:
        ratios = tuple(float(r) for r in split)
    except (TypeError, ValueError):
        raise DataError(f"split {split!r} is not three numbers", where=where, fix=fix) from None
    if len(ratios) != 3 or not all(math.isfinite(r) and r >= 0 for r in ratios) or ratios[0] <= 0:
        raise DataError(f"split {split!r} is not valid", where=where, fix=fix)
    total = sum(ratios)
    if abs(total - 1) > 0.01:
        raise DataError(f"split fractions add up to {total:g}, not 1", where=where, fix=fix)
    return tuple(r / total for r in ratios)


def _allocate(n: int, ratios) -> list[int]:
    """Split ``n`` into counts proportional to ``ratios`` (largest remainder, ties to the earlier part)."""
    exact = [n * r for r in ratios]
    counts = [math.floor(e) for e in exact]
    order = sorted(range(len(ratios)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def split_indices(y: torch.Tensor, ratios, seed: int, stratify: bool) -> list[torch.Tensor]:
    """One index array per ratio. With ``stratify``, each class is split in the same proportions."""
    rng = np.random.default_rng(seed)
    n = len(y)
    groups = [np.flatnonzero(y.numpy() == c) for c in np.unique(y.numpy())] if stratify else [np.arange(n)]
    parts: list[list[np.ndarray]] = [[] for _ in ratios]
    for g in groups:
        g = rng.permutation(g)
        bounds = np.cumsum([0, *_allocate(len(g), ratios)])
        for k in range(len(ratios)):
            parts[k].append(g[bounds[k]: bounds[k + 1]])
    return [torch.from_numpy(rng.permutation(np.concatenate(p)).astype(np.int64)) for p in parts]


def keep_per_class(y: torch.Tensor, per_class: int, seed: int) -> torch.Tensor:
    """Indices of at most ``per_class`` examples of each class of ``y`` (a seeded random choice),
    in their original order; every index when ``per_class`` is 0."""
    if per_class <= 0:
        return torch.arange(len(y))
    rng = np.random.default_rng(seed)
    labels = y.numpy()
    kept = [rng.permutation(np.flatnonzero(labels == c))[:per_class] for c in np.unique(labels)]
    return torch.from_numpy(np.sort(np.concatenate(kept)).astype(np.int64))


def statistics(x: torch.Tensor, kind: str, scale: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(mean, std) shaped to broadcast over one sample, from the given (training) samples."""
    if kind == "points":
        return torch.zeros(x.shape[1:]), torch.ones(x.shape[1:])
    if kind == "tabular":
        mean, std = x.double().mean(dim=0), x.double().std(dim=0, unbiased=False)
    elif x.dtype == torch.uint8:  # exact and light: a 256-bin histogram per channel
        values = torch.arange(256, dtype=torch.float64) * scale
        mean, std = torch.empty(x.shape[1], dtype=torch.float64), torch.empty(x.shape[1], dtype=torch.float64)
        for c in range(x.shape[1]):
            counts = torch.bincount(x[:, c].reshape(-1), minlength=256).double()
            p = counts / counts.sum()
            mean[c] = (p * values).sum()
            std[c] = ((p * values**2).sum() - mean[c] ** 2).clamp_min(0).sqrt()
        mean, std = mean[:, None, None], std[:, None, None]  # (C, 1, 1)
    else:
        xf = x.double() * scale
        mean, std = xf.mean(dim=(0, 2, 3))[:, None, None], xf.std(dim=(0, 2, 3), unbiased=False)[:, None, None]
    std = torch.where(std < 1e-8, torch.ones_like(std), std)  # a constant feature stays as it is
    return mean.float(), std.float()


class TensorSplit:
    """One of train / val / test: stored samples ``x``, targets ``y``, and the batch conversion.

    With ``targets_from_inputs`` (reconstruction) ``y`` holds the class labels, which only colour
    plots, and a batch's targets are its inputs in stored units (pixels in 0..1, augmented alike)."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor, *, scale: float = 1.0,
                 mean: torch.Tensor | None = None, std: torch.Tensor | None = None,
                 augmentation: Augmentation | None = None, seed: int = 0, targets_from_inputs: bool = False):
        self.x, self.y, self.scale = x, y, scale
        self.targets_from_inputs = targets_from_inputs
        self.mean = torch.zeros(()) if mean is None else mean
        self.std = torch.ones(()) if std is None else std
        self.augmentation = augmentation
        self._generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return len(self.y)

    def __repr__(self) -> str:
        return f"TensorSplit(n={len(self)}, x={tuple(self.x.shape)} {self.x.dtype}, y={tuple(self.y.shape)})"

    @property
    def augmented(self) -> bool:
        return self.augmentation is not None

    def batch(self, idx, *, augment: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
        """Float32 normalized inputs (len(idx), *input_shape) and their targets."""
        idx = torch.as_tensor(idx, dtype=torch.long)
        x = self.x[idx].to(torch.float32)
        if self.scale != 1.0:
            x.mul_(self.scale)
        y = self.y[idx]
        if augment and self.augmentation is not None:
            x, y = self.augmentation.apply(x, y, self._generator)
        if self.targets_from_inputs:
            y = x  # (B, C, H, W) pixels in 0..1: the input is its own target
        return (x - self.mean) / self.std, y

    def all(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The whole split, normalized, never augmented."""
        return self.batch(torch.arange(len(self)), augment=False)

    def batches(self, batch_size: int, *, shuffle: bool = True, seed: int = 0, augment: bool = True):
        """Yield (x, y) batches covering the split once, in a seeded random order when ``shuffle``."""
        order = (torch.randperm(len(self), generator=torch.Generator().manual_seed(seed)) if shuffle
                 else torch.arange(len(self)))
        for start in range(0, len(self), batch_size):
            yield self.batch(order[start: start + batch_size], augment=augment)


@dataclass
class Splits:
    """A loaded dataset: its info, the three splits, and the training-only normalization stats."""

    info: DatasetInfo
    train: TensorSplit
    val: TensorSplit
    test: TensorSplit
    mean: torch.Tensor
    std: torch.Tensor
    kind: str = "points"
    origin: str = "generated"
    params: dict = field(default_factory=dict)

    def parts(self) -> dict[str, TensorSplit]:
        return {"train": self.train, "val": self.val, "test": self.test}


def make_splits(raw: RawData, info: DatasetInfo, split, seed: int, augment: dict | None,
                params: dict | None = None) -> Splits:
    where = f"dataset '{info.name}'"
    ratios = check_ratios(split, where)
    aug = Augmentation.from_dict(augment, where=f"{where} augmentation")
    if aug is not None and raw.kind != "image":
        raise DataError("augmentation works on image datasets only", where=where,
                        fix="turn augmentation off for this dataset")
    form = target_form(info.task)
    if aug is not None and form.no_augmentation:
        raise DataError(f"augmentation does not work on {info.task} data: {form.no_augmentation}",
                        where=where, fix="turn augmentation off for this dataset")
    if len(raw.y) == 0:
        raise DataError("the dataset has no samples", where=f"{where} ({raw.origin})",
                        fix="choose a file or folder that holds data")
    stratify = form.per_example or form.from_inputs  # reconstruction: y are still one label per example
    if raw.test is not None:  # an official test set stays the test set
        r_train, r_val = ratios[0], ratios[1]
        train_idx, val_idx = split_indices(raw.y, (r_train / (r_train + r_val), r_val / (r_train + r_val)),
                                           seed, stratify)
        parts = [(raw.x[train_idx], raw.y[train_idx]), (raw.x[val_idx], raw.y[val_idx]), raw.test]
    else:
        parts = [(raw.x[i], raw.y[i]) for i in split_indices(raw.y, ratios, seed, stratify)]
    per_class = int((params or {}).get("examples_per_class") or 0)
    if per_class and stratify:  # only the training part shrinks
        keep = keep_per_class(parts[0][1], per_class, seed + 7)
        parts[0] = (parts[0][0][keep], parts[0][1][keep])
    if len(parts[0][1]) == 0:
        raise DataError(f"no samples left for training ({len(raw.y)} in all)", where=where,
                        fix="use more samples or a larger training fraction")
    mean, std = statistics(parts[0][0], raw.kind, raw.scale)
    splits = [
        TensorSplit(x, y, scale=raw.scale, mean=mean, std=std,
                    augmentation=aug if k == 0 else None, seed=seed + k, targets_from_inputs=form.from_inputs)
        for k, (x, y) in enumerate(parts)
    ]
    return Splits(info=info, train=splits[0], val=splits[1], test=splits[2], mean=mean, std=std,
                  kind=raw.kind, origin=raw.origin, params=dict(params or {}))
