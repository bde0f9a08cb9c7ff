"""TrainConfig: JSON round trip, tolerant reading, and refusal of bad values with a named place."""

import json

import pytest

from playground.core.errors import TrainingError
from playground.train import LOSSES, OPTIMIZERS, SCHEDULES, TrainConfig
from playground.train.config import resolve_device


def test_round_trip_through_json():
    config = TrainConfig(optimizer="adam", optimizer_params={"beta1": 0.8}, lr=0.002, loss="focal",
                         loss_params={"gamma": 1.0}, schedule="step", schedule_params={"every": 3},
                         l1=1e-4, l2=1e-3, max_norm=3.0, grad_clip=1.0, early_stopping=True, patience=4,
                         batch_size=16, epochs=7, seed=42, device="cpu")
    data = json.loads(json.dumps(config.to_dict()))
    assert data["version"] == 1
    again = TrainConfig.from_dict(data)
    assert again == TrainConfig.from_dict(config.to_dict())
    assert again.optimizer_params == {"beta1": 0.8, "beta2": 0.999, "eps": 1e-8}
    assert again.schedule_params == {"every": 3, "gamma": 0.1}


def test_missing_keys_take_defaults_and_empty_is_default():
    assert TrainConfig.from_dict({}) == TrainConfig.from_dict(None) == TrainConfig.from_dict({"version": 1})
    assert TrainConfig.from_dict({"lr": 0.5}).batch_size == TrainConfig().batch_size


def test_unknown_key_is_named():
    with pytest.raises(TrainingError, match="unknown setting 'learning_rate'"):
        TrainConfig.from_dict({"learning_rate": 0.1})


@pytest.mark.parametrize("changes,needle", [
    ({"lr": 0}, "'lr'"), ({"lr": -1.0}, "'lr'"), ({"lr": float("nan")}, "'lr'"), ({"lr": "fast"}, "'lr'"),
    ({"batch_size": 0}, "'batch_size'"), ({"batch_size": 2.5}, "'batch_size'"), ({"epochs": -1}, "'epochs'"),
    ({"l2": -0.1}, "'l2'"), ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'"),
    ({"loss": "tversky"}, "unknown loss 'tversky'"), ({"schedule": "cyclic"}, "unknown learning-rate schedule"),
    ({"optimizer": "adam", "optimizer_params": {"momentum": 0.9}}, "Adam has no setting 'momentum'"),
    ({"optimizer": "momentum", "optimizer_params": {"momentum": 1.5}}, "'momentum.momentum' is 1.5"),
    ({"device": "tpu"}, "unknown device"), ({"early_stopping": 1}, "'early_stopping'"),
    ({"loss_params": {"gamma": 2.0}}, "'loss_params' needs a named loss"),
])
def test_bad_values_raise_training_error_naming_the_setting(changes, needle):
    with pytest.raises(TrainingError, match=needle.replace("(", r"\(").replace(".", r"\.")) as info:
        TrainConfig.from_dict(changes)
    assert "training settings" in str(info.value)


def test_unknown_choice_lists_the_known_ones():
    with pytest.raises(TrainingError) as info:
        TrainConfig(optimizer="lbfgs").validate()
    for name in OPTIMIZERS:
        assert name in str(info.value)


def test_replace_starts_a_new_choice_from_its_own_defaults():
    config = TrainConfig.from_dict({"optimizer": "momentum", "optimizer_params": {"momentum": 0.5}})
    adam = config.replace(optimizer="adam")
    assert adam.optimizer_params == {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert config.replace(lr=0.1).optimizer_params == {"momentum": 0.5}


def test_integral_floats_are_accepted_as_whole_numbers():
    config = TrainConfig.from_dict({"batch_size": 8.0, "epochs": 3.0})
    assert config.batch_size == 8 and isinstance(config.batch_size, int)


def test_cuda_device_without_cuda_is_a_clear_error():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(TrainingError, match="not available"):
        resolve_device("cuda")
    assert resolve_device("auto").type == "cpu"


def test_registries_are_tables_of_documented_records():
    assert set(OPTIMIZERS) == {"sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw"}
    assert set(LOSSES) == {"mse", "mae", "huber", "cross_entropy", "bce", "hinge", "focal", "perceptron", "dice", "iou",
                           "ce_dice", "yolo", "contrastive", "triplet", "triplet_hard", "triplet_semihard"}
    assert set(SCHEDULES) == {"constant", "step", "exponential", "cosine", "one_cycle", "warmup"}
    for table in (OPTIMIZERS, LOSSES, SCHEDULES):
        for name, record in table.items():
            assert record.name == name and record.title and record.doc.endswith(".")
            for key, setting in record.params.items():
                assert setting.doc, f"{name}.{key} has no doc line"
                assert record.resolve({})[key] == setting.default
