"""Does the network fit its dataset and loss? The check that runs beside ``graph.validate``.

Owns ``fit_issues(graph, shapes, dataset, training)``: the network/dataset/loss fit, found from the
dataset's registry record (its input shape, task, classes and target shape; nothing is loaded) and
the graph's inferred shapes, as ``FitIssue`` records (``graph.validate.Issue`` plus an optional
``Fix``), and ``apply_fix(graph, fix)``, which makes the obvious repair with the graph's own
methods (the app wraps it in one undoable step; the CLI only prints what the fix would be).

The checks are a table (``CHECKS``), each a function returning issues:

- the input: the input layer must take the dataset's examples as they are (``ACCEPTS``: a Points
  input takes (2,), a Vector input (features,), an Image input (channels, height, width)); the fix
  is the matching input layer (``INPUT_FOR``), with a Flatten after it when dense layers follow
  (offered only when the repaired network has no shape problem);
- the output: the loss must fit the task and the output (``losses.check_loss``: class count,
  single output, regression target size, a Step's 0/1 output that needs the perceptron rule); the
  fix sets the last Linear layer's units when that repairs it;
- a Step without its straight-through gradient (a warning: nothing before it learns);
- several separate networks on the canvas: only a GAN's generator and discriminator
  (``train.gan.pair.gan_issues``: generator ends in 2 values, discriminator takes 2-D points and
  gives 1 score).

Pure Python over records; imports torch only through the loss table. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from playground.data.targets import target_form
from playground.graph.model import Graph
from playground.graph.shapes import GraphShapes, infer
from playground.graph.validate import Issue, validate


@dataclass(frozen=True)
class Fix:
    """An obvious repair: ``action`` names a ``FIXES`` entry, ``label`` says it in words."""

    label: str
    action: str
    node_id: str
    value: Any = None


@dataclass(frozen=True)
class FitIssue(Issue):
    fix: Fix | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DataFacts:
    """What the check needs to know about a dataset, from its registry record (nothing loaded)."""

    name: str
    title: str
    task: str
    input_shape: tuple[int, ...] | None  # None: known only once loaded (a CSV file, an image folder)
    num_classes: int  # 0 when unknown or regression
    target_shape: tuple[int, ...]
    points: bool  # 2-D points (a Points input fits)


def data_facts(dataset: dict | None) -> DataFacts | None:
    """The facts for a project's dataset settings; None for an unknown or missing dataset (the
    dataset panel reports that one)."""
    from playground.data.registry import DATASETS

    spec = DATASETS.get((dataset or {}).get("name"))
    if spec is None:
        return None
    shape = tuple(spec.input_shape) if spec.input_shape is not None else None
    classes = len(spec.class_names((dataset or {}).get("params"))) if spec.num_classes else 0
    return DataFacts(spec.name, spec.title, spec.task, shape, classes, tuple(spec.target_shape),
                     points=spec.group == "2-D points")


# ---- the input ---------------------------------------------------------------------------------

#: input layer kind -> the example shape it takes, from its parameters
ACCEPTS: dict[str, Callable[[dict], tuple[int, ...]]] = {
    "PointsInput": lambda p: (2,),
    "VectorInput": lambda p: (p["features"],),
    "ImageInput": lambda p: (p["channels"], p["height"], p["width"]),
}


def input_for(facts: DataFacts) -> tuple[str, dict] | None:
    """(kind, params) of the input layer that takes this dataset's examples."""
    shape = facts.input_shape
    if shape is None:
        return None
    if len(shape) == 1:
        return ("PointsInput", {}) if facts.points and shape == (2,) else ("VectorInput", {"features": shape[0]})
    if len(shape) == 3:
        return "ImageInput", {"channels": shape[0], "height": shape[1], "width": shape[2]}
    return None


def _shape_text(shape) -> str:
    return "x".join(str(s) for s in shape) if len(shape) > 1 else f"{shape[0]} value{'s' if shape[0] != 1 else ''}"


