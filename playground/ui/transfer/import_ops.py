"""Importing trained layers into the open project: reading the file, asking, and one undo step.

``import_trained_layers(window, path)`` is File > Import Trained Layers…: it reads a checkpoint
(``NAME.pgproj.pt``) or an exported ``.pt`` safely (``nn.transfer.read_source_state``: weights only,
no code runs), compares its layers with the network as it is now (``nn.transfer.layer_rows``),
shows ``ImportLayersDialog`` and applies the choice. ``apply_import`` / ``forget_imported`` make
the change as one ``ImportLayers`` undo step: the chosen tensors become the training session's
imported initial weights (``TrainingSession.set_imported``: the next run starts from them, Rewind
comes back to them, Reset keeps them) and, with "freeze", those layers' ``trainable`` switch goes
off in the same step. Undo puts back the previous imported weights and switches; the user's graph
is never replaced. A bad file is one message box; nothing changes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from playground.core.errors import PlaygroundError
from playground.graph.snapshot import take
from playground.ui.project.commands import GraphCommand

FILTER = "Trained weights (*.pt);;All files (*)"


class ImportLayers(GraphCommand):
    """One undo step: the session's imported layers before/after and the graph before/after (freeze)."""

    def __init__(self, doc, session, text: str, before: tuple, after: tuple, graph_before, graph_after):
        super().__init__(doc, text)
        self.session = session
        self.before, self.after = before, after  # (state or None, source)
        self.graph_before, self.graph_after = graph_before, graph_after

    def apply(self) -> None:
        self._put(self.graph_after, self.after)

    def revert(self) -> None:
        self._put(self.graph_before, self.before)

    def _put(self, graph_state, imported: tuple) -> None:
        from playground.graph.snapshot import restore

        if take(self.graph) != graph_state:
            restore(self.graph, graph_state)
        self.session.set_imported(*imported)


def _names(state: dict | None) -> list[str]:
    from playground.nn.transfer import source_layers

    return list(source_layers(state or {}))


def apply_import(window, state: dict, names: list[str], freeze: bool | None, source: str) -> list[str]:
    """Make layers ``names`` of ``state`` this project's initial weights, as one undo step; ``freeze``
    True switches their ``trainable`` off, False on, None leaves it. Returns the refused layers'
    reasons (those are left out)."""
    from playground.nn.build import build_module
    from playground.nn.transfer import chosen_state, layer_rows

    session, doc = window.training.session, window.doc
    model = build_module(doc.graph, seed=session.config().seed)
    problems = {r["name"]: r["problem"] for r in layer_rows(state, model)}
    good = [n for n in names if problems.get(n, f"{n}: the file has no layer of that name") is None]
    refused = [problems.get(n) or f"{n}: the file has no layer of that name" for n in names if n not in good]
    if not good:
        return refused
    merged = {k: v for k, v in (session.imported or {}).items() if k.rpartition(".")[0] not in good}
    merged.update(chosen_state(state, good))
    before = take(doc.graph)
    trial = doc.graph.copy()
    if freeze is not None:
        for name in good:
            node = trial.find(name)
            if node is not None and node.spec.param("trainable") is not None:
                trial.set_param(node.id, "trainable", not freeze)
    text = f"Import {', '.join(good)} from {source}" + (" (frozen)" if freeze else "")
    doc.execute(ImportLayers(doc, session, text, (session.imported, session.imported_from), (merged, source),
                             before, take(trial)))
    window.statusBar().showMessage(f"Imported {', '.join(good)} from {source}: training starts from them"
                                   + (" (frozen)" if freeze else ""), 8000)
    return refused


def forget_imported(window) -> bool:
    """Back to freshly drawn initial weights for every layer (one undo step); False if none were imported."""
    session, doc = window.training.session, window.doc
    if not session.imported:
        return False
    state = take(doc.graph)
    doc.execute(ImportLayers(doc, session, "Forget imported layers", (session.imported, session.imported_from),
                             (None, ""), state, state))
    window.statusBar().showMessage("Forgot the imported layers: training starts from drawn weights", 8000)
    return True


def start_note(session, graph) -> str:
    """How a run of ``session`` starts, for the Curves' run labels: '; from conv1, conv2 of
    source.pt (frozen)' when layers were imported (frozen / trainable / N frozen), else ''."""
    names = _names(session.imported)
    if not names:
        return ""
    frozen = [n for n in names if (node := graph.find(n)) is not None and node.params.get("trainable", True) is False]
    state = "frozen" if len(frozen) == len(names) else ("trainable" if not frozen else f"{len(frozen)} frozen")
    return f"; from {', '.join(names)} of {session.imported_from} ({state})"


def read_rows(window, path: str | Path) -> tuple[dict, list[dict]]:
    """The file's state dict and its rows against this project's network; PlaygroundError when the
    file cannot be read or the network cannot be built (an invalid graph)."""
    from playground.nn.build import build_module
    from playground.nn.transfer import layer_rows, read_source_state, source_layers

    state = read_source_state(path)
    if not source_layers(state):
        raise PlaygroundError("the file holds no layer weights", where=str(path),
                              fix="pick a checkpoint (File > Save Trained Weights) or an exported .pt")
    if window.doc.errors():
        raise PlaygroundError("this project's network has problems, so its layers cannot be compared",
                              fix="fix the problems first (see the Problems panel), then import")
    model = build_module(window.doc.graph, seed=window.training.session.config().seed)
    return state, layer_rows(state, model)


def import_trained_layers(window, path: str | Path | None = None, dialog_hook=None) -> bool:
    """File > Import Trained Layers…: choose a file, choose layers, apply. ``dialog_hook(dialog)``
    (tests) runs instead of ``exec``. True when something was imported or forgotten."""
    from playground.ui.transfer.import_dialog import ImportLayersDialog

    if path is None:
        start = str(window.doc.project.path.parent) if window.doc.project.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(window, "Import Trained Layers", start, FILTER)
        if not path:
            return False
    try:
        state, rows = read_rows(window, path)
    except PlaygroundError as exc:
        QMessageBox.critical(window, "Cannot import from this file", str(exc))
        return False
    session = window.training.session
    dialog = ImportLayersDialog(rows, Path(path).name, _names(session.imported), window)
    accepted = dialog_hook(dialog) if dialog_hook is not None else dialog.exec()
    if not accepted:
        return False
    if dialog.forget:
        return forget_imported(window)
    refused = apply_import(window, state, dialog.chosen(), True if dialog.freeze.isChecked() else None, Path(path).name)
    if refused:
        QMessageBox.warning(window, "Some layers were not imported", "\n".join(refused))
    return True
