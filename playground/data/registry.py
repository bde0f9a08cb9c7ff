"""The dataset table and the two entry points built on it: ``load`` and ``list_datasets``.

``DATASETS`` maps each name to its ``DatasetSpec`` record, gathered from the modules that define
them, in the order the app and CLI list them. Adding a dataset means adding a record to one of
those modules; nothing here branches on a dataset's name.
"""

from __future__ import annotations

from playground.core.errors import DataError

from . import (cifar, csv_table, detection_shapes, functions, gan_targets, image_folder, metric_sets, mnist,
               points, reconstruction, shapes, sklearn_sets)
from .augment import Augmentation
from .spec import DatasetSpec, info_from
from .splits import Splits, check_ratios, make_splits

DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for module in (points, functions, shapes, detection_shapes, sklearn_sets, mnist, cifar, image_folder, csv_table,
                   metric_sets, gan_targets, reconstruction)
    for spec in module.SPECS
}


def get(name: str) -> DatasetSpec:
    try:
        return DATASETS[name]
    except (KeyError, TypeError):
        raise DataError(f"unknown dataset '{name}'", where="dataset",
                        fix=f"choose one of: {', '.join(DATASETS)}") from None


def load(name: str, *, params: dict | None = None, split=(0.7, 0.15, 0.15), seed: int = 0,
         augment: dict | None = None, root: str | None = None) -> Splits:
    """Load dataset ``name`` and split it. Every user mistake raises DataError naming the place."""
    spec = get(name)
    values = spec.resolve(params)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise DataError(f"seed must be a whole number, got {seed!r}", where=f"dataset '{name}'",
                        fix="use an integer such as 0")
    where = f"dataset '{name}'"
    check_ratios(split, where)  # checked before any (possibly slow) loading
    Augmentation.from_dict(augment, where=f"{where} augmentation")
    raw = spec.loader(values, root, seed)
    return make_splits(raw, info_from(spec, raw), split, seed, augment, values)


def load_settings(dataset: dict, seed: int = 0, root: str | None = None) -> Splits:
    """Load a project's dataset settings: ``{"name", "params", "split", "augment", "seed", "path"}``
    (all but the name optional). The data's own ``seed`` wins; without one the data comes from
    ``seed`` (the training seed), as in projects made before datasets had their own seed. ``path``
    (the CSV file, the image folder, or a folder holding MNIST / CIFAR-10 files) wins over ``root``."""
    kwargs: dict = {"params": dataset.get("params") or {}, "seed": dataset.get("seed", seed),
                    "root": dataset.get("path") or root}
    if dataset.get("split"):
        kwargs["split"] = tuple(dataset["split"])
    if dataset.get("augment"):
        kwargs["augment"] = dataset["augment"]
    return load(dataset.get("name"), **kwargs)


def path_choices(name: str, path: str | None) -> dict[str, tuple[str, ...]]:
    """Parameter choices that depend on the chosen file (a CSV's columns); {} when there are none or
    the file cannot be read yet (loading it then says why)."""
    spec = DATASETS.get(name)
    if spec is None or spec.path_choices is None or not path:
        return {}
    try:
        return spec.path_choices(path)
    except DataError:
        return {}


def describe(spec: DatasetSpec, root: str | None = None) -> dict:
    """One dataset as plain JSON-ready data (what ``playground datasets --json`` prints)."""
    return {
        "name": spec.name,
        "title": spec.title,
        "task": spec.task,
        "input_shape": list(spec.input_shape) if spec.input_shape is not None else None,
        "classes": spec.num_classes,
        "class_names": list(spec.classes),
        "target_shape": list(spec.target_shape),
        "source": spec.source,
        "available": bool(spec.available(root)),
        "needs_path": spec.needs_path,
        "group": spec.group,
        "description": spec.description,
        "parameters": {
            key: {"default": p.default, "min": p.min, "max": p.max, "doc": p.doc,
                  **({"choices": list(spec.choices[key])} if key in spec.choices else {})}
            for key, p in spec.parameters.items()
        },
    }


def list_datasets(root: str | None = None) -> list[dict]:
    """Every dataset, in table order, as ``describe`` gives it."""
    return [describe(spec, root) for spec in DATASETS.values()]
