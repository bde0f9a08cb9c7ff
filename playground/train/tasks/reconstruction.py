"""The reconstruction task's record (autoencoders): the network outputs its own input.

Owns the reconstruction parts and ``SPEC``: the output check (the output per example must have the
input's shape, said in words with both shapes and a fix), ``reconstruct`` (outputs -> pixels:
the sigmoid of the scores under binary cross-entropy, the outputs themselves under MSE / MAE /
Huber), the metrics on pixels in 0..1 (MSE, MAE and R^2: the share of the pixels' variance the
reconstructions explain) and the CLI summary. The targets come from the data
(``TargetForm.from_inputs``: a batch's targets are its inputs); the latent-space view lives in
``playground/train/autoencoder.py`` and ``playground/ui/generative``.
"""

from __future__ import annotations

import numpy as np
import torch

from playground.data.targets import target_form
from playground.train import metrics
from playground.train.evaluation import Evaluation
from playground.train.history import SplitMetrics
from playground.train.tasks.registry import TaskSpec, shape_text

LOSSES = ("mse", "bce", "mae", "huber")


def reconstruct(out: torch.Tensor, threshold: float) -> torch.Tensor:
    """Outputs -> reconstructed pixels: scores through a sigmoid for BCE (threshold 0.0, a logit
    loss), else the outputs as they are (end the network with a Sigmoid to keep them in 0..1)."""
    return torch.sigmoid(out) if threshold == 0.0 else out


def _check(spec, num_classes: int, out_shape: tuple, target_shape: tuple, dataset: str) -> list[str]:
    if tuple(out_shape) != tuple(target_shape):
        size = int(np.prod(target_shape)) if target_shape else 0
        return [f"an autoencoder must give back a picture of its input's shape: the network gives "
                f"{shape_text(out_shape)} per example but the pictures of {dataset} are {shape_text(target_shape)}; "
                f"end the decoder with a Linear layer of {size} units and a Reshape to "
                f"{', '.join(str(s) for s in target_shape)}, or a convolution with {target_shape[0] if target_shape else 1} "
                f"filter(s) at full size"]
    return []


def _pixels(objective, out: torch.Tensor, y: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """(true, reconstructed) pixels, (N, C*H*W) float64 each."""
    n = len(out)
    pred = objective.predict(out)
    return y.reshape(n, -1).double().cpu().numpy(), pred.reshape(n, -1).double().cpu().numpy()


def _split_metrics(objective, out: torch.Tensor, y: torch.Tensor, loss: float) -> SplitMetrics:
    true, pred = _pixels(objective, out, y)
    return SplitMetrics(loss, mse=metrics.mse(true, pred), r2=metrics.r2_score(true.ravel(), pred.ravel()))


def _evaluate(objective, out: torch.Tensor, y: torch.Tensor, class_names: tuple, loss: float) -> Evaluation:
    true, pred = _pixels(objective, out, y)
    return Evaluation(objective.task, loss, len(out), mse=metrics.mse(true, pred),
                      mae=float(np.mean(np.abs(true - pred))), r2=metrics.r2_score(true.ravel(), pred.ravel()),
                      predictions=pred)


def _summary(ev: Evaluation) -> str:
    return (f"test: reconstruction MSE {ev.mse:.4f} (pixels in 0..1), MAE {ev.mae:.4f}, R^2 {ev.r2:.4f}, "
            f"loss {ev.loss:.4f} on {ev.count} images")


SPEC = TaskSpec(
    name="reconstruction", title="Reconstruction (autoencoder)", targets=target_form("reconstruction"),
    losses=LOSSES, default_loss=lambda outputs: "mse", check_output=_check, predict=reconstruct,
    split_metrics=_split_metrics, evaluate=_evaluate, test_keys=("loss", "mse", "mae", "r2"),
    summary=_summary, classifies=False,
)
