"""The dataset table: every record is complete, params are checked, every built-in set loads."""

from __future__ import annotations

import json

import pytest
import torch

from playground.core.errors import DataError
from playground.data import DATASETS, DatasetInfo, DatasetSpec, Splits, TensorSplit, list_datasets, load
from playground.data.spec import TASKS
from playground.data.targets import target_form

BUILT_IN = [name for name, spec in DATASETS.items() if spec.group not in ("files",)]
REQUIRED = {"circle", "xor", "gauss", "spiral", "moons", "plane", "multi_gauss", "sine", "step", "abs",
            "bumps", "shapes", "shapes_seg", "digits", "iris", "wine", "breast_cancer", "mnist",
            "fashion_mnist", "cifar10", "image_folder", "csv"}


def test_registry_holds_every_dataset_of_the_issue():
    assert REQUIRED <= set(DATASETS)
    assert all(isinstance(s, DatasetSpec) and s.name == n for n, s in DATASETS.items())


@pytest.mark.parametrize("name", list(DATASETS))
def test_record_is_complete(name):
    spec = DATASETS[name]
    assert spec.task in TASKS
    assert spec.title and spec.source
    assert spec.description and "\n" not in spec.description and len(spec.description) < 120
    assert callable(spec.loader) and isinstance(spec.available(), bool)
    if target_form(spec.task).classes and spec.input_shape is not None:  # reconstruction: labels colour plots only
        assert spec.num_classes == len(spec.classes) >= 2
    for key, p in spec.parameters.items():
        assert p.doc
        assert spec.resolve({key: p.default})[key] == p.default  # every default passes its own check


def test_list_datasets_is_json_with_the_contract_keys():
    rows = list_datasets()
    assert [r["name"] for r in rows] == list(DATASETS)
    json.dumps(rows)  # serializable as is
    for r in rows:
        assert {"name", "task", "input_shape", "classes", "source", "available"} <= set(r)
        assert isinstance(r["available"], bool) and isinstance(r["classes"], int)
    by_name = {r["name"]: r for r in rows}
    assert by_name["spiral"]["input_shape"] == [2] and by_name["spiral"]["classes"] == 2
    assert by_name["shapes"]["input_shape"] == [1, 28, 28]
    assert by_name["plane"]["classes"] == 0
    assert by_name["csv"]["available"] is False and by_name["csv"]["needs_path"] == "file"
    assert by_name["image_folder"]["parameters"]["color"]["choices"] == ["gray", "rgb"]


@pytest.mark.parametrize("name", BUILT_IN)
def test_built_in_dataset_loads_with_consistent_shapes(name):
    spec = DATASETS[name]
    s = load(name, seed=1)
    assert isinstance(s, Splits) and isinstance(s.info, DatasetInfo)
    assert all(isinstance(p, TensorSplit) for p in (s.train, s.val, s.test))
    assert s.info.input_shape == spec.input_shape and s.info.task == spec.task
    assert s.info.target_shape == spec.target_shape
    from_inputs = target_form(s.info.task).from_inputs  # reconstruction: stored y are the class labels
    for part in (s.train, s.val, s.test):
        assert tuple(part.x.shape[1:]) == s.info.input_shape
        assert tuple(part.y.shape[1:]) == (() if from_inputs else s.info.target_shape)
        assert part.x.dtype == (torch.uint8 if len(s.info.input_shape) == 3 else torch.float32)
        assert part.y.dtype == (torch.float32 if s.info.task in ("regression", "detection") else torch.int64)
    x, y = s.train.batch(torch.arange(5))
    assert tuple(y.shape[1:]) == s.info.target_shape  # what the loss compares outputs with
    assert x.dtype == torch.float32 and x.shape == (5, *s.info.input_shape)
    assert torch.isfinite(x).all()
    if s.info.task == "classification":
        assert s.info.num_classes == len(s.info.class_names) >= 2
        assert int(s.train.y.max()) < s.info.num_classes
    if s.info.task == "segmentation":
        assert s.info.num_classes == 2 and set(torch.unique(s.train.y).tolist()) <= {0, 1}


@pytest.mark.parametrize("name", ["spiral", "sine", "shapes", "shapes_seg", "iris"])
def test_same_seed_same_data_other_seed_other_data(name):
    a, b, c = load(name, seed=3), load(name, seed=3), load(name, seed=4)
    assert torch.equal(a.train.x, b.train.x) and torch.equal(a.test.y, b.test.y)
    assert not torch.equal(a.train.x, c.train.x)


def test_parameters_change_the_data():
    s = load("circle", params={"n_points": 100, "noise": 0.2})
    assert len(s.train) + len(s.val) + len(s.test) == 100
    assert s.params == {"n_points": 100, "noise": 0.2}


@pytest.mark.parametrize(
    "params, words",
    [
        ({"n_pionts": 10}, ["n_pionts", "n_points"]),  # unknown name: lists the known ones
        ({"n_points": 5}, ["n_points", "10"]),  # below the minimum
        ({"noise": 2.0}, ["noise", "0.5"]),  # above the maximum
        ({"n_points": "many"}, ["n_points", "int"]),
        ({"n_points": 10.5}, ["n_points"]),
        ({"n_points": True}, ["n_points"]),
        ({"noise": float("nan")}, ["noise"]),
    ],
)
def test_bad_parameters_name_the_parameter(params, words):
    with pytest.raises(DataError) as err:
        load("spiral", params=params)
    text = str(err.value)
    assert "spiral" in text and all(w in text for w in words)
    assert err.value.fix


def test_choice_and_string_parameters_are_checked():
    with pytest.raises(DataError, match="gray, rgb"):
        DATASETS["image_folder"].resolve({"color": "purple"})
    with pytest.raises(DataError, match="official_test"):
        DATASETS["mnist"].resolve({"official_test": 1})


def test_unknown_dataset_lists_the_choices():
    with pytest.raises(DataError) as err:
        load("imagenet")
    assert "imagenet" in str(err.value) and "spiral" in err.value.fix


def test_bad_seed_is_a_data_error():
    with pytest.raises(DataError, match="seed"):
        load("xor", seed="one")
