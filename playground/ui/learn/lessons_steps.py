"""Performs a lesson's step actions in the window, through the paths a person's own clicks take.

One handler per verb of ``train.lessons.actions.VERBS`` (a table, not a chain of ifs): layer
edits go through the Editor's undoable commands (a replaced layer is one ``GraphDiff`` undo
step), settings through ``TrainingSession.apply_setting`` (as the Training Settings panel does),
the dataset through ``Document.set_dataset``, Train and Reset through the session's Step and
Reset, imported layers through File > Import Trained Layers' step (``ui.transfer``: when the source
network must train first, the step's later actions wait for it). A refused action (a layer the student renamed, a bad value) is reported, nothing changes.
"""

from __future__ import annotations

from playground.core.errors import PlaygroundError
from playground.graph.snapshot import take
from playground.train.lessons.actions import (Action, augmented, check_action, parse_action, replaced_state,
                                              training_changes)
from playground.ui.project.commands import GraphDiff


def _set_training(window, action: Action) -> None:
    window.training.session.apply_setting(**training_changes(window.doc.project, action))
    if window.training.settings is not None:
        window.training.settings.load()  # the panel shows the new value


def _set_layer(window, action: Action) -> None:
    layer, _, param = action.target.partition(".")
    window.editor.set_param(window.doc.graph.find(layer).id, param, action.value)


def _replace_layer(window, action: Action) -> None:
    doc = window.doc
    doc.execute(GraphDiff(doc, f"Replace {action.target} by {action.value}", take(doc.graph),
                          replaced_state(doc.graph, action.target, action.value)))


def _set_dataset(window, action: Action) -> None:
    window.doc.set_dataset({"name": action.target, "params": {}})


def _set_dataset_param(window, action: Action) -> None:
    dataset = dict(window.doc.project.dataset or {})
    dataset["params"] = {**dataset.get("params", {}), action.target: action.value}
    window.doc.set_dataset(dataset)


def _set_augment(window, action: Action) -> None:
    window.doc.set_dataset(augmented(window.doc.project.dataset, action))


def _open_panel(window, action: Action) -> None:
    if action.target in window.training.hosts or action.target == "curves":
        window.training.show_panel(action.target)
    else:
        window.show_panel(action.target)


def _side_by_side(window, action: Action) -> None:
    from playground.train.lessons.catalog import lesson_project
    from playground.train.lessons.contrast import parse_contrast
    from playground.ui.classroom.contrast_dialog import open_side_by_side

    lesson = window.lessons.panel.lesson  # the lesson's own project on the left, whatever steps did since
    view = open_side_by_side(window, parse_contrast(lesson.contrast), lesson_project(lesson))
    if view is not None:
        view.step(int(action.value))


def _sweep(window, action: Action) -> None:
    """Fill the Sweep dialog as the step says (only those settings, that search and budget) and run it."""
    from playground.train.lessons.actions import sweep_points

    params, _points = sweep_points(action)
    dialog = window.training.show_sweep()
    for name, box in dialog.vary.items():
        box.setChecked(False)
    for spec, param in zip(action.value[1], params):
        if param.name not in dialog.vary:
            raise PlaygroundError(f"'{action.text}': the Sweep dialog cannot vary '{param.name}'",
                                  fix=f"use one of: {', '.join(dialog.vary)}")
        dialog.vary[param.name].setChecked(True)
        dialog.ranges[param.name].setText(spec.partition("=")[2])
    dialog.search.setCurrentText(action.target)
    dialog.trials.setValue(action.value[0])
    dialog.start()


HANDLERS = {
    "set_training": _set_training,
    "set_layer": _set_layer,
    "replace_layer": _replace_layer,
    "set_dataset": _set_dataset,
    "set_dataset_param": _set_dataset_param,
    "set_augment": _set_augment,
    "open_panel": _open_panel,
    "train": lambda window, action: window.training.session.step(int(action.value)),
    "reset": lambda window, action: window.training.session.reset(),
    "side_by_side": _side_by_side,
    "sweep": _sweep,
    "import_layers": lambda window, action: _transfer().import_layers_action(window, action),
    "forget_imported": lambda window, action: _transfer().forget_imported_action(window, action),
}


def _transfer():
    from playground.ui.transfer import lesson_source

    return lesson_source


def perform(window, texts: tuple[str, ...]) -> str:
    """Do a step's actions in order; returns "" or the reason the step stopped. An action that has
    to wait (a source network training first) returns a signal: the rest follow when it fires."""
    for k, text in enumerate(texts):
        try:
            action = parse_action(text)
            check_action(window.doc.project, action, tuple(window.docks))
            waiting = HANDLERS[action.verb](window, action)
        except PlaygroundError as exc:
            return str(exc)
        if waiting is not None and k + 1 < len(texts):
            rest = tuple(texts[k + 1:])
            waiting.connect(lambda: _rest(window, rest))
            return ""
    return ""


def _rest(window, texts: tuple[str, ...]) -> None:
    problem = perform(window, texts)
    if problem:
        window.statusBar().showMessage(f"Lesson step not finished: {problem}", 20000)
