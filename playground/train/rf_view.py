"""What the receptive-field panel shows for one unit: its feature map, the input, and the unit's gradient.

Owns ``unit_view`` (run in the training thread: one feature map of a node for one input, the
input as a picture, and the effective receptive field of one unit of that map from
``probes.receptive_field``) and ``mass_box`` (the box around the peak that holds a given share of
the gradient's mass: the "effective" size put in one number pair). Returns numpy arrays and plain
numbers only. The analytic (theoretical) box is not computed here: see ``graph/receptive_box.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from playground.core.errors import TrainingError
from playground.train.probes import eval_mode, node_outputs, receptive_field

MASS_SHARE = 0.95


@dataclass
class UnitView:
    node: str
    unit: tuple[int, int, int]  # (channel, row, column) of the node's output
    channels: int
    feature_map: np.ndarray  # (H', W') the chosen channel of the node's output for the input
    value: float  # the unit's own value
    image: np.ndarray  # the input as a picture: (H, W), or (H, W, 3) in [0, 1] for 3 channels
    heat: np.ndarray  # (H, W) |d unit / d input| summed over the input channels
    nonzero_box: tuple[int, int, int, int] | None  # (top, left, bottom, right) where the gradient is not 0
    mass_box: tuple[int, int, int, int] | None  # the box around the peak holding MASS_SHARE of the gradient


def mass_box(heat: np.ndarray, share: float = MASS_SHARE) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right), inclusive: grown from the largest value one row or column at a
    time, always on the side that adds the most, until it holds ``share`` of the total. None when
    the map is all zero."""
    h = np.abs(np.nan_to_num(np.asarray(heat, dtype=np.float64)))
    total = float(h.sum())
    if h.ndim != 2 or total <= 0:
        return None
    rows, cols = h.shape
    cum = np.zeros((rows + 1, cols + 1))
    cum[1:, 1:] = h.cumsum(axis=0).cumsum(axis=1)  # (H+1, W+1) summed-area table

    def mass(t, l, b, r):
        return cum[b + 1, r + 1] - cum[t, r + 1] - cum[b + 1, l] + cum[t, l]

    t, l = (int(v) for v in np.unravel_index(int(np.argmax(h)), h.shape))
    b, r = t, l
    goal = share * total * (1 - 1e-12)
    while mass(t, l, b, r) < goal:
        options = []
        if t > 0:
            options.append((mass(t - 1, l, b, r), (t - 1, l, b, r)))
        if b < rows - 1:
            options.append((mass(t, l, b + 1, r), (t, l, b + 1, r)))
        if l > 0:
            options.append((mass(t, l - 1, b, r), (t, l - 1, b, r)))
        if r < cols - 1:
            options.append((mass(t, l, b, r + 1), (t, l, b, r + 1)))
        if not options:
            break
        t, l, b, r = max(options, key=lambda o: o[0])[1]
    return t, l, b, r


def picture(x: np.ndarray) -> np.ndarray:
    """One input (C, H, W) as something to look at: 3 channels as RGB stretched to [0, 1], else the
    channel mean (one channel: itself)."""
    if x.shape[0] == 3:
        rgb = np.transpose(x, (1, 2, 0))  # (H, W, 3)
        lo, hi = float(rgb.min()), float(rgb.max())
        return (rgb - lo) / (hi - lo) if hi > lo else np.zeros_like(rgb)
    return x.mean(axis=0)  # (H, W)


def unit_view(model: torch.nn.Module, x: torch.Tensor, node: str, unit: tuple[int, int, int]) -> UnitView:
    """The feature map of ``node`` holding ``unit`` = (channel, row, column) for one input ``x``
    (1, C, H, W), and that unit's effective receptive field. Indices past the map's end are clipped."""
    if x.dim() != 4:
        raise TrainingError("the receptive field needs image inputs (channels, height, width)",
                            where="receptive field", fix="use a network whose input is an image")
    with torch.no_grad(), eval_mode(model):
        outputs = {name: out for name, _, out in node_outputs(model, x)}
    if node not in outputs:
        raise TrainingError(f"there is no node '{node}' in the built model", where="receptive field",
                            fix="choose another layer")
    out = outputs[node]
    if out.dim() != 4:
        raise TrainingError(f"'{node}' has no feature maps (its output is {tuple(out.shape[1:])})",
                            where="receptive field", fix="choose a layer with (channels, height, width) outputs")
    _, c, hh, ww = out.shape
    ch, row, col = (min(max(0, int(v)), n - 1) for v, n in zip(unit, (c, hh, ww)))
    fmap = out[0, ch].detach().float().cpu().numpy()  # (H', W')
    rf = receptive_field(model, x, node, (ch, row, col))
    return UnitView(node, (ch, row, col), int(c), fmap, float(fmap[row, col]),
                    picture(x[0].detach().float().cpu().numpy()), rf.map, rf.box, mass_box(rf.map))
