"""Puts training into the main window: one call, ``attach(window)``, so the window's own module
needs only two lines (make it, shut it down on close).

Owns ``TrainingUI``: the session, the toolbar, the Train menu, the status line, the Curves dock
and how failures are shown (a message box plus the status bar; the app stays up and the project
is untouched).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QMessageBox, QVBoxLayout, QWidget

from playground.ui.common import preload
from playground.ui.learn.registry import LEARN_PANELS

from playground.ui.panels.curves import CurvesPanel
from playground.ui.panels.input_choice import InputChoice
from playground.ui.panels.probe_panel import PanelContext
from playground.ui.panels.registry import PANELS, PanelHost
from playground.ui.training.controls import StatusLine, TrainingToolbar
from playground.ui.training.fit_issues import watch_fit
from playground.ui.training.session import TrainingSession


def dock_on_screen(dock) -> bool:
    """Whether a dock's content can be seen: a floating dock when shown, a docked one when it is
    also its tab group's current tab. (Floating a tab that was not the current one reports only
    ``visibilityChanged(False)``, so ``topLevelChanged`` asks this afterwards.)"""
    return dock.isVisible() and (dock.isFloating() or not dock.visibleRegion().isEmpty())


class TrainingUI:
    def __init__(self, window):
        self.window = window
        self.session = TrainingSession(window.doc, window)
        self.toolbar = TrainingToolbar(self.session, window)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.status_line = StatusLine(self.session)
        window.statusBar().addPermanentWidget(self.status_line)
        self.curves = CurvesPanel(self.session)
        window._add_dock("curves", "Curves", self.curves, Qt.DockWidgetArea.BottomDockWidgetArea)
        window.tabifyDockWidget(window.docks["problems"], window.docks["curves"])
        self.choice = InputChoice(window)
        window.doc.project_replaced.connect(self.choice.forget)  # a drawn input belongs to its project
        self.context = PanelContext(window.doc, self.session, self.choice)
        self.hosts: dict[str, PanelHost] = {}
        previous = "curves"
        for entry in PANELS + LEARN_PANELS:  # tabbed beside the curves; built when first shown
            host = self.hosts[entry.key] = PanelHost(entry, self.context)
            window._add_dock(entry.key, entry.title, host, Qt.DockWidgetArea.BottomDockWidgetArea)
            window.docks[entry.key].setToolTip(entry.tip)
            self._watch(window.docks[entry.key], host)
            window.tabifyDockWidget(window.docks[previous], window.docks[entry.key])
            previous = entry.key
        self.hide_learn()
        window.docks["problems"].raise_()  # the inside panels wait behind their tabs until asked for
        self.settings = None  # built once the background imports are done (it reads torch's registries)
        self.settings_box = QWidget()
        box_layout = QVBoxLayout(self.settings_box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(QLabel("Loading the training settings…"))
        window._add_dock("training", "Training Settings", self.settings_box, Qt.DockWidgetArea.RightDockWidgetArea)
        window.tabifyDockWidget(window.docks["dataset"], window.docks["training"])
        window.docks["dataset"].raise_()
        preload.when_ready(self._build_settings, self.settings_box)
        self.last_error = ""
        self.session.ask_keep_weights = self.ask_keep_weights
        self.session.failed.connect(self.show_failure)
        self.session.message.connect(lambda text: window.statusBar().showMessage(text, 8000))
        self.session.state_changed.connect(self._raise_curves)
        watch_fit(window.doc, self.session, window)  # network/dataset/loss fit joins the document's issues

    def hide_learn(self) -> None:
        """The Learn views wait in the Learn menu, not as tabs (at start and after Reset Layout)."""
        for entry in LEARN_PANELS:
            self.window.docks[entry.key].hide()

    @staticmethod
    def _watch(dock, host: PanelHost) -> None:
        """``host`` follows whether ``dock`` can be seen: a tab made current or hidden behind another
        (``visibilityChanged``), or the dock floated out or docked back (``topLevelChanged``, asked
        again once the move is done)."""
        dock.visibilityChanged.connect(host.set_on_screen)
        dock.topLevelChanged.connect(lambda _floating: QTimer.singleShot(0, lambda: host.set_on_screen(dock_on_screen(dock))))

    def _build_settings(self) -> None:
        from playground.ui.training.settings_panel import SettingsPanel

        layout = self.settings_box.layout()
        while layout.count():
            layout.takeAt(0).widget().deleteLater()
        self.settings = SettingsPanel(self.session)
        layout.addWidget(self.settings)

    def show_panel(self, key: str):
        """Show and raise panel ``key`` (a PANELS or LEARN_PANELS key, or "curves"); returns the built
        panel. A Learn view gets half the window's height (it draws a network or a surface)."""
        self.window.workspaces.show_dock(key)
        dock = self.window.docks[key]
        dock.show()
        dock.raise_()
        learn = any(entry.key == key for entry in LEARN_PANELS)
        least = max(300, self.window.height() // 2 - 20) if learn else 300
        if dock.height() < least and not dock.isFloating():
            height = max(least, self.window.height() * 2 // 5)
            self.window.resizeDocks([dock], [height], Qt.Orientation.Vertical)
        if key not in self.hosts:
            return self.curves
        host = self.hosts[key]
        host.on_screen = True
        panel = host.panel()
        if panel is not None and hasattr(panel, "set_on_screen"):
            panel.set_on_screen(True)
        return panel

    def add_menu(self) -> None:
        """A Train menu (before Help) with the toolbar's actions."""
        bar = self.window.menuBar()
        help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
        from PySide6.QtWidgets import QMenu

        menu = QMenu("&Train", self.window)
        for action in self.toolbar.actions_by_key.values():
            menu.addAction(action)
        menu.addSeparator()
        sweep = menu.addAction("Hyperparameter &Sweep…")
        sweep.setStatusTip("Train many configurations at once (grid or random search) and keep the best settings")
        sweep.triggered.connect(self.show_sweep)
        self.sweep_action = sweep
        inside = menu.addMenu("&Look Inside")
        for entry in PANELS:
            action = inside.addAction(entry.title.replace("&", "&&"))  # "Filters & Weights", not a mnemonic
            action.setShortcut(entry.shortcut)
            action.setStatusTip(entry.tip)
            action.triggered.connect(lambda _c=False, key=entry.key: self.show_panel(key))
        self.inside_menu = inside
        bar.insertMenu(help_action, menu) if help_action else bar.addMenu(menu)
        self.menu = menu
        learn = QMenu("&Learn", self.window)  # the mechanics views, from ui.learn.registry
        for entry in LEARN_PANELS:
            action = learn.addAction(entry.title)
            action.setShortcut(entry.shortcut)
            action.setStatusTip(entry.tip)
            action.setToolTip(entry.tip)
            action.triggered.connect(lambda _c=False, key=entry.key: self.show_panel(key))
        bar.insertMenu(help_action, learn) if help_action else bar.addMenu(learn)
        self.learn_menu = learn

    def show_sweep(self):
        """The Hyperparameter Sweep dialog (one per window, kept with its results between openings)."""
        from playground.ui.training.sweep_dialog import SweepDialog

        if getattr(self, "sweep_dialog", None) is None:
            self.sweep_dialog = SweepDialog(self.session, self.window)
        self.sweep_dialog.show()
        self.sweep_dialog.raise_()
        return self.sweep_dialog

    def _raise_curves(self, state: str, _text: str) -> None:
        if state in ("loading", "running"):
            if any(host.on_screen for host in self.hosts.values()):
                return  # the person is looking inside the network: do not take that away
            self.window.workspaces.show_dock("curves")
            dock = self.window.docks["curves"]
            if not dock.isVisible() or dock.visibleRegion().isEmpty():
                dock.show()
                dock.raise_()
            if dock.height() < 260 and not dock.isFloating():
                self.window.resizeDocks([dock], [max(260, self.window.height() // 3)], Qt.Orientation.Vertical)

    def ask_keep_weights(self, names: list[str]) -> bool:
        """The network or its data changed after training: keep the unchanged layers' weights?"""
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        answer = QMessageBox.question(
            self.window, "Keep the trained weights?",
            f"The network or its data changed since it was trained. {len(names)} layer(s) did not change "
            f"({shown}).\n\nKeep their trained weights? Yes: they go on from what they learned; the changed "
            "layers start from new initial weights. No: every layer starts afresh.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        return answer == QMessageBox.StandardButton.Yes

    def show_failure(self, reason: str) -> None:
        self.last_error = reason
        self.window.statusBar().showMessage(f"Training stopped: {reason}", 20000)
        QMessageBox.warning(self.window, "Training stopped", reason[:1].upper() + reason[1:])

    def shutdown(self) -> bool:
        if getattr(self, "sweep_dialog", None) is not None:
            self.sweep_dialog.cancel()
        for host in self.hosts.values():  # a view with a worker of its own (the GAN view) joins it
            built = host._panel
            if built is not None and hasattr(built, "shutdown"):
                built.shutdown()
        return self.session.shutdown()


def attach(window) -> TrainingUI:
    ui = TrainingUI(window)
    ui.add_menu()
    return ui
