"""The per-layer summary table (`playground check`, the app's summary view): shapes, counts, fields.

One row per node in topological order with its output shape, parameters, MACs, output memory and
analytic receptive field, plus totals and the graph's issues. Plain data, JSON-ready. Parameters of
frozen layers (``trainable`` off) are counted apart: ``trainable_params`` + ``frozen_params`` = ``total_params``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground.graph.memory import DEFAULT_STATE_SLOTS, memory_issues
from playground.graph.layers import is_trainable
from playground.graph.model import Graph
from playground.graph.receptive import receptive_fields
from playground.graph.shapes import format_shape, human_bytes, human_count, infer
from playground.graph.validate import Issue, validate


@dataclass
class Summary:
    rows: list[dict[str, Any]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    input_shape: list[int] | None = None
    output_shape: list[int] | None = None
    total_params: int = 0
    frozen_params: int = 0  # in layers whose "trainable" switch is off
    total_macs: int = 0
    activation_bytes: int = 0  # per sample

    @property
    def trainable_params(self) -> int:
        return self.total_params - self.frozen_params

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)

    def memory_for_batch(self, batch_size: int) -> int:
        """Rough training memory: activations kept for backward plus weights, gradients and Adam state."""
        return self.activation_bytes * batch_size * 2 + self.total_params * 4 * 4

    def to_json(self) -> dict[str, Any]:
        return {"input_shape": self.input_shape, "output_shape": self.output_shape, "layers": self.rows,
                "total_params": self.total_params, "trainable_params": self.trainable_params,
                "frozen_params": self.frozen_params, "total_macs": self.total_macs,
                "activation_bytes_per_sample": self.activation_bytes,
                "issues": [{"node": i.node_id, "severity": i.severity, "message": i.message} for i in self.issues]}

    def split_text(self) -> str:
        """' (12,304 trainable, 44,426 frozen)' when some layers are frozen, else ''."""
        return f" ({self.trainable_params:,} trainable, {self.frozen_params:,} frozen)" if self.frozen_params else ""

    def to_text(self) -> str:
        head = ("layer", "kind", "output shape", "params", "MACs", "receptive field")
        lines = [head] + [(r["name"] + ("" if r["trainable"] else " (frozen)"), r["kind"], format_shape(r["output_shape"]), f"{r['params']:,}", human_count(r["macs"]),
                           r["receptive_field"]["text"] if r["receptive_field"] else "-") for r in self.rows]
        widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
        out = ["  ".join(str(v).ljust(w) for v, w in zip(line, widths)).rstrip() for line in lines]
        out.insert(1, "  ".join("-" * w for w in widths))
        out.append("")
        out.append(f"total: {self.total_params:,} parameters{self.split_text()}, {human_count(self.total_macs)} MACs per sample, "
                   f"{human_bytes(self.activation_bytes)} of activations per sample")
        for issue in self.issues:
            out.append(f"{issue.severity}: {issue.message}")
        return "\n".join(out)


def summarize(graph: Graph, batch_size: int = 32, state_slots: int = DEFAULT_STATE_SLOTS) -> Summary:
    """The table; its issues include a warning when training with ``batch_size`` would not fit in memory."""
    shapes = infer(graph)
    summary = Summary(issues=validate(graph, shapes))
    if summary.ok:
        summary.issues += memory_issues(shapes, batch_size, state_slots)
    fields = receptive_fields(graph, shapes) if shapes.order else {}
    for nid in shapes.order:
        node, info = graph.nodes[nid], shapes.nodes[nid]
        rf = fields.get(nid)
        summary.rows.append({
            "id": nid, "name": node.name, "kind": node.kind,
            "output_shape": list(info.shape) if info.shape is not None else None,
            "params": info.params, "trainable": is_trainable(node.kind, node.params), "macs": info.macs, "memory_bytes": info.memory,
            "receptive_field": None if rf is None else {"size": rf.size, "jump": rf.jump, "start": rf.start,
                                                        "whole_input": rf.whole_input, "text": rf.describe()},
        })
    inputs, outputs = graph.input_nodes(), graph.output_nodes()
    if inputs and shapes.shape(inputs[0].id) is not None:
        summary.input_shape = list(shapes.shape(inputs[0].id))
    if len(outputs) == 1 and shapes.shape(outputs[0].id) is not None:
        summary.output_shape = list(shapes.shape(outputs[0].id))
    summary.total_params, summary.total_macs = shapes.total_params, shapes.total_macs
    summary.frozen_params = sum(r["params"] for r in summary.rows if not r["trainable"])
    summary.activation_bytes = shapes.activation_memory
    return summary