def _check_input(graph: Graph, shapes: GraphShapes, facts: DataFacts, training: dict) -> list[FitIssue]:
    inputs = graph.input_nodes()
    if len(inputs) != 1 or facts.input_shape is None or inputs[0].kind not in ACCEPTS:
        return []
    node = inputs[0]
    takes = tuple(ACCEPTS[node.kind](node.params))
    if takes == facts.input_shape:
        return []
    want = input_for(facts)
    fix = None
    if want is not None:
        flatten = _needs_flatten(graph, node.id, want)
        kind_title = {"PointsInput": "a Points", "VectorInput": "a Vector", "ImageInput": "an Image"}[want[0]]
        label = (f"Use {kind_title} input of {_shape_text(facts.input_shape)}"
                 + (" and a Flatten after it" if flatten else ""))
        candidate = Fix(label, "use_input", node.id, (want[0], want[1], flatten))
        if _repairs(graph, candidate):
            fix = candidate
    message = (f"{node.spec.label} '{node.name}' takes examples of {_shape_text(takes)}, but dataset "
               f"'{facts.title}' has examples of {_shape_text(facts.input_shape)}; "
               + (f"fix: {fix.label[0].lower() + fix.label[1:]}" if fix else
                  "use an input layer that matches the dataset, or choose another dataset"))
    return [FitIssue(node.id, "error", message, fix)]


def _needs_flatten(graph: Graph, node_id: str, want: tuple[str, dict]) -> bool:
    """Whether dense layers follow an input that would give a picture: they need a Flatten."""
    shape = ACCEPTS[want[0]](want[1])
    return len(shape) > 1 and any(graph.node(e.dst).kind == "Linear" for e in graph.out_edges(node_id))


def _repairs(graph: Graph, fix: Fix) -> bool:
    """The fix, tried on a copy, leaves no error in the graph's own validation."""
    trial = graph.copy()
    try:
        apply_fix(trial, fix)
    except Exception:  # noqa: BLE001 - a fix that cannot be made is not offered
        return False
    return not [i for i in validate(trial, infer(trial)) if i.severity == "error"]


# ---- the output --------------------------------------------------------------------------------

def _last_linear(graph: Graph, node_id: str):
    """The Linear layer that decides the output's size: the output node itself, or the nearest one
    before it through single-input layers that keep the size (activations, dropout, ...)."""
    node = graph.node(node_id)
    seen = 0
    while node.kind != "Linear" and seen < 50:
        ins = graph.in_edges(node.id)
        if len(ins) != 1:
            return None
        node, seen = graph.node(ins[0].src), seen + 1
    return node if node.kind == "Linear" else None


def _check_output(graph: Graph, shapes: GraphShapes, facts: DataFacts, training: dict) -> list[FitIssue]:
    from playground.train.losses import auto_loss, check_loss

    ends = graph.output_nodes()
    classes = target_form(facts.task).classes
    if len(ends) != 1 or (classes and facts.num_classes < 1):
        return []
    out = shapes.shape(ends[0].id)
    if out is None:
        return []
    out = tuple(out) or (1,)
    loss = (training or {}).get("loss", "auto")
    last = ends[0].kind
    name = auto_loss(facts.task, out[0], last) if loss == "auto" else loss
    problems = check_loss(name, facts.task, facts.num_classes, out, facts.target_shape,
                          dataset=f"dataset '{facts.title}'", last=last)
    if not problems:
        return []
    linear = _last_linear(graph, ends[0].id) if len(out) == 1 else None
    fix = None
    if linear is not None:
        if not classes:
            want = facts.target_shape or (1,)
            units = want[0] if len(want) == 1 else None
        else:
            units = facts.num_classes
        if units is not None and units != linear.params["units"] and _fits(facts, loss, (units,), last):
            fix = Fix(f"Set {linear.name}'s units to {units}", "set_units", linear.id, units)
    where = linear if fix is not None else ends[0]
    return [FitIssue(where.id, "error", f"'{where.name}': {problems[0]}", fix)]


def _fits(facts: DataFacts, loss: str, out: tuple, last: str | None) -> bool:
    """Whether an output of shape ``out`` would fit (a units fix is offered only when it repairs)."""
    from playground.train.losses import auto_loss, check_loss

    name = auto_loss(facts.task, out[0], last) if loss == "auto" else loss
    return not check_loss(name, facts.task, facts.num_classes, out, facts.target_shape, last=last)


