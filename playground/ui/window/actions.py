"""The menu bar as a table: one record per action (menu, text, shortcuts, tip, what it calls).

``build_actions`` turns the table into QActions on the main window and fills the menus; the Help's
shortcut list is generated from the same table, so it cannot go stale. ``slot`` names a method of
the window (``"fit_view"``) or of one of its parts (``"files.save"``).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence

MENUS = ("File", "Edit", "View", "Network", "Help")


@dataclass(frozen=True)
class ActionSpec:
    key: str
    menu: str  # one of MENUS; "" for actions that live only in context menus
    text: str
    shortcuts: tuple[str, ...]
    tip: str
    slot: str
    separator_before: bool = False


ACTIONS = (
    ActionSpec("new", "File", "&New", ("Ctrl+N",), "Start an empty network", "files.new_project"),
    ActionSpec("new_preset", "File", "New from &Preset…", ("Ctrl+Shift+N",), "Start from a ready-made network",
               "files.new_from_preset"),
    ActionSpec("open", "File", "&Open…", ("Ctrl+O",), "Open a project file (.pgproj)", "files.open_dialog"),
    ActionSpec("save", "File", "&Save", ("Ctrl+S",), "Save the project", "files.save", True),
    ActionSpec("save_as", "File", "Save &As…", ("Ctrl+Shift+S",), "Save the project under a new name", "files.save_as"),
    ActionSpec("export_py", "Export", "PyTorch source (.py)…", ("Ctrl+Shift+E",),
               "The network as readable Python that needs only PyTorch", "files.export_py"),
    ActionSpec("export_pt", "Export", "Weights and network (.pt)…", (), "torch.save of the weights plus the project",
               "files.export_pt"),
    ActionSpec("export_onnx", "Export", "ONNX (.onnx)…", (), "For other frameworks and runtimes (needs the onnx extra)",
               "files.export_onnx"),
    ActionSpec("export_json", "Export", "Project copy (.pgproj)…", (), "A copy of the project file", "files.export_json"),
    ActionSpec("export_script", "Export", "Training script (train.py)…", (),
               "A plain-PyTorch script that trains this network on this data (also under torchrun)",
               "files.export_script"),
    ActionSpec("save_weights", "File", "Save &Trained Weights", (),
               "Save the run beside the project (NAME.pgproj.pt) to continue it later", "files.save_trained_weights"),
    ActionSpec("import_layers", "File", "&Import Trained Layers…", (),
               "Start from the trained layers of another project's checkpoint or exported .pt (transfer learning)",
               "files.import_layers"),
    ActionSpec("quit", "File", "&Quit", ("Ctrl+Q",), "Close Playground (asks about unsaved changes)", "close", True),
    ActionSpec("cut", "Edit", "Cu&t", ("Ctrl+X",), "Copy the selected layers and delete them", "cut", True),
    ActionSpec("copy", "Edit", "&Copy", ("Ctrl+C",), "Copy the selected layers (and the connections between them)",
               "copy"),
    ActionSpec("paste", "Edit", "&Paste", ("Ctrl+V",), "Paste copied layers", "paste"),
    ActionSpec("duplicate", "Edit", "&Duplicate", ("Ctrl+D",), "Copy and paste the selected layers in one step",
               "duplicate"),
    ActionSpec("delete", "Edit", "&Delete", ("Delete", "Backspace"),
               "Delete the selected layers, or disconnect the selected connections", "delete_selection"),
    ActionSpec("select_all", "Edit", "Select &All", ("Ctrl+A",), "Select every layer", "select_all", True),
    ActionSpec("rename", "Edit", "&Rename Layer", ("F2",), "Edit the selected layer's name in the inspector",
               "rename_selected"),
    ActionSpec("zoom_in", "View", "Zoom &In", ("Ctrl++", "Ctrl+="), "Magnify the canvas", "zoom_in"),
    ActionSpec("zoom_out", "View", "Zoom &Out", ("Ctrl+-",), "Shrink the canvas", "zoom_out"),
    ActionSpec("fit", "View", "&Fit to View", ("Ctrl+0",), "Show the whole network", "fit_view"),
    ActionSpec("actual_size", "View", "&Actual Size", ("Ctrl+Alt+0",), "Zoom to 100 %", "actual_size"),
    ActionSpec("show_problems", "View", "&Problems", ("Ctrl+Shift+P",), "Show the list of problems and advice",
               "show_problems", True),
    ActionSpec("show_summary", "View", "&Summary Table", ("Ctrl+Shift+T",),
               "Per-layer shapes, parameters, multiply-adds, receptive fields", "show_summary"),
    ActionSpec("show_code", "View", "PyTorch &Code", ("Ctrl+Shift+C",), "The network as PyTorch source", "show_code"),
    ActionSpec("find_layer", "View", "Find &Layer", ("Ctrl+F",), "Search the layer palette", "find_layer"),
    ActionSpec("reset_layout", "View", "&Reset Panel Layout", (), "Put this workspace's panels back where they started",
               "reset_layout", True),
    ActionSpec("auto_layout", "Network", "&Auto Layout", ("Ctrl+L",), "Arrange the layers top to bottom",
               "auto_layout"),
    ActionSpec("connect", "Network", "&Connect Selected Layers", ("Ctrl+E",),
               "Connect the two selected layers, the upper one into the lower one (undoable)", "connect_selected"),
    ActionSpec("check", "Network", "&Check Network", ("Ctrl+K",), "List every problem and show the summary table",
               "check_network"),
    ActionSpec("help", "Help", "&Getting Started", ("F1",), "How to build a network here", "help.getting_started"),
    ActionSpec("shortcuts", "Help", "&Keyboard Shortcuts", (), "Every shortcut", "help.shortcuts"),
    ActionSpec("about", "Help", "&About Playground", (), "Version and licence", "help.about"),
)


def shortcut_text(spec: ActionSpec) -> str:
    return ", ".join(QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in spec.shortcuts)


def resolve(owner, slot: str):
    target = owner
    for part in slot.split("."):
        target = getattr(target, part)
    return target


def build_actions(window) -> dict[str, QAction]:
    """One QAction per record, triggering ``window``'s slot; shortcuts work window-wide."""
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, window)
        action.setObjectName(f"action_{spec.key}")
        action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
        tip = spec.tip + (f" ({shortcut_text(spec)})" if spec.shortcuts else "")
        action.setToolTip(tip)
        action.setStatusTip(spec.tip)
        action.triggered.connect(lambda _checked=False, slot=spec.slot: resolve(window, slot)())
        window.addAction(action)
        actions[spec.key] = action
    return actions
