"""The main window: the canvas in the middle, dockable panels around it, menus from the action
table, and the status bar's one-line verdict on the network.

Panels: Layers (palette), Inspector, Dataset, Problems / Summary / Code, and the training, inside
and Learn docks, arranged by workspace (``ui.window.workspaces``: Build, Train, Look Inside, Learn); each
workspace's arrangement is remembered between runs (QSettings). The window owns one ``Document`` for its
whole life; opening another project swaps the document's project, and every panel follows.
"""

from __future__ import annotations


from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow, QMenu, QToolButton, QWidget

from playground.graph.project import Project
from playground.graph.shapes import format_shape, human_count
from playground.ui.common import config, preload, style
from playground.ui.window.actions import ACTIONS, MENUS, build_actions
from playground.ui.canvas.scene import GraphScene
from playground.ui.canvas.view import GraphView
from playground.ui.window.canvas_actions import CanvasActions
from playground.ui.editor.code_view import CodeView
from playground.ui.dataset.panel import DatasetPanel
from playground.ui.project.document import Document
from playground.ui.editor.edits import Editor
from playground.ui.project.file_ops import FileController
from playground.ui.window.help_dialogs import HelpMenu
from playground.ui.window.icons import app_icon
from playground.ui.editor.inspector import Inspector
from playground.ui.learn.lessons_present import LessonsUI
from playground.ui.learn.menu import follow_selection
from playground.ui.editor.palette import Palette
from playground.ui.editor.problems_panel import ProblemsPanel
from playground.ui.editor.summary_view import SummaryView
from playground.ui.training.attach import TrainingUI
from playground.ui.window.workspaces import Workspaces


class _PaintWatch(QObject):
    """Notes the canvas's first paint: only then do the heavy imports start."""

    def __init__(self, callback):
        super().__init__()
        self.callback = callback

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint and self.callback is not None:
            callback, self.callback = self.callback, None
            callback()
        return False


