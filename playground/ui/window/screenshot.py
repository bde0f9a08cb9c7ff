"""Render the main window offscreen to a PNG (``playground screenshot``): for the README's
pictures and for checking the app without a screen.

The window is built exactly as the app builds it, with a fresh panel layout (a throwaway settings
folder, so a person's own layout never leaks into a picture), waits for the background imports
(so the dataset and code panels are filled), optionally selects a layer, raises a panel, and
trains for N steps with the headless Trainer first.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from playground.core.errors import PlaygroundError

#: the window's own panels; then the training panels and the inside-the-network panels (ui.panels.registry)
INSIDE = ("activations", "filters", "receptive_field", "boundary", "health", "evaluation", "embedding", "autoencoder")
#: the Learn views (ui.learn.registry.LEARN_PANELS)
LEARN = ("backprop", "optimizer", "landscape", "activation", "loss", "conv", "fit", "gan", "style")
PANELS = ("layers", "inspector", "dataset", "problems", "summary", "code", "curves", "training") + INSIDE + LEARN


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise PlaygroundError(f"size '{text}' is not WIDTHxHEIGHT", fix="write it like 1280x800") from None
    if not (320 <= w <= 8000 and 240 <= h <= 8000):
        raise PlaygroundError(f"size {w}x{h} is out of range", fix="use 320x240 up to 8000x8000")
    return w, h


def _pump(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def train_steps(project, steps: int) -> str:
    """Train ``project``'s network for ``steps`` batches headless; returns a one-line result."""
    from playground.data import load
    from playground.nn.build import build_module
    from playground.train import LambdaCallback, TrainConfig, Trainer

    config = TrainConfig.from_dict(project.training).replace(epochs=10**6)
    dataset = dict(project.dataset or {})
    splits = load(dataset.get("name"), params=dataset.get("params"), seed=config.seed)
    model = build_module(project.graph, seed=config.seed)

    def stop_at(trainer, info):
        if info.step >= steps:
            trainer.stop()

    trainer = Trainer(model, splits, config, callbacks=[LambdaCallback(on_batch_end=stop_at)])
    result = trainer.fit()
    losses = result.history.step_loss
    first, last = sum(losses[:10]) / max(1, len(losses[:10])), sum(losses[-10:]) / max(1, len(losses[-10:]))
    text = f"Trained {result.steps} steps: training loss {first:.3f} \u2192 {last:.3f}"
    if result.test is not None and result.test.accuracy is not None:
        text += f", test accuracy {result.test.accuracy:.0%}"
    return text


def train_in_window(app, window, steps: int, timeout: float = 300.0) -> str:
    """Train ``steps`` batches through the window's own worker thread, with the curves streaming."""
    session = window.training.session
    errors: list[str] = []
    session.failed.disconnect(window.training.show_failure)  # no modal box in a picture run
    session.failed.connect(errors.append)
    states: list[str] = []  # (a panel's job may already have built the trainer, with the session idle)
    session.state_changed.connect(lambda state, _text: states.append(state))
    session.step(steps)
    end = time.monotonic() + timeout
    while time.monotonic() < end and not errors:
        app.processEvents()
        trainer = session.trainer
        done = trainer is not None and trainer.step_count >= steps and session.state in ("paused", "idle")
        if done or ("running" in states and session.state == "idle"):  # reached, or ended early
            break
        time.sleep(0.005)
    _pump(app, 0.2)
    session.shutdown()
    session.drain()
    window.training.curves.refresh()
    if errors:
        return f"Training stopped: {errors[0]}"
    x, y = window.training.curves.curves["loss"].series.view()
    if not len(y):
        return "Not trained"
    first, last = float(y[:10].mean()), float(y[-10:].mean())
    return f"Trained {len(y)} steps in the app: training loss {first:.3f} \u2192 {last:.3f}"


def _wait_for_panel(app, window, key: str, timeout: float = 120.0) -> None:
    """Let an inside panel ask the (now idle) trainer for its picture and draw the answer. A panel
    that asks nothing (no ``results`` count) may set itself up for a picture (``prepare_screenshot``)."""
    panel = window.training.show_panel(key)
    if panel is None:
        return
    _pump(app, 0.1)
    if not hasattr(panel, "results"):
        if hasattr(panel, "prepare_screenshot"):
            panel.prepare_screenshot()
        _pump(app, 0.3)
        return
    before = panel.results
    panel.invalidate()
    end = time.monotonic() + timeout
    while time.monotonic() < end and panel.results == before:
        app.processEvents()
        time.sleep(0.01)
    _pump(app, 0.3)
    if hasattr(panel, "prepare_screenshot"):
        before = panel.results
        if panel.prepare_screenshot():  # it asked the trainer again: wait for that answer too
            while time.monotonic() < end and panel.results == before:
                app.processEvents()
                time.sleep(0.01)
        _pump(app, 0.2)
    window.training.session.shutdown()


