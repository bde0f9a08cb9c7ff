"""Export a project's network: readable PyTorch source, a .pt file, ONNX, or the project JSON.

- ``py``: standalone source from ``codegen`` (needs only torch).
- ``pt``: ``torch.save`` of a dict: state_dict (trained weights when given a module), the project
  (graph, dataset, training settings), the input shape and the generated source; ``load_pt`` reads it.
- ``onnx``: torch's exporter; needs the optional ``onnx`` extra (``pip install -e ".[onnx]"``),
  otherwise a clear ``ExportError`` says so.
- ``json``: the project file itself.
Every file is written atomically: a failed export leaves no half-written file.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import torch
from torch import nn

from playground.core.errors import ExportError
from playground.core.files import atomic_write_bytes, atomic_write_text
from playground.graph.project import Project, project_from_dict, save_project
from playground.nn.build import build_module
from playground.nn.codegen import generate_source

FORMATS = {"py": "PyTorch source (.py)", "pt": "weights + network (.pt)", "onnx": "ONNX (.onnx)",
           "json": "project file (.json)"}
PT_FORMAT = "playground-model"


def export_project(project: Project, fmt: str, path: str | os.PathLike, *, module: nn.Module | None = None,
                   seed: int = 0) -> Path:
    """Write ``project`` as ``fmt`` to ``path``; ``module`` carries trained weights (else a fresh build)."""
    path = Path(path)
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format '{fmt}'", fix=f"use one of: {', '.join(FORMATS)}")
    if fmt == "json":
        copy = Project(project.graph, project.name, project.description, project.dataset, project.training)
        return save_project(copy, path)
    if fmt == "py":
        return atomic_write_text(path, generate_source(project.graph, project.name))
    module = module if module is not None else build_module(project.graph, seed=seed)
    if fmt == "pt":
        buffer = io.BytesIO()
        torch.save({"format": PT_FORMAT, "version": 1, "state_dict": module.state_dict(),
                    "project": project.to_dict(), "input_shape": list(module.meta.get("input_shape", ())),
                    "source": generate_source(project.graph, project.name)}, buffer)
        return atomic_write_bytes(path, buffer.getvalue())
    return _export_onnx(module, path)


def _export_onnx(module: nn.Module, path: Path) -> Path:
    try:
        import onnx  # noqa: F401
        import onnxscript  # noqa: F401
    except ImportError:
        raise ExportError("ONNX export needs the optional 'onnx' packages, which are not installed",
                          fix='install them with: pip install -e ".[onnx]"') from None
    logging.getLogger("torch.onnx._internal.exporter._registration").setLevel(logging.ERROR)
    example = torch.randn(1, *module.meta["input_shape"])
    fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=path.parent if path.parent.exists() else None)
    os.close(fd)
    was_training = module.training
    module.eval()
    try:
        torch.onnx.export(module, (example,), tmp, input_names=["x"], output_names=["y"],
                          dynamic_shapes={"x": {0: torch.export.Dim("batch", min=1)}}, dynamo=True, verbose=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, path)
    except Exception as exc:  # the exporter's own failures become one clear message
        raise ExportError(f"ONNX export failed: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                          fix="export as .py or .pt instead") from None
    finally:
        module.train(was_training)
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def load_pt(path: str | os.PathLike) -> tuple[Project, dict[str, Any]]:
    """Read a .pt written by ``export_project``: the project and the state_dict."""
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise ExportError(f"cannot read '{path}' as a Playground model file ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or data.get("format") != PT_FORMAT:
        raise ExportError(f"'{path}' is not a Playground model file", fix="open it with torch.load in your own code")
    return project_from_dict(data["project"], source=Path(path).name), data["state_dict"]
