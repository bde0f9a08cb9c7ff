"""The regression task's record: numbers per example, squared/absolute-error losses, MSE/MAE/R^2.

Owns the regression parts (output check, metrics, summary) and ``SPEC``; the maths lives in
``playground/train/metrics.py``.
"""

from __future__ import annotations

import numpy as np
import torch

from playground.data.targets import target_form
from playground.train import metrics
from playground.train.evaluation import Evaluation
from playground.train.history import SplitMetrics
from playground.train.tasks.registry import TaskSpec, shape_text


def _check(spec, num_classes: int, out_shape: tuple, target_shape: tuple, dataset: str) -> list[str]:
    want = target_shape if target_shape else (1,)
    if out_shape != want:
        return [f"the network gives {shape_text(out_shape)} per example but {dataset} has "
                f"{shape_text(want)} per target; make the last layer give {shape_text(want)}"]
    return []


def _numbers(out: torch.Tensor, y: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    n = len(out)
    return y.reshape(n, -1).double().cpu().numpy(), out.reshape(n, -1).double().cpu().numpy()  # (N, k) each


def _split_metrics(objective, out: torch.Tensor, y: torch.Tensor, loss: float) -> SplitMetrics:
    true, pred = _numbers(out, y)
    return SplitMetrics(loss, mse=metrics.mse(true, pred), r2=metrics.r2_score(true, pred))


def _evaluate(objective, out: torch.Tensor, y: torch.Tensor, class_names: tuple, loss: float) -> Evaluation:
    true, pred = _numbers(out, y)
    return Evaluation(objective.task, loss, len(out), mse=metrics.mse(true, pred),
                      mae=float(np.mean(np.abs(true - pred))), r2=metrics.r2_score(true, pred), predictions=pred)


def _summary(ev: Evaluation) -> str:
    return f"test: MSE {ev.mse:.4f}, R^2 {ev.r2:.4f}, loss {ev.loss:.4f} on {ev.count} examples"


SPEC = TaskSpec(
    one_prediction_losses=True,
    name="regression", title="Regression", targets=target_form("regression"),
    losses=("mse", "mae", "huber"), default_loss=lambda outputs: "mse", check_output=_check,
    predict=lambda out, threshold: out, split_metrics=_split_metrics, evaluate=_evaluate,
    test_keys=("loss", "mse", "mae", "r2"), summary=_summary, classifies=False,
)
