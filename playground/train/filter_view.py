"""The torch side of the Filters & Weights panel: kernels, classic edge filters and histories of
weight and activation histograms.

Owns:

- ``conv_layers`` / ``weight_layers``: which modules of a model have convolution kernels / weights;
- ``conv_kernels``: a layer's kernels as one (out, in, kh, kw) array whatever the layer kind
  (Conv1d, Conv2d, EdgeConv2d, ConvTranspose2d);
- ``rgb_patches``: 3-channel kernels as colour patches (0.5 + w / (2 max|w|), so grey is zero);
- ``edge_responses``: the classic 3x3 filters (Sobel, Prewitt, Scharr, Laplacian from
  ``graph.conv_kinds.EDGE_KERNELS``) applied to the channel-averaged input;
- ``histogram`` (numpy.histogram's counts, computed in torch) and ``HistogramHistory``: a bounded
  record of histograms over training steps with bin edges that only widen; when a layer's record
  is full, every other snapshot goes, so it spans the whole run (``train.recorder`` feeds it for
  every run).

Everything returns numpy copies, never live tensors. It does not draw (that is ``ui.panels.filters``).
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from playground.core.errors import TrainingError
from playground.graph.conv_kinds import EDGE_KERNELS

CONV_TYPES = (nn.Conv1d, nn.Conv2d, nn.ConvTranspose1d, nn.ConvTranspose2d)
TRANSPOSED = (nn.ConvTranspose1d, nn.ConvTranspose2d)
#: the responses ``edge_responses`` gives, in display order: name -> (kernel names, combine)
EDGE_VIEWS = {
    "Sobel x": ("sobel_x",),
    "Sobel y": ("sobel_y",),
    "Sobel |grad|": ("sobel_x", "sobel_y"),
    "Prewitt |grad|": ("prewitt_x", "prewitt_y"),
    "Scharr |grad|": ("scharr_x", "scharr_y"),
    "Laplacian": ("laplacian",),
}
HISTORY = 60  # snapshots kept per layer (full: thinned to every other one)
BINS = 40  # bins of a new history
MAX_BINS = 160  # widening past this merges pairs of bins


# ----------------------------------------------------------------------------- kernels
def conv_layers(model: nn.Module) -> list[str]:
    """Names of the modules with convolution kernels, in the model's order."""
    return [name for name, mod in model.named_modules() if name and isinstance(mod, CONV_TYPES)]


def weight_layers(model: nn.Module) -> list[str]:
    """Names of the modules with their own ``weight`` parameter (dense, conv, norm layers)."""
    return [name for name, mod in model.named_modules()
            if name and isinstance(getattr(mod, "weight", None), nn.Parameter)]


def first_learned_conv(model: nn.Module) -> str | None:
    """The first 2-D convolution whose kernels training changes (fixed edge filters are skipped)."""
    for name in conv_layers(model):
        mod = model.get_submodule(name)
        if isinstance(mod, nn.Conv2d) and mod.weight.requires_grad:
            return name
    return None


