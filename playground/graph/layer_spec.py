"""The record type of the layer catalog: ``LayerSpec`` (one layer kind: category, doc, parameters,
ports, shape rule, counts, receptive-field rule, torch module by name), ``ShapeProblem`` (what a shape
rule raises), the ``Registry`` that holds records by kind, and the ``trainable`` switch every kind
with weights carries. It holds no records itself: the kind tables (``layer_kinds``, ``conv_kinds``,
``activations``) make them and ``layers.py`` registers them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from playground.graph.params import ParamSpec

Shape = tuple[int, ...]  # one sample's shape, without the batch dimension

CATEGORIES = (
    "Input",
    "Dense",
    "Convolution",
    "Pooling",
    "Shape",
    "Normalization",
    "Regularization",
    "Activation",
    "Merge",
)

#: how the analytic receptive field passes through a kind (see receptive.py)
RF_RULES = ("input", "same", "window", "transposed", "upsample", "global", "merge")


#: the freeze switch every kind with learned values carries (transfer learning): off, the optimizer
#: leaves the layer's weights as they are (nn.build sets requires_grad False; the summary counts them
#: apart). FixedConv2d has its own "trainable" switch, off by default, with the same meaning.
TRAINABLE = ParamSpec("trainable", "bool", True, "Off (frozen): training leaves this layer's weights as they are, "
                      "e.g. layers imported from a network trained on another dataset. On: the optimizer updates them.",
                      structural=False)


class ShapeProblem(Exception):
    """Raised by a shape rule: what is wrong (with the numbers) and how to fix it."""

    def __init__(self, message: str, fix: str = ""):
        super().__init__(message)
        self.message = message
        self.fix = fix


@dataclass(frozen=True)
class LayerSpec:
    kind: str  # "Conv2d"
    category: str  # one of CATEGORIES
    doc: str  # one line a student understands
    params: tuple[ParamSpec, ...]
    #: (input shapes, params) -> output shape; raises ShapeProblem
    shape: Callable[[list[Shape], dict[str, Any]], Shape]
    #: (params, input shapes) -> ("nn.Conv2d" | "pg.Maxout", constructor kwargs)
    torch: Callable[[dict[str, Any], list[Shape]], tuple[str, dict[str, Any]]]
    #: (input shapes, output shape, params) -> number of parameters
    count_params: Callable[[list[Shape], Shape, dict[str, Any]], int] = lambda i, o, p: 0
    #: (input shapes, output shape, params) -> multiply-accumulates per sample
    count_macs: Callable[[list[Shape], Shape, dict[str, Any]], int] = lambda i, o, p: 0
    rf: str = "same"
    min_inputs: int = 1
    max_inputs: int | None = 1  # None: any number (merge nodes)
    prefix: str = ""  # default node-name prefix: "conv" -> conv1, conv2
    has_weights: bool = False  # per-layer weight init applies
    title: str = ""
    details: str = ""  # longer explanation for the tooltip (pros, cons, formula)

    @property
    def is_input(self) -> bool:
        return self.category == "Input"

    @property
    def is_merge(self) -> bool:
        return self.max_inputs is None

    @property
    def label(self) -> str:
        return self.title or self.kind

    def param(self, name: str) -> ParamSpec | None:
        for spec in self.params:
            if spec.name == name:
                return spec
        return None

    def defaults(self) -> dict[str, Any]:
        return {s.name: s.default for s in self.params}

    def tooltip(self) -> str:
        return f"{self.label}: {self.doc}" + (f"\n\n{self.details}" if self.details else "")


@dataclass
class Registry:
    """Layer kinds by name, in catalog order."""

    specs: dict[str, LayerSpec] = field(default_factory=dict)

    def add(self, spec: LayerSpec) -> LayerSpec:
        assert spec.kind not in self.specs, spec.kind
        assert spec.category in CATEGORIES, spec.category
        assert spec.rf in RF_RULES, spec.rf
        self.specs[spec.kind] = spec
        return spec

    def __contains__(self, kind: str) -> bool:
        return kind in self.specs

    def __iter__(self):
        return iter(self.specs.values())

    def __len__(self) -> int:
        return len(self.specs)

    def by_category(self) -> dict[str, list[LayerSpec]]:
        groups: dict[str, list[LayerSpec]] = {c: [] for c in CATEGORIES}
        for spec in self.specs.values():
            groups[spec.category].append(spec)
        return groups
