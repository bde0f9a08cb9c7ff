"""Neural style transfer (Gatys et al. 2015): optimize a picture, not the weights, so that its
feature maps match one picture's (content) and their Gram matrices match another's (style).

Owns the maths and the loop, Qt-free:

- ``gram(F)``: G[k, k'] = sum over positions of F[k] * F[k'] (how often two channels fire together,
  wherever that is: a texture statistic that forgets the layout);
- ``content_loss(F, P)`` = mean of (F - P)^2 over a layer's values; ``style_loss(F, S)`` =
  sum of (G(F) - G(S))^2 / (2 n_C n_H n_W)^2, the course's J_style for one layer;
- ``FeatureNet``: the layers whose outputs are compared, either the convolution layers of a built
  network of the project (a copy, inputs normalized as in training) or ``random_filter_net``, a
  fixed network of random convolutions (random filters already capture texture statistics);
- the built-in pictures: clean shapes for content (``CONTENTS``, drawn with the shapes dataset's
  outlines) and generated textures for style (``TEXTURES``: stripes, checkerboard, dots, ...);
- ``StyleTransfer``: the picture as the only variable (Adam on its pixels, kept in 0..1), one
  ``step(content_weight, style_weight)`` at a time, returning the per-layer losses. The network's
  weights get no gradient and never change (``torch.autograd.grad`` with respect to the picture only).

The view that draws it lives in ``playground/ui/learn/style_view.py``.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import nn

from playground.core.errors import TrainingError
from playground.data.shapes import SHAPES
from playground.nn.subgraph import layer_outputs

SIZE = 64  # the random-filter network's picture size


def gram(f: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) feature maps -> (B, C, C) Gram matrices: G[k, k'] = sum_ij F[k, i, j] F[k', i, j]."""
    b, c = f.shape[:2]
    flat = f.reshape(b, c, -1)  # (B, C, H*W)
    return flat @ flat.transpose(1, 2)


