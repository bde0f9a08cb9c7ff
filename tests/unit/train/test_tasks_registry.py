"""The task table: every dataset's task has a record, every record is complete and consistent."""

from __future__ import annotations

import importlib

import pytest

from playground.data.registry import DATASETS
from playground.data.targets import TARGET_FORMS
from playground.train.losses import LOSSES, auto_loss, check_loss
from playground.train.tasks import get_task, tasks


def test_every_dataset_task_and_every_target_form_has_a_record():
    assert set(tasks()) == set(TARGET_FORMS)
    for spec in DATASETS.values():
        assert get_task(spec.task).targets is TARGET_FORMS[spec.task]


@pytest.mark.parametrize("name", list(TARGET_FORMS))
def test_records_name_real_losses_and_their_default_fits(name):
    kind = get_task(name)
    assert kind.name == name and kind.title and kind.test_keys
    assert set(kind.losses) <= set(LOSSES)
    for outputs in (1, 2):
        assert auto_loss(name, outputs) in kind.losses


@pytest.mark.parametrize("name", list(TARGET_FORMS))
def test_ui_hooks_name_importable_attributes(name):
    for hook in (get_task(name).ui_thumbnail, get_task(name).ui_evaluation):
        if hook:
            module, _, attr = hook.partition(":")
            assert callable(getattr(importlib.import_module(module), attr))


def test_a_loss_outside_the_tasks_list_is_refused_naming_the_fitting_ones():
    problems = check_loss("dice", "classification", 3, (3,), (), dataset="dataset 'toy'")
    assert len(problems) == 1 and "Dice" in problems[0] and "Cross-entropy" in problems[0]
    assert check_loss("dice", "segmentation", 3, (3, 8, 8), (8, 8)) == []
    assert check_loss("ce_dice", "segmentation", 2, (1, 8, 8), (8, 8)) == []


def test_unknown_task_is_a_clear_error():
    from playground.core.errors import TrainingError

    with pytest.raises(TrainingError, match="unknown task 'clustering'.*classification"):
        get_task("clustering")
