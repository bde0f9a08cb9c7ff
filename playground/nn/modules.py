"""The few torch modules that torch.nn does not have, named "pg.X" in the layer catalog.

Each class is self-contained (only torch imports), because generated code copies their source
verbatim into the user's standalone file. Keep them short and readable: students read them.
"""

from __future__ import annotations

import torch
from torch import nn


class PointFeatures(nn.Module):
    """Turns 2-D points (x1, x2) into the chosen features, like TensorFlow Playground's inputs."""

    def __init__(self, features):
        super().__init__()
        self.features = list(features)

    #: how each feature is computed from the columns x1, x2 (only the features that are on are)
    FORMULAS = {"x1": lambda x1, x2: x1, "x2": lambda x1, x2: x2, "x1_sq": lambda x1, x2: x1 * x1,
                "x2_sq": lambda x1, x2: x2 * x2, "x1x2": lambda x1, x2: x1 * x2,
                "sin_x1": lambda x1, x2: torch.sin(x1), "sin_x2": lambda x1, x2: torch.sin(x2)}

    def forward(self, x):  # (N, 2) -> (N, len(features))
        if self.features == ["x1", "x2"]:
            return x[:, :2]  # the points themselves: nothing to compute
        x1, x2 = x[:, 0], x[:, 1]
        return torch.stack([self.FORMULAS[f](x1, x2) for f in self.features], dim=1)

    def extra_repr(self):
        return f"features={self.features}"


class _StepFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, straight_through):
        ctx.straight_through = straight_through
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return (grad if ctx.straight_through else torch.zeros_like(grad)), None


class Step(nn.Module):
    """The perceptron's threshold: 1 where x > 0, else 0.

    Its true gradient is zero everywhere; with straight_through=True the gradient passes through
    unchanged (the classic perceptron update), so the layer can still be trained.
    """

    def __init__(self, straight_through=True):
        super().__init__()
        self.straight_through = straight_through

    def forward(self, x):
        return _StepFunction.apply(x, self.straight_through)


class Maxout(nn.Module):
    """Keeps the largest of every `pieces` consecutive channels: (N, C, ...) -> (N, C // pieces, ...)."""

    def __init__(self, pieces=2):
        super().__init__()
        self.pieces = pieces

    def forward(self, x):
        n, c = x.shape[0], x.shape[1]
        x = x.reshape(n, c // self.pieces, self.pieces, *x.shape[2:])  # (N, C/k, k, ...)
        return x.max(dim=2).values

    def extra_repr(self):
        return f"pieces={self.pieces}"


class EdgeConv2d(nn.Conv2d):
    """A classic 3x3 edge filter (Sobel, Prewitt, Scharr, Laplacian) applied to every channel."""

    def __init__(self, channels, kernel, padding=1, trainable=False):
        super().__init__(channels, channels, 3, padding=padding, groups=channels, bias=False)
        with torch.no_grad():
            self.weight.copy_(torch.tensor(kernel, dtype=torch.float32).expand(channels, 1, 3, 3))
        self.weight.requires_grad_(trainable)


class GlobalAvgPool(nn.Module):
    """Averages every feature map to one number: (N, C, H, W) -> (N, C)."""

    def forward(self, x):
        return x.flatten(2).mean(dim=2)


class Reshape(nn.Module):
    """Reshapes each sample: (N, ...) -> (N, *shape)."""

    def __init__(self, shape):
        super().__init__()
        self.shape = list(shape)

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)

    def extra_repr(self):
        return f"shape={self.shape}"


class Add(nn.Module):
    """Adds its inputs: the shortcut of a residual block."""

    def forward(self, *xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


class Concat(nn.Module):
    """Joins its inputs along the channel dimension, as an Inception block does."""

    def forward(self, *xs):
        return torch.cat(xs, dim=1)


#: "pg.X" name -> class (build.py resolves names through this table)
CUSTOM = {cls.__name__: cls for cls in (PointFeatures, Step, Maxout, EdgeConv2d, GlobalAvgPool, Reshape, Add, Concat)}
