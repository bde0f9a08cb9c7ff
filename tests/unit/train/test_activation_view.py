"""The Activations panel's torch side against plain torch: node outputs, probabilities, mistakes."""

import numpy as np
import pytest
import torch
from torch import fx, nn

from playground.core.errors import TrainingError
from playground.train import TrainConfig, Trainer
from playground.train import activation_view as av

from train_helpers import blobs, tensor_splits


class SmallCNN(nn.Module):
    """Conv -> ReLU, a skip branch added, pooled, flattened, classified: a branchy graph for fx."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3, padding=1)
        self.skip = nn.Conv2d(1, 3, 1)
        self.act = nn.ReLU()
        self.pool = nn.AvgPool2d(2)
        self.flat = nn.Flatten()
        self.fc = nn.Linear(3 * 3 * 3, 4)

    def forward(self, x):
        return self.fc(self.flat(self.pool(self.act(self.conv(x) + self.skip(x)))))


def test_node_activations_match_a_plain_forward_pass_in_eval_mode():
    torch.manual_seed(0)
    model = fx.symbolic_trace(SmallCNN())
    model.train()
    x = torch.randn(1, 1, 6, 6)
    out = av.node_activations(model, x)
    assert [(n, k) for n, k, _ in out] == [("conv", "Conv2d"), ("skip", "Conv2d"), ("add", "add"), ("act", "ReLU"),
                                           ("pool", "AvgPool2d"), ("flat", "Flatten"), ("fc", "Linear")]
    with torch.no_grad():
        a = torch.relu(model.conv(x) + model.skip(x))
        expected = {"act": a[0], "pool": nn.functional.avg_pool2d(a, 2)[0], "fc": model(x)[0]}
    values = {n: v for n, _, v in out}
    for name, ref in expected.items():
        np.testing.assert_allclose(values[name], ref.numpy(), rtol=1e-5, atol=1e-6)
    assert values["conv"].shape == (3, 6, 6) and isinstance(values["fc"], np.ndarray)
    assert model.training  # mode restored


def test_dropout_is_off_so_the_view_is_repeatable():
    model = fx.symbolic_trace(nn.Sequential(nn.Linear(5, 50), nn.Dropout(0.5)))
    x = torch.randn(1, 5)
    first = av.node_activations(model, x)[-1][2]
    second = av.node_activations(model, x)[-1][2]
    np.testing.assert_array_equal(first, second)
    with torch.no_grad():
        np.testing.assert_allclose(first, model.get_submodule("0")(x)[0].numpy(), rtol=1e-6)


def _trainer(model, classes=3, epochs=0):
    splits = tensor_splits(*blobs(n=240, classes=classes), num_classes=classes, name="blobs")
    trainer = Trainer(fx.symbolic_trace(model), splits, TrainConfig(epochs=epochs, seed=0, lr=0.02, batch_size=32))
    if epochs:
        trainer.fit()
    return trainer


def test_probabilities_are_the_softmax_of_the_output_and_the_label_comes_along():
    torch.manual_seed(1)
    trainer = _trainer(nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3)))
    x, y = trainer.feeds["val"].sample([4])
    view = av.activation_view(trainer, x, y)
    with torch.no_grad():
        expected = torch.softmax(trainer.model(x), dim=1)[0].numpy()
    np.testing.assert_allclose(view.probabilities, expected, rtol=1e-5)
    assert view.probabilities.sum() == pytest.approx(1.0)
    assert view.label == int(y[0]) and view.class_names == ("class 0", "class 1", "class 2")
    assert [n.name for n in view.nodes] == ["0", "1", "2"]


def test_a_single_output_gives_two_class_probabilities_through_the_sigmoid():
    torch.manual_seed(2)
    trainer = _trainer(nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1)), classes=2)
    x, y = trainer.feeds["val"].sample([0])
    probs = av.activation_view(trainer, x, y).probabilities
    with torch.no_grad():
        p1 = torch.sigmoid(trainer.model(x))[0, 0].item()
    np.testing.assert_allclose(probs, [1 - p1, p1], rtol=1e-5)


def test_regression_has_no_probabilities_and_no_mistakes(regression_splits):
    trainer = Trainer(fx.symbolic_trace(nn.Sequential(nn.Linear(3, 2))), regression_splits, TrainConfig(epochs=0))
    x, y = trainer.feeds["val"].sample([0])
    view = av.activation_view(trainer, x, y)
    assert view.probabilities is None and view.label is None
    with pytest.raises(TrainingError, match="only a classifier"):
        av.misclassified(trainer, "val")


def test_misclassified_agrees_with_an_independent_argmax():
    torch.manual_seed(3)
    trainer = _trainer(nn.Sequential(nn.Linear(2, 3)), epochs=1)  # one short epoch: some right, some wrong
    found = av.misclassified(trainer, "train")
    x, y = trainer.splits.train.all()
    with torch.no_grad():
        pred = trainer.model(x).argmax(1)
    expected = torch.nonzero(pred != y).reshape(-1).tolist()
    assert found.indices == expected and found.total == len(y) and 0 < len(expected) < len(y)
    assert found.predicted == pred[expected].tolist() and found.labels == y[expected].tolist()
    assert av.misclassified(trainer, "train", limit=3).indices == expected[:3]
    with pytest.raises(TrainingError, match="unknown split"):
        av.misclassified(trainer, "nope")


def test_misclassified_scans_in_batches(monkeypatch):
    monkeypatch.setattr(av, "BATCH", 7)
    torch.manual_seed(4)
    trainer = _trainer(nn.Sequential(nn.Linear(2, 3)))
    x, y = trainer.splits.val.all()
    with torch.no_grad():
        expected = torch.nonzero(trainer.model(x).argmax(1) != y).reshape(-1).tolist()
    assert av.misclassified(trainer, "val").indices == expected


def test_dataset_facts_and_stored_input_undo_the_normalization():
    from playground.data import load

    splits = load("shapes", seed=0)
    model = fx.symbolic_trace(nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, splits.info.num_classes)))
    trainer = Trainer(model, splits, TrainConfig(epochs=0))
    facts = av.dataset_facts(trainer)
    assert facts["input_shape"] == (1, 28, 28) and facts["kind"] == "image"
    assert facts["class_names"] == tuple(splits.info.class_names)
    assert facts["sizes"] == {"train": len(splits.train), "val": len(splits.val), "test": len(splits.test)}
    x, _ = trainer.feeds["val"].sample([5])
    raw = av.stored_input(trainer, x)
    expected = splits.val.x[5].float() * splits.val.scale  # the stored pixels, scaled to [0, 1]
    np.testing.assert_allclose(raw, expected.numpy(), atol=1e-5)
