"""Evaluation numbers against scikit-learn: confusion matrix, precision/recall/F1, ROC, AUC, R^2."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk
from torch import nn

from playground.train import metrics
from playground.train.evaluation import evaluate
from playground.train.losses import get_loss
from playground.train.objective import Objective

labels = st.integers(min_value=2, max_value=5).flatmap(
    lambda c: st.tuples(st.just(c), st.lists(st.tuples(st.integers(0, c - 1), st.integers(0, c - 1)),
                                             min_size=1, max_size=60)))


@settings(max_examples=60, deadline=None)
@given(labels)
def test_confusion_and_per_class_scores_match_sklearn(case):
    c, pairs = case
    y_true, y_pred = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    cm = metrics.confusion_matrix(y_true, y_pred, c)
    np.testing.assert_array_equal(cm, sk.confusion_matrix(y_true, y_pred, labels=list(range(c))))
    p, r, f, s = metrics.precision_recall_f1(cm)
    ref = sk.precision_recall_fscore_support(y_true, y_pred, labels=list(range(c)), zero_division=0)
    for ours, theirs in zip((p, r, f, s), ref):
        np.testing.assert_allclose(ours, theirs, atol=1e-12)
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(sk.accuracy_score(y_true, y_pred))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 8)), min_size=2, max_size=80))
def test_roc_curve_and_auc_match_sklearn_with_ties(rows):
    y = np.array([r[0] for r in rows], dtype=int)
    scores = np.array([r[1] for r in rows], dtype=float) / 8  # few distinct values: many ties
    if y.min() == y.max():
        return  # ROC needs both sides
    fpr, tpr, thr = metrics.roc_curve(y, scores)
    rf, rt, rth = sk.roc_curve(y, scores, drop_intermediate=False)
    np.testing.assert_allclose(fpr, rf)
    np.testing.assert_allclose(tpr, rt)
    np.testing.assert_allclose(thr[1:], rth[1:])
    assert np.isinf(thr[0])
    assert metrics.auc(fpr, tpr) == pytest.approx(sk.roc_auc_score(y, scores))


def test_one_vs_rest_auc_matches_sklearn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 300)
    logits = rng.normal(size=(300, 4)) + 1.5 * np.eye(4)[y]
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    _, areas = metrics.roc_one_vs_rest(y, probs)
    for c in range(4):
        assert areas[c] == pytest.approx(sk.roc_auc_score(y == c, probs[:, c]))
    assert metrics.macro_auc(areas, 4) == pytest.approx(sk.roc_auc_score(y, probs, multi_class="ovr", average="macro"))


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 40), st.integers(1, 3), st.integers(0, 1000))
def test_r2_and_mse_match_sklearn(n, k, seed):
    rng = np.random.default_rng(seed)
    y, p = rng.normal(size=(n, k)), rng.normal(size=(n, k))
    assert metrics.r2_score(y, p) == pytest.approx(sk.r2_score(y, p))
    assert metrics.mse(y, p) == pytest.approx(sk.mean_squared_error(y, p))


def test_evaluate_a_model_matches_sklearn():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3))
    x = torch.randn(200, 2)
    y = (x[:, 0] > 0).long() + (x[:, 1] > 0.5).long()
    obj = Objective(get_loss("cross_entropy"), {"label_smoothing": 0.0}, "classification", 3, 3)
    ev = evaluate(model, x, y, obj, ("a", "b", "c"))
    with torch.no_grad():
        logits = model(x)
    pred = logits.argmax(1).numpy()
    probs = torch.softmax(logits, 1).numpy()
    assert ev.accuracy == pytest.approx(sk.accuracy_score(y, pred))
    np.testing.assert_array_equal(ev.confusion, sk.confusion_matrix(y, pred, labels=[0, 1, 2]))
    np.testing.assert_allclose(ev.f1, sk.f1_score(y, pred, average=None, labels=[0, 1, 2], zero_division=0))
    assert ev.auc_macro == pytest.approx(sk.roc_auc_score(y, probs, multi_class="ovr"))
    np.testing.assert_array_equal(ev.misclassified, np.flatnonzero(pred != y.numpy()))
    assert ev.loss == pytest.approx(float(torch.nn.functional.cross_entropy(logits, y)))
    data = ev.to_dict()
    assert data["accuracy"] == ev.accuracy and data["confusion_matrix"] == ev.confusion.tolist()


def test_evaluate_binary_single_output_matches_sklearn():
    torch.manual_seed(1)
    model = nn.Linear(2, 1)
    x = torch.randn(150, 2)
    y = (x.sum(1) > 0.3).long()
    obj = Objective(get_loss("bce"), {}, "classification", 1, 2)
    ev = evaluate(model, x, y, obj)
    with torch.no_grad():
        score = model(x)[:, 0]
    assert ev.auc_macro == pytest.approx(sk.roc_auc_score(y, score))
    assert ev.accuracy == pytest.approx(sk.accuracy_score(y, (score > 0).long()))


def test_evaluate_regression_matches_sklearn():
    torch.manual_seed(2)
    model = nn.Linear(3, 2)
    x = torch.randn(100, 3)
    y = x[:, :2] * 2 + 0.1
    obj = Objective(get_loss("mae"), {}, "regression", 2, 0)
    ev = evaluate(model, x, y, obj)
    with torch.no_grad():
        p = model(x).numpy()
    assert ev.r2 == pytest.approx(sk.r2_score(y, p), rel=1e-5)
    assert ev.mse == pytest.approx(sk.mean_squared_error(y, p), rel=1e-5)
    assert ev.mae == pytest.approx(sk.mean_absolute_error(y, p), rel=1e-5)
    assert ev.loss == pytest.approx(sk.mean_absolute_error(y, p), rel=1e-5)
