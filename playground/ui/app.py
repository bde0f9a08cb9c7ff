"""Start the app: a QApplication, the main window on the right project, then the slow parts.

Order matters for the first paint: only Qt and the (torch-free) graph code are imported before the
window shows; torch, code generation and datasets load in the background afterwards
(``preload``). ``PLAYGROUND_FIRST_PAINT_PROBE=1`` makes the app print the wall-clock time of the
canvas's first paint (``first-paint <unix time>``) and quit: the launch benchmark uses it.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from playground.graph.project import Project, load_project
from playground.ui.common import config, preload, style
from playground.ui.project.file_ops import open_failure, preflight
from playground.ui.common.guard import SlotErrors

DEFAULT_PRESET = "tfp_mlp"  # the first thing a person sees: 2-D points and a small tanh MLP


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Playground")
        app.setOrganizationName("playground")
        app.setDesktopFileName("io.github.playground.Playground")  # packaging/*.desktop
        style.apply_theme(app, style.theme_from_env(str(config.settings().value("theme", "system"))))
    return app


def initial_project(path: str | None, preset: str | None) -> tuple[Project, str | None]:
    """The project to open and, if the asked-for one could not be read, why (the demo opens instead)."""
    wanted = path or preset
    if path and str(path).endswith(".pt"):  # an exported model: opened after the first paint (takeaway_ops)
        return load_project(DEFAULT_PRESET), None
    if wanted:
        try:
            project = load_project(wanted)
            preflight(project)
            return project, None
        except Exception as exc:  # noqa: BLE001 - any file: the demo opens and the dialog says why
            return load_project(DEFAULT_PRESET), open_failure(wanted, exc)
    return load_project(DEFAULT_PRESET), None


def build_window(project: Project, problem: str | None):
    """The main window on ``project``; if building it fails (something in the file no check
    caught), the window on the demo instead, and the reason."""
    from playground.ui.window.main_window import MainWindow

    try:
        with SlotErrors() as caught:
            window = MainWindow(project)
    except Exception as exc:  # noqa: BLE001
        caught.errors.insert(0, exc)
    if caught.first is None:
        return window, problem
    return MainWindow(load_project(DEFAULT_PRESET)), open_failure(project.path or project.name, caught.first)


def shows_start_page(path: str | None, preset: str | None, problem: str | None) -> bool:
    """The Lessons start page greets a bare ``playground`` launch only (not a file, a preset, a
    screenshot or a failed open); ``PLAYGROUND_NO_START_PAGE=1`` turns it off."""
    return not path and not preset and problem is None and os.environ.get("PLAYGROUND_NO_START_PAGE") != "1"


def main(path: str | None = None, preset: str | None = None) -> int:
    app = application()
    project, problem = initial_project(path, preset)
    window, problem = build_window(project, problem)
    if path and problem is None:
        from playground.ui.common import config

        config.add_recent_file(path)
    probe = os.environ.get("PLAYGROUND_FIRST_PAINT_PROBE") == "1"

    def after_first_paint():
        if probe:
            print(f"first-paint {painted_at:.6f} torch-loaded={int(torch_then)}", flush=True)
            window.files.autosave_timer.stop()
            app.quit()
            return
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            QMessageBox.critical(window, "Cannot open project", f"{problem}\n\nShowing the default demo instead.")
        window.files.offer_autosave()
        if shows_start_page(path, preset, problem):
            window.lessons.browse(start_page=True)  # a bare launch: the Lessons start page (dismissible)
        if path and problem is None:  # an exported .pt, or a project with trained weights saved beside it
            if str(path).endswith(".pt"):
                window.files.open_path(path)
            elif project.path is not None:
                window.files.takeaway.offer_restore(project.path)

    def painted():
        nonlocal painted_at, torch_then
        painted_at, torch_then = time.time(), "torch" in sys.modules
        QTimer.singleShot(0, after_first_paint)

    painted_at, torch_then = 0.0, False
    window.first_painted.connect(painted)
    window.show()
    window.show_network()
    try:
        return app.exec()
    finally:  # however the app ends, its threads end before Qt and the interpreter do
        window.shutdown()
        preload.finish()
        if not window.doc.dirty:  # ended without closing the window (a quit): nothing to keep
            window.files.close_autosave()
