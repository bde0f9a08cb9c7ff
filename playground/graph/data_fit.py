"""Does a dataset fit a network? Issues bound to nodes, before any tensor is made (no torch).

``dataset_fit_issues(graph, data_shape, dataset=...)`` compares what the dataset gives per
example with what the network's input layer takes, and says what to change, e.g. "Points (2-D)
'input' takes 2 numbers per example (x1, x2), but dataset 'shapes' gives images of 1x28x28".
Training (the CLI and the app's Play) runs it before building batches, so a mismatch is a
message, never an IndexError from inside the forward pass. The checks are a table (``FIT_CHECKS``)
of functions ``(graph, shapes, data) -> list[Issue]``; a check of the targets (classes vs.
outputs) is one more record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from playground.graph.model import Graph, Node
from playground.graph.shapes import GraphShapes, format_shape, infer
from playground.graph.validate import Issue

#: per input kind: the data shape it takes (from the node's own inferred shape) and what it is called
_TAKES: dict[str, Callable[[Node, tuple], tuple]] = {
    "PointsInput": lambda node, shape: (2,),  # raw (x1, x2); the features are made inside the network
    "VectorInput": lambda node, shape: shape,
    "ImageInput": lambda node, shape: shape,
}


@dataclass(frozen=True)
class DataFacts:
    """What a dataset gives per example (plain data, so the graph package needs no dataset code)."""

    name: str
    input_shape: tuple[int, ...]
    task: str = ""
    num_classes: int = 0


def _describe(shape: tuple[int, ...]) -> str:
    if len(shape) == 3:
        return f"images of {shape[0]}x{shape[1]}x{shape[2]} (channels x height x width)"
    if len(shape) == 1:
        return f"{shape[0]} number{'s' if shape[0] != 1 else ''} per example"
    return f"examples of shape {format_shape(shape)}"


def _fix(shape: tuple[int, ...]) -> str:
    if len(shape) == 3:
        return (f"start the network with an Image input of {shape[0]} channel(s), {shape[1]}x{shape[2]}, "
                "or pick a dataset that matches this input")
    if shape == (2,):
        return "start the network with a Points input, or pick a dataset that matches this input"
    if len(shape) == 1:
        return f"start the network with a Vector input of {shape[0]} feature(s), or pick a dataset that matches this input"
    return "pick a dataset that matches this input"


def input_fits(graph: Graph, shapes: GraphShapes, data: DataFacts) -> list[Issue]:
    """The input layer must take exactly the per-example shape the dataset gives."""
    out = []
    for node in graph.input_nodes()[:1]:
        own = shapes.shape(node.id)
        takes = _TAKES.get(node.kind)
        if own is None or takes is None:
            continue
        wanted = tuple(takes(node, own))
        given = tuple(int(d) for d in data.input_shape)
        if wanted != given:
            taken = "2 numbers per example (x1, x2)" if node.kind == "PointsInput" else _describe(wanted)
            out.append(Issue(node.id, "error",
                             f"{node.spec.label} '{node.name}' takes {taken}, but dataset '{data.name}' gives "
                             f"{_describe(given)}; {_fix(given)}"))
    return out


#: every fit check, in order; each returns issues (errors block training)
FIT_CHECKS: list[Callable[[Graph, GraphShapes, DataFacts], list[Issue]]] = [input_fits]


def dataset_fit_issues(graph: Graph, data: DataFacts, shapes: GraphShapes | None = None) -> list[Issue]:
    shapes = shapes or infer(graph)
    issues: list[Issue] = []
    for check in FIT_CHECKS:
        issues.extend(check(graph, shapes, data))
    return issues
