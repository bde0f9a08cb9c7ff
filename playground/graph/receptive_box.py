"""Reading the analytic receptive fields: one unit's box on the input, and each layer's formula in words.

Owns ``unit_box`` (the input pixels one unit of a feature map can see, clipped to the image, and
how far the field reaches past the border, into the padding) and ``layer_rows`` (one row per node
for the receptive-field table: size, jump and the rule used, with the numbers filled in). The
fields themselves come from ``graph/receptive.py`` (its convention: ``start`` is the input
coordinate of the centre of unit 0, pixel centres are 0, 1, 2, ...; a unit ``i`` sees
``start + i*jump +- (size-1)/2``). Pure Python: no torch, no Qt, no numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from playground.graph.model import Graph
from playground.graph.receptive import ReceptiveField
from playground.graph.shapes import GraphShapes, format_shape

EPS = 1e-9


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


@dataclass(frozen=True)
class UnitBox:
    box: tuple[int, int, int, int]  # (top, left, bottom, right), inclusive, clipped to the image
    full: tuple[float, float, float, float]  # the same, unclipped (may reach past the border)
    past_border: tuple[float, float, float, float]  # pixels past the top, left, bottom, right border

    @property
    def height(self) -> int:
        return self.box[2] - self.box[0] + 1

    @property
    def width(self) -> int:
        return self.box[3] - self.box[1] + 1

    @property
    def clipped(self) -> bool:
        return any(p > 0 for p in self.past_border)


def unit_box(field: ReceptiveField, row: int, col: int, height: int, width: int) -> UnitBox:
    """The input pixels unit (``row``, ``col``) of a feature map with ``field`` sees, on an input of
    ``height`` x ``width`` pixels (both axes use the same size, jump and start)."""
    if field.whole_input:
        return UnitBox((0, 0, height - 1, width - 1), (0, 0, height - 1, width - 1), (0, 0, 0, 0))
    top, bottom = field.span(row)
    left, right = field.span(col)
    box = (max(0, math.ceil(top - EPS)), max(0, math.ceil(left - EPS)),
           min(height - 1, math.floor(bottom + EPS)), min(width - 1, math.floor(right + EPS)))
    past = (max(0.0, -top), max(0.0, -left), max(0.0, bottom - (height - 1)), max(0.0, right - (width - 1)))
    return UnitBox(box, (top, left, bottom, right), past)


def describe_box(ub: UnitBox, field: ReceptiveField) -> str:
    """'14x14, rows 2-15, columns 4-17' plus where it reaches past the border."""
    size = "the whole input" if field.whole_input else f"{_num(field.size)}x{_num(field.size)}"
    t, l, b, r = ub.box
    text = f"{size} (rows {t}-{b}, columns {l}-{r})"
    if ub.clipped:
        sides = [f"{_num(p)} px past the {name}" for p, name in zip(ub.past_border, ("top", "left", "bottom", "right"))
                 if p > 0]
        text += f"; it reaches {', '.join(sides)}: those inputs are padding zeros, so only {ub.height}x{ub.width} is drawn"
    return text


# ----------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class LayerRow:
    node_id: str
    name: str
    kind: str
    shape: str
    size: float | None  # pixels on a side; None: no spatial field
    jump: float | None
    whole_input: bool
    formula: str

    @property
    def size_text(self) -> str:
        if self.size is None:
            return "-"
        return "whole input" if self.whole_input else f"{_num(self.size)}x{_num(self.size)}"

    @property
    def jump_text(self) -> str:
        return "-" if self.jump is None or self.whole_input else _num(self.jump)


def _window_formula(p: dict, rin: ReceptiveField, out: ReceptiveField) -> str:
    k, d, s = p.get("kernel_size", 3), p.get("dilation", 1), p.get("stride", 1)
    r, j = _num(rin.size), _num(rin.jump)
    return (f"r = r_in + (k-1)*d*j_in = {r} + ({k}-1)*{d}*{j} = {_num(out.size)};  "
            f"j = j_in*s = {j}*{s} = {_num(out.jump)}")


def _transposed_formula(p: dict, rin: ReceptiveField, out: ReceptiveField) -> str:
    k, d, s = p["kernel_size"], p.get("dilation", 1), p["stride"]
    r, j = _num(rin.size), _num(rin.jump)
    return (f"r = r_in + ceil((k-1)*d/s)*j_in = {r} + ceil(({k}-1)*{d}/{s})*{j} = {_num(out.size)};  "
            f"j = j_in/s = {j}/{s} = {_num(out.jump)} (an upper bound)")


def _upsample_formula(p: dict, rin: ReceptiveField, out: ReceptiveField) -> str:
    grow = "2*j_in (bilinear reads both neighbours)" if p.get("mode") == "bilinear" else "j_in"
    return (f"r = r_in + {grow} = {_num(out.size)};  j = j_in/scale = {_num(rin.jump)}/{p['scale']} "
            f"= {_num(out.jump)}")


def _merge_formula(graph: Graph, nid: str, fields: dict, out: ReceptiveField) -> str:
    parts = [f"{graph.nodes[src].name} {_size(fields[src])}" for src in graph.inputs_of(nid) if fields.get(src) is not None]
    if out.whole_input:
        return "union of the branches (" + ", ".join(parts) + "): the whole input"
    return (f"union of the branches ({', '.join(parts)}): the smallest field covering all of them, "
            f"r = {_num(out.size)}, j = {_num(out.jump)}")


def _size(f: ReceptiveField) -> str:
    return "whole input" if f.whole_input else f"{_num(f.size)}x{_num(f.size)}"


def formula_text(graph: Graph, nid: str, fields: dict[str, ReceptiveField | None]) -> str:
    """The rule that gives node ``nid`` its field, with this node's numbers filled in."""
    node = graph.nodes[nid]
    rule, p = node.spec.rf, node.params
    out = fields.get(nid)
    ins = [fields.get(src) for src in graph.inputs_of(nid)]
    if rule == "input":
        return "r = 1, j = 1: each unit is one pixel" if out is not None else "not an image: no spatial field"
    if out is None:
        return "no spatial field (the input is not an image, or the shape is unknown)"
    rin = ins[0] if ins else None
    if rule == "merge":
        return _merge_formula(graph, nid, fields, out)
    if out.whole_input:
        if rule == "global":
            return "every unit sees the whole input (dense / global pooling)"
        return "unchanged: the input already covers the whole image"
    if rule == "window":
        return _window_formula(p, rin, out)
    if rule == "transposed":
        return _transposed_formula(p, rin, out)
    if rule == "upsample":
        return _upsample_formula(p, rin, out)
    return f"unchanged: r = r_in = {_num(out.size)}, j = j_in = {_num(out.jump)} (acts on each unit on its own)"


def layer_rows(graph: Graph, shapes: GraphShapes, fields: dict[str, ReceptiveField | None]) -> list[LayerRow]:
    """One row per node, in the order they run."""
    rows = []
    for nid in shapes.order:
        node = graph.nodes[nid]
        f = fields.get(nid)
        rows.append(LayerRow(nid, node.name, node.kind, format_shape(shapes.shape(nid)),
                             None if f is None else f.size, None if f is None else f.jump,
                             bool(f is not None and f.whole_input), formula_text(graph, nid, fields)))
    return rows


def spatial_nodes(graph: Graph, shapes: GraphShapes) -> list[str]:
    """Node ids whose output is a (C, H, W) image, in the order they run."""
    return [nid for nid in shapes.order
            if (s := shapes.shape(nid)) is not None and len(s) == 3]
