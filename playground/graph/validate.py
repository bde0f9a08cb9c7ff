"""Graph validation: a list of issues bound to nodes, in words a student understands.

Never raises for a user's mistake. Each issue says what is wrong, with the numbers, and how to fix
it, e.g. "Conv2d 'conv2': kernel 5x5 is larger than its input 4x4; lower the kernel_size to 4, add
padding 1, or remove a pooling layer before it". Errors block training; warnings are advice. A graph
holding several separate networks, each with its own input (``networks.several``: a GAN), is
checked network by network.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.core.errors import GraphError
from playground.graph.model import Graph, Node
from playground.graph.networks import several, subgraph
from playground.graph.shapes import GraphShapes, infer


@dataclass(frozen=True)
class Issue:
    node_id: str | None  # None: the graph as a whole
    severity: str  # "error" | "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"


def _who(node: Node) -> str:
    return f"{node.spec.label} '{node.name}'"


def validate(graph: Graph, shapes: GraphShapes | None = None) -> list[Issue]:
    issues: list[Issue] = []
    err = lambda node, msg: issues.append(Issue(node.id if node else None, "error", msg))  # noqa: E731

    if not graph.nodes:
        return [Issue(None, "error", "the network is empty; drag an Input layer from the palette to start")]
    try:
        graph.topological_order()
    except GraphError as exc:
        cycle = [n for n in graph.nodes.values() if _on_cycle(graph, n.id)]
        for node in cycle:
            err(node, f"{_who(node)} is part of a loop ({exc.message}); remove one of the connections in the loop")
        return issues

    parts = several(graph)
    if parts:  # separate networks (a GAN's generator and discriminator): each is checked as its own
        return [issue for part in parts for issue in validate(subgraph(graph, part.node_ids))]

    inputs = graph.input_nodes()
    if not inputs:
        err(None, "the network has no input layer; add a Points, Vector or Image input and connect it to the first layer")
    for extra in inputs[1:]:
        err(extra, f"{_who(extra)}: only one input layer is supported, and '{inputs[0].name}' is already one; delete this one")

    for node in graph.nodes.values():
        spec = node.spec
        n_in = len(graph.in_edges(node.id))
        if spec.is_input:
            continue
        if n_in == 0:
            err(node, f"{_who(node)} has no input; drag a connection into it from the layer before it")
        elif n_in < spec.min_inputs:
            err(node, f"{_who(node)} needs at least {spec.min_inputs} inputs but has {n_in}; "
                      "connect the other branch into it too")

    outputs = graph.output_nodes()
    if inputs and not outputs:
        err(inputs[0], f"{_who(inputs[0])} feeds nothing; add layers after it")
    if len(outputs) > 1:
        names = ", ".join(f"'{n.name}'" for n in outputs)
        for node in outputs:
            err(node, f"{_who(node)} is a loose end: the network must end in exactly one layer, but {names} all do; "
                      "connect it to a later layer (e.g. an Add or Concat) or delete it")

    shapes = shapes or infer(graph)
    for nid, info in shapes.nodes.items():
        if info.problem is not None:
            node = graph.nodes[nid]
            text = f"{node.spec.kind} '{node.name}': {info.problem.message}"
            err(node, f"{text}; {info.problem.fix}" if info.problem.fix else text)

    issues.extend(_advice(graph, shapes))
    return issues


def _width(shapes: GraphShapes, node_id: str) -> int | None:
    shape = shapes.shape(node_id)
    if shape is None:
        return None
    size = 1
    for s in shape:
        size *= s
    return size


def _bottleneck(graph: Graph, shapes: GraphShapes, node: Node, nexts: list[Node]) -> bool:
    """A Linear narrower than what feeds it and than the Linear after it: an autoencoder's code.
    The two linear maps through it do act as one, of limited rank, and that is the point."""
    width = _width(shapes, node.id)
    around = [_width(shapes, n) for n in graph.inputs_of(node.id)] + [_width(shapes, n.id) for n in nexts
                                                                      if n.kind == "Linear"]
    return width is not None and bool(around) and all(w is not None and width < w for w in around)


def _advice(graph: Graph, shapes: GraphShapes) -> list[Issue]:
    """Warnings: things that run but are probably not what a student meant."""
    out: list[Issue] = []
    for node in graph.nodes.values():
        nexts = [graph.nodes[d] for d in graph.outputs_of(node.id)]
        if node.kind == "Linear" and any(n.kind == "Linear" for n in nexts) and not _bottleneck(graph, shapes, node, nexts):
            out.append(Issue(node.id, "warning", f"{_who(node)} feeds another Linear layer with no activation between them; "
                                                 "two linear layers in a row act as one, so add e.g. a ReLU"))
        if node.kind in ("Softmax", "LogSoftmax") and not nexts:
            out.append(Issue(node.id, "warning", f"{_who(node)} ends the network; a cross-entropy loss applies softmax "
                                                 "itself, so remove it when training with cross-entropy"))
    return out


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == "error"]


def _on_cycle(graph: Graph, node_id: str) -> bool:
    return any(graph.reaches(dst, node_id) for dst in graph.outputs_of(node_id))
