"""View > Side by Side…: choose the one difference, then open the Side by Side window.

Owns ``ContrastDialog`` (the project's suggested contrasts, from ``train.lessons.contrast``, or a
custom one written in the lessons' action language, checked as it is typed) and
``open_side_by_side(window, contrast=None)`` (asks when no contrast is given; the window trains a
copy of the project, so the project itself is never changed).
"""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QMessageBox, QVBoxLayout)

from playground.ui.common import style

CUSTOM = "Custom…"


class ContrastDialog(QDialog):
    def __init__(self, project, parent=None):
        from playground.train.lessons.contrast import suggested_contrasts

        super().__init__(parent)
        self.setObjectName("contrast_dialog")
        self.setWindowTitle("Side by side")
        self.project = project
        self.contrast = None
        self.suggestions = suggested_contrasts(project)
        layout = QVBoxLayout(self)
        intro = QLabel("Train two copies of this project together, with one thing different, and watch them "
                       "in two halves that share their axes. Your project itself is not changed.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.choice = QComboBox()
        self.choice.setAccessibleName("Contrast")
        for c in self.suggestions:
            self.choice.addItem(f"{c.label_a}  vs  {c.label_b}")
        self.choice.addItem(CUSTOM)
        self.label_a, self.label_b, self.actions = QLineEdit(), QLineEdit(), QLineEdit()
        self.label_a.setAccessibleName("Left side's name")
        self.label_b.setAccessibleName("Right side's name")
        self.actions.setAccessibleName("What the right side changes")
        self.actions.setPlaceholderText("e.g. set training.lr 0.3; replace layer tanh1 ReLU")
        form.addRow("Compare", self.choice)
        form.addRow("Left", self.label_a)
        form.addRow("Right", self.label_b)
        form.addRow("Right side changes", self.actions)
        layout.addLayout(form)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(style.css("ERROR_TEXT"))
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Train side by side")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.choice.currentIndexChanged.connect(self._chosen)
        for edit in (self.label_a, self.label_b, self.actions):
            edit.textChanged.connect(self._check)
        self._chosen(0)
        self.resize(640, 240)

    def _chosen(self, index: int) -> None:
        if 0 <= index < len(self.suggestions):
            c = self.suggestions[index]
            self.label_a.setText(c.label_a)
            self.label_b.setText(c.label_b)
            self.actions.setText("; ".join(c.actions_b))
        self._check()

    def _check(self) -> None:
        from playground.core.errors import PlaygroundError
        from playground.graph.summary import summarize
        from playground.train.lessons.contrast import contrast_projects, parse_contrast

        text = f"{self.label_a.text()} | {self.label_b.text()} | {self.actions.text()}"
        try:
            contrast = parse_contrast(text)
            for side in contrast_projects(self.project, contrast):
                summary = summarize(side.graph)
                if not summary.ok:
                    first = next(i for i in summary.issues if i.severity == "error")
                    raise PlaygroundError(f"the network has a problem to fix first: {first.message}",
                                          fix="see the Problems panel")
        except PlaygroundError as exc:
            self.contrast = None
            self.problem.setText(str(exc))
        else:
            self.contrast = contrast
            self.problem.setText("")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.contrast is not None)


def open_side_by_side(window, contrast=None, project=None):
    """Open the Side by Side window on a copy of ``project`` (``window``'s own by default), asking
    for the contrast when none is given; returns the window, or None when cancelled or when the
    project cannot train."""
    from playground.ui.classroom.side_by_side import SideBySideWindow

    project = (project if project is not None else window.doc.project).copy()
    if contrast is None:
        dialog = ContrastDialog(project, window)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.contrast is None:
            return None
        contrast = dialog.contrast
    try:
        view = SideBySideWindow(project, contrast, window)
    except Exception as exc:  # PlaygroundError from the contrast; the project is untouched
        QMessageBox.warning(window, "Side by side", f"Cannot train these side by side: {exc}")
        return None
    old = getattr(window, "side_by_side", None)
    if old is not None:
        old.close()  # one comparison at a time: its worker stops
    window.side_by_side = view
    lessons = getattr(window, "lessons", None)
    if lessons is not None and lessons.presenting:
        view.showFullScreen()
    else:
        view.show()
    view.raise_()
    view.activateWindow()  # its keys (Space, S, R) work at once, not the main window's
    return view
