"""Metric learning: the contrastive and triplet losses (every mining option) against plain loops,
one shared set of weights, the verification / one-shot / 1-NN numbers and the 2-D projection
against direct counts, scikit-learn and numpy, the fixed pairs, the datasets and the task record."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
import torch

from playground.data.pairs import one_shot_split, sample_pairs, sample_triplets
from playground.train import embedding_metrics as em
from playground.train.losses import check_loss, get_loss


def _batch(seed=0, n=12, dim=3, classes=3):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, dim, generator=g, dtype=torch.float64), torch.arange(n) % classes


def _sq(a, b):
    return float(sum((float(a[k]) - float(b[k])) ** 2 for k in range(len(a))))


# ---- losses against loops ---------------------------------------------------------------------------

def loop_contrastive(e, y, margin):
    pos, neg = [], []
    for i, j in itertools.combinations(range(len(e)), 2):
        d2 = _sq(e[i], e[j])
        if y[i] == y[j]:
            pos.append(d2)
        else:
            neg.append(max(0.0, margin - math.sqrt(d2)) ** 2)
    mean = lambda v: sum(v) / len(v) if v else 0.0  # noqa: E731
    return 0.5 * mean(pos) + 0.5 * mean(neg)


def loop_triplet(e, y, margin, mining):
    n = len(e)
    d = [[_sq(e[i], e[j]) for j in range(n)] for i in range(n)]
    hinge = lambda ap, an: max(0.0, ap - an + margin)  # noqa: E731
    losses = []
    for a in range(n):
        positives = [p for p in range(n) if p != a and y[p] == y[a]]
        negatives = [q for q in range(n) if y[q] != y[a]]
        if not positives or not negatives:
            continue
        if mining == "all":
            losses += [hinge(d[a][p], d[a][q]) for p in positives for q in negatives]
        elif mining == "hard":
            losses.append(hinge(max(d[a][p] for p in positives), min(d[a][q] for q in negatives)))
        else:  # semi-hard: nearest negative beyond the positive, else the farthest negative
            for p in positives:
                beyond = [d[a][q] for q in negatives if d[a][q] > d[a][p]]
                losses.append(hinge(d[a][p], min(beyond) if beyond else max(d[a][q] for q in negatives)))
    return sum(losses) / len(losses) if losses else 0.0


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("margin", [0.5, 2.0])
def test_contrastive_loss_matches_a_loop_over_pairs(seed, margin):
    e, y = _batch(seed)
    got = get_loss("contrastive").fn(e, y, margin=margin)
    assert float(got) == pytest.approx(loop_contrastive(e, y.tolist(), margin), rel=1e-9)


@pytest.mark.parametrize("name,mining", [("triplet", "all"), ("triplet_hard", "hard"),
                                         ("triplet_semihard", "semi-hard")])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("margin", [0.2, 1.0, 5.0])
def test_triplet_loss_matches_a_loop_for_each_mining(name, mining, seed, margin):
    e, y = _batch(seed, n=10, classes=3 + seed % 2)
    got = get_loss(name).fn(e, y, margin=margin)
    assert float(got) == pytest.approx(loop_triplet(e, y.tolist(), margin, mining), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name", ["contrastive", "triplet", "triplet_hard", "triplet_semihard"])
def test_losses_have_finite_gradients_even_for_identical_embeddings_and_one_class(name):
    e = torch.zeros(6, 2, requires_grad=True)  # every distance 0: sqrt has no gradient there
    get_loss(name).fn(e, torch.tensor([0, 0, 1, 1, 2, 2])).backward()
    assert torch.isfinite(e.grad).all()
    e1 = torch.randn(4, 2, requires_grad=True)
    loss = get_loss(name).fn(e1, torch.zeros(4, dtype=torch.long))  # no negatives in the batch
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(e1.grad).all()


def test_gradient_matches_autograd_of_the_loop():
    e, y = _batch(5, n=6)
    for name, mining in (("triplet_hard", "hard"), ("triplet_semihard", "semi-hard")):
        a = e.clone().requires_grad_(True)
        get_loss(name).fn(a, y, margin=1.0).backward()
        assert torch.autograd.gradcheck(lambda t: get_loss(name).fn(t, y, margin=1.0), (e.clone().requires_grad_(),))
        assert a.grad.abs().sum() > 0


# ---- one network, shared weights ------------------------------------------------------------------------

def test_the_siamese_branches_are_one_set_of_weights():
    """The batch loss's gradient equals the gradient of pairs embedded one picture at a time by the
    same module, and the model has the parameters of one branch only."""
    from playground.graph.project import load_project
    from playground.nn.build import build_module

    project = load_project("siamese_shapes")
    model = build_module(project.graph).double()
    n_params = sum(p.numel() for p in model.parameters())
    from playground.graph.shapes import infer
    assert n_params == infer(project.graph).total_params  # one branch's parameters, not two
    g = torch.Generator().manual_seed(0)
    x = torch.rand(4, 1, 28, 28, generator=g, dtype=torch.float64)
    y = torch.tensor([0, 0, 1, 2])
    model.zero_grad()
    get_loss("contrastive").fn(model(x), y, margin=1.0).backward()
    batch_grads = [p.grad.clone() for p in model.parameters()]

    model.zero_grad()
    pos, neg = [], []
    for i, j in itertools.combinations(range(4), 2):
        f1, f2 = model(x[i:i + 1])[0], model(x[j:j + 1])[0]  # the two branches: the same module
        d2 = ((f1 - f2) ** 2).sum()
        (pos if y[i] == y[j] else neg).append(d2 if y[i] == y[j] else torch.relu(1.0 - d2.sqrt()) ** 2)
    (0.5 * torch.stack(pos).mean() + 0.5 * torch.stack(neg).mean()).backward()
    for got, want in zip(batch_grads, [p.grad for p in model.parameters()]):
        torch.testing.assert_close(got, want)


# ---- the numbers -------------------------------------------------------------------------------------------

def test_verification_accuracy_at_a_threshold_is_a_direct_count():
    rng = np.random.default_rng(0)
    d, same = rng.random(200), rng.random(200) < 0.4
    for delta in (0.0, 0.2, 0.5, 0.9, 2.0):
        right = sum(1 for k in range(200) if (d[k] < delta) == same[k])
        assert em.verification_accuracy(d, same, delta) == pytest.approx(right / 200)


def test_best_threshold_beats_or_ties_every_threshold_tried_directly():
    rng = np.random.default_rng(1)
    d = np.round(rng.random(300), 2)  # ties included
    same = rng.random(300) < (1 - d)  # nearer pairs are more often the same
    delta, acc = em.best_threshold(d, same)
    assert acc == pytest.approx(em.verification_accuracy(d, same, delta))
    candidates = np.r_[d, d + 1e-9, -1.0, 2.0]
    assert acc == pytest.approx(max(em.verification_accuracy(d, same, t) for t in candidates))


def test_verification_roc_auc_matches_scikit_learn():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(2)
    d, same = rng.random(150), rng.random(150) < 0.5
    _, _, area = em.verification_roc(d, same)
    assert area == pytest.approx(roc_auc_score(same, -d))


def test_distances_one_shot_and_nearest_neighbour_against_loops():
    rng = np.random.default_rng(3)
    emb, labels = rng.normal(size=(40, 3)), np.arange(40) % 4
    i, j, _ = sample_pairs(labels, 30, seed=0)
    np.testing.assert_allclose(em.distances(emb, i, j), [_sq(emb[a], emb[b]) for a, b in zip(i, j)])
    refs, queries = one_shot_split(labels, seed=0)
    pred, acc = em.one_shot(emb, labels, refs, queries)
    want = [labels[min(refs, key=lambda r: _sq(emb[q], emb[r]))] for q in queries]
    np.testing.assert_array_equal(pred, want)
    assert acc == pytest.approx(np.mean(np.array(want) == labels[queries]))
    from sklearn.neighbors import KNeighborsClassifier

    hits = 0
    for k in range(40):  # leave one out
        rest = np.arange(40) != k
        hits += KNeighborsClassifier(1).fit(emb[rest], labels[rest]).predict(emb[k:k + 1])[0] == labels[k]
    assert em.nn_accuracy(emb, labels) == pytest.approx(hits / 40)


def test_projection_is_the_output_itself_in_2d_and_the_principal_components_otherwise():
    rng = np.random.default_rng(4)
    emb2 = rng.normal(size=(50, 2))
    np.testing.assert_array_equal(em.project_2d(emb2)[0], emb2)
    emb = rng.normal(size=(60, 5)) * np.array([5.0, 3.0, 1.0, 0.5, 0.1])
    got, how = em.project_2d(emb)
    centred = emb - emb.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    want = centred @ vt[:2].T
    signs = np.sign(np.sum(got * want, axis=0))  # a principal axis is defined up to its sign
    np.testing.assert_allclose(got * signs, want, atol=1e-10)
    np.testing.assert_allclose(np.var(got, axis=0), np.sort(np.linalg.eigvalsh(np.cov(centred.T, bias=True)))[::-1][:2])
    assert "PCA" in how


# ---- fixed pairs and triplets ----------------------------------------------------------------------------

def test_pairs_and_triplets_are_valid_balanced_and_the_same_for_the_same_seed():
    labels = np.arange(70) % 7
    i, j, same = sample_pairs(labels, 100, seed=3)
    assert same.sum() == 50 and np.all(i != j)
    np.testing.assert_array_equal(labels[i] == labels[j], same)
    for a, b in zip(sample_pairs(labels, 100, seed=3), (i, j, same)):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(sample_pairs(labels, 100, seed=4)[0], i)
    a, p, n = sample_triplets(labels, 80, seed=1)
    assert np.all(a != p) and np.all(labels[a] == labels[p]) and np.all(labels[a] != labels[n])
    refs, queries = one_shot_split(labels, seed=0)
    assert sorted(labels[refs]) == list(range(7)) and len(queries) == 63
    assert len(sample_pairs(np.zeros(5), 10)[0]) == 10 and sample_pairs(np.zeros(5), 10)[2].all()
    assert len(sample_pairs(np.arange(1), 10)[0]) == 0


# ---- datasets, task record, training -----------------------------------------------------------------------

def test_metric_datasets_are_the_labelled_sets_with_the_embedding_task():
    from playground.data import load

    plain, metric = load("digits", seed=0), load("digits_metric", seed=0)
    assert metric.info.task == "embedding" and metric.info.class_names == plain.info.class_names
    torch.testing.assert_close(metric.train.x, plain.train.x)


def test_loss_and_output_checks_name_both_sides():
    problems = check_loss("triplet", "classification", 7, (7,), (), dataset="dataset 'shapes'")
    assert problems and "Triplet" in problems[0] and "classification" in problems[0]
    problems = check_loss("cross_entropy", "embedding", 7, (7,), (), dataset="dataset 'shapes_metric'")
    assert problems and "Contrastive" in problems[0]
    problems = check_loss("contrastive", "embedding", 7, (8, 4, 4), (), dataset="dataset 'shapes_metric'")
    assert problems and "flat" in problems[0] and "Linear" in problems[0]
    assert check_loss("triplet_semihard", "embedding", 7, (2,), ()) == []


def test_training_cli_reports_the_test_keys(tmp_path):
    from playground.cli import main
    from playground.train.tasks import get_task

    out = tmp_path / "run.json"
    assert main(["train", "triplet_digits", "--epochs", "1", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert set(get_task("embedding").test_keys) <= set(data["test"])
    assert 0.0 <= data["test"]["verification_accuracy"] <= 1.0 and data["epochs"][-1]["val_accuracy"] >= 0


@pytest.mark.parametrize("name", ["contrastive", "triplet", "triplet_hard", "triplet_semihard"])
def test_the_exported_training_script_computes_the_same_loss(name):
    from playground.train.script_export import _loss_code

    namespace: dict = {}
    exec("import functools\nimport torch\nimport torch.nn.functional as F\n" + _loss_code(name, {"margin": 0.7}),
         namespace)
    e, y = _batch(0)
    assert float(namespace["LOSS"](e, y)) == pytest.approx(float(get_loss(name).fn(e, y, margin=0.7)), rel=1e-12)


def test_embedding_view_projects_a_wider_embedding_by_pca_and_measures_its_own_pairs():
    from train_helpers import blobs, mlp, tensor_splits

    from playground.train import TrainConfig, Trainer
    from playground.train.embedding_view import embedding_view

    x, y = blobs(n=240, classes=4, dim=4, seed=1)
    splits = tensor_splits(x, y, task="embedding", num_classes=4)
    trainer = Trainer(mlp(inputs=4, outputs=5), splits,
                      TrainConfig(epochs=2, batch_size=32, lr=0.01, optimizer="adam", loss="triplet_semihard"))
    trainer.fit()
    view = embedding_view(trainer, "val")
    vx, _ = trainer.feeds["val"].sample(torch.as_tensor(view.index))
    with torch.no_grad():
        out = trainer.model.eval()(vx).double().numpy()  # (N, 5)
    np.testing.assert_allclose(view.emb, out, rtol=1e-6, atol=1e-9)
    centred = out - out.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    want = centred @ vt[:2].T
    np.testing.assert_allclose(np.abs(view.points), np.abs(want), rtol=1e-6, atol=1e-8)
    assert "PCA of 5 outputs" in view.how
    i, j, d = view.pairs["i"], view.pairs["j"], view.pairs["d"]
    np.testing.assert_allclose(d, [_sq(out[a], out[b]) for a, b in zip(i, j)], rtol=1e-9)
    assert view.pairs["accuracy"] == pytest.approx(em.verification_accuracy(d, view.pairs["same"],
                                                                            view.pairs["threshold"]))
