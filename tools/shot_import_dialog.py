"""Renders docs/images/transfer-import-dialog.png offscreen: File > Import Trained Layers on the
transfer_target preset, reading a transfer_source_digits checkpoint (two layers refused, in words).

    QT_QPA_PLATFORM=offscreen python tools/shot_import_dialog.py [SOURCE.pt]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from playground.graph.project import load_project
    from playground.nn.build import build_module
    from playground.nn.export import export_project
    from playground.ui.window.main_window import MainWindow
    from playground.ui.transfer.import_dialog import ImportLayersDialog
    from playground.ui.transfer.import_ops import read_rows

    app = QApplication.instance() or QApplication([])
    if len(sys.argv) > 1:
        source = Path(sys.argv[1])
    else:
        project = load_project("transfer_source_digits")
        source = export_project(project, "pt", Path(tempfile.mkdtemp()) / "transfer_source_digits.pt",
                                module=build_module(project.graph, seed=0))
    window = MainWindow()
    window.set_project(load_project("transfer_target"))
    _state, rows = read_rows(window, source)
    dialog = ImportLayersDialog(rows, source.name, None, window)
    dialog.freeze.setChecked(True)
    dialog.resize(820, 360)
    dialog.show()
    app.processEvents()
    out = Path(__file__).resolve().parents[1] / "docs" / "images" / "transfer-import-dialog.png"
    dialog.grab().save(str(out))
    print("wrote", out)
    window.doc.mark_saved()
    dialog.close()
    window.close()


if __name__ == "__main__":
    main()
