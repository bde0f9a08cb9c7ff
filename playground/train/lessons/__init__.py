"""Lessons: guided, runnable walks through the course (Qt-free).

``lesson_format`` reads a lesson file (front matter, Markdown text, steps with actions, a question
and its answer); ``actions`` is the table of step actions (``set``, ``replace``, ``open``,
``train``, ``reset``) and the headless ``LessonRun`` that performs them on a project with the
Trainer; ``catalog`` lists the shipped lessons grouped as the course is. The window's side of a
lesson lives in ``playground.ui.learn.lessons_*``.
"""

from playground.train.lessons.catalog import GROUPS, list_lessons, load_lesson, lesson_names
from playground.train.lessons.lesson_format import Lesson, Step, parse_lesson

__all__ = ["GROUPS", "Lesson", "Step", "list_lessons", "load_lesson", "lesson_names", "parse_lesson"]
