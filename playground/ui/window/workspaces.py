"""Workspaces: Build, Train, Look Inside and Learn, each with its own arrangement of docks.

Owns ``WORKSPACES`` (one record per workspace: key, title, shortcut, tip and its dock groups: an
area, the docks tabbed there, their share of the window) and ``Workspaces``, which switches between
them on one QMainWindow: the arrangement the person made in a workspace is kept (``saveState``
per workspace, remembered between runs) and comes back when they return; Reset Layout puts the
current workspace back to its record. The canvas always keeps ``CANVAS_MIN``, so no panel can
squeeze it to a strip, and dock tabs never elide their labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QTabBar, QToolBar

from playground.ui.learn.registry import LEARN_PANELS
from playground.ui.panels.registry import PANELS

LEFT, RIGHT, BOTTOM = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea,
                       Qt.DockWidgetArea.BottomDockWidgetArea)
#: the canvas's least size in pixels: its fair share at 1280x800, kept whatever the docks ask
CANVAS_MIN = (440, 300)
STATE_VERSION = 2


@dataclass(frozen=True)
class DockGroup:
    area: Qt.DockWidgetArea
    keys: tuple[str, ...]  # tabbed together; the first is raised
    share: float  # of the window's width (left/right) or height (bottom)


@dataclass(frozen=True)
class Workspace:
    key: str
    title: str
    shortcut: str
    tip: str
    groups: tuple[DockGroup, ...]

    @property
    def docks(self) -> tuple[str, ...]:
        return tuple(key for group in self.groups for key in group.keys)


WORKSPACES = (
    Workspace("build", "Build", "Ctrl+1", "Draw the network: layers, inspector, dataset, problems, summary and code",
              (DockGroup(LEFT, ("layers",), 0.18), DockGroup(RIGHT, ("inspector", "dataset"), 0.25),
               DockGroup(BOTTOM, ("problems", "summary", "code"), 0.22))),
    Workspace("train", "Train", "Ctrl+2", "Train it: training settings, dataset and the live curves",
              (DockGroup(RIGHT, ("training", "dataset"), 0.32), DockGroup(BOTTOM, ("curves", "problems"), 0.4))),
    Workspace("inside", "Look Inside", "Ctrl+3", "Look inside the network: activations, filters, receptive "
              "fields, decision boundary, training health, evaluation",
              (DockGroup(BOTTOM, tuple(e.key for e in PANELS) + ("curves",), 0.52),)),
    Workspace("learn", "Learn", "Ctrl+4", "The mechanics views: backprop, optimizers, landscapes, activations, "
              "losses, convolution arithmetic, function fitting",
              (DockGroup(BOTTOM, tuple(e.key for e in LEARN_PANELS), 0.55),)),
)
BY_KEY = {w.key: w for w in WORKSPACES}
#: docks that belong to no workspace and stay where they are when the workspace changes (the Lesson
#: dock: a student follows a lesson's steps across Build, Train and Look Inside)
PINNED = ("lesson",)


def workspace_of(dock_key: str, current: str = "") -> str | None:
    """The workspace that holds ``dock_key``: the current one if it does, else the first that does."""
    if current in BY_KEY and dock_key in BY_KEY[current].docks:
        return current
    return next((w.key for w in WORKSPACES if dock_key in w.docks), None)


def unelide_tabs(window) -> None:
    """Dock tab bars show whole labels (scroll buttons, never "Pro…"), and a tab bar left over from
    an earlier arrangement is hidden: Qt keeps the bars of tab groups it has taken apart, still
    showing, where they float over the panels (e.g. "Dataset | Training Settings" over a Learn view).
    A bar is stale when it has no tab or names a dock that is hidden (Qt drops hidden docks from the
    bars it uses)."""
    hidden = {dock.windowTitle() for dock in window.docks.values() if dock.isHidden()}
    for bar in window.findChildren(QTabBar):
        if bar.parent() is window:
            bar.setElideMode(Qt.TextElideMode.ElideNone)
            bar.setUsesScrollButtons(True)
            bar.setExpanding(False)
            titles = {bar.tabText(i) for i in range(bar.count())}
            if not titles or titles & hidden:
                bar.hide()


class Workspaces:
    def __init__(self, window):
        self.window = window
        self.current = WORKSPACES[0].key
        self.states: dict[str, QByteArray] = {}
        self.after_arrange: list = []  # called after every switch and reset (a pinned dock's owner)
        window.view.setMinimumSize(*CANVAS_MIN)
        self.group = QActionGroup(window)
        self.actions: dict[str, QAction] = {}
        self.toolbar = QToolBar("Workspaces", window)
        self.toolbar.setObjectName("toolbar_workspaces")
        self.toolbar.setAccessibleName("Workspaces")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for ws in WORKSPACES:
            action = QAction(ws.title, window)
            action.setObjectName(f"workspace_{ws.key}")
            action.setCheckable(True)
            action.setShortcut(QKeySequence(ws.shortcut))
            action.setToolTip(f"{ws.title} workspace: {ws.tip} ({ws.shortcut})")
            action.setStatusTip(ws.tip)
            action.triggered.connect(lambda _c=False, key=ws.key: self.switch(key))
            self.group.addAction(action)
            self.toolbar.addAction(action)
            self.actions[ws.key] = action
        self.actions[self.current].setChecked(True)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    def add_menu(self, view_menu) -> None:
        menu = view_menu.addMenu("&Workspace")
        menu.addActions(list(self.actions.values()))

    # ---- switching ------------------------------------------------------------------------------------

    def switch(self, key: str) -> None:
        if key not in BY_KEY:
            return
        self.actions[key].setChecked(True)
        if key == self.current:
            return
        self.states[self.current] = self.window.saveState(STATE_VERSION)
        self.current = key
        state = self.states.get(key)
        if not (state is not None and self.window.restoreState(state, STATE_VERSION)):
            self.apply_default()
        unelide_tabs(self.window)
        for hook in self.after_arrange:
            hook()

    def show_dock(self, dock_key: str) -> None:
        """Go to the workspace that holds ``dock_key`` (unless the current one shows it)."""
        dock = self.window.docks[dock_key]
        if dock.isVisible() and (dock.isFloating() or not dock.visibleRegion().isEmpty()):
            return
        target = workspace_of(dock_key, self.current)
        if target is not None:
            self.switch(target)

    def apply_default(self) -> None:
        """Arrange the docks as the current workspace's record says (Reset Layout)."""
        window, ws = self.window, BY_KEY[self.current]
        arranged = {key: dock for key, dock in window.docks.items() if key not in PINNED}
        for key, dock in arranged.items():
            dock.setFloating(False)
            if key not in ws.docks:
                dock.hide()
        for dock in arranged.values():
            window.removeDockWidget(dock)
        for group in ws.groups:
            first = window.docks[group.keys[0]]
            window.addDockWidget(group.area, first)
            first.show()
            for key in group.keys[1:]:
                window.tabifyDockWidget(first, window.docks[key])
                window.docks[key].show()
        for key, dock in arranged.items():
            if key not in ws.docks:
                dock.hide()
        for group in ws.groups:
            window.docks[group.keys[0]].raise_()
        self.apply_sizes()
        unelide_tabs(window)
        QTimer.singleShot(0, lambda: unelide_tabs(window))
        for hook in self.after_arrange:
            hook()

    def apply_sizes(self) -> None:
        window, ws = self.window, BY_KEY[self.current]
        for group in ws.groups:
            dock = window.docks[group.keys[0]]
            if group.area == BOTTOM:
                size = int(window.height() * group.share)
                window.resizeDocks([dock], [size], Qt.Orientation.Vertical)
            else:
                size = int(window.width() * group.share)
                window.resizeDocks([dock], [size], Qt.Orientation.Horizontal)

    # ---- memory ---------------------------------------------------------------------------------------

    def save(self, settings) -> None:
        self.states[self.current] = self.window.saveState(STATE_VERSION)
        settings.setValue("window/workspace", self.current)
        for key, state in self.states.items():
            settings.setValue(f"window/workspace_state/{key}", state)

    def restore(self, settings) -> bool:
        for ws in WORKSPACES:
            state = settings.value(f"window/workspace_state/{ws.key}")
            if isinstance(state, QByteArray):
                self.states[ws.key] = state
        key = settings.value("window/workspace")
        key = key if key in BY_KEY else WORKSPACES[0].key
        self.current = key
        self.actions[key].setChecked(True)
        state = self.states.get(key)
        restored = state is not None and self.window.restoreState(state, STATE_VERSION)
        if not restored:
            self.apply_default()
        unelide_tabs(self.window)
        return restored
