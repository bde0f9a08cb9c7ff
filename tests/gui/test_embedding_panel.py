"""Embedding panel (metric learning): the scatter is the model's own 2-D output, the delta slider's
accuracy is a direct count over the shown pairs, clicks choose the compared pair, and the
Evaluation panel shows the task record's page instead of a confusion matrix."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from playground.train.probes import eval_mode


def _trained(window, qtbot, key: str, steps: int):
    panel = window.training.show_panel(key)
    session = window.training.session
    qtbot.waitUntil(lambda: panel.results >= 1, timeout=60000)
    session.step(steps)
    qtbot.waitUntil(lambda: session.state != "running" and session.trainer is not None
                    and session.trainer.step_count == steps, timeout=60000)
    return panel, session.trainer


def test_scatter_is_the_output_and_the_slider_accuracy_is_a_direct_count(make_window, qtbot):
    window = make_window("siamese_shapes")
    panel, trainer = _trained(window, qtbot, "embedding", 12)
    qtbot.waitUntil(lambda: panel.view is not None and panel.view.step == 12 and not panel.in_flight, timeout=60000)
    assert panel.last_error == ""
    view = panel.view

    x, _ = trainer.feeds["val"].sample(torch.as_tensor(view.index))
    with eval_mode(trainer.model), torch.no_grad():
        out = trainer.model(x).double().numpy()  # (N, 2): the raw output is the picture
    np.testing.assert_allclose(view.points, out, rtol=1e-6, atol=1e-9)
    shown = np.concatenate([np.c_[item.getData()] for item in panel.scatters])
    assert len(shown) == len(view.labels)
    for k, item in enumerate(panel.scatters):  # each class's points in its own item, at the output
        rows = np.flatnonzero(view.labels == k)
        np.testing.assert_allclose(np.c_[item.getData()], out[rows], rtol=1e-6, atol=1e-9)

    box = panel.verify
    d = np.asarray(view.pairs["d"])
    same = np.asarray(view.pairs["same"], dtype=bool)
    seen = set()
    for value in (0, 150, 400, 700, 1000):
        box.slider.setValue(value)
        delta = box.delta()
        right = sum(1 for k in range(len(d)) if (d[k] < delta) == same[k])
        assert box.shown_accuracy == pytest.approx(right / len(d))
        assert f"{right / len(d):.1%}" in box.accuracy.text()
        seen.add(round(box.shown_accuracy, 6))
    assert len(seen) >= 2  # the slider really changes what is shown

    a, b = 3, 7  # two clicks choose the pair; the verdict compares their distance with delta
    panel.choose(a)
    panel.choose(b)
    assert box.rows == (a, b)
    dist = float(np.sum((out[a] - out[b]) ** 2))
    assert f"{dist:.4g}" in box.verdict.text()
    np.testing.assert_allclose(panel.chosen.getData()[0], out[[a, b], 0])

    box.set_best()
    assert box.delta() == pytest.approx(view.pairs["threshold"], rel=2e-3, abs=box._top / 1000)
    assert panel.one_shot.summary.text().startswith(f"One-shot accuracy {view.one_shot_accuracy:.1%}")


def test_evaluation_panel_shows_the_task_page_for_metric_learning(make_window, qtbot):
    window = make_window("triplet_digits")
    panel, trainer = _trained(window, qtbot, "evaluation", 5)
    qtbot.waitUntil(lambda: panel.view is not None and panel.view.step == 5 and not panel.in_flight, timeout=60000)
    assert panel.last_error == ""
    page = panel.pages.currentWidget()
    assert type(page).__name__ == "EmbeddingPanel"
    assert not panel.pages.isTabVisible(panel.pages.indexOf(panel.standard))  # no confusion matrix to show
    from playground.train.tasks import get_task

    assert get_task("embedding").summary(trainer.evaluate("val")) in panel.summary.text()
    qtbot.waitUntil(lambda: page.view is not None and page.view.step == 5, timeout=60000)
    assert page.last_error == ""


def test_embedding_panel_explains_a_classification_dataset(make_window, qtbot):
    window = make_window("lenet5")
    panel = window.training.show_panel("embedding")
    qtbot.waitUntil(lambda: panel.results >= 1, timeout=60000)
    assert "not metric learning" in panel.last_error and "_metric" in panel.last_error