@torch.no_grad()
def conv_kernels(model: nn.Module, name: str) -> np.ndarray:
    """(out, in, kh, kw) kernels of layer ``name`` (a Conv1d kernel is one row: kh = 1). ``in`` is
    the channels one kernel sees (in / groups for grouped convolutions)."""
    mod = model.get_submodule(name)
    if not isinstance(mod, CONV_TYPES):
        raise TrainingError(f"layer {name} has no convolution kernels ({type(mod).__name__})", where=name,
                            fix="pick a Conv1d, Conv2d or ConvTranspose2d layer")
    w = mod.weight.detach().float().cpu()
    if isinstance(mod, TRANSPOSED):  # stored (in, out / groups, k...): one kernel per (out, in) pair
        g = mod.groups
        w = w.reshape(g, w.shape[0] // g, *w.shape[1:])  # (g, in/g, out/g, k...)
        w = w.transpose(1, 2).reshape(-1, w.shape[1], *w.shape[3:])  # (out, in/g, k...)
    if w.dim() == 3:  # (out, in, k) -> (out, in, 1, k)
        w = w.unsqueeze(2)
    return w.numpy().copy()


def rgb_patches(kernels: np.ndarray) -> np.ndarray:
    """(out, kh, kw, 3) colour patches of (out, 3, kh, kw) kernels on one symmetric scale:
    0.5 + w / (2 max|w|), so mid-grey is zero and the strongest weight reaches 0 or 1."""
    if kernels.ndim != 4 or kernels.shape[1] != 3:
        raise ValueError(f"colour patches need (out, 3, kh, kw) kernels, got {kernels.shape}")
    m = float(np.abs(kernels).max()) or 1.0
    return np.clip(0.5 + kernels.transpose(0, 2, 3, 1) / (2 * m), 0.0, 1.0)  # (out, kh, kw, 3)


# ----------------------------------------------------------------------------- classic edge filters
def edge_kernels() -> dict[str, np.ndarray]:
    return {name: np.asarray(k, dtype=np.float32) for name, k in EDGE_KERNELS.items()}


@torch.no_grad()
def edge_responses(x) -> dict[str, np.ndarray]:
    """The classic filters on one image ``x`` (C, H, W), channels averaged first, zero padding 1
    (same size), cross-correlation as in a Conv2d. Returns ``EDGE_VIEWS`` name -> (H, W)."""
    x = torch.as_tensor(np.asarray(x.detach().cpu() if isinstance(x, torch.Tensor) else x), dtype=torch.float32)
    if x.dim() != 3:
        raise TrainingError(f"edge filters need an image (channels, height, width), got shape {tuple(x.shape)}",
                            fix="use an Image input dataset")
    gray = x.mean(dim=0)[None, None]  # (1, 1, H, W)
    kernels = edge_kernels()
    names = sorted({k for ks in EDGE_VIEWS.values() for k in ks})
    bank = torch.stack([torch.from_numpy(kernels[k]) for k in names])[:, None]  # (K, 1, 3, 3)
    out = F.conv2d(gray, bank, padding=1)[0]  # (K, H, W)
    resp = dict(zip(names, out))
    views = {}
    for view, ks in EDGE_VIEWS.items():
        r = resp[ks[0]] if len(ks) == 1 else torch.sqrt(sum(resp[k] ** 2 for k in ks))
        views[view] = r.numpy().copy()
    return views


# ----------------------------------------------------------------------------- histograms
@torch.no_grad()
def histogram(values, edges: np.ndarray) -> np.ndarray:
    """Counts of ``values`` in the bins ``edges`` with numpy.histogram's rules (each bin includes its
    left edge, the last one its right edge too; values outside are not counted), computed in torch."""
    v = torch.as_tensor(values).detach().reshape(-1).to(torch.float64)
    e = torch.as_tensor(np.asarray(edges, dtype=np.float64), device=v.device)
    n = len(edges) - 1
    idx = torch.bucketize(v, e, right=True) - 1  # edges[i] <= v < edges[i + 1] -> i
    idx = torch.where(v == e[-1], torch.full_like(idx, n - 1), idx)
    idx = idx[(idx >= 0) & (idx < n)]
    return torch.bincount(idx, minlength=n).cpu().numpy().astype(np.int64)


@dataclass
class HistoryView:
    """One layer's record, copied: counts (T, bins) for the steps (T,), over ``edges`` (bins + 1)."""

    name: str
    steps: np.ndarray
    counts: np.ndarray
    edges: np.ndarray


class _Track:
    """Histograms of one quantity over time on a grid lo + width * k that only grows."""

    def __init__(self, vmin: float, vmax: float, bins: int = BINS):
        if not vmax > vmin:
            pad = abs(vmin) * 0.1 or 0.5
            vmin, vmax = vmin - pad, vmax + pad
        self.width = (vmax - vmin) / bins
        self.lo, self.bins = vmin, bins
        self.steps: deque[int] = deque()
        self.rows: deque[np.ndarray] = deque()

    @property
    def edges(self) -> np.ndarray:
        return self.lo + self.width * np.arange(self.bins + 1)

    def _merge(self) -> None:
        """Pairs of neighbouring bins become one: the edges kept are every other one."""
        if self.bins % 2:
            self.bins += 1
            self.rows = deque(np.pad(r, (0, 1)) for r in self.rows)
        self.rows = deque(r.reshape(-1, 2).sum(axis=1) for r in self.rows)  # (bins/2,)
        self.bins //= 2
        self.width *= 2

    def _widen(self, vmin: float, vmax: float) -> None:
        """Add whole bins below and above until [vmin, vmax] fits (old counts stay exact)."""
        while True:
            below = max(0, int(np.ceil((self.lo - vmin) / self.width)))
            above = max(0, int(np.ceil((vmax - (self.lo + self.width * self.bins)) / self.width)))
            if self.bins + below + above <= MAX_BINS:
                break
            self._merge()
        while self.lo - below * self.width > vmin:  # rounding
            below += 1
        while self.lo - below * self.width + self.width * (self.bins + below + above) < vmax:
            above += 1
        if below or above:
            self.lo -= below * self.width
            self.bins += below + above
            self.rows = deque(np.pad(r, (below, above)) for r in self.rows)

    def add(self, step: int, values: torch.Tensor) -> None:
        v = values.detach().reshape(-1)
        v = v[torch.isfinite(v)]
        if v.numel():
            self._widen(float(v.min()), float(v.max()))
        if len(self.steps) >= HISTORY:  # full: every other snapshot goes, the whole run stays in view
            self.steps = deque(list(self.steps)[::2])
            self.rows = deque(list(self.rows)[::2])
        self.steps.append(int(step))
        self.rows.append(histogram(v, self.edges))

    def view(self, name: str) -> HistoryView:
        return HistoryView(name, np.asarray(self.steps, dtype=np.int64),
                           np.stack(list(self.rows)) if self.rows else np.zeros((0, self.bins), np.int64),
                           self.edges.copy())


class HistogramHistory:
    """Weight and activation histograms per layer, at most ``HISTORY`` snapshots spread over the run.

    ``record(model, x)`` (training thread) adds one snapshot at the model's current step, unless
    that step is already recorded; a different model (a new run) or an earlier step starts over.
    ``view(kind, name)`` copies one layer's record (any thread)."""

    KINDS = ("weights", "activations")

    def __init__(self):
        self._lock = threading.Lock()
        self.tracks: dict[str, dict[str, _Track]] = {k: {} for k in self.KINDS}
        self._model_id: int | None = None
        self.last_step: int | None = None
        self.snapshots = 0

    def clear(self) -> None:
        with self._lock:
            self.tracks = {k: {} for k in self.KINDS}
            self.last_step, self.snapshots = None, 0

    def _add(self, kind: str, name: str, step: int, values: torch.Tensor) -> None:
        track = self.tracks[kind].get(name)
        if track is None:
            v = values.detach().reshape(-1)
            v = v[torch.isfinite(v)]
            lo, hi = (float(v.min()), float(v.max())) if v.numel() else (0.0, 0.0)
            track = self.tracks[kind][name] = _Track(lo, hi)
        track.add(step, values)

    def needs(self, model: nn.Module, step: int) -> bool:
        """Whether ``record`` would add a snapshot (another model, or a step not yet recorded)."""
        return id(model) != self._model_id or step != self.last_step

    @torch.no_grad()
    def record(self, model: nn.Module, step: int, x: torch.Tensor | None) -> bool:
        """One snapshot of every layer's weights and (for examples ``x``) every node's output.
        False when ``step`` was already recorded for this model."""
        from playground.train.probes import eval_mode, node_outputs

        if id(model) != self._model_id or (self.last_step is not None and step < self.last_step):
            self.clear()
            self._model_id = id(model)
        if step == self.last_step:
            return False
        outputs = []
        if x is not None and len(x):
            with eval_mode(model):
                outputs = [(name, out) for name, _, out in node_outputs(model, x) if out.is_floating_point()]
        with self._lock:
            for name in weight_layers(model):
                self._add("weights", name, step, model.get_submodule(name).weight)
            for name, out in outputs:
                self._add("activations", name, step, out)
            self.last_step = step
            self.snapshots += 1
        return True

    def names(self, kind: str) -> list[str]:
        with self._lock:
            return list(self.tracks[kind])

    def view(self, kind: str, name: str) -> HistoryView | None:
        with self._lock:
            track = self.tracks[kind].get(name)
            return None if track is None else track.view(name)


# ----------------------------------------------------------------------------- dense layers as images
def image_weight_layers(model: nn.Module, input_shape) -> list[str]:
    """Dense layers that read the flattened input image directly (in_features = C*H*W): each unit's
    weights can be drawn as a picture of the input (the classic MNIST view)."""
    shape = tuple(input_shape)
    if len(shape) != 3:
        return []
    size = int(np.prod(shape))
    return [name for name, mod in model.named_modules()
            if name and isinstance(mod, nn.Linear) and mod.in_features == size]


@torch.no_grad()
def dense_as_images(model: nn.Module, name: str, input_shape) -> np.ndarray:
    """(units, C, H, W): the weights of dense layer ``name`` reshaped to the input image."""
    w = model.get_submodule(name).weight.detach().float().cpu()  # (units, C*H*W)
    return w.reshape(w.shape[0], *input_shape).numpy().copy()  # (units, C, H, W)
