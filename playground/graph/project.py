"""Project files: the graph, canvas positions, dataset choice and training settings, as versioned JSON.

Format (version 1)::

    {"format": "playground-project", "version": 1, "name": "...", "description": "...",
     "graph": {"nodes": [{"name": "conv1", "kind": "Conv2d", "params": {...}, "pos": [x, y]}, ...],
               "edges": [["input", "conv1"], ["conv2", "add1", 1], ...]},
     "dataset": {"name": "shapes", "params": {...}},
     "training": {...the training settings...}}

The dataset section may also hold ``split``, ``augment``, its own ``seed`` and ``path`` (the CSV
file, image folder or MNIST / CIFAR-10 folder the data is read from; kept as written).

Edges name their nodes; the optional third number is the input slot of a merge node. Missing
parameters take their defaults; missing positions get an automatic layout. Loading a broken file
raises ``ProjectFileError`` naming the place (``graph.nodes[3].params.kernel_size: must be at
least 1``); ``file_checks.py`` refuses what would crash a reader (huge or deep files, non-finite
positions, broken text). A section owned by a higher layer (``training``: ``train.config``) is
checked by the function that layer puts in ``SECTION_CHECKS``. Files are written atomically.
Presets are project files in ``resources/presets``.
"""

from __future__ import annotations

import json
import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from playground.core.errors import GraphError, PlaygroundError, ProjectFileError
from playground.core.files import atomic_write_text
from playground.core.resources import resource_path
from playground.graph import file_checks
from playground.graph.layers import get_spec
from playground.graph.layout import auto_layout
from playground.graph.model import Graph

FORMAT = "playground-project"
VERSION = 1
PRESETS_DIR = resource_path("presets")
SUFFIX = ".pgproj"
MAX_PORT = 100_000  # an input slot number beyond this is damage, not a merge

#: section name -> check(value, where) raising a PlaygroundError; the layer that owns a section
#: registers it (``playground.train.config`` registers "training"), since graph cannot import it
SECTION_CHECKS: dict[str, Callable[[Any, str], None]] = {}


@dataclass
class Project:
    graph: Graph = field(default_factory=Graph)
    name: str = "Untitled"
    description: str = ""
    dataset: dict[str, Any] = field(default_factory=lambda: {"name": "spiral", "params": {}})
    training: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None  # where it was loaded from / saved to (None for presets and new ones)

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION, "name": self.name, "description": self.description,
                "graph": graph_to_dict(self.graph), "dataset": self.dataset, "training": self.training}

    def copy(self) -> "Project":
        """An independent copy (graph, dataset, settings; no listeners of the original's graph)."""
        copied = project_from_dict(copy.deepcopy(self.to_dict()), self.name)
        copied.path = self.path
        return copied


def graph_to_dict(graph: Graph) -> dict[str, Any]:
    order = graph.topological_order() if graph.nodes else []
    nodes = [{"name": n.name, "kind": n.kind, "params": _jsonable(n.params), "pos": [round(n.pos[0], 1), round(n.pos[1], 1)]}
             for n in (graph.nodes[i] for i in order)]
    edges = []
    for e in graph.edges:
        row: list[Any] = [graph.nodes[e.src].name, graph.nodes[e.dst].name]
        if graph.nodes[e.dst].spec.is_merge:
            row.append(e.port)
        edges.append(row)
    return {"nodes": nodes, "edges": edges}


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def graph_from_dict(data: Any, where: str = "graph") -> Graph:
    """Rebuild a graph; every problem raises ProjectFileError naming its place in the file."""
    _expect(data, dict, where)
    nodes, edges = data.get("nodes", []), data.get("edges", [])
    _expect(nodes, list, f"{where}.nodes")
    _expect(edges, list, f"{where}.edges")
    graph = Graph()
    missing_pos = False
    for i, raw in enumerate(nodes):
        at = f"{where}.nodes[{i}]"
        _expect(raw, dict, at)
        kind, name = raw.get("kind"), raw.get("name")
        if "name" in raw and not isinstance(name, str):
            raise ProjectFileError(f"must be text (a layer name such as \"conv1\"), not {file_checks.show(name)}",
                                   where=f"{at}.name", fix="leave it out to get an automatic name")
        if not isinstance(kind, str):
            raise ProjectFileError("needs a 'kind' (the layer type, e.g. \"Conv2d\")", where=at)
        try:
            spec = get_spec(kind)
        except KeyError:
            raise ProjectFileError(f"unknown layer kind '{file_checks.clip(kind)}'", where=f"{at}.kind",
                                   fix="use one of the kinds listed by the palette") from None
        params = raw.get("params", {})
        _expect(params, dict, f"{at}.params")
        for key in params:
            if spec.param(key) is None:
                raise ProjectFileError(f"{kind} has no parameter '{file_checks.clip(key)}'",
                                       where=f"{at}.params.{file_checks.clip(key)}",
                                       fix=f"known: {', '.join(p.name for p in spec.params) or 'none'}")
        pos = raw.get("pos")
        missing_pos |= pos is None
        pos = file_checks.position(pos, f"{at}.pos") if pos is not None else (0.0, 0.0)
        try:
            node = graph.add_node(kind, name=name, pos=pos)
        except GraphError as exc:
            raise ProjectFileError(exc.message, where=f"{at}.name", fix=exc.fix) from None
        for key, value in params.items():
            try:
                graph.set_param(node.id, key, value)
            except GraphError as exc:
                raise ProjectFileError(exc.message.split(" ", 1)[1], where=f"{at}.params.{key}") from None
    for i, raw in enumerate(edges):
        at = f"{where}.edges[{i}]"
        if isinstance(raw, dict):
            raw = [raw.get("from"), raw.get("to"), *([raw["port"]] if "port" in raw else [])]
        if not isinstance(raw, list) or len(raw) not in (2, 3) or not all(isinstance(v, str) for v in raw[:2]):
            raise ProjectFileError("must be [\"from\", \"to\"] or [\"from\", \"to\", input_slot]", where=at)
        ends = []
        for name in raw[:2]:
            node = graph.find(name)
            if node is None:
                raise ProjectFileError(f"there is no layer named '{file_checks.clip(name)}'", where=at)
            ends.append(node.id)
        port = raw[2] if len(raw) == 3 else None
        if port is not None and (not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= MAX_PORT):
            raise ProjectFileError(f"the input slot must be a whole number from 0 to {MAX_PORT}", where=f"{at}[2]")
        try:
            graph.connect(ends[0], ends[1], port)
        except GraphError as exc:
            raise ProjectFileError(str(exc), where=at) from None
    if missing_pos:
        for nid, p in auto_layout(graph).items():
            graph.move(nid, p)
    return graph


