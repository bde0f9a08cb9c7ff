"""Puts lessons and presentation mode into the main window: ``LessonsUI(window)``.

Owns the Lesson dock (right side), Help > Lessons… (the browser), the start page of a bare launch,
and **presentation mode** (F11 / View > Present): full screen, the app's font and pyqtgraph's
default pen widths scaled by ``ZOOM``, the palette and inspector hidden, the lesson's panels given
room, a big step/play bar, and the keyboard driving it (N: next step, Space: play/pause, S: one
step, R: reset, L: the laser pointer). Leaving it restores the window as it was. View > Side by
Side… (Ctrl+Shift+B) opens two copies of the project trained together (``ui.classroom``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QDockWidget, QHBoxLayout, QPushButton, QWidget

from playground.ui.classroom.contrast_dialog import open_side_by_side
from playground.ui.classroom.laser import LaserPointer
from playground.ui.learn.lessons_dock import LessonBrowser, LessonPanel, open_lesson

ZOOM = 1.4  # font and line-width factor in presentation mode
HIDDEN_WHEN_PRESENTING = ("layers", "inspector", "dataset", "training", "problems", "summary", "code")


class PresentBar(QWidget):
    """The big step/play bar shown while presenting."""

    def __init__(self, lessons: "LessonsUI"):
        super().__init__()
        self.setObjectName("present_bar")
        line = QHBoxLayout(self)
        session = lessons.window.training.session
        for text, slot in (("▶ Next step (N)", lessons.panel.do_next), ("Play / Pause (Space)", session.toggle),
                           ("Step (S)", lambda: session.step(1)), ("⟲ Reset (R)", session.reset),
                           ("Laser (L)", lessons.laser.toggle),
                           ("Leave (F11)", lambda: lessons.set_presenting(False))):
            button = QPushButton(text)
            button.setMinimumHeight(48)
            button.clicked.connect(slot)
            line.addWidget(button)


class LessonsUI:
    def __init__(self, window):
        self.window = window
        self.panel = LessonPanel(window)
        self.dock = QDockWidget("Lesson", window)
        self.dock.setObjectName("dock_lesson")
        self.dock.setAccessibleName("Lesson")
        self.panel.setAccessibleName("Lesson: its text, steps and question")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.docks["lesson"] = self.dock
        window.tabifyDockWidget(window.docks["inspector"], self.dock)  # tall, on the right, beside the inspector
        self.dock.hide()
        self.presenting = False
        self.browser: LessonBrowser | None = None
        self._saved: dict = {}
        self.bar: QDockWidget | None = None
        self.browse_action = QAction("&Lessons…", window)
        self.browse_action.setStatusTip("Guided lessons through the course")
        self.browse_action.triggered.connect(lambda: self.browse())
        self.present_action = QAction("&Present", window)
        self.present_action.setCheckable(True)
        self.present_action.setShortcut(QKeySequence("F11"))
        self.present_action.setStatusTip("Presentation mode: full screen, large fonts, the lesson's panels large")
        self.present_action.toggled.connect(self.set_presenting)
        window.addAction(self.present_action)
        self.laser = LaserPointer(window)
        self.side_action = QAction("Side by &Side…", window)
        self.side_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.side_action.setStatusTip("Train two copies of the project with one setting different, shown side by side")
        self.side_action.triggered.connect(lambda: open_side_by_side(window))
        self._keys = []
        for key, slot in (("N", self.panel.do_next), ("Space", window.training.session.toggle),
                          ("S", lambda: window.training.session.step(1)), ("R", window.training.session.reset),
                          ("L", self.laser.toggle)):
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.activated.connect(slot)
            shortcut.setEnabled(False)  # only while presenting: elsewhere these keys type text
            self._keys.append(shortcut)
        bar = window.menuBar()
        for action in bar.actions():
            name = action.text().replace("&", "")
            if name == "Help" and action.menu():
                action.menu().insertAction(action.menu().actions()[0] if action.menu().actions() else None,
                                           self.browse_action)
            if name == "View" and action.menu():
                action.menu().addAction(self.present_action)
                action.menu().addAction(self.side_action)

    def browse(self, start_page: bool = False) -> LessonBrowser:
        """Show the Lessons browser (not modal: the window stays usable); choosing opens the lesson."""
        if self.browser is not None:
            self.browser.close()
        dialog = self.browser = LessonBrowser(self.window, start_page)
        dialog.accepted.connect(lambda: dialog.chosen and open_lesson(self.window, dialog.chosen))
        dialog.show()
        dialog.raise_()
        return dialog

    def set_presenting(self, on: bool) -> None:
        if on == self.presenting:
            return
        import pyqtgraph as pg

        window, app = self.window, QApplication.instance()
        self.presenting = on
        if self.present_action.isChecked() != on:
            self.present_action.setChecked(on)
        if on:
            self._saved = {"font": app.font(), "state": window.saveState(), "full": window.isFullScreen(),
                           "pen": pg.getConfigOption("foreground")}
            font = app.font()
            font.setPointSizeF(font.pointSizeF() * ZOOM)
            app.setFont(font)
            for key in HIDDEN_WHEN_PRESENTING:
                if key in window.docks:
                    window.docks[key].hide()
            self.bar = QDockWidget("Present", window)
            self.bar.setObjectName("dock_present_bar")
            self.bar.setWidget(PresentBar(self))
            self.bar.setTitleBarWidget(QWidget())
            window.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, self.bar)
            self._thicken(ZOOM)
            window.showFullScreen()
            self.arrange()
        else:
            app.setFont(self._saved.get("font", app.font()))
            if self.bar is not None:
                window.removeDockWidget(self.bar)
                self.bar.deleteLater()
                self.bar = None
            self._thicken(1 / ZOOM)
            if "state" in self._saved:
                window.restoreState(self._saved["state"])
            if not self._saved.get("full"):
                window.showNormal()
        if not on:
            self.laser.set_on(False)
        for shortcut in self._keys:
            shortcut.setEnabled(on)

    def arrange(self) -> None:
        """Presentation layout: the lesson's panels (bottom) take most of the height, the lesson's
        text a third of the width; the canvas keeps what is left."""
        window = self.window
        bottom = [d for d in window.docks.values() if d.isVisible() and not d.isFloating()
                  and window.dockWidgetArea(d) == Qt.DockWidgetArea.BottomDockWidgetArea]
        if bottom:
            window.resizeDocks(bottom[:1], [int(window.height() * 0.62)], Qt.Orientation.Vertical)
        if self.dock.isVisible():  # the lesson's text readable from the back of the room
            window.resizeDocks([self.dock], [int(window.width() * 0.32)], Qt.Orientation.Horizontal)

    def _thicken(self, factor: float) -> None:
        """Scale the width of every plotted line in the window's pyqtgraph plots."""
        import pyqtgraph as pg

        for plot in self.window.findChildren(pg.PlotDataItem):
            pen = pg.mkPen(plot.opts.get("pen"))
            pen.setWidthF(max(1.0, pen.widthF() or 1.0) * factor)
            plot.setPen(pen)
