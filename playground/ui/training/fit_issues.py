"""Puts the network/dataset/loss fit (``train.fit_check``) into the window's one list of issues.

Owns ``watch_fit(doc, session, parent)``: once the background imports are done (the check reads
the dataset registry, which imports torch), it adds the fit check to ``Document.checks`` and has
the document re-check whenever the dataset or the training settings (the loss) change, so the
Problems panel, the canvas badges, the status bar's verdict and Play all see the same issues; and
``apply_fit_fix(doc, fix)``, which makes a ``fit_check.Fix`` as one undoable step.
"""

from __future__ import annotations

from playground.ui.common import preload


def _check(project, shapes):
    from playground.train.fit_check import fit_issues

    return fit_issues(project.graph, shapes, project.dataset, project.training)


def watch_fit(doc, session, parent) -> None:
    def refresh() -> None:
        """Re-check the document only when the fit issues changed (a re-check makes every panel
        ask again: a learning-rate change must not)."""
        from playground.train.fit_check import FitIssue

        shown = [i.message for i in doc.issues if isinstance(i, FitIssue)]
        if [i.message for i in _check(doc.project, doc.shapes)] != shown:
            doc.reanalyze()

    def install() -> None:
        if _check not in doc.checks:
            doc.checks.append(_check)
        doc.dataset_changed.connect(refresh)
        session.settings_changed.connect(refresh)
        refresh()

    preload.when_ready(install, parent)


def apply_fit_fix(doc, fix) -> None:
    """Make ``fix`` on the document's graph as one undo step named after it."""
    from playground.train.fit_check import apply_fix

    doc.compound(fix.label, lambda: apply_fix(doc.graph, fix))