def _expect(value: Any, kind: type, where: str) -> None:
    if not isinstance(value, kind):
        names = {dict: "an object {...}", list: "a list [...]", str: "text"}
        raise ProjectFileError(f"must be {names.get(kind, kind.__name__)}, not {type(value).__name__}", where=where)


def project_from_dict(data: Any, source: str = "project") -> Project:
    _expect(data, dict, source)
    if data.get("format", FORMAT) != FORMAT:
        raise ProjectFileError(f"is not a Playground project (format {file_checks.show(data.get('format'))})", where=source)
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ProjectFileError("has no valid 'version' number", where=source, fix="it should say \"version\": 1")
    if version > VERSION:
        raise ProjectFileError(f"was made by a newer Playground (file version {version}; this one reads up to {VERSION})",
                               where=source, fix="update Playground to open it")
    dataset = data.get("dataset", {"name": "spiral", "params": {}})
    _expect(dataset, dict, "dataset")
    training = data.get("training", {})
    _expect(training, dict, "training")
    name = file_checks.text(data.get("name", "Untitled"), "name")
    description = file_checks.text(data.get("description", ""), "description")
    project = Project(graph_from_dict(data.get("graph", {}), "graph"), name=name, description=description,
                      dataset=_dataset(dataset), training=dict(training))
    for section, check in SECTION_CHECKS.items():
        check(getattr(project, section), section)
    return project


def _dataset(data: dict) -> dict:
    """The dataset settings kept from a file: name, params, and split ratios / augmentation / seed when given."""
    name = file_checks.text(data.get("name", "spiral"), "dataset.name")
    params = data.get("params") if data.get("params") is not None else {}
    _expect(params, dict, "dataset.params")
    out = {"name": name, "params": dict(params)}
    split = data.get("split")
    if split is not None:
        if (not isinstance(split, list) or len(split) not in (2, 3)
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1e6 for v in split)):
            raise ProjectFileError(f"must be 2 or 3 shares such as [0.8, 0.1, 0.1], not {file_checks.show(split)}",
                                   where="dataset.split")
        out["split"] = list(split)
    if data.get("augment") is not None:
        _expect(data["augment"], dict, "dataset.augment")
        out["augment"] = dict(data["augment"])
    if data.get("seed") is not None:
        out["seed"] = file_checks.seed(data["seed"], "dataset.seed")  # the data's own seed; else the training seed
    if data.get("path"):  # the file or folder the data is read from (CSV, image folder, MNIST files)
        out["path"] = file_checks.text(data["path"], "dataset.path")
    return out


def load_project(path_or_preset: str | Path) -> Project:
    """Load a project file, or a preset by name (``lenet5``)."""
    path = Path(path_or_preset)
    if not path.exists():
        preset = PRESETS_DIR / f"{path_or_preset}.json"
        if preset.exists() and "/" not in str(path_or_preset):
            project = load_project(preset)
            project.path = None
            return project
        raise ProjectFileError(f"no project file or preset named '{file_checks.clip(path_or_preset, 200)}'",
                               where=file_checks.clip(path_or_preset, 200),
                               fix=f"presets are: {', '.join(preset_names())}")
    project = project_from_data(file_checks.read_json(path), path.name)
    project.path = path
    return project


def project_from_text(text: str, source: str = "project") -> Project:
    """A project from a file's text (what ``load_project`` does after reading), every problem located."""
    data = file_checks.parse_json(text, source)
    file_checks.check_values(data, source)
    return project_from_data(data, source)


def project_from_data(data: Any, source: str) -> Project:
    try:
        return project_from_dict(data, source=source)
    except PlaygroundError as exc:  # the graph's, a section's own (TrainingError), or the file's
        where = f"{source}: {exc.where}" if exc.where and not exc.where.startswith(source) else exc.where
        raise ProjectFileError(exc.message, where=where or source, fix=exc.fix) from None


def save_project(project: Project, path: str | Path) -> Path:
    """Write atomically; a project reached through a symlink is written where the link points (the link stays)."""
    path = Path(path)
    target = path.resolve() if path.is_symlink() else path
    atomic_write_text(target, json.dumps(project.to_dict(), indent=1) + "\n")
    project.path = path
    return path


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESETS_DIR.glob("*.json"))


def list_presets() -> list[dict[str, str]]:
    out = []
    for name in preset_names():
        data = json.loads((PRESETS_DIR / f"{name}.json").read_text(encoding="utf-8"))
        out.append({"name": name, "title": data.get("name", name), "description": data.get("description", ""),
                    "dataset": data.get("dataset", {}).get("name", "")})
    return out