def _check_step(graph: Graph, shapes: GraphShapes, facts: DataFacts, training: dict) -> list[FitIssue]:
    """A Step without the straight-through gradient passes no gradient back: nothing before it learns."""
    out = []
    for node in graph.nodes.values():
        if node.kind == "Step" and not node.params.get("straight_through", True):
            fix = Fix(f"Turn on {node.name}'s straight-through gradient", "set_param", node.id, ("straight_through", True))
            out.append(FitIssue(node.id, "warning", f"Step '{node.name}' passes no gradient back (its true "
                                f"slope is 0 everywhere), so no layer before it learns; turn straight_through on "
                                f"for the perceptron rule", fix))
    return out


def _check_networks(graph: Graph, shapes: GraphShapes, facts: DataFacts, training: dict) -> list[FitIssue]:
    """Several separate networks on the canvas: only a GAN's pair fits (``train.gan.pair``)."""
    from playground.train.gan.pair import gan_issues

    return [FitIssue(node_id, "error", message) for node_id, message in gan_issues(graph, shapes)]


CHECKS: tuple[Callable[..., list[FitIssue]], ...] = (_check_input, _check_output, _check_step, _check_networks)


def loaded_facts(info) -> DataFacts:
    """The facts of a loaded dataset (``data.spec.DatasetInfo``): what a CSV file or an image
    folder really holds, known only once read."""
    from playground.data.registry import DATASETS

    spec = DATASETS.get(info.name)
    return DataFacts(info.name, info.title, info.task, tuple(info.input_shape), int(info.num_classes),
                     tuple(info.target_shape), points=spec is not None and spec.group == "2-D points")


def fit_issues(graph: Graph, shapes: GraphShapes | None, dataset: dict | None, training: dict | None,
               facts: DataFacts | None = None) -> list[FitIssue]:
    """Whether the network fits the project's dataset and loss. Runs only on a graph that is
    otherwise valid (its own problems come first and may explain these). ``facts``: the loaded
    dataset's (``loaded_facts``) instead of its registry record's."""
    facts = facts if facts is not None else data_facts(dataset)
    if facts is None or not graph.nodes:
        return []
    shapes = shapes if shapes is not None else infer(graph)
    if any(i.severity == "error" for i in validate(graph, shapes)):
        return []
    issues: list[FitIssue] = []
    for check in CHECKS:
        issues += check(graph, shapes, facts, training or {})
    return issues


def project_fit_issues(project) -> list[FitIssue]:
    """``fit_issues`` for a ``graph.project.Project``."""
    return fit_issues(project.graph, None, project.dataset, project.training)


# ---- fixes -------------------------------------------------------------------------------------

def _set_units(graph: Graph, fix: Fix) -> None:
    graph.set_param(fix.node_id, "units", int(fix.value))


def _set_param(graph: Graph, fix: Fix) -> None:
    key, value = fix.value
    graph.set_param(fix.node_id, key, value)


def _use_input(graph: Graph, fix: Fix) -> None:
    """Replace the input layer by ``kind(params)`` (same name, place and id); a Flatten after it
    when asked, between it and every layer it fed."""
    kind, params, flatten = fix.value
    old, edges = graph.remove_node(fix.node_id)
    graph.add_node(kind, name=old.name, params=params, pos=old.pos, node_id=old.id)
    src = old.id
    if flatten:
        flat = graph.add_node("Flatten", pos=(old.pos[0], old.pos[1] + 70))
        graph.connect(old.id, flat.id)
        src = flat.id
    for edge in edges:
        graph.connect(src, edge.dst, edge.port)


#: fix action -> how it is made, with the graph's own (event-emitting, undoable) methods
FIXES: dict[str, Callable[[Graph, Fix], None]] = {"set_units": _set_units, "set_param": _set_param,
                                                  "use_input": _use_input}


def apply_fix(graph: Graph, fix: Fix) -> None:
    FIXES[fix.action](graph, fix)
