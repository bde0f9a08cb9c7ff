"""Ready-made blocks (a chain of layers, a residual block, an Inception block) added to a graph.

Used by the presets and by the palette's "Blocks" entries. Each function adds nodes after an
existing node (or none), wires them, and returns the id of the block's last node, so blocks chain.
"""

from __future__ import annotations

from typing import Any

from playground.graph.model import Graph

Layer = tuple[str, dict[str, Any]]  # (kind, params)


def chain(graph: Graph, after: str | None, layers: list[Layer]) -> str:
    """Add ``layers`` one after the other, the first fed by ``after``; returns the last id."""
    last = after
    for kind, params in layers:
        node = graph.add_node(kind, params=params)
        if last is not None:
            graph.connect(last, node.id)
        last = node.id
    assert last is not None
    return last


def conv_bn_relu(filters: int, kernel: int = 3, stride: int = 1, relu: bool = True) -> list[Layer]:
    layers: list[Layer] = [("Conv2d", {"filters": filters, "kernel_size": kernel, "stride": stride,
                                       "padding": kernel // 2, "bias": False, "weight_init": "he_normal"}),
                           ("BatchNorm", {})]
    return layers + ([("ReLU", {})] if relu else [])


def residual_block(graph: Graph, after: str, in_channels: int, filters: int, stride: int = 1) -> str:
    """conv-bn-relu-conv-bn plus a shortcut (a 1x1 conv when the shape changes), added, then ReLU."""
    main = chain(graph, after, conv_bn_relu(filters, 3, stride) + conv_bn_relu(filters, 3, 1, relu=False))
    shortcut = after
    if stride != 1 or in_channels != filters:
        shortcut = chain(graph, after, conv_bn_relu(filters, 1, stride, relu=False))
    add = graph.add_node("Add")
    graph.connect(main, add.id)
    graph.connect(shortcut, add.id)
    return chain(graph, add.id, [("ReLU", {})])


def inception_block(graph: Graph, after: str, b1: int, b2_reduce: int, b2: int, b3_reduce: int, b3: int,
                    pool_proj: int) -> str:
    """Four parallel branches (1x1; 1x1-3x3; 1x1-5x5; 3x3 max pool-1x1) concatenated on channels."""
    def conv(filters: int, kernel: int) -> list[Layer]:
        return [("Conv2d", {"filters": filters, "kernel_size": kernel, "padding": kernel // 2, "weight_init": "he_uniform"}),
                ("ReLU", {})]

    ends = [chain(graph, after, conv(b1, 1)),
            chain(graph, after, conv(b2_reduce, 1) + conv(b2, 3)),
            chain(graph, after, conv(b3_reduce, 1) + conv(b3, 5)),
            chain(graph, after, [("MaxPool2d", {"kernel_size": 3, "stride": 1, "padding": 1})] + conv(pool_proj, 1))]
    cat = graph.add_node("Concat")
    for end in ends:
        graph.connect(end, cat.id)
    return cat.id


#: the palette's ready-made blocks: name -> (doc, function(graph, after_id, in_channels) -> last id)
BLOCKS = {
    "Residual block": ("Two 3x3 convolutions with batch norm plus a shortcut that skips them (ResNet).",
                       lambda g, after, c: residual_block(g, after, c, c)),
    "Residual block (downsample)": ("A residual block that halves the size and doubles the channels; "
                                    "its shortcut is a 1x1 convolution with stride 2.",
                                    lambda g, after, c: residual_block(g, after, c, 2 * c, stride=2)),
    "Inception block": ("Four parallel branches (1x1, 3x3, 5x5, pooling) joined by Concat (GoogLeNet).",
                        lambda g, after, c: inception_block(g, after, 8, 8, 16, 4, 8, 8)),
}