class MainWindow(QMainWindow, CanvasActions):
    #: the canvas has painted for the first time (the background imports start now)
    first_painted = Signal()

    def __init__(self, project: Project | None = None, restore_layout: bool = True):
        super().__init__()
        self.setObjectName("main_window")
        self.setWindowIcon(app_icon())
        self.doc = Document(project or Project(name="Untitled"), self)
        self.editor = Editor(self.doc)
        self.scene = GraphScene(self.doc, self.editor, self)
        self.view = GraphView(self.scene)
        self.setCentralWidget(self.view)
        self.view.setAccessibleName("Network canvas")
        self.view.setAccessibleDescription("The layers of the network and their connections; select two layers "
                                           "and press Ctrl+E to connect them")
        self._paint_watch = _PaintWatch(self._painted)
        self.view.viewport().installEventFilter(self._paint_watch)
        self.palette = Palette()
        self.inspector = Inspector(self.doc, self.editor)
        self.dataset = DatasetPanel(self.doc)
        self.problems = ProblemsPanel(self.doc)
        self.summary = SummaryView(self.doc)
        self.code = CodeView(self.doc)
        self.docks: dict[str, QDockWidget] = {}
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("layers", "Layers", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("inspector", "Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("dataset", "Dataset", self.dataset, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("problems", "Problems", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._add_dock("summary", "Summary", self.summary, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._add_dock("code", "Code", self.code, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.docks["problems"], self.docks["summary"])
        self.tabifyDockWidget(self.docks["summary"], self.docks["code"])
        self.docks["problems"].raise_()
        self.training = TrainingUI(self)  # toolbar, curves and settings docks, the worker-thread bridge
        self.help = HelpMenu(self)
        self.files = FileController(self)
        self.action_map = build_actions(self)
        self._build_menus()
        self.training.add_menu()
        self.workspaces = Workspaces(self)
        self.removeToolBar(self.workspaces.toolbar)  # first on the row, before the training controls
        self.insertToolBar(self.training.toolbar, self.workspaces.toolbar)
        self.workspaces.toolbar.show()
        self.workspaces.add_menu(self._view_menu)
        self._build_theme_menu()
        follow_selection(self)  # the Learn views that show the selected layer
        self.lessons = LessonsUI(self)  # the Lesson dock, Help > Lessons, View > Present (F11)
        self.workspaces.after_arrange.append(  # the Lesson dock stays beside every workspace while a lesson is open
            lambda: self.lessons.dock.setVisible(self.lessons.panel.lesson is not None))
        self._build_status_bar()
        self._wire()
        self.resize(1280, 800)
        self.workspaces.apply_default()
        self._restored = restore_layout and self.restore_layout()
        self.update_title()
        self.update_verdict()

    @property
    def dataset_dock(self) -> QDockWidget:
        return self.docks["dataset"]

    # ---- construction --------------------------------------------------------------------------------

    def _add_dock(self, key: str, title: str, widget: QWidget, area) -> None:
        dock = QDockWidget(title.replace("&", "&&"), self)  # a literal "&" (tabs and menus take one as a mnemonic)
        dock.setObjectName(f"dock_{key}")
        dock.setWidget(widget)
        dock.setAccessibleName(f"{title} panel")
        if not widget.accessibleName():
            widget.setAccessibleName(title)
        self.addDockWidget(area, dock)
        self.docks[key] = dock

    def _build_menus(self) -> None:
        bar = self.menuBar()
        menus = {name: bar.addMenu(f"&{name}") for name in MENUS}
        undo = self.doc.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts(["Ctrl+Z"])
        redo = self.doc.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts(["Ctrl+Shift+Z", "Ctrl+Y"])
        self.action_map["undo"], self.action_map["redo"] = undo, redo
        menus["Edit"].addActions([undo, redo])
        export = QMenu("&Export", self)
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.aboutToShow.connect(lambda: self.files.fill_recent_menu(self.recent_menu))
        for spec in ACTIONS:
            menu = export if spec.menu == "Export" else menus.get(spec.menu)
            if menu is None:
                continue
            if spec.separator_before:
                menu.addSeparator()
            menu.addAction(self.action_map[spec.key])
            if spec.key == "open":
                menu.addMenu(self.recent_menu)
            if spec.key == "save_as":
                menu.addSeparator()
                menu.addMenu(export)
        view = self._view_menu = menus["View"]
        view.addSeparator()
        panels = view.addMenu("&Panels")
        for dock in self.docks.values():
            panels.addAction(dock.toggleViewAction())
        blocks = menus["Network"].addMenu("Insert &Block")
        for payload, item in self.palette.entries().items():
            if payload.startswith("block:"):
                action = blocks.addAction(item.text(0))
                action.setStatusTip("Add it after the selected layer")
                action.triggered.connect(lambda _c=False, p=payload: self.add_from_palette(p))
        self.view.context_actions = {
            "node": [self.action_map[k] for k in ("cut", "copy", "duplicate", "delete", "rename")],
            "edge": [self.action_map["delete"]],
            "canvas": [self.action_map[k] for k in ("paste", "select_all", "auto_layout", "fit")],
        }
        self.action_map["delete"].setText("&Delete / Disconnect")

    def _build_theme_menu(self) -> None:
        """View > Theme: System (the desktop's palette), Light or Dark; remembered between runs."""
        menu = self._view_menu.addMenu("&Theme")
        group = QActionGroup(self)
        chosen = style.theme_from_env(str(config.settings().value("theme", "system")))
        self.theme_actions = {}
        for name in style.THEME_CHOICES:
            action = menu.addAction(name.capitalize())
            action.setCheckable(True)
            action.setChecked(name == chosen)
            action.setStatusTip(f"Draw the app in the {name} colours" if name != "system"
                                else "Follow the desktop's colours")
            action.triggered.connect(lambda _c=False, n=name: self.set_theme(n))
            group.addAction(action)
            self.theme_actions[name] = action

    def set_theme(self, name: str) -> None:
        style.apply_theme(QApplication.instance(), name)
        config.settings().setValue("theme", name)
        self.theme_actions[name].setChecked(True)
        self.scene.update()
        self.view.viewport().update()
        self.update_verdict()

    def _build_status_bar(self) -> None:
        self.verdict = QToolButton()
        self.verdict.setAutoRaise(True)
        self.verdict.setToolTip("Click to list every problem")
        self.verdict.clicked.connect(self.show_problems)
        self.zoom_label = QLabel()
        self.zoom_label.setToolTip("Zoom: mouse wheel, Ctrl +/-, Ctrl+0 fits the whole network")
        self.statusBar().addPermanentWidget(self.verdict)
        self.statusBar().addPermanentWidget(self.zoom_label)

    def _wire(self) -> None:
        self.palette.activated.connect(self.add_from_palette)
        self.scene.selected_ids.connect(self.inspector.show_nodes)
        self.scene.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.problems.node_clicked.connect(self.focus_node)
        self.summary.node_clicked.connect(self.focus_node)
        self.doc.refused.connect(self._refused)
        self.doc.dirty_changed.connect(lambda _d: self.update_title())
        self.doc.analysis_changed.connect(self.update_verdict)
        self.doc.project_replaced.connect(self.update_title)
        self.files.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f} %"))

    def _painted(self) -> None:
        self.first_painted.emit()
        QTimer.singleShot(0, preload.start)

    # ---- project ---------------------------------------------------------------------------------------

    def set_project(self, project: Project, dirty: bool = False) -> None:
        self.doc.set_project(project, dirty=dirty)
        self.show_network()

    def show_network(self) -> None:
        """The first view of a network: readable, and showing its first problem if it has one."""
        self.view.show_readable()
        errors = [i.node_id for i in self.doc.errors() if i.node_id in self.scene.nodes]
        if errors:
            self.view.ensureVisible(self.scene.nodes[errors[0]], 60, 60)

    def update_title(self) -> None:
        project = self.doc.project
        where = project.path.name if project.path else "not saved yet"
        self.setWindowTitle(f"{project.name} ({where})[*] — Playground")
        self.setWindowModified(self.doc.dirty)

    def update_verdict(self) -> None:
        errors = self.doc.errors()
        if errors:
            self.verdict.setText(f"\u2716 {len(errors)} problem{'s' * (len(errors) > 1)}: click to see")
            self.verdict.setStyleSheet(style.css("ERROR_TEXT", "font-weight: bold;"))
            return
        shapes, graph = self.doc.shapes, self.doc.graph
        ends = graph.output_nodes()
        out = format_shape(shapes.shape(ends[0].id)) if ends else "?"
        self.verdict.setText(f"\u2714 Network OK: {len(graph.nodes)} layers, "
                             f"{human_count(shapes.total_params)} parameters, output {out}")
        self.verdict.setStyleSheet(style.css("OK_TEXT"))

    def _refused(self, message: str) -> None:
        self.statusBar().showMessage(f"Not done: {message}", 10000)
        self.inspector.show_refusal(message)

    def closeEvent(self, event) -> None:
        if not self.files.confirm_discard():
            event.ignore()
            return
        self.shutdown()  # stop and join every worker thread before Qt goes away
        self.save_layout()
        self.files.close_autosave()
        self.doc.release()
        event.accept()

    def shutdown(self) -> bool:
        """Stop and join the threads this window started: training, the dataset preview, exports.

        Every exit path calls it (closing the window, ``screenshot``, the app quitting) before the
        QApplication is destroyed: a worker left running into interpreter shutdown aborted the
        process now and then. True when no thread is left."""
        done = self.training.shutdown()
        done = self.dataset.shutdown() and done
        return self.files.shutdown() and done

    # ---- layout memory ---------------------------------------------------------------------------------

    def save_layout(self) -> None:
        settings = config.settings()
        settings.setValue("window/geometry", self.saveGeometry())
        self.workspaces.save(settings)

    def restore_layout(self) -> bool:
        settings = config.settings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        return self.workspaces.restore(settings)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._restored and not getattr(self, "_sized", False):
            self._sized = True  # dock sizes only stick once the window has its real size
            self.workspaces.apply_sizes()

    def reset_layout(self) -> None:
        """The current workspace's docks back where its record puts them (no empty Lesson dock)."""
        self.workspaces.apply_default()

    def show_panel(self, key: str) -> None:
        """Show dock ``key``, going to the workspace that holds it first."""
        self.workspaces.show_dock(key)
        dock = self.docks[key]
        dock.show()
        dock.raise_()

    # ---- actions (the canvas editing ones: canvas_actions.CanvasActions) ----------------------------

    def show_problems(self) -> None:
        self.show_panel("problems")

    def show_summary(self) -> None:
        self.show_panel("summary")

    def show_code(self) -> None:
        self.show_panel("code")

    def check_network(self) -> None:
        self.show_panel("summary")
        if self.doc.errors():
            self.show_panel("problems")
