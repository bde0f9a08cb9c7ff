"""The Qt side of the task records (``playground.train.tasks``): how each task's examples, targets
and predictions are drawn. ``thumbnails`` resolves a record's ``"module:attribute"`` UI hooks and
draws one example per task.
"""
