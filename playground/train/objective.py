"""What is being learned: the chosen loss fitted to one dataset's task and one model's output.

Owns ``Objective``, built once before training from the dataset info and the model's output
shape: it checks that loss, task and output fit (``TrainingError`` naming both sides otherwise),
converts labels to the loss's targets, computes the loss, and turns outputs into class
predictions and probabilities for the metrics. It does not own the loss table (``losses.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from playground.core.errors import TrainingError
from playground.train.losses import LossSpec, auto_loss, check_loss, get_loss
from playground.train.tasks import TaskSpec, get_task


@dataclass
class Objective:
    spec: LossSpec
    settings: dict
    task: str  # a name in the task table (playground/train/tasks): "classification", "segmentation", ...
    outputs: int  # k: size of the model's output (channels for segmentation)
    num_classes: int

    @property
    def kind(self) -> TaskSpec:
        """The task's record: its metrics, decoding and views."""
        return get_task(self.task)

    @classmethod
    def build(cls, loss: str, loss_params: dict, info, out_shape: tuple, last: str | None = None,
              train_targets: torch.Tensor | None = None) -> "Objective":
        """Check and build; ``info`` is the DatasetInfo, ``out_shape`` the model's output per sample,
        ``last`` the kind of its output layer (a Step's 0/1 output needs the perceptron rule),
        ``train_targets`` the training split's labels/targets, for a loss whose settings come from
        the data (``LossSpec.from_data``: the YOLO loss's anchors)."""
        out_shape = tuple(out_shape)
        outputs = out_shape[0] if out_shape else 1
        name = auto_loss(info.task, outputs, last) if loss == "auto" else loss
        problems = check_loss(name, info.task, info.num_classes, out_shape or (1,), tuple(info.target_shape),
                              dataset=f"dataset '{info.name}'", last=last)
        if problems:
            raise TrainingError(problems[0], where=f"loss '{name}'",
                                fix=None)
        spec = get_loss(name)
        settings = spec.resolve(loss_params if loss != "auto" else {})
        if spec.from_data is not None:
            if train_targets is None or len(train_targets) == 0:
                raise TrainingError(f"{spec.title} learns its settings from the training targets, and there are none",
                                    where=f"loss '{name}'", fix="use more samples or a larger training fraction")
            settings.update(spec.from_data(train_targets, info.num_classes, out_shape))
        return cls(spec, settings, info.task, outputs, info.num_classes)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def classifies(self) -> bool:
        return self.kind.classifies

    def target(self, y: torch.Tensor) -> torch.Tensor:
        """Labels or targets as the dataset stores them -> what the loss function compares outputs with."""
        return self.spec.target(y, self.outputs, self.task)

    def loss(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if out.dim() == 1:  # a model that squeezed its single output: (B,) -> (B, 1)
            out = out.unsqueeze(1)
        return self.spec.fn(out, target, **self.settings)

    def predict(self, out: torch.Tensor) -> torch.Tensor:
        """The task's decoding: class labels (B,) or (B, H, W), the outputs themselves for regression,
        boxes per image for detection (the settings it names in ``predict_settings``, e.g. anchors)."""
        kind = self.kind
        return kind.predict(out, self.spec.threshold, **{k: self.settings[k] for k in kind.predict_settings})

    def probabilities(self, out: torch.Tensor) -> torch.Tensor:
        """Class probabilities (B, C) (classes along dim 1), for ROC curves and confidence."""
        if out.dim() == 1:
            out = out.unsqueeze(1)
        if out.shape[1] > 1:
            return torch.softmax(out.float(), dim=1)
        p1 = torch.sigmoid(out.float()) if self.spec.threshold == 0.0 else out.float().clamp(0, 1)
        return torch.cat([1 - p1, p1], dim=1)
