"""The dataset panel: choose the project's dataset and its settings, and see what it holds.

Owns the panel's wiring: the description (title, task, sample shape, classes, source, and whether
the network's input fits the samples), the form (``form.DatasetForm``: dataset, parameters,
split ratios, augmentation), the Regenerate button and the preview (``preview``), which is
computed in a background thread so that loading 60,000 images never freezes the window.

The dataset's name shows at once; the form and details come once the background import has loaded
``playground.data`` (it imports torch), so the window's first paint is not delayed. A change the
person makes is checked here (split ratios, files on this computer, the file or folder a CSV or
image-folder dataset reads, chosen with the form's Choose… button) and written with
``Document.set_dataset`` (one undo step) only when it is good; otherwise the panel says what is
wrong and the project stays as it was.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from playground.graph.shapes import format_shape
from playground.ui.common import preload, style
from playground.ui.project.document import Document

DEBOUNCE_MS = 150  # spin-box arrows held down: one load for the last value, not one per step


def network_input_shape(doc: Document):
    inputs = doc.graph.input_nodes()
    if not inputs:
        return None
    if inputs[0].kind == "PointsInput":  # the model takes raw (x1, x2); features are computed inside
        return (2,)
    return doc.shapes.shape(inputs[0].id)


def _whole(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def training_seed(doc: Document) -> int:
    """The seed training loads the data with: the dataset's own seed (set by Regenerate), else the
    training settings' seed; 0 when unset or bad."""
    own = _whole((doc.project.dataset or {}).get("seed"))
    if own is not None:
        return own
    return _whole((doc.project.training or {}).get("seed", 0)) or 0


