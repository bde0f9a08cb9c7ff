"""What the evaluation panel needs from the training thread, as plain numpy data.

Owns ``evaluation_view`` (one split's ``Evaluation`` from ``Trainer.evaluate`` plus what the
panel draws beside it: the true labels, so a confusion-matrix cell can list its examples; the
stored-unit inputs and class probabilities of the examples a gallery may show; the regression
targets for a predicted-vs-true plot) and ``saliency_view`` (one chosen example's |gradient| of a
class score with respect to the input, through ``probes.saliency``). Both run in the training
thread and return copies, never live tensors. The drawing lives in ``playground/ui/panels``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from playground.train import probes
from playground.train.evaluation import Evaluation, evaluate, model_outputs

#: at most this many examples per confusion-matrix cell (and of the misclassified list) come back with inputs
PER_CELL = 48


@dataclass
class EvaluationView:
    """One split's evaluation and the examples a gallery can show."""

    split: str
    kind: str  # the data's kind: "image", "points", "tabular"
    evaluation: Evaluation
    true: np.ndarray  # (N,) labels, (N, H, W) masks, or (N, k) regression targets
    shown: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # indices with inputs
    inputs: np.ndarray | None = None  # (M, *input shape) float32 in stored units (pixels in [0, 1])
    probs: np.ndarray | None = None  # (M, C) class probabilities of the shown examples
    step: int = 0

    def cell(self, true_class: int, pred_class: int) -> np.ndarray:
        """Indices of the split's examples of ``true_class`` predicted as ``pred_class`` (classification)."""
        ev = self.evaluation
        return np.flatnonzero((self.true == true_class) & (ev.predictions == pred_class))

    def row_of(self, index: int) -> int:
        """Where example ``index`` is in ``shown``/``inputs``/``probs`` (-1 when it did not come back)."""
        hit = np.flatnonzero(self.shown == index)
        return int(hit[0]) if hit.size else -1


def stored_inputs(trainer, split: str, idx: np.ndarray) -> np.ndarray:
    """Examples ``idx`` of ``split`` as the person sees them: image pixels in [0, 1], raw coordinates."""
    part = getattr(trainer.splits, split, None)
    idx_t = torch.as_tensor(np.asarray(idx, dtype=np.int64))
    if part is not None and isinstance(getattr(part, "x", None), torch.Tensor):
        return (part.x[idx_t].to(torch.float32) * float(part.scale)).numpy().copy()
    x, _ = trainer.feeds[split].sample(idx_t)  # normalized: undo it
    return (x.cpu() * trainer.splits.std + trainer.splits.mean).numpy().copy()


def gallery_indices(ev: Evaluation, true: np.ndarray, per_cell: int = PER_CELL) -> np.ndarray:
    """The first ``per_cell`` examples of every (true, predicted) cell, and of the misclassified list;
    for per-pixel tasks also the ``per_cell`` worst by their own IoU."""
    if ev.predictions is None or ev.confusion is None:
        return np.zeros(0, dtype=np.int64)
    parts = [np.asarray(ev.misclassified[:per_cell], dtype=np.int64)]
    if ev.example_iou is not None:  # per-pixel tasks: the worst examples by their own IoU
        iou = np.asarray(ev.example_iou, dtype=np.float64)
        parts.append(np.argsort(np.where(np.isnan(iou), np.inf, iou), kind="stable")[:per_cell].astype(np.int64))
    if true.ndim == 1:  # classification: one label per example
        c = len(ev.confusion)
        code = true.astype(np.int64) * c + ev.predictions.astype(np.int64)  # (N,) cell of each example
        order = np.argsort(code, kind="stable")
        starts = np.searchsorted(code[order], np.arange(c * c))
        ends = np.searchsorted(code[order], np.arange(c * c), side="right")
        parts += [order[s:min(e, s + per_cell)] for s, e in zip(starts, ends)]
    return np.unique(np.concatenate(parts)).astype(np.int64)


class _Lookup(torch.nn.Module):
    """Stands in for the model when its outputs are known: given example indices, their outputs."""

    def __init__(self, outputs: torch.Tensor):
        super().__init__()
        self.outputs = outputs

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        return self.outputs[idx]


@torch.no_grad()
def evaluation_view(trainer, split: str, per_cell: int = PER_CELL) -> EvaluationView:
    """Evaluate ``split`` of ``trainer``'s model and gather the examples the panel may show.

    The same numbers as ``trainer.evaluate(split)``, from one forward pass over the split that
    also gives the shown examples' class probabilities."""
    feed = trainer.feeds[split]
    kind = getattr(trainer.splits, "kind", "points")
    if not len(feed):
        return EvaluationView(split, kind, trainer.evaluate(split), np.zeros(0), step=trainer.step_count)
    x, y = feed.all()
    out = model_outputs(trainer.model, x)  # (N, outputs...) in evaluation mode
    ids = torch.arange(len(x), device=out.device)
    ev = evaluate(_Lookup(out), ids, y, trainer.objective, tuple(trainer.info.class_names), pictures=x)
    true = y.detach().cpu().numpy().copy()
    if not trainer.objective.classifies:
        true = true.reshape(len(true), -1).astype(np.float64)  # (N, k) like ev.predictions
        return EvaluationView(split, kind, ev, true, step=trainer.step_count)
    shown = gallery_indices(ev, true, per_cell)
    view = EvaluationView(split, kind, ev, true, shown, step=trainer.step_count)
    if shown.size:
        view.inputs = stored_inputs(trainer, split, shown)
    if shown.size and trainer.objective.kind.targets.per_example:  # one label per example, not per pixel
        picked = out[torch.as_tensor(shown, device=out.device)]
        view.probs = trainer.objective.probabilities(picked).double().cpu().numpy().copy()
    return view


@dataclass
class SaliencyView:
    """One example's saliency: its input (stored units), the gradient and the class scores."""

    describe: str
    x: np.ndarray  # (*input shape) stored units
    grad: np.ndarray  # (*input shape) d score / d input (network units)
    amap: np.ndarray  # |grad|, max over channels for images: (H, W); else (*input shape)
    target: int
    predicted: int
    label: int | None
    probs: np.ndarray  # (C,) or the raw outputs for regression


def saliency_view(trainer, x: torch.Tensor, y: torch.Tensor | None, target: int | None,
                  describe: str = "") -> SaliencyView:
    """|d score[target] / d input| of one example ``x`` (1, *input shape, normalized). ``target``
    None: the predicted class."""
    sal = probes.saliency(trainer.model, x[0], target)
    classifies = trainer.objective.kind.targets.per_example  # one class per example
    out = torch.as_tensor(sal.prediction).reshape(1, -1)  # (1, outputs)
    probs = trainer.objective.probabilities(out)[0].double().numpy() if classifies else out[0].double().numpy()
    stored = (x.detach().cpu() * trainer.splits.std + trainer.splits.mean)[0].numpy().copy()
    label = None
    if y is not None and classifies:
        label = int(y.reshape(-1)[0])
    predicted = int(np.argmax(probs)) if classifies else sal.target
    return SaliencyView(describe, stored, sal.gradient.copy(), sal.map.copy(), sal.target, predicted, label,
                        probs.copy())
