"""The open project as the app's model: the project, its undo stack and the latest checks.

Widgets listen to a ``Document`` (Qt signals) instead of the graph directly, so opening another
project only swaps what the document forwards. After every change the document re-runs shape
inference and validation (milliseconds) and emits ``analysis_changed``; inside ``batch()`` it
waits until the batch ends. Edits come in through ``execute`` (one command) or ``compound`` (a
function that makes several edits, recorded as one undo step). A refused edit emits ``refused``
with the graph's message and changes nothing. The dataset and training settings change through
``set_dataset`` / ``set_training``, which push ``settings_commands.SetSettings`` on the same undo
stack, so one Ctrl+Z takes back the last edit of any kind.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from playground.core.errors import PlaygroundError
from playground.graph.project import Project
from playground.graph.shapes import GraphShapes, infer
from playground.graph.snapshot import restore, take
from playground.graph.validate import Issue, validate
from playground.ui.project.commands import GraphCommand, GraphDiff
from playground.ui.project.settings_commands import SetSettings, changes_between, describe

FORWARDED = ("node_added", "node_removed", "node_changed", "edge_added", "edge_removed")


class Document(QObject):
    node_added = Signal(object)  # Node
    node_removed = Signal(object)  # Node
    node_changed = Signal(object, str)  # Node, "name" | "params" | "pos"
    edge_added = Signal(object)  # Edge
    edge_removed = Signal(object)  # Edge
    analysis_changed = Signal()
    project_replaced = Signal()
    dirty_changed = Signal(bool)
    refused = Signal(str)  # an edit the graph refused: its message
    dataset_changed = Signal()  # the project's dataset settings (name, params, split, augment) changed
    training_changed = Signal(object)  # the project's training settings changed: a tuple of the keys

    def __init__(self, project: Project | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(lambda _clean: self.dirty_changed.emit(self.dirty))
        self._project: Project | None = None
        self._links: list = []  # (graph event, our slot) pairs, to let go of the old graph
        self._batch = 0
        self._pending = False
        self._unsaved = False  # dirty although the undo stack is clean (a restored autosave)
        self.shapes = GraphShapes()
        self.issues: list[Issue] = []
        self.checks: list[Callable] = []  # more checks on the whole project: check(project, shapes) -> issues
        self.set_project(project or Project())

    # ---- the project ---------------------------------------------------------------------------

    @property
    def project(self) -> Project:
        return self._project

    @property
    def graph(self):
        return self._project.graph

    def set_project(self, project: Project, dirty: bool = False) -> None:
        self.release()
        self._project = project
        events = project.graph.events
        self._links = [(getattr(events, name), getattr(self, name).emit) for name in FORWARDED]
        self._links.append((events.changed, self._on_changed))
        for signal, slot in self._links:
            signal.connect(slot)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self._unsaved = dirty
        self.reanalyze()
        self.project_replaced.emit()
        self.dirty_changed.emit(self.dirty)

    def release(self) -> None:
        """Stop listening to the graph (the window is closing; the project may live on)."""
        for signal, slot in self._links:
            signal.disconnect(slot)
        self._links = []

    @property
    def dirty(self) -> bool:
        return self._unsaved or not self.undo_stack.isClean()

    def mark_dirty(self) -> None:
        """The project changed without an undo step (Reset's new seed, a restored autosave): the
        file on disk is out of date."""
        self._unsaved = True
        self.dirty_changed.emit(True)

    def set_dataset(self, dataset: dict, text: str | None = None, title: str | None = None) -> None:
        """Store new dataset settings (a plain dict: name, params, split, augment, path, ...) as one
        undo step; ``title`` names the new dataset in the step's text ("Change dataset to MNIST")."""
        self._set_settings("dataset", dataset, text, title)

    def set_training(self, training: dict, text: str | None = None, undoable: bool = True) -> None:
        """Store new training settings (``TrainConfig.to_dict()``) as one undo step, or, with
        ``undoable=False`` (Reset's new seed), without one (the file is still marked changed)."""
        if not undoable:
            changes = changes_between(dict(self._project.training or {}), dict(training))
            if changes:
                self.settings_replaced("training", dict(training), tuple(changes))
                self.mark_dirty()
            return
        self._set_settings("training", training, text, None)

    def _set_settings(self, part: str, values: dict, text: str | None, title: str | None) -> None:
        changes = changes_between(dict(getattr(self._project, part) or {}), dict(values))
        if not changes:
            return
        command = SetSettings(self, part, changes, text or describe(part, changes, title))
        self.settings_replaced(part, dict(values), tuple(changes))
        command.applied = True
        self.undo_stack.push(command)

    def settings_replaced(self, part: str, values: dict, keys: tuple) -> None:
        """Put ``values`` in as the project's ``part`` and tell the panels (commands call this)."""
        setattr(self._project, part, values)
        if part == "dataset":
            self.dataset_changed.emit()
        else:
            self.training_changed.emit(keys)

    def mark_saved(self) -> None:
        self._unsaved = False
        self.undo_stack.setClean()
        self.dirty_changed.emit(False)

    # ---- checks --------------------------------------------------------------------------------

    @contextmanager
    def batch(self):
        """Re-check once at the end instead of after every single change."""
        self._batch += 1
        try:
            yield
        finally:
            self._batch -= 1
            if not self._batch and self._pending:
                self.reanalyze()

    def _on_changed(self) -> None:
        if self._batch:
            self._pending = True
        else:
            self.reanalyze()

    def reanalyze(self) -> None:
        self._pending = False
        self.shapes = infer(self.graph)
        self.issues = validate(self.graph, self.shapes)
        for check in self.checks:  # e.g. the network/dataset/loss fit (ui/training/fit_issues.py)
            self.issues += check(self.project, self.shapes)
        self.analysis_changed.emit()

    def node_issues(self, node_id: str) -> list[Issue]:
        return [i for i in self.issues if i.node_id == node_id]

    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    # ---- edits ---------------------------------------------------------------------------------

    def execute(self, command: GraphCommand) -> bool:
        """Apply ``command``; on success push it (undoable), else emit ``refused`` and return False."""
        try:
            with self.batch():
                command.apply()
        except PlaygroundError as exc:
            self.refused.emit(str(exc))
            return False
        command.applied = True
        self.undo_stack.push(command)
        return True

    def compound(self, text: str, edit: Callable[[], Any]) -> Any:
        """Run ``edit`` (several graph edits) as one undo step; refused as a whole on a GraphError."""
        before = take(self.graph)
        try:
            with self.batch():
                result = edit()
        except PlaygroundError as exc:
            with self.batch():
                restore(self.graph, before)
            self.refused.emit(str(exc))
            return None
        after = take(self.graph)
        if after != before:
            command = GraphDiff(self, text, before, after)
            command.applied = True
            self.undo_stack.push(command)
        return result
