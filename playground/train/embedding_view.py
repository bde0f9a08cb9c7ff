"""What the Embedding panel needs from the training thread, as plain numpy data.

Owns ``EmbeddingView`` and ``embedding_view(trainer, split)``: the split's embeddings (at most
``LIMIT`` examples, evenly spaced, so a big split stays cheap while training runs), their 2-D
picture (``embedding_metrics.project_2d``), the fixed verification pairs with their distances, the
best threshold and the ROC curve (``tasks/embedding.verification``), the one-shot references and
predictions, and the examples' pictures in stored units so two of them can be shown side by side.
It runs in the training thread and returns copies, never live tensors; the drawing lives in
``playground/ui/metric/embedding_view.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from playground.data.pairs import one_shot_split
from playground.train import embedding_metrics as em
from playground.train.evaluation import model_outputs
from playground.train.evaluation_view import stored_inputs

#: at most this many examples of a split are embedded and shown (evenly spaced)
LIMIT = 1000
#: fixed verification pairs drawn among them
PAIRS = 1000


@dataclass
class EmbeddingView:
    split: str
    step: int
    class_names: tuple[str, ...]
    index: np.ndarray  # (N,) the examples' indices in the split
    labels: np.ndarray  # (N,) their classes
    emb: np.ndarray  # (N, D) embeddings
    points: np.ndarray  # (N, 2) what the scatter shows
    how: str  # how the points were made ("the network's 2 outputs", "PCA of 16 outputs ...")
    pairs: dict  # tasks.embedding.verification over rows of ``emb``: i, j, same, d, threshold, accuracy, fpr, tpr, auc
    refs: np.ndarray  # (C,) rows of the one-shot references, one per class
    queries: np.ndarray  # (Q,) rows classified by their nearest reference
    one_shot_pred: np.ndarray  # (Q,) predicted class of each query
    one_shot_accuracy: float
    inputs: np.ndarray | None = None  # (N, *input shape) stored units, for the pictures

    def distance(self, a: int, b: int) -> float:
        """d(x_a, x_b) = ||f(x_a) - f(x_b)||^2 between rows ``a`` and ``b``."""
        return float(em.distances(self.emb, np.array([a]), np.array([b]))[0])


@torch.no_grad()
def embedding_view(trainer, split: str = "val", limit: int = LIMIT, pairs: int = PAIRS) -> EmbeddingView:
    """Embed (at most ``limit`` examples of) ``split`` with ``trainer``'s model and gather what the
    panel draws. An empty split gives an empty view (N = 0)."""
    from playground.train.tasks.embedding import verification

    feed = trainer.feeds[split]
    n = len(feed)
    index = np.linspace(0, n - 1, min(n, limit)).round().astype(np.int64) if n else np.zeros(0, dtype=np.int64)
    if n:
        x, y = feed.sample(torch.as_tensor(index))
        emb = model_outputs(trainer.model, x).reshape(len(index), -1).double().cpu().numpy().copy()  # (N, D)
        labels = y.reshape(-1).cpu().numpy().copy()
        points, how = em.project_2d(emb)
    else:
        emb, labels, points, how = np.zeros((0, 2)), np.zeros(0, dtype=np.int64), np.zeros((0, 2)), ""
    ver = verification(emb, labels, count=pairs)
    refs, queries = one_shot_split(labels)
    pred, acc = em.one_shot(emb, labels, refs, queries)
    view = EmbeddingView(split, trainer.step_count, tuple(trainer.info.class_names), index, labels, emb, points,
                         how, ver, refs, queries, pred, acc)
    if n and getattr(trainer.splits, "kind", "") == "image":
        view.inputs = stored_inputs(trainer, split, index)
    return view
