"""Hyperparameter search: many training runs of one project with different settings.

``space``: what can be varied and how points are drawn (grid, random, narrowing, k-fold splits);
``vector``: many small networks trained in one fused-kernel call; ``runner``: a whole sweep, one
result row per configuration. Knows nothing about Qt (the dialog lives in ``ui/training``).
"""

from playground.train.sweep.runner import Sweep, SweepRow, run_sweep
from playground.train.sweep.space import Param, grid, kfold, narrow, parse_param, random_points

__all__ = ["Param", "Sweep", "SweepRow", "grid", "kfold", "narrow", "parse_param", "random_points", "run_sweep"]
