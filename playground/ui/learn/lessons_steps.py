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
from playground.ui.commands import GraphDiff


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