def render(target: str, out: str | os.PathLike, size: tuple[int, int] = (1280, 800), steps: int = 0,
           panel: str | None = None, select: str | None = None, lesson: str | None = None,
           lesson_step: int = 0, present: bool = False) -> Path:
    if panel is not None and panel not in PANELS:
        raise PlaygroundError(f"unknown panel '{panel}'", fix=f"use one of: {', '.join(PANELS)}")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PLAYGROUND_NO_AUTOSAVE_PROMPT"] = "1"
    from playground.graph.project import load_project

    project = load_project(target) if lesson is None else None
    if lesson is not None:
        from playground.train.lessons import load_lesson
        from playground.train.lessons.run import LessonRun

        found = load_lesson(lesson)
        if not 0 <= lesson_step <= len(found.steps):
            raise PlaygroundError(f"lesson '{lesson}' has {len(found.steps)} steps", fix=f"use --step 0 to {len(found.steps)}")
        run = LessonRun(found)
        run.run_to(lesson_step)  # the project as a student has it after that many Do-it presses
        project, _lesson_state = run.project, (found, lesson_step, run)
    if select is not None and project.graph.find(select) is None:
        names = ", ".join(n.name for n in project.graph.nodes.values())
        raise PlaygroundError(f"there is no layer named '{select}'", fix=f"layers are: {names}")
    with tempfile.TemporaryDirectory(prefix="playground-shot-") as tmp:
        saved = os.environ.get("PLAYGROUND_CONFIG_DIR")
        os.environ["PLAYGROUND_CONFIG_DIR"] = tmp
        try:
            return _render(project, Path(out), size, steps, panel, select,
                           _lesson_state if lesson is not None else None, present)
        finally:
            if saved is None:
                os.environ.pop("PLAYGROUND_CONFIG_DIR", None)
            else:
                os.environ["PLAYGROUND_CONFIG_DIR"] = saved


def trained_since_reset(steps) -> int:
    """Batches the student's network has been trained by those steps' actions: a ``reset`` starts
    the count again (its new weights have seen nothing)."""
    trained = 0
    for step in steps:
        for action in step.actions:
            if action == "reset":
                trained = 0
            elif action.startswith("train "):
                trained += int(action.split()[1])
    return trained


def _render(project, out: Path, size, steps, panel, select, lesson=None, present=False) -> Path:
    from PySide6.QtCore import Qt

    from playground.ui.common import preload
    from playground.ui.app import application
    from playground.ui.window.main_window import MainWindow

    app = application()
    preload.start()
    window = MainWindow(project, restore_layout=False)
    window.resize(*size)
    window.show()
    _pump(app, 0.1)
    if select is not None:
        window.scene.select_nodes([project.graph.find(select).id])
    if panel is not None:
        window.show_panel(panel)
        if window.dockWidgetArea(window.docks[panel]) == Qt.DockWidgetArea.BottomDockWidgetArea:
            window.resizeDocks([window.docks[panel]], [int(size[1] * 0.42)], Qt.Orientation.Vertical)
    preload.wait(120)
    _pump(app, 0.3)  # let the panels waiting for the imports fill in
    if lesson is not None:
        found, step, run = lesson
        window.lessons.dock.show()
        window.lessons.dock.raise_()
        window.lessons.panel.show_lesson(found)
        for k in range(step):
            window.lessons.panel.buttons[k].setText("Done \u2713")
        panels = [p for p in run.panels if p in PANELS]
        panel = panel or (panels[0] if panels else None)
        for key in reversed(panels):
            window.show_panel(key)
        _pump(app, 0.1)
        window.lessons.arrange()  # as open_lesson does
        steps = steps or min(trained_since_reset(found.steps[:step]), 300)
    if present:
        window.lessons.set_presenting(True)
        window.showNormal()  # offscreen "full screen" is the virtual screen's size: picture at --size instead
        window.resize(*size)
        _pump(app, 0.1)
        window.lessons.arrange()
    message = train_in_window(app, window, steps) if steps else ""
    if panel in INSIDE + LEARN:
        _wait_for_panel(app, window, panel)
    window.show_network()
    if select is not None:
        window.view.ensureVisible(window.scene.nodes[project.graph.find(select).id], 60, 60)
    if message:
        window.statusBar().showMessage(message)
    _pump(app, 0.1)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out), "PNG"):
        raise PlaygroundError(f"cannot write '{out}'", fix="check the folder exists and is writable")
    window.files.close_autosave()
    window.shutdown()  # join training / dataset preview / export threads before Qt and Python end
    preload.finish()
    window.hide()
    window.deleteLater()
    return out
