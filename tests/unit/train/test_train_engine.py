"""The Trainer's loop: it learns, it is reproducible, and its regularization and guards do what they say."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from playground.core.errors import TrainingError
from playground.train import Callback, LambdaCallback, TrainConfig, Trainer

from train_helpers import blobs, mlp, tensor_splits


def test_training_lowers_the_loss(blob_splits):
    result = Trainer(mlp(), blob_splits, TrainConfig(optimizer="adam", lr=0.01, epochs=8, batch_size=16)).fit()
    steps = result.history.step_losses()
    assert result.reason == "finished" and result.steps == len(steps) == 8 * math.ceil(180 / 16)
    assert steps[-10:].mean() < 0.2 * steps[:5].mean()
    epochs = result.history.epochs
    assert epochs[-1].train.loss < epochs[0].train.loss and epochs[-1].val.loss < epochs[0].val.loss
    assert epochs[-1].val.accuracy > 0.95 and result.test.accuracy > 0.95
    assert result.samples_per_s > 0 and result.samples == 8 * 180


def test_epoch_train_metrics_are_the_batch_averages(blob_splits):
    seen = []
    trainer = Trainer(mlp(), blob_splits, TrainConfig(epochs=1, batch_size=50),
                      callbacks=[LambdaCallback(on_batch_end=lambda t, info: seen.append((info.loss, info.size)))])
    record = trainer.fit().history.epochs[0]
    assert [s for _, s in seen] == [50, 50, 50, 30]
    assert record.train.loss == pytest.approx(sum(l * s for l, s in seen) / 180)
    vx, vy = blob_splits.val.all()
    with torch.no_grad():
        out = trainer.model(vx)
    assert record.val.loss == pytest.approx(float(F.cross_entropy(out, vy)), rel=1e-5)
    assert record.val.accuracy == pytest.approx(float((out.argmax(1) == vy).float().mean()))


def test_lenet5_on_shapes_reaches_high_accuracy():
    from playground.data import load
    from playground.graph.project import load_project
    from playground.nn.build import build_module

    splits = load("shapes")
    model = build_module(load_project("lenet5").graph, seed=0)
    config = TrainConfig(optimizer="momentum", lr=0.05, schedule="cosine", epochs=12, batch_size=32)
    result = Trainer(model, splits, config).fit()
    assert result.test.accuracy >= 0.93, result.history.column("val", "accuracy")


def test_same_seed_same_run_and_another_seed_another_run(blob_splits):
    def run(seed):
        model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 3))
        torch.manual_seed(123)
        for m in model.modules():
            if hasattr(m, "reset_parameters"):
                m.reset_parameters()
        return Trainer(model, blob_splits, TrainConfig(epochs=2, batch_size=20, seed=seed)).fit().history.step_loss

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_nan_loss_stops_with_words_and_keeps_the_last_good_weights(regression_splits):
    weights = []
    keep = LambdaCallback(on_batch_end=lambda t, info: weights.append([p.detach().clone() for p in t.model.parameters()]))
    trainer = Trainer(mlp(3, 16, 2, act=nn.ReLU), regression_splits,
                      TrainConfig(lr=1e4, epochs=50, batch_size=32), callbacks=[keep])
    result = trainer.fit()
    assert result.reason == "nan" and isinstance(result.error, TrainingError)
    text = str(result.error)
    assert f"at step {result.steps + 1}" in text and "the learning rate 10000 is probably too high" in text
    assert "became" in text and ("NaN" in text or "infinite" in text)
    last_good = weights[-2] if len(weights) > 1 else None  # the weights that gave the last finite loss
    now = [p.detach() for p in trainer.model.parameters()]
    assert all(torch.isfinite(p).all() for p in now)
    if last_good is not None:
        for p, q in zip(now, last_good):
            torch.testing.assert_close(p, q)
    assert len(result.history.step_loss) == result.steps


def test_early_stopping_restores_the_best_weights():
    x, y = blobs(n=300, classes=3)
    splits = tensor_splits(x, y, num_classes=3)
    splits.val.y = (splits.val.y + 1) % 3  # validation labels that disagree: val loss rises while training learns
    states = {}
    keep = LambdaCallback(on_epoch_end=lambda t, rec: states.__setitem__(rec.epoch, t._state_copy()))
    config = TrainConfig(optimizer="adam", lr=0.01, epochs=40, batch_size=16, early_stopping=True, patience=3)
    trainer = Trainer(mlp(), splits, config, callbacks=[keep])
    result = trainer.fit()
    assert result.reason == "early_stopping" and "restored" in result.message
    val = result.history.column("val", "loss")
    best = int(np.argmin(val)) + 1
    assert result.best_epoch == best and len(val) == best + 3
    for key, value in trainer.model.state_dict().items():
        torch.testing.assert_close(value, states[best][key])


def test_l1_l2_penalties_are_their_own_part_of_the_loss_and_act_on_weights_only(blob_splits):
    l1, l2, lr = 0.01, 0.1, 0.5
    model = mlp()
    start = {k: v.clone() for k, v in model.state_dict().items()}
    seen = []
    n = len(blob_splits.train)
    trainer = Trainer(model, blob_splits, TrainConfig(lr=lr, l1=l1, l2=l2, epochs=1, batch_size=n),
                      callbacks=[LambdaCallback(on_batch_end=lambda t, info: seen.append(info))])
    record = trainer.fit().history.epochs[0]
    ref = mlp()
    ref.load_state_dict(start)
    x, y = blob_splits.train.all()
    data_loss = F.cross_entropy(ref(x), y)
    penalty = sum(l1 * p.abs().sum() + l2 * p.pow(2).sum() for p in ref.parameters() if p.dim() > 1)
    assert seen[0].loss == pytest.approx(float(data_loss.detach()), rel=1e-5)
    assert seen[0].penalty == pytest.approx(float(penalty.detach()), rel=1e-5)
    assert record.penalty == pytest.approx(float(penalty.detach()), rel=1e-5)
    (data_loss + penalty).backward()
    with torch.no_grad():
        for (name, p), q in zip(ref.named_parameters(), trainer.model.parameters()):
            torch.testing.assert_close(q, p - lr * p.grad, msg=name)


def test_max_norm_caps_every_units_incoming_weights(blob_splits):
    trainer = Trainer(mlp(), blob_splits, TrainConfig(lr=1.0, max_norm=0.5, epochs=2, batch_size=16))
    trainer.fit()
    for p in trainer.model.parameters():
        if p.dim() > 1:
            assert float(p.detach().norm(dim=1).max()) <= 0.5 + 1e-5


def test_gradient_clipping_bounds_the_step(blob_splits):
    model = mlp()
    before = torch.cat([p.detach().reshape(-1).clone() for p in model.parameters()])
    trainer = Trainer(model, blob_splits, TrainConfig(lr=1.0, grad_clip=1e-3, epochs=1, batch_size=len(blob_splits.train)))
    trainer.fit()
    after = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    assert float((after - before).norm()) == pytest.approx(1e-3, rel=1e-3)


def test_schedule_sets_the_learning_rate_each_step(blob_splits):
    lrs = []
    config = TrainConfig(lr=0.1, schedule="step", schedule_params={"every": 1, "gamma": 0.5}, epochs=3, batch_size=60)
    result = Trainer(mlp(), blob_splits, config,
                     callbacks=[LambdaCallback(on_batch_end=lambda t, i: lrs.append(i.lr))]).fit()
    # the lr reported after step k is the one the next step uses: 3 steps per epoch
    assert lrs == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125])
    assert [r.lr for r in result.history.epochs] == pytest.approx([0.05, 0.025, 0.0125])


def test_regression_reports_mse_and_r2(regression_splits):
    result = Trainer(mlp(3, 32, 2), regression_splits, TrainConfig(optimizer="adam", lr=0.01, epochs=30, batch_size=32)).fit()
    last = result.history.epochs[-1]
    assert last.train.accuracy is None and last.val.r2 > 0.9 and last.val.mse < 0.1
    assert result.test.r2 > 0.9 and result.test.accuracy is None


def test_segmentation_per_pixel():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(120, 1, 8, 8, generator=g)
    y = (x[:, 0] > 0.3).long()  # (N, 8, 8) masks
    splits = tensor_splits(x, y, task="segmentation", num_classes=2, name="masks")
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 2, 1))
    trainer = Trainer(model, splits, TrainConfig(optimizer="adam", lr=0.02, epochs=15, batch_size=16))
    result = trainer.fit()
    assert result.history.epochs[-1].val.accuracy > 0.95
    ev = result.test
    assert ev.confusion.sum() == len(splits.test) * 64 and ev.roc == []


@pytest.mark.parametrize("outputs,task,match", [
    (1, "classification", "has 3 classes but the network has 1 output"),
    (5, "classification", "the network has 5 outputs but dataset 'blobs' has 3 classes"),
])
def test_mismatch_is_found_before_training(outputs, task, match, blob_splits):
    with pytest.raises(TrainingError, match=match):
        Trainer(mlp(outputs=outputs), blob_splits, TrainConfig())


def test_cross_entropy_on_regression_is_refused(regression_splits):
    with pytest.raises(TrainingError, match="Cross-entropy is a classification loss.*regression"):
        Trainer(mlp(3, 8, 2), regression_splits, TrainConfig(loss="cross_entropy"))


def test_model_that_cannot_take_the_input_is_a_training_error(blob_splits):
    with pytest.raises(TrainingError, match=r"cannot take examples of shape \(2,\)"):
        Trainer(mlp(inputs=5), blob_splits, TrainConfig())


def test_hooks_are_called_in_order(blob_splits):
    calls = []

    class Recorder(Callback):
        def on_fit_start(self, trainer):
            calls.append("fit_start")

        def on_epoch_start(self, trainer, epoch):
            calls.append(f"epoch_start {epoch}")

        def on_batch_end(self, trainer, info):
            calls.append("batch")

        def on_epoch_end(self, trainer, record):
            calls.append(f"epoch_end {record.epoch}")

        def on_fit_end(self, trainer, result):
            calls.append(f"fit_end {result.reason}")

        def on_state(self, trainer, state, message):
            calls.append(state)

    Trainer(mlp(), blob_splits, TrainConfig(epochs=2, batch_size=90), callbacks=[Recorder()]).fit()
    assert calls == ["running", "fit_start", "epoch_start 1", "batch", "batch", "epoch_end 1",
                     "epoch_start 2", "batch", "batch", "epoch_end 2", "stopped", "fit_end finished"]


def test_fit_again_continues_where_it_ended(blob_splits):
    trainer = Trainer(mlp(), blob_splits, TrainConfig(epochs=2, batch_size=30))
    trainer.fit()
    assert trainer.fit().steps == 12  # nothing left to do
    trainer.update_config(epochs=3)
    result = trainer.fit()
    assert [r.epoch for r in result.history.epochs] == [1, 2, 3] and result.steps == 18


def test_unavailable_device_is_refused(blob_splits):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(TrainingError, match="no CUDA GPU"):
        Trainer(mlp(), blob_splits, TrainConfig(device="cuda"))


@pytest.mark.parametrize("name,torch_class,kwargs", [
    ("sgd", torch.optim.SGD, {}),
    ("momentum", torch.optim.SGD, {"momentum": 0.9}),
    ("adam", torch.optim.Adam, {}),
])
def test_trainer_matches_a_hand_written_loop_step_for_step(blob_splits, name, torch_class, kwargs):
    lr, bs, epochs, seed = 0.05, 32, 2, 4
    model, ref = mlp(), mlp()
    result = Trainer(model, blob_splits, TrainConfig(optimizer=name, lr=lr, batch_size=bs, epochs=epochs, seed=seed)).fit()
    x, y = blob_splits.train.all()
    opt = torch_class(ref.parameters(), lr=lr, **kwargs)
    gen = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=gen)
        for i in range(0, len(x), bs):
            idx = perm[i:i + bs]
            opt.zero_grad()
            loss = F.cross_entropy(ref(x[idx]), y[idx])
            loss.backward()
            opt.step()
            losses.append(loss.item())
    assert result.history.step_loss == pytest.approx(losses, rel=1e-5, abs=1e-7)
    for p, q in zip(model.parameters(), ref.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6)
