"""Feeding batches of one split to the model on the training device.

Owns ``Feed``: a split's examples in network-input form, its labels and the loss's targets, on the
device, shuffled once per epoch with a seeded generator. Without augmentation the whole split is
converted and moved once (``split.all()``) and each batch is a slice of the shuffled copy, which is
the cheapest way to feed small networks; with augmentation (or data too big to hold as float32)
every batch comes from ``split.batch(idx)``. Works with any object that has ``__len__``,
``batch(idx, augment=...)`` and ``all()`` (the data package's ``TensorSplit``).
"""

from __future__ import annotations

import torch

#: above this many bytes of float32 inputs, batches are converted one at a time
CACHE_LIMIT = 1 << 30


class Feed:
    def __init__(self, split, objective, device: torch.device, cache_limit: int = CACHE_LIMIT):
        self.split = split
        self.objective = objective
        self.device = device
        self.n = len(split)
        self.augmented = bool(getattr(split, "augmented", False) or getattr(split, "augmentation", None))
        stored = getattr(split, "x", None)
        size = stored.numel() * 4 if isinstance(stored, torch.Tensor) else 0
        self.cached = not self.augmented and size <= cache_limit
        self.x = self.y = self.target = None
        if self.cached and self.n:
            x, y = split.all()
            self.x, self.y = x.to(device), y.to(device)
            self.target = objective.target(self.y)
        self._order = None
        self._epoch = None

    def __len__(self) -> int:
        return self.n

    def all(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Every example (never augmented) and its labels, on the device."""
        if self.x is not None:
            return self.x, self.y
        if not self.n:
            return torch.empty(0, device=self.device), torch.empty(0, dtype=torch.long, device=self.device)
        x, y = self.split.all()
        return x.to(self.device), y.to(self.device)

    def shuffle(self, generator: torch.Generator) -> None:
        """Start an epoch: a new random order of the examples."""
        self._order = torch.randperm(self.n, generator=generator)
        if self.cached:
            order = self._order.to(self.device)
            self._epoch = (self.x[order], self.y[order], self.target[order])  # one gather per epoch, then slices

    def batch(self, start: int, size: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Examples ``start .. start+size`` of this epoch's order: (inputs, labels, loss targets)."""
        if self.cached:
            x, y, t = self._epoch
            end = start + size
            return x[start:end], y[start:end], t[start:end]
        x, y = self.split.batch(self._order[start:start + size], augment=True)
        y = y.to(self.device)
        return x.to(self.device), y, self.objective.target(y)

    def sample(self, index) -> tuple[torch.Tensor, torch.Tensor]:
        """Chosen examples by index in the split's own order (never augmented), on the device."""
        idx = torch.as_tensor(index, dtype=torch.long).reshape(-1)
        if self.x is not None:
            idx = idx.to(self.device)
            return self.x[idx], self.y[idx]
        x, y = self.split.batch(idx, augment=False)
        return x.to(self.device), y.to(self.device)
