"""The metric-learning task's record ("embedding"): a network that maps each example to a vector
f(x) so that examples of one class lie close together (siamese networks, FaceNet).

Owns the embedding parts: the output check (a flat vector of D values per example), the per-epoch
numbers (loss and leave-one-out 1-nearest-neighbour accuracy), the evaluation (face-verification
style over fixed pairs of the split: the distance d(x1, x2) = ||f(x1) - f(x2)||^2 against a
threshold delta, the best delta and its accuracy, the ROC curve and AUC; one-shot accuracy with
one reference example per class; 1-NN accuracy) and ``SPEC``. The losses are
``playground/train/metric_losses.py``, the maths ``embedding_metrics.py``, the fixed pairs
``playground/data/pairs.py``; the views ``playground/ui/metric/embedding_view.py``.
"""

from __future__ import annotations

import numpy as np
import torch

from playground.data.pairs import one_shot_split, sample_pairs
from playground.data.targets import target_form
from playground.train import embedding_metrics as em
from playground.train.evaluation import Evaluation
from playground.train.history import SplitMetrics
from playground.train.tasks.registry import TaskSpec, shape_text

LOSSES = ("contrastive", "triplet", "triplet_hard", "triplet_semihard")
#: how many fixed pairs of a split the verification numbers use (half same class, half not)
PAIRS = 2000
#: the seed of those pairs and of the one-shot references: the same split gives the same pairs
SEED = 0


def _check(spec, num_classes: int, out_shape: tuple, target_shape: tuple, dataset: str) -> list[str]:
    if len(out_shape) != 1:
        return [f"the network gives {shape_text(out_shape)} per example but metric learning needs a flat "
                f"embedding vector; add Flatten and a Linear layer with 2 outputs (a 2-D embedding you can plot)"]
    return []


def _arrays(out: torch.Tensor, y: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    n = len(out)
    return out.reshape(n, -1).double().cpu().numpy(), y.reshape(-1).cpu().numpy()  # (N, D), (N,)


def _split_metrics(objective, out: torch.Tensor, y: torch.Tensor, loss: float) -> SplitMetrics:
    emb, labels = _arrays(out, y)
    return SplitMetrics(loss, accuracy=em.nn_accuracy(emb, labels))


def verification(emb: np.ndarray, labels: np.ndarray, count: int = PAIRS, seed: int = SEED) -> dict:
    """The split's fixed pairs and what a threshold on their distance does: i, j, same, d, the best
    delta and its accuracy, the ROC curve and its AUC."""
    i, j, same = sample_pairs(labels, count, seed)
    d = em.distances(emb, i, j)
    delta, acc = em.best_threshold(d, same)
    fpr, tpr, area = em.verification_roc(d, same)
    return {"i": i, "j": j, "same": same, "d": d, "threshold": delta, "accuracy": acc,
            "fpr": fpr, "tpr": tpr, "auc": area}


def _evaluate(objective, out: torch.Tensor, y: torch.Tensor, class_names: tuple, loss: float) -> Evaluation:
    emb, labels = _arrays(out, y)
    ver = verification(emb, labels)
    refs, queries = one_shot_split(labels, SEED)
    _, one_shot_acc = em.one_shot(emb, labels, refs, queries)
    ev = Evaluation(objective.task, loss, len(out), class_names=tuple(class_names), predictions=emb,
                    roc=[(ver["fpr"], ver["tpr"])])
    ev.scores = {"verification_accuracy": ver["accuracy"], "threshold": ver["threshold"],
                 "verification_auc": ver["auc"], "pairs": int(len(ver["d"])),
                 "one_shot_accuracy": one_shot_acc, "nn_accuracy": em.nn_accuracy(emb, labels),
                 "embedding_size": int(emb.shape[1])}
    return ev


def _summary(ev: Evaluation) -> str:
    s = ev.scores
    return (f"test: verification accuracy {s['verification_accuracy']:.4f} at delta {s['threshold']:.4g} "
            f"(AUC {s['verification_auc']:.4f}, {s['pairs']} pairs), one-shot accuracy {s['one_shot_accuracy']:.4f}, "
            f"1-NN accuracy {s['nn_accuracy']:.4f}, loss {ev.loss:.4f} on {ev.count} examples")


SPEC = TaskSpec(
    name="embedding", title="Metric learning (embedding)", targets=target_form("embedding"),
    losses=LOSSES, default_loss=lambda outputs: "contrastive", check_output=_check,
    predict=lambda out, threshold: out, split_metrics=_split_metrics, evaluate=_evaluate,
    test_keys=("loss", "verification_accuracy", "threshold", "verification_auc", "one_shot_accuracy", "nn_accuracy"),
    summary=_summary, classifies=False,
    ui_thumbnail="playground.ui.tasks.thumbnails:label_thumbnail",
    ui_evaluation="playground.ui.metric.embedding_view:EmbeddingPanel",
)
