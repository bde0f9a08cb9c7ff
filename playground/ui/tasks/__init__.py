"""Task views: the Evaluation panel's extra page for a task, one module per task.

A task record (``playground/train/tasks``) names its page in ``ui_evaluation`` as
``"playground.ui.tasks.<module>:<Class>"``; the Evaluation panel resolves it
(``playground.ui.task_views.resolve``), builds it once and shows it as a tab beside its standard
views. A page is a QWidget with a ``title`` (the tab's label), ``set_view(view, image)`` (an
``EvaluationView`` from the training thread and whether the inputs are images; GUI thread, cheap)
and an ``example_chosen(int)`` signal (an index of the evaluated split: the panel makes it the
shared input every panel looks at).
"""
