"""``LessonRun``: a lesson's steps performed headless on its project with the Trainer (no Qt).

Used by the tests (a scripted run reaches the state the lesson's text describes), by
``playground screenshot --lesson NAME --step K`` (the project at step K) and by anyone scripting a
lesson. ``train N`` continues the current run the way the window's Step button does: the same
Trainer while the network, data and fixed settings are unchanged, live settings (learning rate,
optimizer, ...) passed to it; anything else builds a new one. A GAN project (``train.gan``) trains
N rounds of its alternating loop instead (its ``GanTrainer``, rebuilt when the project changes).
"""

from __future__ import annotations

import json
from typing import Any

from playground.graph.project import Project, graph_to_dict
from playground.train.lessons.actions import Action, apply_to_project, parse_action
from playground.train.lessons.catalog import lesson_project
from playground.train.lessons.lesson_format import Lesson


class LessonRun:
    def __init__(self, lesson: Lesson | None, project: Project | None = None):
        self.lesson = lesson  # None: a plain project trained by the same rules (side by side)
        self.project = project or lesson_project(lesson)
        self.trainer = None
        self._built_from: str | None = None
        self.panels: list[str] = list(lesson.panels) if lesson is not None else []
        self.done = 0  # steps performed
        self.results: list = []  # the FitResult of every ``train N``, in order
        self.pair = None  # the last ``side by side N``'s PairRun
        self.sweep_rows: list = []  # the last ``sweep ...``'s rows (train.sweep.SweepRow)
        self.imported: dict | None = None  # layers of a trained source network (``import layers``)

    # ---- what a step does
    def do_step(self, index: int) -> None:
        for text in self.lesson.steps[index].actions:
            self.do(parse_action(text))
        self.done = max(self.done, index + 1)

    def run_to(self, step: int) -> None:
        """Perform steps 0 .. step-1 (the state a student has after ``step`` Do-it presses)."""
        for index in range(step):
            self.do_step(index)

    def do(self, action: Action) -> None:
        if action.verb == "open_panel":
            self.panels.append(action.target)
        elif action.verb == "train":
            self.train(int(action.value))
        elif action.verb == "sweep":
            self.sweep_rows = self.sweep(action)
        elif action.verb == "side_by_side":
            from playground.train.lessons.contrast import PairRun, parse_contrast

            self.pair = PairRun(lesson_project(self.lesson), parse_contrast(self.lesson.contrast))
            self.pair.train(int(action.value))
        elif action.verb in ("import_layers", "forget_imported"):
            self.imported = None
            if action.verb == "import_layers":
                from playground.nn.transfer import chosen_state
                from playground.train.lessons.sources import source_preset, trained_source

                apply_to_project(self.project, action)
                self.imported = chosen_state(trained_source(source_preset(action.target.split("|"))),
                                             list(action.value["layers"]))
            self.trainer = None  # a fresh run from the imported (or drawn) weights
        elif action.verb == "reset":
            seed = int(self.project.training.get("seed", 0)) + 1
            self.project.training = {**self.project.training, "seed": seed}
            self.trainer = None
        else:
            before = self.project.training
            apply_to_project(self.project, action)
            if action.verb == "set_training" and self.trainer is not None:
                from playground.train.config import LIVE

                live = {k: v for k, v in self.project.training.items() if k in LIVE and before.get(k) != v}
                if set(live) == {k for k in self.project.training if before.get(k) != self.project.training[k]}:
                    self.trainer.update_config(**live)
                    self._built_from = self._signature()

    # ---- training
    def _signature(self) -> str:
        graph = graph_to_dict(self.project.graph)
        for node in graph["nodes"]:
            node.pop("pos", None)
        return json.dumps([graph, self.project.dataset, self.project.training], sort_keys=True, default=str)

    def build(self):
        """The Trainer for the current project (a new one when anything it was built from changed)."""
        if self.trainer is None or self._built_from != self._signature():
            from playground.data import load_settings
            from playground.nn.build import build_module
            from playground.train import TrainConfig, Trainer

            config = TrainConfig.from_dict(self.project.training).replace(epochs=10**6)
            splits = load_settings(dict(self.project.dataset or {}), config.seed)  # as the app loads it
            model = build_module(self.project.graph, seed=config.seed)
            if self.imported:
                from playground.nn.transfer import import_layers, source_layers

                import_layers(self.imported, model, list(source_layers(self.imported)))
            self.trainer = Trainer(model, splits, config)
            self._built_from = self._signature()
        return self.trainer

    def train(self, steps: int) -> Any:
        from playground.train import LambdaCallback
        from playground.train.gan.pair import is_gan

        if is_gan(self.project.graph):  # a generator and a discriminator: N rounds of the GAN loop
            return self._train_gan(steps)
        trainer = self.build()
        target = trainer.step_count + steps

        def stop_at(t, info):
            if info.step >= target:
                t.stop()

        callback = LambdaCallback(on_batch_end=stop_at)
        trainer.callbacks.append(callback)
        try:
            result = trainer.fit()
            self.results.append(result)
            return result
        finally:
            trainer.callbacks.remove(callback)

    def sweep(self, action: Action) -> list:
        """Run the action's search on the current project (as the Sweep dialog does)."""
        from playground.data import load_settings
        from playground.train import TrainConfig
        from playground.train.lessons.actions import sweep_points
        from playground.train.sweep import run_sweep

        _params, points = sweep_points(action)
        config = TrainConfig.from_dict(self.project.training)
        splits = load_settings(dict(self.project.dataset or {}), config.seed)
        return run_sweep(self.project.graph.copy(), config, splits, points)

    def _train_gan(self, rounds: int) -> Any:
        from playground.train.gan.trainer import GanSettings, GanTrainer

        if self.trainer is None or self._built_from != self._signature():
            settings = GanSettings.from_training(self.project.training)
            self.trainer = GanTrainer(self.project.graph, dict(self.project.dataset or {}), settings)
            self._built_from = self._signature()
        self.trainer.fit(rounds)
        result = self.trainer.result()
        self.results.append(result)
        return result

    # ---- what the text talks about
    def accuracy(self, split: str = "train") -> float:
        return float(self.build().evaluate(split).accuracy)

    def gradient_norms(self) -> dict[str, float]:
        """Each layer's gradient norm of the training loss now (Training Health's resting measure)."""
        from playground.train.health_view import resting_health

        return {layer.name: layer.grad_norm for layer in resting_health(self.build()).layers}
