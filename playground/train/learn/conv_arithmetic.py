"""Convolution arithmetic for one Conv2d / MaxPool2d / AvgPool2d / ConvTranspose2d layer, cell by cell.

Owns ``Geometry`` (the layer's kernel k, stride s, padding p, dilation d, output padding, channels
and its real input size, read from a graph node and the graph's shape inference), ``output_size``
and ``formula_text`` (n_out = floor((n_in + 2p - d(k-1) - 1) / s) + 1 filled in with the layer's
numbers; the transposed rule (n_in - 1)s - 2p + d(k-1) + output_padding + 1 for ConvTranspose2d),
and ``Example``: a small single-channel input with small integer values and a small integer
kernel, with every output cell computed by hand as the course writes it (which padded input cells
the dilated kernel covers at that stride, their values, the weights, the sum, max or mean), and for
the transposed convolution the reverse mapping (which output cells each input cell scatters its
kernel-weighted value onto). ``channel_mix`` is the 1x1 convolution as per-pixel channel mixing.
Tests compare every cell with torch.nn.functional. It draws nothing (``ui/learn/conv_view.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from playground.core.errors import GraphError

KINDS = ("Conv2d", "MaxPool2d", "AvgPool2d", "ConvTranspose2d")
EXAMPLE_MAX = 7  # the worked example's input is at most this many cells a side


@dataclass(frozen=True)
class Geometry:
    kind: str
    k: int
    s: int
    p: int | str  # "same" for a Conv2d with padding 'same'
    d: int = 1
    output_padding: int = 0
    n_in: tuple[int, int] = (5, 5)
    c_in: int = 1
    c_out: int = 1

    @property
    def transposed(self) -> bool:
        return self.kind == "ConvTranspose2d"

    @property
    def pads(self) -> tuple[int, int]:
        """(before, after) zeros on each side; 'same' puts the odd one after, as torch does."""
        if self.p == "same":
            total = self.d * (self.k - 1)
            return total // 2, total - total // 2
        return int(self.p), int(self.p)


def geometry(graph, shapes, node_id: str) -> Geometry:
    """The geometry of ``node_id`` from its parameters and its inferred input shape."""
    node = graph.nodes[node_id]
    if node.kind not in KINDS:
        raise GraphError(f"'{node.name}' is a {node.kind}, not a convolution or pooling layer",
                         fix=f"pick a layer of kind {', '.join(KINDS)}")
    srcs = graph.inputs_of(node_id)
    shape = shapes.shape(srcs[0]) if srcs else None
    if shape is None or len(shape) != 3:
        raise GraphError(f"'{node.name}' has no image input yet", fix="connect it after an image layer and fix its problems")
    p = node.params
    out = shapes.shape(node_id)
    return Geometry(node.kind, int(p["kernel_size"]), int(p["stride"]), p["padding"], int(p.get("dilation", 1)),
                    int(p.get("output_padding", 0)), (int(shape[1]), int(shape[2])), int(shape[0]),
                    int(out[0]) if out else int(shape[0]))


def output_size(g: Geometry, n: int) -> int:
    before, after = g.pads
    if g.transposed:
        return (n - 1) * g.s - before - after + g.d * (g.k - 1) + g.output_padding + 1
    return (n + before + after - g.d * (g.k - 1) - 1) // g.s + 1


def formula_text(g: Geometry, n: int) -> str:
    """The output-size rule with this layer's numbers filled in, for one side of length ``n``."""
    out = output_size(g, n)
    if g.transposed:
        return (f"n_out = (n_in − 1)·s − 2p + d(k − 1) + output_padding + 1 = ({n} − 1)·{g.s} − 2·{g.p} + "
                f"{g.d}·({g.k} − 1) + {g.output_padding} + 1 = {out}")
    two_p = sum(g.pads) if g.p == "same" else 2 * int(g.p)
    pad = f"{two_p} (padding 'same')" if g.p == "same" else f"2·{g.p}"
    return (f"n_out = ⌊(n_in + 2p − d(k − 1) − 1) / s⌋ + 1 = ⌊({n} + {pad} − {g.d}·({g.k} − 1) − 1) / {g.s}⌋ + 1"
            f" = ⌊{n + two_p - g.d * (g.k - 1) - 1} / {g.s}⌋ + 1 = {out}")


