"""The app's side of taking a model away: which weights an export writes, Save Trained Weights, and
restoring a saved run or an exported .pt.

``TakeawayOps`` belongs to the ``FileController``. Weights are read in the training thread
(``TrainingSession.submit``), so an export never races the optimizer; the file work then runs in a
``Task`` thread. A run counts when the session's trainer was built from the network as it is now and
has trained (or holds weights opened from a .pt). File > Save Trained Weights writes
``NAME.pgproj.pt`` beside the project (``train/checkpoint.py``); opening a project with one offers to
restore it, and the restored run continues exactly as the saved one would have.
"""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from playground.core.errors import PlaygroundError
from playground.ui.training.background import Task

_ids = itertools.count(1)


class TakeawayOps(QObject):
    def __init__(self, files):
        super().__init__(files)
        self.files = files
        self.window = files.window
        self.tasks: list[Task] = []

    # ---- the current run -------------------------------------------------------------------------

    @property
    def session(self):
        training = getattr(self.window, "training", None)
        return getattr(training, "session", None)

    def trained_trainer(self):
        """The session's trainer when it holds weights worth taking (trained, or opened from a .pt) for
        the network as it is now; else None."""
        s = self.session
        trainer = getattr(s, "trainer", None)
        if trainer is None or s._built_from != s._signature():
            return None
        return trainer if trainer.step_count > 0 or getattr(trainer, "loaded_note", None) else None

    def in_training_thread(self, fn: Callable[[Any], Any], done: Callable[[Any], None]) -> None:
        """Run ``fn(trainer)`` in the training thread; ``done(result or exception)`` in the GUI thread."""
        owner = f"takeaway-{next(_ids)}"
        s = self.session

        def heard(who, result):
            if who == owner:
                s.job_done.disconnect(heard)
                done(result)

        s.job_done.connect(heard)
        s.submit(owner, fn)

    def weights_source(self, snapshot, seed: int) -> Callable[[], Any]:
        """Called in the GUI thread; returns a function for the export's worker thread that gives the
        ``TakeAway``: the run's (fetched from the training thread now) or initial weights + the data's
        preprocessing."""
        trainer = self.trained_trainer()
        if trainer is None:
            def initial():
                from playground.train.takeaway import takeaway_for

                return takeaway_for(snapshot, seed)
            return initial
        got: dict = {}
        ready = threading.Event()

        def take(trainer):
            from playground.train.takeaway import takeaway_of

            return takeaway_of(trainer)

        def done(result):
            got["result"] = result
            ready.set()

        self.in_training_thread(take, done)

        def wait():
            if not ready.wait(120):
                raise PlaygroundError("the training thread did not hand over the weights in time",
                                      fix="pause or stop training, then export again")
            if isinstance(got["result"], BaseException):
                raise got["result"]
            return got["result"]
        return wait

    # ---- Save Trained Weights --------------------------------------------------------------------

    def save_trained_weights(self) -> bool:
        """Write the run beside the project as NAME.pgproj.pt (saving the project first if it has no file)."""
        from playground.train.checkpoint import checkpoint_path

        if self.trained_trainer() is None:
            QMessageBox.information(self.window, "Nothing trained yet",
                                    "Train the network first (Play or Step); then its weights can be saved.")
            return False
        if self.window.doc.project.path is None and not self.files.save_as():
            return False
        path = checkpoint_path(self.window.doc.project.path)
        p = self.window.doc.project
        from playground.graph.project import Project

        snapshot = Project(p.graph.copy(), p.name, p.description, dict(p.dataset), dict(p.training))

        def take(trainer):
            from playground.train.checkpoint import checkpoint_bytes
            from playground.train.takeaway import note_of

            return checkpoint_bytes(trainer, snapshot), str(note_of(trainer))

        def done(result):
            if isinstance(result, BaseException):
                QMessageBox.critical(self.window, "Cannot save the trained weights", str(result))
                return
            data, note = result
            self._write(path, data, f"Saved {note} to {path.name}")

        self.files.status.emit(f"Saving the trained weights to {path.name}…")
        self.in_training_thread(take, done)
        return True

    def _write(self, path: Path, data: bytes, message: str) -> None:
        from playground.core.files import atomic_write_bytes

        task = Task(lambda: atomic_write_bytes(path, data), self)
        task.finished.connect(lambda _out: self._finished(task, message))
        task.failed.connect(lambda text: self._failed(task, "Cannot save the trained weights", text))
        self.tasks.append(task)
        task.start()

    def _finished(self, task: Task, message: str) -> None:
        self.tasks.remove(task)
        self.files.status.emit(message)
        self.files.weights_saved.emit(message)

    def _failed(self, task: Task, title: str, text: str) -> None:
        self.tasks.remove(task)
        self.files.status.emit(title)
        QMessageBox.critical(self.window, title, text)

    # ---- restoring ---------------------------------------------------------------------------------

    def offer_restore(self, project_path: Path) -> bool:
        """After opening a project: if a checkpoint lies beside it, offer to continue that run."""
        from playground.train.checkpoint import checkpoint_path

        path = checkpoint_path(project_path)
        if not path.exists():
            return False
        Button = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window, "Restore the trained weights?",
            f"Trained weights were saved beside this project ({path.name}). Restore them and continue that run?",
            Button.Yes | Button.No, Button.Yes)
        if answer != Button.Yes:
            return False
        self.restore(path)
        return True

    def restore(self, path: Path) -> None:
        def load(trainer):
            from playground.train.checkpoint import load_checkpoint
            from playground.train.takeaway import note_of

            load_checkpoint(trainer, path)
            return str(note_of(trainer))

        self._load_into_run(load, f"Restored the run from {Path(path).name}")

    def open_weights(self, path: str | Path) -> bool:
        """Open an exported .pt: its network becomes the (unsaved) project, its weights the current run's."""
        from playground.nn.export import load_pt_takeaway

        try:
            project, takeaway = load_pt_takeaway(path)
        except PlaygroundError as exc:
            QMessageBox.critical(self.window, "Cannot open model file", str(exc))
            return False
        if not self.files.confirm_discard():
            return False
        self.window.set_project(project, dirty=True)
        state, note = takeaway.state_dict, takeaway.note

        def load(trainer):
            with trainer._lock:
                trainer.model.load_state_dict(state)
                trainer._initial = trainer._state_copy()  # rewind comes back to the opened weights
            trainer.loaded_note = note
            return str(note) if note.trained else "the saved weights"

        self._load_into_run(load, f"Opened {Path(path).name}")
        return True

    def _load_into_run(self, load: Callable, message: str) -> None:
        def done(result):
            if isinstance(result, BaseException):
                QMessageBox.critical(self.window, "Cannot restore the weights", str(result))
                return
            self.files.status.emit(f"{message}: {result}")
            self.files.weights_restored.emit(str(result))

        self.in_training_thread(load, done)
