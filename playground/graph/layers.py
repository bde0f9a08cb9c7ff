"""The layer catalog: one ``LayerSpec`` record per layer kind, and lookups over them.

A record says everything the rest of the app needs about a kind: its category and doc line (the
palette), its parameters (the inspector), how many inputs it takes (the canvas), its shape rule
(validation and shape inference), its parameter and MAC counts (the summary), how the analytic
receptive field passes through it, and which torch module it becomes (build and code generation;
named by a string so this package never imports torch). The records themselves live in
``layer_kinds.py``; this module owns the record type and the registry.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from playground.graph.params import ParamSpec
from playground.graph.reserved_names import TORCH_MODULE_ATTRIBUTES

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


def is_trainable(kind: str, params: dict[str, Any]) -> bool:
    """Whether a node of ``kind`` with ``params`` has its weights trained (True for kinds without the switch)."""
    spec = get_spec(kind)
    switch = spec.param("trainable")
    return True if switch is None else bool(params.get("trainable", switch.default))


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


REGISTRY = Registry()


def get_spec(kind: str) -> LayerSpec:
    """The record of ``kind``; raises KeyError with the known kinds when there is none."""
    _ensure_loaded()
    try:
        return REGISTRY.specs[kind]
    except KeyError:
        raise KeyError(f"unknown layer kind {kind!r}; known kinds: {', '.join(REGISTRY.specs)}") from None


def all_specs() -> list[LayerSpec]:
    _ensure_loaded()
    return list(REGISTRY)


def _ensure_loaded() -> None:
    if not len(REGISTRY):
        import playground.graph.layer_kinds  # noqa: F401  (fills REGISTRY)


# ---- names -------------------------------------------------------------------------------------

#: names the generated source itself uses (its forward's argument, imports, class, methods, globals)
GENERATED_CODE_NAMES = frozenset("x self torch nn F Model reset_parameters CLASS_NAMES".split())
#: names that would clash with torch.nn.Module / fx.GraphModule attributes (generated from torch by
#: tools/make_reserved_names.py; a test checks it is complete) or with the generated source
RESERVED_NAMES = TORCH_MODULE_ATTRIBUTES | GENERATED_CODE_NAMES

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
MAX_NAME_LENGTH = 100


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a node (it becomes a Python attribute), or None when it can."""
    if not isinstance(name, str) or not name:
        return "a name cannot be empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"'{name[:20]}...' is {len(name):,} characters long; use at most {MAX_NAME_LENGTH}"
    if not _NAME_RE.match(name):
        return f"'{name}' is not a valid name: use letters, digits and _, not starting with a digit"
    if keyword.iskeyword(name) or name in RESERVED_NAMES or name.startswith("_"):
        return f"'{name}' is reserved (PyTorch or the generated code uses it); rename it to '{free_name(name)}'"
    return None


def free_name(name: str) -> str:
    """A name like ``name`` that is not reserved: ``compile`` -> ``compile_1``, ``_x`` -> ``x_1``."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_") or "layer"
    if base[0].isdigit():
        base = f"layer_{base}"
    return f"{base}_1"
