"""The window's side of the lesson actions ``import layers ...`` and ``forget imported layers``.

``import layers transfer_source|transfer_source_digits conv1,conv2 frozen`` trains the source
preset once (``train.lessons.sources``) in a worker thread, the status bar saying how far it got,
then imports the named layers through the same undoable step as File > Import Trained Layers
(``import_ops.apply_import``). The handler returns the signal the lesson's step waits for before
its next action (``lessons_steps.perform``), or None when the source was trained already.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from playground.core.errors import PlaygroundError
from playground.ui.common.background import Task


class SourceTraining(QObject):
    """Trains a source preset off the GUI thread; ``said`` carries its progress lines, ``done`` fires
    after the import (in the GUI thread)."""

    said = Signal(str)
    done = Signal()

    def __init__(self, window, name: str, imported):
        super().__init__(window)
        self.window, self.name, self.imported = window, name, imported
        self.said.connect(lambda text: window.statusBar().showMessage(text[:1].upper() + text[1:], 20000))
        self.task = Task(self._train, self)
        self.task.finished.connect(self._finished)
        self.task.failed.connect(self._failed)

    def _train(self):
        from playground.train.lessons.sources import trained_source

        return trained_source(self.name, progress=self.said.emit)

    def _finished(self, state) -> None:
        from PySide6.QtWidgets import QMessageBox

        RUNNING.remove(self)
        try:
            self.imported(state)
        except PlaygroundError as exc:
            QMessageBox.warning(self.window, "Cannot import the source's layers", str(exc))
            return
        self.done.emit()

    def _failed(self, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        RUNNING.remove(self)
        QMessageBox.warning(self.window, "Cannot train the source network", text)


RUNNING: list[SourceTraining] = []  # kept alive until they finish


def import_layers_action(window, action):
    """Perform ``import layers``: now when the source is trained, else after training it (returns
    the ``done`` signal to wait for)."""
    from playground.train.lessons.sources import is_trained, source_preset, trained_source
    from playground.ui.transfer.import_ops import apply_import

    name = source_preset(action.target.split("|"))
    layers, frozen = list(action.value["layers"]), action.value["frozen"]

    def imported(state) -> None:
        refused = apply_import(window, state, layers, frozen, f"{name} (trained here)")
        if refused:
            raise PlaygroundError("; ".join(refused), fix="import only layers with the same shapes")

    if is_trained(name):
        imported(trained_source(name))
        return None
    job = SourceTraining(window, name, imported)
    RUNNING.append(job)
    job.said.emit(f"training the source network '{name}' first…")
    job.task.start()
    return job.done


def forget_imported_action(window, action) -> None:
    from playground.ui.transfer.import_ops import forget_imported

    forget_imported(window)
