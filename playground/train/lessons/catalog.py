"""The shipped lessons (``resources/lessons/*.md``), grouped as the course is, and the project each opens.

``GROUPS`` is the course's order; ``list_lessons`` reads every file (a broken one raises with its
name and the fix); ``lesson_project`` builds the project a lesson starts from: its preset or inline
project, with the lesson's dataset and training overrides applied.
"""

from __future__ import annotations

import copy
from pathlib import Path

from playground.core.errors import PlaygroundError
from playground.core.resources import resource_path
from playground.graph.layout import apply_layout
from playground.graph.model import Graph
from playground.graph.project import Project, load_project, project_from_data
from playground.train.lessons.lesson_format import Lesson, parse_lesson

#: (key, title) in the course's order
GROUPS = (
    ("foundations", "Foundations"),
    ("training", "Training"),
    ("regularization", "Regularization"),
    ("cnns", "Convolutional networks"),
    ("architectures", "Architectures"),
    ("beyond", "Beyond classification"),
    ("practice", "Practice"),
)
GROUP_KEYS = tuple(key for key, _ in GROUPS)
#: epochs a lesson's project runs for unless it says otherwise (Play runs until paused)
LESSON_EPOCHS = 1000


def lessons_dir() -> Path:
    return resource_path("lessons")


def lesson_names() -> list[str]:
    folder = lessons_dir()
    return sorted(p.stem for p in folder.glob("*.md")) if folder.is_dir() else []


def load_lesson(name: str) -> Lesson:
    path = lessons_dir() / f"{name}.md"
    if not path.is_file():
        raise PlaygroundError(f"there is no lesson named '{name}'", fix=f"lessons are: {', '.join(lesson_names())}")
    lesson = parse_lesson(path.read_text(encoding="utf-8"), name)
    if lesson.group not in GROUP_KEYS:
        raise PlaygroundError(f"lesson '{name}': group '{lesson.group}' is not a course group",
                              fix=f"use one of: {', '.join(GROUP_KEYS)}")
    return lesson


def list_lessons() -> list[Lesson]:
    """Every lesson, in course order (group, then file name); a broken file raises, naming it."""
    lessons = [load_lesson(n) for n in lesson_names()]
    return sorted(lessons, key=lambda l: (GROUP_KEYS.index(l.group), l.name))


def readable_lessons() -> tuple[list[Lesson], list[str]]:
    """The lessons that read cleanly, in course order, and one message per file that does not
    (the browser lists the good ones and says what is wrong with the rest)."""
    lessons, problems = [], []
    for name in lesson_names():
        try:
            lessons.append(load_lesson(name))
        except PlaygroundError as exc:
            problems.append(str(exc))
    return sorted(lessons, key=lambda l: (GROUP_KEYS.index(l.group), l.name)), problems


def _chain(name: str, layers: list) -> Graph:
    graph = Graph()
    previous = None
    for item in layers:
        kind, params = (item[0], item[1] if len(item) > 1 else {})
        node = graph.add_node(kind, params=params)
        if previous is not None:
            graph.connect(previous.id, node.id)
        previous = node
    apply_layout(graph)
    return graph


def lesson_project(lesson: Lesson) -> Project:
    """A fresh project for ``lesson`` (never shared: each call builds a new one)."""
    if lesson.inline is not None:
        data = copy.deepcopy(lesson.inline)
        if "chain" in data:
            project = Project(graph=_chain(lesson.name, data["chain"]), name=lesson.title,
                              dataset=data.get("dataset") or {"name": "spiral", "params": {}},
                              training=dict(data.get("training") or {}))
        else:
            project = project_from_data(data, f"lesson '{lesson.name}'")
    else:
        project = load_project(lesson.project)
    project.name = lesson.title
    project.path = None
    if lesson.dataset:
        ds = lesson.dataset
        project.dataset = {"name": ds, "params": {}} if isinstance(ds, str) else {"params": {}, **ds}
    if lesson.training:
        project.training = {**project.training, **lesson.training}
    # a lesson's "train N" is the Step button: a run must not end at a preset's few epochs first
    project.training.setdefault("epochs", LESSON_EPOCHS)
    return project
