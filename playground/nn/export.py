"""Export a project's network: readable PyTorch source, a .pt file, ONNX, or the project JSON.

- ``py``: standalone source from ``codegen`` (needs only torch) plus ``preprocess()``, ``predict()`` and
  ``load_model()`` (``export_bundle``); its weights go beside it as ``NAME.weights.pt`` (a plain dict of
  tensors, read with ``torch.load(weights_only=True)``).
- ``pt``: ``torch.save`` of a dict: state_dict, which weights they are (``weights``), the preprocessing
  (scale, mean, std, class names, raw input description), the project (graph, dataset, training
  settings), the input shape and the generated source; ``load_pt`` reads it back safely.
- ``onnx``: ``onnx_export`` (one self-contained file, preprocessing as metadata properties).
- ``json``: the project file itself.
``TakeAway`` carries the weights (trained ones from a run; else a fresh build under ``seed``) and the
preprocessing. Every file is written atomically: a failed export leaves no half-written file.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import torch
from torch import nn

from playground.core.errors import ExportError
from playground.core.files import atomic_write_bytes, atomic_write_text
from playground.graph.project import Project, project_from_dict, save_project
from playground.nn.build import build_module
from playground.nn.codegen import generate_source
from playground.nn.export_bundle import Preprocessing, TakeAway, WeightsNote

FORMATS = {"py": "PyTorch source (.py)", "pt": "weights + network (.pt)", "onnx": "ONNX (.onnx)",
           "json": "project file (.json)"}
PT_FORMAT = "playground-model"
PT_VERSION = 2


def weights_file(path: Path) -> Path:
    """Where a .py export's weights go: ``net.py`` -> ``net.weights.pt``."""
    return path.with_name(path.stem + ".weights.pt")


def module_for(project: Project, takeaway: TakeAway, seed: int = 0) -> nn.Module:
    """The built network holding the take-away's weights (a fresh build under ``seed`` without them)."""
    module = build_module(project.graph, seed=seed)
    if takeaway.state_dict is not None:
        module.load_state_dict(takeaway.state_dict)
    return module


def python_source(project: Project, takeaway: TakeAway, weights_name: str = "") -> str:
    """The generated model source, with preprocess/predict/load_model when the preprocessing is known."""
    source = generate_source(project.graph, project.name)
    pre = takeaway.preprocessing
    if pre is None:
        return source
    source = source.replace("\nimport torch\n", "\nimport json\nimport os\n\nimport torch\n", 1)
    head, sep, tail = source.partition('\nif __name__ == "__main__":')
    return head.rstrip("\n") + "\n\n" + pre.source(weights_name) + "\n" + sep + tail


def pt_payload(project: Project, module: nn.Module, takeaway: TakeAway) -> dict[str, Any]:
    pre = takeaway.preprocessing
    return {"format": PT_FORMAT, "version": PT_VERSION,
            "state_dict": {k: v.detach().cpu() for k, v in module.state_dict().items()},
            "weights": takeaway.note.to_dict(),
            "preprocessing": pre.to_dict() if pre is not None else None,
            "class_names": list(pre.class_names) if pre is not None else [],
            "project": project.to_dict(), "input_shape": list(module.meta.get("input_shape", ())),
            "source": python_source(project, takeaway)}


def export_project(project: Project, fmt: str, path: str | os.PathLike, *, module: nn.Module | None = None,
                   seed: int = 0, takeaway: TakeAway | None = None, progress=None) -> Path:
    """Write ``project`` as ``fmt`` to ``path``. The weights come from ``takeaway`` (or ``module``), else a
    fresh build under ``seed``; ``progress(text)`` hears about long steps (ONNX)."""
    path = Path(path)
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format '{fmt}'", fix=f"use one of: {', '.join(FORMATS)}")
    takeaway = takeaway or TakeAway()
    if module is not None and takeaway.state_dict is None:
        takeaway = TakeAway(module.state_dict(), takeaway.note, takeaway.preprocessing)
    if fmt == "json":
        copy = Project(project.graph, project.name, project.description, project.dataset, project.training)
        return save_project(copy, path)
    module = module_for(project, takeaway, seed)
    if fmt == "py":
        weights = weights_file(path)
        atomic_write_bytes(weights, _torch_bytes({"state_dict": {k: v.detach().cpu() for k, v in module.state_dict().items()},
                                                  "weights": takeaway.note.to_dict()}))
        return atomic_write_text(path, python_source(project, takeaway, weights.name))
    if fmt == "pt":
        return atomic_write_bytes(path, _torch_bytes(pt_payload(project, module, takeaway)))
    from playground.nn.onnx_export import onnx_bytes

    return atomic_write_bytes(path, onnx_bytes(module, takeaway, progress=progress))


def export_text(project: Project, fmt: str, *, takeaway: TakeAway | None = None, seed: int = 0) -> str:
    """A text export as a string (for ``-o -``): py (no weights file: fresh ``Model()``), json, script."""
    import json

    takeaway = takeaway or TakeAway()
    if fmt == "py":
        return python_source(project, takeaway)
    if fmt == "json":
        copy = Project(project.graph, project.name, project.description, project.dataset, project.training)
        return json.dumps(copy.to_dict(), indent=1) + "\n"
    if fmt == "script":
        raise ExportError("the training script may need a data file beside it", where="-o -",
                          fix="give a file name (train.py)")
    raise ExportError(f"a {fmt} file is binary and cannot go to standard output", fix="give a file name")


def _torch_bytes(obj) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def read_pt(path: str | os.PathLike) -> dict[str, Any]:
    """The dict of a .pt written by ``export_project``, read without running code (``weights_only``)."""
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise ExportError(f"'{path}' does not exist") from None
    except Exception as exc:
        raise ExportError(f"cannot read '{path}' as a Playground model file ({exc.__class__.__name__})",
                          fix="export it again from Playground") from None
    if not isinstance(data, dict) or data.get("format") != PT_FORMAT:
        raise ExportError(f"'{path}' is not a Playground model file", fix="open it with torch.load in your own code")
    if int(data.get("version", 1)) > PT_VERSION:
        raise ExportError(f"'{path}' was written by a newer Playground (format {data.get('version')})",
                          fix="update Playground")
    return data


def load_pt(path: str | os.PathLike) -> tuple[Project, dict[str, Any]]:
    """Read a .pt written by ``export_project``: the project and the state_dict."""
    data = read_pt(path)
    return project_from_dict(data["project"], source=Path(path).name), data["state_dict"]


def load_pt_takeaway(path: str | os.PathLike) -> tuple[Project, TakeAway]:
    """A .pt as a project plus its weights, their note and preprocessing (to open it in the app)."""
    data = read_pt(path)
    project = project_from_dict(data["project"], source=Path(path).name)
    note = data.get("weights") or {}
    pre = data.get("preprocessing")
    return project, TakeAway(data["state_dict"], WeightsNote(bool(note.get("trained")), int(note.get("step") or 0),
                                                             note.get("val_accuracy"), note.get("val_loss")),
                             Preprocessing.from_dict(pre) if pre else None)
