"""The dataset panel: which dataset the project trains on, what it holds, and whether the
network's input fits it.

The dataset's name comes from the project at once; its details (title, task, shapes, classes,
where the files come from) come from ``playground.data`` once the background import has loaded
it (that package imports torch). Choosing another dataset and previews belong to the training
issue; this panel describes what the project says.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from playground.graph.shapes import format_shape
from playground.ui import preload, style
from playground.ui.document import Document


def network_input_shape(doc: Document):
    inputs = doc.graph.input_nodes()
    if not inputs:
        return None
    if inputs[0].kind == "PointsInput":  # the model takes raw (x1, x2); features are computed inside
        return (2,)
    return doc.shapes.shape(inputs[0].id)


class DatasetPanel(QWidget):
    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.details: dict | None = None
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(scroll)
        doc.project_replaced.connect(self._load)
        doc.analysis_changed.connect(self.refresh)
        self._load()

    @property
    def name(self) -> str:
        return str(self.doc.project.dataset.get("name", ""))

    def _load(self) -> None:
        self.details = None
        self.refresh()
        preload.when_ready(self._fetch, self)

    def _fetch(self) -> None:
        try:
            from playground.data import list_datasets
        except ImportError:
            return
        try:
            self.details = next((d for d in list_datasets() if d["name"] == self.name), None)
        except Exception as exc:  # a broken dataset table must not break the window
            self.details = {"name": self.name, "description": f"(cannot read the dataset table: {exc})"}
        self.refresh()

    def refresh(self) -> None:
        d = self.details
        if d is None:
            self.label.setText(f"<b>Dataset</b>: {self.name or 'none'}<br><span style='color:#5A6270'>"
                               "loading its description…</span>")
            return
        rows = [f"<b>{d.get('title', self.name)}</b> <span style='color:#5A6270'>({self.name})</span>",
                d.get("description", "")]
        if "task" in d:
            rows.append(f"<b>Task</b>: {d['task']}")
        shape = d.get("input_shape")
        if shape:
            rows.append(f"<b>One sample</b>: {format_shape(tuple(shape))}")
            net = network_input_shape(self.doc)
            if net is not None and tuple(net) != tuple(shape):
                rows.append(f"<span style='color:{style.ERROR.name()}'>The network's input layer takes "
                            f"{format_shape(net)}, but this dataset's samples are {format_shape(tuple(shape))}; "
                            "change the input layer's size to match.</span>")
            elif net is not None:
                rows.append("<span style='color:#2E7D32'>The network's input fits these samples.</span>")
        if d.get("class_names"):
            names = ", ".join(d["class_names"][:12]) + (" …" if len(d["class_names"]) > 12 else "")
            rows.append(f"<b>Classes</b> ({d.get('classes', len(d['class_names']))}): {names}")
        if d.get("source"):
            rows.append(f"<b>Source</b>: {d['source']}")
        if d.get("available") is False:
            rows.append(f"<span style='color:{style.WARNING.name()}'>Not on this computer yet: "
                        f"see <tt>playground datasets</tt> to get it.</span>")
        self.label.setText("<br>".join(r for r in rows if r))
