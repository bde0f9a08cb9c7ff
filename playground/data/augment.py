"""Image augmentation with plain torch ops, applied to one float batch (N, C, H, W) in [0, 1].

Options (all off by default): ``flip`` (mirror left-right with probability 1/2), ``shift`` (up to
that many whole pixels in x and y), ``rotate`` (up to that many degrees either way), ``noise``
(Gaussian pixel noise with that standard deviation) and ``erase`` (probability of blanking one
random rectangle, as in random erasing). Shift and rotation are one affine resample; segmentation
masks (N, H, W) get the same flip and affine (nearest neighbour) so image and mask stay aligned.
Owns the options and the ops; ``splits.py`` decides when to apply them (training batches only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import torch
import torch.nn.functional as F

from playground.core.errors import DataError

#: option -> (type, min, max, meaning)
OPTIONS = {
    "flip": (bool, None, None, "mirror left-right at random (true / false)"),
    "shift": (int, 0, 8, "largest shift in pixels, 0 to 8"),
    "rotate": (float, 0.0, 45.0, "largest rotation in degrees, 0 to 45"),
    "noise": (float, 0.0, 0.5, "standard deviation of pixel noise, 0 to 0.5"),
    "erase": (float, 0.0, 1.0, "probability of blanking a random rectangle, 0 to 1"),
}


@dataclass(frozen=True)
class Augmentation:
    flip: bool = False
    shift: int = 0
    rotate: float = 0.0
    noise: float = 0.0
    erase: float = 0.0

    @classmethod
    def from_dict(cls, options: dict | None, where: str = "augmentation") -> "Augmentation | None":
        """Checked options, or None when nothing is switched on."""
        values = {}
        for key, value in (options or {}).items():
            if key not in OPTIONS:
                raise DataError(f"unknown augmentation '{key}'", where=where, fix=f"use: {', '.join(OPTIONS)}")
            kind, lo, hi, doc = OPTIONS[key]
            if value is None or value is False:
                value = kind(0)
            ok = isinstance(value, bool) if kind is bool else (
                isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
                and (kind is float or float(value).is_integer()))
            if not ok or (lo is not None and not lo <= value <= hi):
                raise DataError(f"augmentation '{key}' is {value!r}", where=where, fix=doc)
            values[key] = kind(value)
        aug = cls(**values)
        return aug if aug.active else None

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def apply(self, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator | None = None):
        """Augmented copies of ``x`` (N, C, H, W) float and, for masks (N, H, W), of ``y``."""
        mask = y if y.dim() == 3 else None
        if self.flip:
            pick = torch.rand(len(x), generator=generator) < 0.5
            x = torch.where(pick[:, None, None, None], x.flip(-1), x)
            if mask is not None:
                mask = torch.where(pick[:, None, None], mask.flip(-1), mask)
        if self.shift or self.rotate:
            x, mask = self._affine(x, mask, generator)
        if self.noise:
            x = (x + self.noise * torch.randn(x.shape, generator=generator)).clamp_(0, 1)
        if self.erase:
            x = self._erase(x, generator)
        return x, (mask if mask is not None else y)

    def _affine(self, x, mask, generator):
        n, _, h, w = x.shape
        angle = (torch.rand(n, generator=generator) * 2 - 1) * math.radians(self.rotate)
        shifts = torch.randint(-self.shift, self.shift + 1, (n, 2), generator=generator).float()
        cos, sin = torch.cos(angle), torch.sin(angle)
        theta = torch.stack([
            torch.stack([cos, -sin, -2 * shifts[:, 0] / w], dim=1),
            torch.stack([sin, cos, -2 * shifts[:, 1] / h], dim=1),
        ], dim=1)  # (N, 2, 3): output pixel -> input location
        grid = F.affine_grid(theta, list(x.shape), align_corners=False)
        x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
        if mask is not None:
            m = F.grid_sample(mask[:, None].float(), grid, mode="nearest", padding_mode="zeros",
                              align_corners=False)  # (N, 1, H, W)
            mask = m[:, 0].round().to(mask.dtype)
        return x, mask

    def _erase(self, x, generator):
        n, _, h, w = x.shape
        hit = torch.rand(n, generator=generator) < self.erase
        area = (0.02 + 0.18 * torch.rand(n, generator=generator)) * h * w
        aspect = torch.exp((torch.rand(n, generator=generator) * 2 - 1) * math.log(3.0))
        eh = (area * aspect).sqrt().round().clamp(1, h).long()
        ew = (area / aspect).sqrt().round().clamp(1, w).long()
        top = (torch.rand(n, generator=generator) * (h - eh + 1)).long()
        left = (torch.rand(n, generator=generator) * (w - ew + 1)).long()
        rows = torch.arange(h)[None, :, None]  # (1, H, 1)
        cols = torch.arange(w)[None, None, :]  # (1, 1, W)
        box = ((rows >= top[:, None, None]) & (rows < (top + eh)[:, None, None])
               & (cols >= left[:, None, None]) & (cols < (left + ew)[:, None, None]))  # (N, H, W)
        box &= hit[:, None, None]
        return x.masked_fill(box[:, None], 0.0)
