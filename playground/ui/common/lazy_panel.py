"""A panel that recomputes only while it is visible.

Views whose content is costly (generated code, the summary table) mark themselves stale on every
change and refresh at once only when shown; a hidden tab refreshes the moment it is shown again.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


class LazyPanel(QWidget):
    stale = True

    def _changed(self, *args) -> None:
        self.stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.stale:
            self.refresh()

    def refresh(self) -> None:  # subclasses fill the view and clear `stale`
        raise NotImplementedError
