"""The example the inside-the-network panels look at: one shared choice for the whole window.

Owns ``InputChoice``: either an example of a split (``split``, ``index``) or an input the person
made (a drawing, a clicked point: ``custom``, a numpy array of one sample's input shape). The
activations, filters, receptive-field and evaluation panels all read it, so picking an example in
one shows it in all. ``fetch(trainer)`` turns the choice into tensors; it runs in the training
thread (inside a panel's job), never in the GUI thread.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

SPLITS = ("train", "val", "test")


class InputChoice(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.split = "val"
        self.index = 0
        self.custom: np.ndarray | None = None
        self.custom_label = ""

    def set_example(self, split: str, index: int) -> None:
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}")
        self.split, self.index, self.custom, self.custom_label = split, max(0, int(index)), None, ""
        self.changed.emit()

    def set_custom(self, x: np.ndarray, label: str = "your input") -> None:
        """An input of one sample's shape (no batch dimension) that is not in the dataset, in the
        dataset's stored units (image pixels in [0, 1], point coordinates as plotted); ``fetch``
        normalizes it the way the dataset's own samples are."""
        self.custom, self.custom_label = np.asarray(x, dtype=np.float32).copy(), label
        self.changed.emit()

    def forget(self, *args) -> None:
        """Another project: a drawn or clicked input belonged to the old one (its shape and meaning
        were the old dataset's); back to the first validation example."""
        if self.custom is not None or (self.split, self.index) != ("val", 0):
            self.set_example("val", 0)

    def describe(self) -> str:
        if self.custom is not None:
            return self.custom_label
        return f"{self.split} example {self.index}"

    def fetch(self, trainer):
        """(x, y): x is (1, *input shape) on the trainer's device; y is the label tensor or None for
        a custom input. Runs in the training thread. An index past the split's end wraps around."""
        import torch

        if self.custom is not None:
            x = torch.as_tensor(self.custom, dtype=torch.float32).reshape(1, *trainer.info.input_shape)
            x = (x - trainer.splits.mean) / trainer.splits.std
            return x.to(trainer.device), None
        feed = trainer.feeds[self.split] if len(trainer.feeds[self.split]) else trainer.train_feed
        return feed.sample([self.index % max(1, len(feed))])
