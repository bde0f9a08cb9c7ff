"""Analytic (theoretical) receptive fields: for every node, which input pixels one unit can see.

Per node: ``size`` (pixels on a side), ``jump`` (input pixels between neighbouring units) and
``start`` (input coordinate of the centre of unit 0; pixel centres are 0, 1, 2, ...). Rules, per
layer record's ``rf`` field (k' = dilation*(kernel-1)+1 is the effective kernel):

- window (conv, pooling): size += (k'-1)*jump; start += ((k'-1)/2 - padding)*jump; jump *= stride
- transposed:             jump /= stride; size += ceil((k'-1)/stride)*jump_in; start += (padding-(k'-1)/2)/stride*jump_in
- upsample:               jump /= scale; size += jump_in (bilinear: 2*jump_in); start += (0.5/scale - 0.5)*jump_in
- merge (Add, Concat):    the union of the branches' fields over every unit (branches may differ in stride)
- global (Linear, global pooling): the whole input
- same (activations, norms, ...): unchanged

Non-image inputs (points, vectors) have no spatial field: ``None``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from playground.graph.model import Graph
from playground.graph.shapes import GraphShapes, infer


@dataclass(frozen=True)
class ReceptiveField:
    size: float
    jump: float
    start: float
    whole_input: bool = False  # every unit sees the entire input (after Linear / global pooling)

    def span(self, index: int) -> tuple[float, float]:
        """First and last input pixel (inclusive, unclipped) seen by unit ``index`` along one axis."""
        centre = self.start + index * self.jump
        half = (self.size - 1) / 2
        return centre - half, centre + half

    def describe(self) -> str:
        if self.whole_input:
            return "whole input"
        return f"{_num(self.size)}x{_num(self.size)} (jump {_num(self.jump)}, start {_num(self.start)})"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def receptive_fields(graph: Graph, shapes: GraphShapes | None = None) -> dict[str, ReceptiveField | None]:
    shapes = shapes or infer(graph)
    fields: dict[str, ReceptiveField | None] = {}
    extent = 0
    for nid in shapes.order:
        node = graph.nodes[nid]
        spec, p = node.spec, node.params
        ins = [fields.get(src) for src in graph.inputs_of(nid)]
        shape = shapes.shape(nid)
        if spec.rf == "input":
            spatial = shape is not None and len(shape) >= 2
            extent = max(shape[1:]) if spatial else 0
            fields[nid] = ReceptiveField(1, 1, 0) if spatial else None
            continue
        if not ins or any(f is None for f in ins) or shape is None:
            fields[nid] = None
            continue
        rf = ins[0]
        if rf.whole_input or spec.rf == "global":
            fields[nid] = ReceptiveField(extent, rf.jump, (extent - 1) / 2, whole_input=True)
        elif spec.rf == "window":
            fields[nid] = _window(rf, p)
        elif spec.rf == "transposed":
            keff = p.get("dilation", 1) * (p["kernel_size"] - 1) + 1
            s = p["stride"]
            fields[nid] = ReceptiveField(rf.size + math.ceil((keff - 1) / s) * rf.jump, rf.jump / s,
                                         rf.start + (p["padding"] - (keff - 1) / 2) / s * rf.jump)
        elif spec.rf == "upsample":
            f = p["scale"]
            grow = 2 if p.get("mode") == "bilinear" else 1  # bilinear reads a neighbour on either side
            fields[nid] = ReceptiveField(rf.size + grow * rf.jump, rf.jump / f, rf.start + (0.5 / f - 0.5) * rf.jump)
        elif spec.rf == "merge":
            fields[nid] = _union(ins, extent, shape[-1])
        else:  # same
            fields[nid] = rf
    return fields


def _window(rf: ReceptiveField, p: dict) -> ReceptiveField:
    k = p.get("kernel_size", 3)  # FixedConv2d is always 3x3
    d = p.get("dilation", 1)
    s = p.get("stride", 1)
    keff = d * (k - 1) + 1
    pad = p.get("padding", 0)
    if pad == "same":
        pad = (keff - 1) // 2  # torch pads the left/top side by floor(total/2)
    return ReceptiveField(rf.size + (keff - 1) * rf.jump, rf.jump * s, rf.start + ((keff - 1) / 2 - pad) * rf.jump)


def _union(fields: list[ReceptiveField], extent: int, units: int) -> ReceptiveField:
    """The smallest field (centre moving linearly with the unit index) that covers every branch's field
    for every one of the ``units`` units along an axis (branches may move at different strides)."""
    if any(f.whole_input for f in fields):
        return ReceptiveField(extent, fields[0].jump, (extent - 1) / 2, whole_input=True)
    def bounds(i: int) -> tuple[float, float]:
        return (min(f.start + i * f.jump - (f.size - 1) / 2 for f in fields),
                max(f.start + i * f.jump + (f.size - 1) / 2 for f in fields))
    lo0, hi0 = bounds(0)
    last = max(units - 1, 0)
    lo1, hi1 = bounds(last)
    centre0 = (lo0 + hi0) / 2
    jump = ((lo1 + hi1) / 2 - centre0) / last if last else max(f.jump for f in fields)
    half = max(max(centre0 + i * jump - bounds(i)[0], bounds(i)[1] - centre0 - i * jump) for i in range(units or 1))
    return ReceptiveField(2 * half + 1, jump, centre0)
