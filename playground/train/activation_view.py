"""What the Activations panel and its input picker ask the trainer: torch in, plain numpy out.

Owns the torch side of "look at one input": every node's output for one example
(``node_activations``), the class probabilities of a classifier's output (``probabilities``), the
whole picture the panel draws (``activation_view``), the facts about the dataset the input picker
needs (``dataset_facts``: input shape, class names, kind, split sizes), one example in stored units
for a thumbnail (``stored_input``) and the misclassified examples of a split (``misclassified``).
Everything runs in the training thread, in evaluation mode without gradients, and returns copies
(numpy arrays, plain numbers), never live tensors. It does not draw anything and does not choose
the input (``playground.ui.panels.input_choice`` does).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from playground.core.errors import TrainingError
from playground.data.targets import target_form
from playground.train import probes

BATCH = 512  # examples per forward pass when scanning a split for mistakes


@dataclass
class NodeActivation:
    name: str
    kind: str  # the module's class name ("Conv2d") or the function's name ("add")
    value: np.ndarray  # one example's output, no batch dimension


@dataclass
class ActivationView:
    """Everything the Activations panel shows for one input."""

    nodes: list[NodeActivation]
    probabilities: np.ndarray | None  # (classes,) for a classifier with a flat output, else None
    label: int | None  # the true class (None for a drawn input or a regression target)
    class_names: tuple[str, ...]
    step: int


@dataclass
class Mistakes:
    """The examples of a split the model gets wrong, in the split's order."""

    split: str
    indices: list[int] = field(default_factory=list)
    predicted: list[int] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    total: int = 0  # examples looked at


def _kind(what) -> str:
    if isinstance(what, torch.nn.Module):
        return type(what).__name__
    return getattr(what, "__name__", str(what))


def node_activations(model: torch.nn.Module, x: torch.Tensor) -> list[tuple[str, str, np.ndarray]]:
    """(node name, kind, output of the first example without its batch dimension) for every node, in
    forward order; evaluation mode, no gradients, the model's mode restored afterwards."""
    with probes.eval_mode(model), torch.no_grad():
        record = probes.node_outputs(model, x)
    return [(name, _kind(what), out[0].detach().float().cpu().numpy().copy()) for name, what, out in record]


def probabilities(objective, out: torch.Tensor | np.ndarray) -> np.ndarray | None:
    """Class probabilities (classes,) of one example's output (batch dimension first), or None when
    the task is not classification or the output is not one score per class (segmentation maps)."""
    out = torch.as_tensor(out)
    if objective is None or not objective.classifies or out.dim() > 2:
        return None
    return objective.probabilities(out.reshape(out.shape[0], -1))[0].detach().cpu().numpy().copy()


def _label(y) -> int | None:
    if y is None:
        return None
    y = torch.as_tensor(y).reshape(-1)
    return int(y[0]) if y.numel() == 1 and not torch.is_floating_point(y) else None


def activation_view(trainer, x: torch.Tensor, y=None) -> ActivationView:
    """Every node's output for the one example ``x`` (1, *input_shape), normalized, on the device,
    plus the class probabilities of the final output when the model classifies."""
    nodes = [NodeActivation(name, kind, value) for name, kind, value in node_activations(trainer.model, x)]
    probs = None
    per_example = target_form(trainer.info.task).per_example  # one class label per example
    if nodes and per_example:
        probs = probabilities(trainer.objective, nodes[-1].value[None])  # (1, classes)
    label = _label(y) if per_example else None
    return ActivationView(nodes, probs, label, tuple(trainer.info.class_names), int(trainer.step_count))


def dataset_facts(trainer) -> dict:
    """What an input picker needs to know about the trainer's dataset, as plain data."""
    info = trainer.info
    return {
        "name": info.name, "title": info.title, "task": info.task, "kind": trainer.splits.kind,
        "per_example": target_form(info.task).per_example,
        "input_shape": tuple(int(s) for s in info.input_shape), "class_names": tuple(info.class_names),
        "sizes": {split: len(feed) for split, feed in trainer.feeds.items()},
    }


def stored_input(trainer, x: torch.Tensor) -> np.ndarray:
    """One normalized example (1, *input_shape) back in the dataset's stored units (pixels in [0, 1],
    point coordinates as plotted): what a thumbnail shows."""
    raw = x[0].detach().float().cpu() * trainer.splits.std + trainer.splits.mean  # input shape
    return raw.numpy().copy()


def misclassified(trainer, split: str = "val", limit: int | None = None) -> Mistakes:
    """Indices (in the split's order) of the examples whose predicted class is not their label,
    with the predictions; at most ``limit`` of them. Evaluation mode, no gradients."""
    if not target_form(trainer.info.task).per_example:
        raise TrainingError("only a classifier can misclassify", where=f"dataset '{trainer.info.name}'",
                            fix="pick examples by number instead")
    if split not in trainer.feeds:
        raise TrainingError(f"unknown split '{split}'", where="misclassified", fix="use train, val or test")
    feed = trainer.feeds[split]
    found = Mistakes(split, total=len(feed))
    with probes.eval_mode(trainer.model), torch.no_grad():
        for start in range(0, len(feed), BATCH):
            idx = torch.arange(start, min(start + BATCH, len(feed)))
            x, y = feed.sample(idx)
            pred = trainer.objective.predict(trainer.model(x)).reshape(len(idx), -1)[:, 0].cpu()  # (B,)
            y = y.reshape(len(idx), -1)[:, 0].cpu()  # (B,)
            wrong = torch.nonzero(pred != y).reshape(-1)
            found.indices += (idx[wrong]).tolist()
            found.predicted += pred[wrong].tolist()
            found.labels += y[wrong].tolist()
            if limit is not None and len(found.indices) >= limit:
                del found.indices[limit:], found.predicted[limit:], found.labels[limit:]
                break
    return found
