"""The table of lesson step actions and a headless run that performs them (no Qt).

A step's action is one line: ``set training.lr 0.001``, ``set layer fc1.units 8``,
``set dataset xor``, ``set dataset.noise 0.2``, ``replace layer act1 ReLU``, ``open panel health``,
``train 200``, ``reset``, ``side by side 300`` (the lesson's contrast, ``contrast.py``),
``sweep grid 8 lr=1e-3:1:log``, ``import layers transfer_source|transfer_source_digits conv1,conv2 frozen``,
``forget imported layers``. ``parse_action`` turns it into an ``Action`` (the verb's record from
``VERBS`` plus its arguments) and ``check_action`` says, before anything runs, whether it fits a
project (the layer exists, the parameter and value are valid, the setting is known).
The window performs the same records through its undoable commands and settings path
(``ui.learn.lessons_steps``); ``LessonRun`` performs them on a plain project with the Trainer, for
tests, the CLI's screenshots and scripted checks.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, fields
from typing import Any

from playground.core.errors import PlaygroundError
from playground.graph.model import Graph
from playground.graph.project import Project
from playground.graph.snapshot import GraphState, take


@dataclass(frozen=True)
class Verb:
    key: str  # "set_training", ...
    pattern: str  # how it is written, for messages and docs
    doc: str


VERBS = {v.key: v for v in (
    Verb("set_training", "set training.KEY VALUE", "change a training setting (as the Training Settings panel does)"),
    Verb("set_layer", "set layer NAME.PARAM VALUE", "change a layer's parameter (as the inspector does; undoable)"),
    Verb("set_dataset", "set dataset NAME", "switch the dataset (as the Dataset panel does)"),
    Verb("set_dataset_param", "set dataset.PARAM VALUE", "change a dataset setting such as noise or outliers"),
    Verb("set_augment", "set augment.KEY VALUE", "turn on an image augmentation (flip, shift, rotate, noise, erase)"),
    Verb("replace_layer", "replace layer NAME KIND", "swap a layer for another kind, same name and wiring (undoable)"),
    Verb("open_panel", "open panel KEY", "show a panel or Learn view"),
    Verb("train", "train N", "train N more batches (as Step does)"),
    Verb("reset", "reset", "new initial weights and a fresh run (as Reset does)"),
    Verb("sweep", "sweep grid|random N NAME=RANGE ...", "run a hyperparameter search of N configurations over the "
                                                      "given settings, as Train > Sweep… does"),
    Verb("side_by_side", "side by side N", "train the lesson's contrast (its 'contrast:' line) N batches in two "
                                           "halves, as View > Side by Side does"),
    Verb("import_layers", "import layers PRESET[|PRESET...] LAYER,... frozen|trainable",
         "start from these layers of a trained source network (the first preset whose dataset is here, trained "
         "once with its own settings), their trainable switch set (as File > Import Trained Layers does)"),
    Verb("forget_imported", "forget imported layers", "every layer starts from drawn initial weights again"),
)}


@dataclass(frozen=True)
class Action:
    verb: str  # a VERBS key
    target: str = ""  # training key, "layer.param", dataset name / param, panel key
    value: Any = None
    text: str = ""


def _value(text: str) -> Any:
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_action(text: str) -> Action:
    words = text.split()
    bad = PlaygroundError(f"step action '{text}' is not one the lessons know",
                          fix="use: " + "; ".join(v.pattern for v in VERBS.values()))
    if not words:
        raise bad
    head, rest = words[0].lower(), words[1:]
    if head == "set" and len(rest) >= 2 and rest[0].startswith("training."):
        return Action("set_training", rest[0].split(".", 1)[1], _value(" ".join(rest[1:])), text)
    if head == "set" and len(rest) >= 3 and rest[0] == "layer" and "." in rest[1]:
        return Action("set_layer", rest[1], _value(" ".join(rest[2:])), text)
    if head == "set" and len(rest) == 2 and rest[0] == "dataset":
        return Action("set_dataset", rest[1], None, text)
    if head == "set" and len(rest) >= 2 and rest[0].startswith("augment."):
        return Action("set_augment", rest[0].split(".", 1)[1], _value(" ".join(rest[1:])), text)
    if head == "set" and len(rest) >= 2 and rest[0].startswith("dataset."):
        return Action("set_dataset_param", rest[0].split(".", 1)[1], _value(" ".join(rest[1:])), text)
    if head == "replace" and len(rest) == 3 and rest[0] == "layer":
        return Action("replace_layer", rest[1], rest[2], text)
    if head == "open" and len(rest) == 2 and rest[0] == "panel":
        return Action("open_panel", rest[1], None, text)
    if head == "train" and len(rest) == 1 and rest[0].isdigit() and int(rest[0]) > 0:
        return Action("train", "", int(rest[0]), text)
    if head == "reset" and not rest:
        return Action("reset", "", None, text)
    if head == "sweep" and len(rest) >= 3 and rest[0] in ("grid", "random") and rest[1].isdigit() and int(rest[1]) > 0:
        return Action("sweep", rest[0], (int(rest[1]), tuple(rest[2:])), text)
    if head == "side" and len(rest) == 3 and rest[:2] == ["by", "side"] and rest[2].isdigit() and int(rest[2]) > 0:
        return Action("side_by_side", "", int(rest[2]), text)
    if head == "import" and len(rest) == 4 and rest[0] == "layers" and rest[3] in ("frozen", "trainable"):
        layers = tuple(n for n in rest[2].split(",") if n)
        return Action("import_layers", rest[1], {"layers": layers, "frozen": rest[3] == "frozen"}, text)
    if head == "forget" and rest == ["imported", "layers"]:
        return Action("forget_imported", "", None, text)
    raise bad


def training_changes(project: Project, action: Action) -> dict[str, Any]:
    """The settings ``set training.KEY VALUE`` changes, checked (a bad one raises, naming the fix)."""
    from playground.train.config import TrainConfig

    known = {f.name for f in fields(TrainConfig)}
    if action.target not in known:
        raise PlaygroundError(f"'{action.text}': there is no training setting '{action.target}'",
                              fix=f"settings are: {', '.join(sorted(known))}")
    TrainConfig.from_dict(project.training).replace(**{action.target: action.value})
    return {action.target: action.value}


def replaced_state(graph: Graph, name: str, kind: str) -> GraphState:
    """The graph with layer ``name`` swapped for a ``kind`` layer: same name, position and wiring,
    the parameters both kinds share kept. The graph itself is not changed."""
    trial = graph.copy()
    old = trial.find(name)
    if old is None:
        raise PlaygroundError(f"there is no layer named '{name}'", fix="check the lesson's layer names")
    ins, outs = trial.in_edges(old.id), trial.out_edges(old.id)
    trial.remove_node(old.id)
    try:
        new = trial.add_node(kind, name, None, old.pos)
    except Exception as exc:  # GraphError: an unknown kind
        raise PlaygroundError(f"cannot replace '{name}' by '{kind}': {exc}", fix="use a layer kind from the palette") from None
    for key, value in old.params.items():
        if key in new.params:
            trial.set_param(new.id, key, value)
    for edge in ins:
        trial.connect(edge.src, new.id, edge.port)
    for edge in outs:
        trial.connect(new.id, edge.dst, edge.port)
    return take(trial)


def augmented(dataset: dict | None, action: Action) -> dict:
    """The dataset settings with ``set augment.KEY VALUE`` applied (a new dict)."""
    dataset = copy.deepcopy(dataset or {})
    dataset["augment"] = {**(dataset.get("augment") or {}), action.target: action.value}
    return dataset


def _layer(graph: Graph, action: Action):
    layer, _, param = action.target.partition(".")
    node = graph.find(layer)
    if node is None:
        names = ", ".join(n.name for n in graph.nodes.values())
        raise PlaygroundError(f"'{action.text}': there is no layer named '{layer}'", fix=f"layers are: {names}")
    if node.spec.param(param) is None:
        raise PlaygroundError(f"'{action.text}': a {node.kind} layer has no parameter '{param}'",
                              fix=f"parameters are: {', '.join(node.params)}")
    return node, param


def check_action(project: Project, action: Action, panels: tuple[str, ...] | None = None) -> None:
    """Raise PlaygroundError when ``action`` cannot apply to ``project`` (nothing is changed)."""
    from playground.data import registry

    if action.verb == "set_training":
        training_changes(project, action)
    elif action.verb == "set_layer":
        node, param = _layer(project.graph, action)
        try:
            node.spec.param(param).coerce(action.value)
        except ValueError as exc:
            raise PlaygroundError(f"'{action.text}': {exc}", fix="use a value the inspector accepts") from None
    elif action.verb == "set_dataset":
        registry.get(action.target)  # raises with the list of datasets
    elif action.verb == "replace_layer":
        replaced_state(project.graph, action.target, action.value)
    elif action.verb == "set_augment":
        from playground.data.augment import Augmentation

        try:
            Augmentation.from_dict(augmented(project.dataset, action)["augment"])
        except Exception as exc:  # DataError: names the option and its range
            raise PlaygroundError(f"'{action.text}': {exc}", fix="see the Dataset panel's augmentation options") from None
    elif action.verb == "sweep":
        sweep_points(action)
    elif action.verb == "import_layers":
        _check_import(project, action)
    elif action.verb == "open_panel" and panels is not None and action.target not in panels:
        raise PlaygroundError(f"'{action.text}': there is no panel '{action.target}'", fix=f"panels are: {', '.join(panels)}")


def sweep_points(action: Action) -> tuple[list, list[dict]]:
    """``sweep SEARCH N NAME=RANGE ...`` -> (the Param records, the points to train); a bad range raises."""
    from playground.train.sweep.space import SEARCHES, parse_param

    trials, specs = action.value
    try:
        params = [parse_param(spec) for spec in specs]
    except PlaygroundError as exc:
        raise PlaygroundError(f"'{action.text}': {exc.message}", fix=exc.fix) from None
    return params, SEARCHES[action.target](params, trials, 0)


def _check_import(project: Project, action: Action) -> None:
    """Every source preset exists, one has its data here, and each named layer of the first such
    source fits this project's layer of the same name (same weight shapes)."""
    from playground.graph.project import load_project, preset_names
    from playground.nn.build import build_module
    from playground.nn.transfer import layer_rows
    from playground.train.lessons.sources import source_preset

    presets = action.target.split("|")
    unknown = [name for name in presets if name not in preset_names()]
    if unknown:
        raise PlaygroundError(f"'{action.text}': no preset named {', '.join(unknown)}", fix="name presets from: playground presets")
    for name in action.value["layers"]:
        node = project.graph.find(name)
        if node is None or node.spec.param("trainable") is None:
            raise PlaygroundError(f"'{action.text}': there is no layer with weights named '{name}'",
                                  fix="check the lesson's layer names")
    source = build_module(load_project(source_preset(presets)).graph)
    rows = {r["name"]: r for r in layer_rows(source.state_dict(), build_module(project.graph))}
    for name in action.value["layers"]:
        problem = rows[name]["problem"] if name in rows else f"{name}: the source has no layer of that name"
        if problem:
            raise PlaygroundError(f"'{action.text}': {problem}", fix="import only layers with the same shapes")


def apply_to_project(project: Project, action: Action) -> None:
    """Perform a project-changing action on ``project`` directly (the headless path)."""
    check_action(project, action)
    if action.verb == "set_training":
        project.training = {**project.training, **training_changes(project, action)}
    elif action.verb == "set_layer":
        node, param = _layer(project.graph, action)
        project.graph.set_param(node.id, param, action.value)
    elif action.verb == "set_dataset":
        project.dataset = {"name": action.target, "params": {}}
    elif action.verb == "set_dataset_param":
        dataset = copy.deepcopy(project.dataset or {})
        dataset.setdefault("params", {})[action.target] = action.value
        project.dataset = dataset
    elif action.verb == "set_augment":
        project.dataset = augmented(project.dataset, action)
    elif action.verb == "replace_layer":
        from playground.graph.snapshot import restore

        restore(project.graph, replaced_state(project.graph, action.target, action.value))
    elif action.verb == "import_layers":  # the project's part: the switches (the weights are the run's)
        for name in action.value["layers"]:
            project.graph.set_param(project.graph.find(name).id, "trainable", not action.value["frozen"])
