"""Tasks as records (classification, regression, segmentation, ...): see ``registry.py``."""

from playground.train.tasks.registry import TaskSpec, get_task, shape_text, tasks

__all__ = ["TaskSpec", "get_task", "shape_text", "tasks"]
