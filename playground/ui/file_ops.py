"""File menu work: new, presets, open, save, recent files, export, and the crash autosave.

Exports write the current run's trained weights when there is one (``takeaway_ops``: File > Save
Trained Weights, restoring a run saved beside a project, opening an exported .pt).

Unsaved work is never dropped silently: replacing or closing a changed project asks first
(``confirm_discard``), and every ``AUTOSAVE_MS`` a changed project is written atomically to the
autosave file of this instance (ui/autosave.py: one file and lock per running instance), which a
clean exit deletes; at the next start the app offers back only files whose instance is no longer
running, so a second window never touches the first one's work. A file that cannot be opened shows the reason in a dialog and the current project stays.
Dialogs are the static QFileDialog / QMessageBox functions, so tests can replace them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from playground.core.errors import PlaygroundError
from playground.graph.project import SUFFIX, Project, load_project, save_project
from playground.graph.shapes import infer
from playground.graph.validate import validate
from playground.ui import config, preload
from playground.ui.autosave import Autosave
from playground.ui.guard import SlotErrors, explain
from playground.ui.training.background import Task

AUTOSAVE_MS = 60_000
PROJECT_FILTER = f"Playground projects (*{SUFFIX} *.json);;Exported models (*.pt);;All files (*)"
#: export format -> (dialog title, file filter, suffix); the formats of playground.nn.export
EXPORTS = {
    "py": ("Export PyTorch source", "Python source (*.py)", ".py"),
    "pt": ("Export weights and network", "PyTorch file (*.pt)", ".pt"),
    "onnx": ("Export ONNX", "ONNX model (*.onnx)", ".onnx"),
    "json": ("Export a project copy", f"Playground project (*{SUFFIX})", SUFFIX),
    "script": ("Export a training script", "Python script (*.py)", ".py"),
}


class FileController(QObject):
    status = Signal(str)  # a short message for the status bar
    exported = Signal(str)  # path of a finished export
    weights_saved = Signal(str)  # Save Trained Weights finished: what was written
    weights_restored = Signal(str)  # a saved run or an opened .pt is now the current run: which weights

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.doc = window.doc
        self.tasks: list[Task] = []
        self.autosave = Autosave()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave_now)
        self.autosave_timer.start()
        from playground.ui.takeaway_ops import TakeawayOps

        self.takeaway = TakeawayOps(self)

    # ---- asking before losing work --------------------------------------------------------------

    def confirm_discard(self) -> bool:
        """True when the current project may be replaced (saved, or the person said so)."""
        if not self.doc.dirty:
            return True
        Button = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window, "Unsaved changes", f"Save the changes to “{self.doc.project.name}” first?",
            Button.Save | Button.Discard | Button.Cancel, Button.Save)
        if answer == Button.Save:
            return self.save()
        return answer == Button.Discard

    # ---- new and open ----------------------------------------------------------------------------

    def new_project(self) -> None:
        if self.confirm_discard():
            self.window.set_project(Project(name="Untitled"))

    def new_from_preset(self) -> None:
        from playground.ui.preset_gallery import PresetGallery

        gallery = PresetGallery(self.window)
        if gallery.exec() and gallery.chosen():
            self.open_path(gallery.chosen())

    def open_dialog(self) -> None:
        start = str(self.doc.project.path.parent) if self.doc.project.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self.window, "Open project", start, PROJECT_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path_or_preset: str | Path) -> bool:
        """Open a project file or a preset (or an exported .pt); on failure show why and keep the current project.

        Whatever the file holds, nothing escapes into Qt: a loader error is shown as it is; any
        other failure (while reading, checking, or while the panels take the new project) puts
        the previous project back and says what happened and how to fix it."""
        if str(path_or_preset).endswith(".pt"):
            return self.takeaway.open_weights(path_or_preset)
        try:
            project = load_project(path_or_preset)
            preflight(project)
        except Exception as exc:  # noqa: BLE001 - a file from anywhere must never crash the window
            QMessageBox.critical(self.window, "Cannot open project", open_failure(path_or_preset, exc))
            return False
        if not self.confirm_discard():
            return False
        previous, was_dirty = self.doc.project, self.doc.dirty
        try:
            with SlotErrors() as caught:
                self.window.set_project(project)
        except Exception as exc:  # noqa: BLE001
            caught.errors.insert(0, exc)
        if caught.first is not None:
            with SlotErrors():  # the previous project opened before, so it opens again
                self.window.set_project(previous, dirty=was_dirty)
            QMessageBox.critical(self.window, "Cannot open project", open_failure(path_or_preset, caught.first) + _KEPT)
            return False
        if project.path is not None:
            config.add_recent_file(project.path)
        self.status.emit(f"Opened {project.path or project.name}")
        if project.path is not None:
            self.takeaway.offer_restore(project.path)
        return True

    # ---- save -------------------------------------------------------------------------------------

    def save(self) -> bool:
        if self.doc.project.path is None:
            return self.save_as()
        return self.save_to(self.doc.project.path)

    def save_as(self) -> bool:
        project = self.doc.project
        start = project.path or Path.home() / f"{_slug(project.name)}{SUFFIX}"
        path, _ = QFileDialog.getSaveFileName(self.window, "Save project", str(start), PROJECT_FILTER)
        if not path:
            return False
        path = Path(path)
        if path.suffix not in (SUFFIX, ".json"):
            path = path.with_name(path.name + SUFFIX)
        return self.save_to(path)

    def save_to(self, path: str | Path) -> bool:
        try:
            save_project(self.doc.project, path)
        except OSError as exc:
            QMessageBox.critical(self.window, "Cannot save", f"{path}: {exc.strerror or exc}")
            return False
        self.doc.mark_saved()
        config.add_recent_file(path)
        self.remove_autosave()
        self.window.update_title()
        self.status.emit(f"Saved {path}")
        return True

    def fill_recent_menu(self, menu) -> None:
        menu.clear()
        files = [f for f in config.recent_files() if Path(f).exists()]
        for i, path in enumerate(files):
            action = menu.addAction(f"&{i + 1} {Path(path).name}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if not files:
            menu.addAction("No recent projects").setEnabled(False)

    # ---- export -----------------------------------------------------------------------------------

    def export_py(self) -> None:
        self.export("py")

    def export_pt(self) -> None:
        self.export("pt")

    def export_onnx(self) -> None:
        self.export("onnx")

    def export_json(self) -> None:
        self.export("json")

    def export_script(self) -> None:
        self.export("script")

    def save_trained_weights(self) -> None:
        self.takeaway.save_trained_weights()

    def export(self, fmt: str, path: str | None = None) -> Task | None:
        """Ask where, then write ``fmt`` in the background (torch work stays off the GUI thread)."""
        title, filt, suffix = EXPORTS[fmt]
        if path is None:
            project = self.doc.project
            base = project.path.with_suffix(suffix) if project.path else Path.home() / f"{_slug(project.name)}{suffix}"
            path, _ = QFileDialog.getSaveFileName(self.window, title, str(base), filt)
            if not path:
                return None
        p = self.doc.project
        snapshot = Project(p.graph.copy(), p.name, p.description, dict(p.dataset), dict(p.training))
        weights = self.takeaway.weights_source(snapshot, int(p.training.get("seed", 0) or 0)) if fmt not in ("json", "script") else None

        def work():
            preload.wait()
            from playground.nn.export import export_project

            takeaway = weights() if weights is not None else None
            if fmt == "script":
                from playground.train.script_export import export_script

                return str(export_script(snapshot, path, takeaway=takeaway)[0]), ""
            out = export_project(snapshot, fmt, path, takeaway=takeaway, progress=self.status.emit)
            return str(out), f" ({takeaway.note})" if takeaway is not None else ""

        task = Task(work, self)
        task.finished.connect(lambda out: self._export_done(task, out))
        task.failed.connect(lambda message: self._export_failed(task, message))
        self.tasks.append(task)
        self.status.emit(f"Exporting {Path(path).name}…")
        return task.start()

    def _export_done(self, task: Task, out: tuple[str, str]) -> None:
        self.tasks.remove(task)
        path, note = out
        self.status.emit(f"Exported {path}{note}")
        self.exported.emit(path)

    def _export_failed(self, task: Task, message: str) -> None:
        self.tasks.remove(task)
        self.status.emit("Export failed")
        QMessageBox.critical(self.window, "Cannot export", message)

    def shutdown(self, timeout: float = 60.0) -> bool:
        """Wait for exports still writing (the window is closing). True when none is left."""
        for task in list(self.tasks):
            if task.thread is not None:
                task.thread.join(timeout)
        return not any(t.thread is not None and t.thread.is_alive() for t in self.tasks)

    # ---- autosave -----------------------------------------------------------------------------------

    def autosave_now(self) -> Path | None:
        if not self.doc.dirty:
            return None
        data = self.doc.project.to_dict()
        data["autosave_of"] = str(self.doc.project.path) if self.doc.project.path else None
        data["autosaved_at"] = time.time()
        try:
            return self.autosave.write(json.dumps(data, indent=1) + "\n")
        except OSError as exc:
            self.status.emit(f"Autosave failed: {exc}")
            return None

    def remove_autosave(self) -> None:
        self.autosave.remove()

    def close_autosave(self) -> None:
        """A clean exit: this instance's autosave and its lock go."""
        self.autosave_timer.stop()
        self.autosave.close()

    def restore_autosave(self, path: Path) -> bool:
        """Open an autosave file as the (unsaved) current project."""
        try:
            project = load_project(path)
            origin = json.loads(path.read_text(encoding="utf-8")).get("autosave_of")
        except (PlaygroundError, OSError, ValueError) as exc:
            QMessageBox.warning(self.window, "Cannot restore", f"The autosaved work cannot be read: {exc}")
            return False
        project.path = Path(origin) if origin else None
        self.window.set_project(project, dirty=True)
        self.status.emit("Restored the autosaved work: save it to keep it")
        return True

    def offer_autosave(self) -> bool:
        """At start: offer back the work of instances that did not end cleanly (newest first; the
        first one restored ends the questions). Files of instances still running are not seen."""
        if not config.autosave_prompt_enabled():
            return False
        orphans = self.autosave.orphans()
        restored = False
        Button = QMessageBox.StandardButton
        for orphan in orphans:
            if restored:
                orphan.release()  # offered again at the next start
                continue
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(orphan.mtime))
            answer = QMessageBox.question(
                self.window, "Restore unsaved work?",
                f"A Playground window did not close normally. Restore the unsaved work it autosaved at {when}?",
                Button.Yes | Button.No, Button.Yes)
            if answer == Button.Yes and self.restore_autosave(orphan.path):
                self.autosave_now()  # the work is now this instance's: its own autosave holds it
                restored = True
            orphan.discard() if answer != Button.Yes or restored else orphan.release()
        return restored


_KEPT = "\n\nYour current project is unchanged."


def open_failure(target, exc: BaseException) -> str:
    """Why ``target`` did not open: the file's name, what happened, how to fix it."""
    name = Path(str(target)).name
    message = explain(exc, f"“{name}” may be damaged or hand-edited: open it in a text editor and correct "
                           "the place named above, or start from a preset (File > New from Preset).")
    return message if name in message else f"{name}: {message}"


def preflight(project: Project) -> None:
    """Raise what the window would trip over when it shows ``project`` (before anything is
    replaced): the checks every panel runs, and the training settings once they can be read."""
    validate(project.graph, infer(project.graph))
    if preload.ready():  # torch is loaded: reading the settings costs nothing (never import it here)
        from playground.train import TrainConfig

        TrainConfig.from_dict(project.training)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_") or "network"