def content_loss(f: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    """Mean squared difference of two pictures' feature maps at one layer."""
    return ((f - p) ** 2).mean()


def style_loss(f: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """sum (G(f) - G(s))^2 / (2 n_C n_H n_W)^2 at one layer (the course's J_style^[l])."""
    c, h, w = f.shape[1:]
    return ((gram(f) - gram(s)) ** 2).sum() / (2.0 * c * h * w) ** 2


# ---- pictures ------------------------------------------------------------------------------------

def _grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.mgrid[0:size, 0:size] + 0.5
    return cols, rows


def content_picture(kind: str, size: int) -> np.ndarray:
    """A clean shape (``SHAPES``' outline) in the middle of a dark square: (1, size, size) in 0..1."""
    cols, rows = _grid(size)
    u, v = cols - size / 2, rows - size / 2
    sdf = SHAPES[kind](u, v, size * 0.32)
    return np.clip(0.5 - sdf / 1.5, 0, 1)[None].astype(np.float32) * 0.9 + 0.05


def _stripes(cols, rows, size):
    return 0.5 + 0.5 * np.sign(np.sin(2 * np.pi * (cols + rows) / max(4, size / 8)))


def _checker(cols, rows, size):
    cell = max(2, size // 8)
    return ((cols // cell + rows // cell) % 2).astype(np.float64)


def _dots(cols, rows, size):
    period = max(4, size / 6)
    du, dv = (cols % period) - period / 2, (rows % period) - period / 2
    return (np.hypot(du, dv) < period * 0.3).astype(np.float64)


def _waves(cols, rows, size):
    k = 2 * np.pi / max(4, size / 5)
    return 0.5 + 0.5 * np.sin(k * rows + 2 * np.sin(k * cols * 0.7))


def _noise(cols, rows, size):
    rng = np.random.default_rng(0)
    coarse = rng.random((size // 4 + 2, size // 4 + 2))
    return np.kron(coarse, np.ones((4, 4)))[:size, :size]


#: name -> f(cols, rows, size) -> (size, size) in 0..1
TEXTURES: dict[str, Callable] = {"stripes": _stripes, "checkerboard": _checker, "dots": _dots, "waves": _waves,
                                 "blocks": _noise}
CONTENTS = tuple(SHAPES)


def texture_picture(kind: str, size: int) -> np.ndarray:
    """A generated texture: (1, size, size) float32 in 0..1."""
    if kind not in TEXTURES:
        raise TrainingError(f"unknown texture '{kind}'", where="style transfer", fix=f"use one of: {', '.join(TEXTURES)}")
    cols, rows = _grid(size)
    return np.clip(TEXTURES[kind](cols, rows, size), 0, 1)[None].astype(np.float32)


# ---- the networks whose features are compared -----------------------------------------------------

@dataclass
class FeatureNet:
    """``features(x)`` for pictures x (B, C, H, W) in 0..1 -> {layer: (B, C', H', W')}."""

    layers: tuple[str, ...]
    features: Callable[[torch.Tensor], dict[str, torch.Tensor]]
    input_shape: tuple[int, int, int]
    modules: nn.Module  # whose weights must stay as they are
    title: str


def random_filter_net(channels: int = 1, size: int = SIZE, seed: int = 0) -> FeatureNet:
    """Three 3x3 convolutions (32, 64, 128 random filters, He-scaled) with ReLU, average pooling
    between them; fixed weights."""
    gen = torch.Generator().manual_seed(seed)
    convs = nn.ModuleList()
    c_in = channels
    for c_out in (32, 64, 128):
        conv = nn.Conv2d(c_in, c_out, 3, padding=1)
        with torch.no_grad():
            conv.weight.copy_(torch.randn(conv.weight.shape, generator=gen) * (2.0 / (9 * c_in)) ** 0.5)
            conv.bias.zero_()
        conv.requires_grad_(False)
        convs.append(conv)
        c_in = c_out
    names = tuple(f"random_conv{i + 1}" for i in range(len(convs)))

    def features(x: torch.Tensor) -> dict[str, torch.Tensor]:
        out = {}
        h = x - 0.5
        for i, (name, conv) in enumerate(zip(names, convs)):
            if i:
                h = nn.functional.avg_pool2d(h, 2)
            h = torch.relu(conv(h))
            out[name] = h
        return out

    return FeatureNet(names, features, (channels, size, size), convs, "random filters (fixed)")


def project_net(model: nn.Module, input_shape: tuple, mean: torch.Tensor, std: torch.Tensor) -> FeatureNet:
    """The convolution layers of a built network (a ``torch.fx.GraphModule``; pass a copy): their
    outputs for pictures normalized as the network was trained ((x - mean) / std)."""
    if len(tuple(input_shape)) != 3:
        raise TrainingError(f"the project's network takes {tuple(input_shape)} per example, not pictures",
                            where="style transfer", fix="use the random-filter network, or a project on images")
    names = tuple(name for name, m in model.named_modules() if isinstance(m, nn.Conv2d))
    if not names:
        raise TrainingError("the project's network has no convolution layers, so it has no feature maps to compare",
                            where="style transfer",
                            fix="use the random-filter network, or a network with Conv2d layers (the style_transfer preset)")
    model = model.eval()

    def features(x: torch.Tensor) -> dict[str, torch.Tensor]:
        outs = layer_outputs(model, (x - mean) / std)
        return {name: outs[name] for name in names}

    return FeatureNet(names, features, tuple(int(s) for s in input_shape), model, "the project's network")


# ---- the optimization ------------------------------------------------------------------------------

@dataclass
class StepRecord:
    step: int
    total: float
    content: dict[str, float]  # per layer (unweighted)
    style: dict[str, float]


class StyleTransfer:
    """The picture ``image`` (1, C, H, W) is the variable; the network is fixed."""

    def __init__(self, net: FeatureNet, content: np.ndarray, style: np.ndarray, lr: float = 0.03,
                 start: str = "content", seed: int = 0):
        c, h, w = net.input_shape
        self.net = net
        self.content = _fit(content, c, h, w)
        self.style = _fit(style, c, h, w)
        with torch.no_grad(), one_thread():
            self.targets = net.features(self.content)
            self.style_targets = net.features(self.style)
        if start == "noise":
            init = torch.rand(self.content.shape, generator=torch.Generator().manual_seed(seed))
        else:
            init = self.content.clone()
        self.image = init.requires_grad_(True)
        self.lr = lr
        self._m = torch.zeros_like(init)  # Adam's running mean of the gradient
        self._v = torch.zeros_like(init)  # and of its square
        self.steps = 0

    def losses(self, feats: dict[str, torch.Tensor]) -> tuple[dict, dict]:
        content = {name: content_loss(feats[name], self.targets[name]) for name in self.net.layers}
        style = {name: style_loss(feats[name], self.style_targets[name]) for name in self.net.layers}
        return content, style

    def step(self, content_weight: float, style_weight: float) -> StepRecord:
        with one_thread():  # one small picture: waking torch's worker threads costs more than the work
            return self._step(content_weight, style_weight)

    def _step(self, content_weight: float, style_weight: float) -> StepRecord:
        feats = self.net.features(self.image)
        content, style = self.losses(feats)
        n = len(self.net.layers)
        total = content_weight * sum(content.values()) / n + style_weight * sum(style.values()) / n
        (grad,) = torch.autograd.grad(total, [self.image])  # the picture's gradient only
        self.steps += 1
        with torch.no_grad():
            self._adam(grad)
            self.image.clamp_(0, 1)
        return StepRecord(self.steps, float(total.detach()), {k: float(v.detach()) for k, v in content.items()},
                          {k: float(v.detach()) for k, v in style.items()})

    def _adam(self, grad: torch.Tensor, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> None:
        """One Adam step on the picture (written out: one tensor needs no ``torch.optim``)."""
        self._m.mul_(b1).add_(grad, alpha=1 - b1)
        self._v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
        m_hat = self._m / (1 - b1 ** self.steps)
        v_hat = self._v / (1 - b2 ** self.steps)
        self.image.sub_(self.lr * m_hat / (v_hat.sqrt() + eps))

    def picture(self) -> np.ndarray:
        """The current picture (C, H, W) in 0..1, a copy."""
        return self.image.detach()[0].cpu().numpy().copy()


@contextmanager
def one_thread():
    """Torch on one intra-op thread inside (as ``train.threads`` does for small models), restored after."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _fit(picture: np.ndarray, c: int, h: int, w: int) -> torch.Tensor:
    """(C0, H0, W0) in 0..1 -> (1, c, h, w): resized (bilinear) and gray repeated to c channels."""
    t = torch.as_tensor(np.asarray(picture, dtype=np.float32))[None]  # (1, C0, H0, W0)
    if t.shape[2:] != (h, w):
        t = nn.functional.interpolate(t, size=(h, w), mode="bilinear", align_corners=False)
    if t.shape[1] != c:
        t = t.mean(1, keepdim=True).repeat(1, c, 1, 1)
    return t.clamp(0, 1)
