"""The reconstruction task (autoencoders): targets are the inputs, the output check, metrics against
direct computations (numpy, scikit-learn), the bottleneck and the decoder run by hand, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.decomposition import PCA
from sklearn.metrics import r2_score
from torch import fx, nn

from playground.core.errors import GraphError
from playground.data import load
from playground.graph.project import load_project
from playground.nn.build import build_module
from playground.nn.subgraph import layer_outputs, run_from
from playground.train import TrainConfig, Trainer
from playground.train.autoencoder import decode_points, find_bottleneck, latent_view, plane_of
from playground.train.losses import check_loss


@pytest.fixture(scope="module")
def splits():
    return load("digits_recon")


@pytest.fixture(scope="module")
def trainer(splits):
    project = load_project("autoencoder_digits")
    config = TrainConfig.from_dict(project.training).replace(epochs=1)
    tr = Trainer(build_module(project.graph, seed=0), splits, config)
    tr.fit()
    return tr


def test_targets_are_the_inputs_in_pixels_and_labels_stay(splits):
    idx = torch.arange(7)
    x, y = splits.train.batch(idx, augment=False)
    pixels = splits.train.x[idx].float() / 16  # digits are stored 0..16
    torch.testing.assert_close(y, pixels)
    torch.testing.assert_close(x, (pixels - splits.mean) / splits.std)
    assert splits.train.y.dtype == torch.int64 and splits.train.y.dim() == 1  # the class labels
    assert splits.info.target_shape == (1, 8, 8) and splits.info.class_names[3] == "3"
    assert splits.info.num_classes == 0


def test_output_must_have_the_inputs_shape():
    problems = check_loss("mse", "reconstruction", 0, (64,), (1, 8, 8), dataset="dataset 'digits_recon'")
    assert len(problems) == 1
    assert "64 values" in problems[0] and "(1, 8, 8)" in problems[0] and "Reshape to 1, 8, 8" in problems[0]
    assert check_loss("mse", "reconstruction", 0, (1, 8, 8), (1, 8, 8)) == []
    assert check_loss("bce", "reconstruction", 0, (1, 8, 8), (1, 8, 8)) == []
    assert "reconstruction" in check_loss("cross_entropy", "reconstruction", 0, (1, 8, 8), (1, 8, 8))[0]


def test_metrics_match_a_direct_computation(trainer):
    x, y = trainer.feeds["test"].all()
    with torch.no_grad():
        trainer.model.eval()
        out = trainer.model(x)  # the preset ends in a Sigmoid: the outputs are the pixels
        trainer.model.train()
    true, pred = y.reshape(len(y), -1).double().numpy(), out.reshape(len(out), -1).double().numpy()
    ev = trainer.evaluate("test")
    assert ev.mse == pytest.approx(float(np.mean((true - pred) ** 2)), rel=1e-6)
    assert ev.mae == pytest.approx(float(np.mean(np.abs(true - pred))), rel=1e-6)
    assert ev.r2 == pytest.approx(r2_score(true.ravel(), pred.ravel()), rel=1e-6)
    assert ev.loss == pytest.approx(float(F.mse_loss(out, y)), rel=1e-5)
    assert set(ev.to_dict()) >= {"loss", "mse", "mae", "r2"}


def test_bce_compares_each_output_with_its_pixel(splits):
    project = load_project("autoencoder_digits")
    tr = Trainer(build_module(project.graph, seed=0), splits, TrainConfig(loss="bce", epochs=1))
    x, y = tr.feeds["val"].all()
    out = torch.randn(len(x), 1, 8, 8)
    expected = F.binary_cross_entropy_with_logits(out, y)
    torch.testing.assert_close(tr.objective.loss(out, tr.objective.target(y)), expected)
    torch.testing.assert_close(tr.objective.predict(out), torch.sigmoid(out))  # logits -> pixels


def test_the_bottleneck_is_the_narrowest_layer(trainer):
    x, _ = trainer.feeds["val"].all()
    assert find_bottleneck(trainer.model, x) == ("latent", 2)
    assert find_bottleneck(trainer.model, x, "fc2") == ("fc2", 16)


def test_decoding_a_point_runs_the_layers_after_the_code(trainer):
    points = np.array([[0.5, -1.0], [2.0, 3.0]])
    plane = plane_of(np.random.default_rng(0).normal(size=(10, 2)))
    got = decode_points(trainer, "latent", plane, points)
    m = trainer.model
    with torch.no_grad():
        z = torch.tensor(points, dtype=torch.float32)
        h = torch.relu(m.get_submodule("fc3")(z))
        h = torch.relu(m.get_submodule("fc4")(h))
        by_hand = torch.sigmoid(m.get_submodule("fc5")(h)).reshape(2, 1, 8, 8)
    np.testing.assert_allclose(got, by_hand.numpy(), atol=1e-6)


def test_latent_view_points_are_the_codes(trainer):
    view = latent_view(trainer, "val", grid=4)
    x, _ = trainer.feeds["val"].all()
    trainer.model.eval()
    with torch.no_grad():
        codes = layer_outputs(trainer.model, x)["latent"].numpy()
    trainer.model.train()
    np.testing.assert_allclose(view.points, codes, atol=1e-5)
    np.testing.assert_array_equal(view.labels, trainer.splits.val.y.numpy())
    assert view.grid.shape == (4, 4, 1, 8, 8) and view.recon.shape == view.inputs.shape
    assert view.mse == pytest.approx(trainer.evaluate("val").mse, rel=1e-5)
    corner = decode_points(trainer, "latent", view.plane, np.array([[view.xs[0], view.ys[0]]]))
    np.testing.assert_allclose(view.grid[0, 0], corner[0], atol=1e-6)  # the top-left tile


def test_wider_codes_are_drawn_on_their_pca_plane():
    codes = np.random.default_rng(1).normal(size=(200, 5)) * np.array([5, 3, 1, 0.5, 0.1])
    plane = plane_of(codes)
    ref = PCA(n_components=2).fit(codes)
    pts = plane.to_points(codes)
    ref_pts = ref.transform(codes)
    for k in range(2):  # the same directions up to sign
        sign = np.sign(np.dot(pts[:, k], ref_pts[:, k]))
        np.testing.assert_allclose(pts[:, k] * sign, ref_pts[:, k], atol=1e-8)
    np.testing.assert_allclose(plane.to_points(plane.to_codes(pts)), pts, atol=1e-10)


def test_run_from_refuses_a_skip_connection_around_the_layer():
    class Skip(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(3, 3), nn.Linear(3, 3)

        def forward(self, x):
            return self.b(self.a(x)) + x

    gm = fx.symbolic_trace(Skip())
    with pytest.raises(GraphError, match="comes before 'a'"):
        run_from(gm, "a", torch.zeros(1, 3))
    z = torch.randn(2, 3)
    gm2 = fx.symbolic_trace(nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 4)))
    torch.testing.assert_close(run_from(gm2, "1", z[:, :2]), gm2.get_submodule("2")(torch.relu(z[:, :2])))


def test_cli_train_writes_reconstruction_mse(tmp_path, capsys):
    from playground.cli import main

    out = tmp_path / "run.json"
    assert main(["train", "autoencoder_digits", "--epochs", "1", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["dataset"]["task"] == "reconstruction"
    assert {"loss", "mse", "mae", "r2"} <= set(report["test"])
    assert "reconstruction MSE" in capsys.readouterr().out


def test_a_linear_bottleneck_gets_no_two_linears_warning():
    from playground.graph.model import Graph
    from playground.graph.validate import validate

    project = load_project("autoencoder_digits")
    assert not [i for i in validate(project.graph) if i.severity == "warning"]
    g = Graph()  # the same rule still warns where nothing is squeezed
    a = g.add_node("VectorInput", params={"features": 4})
    b = g.add_node("Linear", params={"units": 8})
    c = g.add_node("Linear", params={"units": 8})
    g.connect(a.id, b.id)
    g.connect(b.id, c.id)
    assert any("act as one" in i.message for i in validate(g) if i.node_id == b.id)


def test_exported_script_data_holds_the_pixels_as_targets(trainer):
    import io

    from playground.train.script_export import _data_bytes

    data = np.load(io.BytesIO(_data_bytes(trainer.splits, trainer.objective)))
    pixels = trainer.splits.train.x.float().numpy() / 16
    np.testing.assert_allclose(data["t_train"], pixels, rtol=1e-6)
    np.testing.assert_array_equal(data["y_train"], trainer.splits.train.y.numpy())  # the labels, kept