class DatasetPanel(QWidget):
    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.details: dict | None = None  # the list_datasets() record of the dataset on show
        self.table: list[dict] | None = None
        self.form = None  # DatasetForm, built once playground.data is loaded
        self.preview = None  # DatasetPreview, likewise
        self.loader = None
        self.download = None  # DownloadRow, built with the form
        self.sample_seed = 0
        self._token = 0
        self._answered = 0  # the last request whose answer reached the GUI thread
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()  # why a change was not taken
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setStyleSheet(f"color:{style.ERROR.name()}")
        self.message.hide()
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setToolTip("Generated datasets: draw new samples (a new data seed, kept in the project). "
                                   "Datasets from files: load them again (after getting the files, say) and "
                                   "show other examples.")
        self.regenerate.clicked.connect(self.regenerate_preview)
        self.regenerate.setEnabled(False)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 4, 0)
        self.body_layout.addWidget(self.label)
        self.body_layout.addWidget(self.message)
        self.preview_row = QHBoxLayout()
        title = QLabel("<b>Preview</b>")
        self.preview_row.addWidget(title)
        self.preview_row.addStretch(1)
        self.preview_row.addWidget(self.regenerate)
        self.body_layout.addLayout(self.preview_row)
        self.body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(scroll)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._request_preview)
        doc.project_replaced.connect(self._load)
        doc.analysis_changed.connect(self.refresh)
        doc.dataset_changed.connect(self._project_dataset_changed)
        self._load()

    @property
    def name(self) -> str:
        """The dataset on show: the form's choice once there is a form, else the project's."""
        if self.form is not None and self.form.name:
            return self.form.name
        return str(self.doc.project.dataset.get("name", ""))

    # ---- loading the table and building the form ----------------------------------------------------

    def _load(self) -> None:
        """(Re)show the project's dataset: at once by name, in full once the data package is loaded."""
        self.details = None
        self.message.hide()
        if self.form is not None:
            self._fill_form()
        self.refresh()
        preload.when_ready(self._fetch, self)

    def _fetch(self) -> None:
        try:
            from playground.data import list_datasets
        except ImportError as exc:
            self.details = {"name": self.name, "description": f"(the data package cannot load: {exc})"}
            self.refresh()
            return
        try:
            self.table = list_datasets()
        except Exception as exc:  # a broken dataset table must not break the window
            self.details = {"name": self.name, "description": f"(cannot read the dataset table: {exc})"}
            self.refresh()
            return
        if self.form is None:
            self._build()
        self.form.set_table(self.table)
        self._fill_form()

    def shutdown(self) -> bool:
        """Join the preview's and the download's worker threads (the window is closing). True when
        none is left."""
        downloaded = self.download.shutdown() if self.download is not None else True
        return (self.loader.shutdown() if self.loader is not None else True) and downloaded

    def _build(self) -> None:
        from playground.ui.dataset.form import DatasetForm
        from playground.ui.dataset.preview import DatasetPreview, PreviewLoader

        self.form = DatasetForm()
        self.form.edited.connect(self._edited)
        self.form.details_slot.addWidget(self.label)  # the description sits under the combo
        self.body_layout.insertWidget(0, self.form)
        from playground.ui.dataset.download import DownloadRow

        self.download = DownloadRow()
        self.download.finished.connect(self._downloaded)
        self.body_layout.insertWidget(self.body_layout.indexOf(self.message) + 1, self.download)
        self.preview = DatasetPreview()
        self.body_layout.insertWidget(self.body_layout.count() - 1, self.preview)
        self.loader = PreviewLoader(self)
        self.loader.ready.connect(self._preview_ready)
        self.loader.failed.connect(self._preview_failed)
        self.regenerate.setEnabled(True)

    def _fill_form(self) -> None:
        """Put the project's dataset into the form, describe it and preview it."""
        dataset = dict(self.doc.project.dataset or {})
        self.form.fill(dataset)
        self._update_choices(dataset)
        self.message.hide()
        self._show_details()
        if self.form.name != dataset.get("name"):
            self._show_problem(f"The project names a dataset this app does not know: '{dataset.get('name')}'. "
                               "Choose one from the list.")
        self._check_and_preview(dataset)

    def _show_details(self) -> None:
        self.details = next((d for d in self.table or [] if d["name"] == self.name), None)
        if self.details is None:
            self.details = {"name": self.name, "description": "(not in the dataset table)"}
        if self.download is not None:
            self.download.offer(self.details)
        self.refresh()

    # ---- edits ---------------------------------------------------------------------------------------

    def _edited(self) -> None:
        """A person changed the form: write it to the project if it is good, else say why not."""
        if self.details is None or self.details.get("name") != self.form.name:
            self._show_details()
        dataset = self.form.value()
        if dataset.get("path") != (self.doc.project.dataset or {}).get("path"):
            self._update_choices(dataset)  # another CSV: other columns to choose the target from
            dataset = self.form.value()
        current = dict(self.doc.project.dataset or {})
        if "seed" in current and current.get("name") == dataset["name"]:
            dataset["seed"] = current["seed"]  # regenerated samples stay while their settings change
        problem = self.problem(dataset)
        if problem:
            self._show_problem(problem + f" The project still uses {self._project_summary()}.")
            self._token = -1  # a preview still loading is for other settings
            self._debounce.stop()
            self.preview.show_message("No preview until the settings above are fixed.")
            return
        self.message.hide()
        if dataset == dict(self.doc.project.dataset or {}):  # back to what the project has
            self._check_and_preview(dataset)
        else:
            self.doc.set_dataset(dataset, title=(self.details or {}).get("title"))  # previews on dataset_changed

    def problem(self, dataset: dict) -> str | None:
        """Why ``dataset`` cannot be used from the app, in words a student reads; None if it can."""
        record = self.details or {}
        title = record.get("title", dataset.get("name"))
        kind = record.get("needs_path")
        if kind:
            from pathlib import Path

            path = str(dataset.get("path") or "")
            if not path:
                return f"{title} reads a {kind} you choose: press Choose… above to pick it."
            exists = Path(path).expanduser().is_file() if kind == "file" else Path(path).expanduser().is_dir()
            if not exists:
                return f"{title}: there is no {kind} {path}. Press Choose… above to pick another."
            return self._ratio_problem(dataset)
        if record.get("available") is False:
            from playground.data.download import SOURCES

            if record.get("name") in SOURCES:
                return (f"{title} is not on this computer yet: press Download below to fetch it "
                        f"({record.get('source', '')}).")
            return (f"{title} is not on this computer. Run  playground datasets  in a terminal to see "
                    f"where to get it ({record.get('source', '')}), then press Regenerate.")
        return self._ratio_problem(dataset)

    @staticmethod
    def _ratio_problem(dataset: dict) -> str | None:
        from playground.core.errors import DataError
        from playground.data.splits import check_ratios

        try:
            check_ratios(dataset.get("split") or (0.7, 0.15, 0.15), "split")
        except DataError as exc:
            return f"Split ratios not used: {exc.message}. {exc.fix[0].upper()}{exc.fix[1:]}."
        return None

    def _update_choices(self, dataset: dict) -> None:
        """Parameters whose choices come from the chosen file (a CSV's columns for the target)."""
        from playground.data import path_choices

        choices = path_choices(str(dataset.get("name", "")), dataset.get("path"))
        if choices:
            self.form.set_choices(choices)

    def _project_summary(self) -> str:
        dataset = self.doc.project.dataset or {}
        split = dataset.get("split")
        text = str(dataset.get("name", "none"))
        if split:
            text += " split " + " / ".join(f"{float(s):g}" for s in split)
        return text

    def _show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _project_dataset_changed(self) -> None:
        if self.form is None:
            return
        if self.doc.project.dataset != self.form.value():  # changed elsewhere (undo, another panel)
            self.form.fill(dict(self.doc.project.dataset))
            self._update_choices(dict(self.doc.project.dataset))
            self._show_details()
        self._check_and_preview(dict(self.doc.project.dataset))

    # ---- the preview ---------------------------------------------------------------------------------

    def _check_and_preview(self, dataset: dict) -> None:
        problem = self.problem(dataset)
        if problem:
            self._token = -1  # any preview still loading is stale
            self._debounce.stop()
            self.preview.show_message(problem)
            return
        self.preview.show_loading()
        self._debounce.start()

    def regenerate_preview(self) -> None:
        """Load the data again and show other example images."""
        if self.form is None:
            return
        self.sample_seed += 1
        if self.details is not None and self.details.get("source") == "generated":
            dataset = dict(self.doc.project.dataset)
            dataset["seed"] = training_seed(self.doc) + 1
            self.doc.set_dataset(dataset)  # new points for training too; the preview follows dataset_changed
            return
        self._reload_table()

    def _reload_table(self) -> None:
        """Read the dataset table again (files fetched since: availability may have changed) and
        show the project's dataset from it."""
        if self.table is not None:
            try:
                from playground.data import list_datasets

                self.table = list_datasets()
                self.form.set_table(self.table)
                self.form.fill(dict(self.doc.project.dataset))
                self._update_choices(dict(self.doc.project.dataset))
                self._show_details()
            except Exception:
                pass
        self.message.hide()
        self._check_and_preview(dict(self.doc.project.dataset))

    def _downloaded(self, name: str, outcome: str) -> None:
        """A download ended: when the files arrived, describe and preview the dataset, and take it
        into the project if the form was showing it (it was refused while missing)."""
        if outcome != "ready":
            return
        wanted = self.form.value() if self.form.name == name else None
        self._reload_table()
        if wanted is not None and wanted != dict(self.doc.project.dataset or {}):
            self.form.fill(wanted)
            self._edited()

    def _request_preview(self) -> None:
        self._token = self.loader.request(dict(self.doc.project.dataset), training_seed(self.doc), self.sample_seed)

    def _preview_ready(self, token: int, result: dict) -> None:
        self._answered = token
        if token == self._token:
            self.preview.show_result(result)

    def _preview_failed(self, token: int, message: str) -> None:
        self._answered = token
        if token == self._token:
            self.preview.show_message(f"Cannot load the data: {message}")

    def loading(self) -> bool:
        """True while a preview is on its way (tests wait on this)."""
        if self._debounce.isActive():
            return True
        waiting = self._token > 0 and self._answered != self._token  # its answer may still be queued
        return self.loader is not None and (self.loader.busy() or waiting)

    # ---- the description -----------------------------------------------------------------------------

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
            if d.get("classes", 1) == 0:  # labels that only colour plots (reconstruction: the targets are the inputs)
                rows.append(f"<b>Labels</b> (only colour the plots; the network learns the pictures): {names}")
            else:
                rows.append(f"<b>Classes</b> ({d.get('classes', len(d['class_names']))}): {names}")
        if d.get("source"):
            rows.append(f"<b>Source</b>: {d['source']}")
        if d.get("available") is False and not d.get("needs_path"):
            rows.append(f"<span style='color:{style.WARNING.name()}'>Not on this computer yet: "
                        f"press Download below (or see <tt>playground datasets</tt>).</span>")
        self.label.setText("<br>".join(r for r in rows if r))
