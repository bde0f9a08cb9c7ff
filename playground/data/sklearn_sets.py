"""Small real datasets that scikit-learn ships inside its wheel: digits, iris, wine, breast cancer.

No download. Digits are kept as (1, 8, 8) uint8 images (values 0..16) so convolutional networks
and augmentation work on them; the others are tabular float32 features, standardized per batch with
training-split statistics (see ``splits.py``). Owns the registry records for these four.
"""

from __future__ import annotations

import numpy as np
import torch

from .spec import DatasetSpec, RawData


def load_digits_raw(params: dict, root, seed: int) -> RawData:
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.from_numpy(d.images.astype(np.uint8)[:, None])  # (N, 1, 8, 8), values 0..16
    return RawData(
        x=x,
        y=torch.from_numpy(d.target.astype(np.int64)),
        kind="image",
        class_names=tuple(str(c) for c in d.target_names),
        scale=1 / 16,
        origin="scikit-learn",
    )


def _tabular(fn_name: str):
    def load(params: dict, root, seed: int) -> RawData:
        import sklearn.datasets

        d = getattr(sklearn.datasets, fn_name)()
        return RawData(
            x=torch.from_numpy(np.asarray(d.data, dtype=np.float32)),
            y=torch.from_numpy(np.asarray(d.target, dtype=np.int64)),
            kind="tabular",
            class_names=tuple(str(c) for c in d.target_names),
            origin="scikit-learn",
        )

    return load


_SOURCE = "scikit-learn (bundled)"

SPECS = [
    DatasetSpec(
        name="digits",
        title="Handwritten digits (8x8)",
        task="classification",
        description="1797 tiny 8x8 pictures of handwritten digits 0-9.",
        source=_SOURCE,
        input_shape=(1, 8, 8),
        classes=tuple(str(i) for i in range(10)),
        loader=load_digits_raw,
        group="scikit-learn",
    ),
    DatasetSpec(
        name="iris",
        title="Iris flowers",
        task="classification",
        description="150 flowers, 4 measurements each (sepal and petal length and width), 3 species.",
        source=_SOURCE,
        input_shape=(4,),
        classes=("setosa", "versicolor", "virginica"),
        loader=_tabular("load_iris"),
        group="scikit-learn",
    ),
    DatasetSpec(
        name="wine",
        title="Wine",
        task="classification",
        description="178 wines, 13 chemical measurements each, from 3 growers.",
        source=_SOURCE,
        input_shape=(13,),
        classes=("class_0", "class_1", "class_2"),
        loader=_tabular("load_wine"),
        group="scikit-learn",
    ),
    DatasetSpec(
        name="breast_cancer",
        title="Breast cancer",
        task="classification",
        description="569 tumour scans, 30 measurements each: malignant or benign.",
        source=_SOURCE,
        input_shape=(30,),
        classes=("malignant", "benign"),
        loader=_tabular("load_breast_cancer"),
        group="scikit-learn",
    ),
]
