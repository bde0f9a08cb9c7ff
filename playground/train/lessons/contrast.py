"""Side by side: two runs of one project that differ in one setting, trained together (no Qt).

A teacher shows a contrast (sigmoid vs ReLU, with and without batch norm, a small vs a large
learning rate) by training both versions at once and showing them in two synchronized halves.
Owns:

- ``Contrast``: the two sides' labels and the lesson actions (``actions.py``'s language) that turn
  side A's project into side B's; ``parse_contrast`` reads it from one line
  (``"tanh | ReLU | replace layer tanh1 ReLU; replace layer tanh2 ReLU"``), as a lesson's
  ``contrast:`` front matter and the Side by Side dialog write it.
- ``contrast_projects``: the two projects (B is a checked copy of A with the actions applied; the
  seed, data and every other setting stay equal, so the one difference is the only difference).
- ``PairRun``: both trained in turns of a few steps each from one thread, so neither runs ahead
  (each turn is a ``Trainer.fit`` that stops after its steps, so the next turn starts a fresh
  shuffle of the training set: on both sides alike, from the same seed);
  ``snapshot(side)`` is what one half draws: the loss per step, the validation loss and accuracy
  per epoch, each layer's gradient norm now, and the decision surface when the data is 2-D points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.core.errors import PlaygroundError
from playground.graph.project import Project
from playground.train.lessons.actions import apply_to_project, check_action, parse_action
from playground.train.lessons.run import LessonRun

#: verbs that change what is trained (a contrast cannot train, reset or open panels)
CHANGING = ("set_training", "set_layer", "set_dataset_param", "set_augment", "replace_layer")


@dataclass(frozen=True)
class Contrast:
    label_a: str
    label_b: str
    actions_b: tuple[str, ...]  # applied to A's project to make B's

    def text(self) -> str:
        return f"{self.label_a} | {self.label_b} | {'; '.join(self.actions_b)}"


def parse_contrast(text: str) -> Contrast:
    """``"LABEL A | LABEL B | action; action"`` -> Contrast; PlaygroundError naming the fix."""
    parts = [p.strip() for p in str(text).split("|")]
    if len(parts) != 3 or not all(parts):
        raise PlaygroundError(f"side-by-side contrast '{text}' is not 'label A | label B | actions'",
                              fix="write e.g.: tanh | ReLU | replace layer tanh1 ReLU; replace layer tanh2 ReLU")
    actions = tuple(a.strip() for a in parts[2].split(";") if a.strip())
    for line in actions:
        if parse_action(line).verb not in CHANGING:
            raise PlaygroundError(f"side-by-side contrast: '{line}' does not change the project",
                                  fix="use set training.KEY V, set layer NAME.PARAM V, set dataset.PARAM V, "
                                      "set augment.KEY V or replace layer NAME KIND")
    return Contrast(parts[0], parts[1], actions)


def contrast_projects(project: Project, contrast: Contrast) -> tuple[Project, Project]:
    """Two independent copies: A as it is, B with the contrast's actions applied (checked first,
    so a bad action changes nothing and raises with the fix)."""
    a, b = project.copy(), project.copy()
    for line in contrast.actions_b:
        action = parse_action(line)
        check_action(b, action)
        apply_to_project(b, action)
    return a, b


class PairRun:
    """Sides A and B trained in turns of ``chunk`` steps from the calling thread."""

    def __init__(self, project: Project, contrast: Contrast, chunk: int = 10):
        self.contrast = contrast
        self.chunk = max(1, int(chunk))
        self.runs = tuple(LessonRun(None, p) for p in contrast_projects(project, contrast))

    @property
    def labels(self) -> tuple[str, str]:
        return self.contrast.label_a, self.contrast.label_b

    def build(self) -> None:
        for run in self.runs:
            run.build()

    def steps(self) -> int:
        return min(run.build().step_count for run in self.runs)

    def train(self, steps: int) -> None:
        """Both sides ``steps`` more batches, in turns of ``chunk`` (A then B), so they stay level."""
        left = int(steps)
        while left > 0:
            n = min(self.chunk, left)
            for run in self.runs:
                run.train(n)
            left -= n

    def snapshot(self, side: int, surface: bool = True) -> dict[str, Any]:
        """What half ``side`` (0 = A, 1 = B) shows now; plain numpy and numbers."""
        from playground.train.boundary import check_planar, decision_surface
        from playground.train.health_view import resting_health

        trainer = self.runs[side].build()
        history = trainer.history
        epochs = history.epochs
        val = [e.val for e in epochs]
        health = resting_health(trainer)
        snap = {
            "label": self.labels[side], "step": int(trainer.step_count), "epoch": int(trainer.epoch),
            "loss": history.step_losses(),
            "val_epoch_steps": np.array([e.step for e, v in zip(epochs, val) if v is not None], dtype=np.float64),
            "val_loss": np.array([v.loss for v in val if v is not None], dtype=np.float64),
            "val_accuracy": np.array([v.accuracy for v in val if v is not None and v.accuracy is not None],
                                     dtype=np.float64),
            "layers": [layer.name for layer in health.layers],
            "grad_norms": np.array([layer.grad_norm for layer in health.layers], dtype=np.float64),
            "surface": None,
        }
        if surface:
            try:
                check_planar(trainer)
            except Exception:  # not 2-D points data: the half shows curves and health only
                return snap
            snap["surface"] = decision_surface(trainer, resolution=60, point_limit=300)
        return snap


def suggested_contrasts(project: Project) -> list[Contrast]:
    """The contrasts a teacher reaches for, made to fit this project's layers and settings: every
    activation to ReLU / tanh / sigmoid, the learning rate x10 and /10, SGD vs Adam, He vs the
    default init, L2 on, batch size 1 (SGD) vs the project's."""
    graph, training = project.graph, dict(project.training or {})
    nodes = list(graph.nodes.values())
    acts = [n for n in nodes if n.spec.category == "Activation" and n.kind in ("ReLU", "Tanh", "Sigmoid")]
    out: list[Contrast] = []
    for kind in ("ReLU", "Tanh", "Sigmoid"):
        change = [f"replace layer {n.name} {kind}" for n in acts if n.kind != kind]
        if change and len(change) == len(acts):
            now = "/".join(sorted({n.kind for n in acts}))
            out.append(Contrast(now, kind, tuple(change)))
    lr = float(training.get("lr", 0.03))
    out += [Contrast(f"lr {lr:g}", f"lr {lr * 10:g}", (f"set training.lr {lr * 10:g}",)),
            Contrast(f"lr {lr:g}", f"lr {lr / 10:g}", (f"set training.lr {lr / 10:g}",))]
    optimizer = str(training.get("optimizer", "sgd"))
    other = "adam" if optimizer != "adam" else "sgd"
    out.append(Contrast(optimizer, other, (f"set training.optimizer {other}",)))
    weighted = [n for n in nodes if n.spec.param("weight_init") is not None and n.params.get("weight_init") != "he_normal"]
    if weighted:
        out.append(Contrast("init as set", "He init", tuple(f"set layer {n.name}.weight_init he_normal" for n in weighted)))
    if float(training.get("l2", 0.0)) == 0.0:
        out.append(Contrast("no L2", "L2 0.001", ("set training.l2 0.001",)))
    batch = int(training.get("batch_size", 32))
    if batch != 1:
        out.append(Contrast(f"batch {batch}", "batch 1 (SGD)", ("set training.batch_size 1",)))
    fitting = []
    for c in out:
        try:
            contrast_projects(project, c)
        except PlaygroundError:
            continue
        fitting.append(c)
    return fitting
