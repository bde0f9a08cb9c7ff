"""The dataset panel's form: which dataset, the file or folder it reads, its parameters, split
ratios and augmentation.

Owns the widgets and turning them into a dataset dict (``value``) and back (``show``). The form is
generated from two tables: the records ``playground.data.list_datasets()`` gives (name, title,
group, parameters with default/min/max/doc/choices) and ``playground.data.augment.OPTIONS``. It
does not check values against the data package or write to the project: it emits ``edited`` and
the panel decides (``panel.py``). Datasets read from the user's files (``needs_path``) get
a path field with a Choose… button (a file or folder dialog); the panel may turn parameters into
choices that depend on that file (``set_choices``: a CSV's columns for the target). The widget for
one value (make, read, write, watch) is ``fields.py``'s.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGridLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget)

from playground.ui.dataset.fields import changed_signal, make_editor, read, write

DEFAULT_SPLIT = (0.7, 0.15, 0.15)
SPLIT_NAMES = ("train", "val", "test")

#: parameter name -> the label a student reads (anything else: the name with spaces)
LABELS = {"n_points": "Points", "n_images": "Images", "official_test": "Official test set",
          "noise": "Noise", "frequency": "Frequency", "bumps": "Bumps", "rotation": "Rotation (°)",
          "size": "Image size (px)", "color": "Colour", "target": "Target column", "task": "Task",
          "flip": "Flip left-right", "shift": "Shift (px)", "rotate": "Rotate (°)", "erase": "Random erase"}

#: what an empty choice means, per parameter (shown in its combo instead of a blank line)
EMPTY_CHOICE = {"target": "(the last column)"}
#: needs_path -> (button tip, file-dialog filter; None: a folder)
PICKERS = {"file": ("Choose the CSV file", "CSV files (*.csv *.tsv *.txt);;All files (*)"),
           "folder": ("Choose the folder (one sub-folder of PNG / JPEG images per class)", None)}

AUGMENT_OFF_TIP = ("Augmentation changes training images at random (mirror, shift, rotate, noise, erase) "
                   "so the network sees more variety. This dataset has no images, so it does not apply.")


def label_for(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


def is_image(record: dict | None) -> bool:
    shape = (record or {}).get("input_shape")
    return bool(shape) and len(shape) == 3


class DatasetForm(QWidget):
    """Combo + parameters + split + augmentation. ``edited`` fires on every change a person makes."""

    edited = Signal()
    chosen = Signal(str)  # another dataset picked in the combo (its name)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.records: dict[str, dict] = {}
        self.param_widgets: dict[str, QWidget] = {}
        self.augment_widgets: dict[str, QWidget] = {}
        self._quiet = False
        self.combo = QComboBox()
        self.combo.setModel(QStandardItemModel(self.combo))
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.combo.setToolTip("The data the network trains on")
        self.combo.currentIndexChanged.connect(self._combo_changed)
        self.path_row = QWidget()
        path_layout = QHBoxLayout(self.path_row)
        path_layout.setContentsMargins(0, 0, 0, 0)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("dataset_path")
        self.path_edit.setAccessibleName("Dataset file or folder")
        self.path_edit.editingFinished.connect(self._path_typed)
        self.path_button = QPushButton("Choose…")
        self.path_button.setObjectName("dataset_path_choose")
        self.path_button.clicked.connect(self.choose_path)
        path_layout.addWidget(QLabel("From"))
        path_layout.addWidget(self.path_edit, 1)
        path_layout.addWidget(self.path_button)
        self.path_row.hide()
        self.params_box = QGroupBox("Parameters")
        self.params_form = QFormLayout(self.params_box)
        self.params_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.split_box = QGroupBox("Split: train / validation / test")
        self.split_box.setToolTip("Fractions of the samples for training, for checking during training "
                                  "(validation) and for the final test; they must add up to 1.")
        split_grid = QGridLayout(self.split_box)
        split_grid.setVerticalSpacing(2)
        self.split_boxes = []
        for k, name in enumerate(SPLIT_NAMES):
            caption = QLabel({"val": "validation"}.get(name, name))
            caption.setStyleSheet("color:#5A6270")
            split_grid.addWidget(caption, 0, k)
            box = QDoubleSpinBox()
            box.setRange(0.0, 1.0)
            box.setDecimals(2)
            box.setSingleStep(0.05)
            box.setKeyboardTracking(False)
            box.setToolTip(f"fraction of the samples in the {name} split")
            box.valueChanged.connect(self._changed)
            self.split_boxes.append(box)
            split_grid.addWidget(box, 1, k)
        self.split_sum = QLabel()
        self.split_sum.setWordWrap(True)
        split_grid.addWidget(self.split_sum, 2, 0, 1, 3)

        self.augment_box = QGroupBox("Augmentation (training images)")
        augment_layout = QVBoxLayout(self.augment_box)
        self.augment_note = QLabel("Only for image datasets: flip, shift, rotate, noise and erase change "
                                   "training pictures at random.")
        self.augment_note.setWordWrap(True)
        self.augment_note.setStyleSheet("color:#5A6270")
        self.augment_options = QWidget()
        augment_form = QFormLayout(self.augment_options)
        augment_form.setContentsMargins(0, 0, 0, 0)
        augment_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        augment_layout.addWidget(self.augment_note)
        augment_layout.addWidget(self.augment_options)
        from playground.data.augment import OPTIONS  # the panel builds the form after the data import

        for key, (kind, lo, hi, doc) in OPTIONS.items():
            widget = make_editor(kind(0), lo, hi, doc)
            self.augment_widgets[key] = widget
            changed_signal(widget).connect(self._changed)
            augment_form.addRow(label_for(key), widget)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        self.details_slot = QVBoxLayout()  # the panel puts its description here, under the combo
        layout.addLayout(self.details_slot)
        layout.addWidget(self.path_row)
        layout.addWidget(self.params_box)
        layout.addWidget(self.split_box)
        layout.addWidget(self.augment_box)

    # ---- the dataset table ---------------------------------------------------------------------------

    def set_table(self, table: list[dict]) -> None:
        """Fill the combo from ``list_datasets()``: one bold heading per group, in the table's order."""
        self._quiet = True
        model: QStandardItemModel = self.combo.model()
        model.clear()
        self.records = {d["name"]: d for d in table}
        group = None
        for d in table:
            if d.get("group") != group:
                group = d.get("group")
                heading = QStandardItem(str(group or "other").upper())
                heading.setFlags(Qt.ItemFlag.NoItemFlags)  # a heading, not a choice
                font = QFont()
                font.setBold(True)
                heading.setFont(font)
                model.appendRow(heading)
            item = QStandardItem("   " + d.get("title", d["name"]) + self.availability_note(d))
            item.setData(d["name"], Qt.ItemDataRole.UserRole)
            item.setToolTip(d.get("description", ""))
            model.appendRow(item)
        self._quiet = False

    @staticmethod
    def availability_note(record: dict) -> str:
        if record.get("needs_path"):
            return f" (needs a {record['needs_path']})"
        if record.get("available") is False:
            return " (not on this computer)"
        return ""

    @property
    def name(self) -> str:
        return str(self.combo.currentData(Qt.ItemDataRole.UserRole) or "")

    # ---- dict <-> widgets ----------------------------------------------------------------------------

    def fill(self, dataset: dict) -> None:
        """Put ``dataset`` (a project's dataset dict) into the widgets without emitting anything."""
        self._quiet = True
        try:
            name = str(dataset.get("name", ""))
            index = self.combo.findData(name, Qt.ItemDataRole.UserRole)
            self.combo.setCurrentIndex(index)
            self.path_edit.setText(str(dataset.get("path") or ""))
            self._update_path_row(name)
            self._build_params(name, dataset.get("params") or {})
            split = dataset.get("split") or DEFAULT_SPLIT
            for box, value in zip(self.split_boxes, list(split) + [0, 0, 0]):
                box.setValue(float(value) if isinstance(value, (int, float)) else 0.0)
            augment = dataset.get("augment") or {}
            for key, widget in self.augment_widgets.items():
                value = augment.get(key, 0)
                write(widget, value if isinstance(value, (bool, int, float)) else 0)
            self._update_augment_enabled(name)
            self._update_split_sum()
        finally:
            self._quiet = False

    def value(self) -> dict:
        """The dataset dict the widgets say: name, non-default params, split and augment when set."""
        name = self.name
        record = self.records.get(name, {})
        params = {}
        for key, widget in self.param_widgets.items():
            value = read(widget)
            if value != record.get("parameters", {}).get(key, {}).get("default"):
                params[key] = value
        out: dict = {"name": name, "params": params}
        if record.get("needs_path") and self.path_edit.text().strip():
            out["path"] = self.path_edit.text().strip()
        split = self.split()
        if split != list(DEFAULT_SPLIT):
            out["split"] = split
        if is_image(record):
            augment = {key: read(w) for key, w in self.augment_widgets.items() if read(w)}
            if augment:
                out["augment"] = augment
        return out

    def split(self) -> list[float]:
        return [round(box.value(), 4) for box in self.split_boxes]

    # ---- building ------------------------------------------------------------------------------------

    def _build_params(self, name: str, values: dict) -> None:
        while self.params_form.rowCount():
            self.params_form.removeRow(0)  # deletes the old widgets
        self.param_widgets = {}
        parameters = self.records.get(name, {}).get("parameters", {})
        for key, p in parameters.items():
            widget = make_editor(p["default"], p.get("min"), p.get("max"), p.get("doc", ""), p.get("choices"))
            value = values.get(key, p["default"])
            try:
                write(widget, value)
            except (TypeError, ValueError):
                write(widget, p["default"])
            changed_signal(widget).connect(self._changed)
            self.param_widgets[key] = widget
            label = QLabel(label_for(key))
            label.setToolTip(p.get("doc", ""))
            self.params_form.addRow(label, widget)
        if not parameters:
            none = QLabel("This dataset has no parameters to set.")
            none.setStyleSheet("color:#5A6270")
            self.params_form.addRow(none)

    # ---- the file or folder the data comes from -----------------------------------------------------

    def _update_path_row(self, name: str) -> None:
        kind = self.records.get(name, {}).get("needs_path")
        self.path_row.setVisible(bool(kind))
        if kind in PICKERS:
            self.path_button.setToolTip(PICKERS[kind][0])
            self.path_edit.setPlaceholderText(f"no {kind} chosen yet: press Choose…")

    def choose_path(self) -> None:
        """Ask for the file or folder (a dialog), then tell the panel (``edited``)."""
        kind = self.records.get(self.name, {}).get("needs_path")
        if kind not in PICKERS:
            return
        title, filters = PICKERS[kind]
        start = self.path_edit.text().strip()
        if filters is None:
            chosen = QFileDialog.getExistingDirectory(self, title, start)
        else:
            chosen = QFileDialog.getOpenFileName(self, title, start, filters)[0]
        if chosen and chosen != self.path_edit.text():
            self.path_edit.setText(chosen)
            self._changed()

    def _path_typed(self) -> None:
        if self.path_edit.isModified():
            self.path_edit.setModified(False)
            self._changed()

    def set_choices(self, choices: dict[str, tuple]) -> None:
        """Turn parameters into combos of ``choices`` (a CSV's columns), keeping their values."""
        self._quiet = True
        try:
            for key, options in choices.items():
                old = self.param_widgets.get(key)
                if old is None:
                    continue
                current = read(old)
                box = QComboBox()
                for option in options:
                    box.addItem(EMPTY_CHOICE.get(key, "") if option == "" else str(option), option)
                if current not in options:
                    box.addItem(str(current), current)  # kept as the project has it; loading says why
                write(box, current)
                box.setToolTip(old.toolTip())
                box.setObjectName(f"dataset_param_{key}")
                self.params_form.replaceWidget(old, box)
                old.deleteLater()
                self.param_widgets[key] = box
                box.currentIndexChanged.connect(self._changed)
        finally:
            self._quiet = False

    def _update_augment_enabled(self, name: str) -> None:
        image = is_image(self.records.get(name))
        self.augment_box.setEnabled(image)
        self.augment_box.setToolTip("" if image else AUGMENT_OFF_TIP)
        self.augment_options.setVisible(image)  # a disabled form of five rows would only take room
        self.augment_note.setVisible(not image)

    def _update_split_sum(self) -> None:
        total = sum(box.value() for box in self.split_boxes)
        official = self.param_widgets.get("official_test")
        if abs(total - 1) > 0.01:
            text, color = f"These add up to {total:.2f}; make them add up to 1.", "#D62728"
        elif isinstance(official, QCheckBox) and official.isChecked():
            text, color = ("The official test images are the test split; train and validation share the "
                           "rest in the ratio of their fractions."), "#5A6270"
        else:
            text, color = "", "#5A6270"
        self.split_sum.setText(text)
        self.split_sum.setStyleSheet(f"color:{color}")
        self.split_sum.setVisible(bool(text))

    def _combo_changed(self) -> None:
        if self._quiet:
            return
        self._quiet = True
        try:
            self._build_params(self.name, {})  # another dataset starts from its defaults
            self.path_edit.clear()  # a CSV file is no image folder
            self._update_path_row(self.name)
            self._update_augment_enabled(self.name)
        finally:
            self._quiet = False
        self.chosen.emit(self.name)
        self.edited.emit()

    def _changed(self, *_args) -> None:
        self._update_split_sum()
        if not self._quiet:
            self.edited.emit()
