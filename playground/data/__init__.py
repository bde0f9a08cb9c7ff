"""Datasets: a registry of records, loaders for built-in and real data, splits and augmentation.

Never imports Qt, and no playground package but ``core``. Entry points: ``load(name, ...)`` ->
``Splits``, ``list_datasets()`` (what ``playground datasets --json`` prints), ``preview(...)`` (what
the dataset panel shows) and the ``DATASETS`` table of ``DatasetSpec`` records.
"""

from .preview import preview
from .registry import DATASETS, list_datasets, load, load_settings, path_choices
from .spec import DatasetInfo, DatasetSpec, Param
from .splits import Splits, TensorSplit

__all__ = ["DATASETS", "DatasetInfo", "DatasetSpec", "Param", "Splits", "TensorSplit", "list_datasets", "load_settings",
           "load", "path_choices", "preview"]
