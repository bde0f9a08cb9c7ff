"""Inside panels that only a project of one task can use show as tabs for that task alone.

Owns ``TASK_PANELS`` (panel key -> the task it shows) and ``TaskTabs``. After every workspace
arrangement, and whenever the project or its dataset changes, the tabs of those panels are hidden
when the project's task is another one (a student looking inside a 2-D classifier met an
Embedding and an Autoencoder tab that could only say which data they need); the Look Inside menu
and their shortcuts still open them anywhere. In the Look Inside workspace they come back when a
project of their task is open. The task comes from the dataset registry, read once the
background imports are done (it imports torch); until then nothing is hidden.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer

from playground.ui.common import preload
from playground.ui.window.workspaces import unelide_tabs

#: panel key -> the task whose projects it shows
TASK_PANELS = {"embedding": "embedding", "autoencoder": "reconstruction"}
INSIDE = "inside"  # the workspace the panels are tabs of


def project_task(project) -> str | None:
    """The task of the project's dataset (None: not known yet, or no dataset)."""
    name = (project.dataset or {}).get("name") if project is not None else None
    if not name or not preload.ready():
        return None
    from playground.data.registry import get

    try:
        return get(name).task
    except Exception:  # noqa: BLE001 - an unknown dataset: the Problems panel says so
        return None


class TaskTabs:
    """Keeps the task panels' tabs in step with the open project's task."""

    def __init__(self, window):
        self.window = window
        self._task: str | None = None
        window.doc.project_replaced.connect(self.task_changed)
        window.doc.dataset_changed.connect(self.task_changed)
        window.workspaces.after_arrange.append(self.arrange)
        preload.when_ready(self.task_changed, window)

    def arrange(self) -> None:
        """After a workspace switch or reset: off-task tabs hidden, on-task ones shown inside."""
        task = project_task(self.window.doc.project)
        if task is None:
            return
        inside = self.window.workspaces.current == INSIDE
        for key, wanted in TASK_PANELS.items():
            dock = self.window.docks[key]
            if dock.isFloating():
                continue  # the person took it out: theirs
            if task != wanted:
                dock.hide()
            elif inside:
                dock.show()
        unelide_tabs(self.window)  # Qt rebuilds the tab bars after the event loop's next turn; the
        QTimer.singleShot(0, lambda: unelide_tabs(self.window))  # bar that still names a hidden dock goes
    def task_changed(self) -> None:
        task = project_task(self.window.doc.project)
        if task is not None and task != self._task:
            self._task = task
            self.arrange()
