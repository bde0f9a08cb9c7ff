"""QUndoCommands for the project's settings: its dataset and its training settings.

They sit on the same undo stack as the graph's commands (``ui/project/commands.py``), so Ctrl+Z takes back
the last edit of *any* kind: a layer added, the dataset changed, the learning rate set. A command
records only the keys it changed, each as (old, new), so an edit made outside the stack (Reset's
new seed) survives undoing an unrelated one. Its text says what it undoes ("Change dataset to
MNIST", "Set learning rate to 0.1"); consecutive changes of the same keys (a slider dragged, a
spin box's arrow held) merge into one step. It does not own the settings (the project does) nor
decide whether a value is good (the panels and ``TrainConfig`` do, before a command is made).
A command needs only a ``SettingsTarget`` (the ``Document`` is one, and imports this module).
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from playground.graph.project import Project


class SettingsTarget(Protocol):
    """What a settings command changes (``Document`` is one): the project, and
    ``settings_replaced``, which stores a part's new values and tells the views."""

    @property
    def project(self) -> Project: ...

    def settings_replaced(self, part: str, values: dict, keys: tuple) -> None: ...

MERGE_SETTINGS = 3  # QUndoCommand.id for mergeWith (1 and 2 are the graph's)
MISSING = object()  # a key the settings did not have

#: how a setting is called in an undo step's text; other keys: their name with spaces
WORDS = {
    "lr": "learning rate", "l1": "L1 penalty", "l2": "L2 penalty", "max_norm": "max-norm",
    "grad_clip": "gradient clipping", "min_delta": "min. improvement", "params": "dataset setting",
    "split": "split", "augment": "augmentation", "path": "dataset file", "seed": "seed",
    "target": "target column", "ignore": "ignored columns",
}


def _word(key: str) -> str:
    return WORDS.get(key, key.replace("_", " "))


def _say(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)) and all(isinstance(v, (int, float)) for v in value):
        return " / ".join(_say(v) for v in value)
    if value is MISSING or value is None:
        return "none"
    text = str(value)
    return text if len(text) <= 40 else "…" + text[-39:]


def changes_between(old: dict, new: dict) -> dict[str, tuple[Any, Any]]:
    """{key: (old value, new value)} for every key whose value differs (MISSING where absent)."""
    keys = list(dict.fromkeys([*old, *new]))
    return {k: (old.get(k, MISSING), new.get(k, MISSING)) for k in keys
            if old.get(k, MISSING) != new.get(k, MISSING)}


def describe(part: str, changes: dict[str, tuple[Any, Any]], title: str | None = None) -> str:
    """The undo step's text for ``changes`` to the project's ``part`` ("dataset" or "training")."""
    if part == "dataset" and "name" in changes:
        return f"Change dataset to {title or _say(changes['name'][1])}"
    if part == "dataset" and set(changes) == {"seed"}:
        return "Regenerate dataset samples"
    if len(changes) != 1:
        return f"Change {'dataset' if part == 'dataset' else 'training'} settings"
    key, (old, new) = next(iter(changes.items()))
    if isinstance(new, dict) and isinstance(old, dict):  # a parameter dict: say which entry
        inner = changes_between(old, new)
        if len(inner) == 1:
            sub, (_o, value) = next(iter(inner.items()))
            owner = "dataset" if key == "params" else key.replace("_params", "")
            return f"Set {owner} {_word(sub)} to {_say(value)}"
    if isinstance(new, bool):
        return f"{'Turn on' if new else 'Turn off'} {_word(key)}"
    return f"Set {_word(key)} to {_say(new)}"


class SetSettings(QUndoCommand):
    """Change some keys of ``project.dataset`` or ``project.training`` (``part``)."""

    def __init__(self, doc: SettingsTarget, part: str, changes: dict[str, tuple[Any, Any]], text: str):
        super().__init__(text)
        self.doc, self.part, self.changes = doc, part, dict(changes)
        self.applied = False  # set by Document.execute_settings: skip the push's redo

    def _put(self, which: int) -> None:
        values = dict(getattr(self.doc.project, self.part) or {})
        for key, pair in self.changes.items():
            if pair[which] is MISSING:
                values.pop(key, None)
            else:
                values[key] = pair[which]
        self.doc.settings_replaced(self.part, values, tuple(self.changes))

    def redo(self) -> None:
        if self.applied:
            self.applied = False
            return
        self._put(1)

    def undo(self) -> None:
        self._put(0)

    def id(self) -> int:
        return MERGE_SETTINGS

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetSettings) or other.part != self.part:
            return False
        if set(other.changes) != set(self.changes) or "name" in self.changes:
            return False
        if isinstance(self.changes.get("params", (None, None))[1], dict):  # same dataset parameter only
            mine = changes_between(*self.changes["params"])
            theirs = changes_between(*other.changes["params"])
            if set(theirs) - set(mine) or not theirs:
                return False
        self.changes = {k: (self.changes[k][0], other.changes[k][1]) for k in self.changes}
        self.setText(other.text())
        if all(old == new for old, new in self.changes.values()):  # back where it started
            self.setObsolete(True)
        return True
