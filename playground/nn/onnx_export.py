"""ONNX export as one self-contained file: weights inside, preprocessing as metadata properties.

torch's exporter writes large weights to a sidecar ``NAME.onnx.data`` when given a path; here it is
given none (``f=None``), the in-memory ``ModelProto`` gets the weights inline and the metadata
(``playground.preprocessing``, ``playground.class_names``, ``playground.weights`` as JSON strings),
and the caller writes the bytes atomically. No temporary file is made, so none can be left behind.
Needs the optional ``onnx`` extra; without it ``ExportError`` says how to get it.
"""

from __future__ import annotations

import json
import logging

import torch
from torch import nn

from playground.core.errors import ExportError
from playground.nn.export_bundle import TakeAway


def _require_onnx():
    try:
        import onnx  # noqa: F401
        import onnxscript  # noqa: F401
    except ImportError:
        raise ExportError("ONNX export needs the optional 'onnx' packages, which are not installed",
                          fix='install them with: pip install -e ".[onnx]" (in a checkout; else: pip install onnx onnxscript)') from None


def metadata(takeaway: TakeAway) -> dict[str, str]:
    pre = takeaway.preprocessing
    out = {"playground.weights": str(takeaway.note)}
    if pre is not None:
        out["playground.preprocessing"] = json.dumps(pre.to_dict())
        out["playground.class_names"] = json.dumps(list(pre.class_names))
    return out


def onnx_bytes(module: nn.Module, takeaway: TakeAway, progress=None) -> bytes:
    """The network (in eval mode) as one ONNX file's bytes, batch size free."""
    _require_onnx()
    import onnx

    logging.getLogger("torch.onnx._internal.exporter._registration").setLevel(logging.ERROR)
    if progress is not None:
        progress("Exporting ONNX (tracing the network; this takes a few seconds)…")
    example = torch.randn(1, *module.meta["input_shape"])
    was_training = module.training
    module.eval()
    try:
        program = torch.onnx.export(module, (example,), None, input_names=["x"], output_names=["y"],
                                    dynamic_shapes={"x": {0: torch.export.Dim("batch", min=1)}}, dynamo=True,
                                    verbose=False)
        proto = program.model_proto
    except Exception as exc:  # the exporter's own failures become one clear message
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise ExportError(f"ONNX export failed: {exc.__class__.__name__}: {first}",
                          fix="export as .py or .pt instead") from None
    finally:
        module.train(was_training)
    for key, value in metadata(takeaway).items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    if progress is not None:
        progress("Writing the ONNX file…")
    data = proto.SerializeToString()
    onnx.checker.check_model(onnx.load_from_string(data))  # inline weights: loads with no other file
    return data