@dataclass
class Cell:
    """How one output cell is computed: the padded-input cells (row, col) it reads, their values,
    the kernel weights they meet, and the result."""

    out: tuple[int, int]
    taps: list[tuple[int, int]] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    result: float = 0.0

    def text(self, kind: str) -> str:
        if kind == "MaxPool2d":
            return f"max({', '.join(_num(v) for v in self.values)}) = {_num(self.result)}"
        if kind == "AvgPool2d":
            return f"({' + '.join(_num(v) for v in self.values)}) / {len(self.values)} = {_num(self.result)}"
        terms = " + ".join(f"{_num(v)}·{_num(w) if w >= 0 else f'({_num(w)})'}" for v, w in zip(self.values, self.weights))
        return f"{terms} = {_num(self.result)}"


def _num(v: float) -> str:
    return f"{v:g}" if float(v).is_integer() else f"{v:.2f}"


@dataclass
class Example:
    """A worked example with the layer's k, s, p, d on a small input (one channel in, one out)."""

    geometry: Geometry
    x: np.ndarray  # (n, n) input
    kernel: np.ndarray  # (k, k) weights (ones for pooling)
    padded: np.ndarray  # (n + before + after, same) for convolution/pooling
    out: np.ndarray  # (n_out, n_out)
    cells: list[Cell]  # row-major over out (convolution/pooling)
    scatter: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)  # transposed: input -> outputs


def example_size(g: Geometry) -> int:
    """Small enough to show numbers in cells, large enough for at least one output cell."""
    n = min(max(g.n_in), EXAMPLE_MAX)
    if g.transposed:
        return max(2, min(n, 4))
    span = g.d * (g.k - 1) + 1 - sum(g.pads)
    return max(n, span, 1)


def example(g: Geometry, n: int | None = None, seed: int = 0) -> Example:
    n = int(n or example_size(g))
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 10, size=(n, n)).astype(np.float64)
    pooling = g.kind in ("MaxPool2d", "AvgPool2d")
    kernel = np.ones((g.k, g.k)) if pooling else rng.choice([-1.0, 1.0, 2.0], size=(g.k, g.k))
    if g.transposed:
        return _transposed(g, x, kernel)
    before, after = g.pads
    fill = -np.inf if g.kind == "MaxPool2d" else 0.0
    padded = np.pad(x, ((before, after), (before, after)), constant_values=fill)
    m = output_size(g, n)
    out = np.zeros((m, m))
    cells = []
    for i in range(m):
        for j in range(m):
            cell = Cell((i, j))
            for a in range(g.k):
                for b in range(g.k):
                    r, c = i * g.s + a * g.d, j * g.s + b * g.d
                    cell.taps.append((r, c))
                    cell.values.append(float(padded[r, c]))
                    cell.weights.append(float(kernel[a, b]))
            vals = np.array(cell.values)
            if g.kind == "MaxPool2d":
                cell.result = float(vals.max())
            elif g.kind == "AvgPool2d":
                cell.result = float(vals.mean())
            else:
                cell.result = float((vals * np.array(cell.weights)).sum())
            out[i, j] = cell.result
            cells.append(cell)
    return Example(g, x, kernel, padded, out, cells)


def _transposed(g: Geometry, x: np.ndarray, kernel: np.ndarray) -> Example:
    """Each input cell adds value·kernel onto the output, placed s cells apart (d between taps),
    then p cells are cut from each border: the reverse of the convolution's gathering."""
    n = len(x)
    full = (n - 1) * g.s + g.d * (g.k - 1) + 1 + g.output_padding
    big = np.zeros((full, full))
    scatter: dict[tuple[int, int], list[tuple[int, int]]] = {}
    p = int(g.p)
    m = output_size(g, n)
    for i in range(n):
        for j in range(n):
            targets = []
            for a in range(g.k):
                for b in range(g.k):
                    r, c = i * g.s + a * g.d, j * g.s + b * g.d
                    big[r, c] += x[i, j] * kernel[a, b]
                    if p <= r < p + m and p <= c < p + m:
                        targets.append((r - p, c - p))
            scatter[(i, j)] = targets
    out = big[p:p + m, p:p + m].copy()
    cells = []
    for i in range(m):
        for j in range(m):
            cell = Cell((i, j), result=float(out[i, j]))
            for (a, b), targets in scatter.items():
                if (i, j) in targets:
                    ka, kb = (i + p - a * g.s) // g.d, (j + p - b * g.s) // g.d
                    cell.taps.append((a, b))
                    cell.values.append(float(x[a, b]))
                    cell.weights.append(float(kernel[ka, kb]))
            cells.append(cell)
    return Example(g, x, kernel, x, out, cells, scatter)


def channel_mix(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """A 1x1 convolution as the course writes it: every pixel's channel vector times a matrix.
    x (C, H, W), w (O, C), b (O,) -> (O, H, W)."""
    out = np.einsum("oc,chw->ohw", w, x)  # the same weighted sum of channels at every pixel
    return out if b is None else out + b[:, None, None]
