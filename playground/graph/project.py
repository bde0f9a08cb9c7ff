"""Project files: the graph, canvas positions, dataset choice and training settings, as versioned JSON.

Format (version 1)::

    {"format": "playground-project", "version": 1, "name": "...", "description": "...",
     "graph": {"nodes": [{"name": "conv1", "kind": "Conv2d", "params": {...}, "pos": [x, y]}, ...],
               "edges": [["input", "conv1"], ["conv2", "add1", 1], ...]},
     "dataset": {"name": "shapes", "params": {...}},
     "training": {...the training settings...}}

Edges name their nodes; the optional third number is the input slot of a merge node. Missing
parameters take their defaults; missing positions get an automatic layout. Loading a broken file
raises ``ProjectFileError`` naming the place (``graph.nodes[3].params.kernel_size: must be at
least 1``). Files are written atomically. Presets are project files in ``resources/presets``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playground.core.errors import GraphError, ProjectFileError
from playground.core.files import atomic_write_text
from playground.core.resources import resource_path
from playground.graph.layers import get_spec
from playground.graph.layout import auto_layout
from playground.graph.model import Graph

FORMAT = "playground-project"
VERSION = 1
PRESETS_DIR = resource_path("presets")
SUFFIX = ".pgproj"


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
        if not isinstance(kind, str):
            raise ProjectFileError("needs a 'kind' (the layer type, e.g. \"Conv2d\")", where=at)
        try:
            spec = get_spec(kind)
        except KeyError:
            raise ProjectFileError(f"unknown layer kind '{kind}'", where=f"{at}.kind",
                                   fix="use one of the kinds listed by the palette") from None
        params = raw.get("params", {})
        _expect(params, dict, f"{at}.params")
        for key in params:
            if spec.param(key) is None:
                raise ProjectFileError(f"{kind} has no parameter '{key}'", where=f"{at}.params.{key}",
                                       fix=f"known: {', '.join(p.name for p in spec.params) or 'none'}")
        pos = raw.get("pos")
        missing_pos |= pos is None
        try:
            pos = (float(pos[0]), float(pos[1])) if pos is not None else (0.0, 0.0)
        except (TypeError, ValueError, IndexError):
            raise ProjectFileError("must be two numbers [x, y]", where=f"{at}.pos") from None
        try:
            node = graph.add_node(kind, name=name if isinstance(name, str) else None, pos=pos)
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
                raise ProjectFileError(f"there is no layer named '{name}'", where=at)
            ends.append(node.id)
        port = raw[2] if len(raw) == 3 else None
        if port is not None and (not isinstance(port, int) or port < 0):
            raise ProjectFileError("the input slot must be a whole number, 0 or more", where=f"{at}[2]")
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
        raise ProjectFileError(f"is not a Playground project (format '{data.get('format')}')", where=source)
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise ProjectFileError("has no valid 'version' number", where=source, fix="it should say \"version\": 1")
    if version > VERSION:
        raise ProjectFileError(f"was made by a newer Playground (file version {version}; this one reads up to {VERSION})",
                               where=source, fix="update Playground to open it")
    dataset = data.get("dataset", {"name": "spiral", "params": {}})
    _expect(dataset, dict, "dataset")
    training = data.get("training", {})
    _expect(training, dict, "training")
    name = data.get("name", "Untitled")
    return Project(graph_from_dict(data.get("graph", {}), "graph"), name=str(name),
                   description=str(data.get("description", "")),
                   dataset=_dataset(dataset),
                   training=dict(training))


def _dataset(data: dict) -> dict:
    """The dataset settings kept from a file: name, params, and split ratios / augmentation / seed when given."""
    out = {"name": data.get("name", "spiral"), "params": dict(data.get("params") or {})}
    if isinstance(data.get("split"), (list, tuple)):
        out["split"] = list(data["split"])
    if isinstance(data.get("augment"), dict):
        out["augment"] = dict(data["augment"])
    if isinstance(data.get("seed"), int) and not isinstance(data.get("seed"), bool) and data["seed"] >= 0:
        out["seed"] = data["seed"]  # the data's own seed (Regenerate); without it the training seed
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
        raise ProjectFileError(f"no project file or preset named '{path_or_preset}'", where=str(path_or_preset),
                               fix=f"presets are: {', '.join(preset_names())}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectFileError(f"cannot be read ({exc.__class__.__name__}: {exc})", where=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProjectFileError(f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                               "the file may be truncated or damaged", where=str(path)) from None
    try:
        project = project_from_dict(data, source=path.name)
    except ProjectFileError as exc:
        exc.where = f"{path.name}: {exc.where}" if exc.where and not exc.where.startswith(path.name) else exc.where
        raise ProjectFileError(exc.message, where=exc.where, fix=exc.fix) from None
    project.path = path
    return project


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
