"""The layer catalog: every layer kind's ``LayerSpec`` record in one registry, and lookups over them.

A record says everything the rest of the app needs about a kind: its category and doc line (the
palette), its parameters (the inspector), how many inputs it takes (the canvas), its shape rule
(validation and shape inference), its parameter and MAC counts (the summary), how the analytic
receptive field passes through it, and which torch module it becomes (build and code generation;
named by a string so this package never imports torch). The record type lives in ``layer_spec.py``,
the records in the kind tables (``layer_kinds.py``, ``conv_kinds.py``, ``activations.py``), which
never import this module; it registers them in catalog order and owns the node-name rules.
"""

from __future__ import annotations

import keyword
import re
from typing import Any

from playground.graph import activations, conv_kinds, layer_kinds
from playground.graph.layer_spec import (CATEGORIES, RF_RULES, TRAINABLE, LayerSpec, Registry, Shape,  # noqa: F401
                                         ShapeProblem)
from playground.graph.reserved_names import TORCH_MODULE_ATTRIBUTES

#: the catalog's order of categories (the palette, ``playground layers`` and the README table list
#: kinds in it; within a category, in the order their table defines them)
CATALOG_ORDER = ("Input", "Dense", "Convolution", "Pooling", "Shape", "Normalization", "Regularization", "Merge",
                 "Activation")

REGISTRY = Registry()
for _spec in sorted((*layer_kinds.KINDS, *conv_kinds.KINDS, *activations.KINDS),
                    key=lambda spec: CATALOG_ORDER.index(spec.category)):
    REGISTRY.add(_spec)


def get_spec(kind: str) -> LayerSpec:
    """The record of ``kind``; raises KeyError with the known kinds when there is none."""
    try:
        return REGISTRY.specs[kind]
    except KeyError:
        raise KeyError(f"unknown layer kind {kind!r}; known kinds: {', '.join(REGISTRY.specs)}") from None


def all_specs() -> list[LayerSpec]:
    return list(REGISTRY)


def is_trainable(kind: str, params: dict[str, Any]) -> bool:
    """Whether a node of ``kind`` with ``params`` has its weights trained (True for kinds without the switch)."""
    spec = get_spec(kind)
    switch = spec.param("trainable")
    return True if switch is None else bool(params.get("trainable", switch.default))


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
