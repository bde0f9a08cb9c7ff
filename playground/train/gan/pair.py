"""Which two networks of a graph are a GAN's generator and discriminator, whether they fit, and building them.

A GAN graph holds exactly two separate networks (``graph.networks``): the *generator* starts at a
Noise input (z of ``dim`` numbers) and must end in 2 values (a point of the plane); the
*discriminator* starts at a Points input (or a Vector input of 2 numbers) and must end in 1 value
(its score, a logit: high = "real"). ``gan_pair`` finds them (None when the graph is not a GAN),
``gan_issues`` says in words what does not fit (``train.fit_check`` shows these in the Problems
panel and ``playground check``), ``build_pair`` builds each as its own torch module with
``nn.build`` (same seed, same weights). No training here.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.core.errors import GraphError
from playground.graph.model import Graph
from playground.graph.networks import Network, several, subgraph
from playground.graph.shapes import GraphShapes, infer

NOISE_KIND = "NoiseInput"
POINT_KINDS = ("PointsInput", "VectorInput")


@dataclass(frozen=True)
class GanPair:
    generator: Network
    discriminator: Network

    def graphs(self, graph: Graph) -> tuple[Graph, Graph]:
        return subgraph(graph, self.generator.node_ids), subgraph(graph, self.discriminator.node_ids)


def gan_pair(graph: Graph) -> GanPair | None:
    """The generator and discriminator when ``graph`` holds a Noise network beside one other; else None."""
    parts = several(graph)
    noise = [p for p in parts if p.input_kind == NOISE_KIND]
    others = [p for p in parts if p.input_kind != NOISE_KIND]
    if len(parts) == 2 and len(noise) == 1:
        return GanPair(noise[0], others[0])
    return None


def is_gan(graph: Graph) -> bool:
    return gan_pair(graph) is not None


def gan_issues(graph: Graph, shapes: GraphShapes | None = None) -> list[tuple[str | None, str]]:
    """(node id, message) for what keeps the graph's networks from being a GAN on 2-D points; []
    when they are one, or when the graph holds a single network (nothing to say)."""
    parts = several(graph)
    if not parts:
        return []
    pair = gan_pair(graph)
    if pair is None:
        names = ", ".join(f"'{p.name}'" for p in parts)
        return [(None, f"the canvas holds {len(parts)} separate networks (starting at {names}); only a GAN uses "
                       "several: one starting at a Noise input (the generator) and one taking 2-D points (the "
                       "discriminator); delete or connect the extra network")]
    shapes = shapes or infer(graph)
    out = []
    g_end = _end(graph, pair.generator)
    d_in, d_end = graph.by_name(pair.discriminator.name), _end(graph, pair.discriminator)
    if g_end is not None and tuple(shapes.shape(g_end.id) or ()) != (2,):
        out.append((g_end.id, f"the generator ends in '{g_end.name}' with {_size(shapes, g_end.id)}, but it must "
                              "make points of the plane: set its last Linear layer to 2 units"))
    if d_in.kind not in POINT_KINDS or (d_in.kind == "VectorInput" and d_in.params["features"] != 2):
        out.append((d_in.id, f"the discriminator starts at '{d_in.name}', which does not take 2-D points; "
                             "use a Points input so it can judge the generator's points"))
    if d_end is not None and tuple(shapes.shape(d_end.id) or ()) != (1,):
        out.append((d_end.id, f"the discriminator ends in '{d_end.name}' with {_size(shapes, d_end.id)}, but it "
                              "must give one score per point (real or fake): set its last Linear layer to 1 unit "
                              "and leave out a final sigmoid (the loss applies it)"))
    return out


def _end(graph: Graph, part: Network):
    ends = [n for n in graph.output_nodes() if n.id in part.node_ids]
    return ends[0] if len(ends) == 1 else None


def _size(shapes: GraphShapes, node_id: str) -> str:
    shape = shapes.shape(node_id)
    return "no known size" if shape is None else f"{'x'.join(map(str, shape))} value{'s' if shape != (1,) else ''}"


def build_pair(graph: Graph, seed: int = 0):
    """(generator, discriminator, noise layer params) as torch modules; GraphError when they are
    not a GAN, naming every problem."""
    from playground.nn.build import build_module

    pair = gan_pair(graph)
    if pair is None:
        raise GraphError("this project is not a GAN: it needs a generator (starting at a Noise input) and a "
                         "discriminator (starting at a Points input) drawn as two separate networks",
                         fix="open the gan_ring preset, or add a Noise input with its own layers")
    problems = gan_issues(graph)
    if problems:
        raise GraphError("the GAN cannot be built yet: " + "; ".join(m for _, m in problems),
                         fix="fix these first (run `playground check` for the details)")
    g_graph, d_graph = pair.graphs(graph)
    generator = build_module(g_graph, seed=seed)
    discriminator = build_module(d_graph, seed=seed + 1)
    noise = dict(graph.by_name(pair.generator.name).params)
    return generator, discriminator, noise
