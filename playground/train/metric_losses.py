"""Metric-learning losses on a batch of embeddings and their class labels (siamese / FaceNet style).

Owns ``pairwise_sq`` (squared Euclidean distances between every two embeddings of a batch),
``contrastive`` (Hadsell, Chopra and LeCun 2006: pairs) and ``triplet`` with its three ways of
choosing triplets (``MINING``: every valid triplet, the batch-hard one per anchor, FaceNet's
semi-hard one per positive pair). Every loss takes outputs (B, D) and labels (B,) and forms its
pairs or triplets inside the batch: the network sees one batch of images and is one set of
weights (the "siamese" branches are the rows of the batch), so the Trainer needs nothing special.
The table rows live in ``losses.py``; the data is the plain labelled set (``data/metric_sets.py``).
"""

from __future__ import annotations

import torch

def pairwise_sq(e: torch.Tensor) -> torch.Tensor:
    """(B, D) embeddings -> (B, B) squared Euclidean distances ||e_i - e_j||^2."""
    diff = e[:, None, :] - e[None, :, :]  # (B, B, D)
    return (diff * diff).sum(-1)


def _masks(y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, B) same-class pairs of two different examples, and different-class pairs."""
    y = y.reshape(-1)
    same = y[:, None] == y[None, :]
    eye = torch.eye(len(y), dtype=torch.bool, device=y.device)
    return same & ~eye, ~same


def _mean(values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``values`` where ``mask``; 0 (still attached to the graph) where nothing is selected."""
    count = mask.sum()
    return (values * mask).sum() / count.clamp(min=1)


def contrastive(out: torch.Tensor, y: torch.Tensor, margin: float = 1.0) -> torch.Tensor:
    """Over the batch's pairs i < j with d = ||f(x_i) - f(x_j)||: half the mean of d^2 over pairs of
    one class (pull together) plus half the mean of max(0, margin - d)^2 over pairs of two classes
    (push apart until the margin). The two kinds are averaged apart so that a batch with few
    same-class pairs still pulls."""
    sq = pairwise_sq(out)
    same, diff = _masks(y)
    upper = torch.ones_like(same).triu(1)
    d = sq.clamp(min=1e-12).sqrt()  # sqrt has no gradient at 0
    return 0.5 * _mean(sq, same & upper) + 0.5 * _mean(torch.relu(margin - d) ** 2, diff & upper)


def _triplet_all(sq, same, diff, margin):
    """Every valid triplet (a, p, n): mean of max(0, d(a,p) - d(a,n) + margin)."""
    loss = sq[:, :, None] - sq[:, None, :] + margin  # (a, p, n)
    valid = same[:, :, None] & diff[:, None, :]
    return _mean(torch.relu(loss), valid)


def _triplet_hard(sq, same, diff, margin):
    """Per anchor: its farthest positive against its nearest negative (batch hard)."""
    inf = torch.finfo(sq.dtype).max
    hardest_pos = torch.where(same, sq, torch.zeros_like(sq)).amax(1)
    hardest_neg = torch.where(diff, sq, torch.full_like(sq, inf)).amin(1)
    anchors = same.any(1) & diff.any(1)
    return _mean(torch.relu(hardest_pos - torch.where(anchors, hardest_neg, hardest_pos) + margin), anchors)


def _triplet_semi_hard(sq, same, diff, margin):
    """Per positive pair (a, p): the nearest negative farther from a than p (semi-hard, FaceNet);
    when no negative is farther, the farthest negative (as TensorFlow's triplet_semihard_loss)."""
    inf = torch.finfo(sq.dtype).max
    d_an = sq[:, None, :]  # (a, 1, n)
    d_ap = sq[:, :, None]  # (a, p, 1)
    outside = diff[:, None, :] & (d_an > d_ap)  # (a, p, n) negatives beyond the positive
    nearest_outside = torch.where(outside, d_an, torch.full_like(outside, inf, dtype=sq.dtype)).amin(2)
    farthest = torch.where(diff, sq, torch.full_like(sq, -inf)).amax(1)  # (a,)
    chosen = torch.where(outside.any(2), nearest_outside, farthest[:, None].expand_as(sq))
    pairs = same & diff.any(1, keepdim=True)
    return _mean(torch.relu(sq - torch.where(pairs, chosen, sq) + margin), pairs)


#: how the triplets of a batch can be chosen (``triplet``'s ``mining``)
MINING = ("all", "hard", "semi-hard")


def triplet(out: torch.Tensor, y: torch.Tensor, margin: float = 1.0, mining: str = "all") -> torch.Tensor:
    """The triplet loss max(0, ||f(a) - f(p)||^2 - ||f(a) - f(n)||^2 + margin) (squared distances, as
    FaceNet and the course notes write it), averaged over the triplets ``mining`` chooses."""
    sq = pairwise_sq(out)
    same, diff = _masks(y)
    choose = {"all": _triplet_all, "hard": _triplet_hard, "semi-hard": _triplet_semi_hard}[mining]
    return choose(sq, same, diff, margin)
