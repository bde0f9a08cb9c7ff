"""Graph -> ``torch.fx.GraphModule``: one submodule per node, named after the node.

``layer_plan`` walks the graph in topological order and says, for every node, which torch class
to construct with which arguments and which nodes feed it. ``build_module`` runs that plan (and
the per-layer init) under a fixed seed, then freezes the layers whose ``trainable`` switch is off
(``requires_grad_(False)``: the Trainer gives the optimizer only what still needs a gradient); the
code generator prints the same plan as source, so the two cannot drift apart. A graph with errors raises ``GraphError`` listing them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import fx, nn

from playground.core.errors import GraphError
from playground.graph.layers import Shape, is_trainable
from playground.graph.memory import DEFAULT_STATE_SLOTS, require_memory
from playground.graph.model import Graph, Node
from playground.graph.networks import several
from playground.graph.shapes import GraphShapes, infer
from playground.graph.validate import errors, validate
from playground.nn import modules
from playground.nn.init import apply_init, init_calls


@dataclass(frozen=True)
class LayerStep:
    node: Node
    class_name: str  # "nn.Conv2d" | "pg.Maxout"
    kwargs: dict[str, Any]
    inputs: tuple[str, ...]  # names of the nodes that feed it, in port order
    shape: Shape  # output shape per sample


def resolve(class_name: str) -> type[nn.Module]:
    prefix, _, name = class_name.partition(".")
    return getattr(nn, name) if prefix == "nn" else modules.CUSTOM[name]


def layer_plan(graph: Graph, shapes: GraphShapes | None = None) -> list[LayerStep]:
    parts = several(graph)
    if parts:
        names = ", ".join(f"'{p.name}'" for p in parts)
        raise GraphError(f"this graph holds {len(parts)} separate networks (starting at {names}); "
                         "a single model is built from one network",
                         fix="train a generator and discriminator pair in the GAN view, or delete the extra network")
    shapes = shapes or infer(graph)
    problems = errors(validate(graph, shapes))
    if problems:
        listing = "\n".join(f"  - {p.message}" for p in problems)
        raise GraphError(f"the network cannot be built yet:\n{listing}", fix="fix these first (they are marked red)")
    plan = []
    for nid in shapes.order:
        node = graph.nodes[nid]
        ins = [shapes.shape(src) for src in graph.inputs_of(nid)]
        class_name, kwargs = node.spec.torch(node.params, ins)
        plan.append(LayerStep(node, class_name, kwargs, tuple(graph.nodes[s].name for s in graph.inputs_of(nid)),
                              shapes.shape(nid)))
    return plan


def frozen_layers(plan: list[LayerStep]) -> list[str]:
    """Names of the nodes whose weights training leaves alone (their ``trainable`` switch is off)."""
    return [step.node.name for step in plan if not is_trainable(step.node.kind, step.node.params)]


def input_shape(graph: Graph) -> Shape:
    """Per-sample shape the built model expects (2-D points: (2,), before feature expansion)."""
    node = graph.input_nodes()[0]
    return (2,) if node.kind == "PointsInput" else infer(graph).shape(node.id)


def build_module(graph: Graph, seed: int = 0, *, batch_size: int | None = None,
                 state_slots: int = DEFAULT_STATE_SLOTS) -> fx.GraphModule:
    """A real PyTorch module for ``graph``; same seed, same initial weights.

    Refuses (GraphError) a network whose weights would not fit in memory; with ``batch_size``
    (training), one whose weights, gradients, ``state_slots`` optimizer values per weight and
    activations for that batch would not fit.
    """
    shapes = infer(graph)
    plan = layer_plan(graph, shapes)
    require_memory(shapes, batch_size, state_slots)
    root = nn.Module()
    fxg = fx.Graph()
    x = fxg.placeholder("x")
    values: dict[str, fx.Node] = {}
    with torch.random.fork_rng(devices=[]):
        # the CPU generator alone (what fork_rng restores): torch.manual_seed would also queue
        # seeding of CUDA/XPU/MTIA, recording a stack trace for each (2 ms per model in a sweep)
        torch.default_generator.manual_seed(seed)
        for step in plan:
            root.add_module(step.node.name, resolve(step.class_name)(**step.kwargs))
            args = tuple(values[name] for name in step.inputs) or (x,)
            values[step.node.name] = fxg.call_module(step.node.name, args)
        apply_init(root, init_calls(graph))
    for name in frozen_layers(plan):
        root.get_submodule(name).requires_grad_(False)
    fxg.output(values[plan[-1].node.name])
    module = fx.GraphModule(root, fxg, class_name="Model")
    module.meta["input_shape"] = input_shape(graph)
    module.meta["output_shape"] = plan[-1].shape
    return module
