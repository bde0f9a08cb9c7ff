"""Filters & Weights panel: kernel tiles are the model's weights on a zero-centred scale, edge tiles
are an independent correlation of the input, learned tiles are that layer's activations, and the
histograms record over training and match numpy.histogram of the weights."""

from __future__ import annotations

import numpy as np
import torch

from playground.train.probes import activations

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float)


def correlate(img: np.ndarray, k: np.ndarray) -> np.ndarray:
    h, w = img.shape
    pad = np.pad(img.astype(float), 1)
    return sum(pad[a:a + h, b:b + w] * k[a, b] for a in range(3) for b in range(3))


def answer(panel, qtbot):
    """Ask again and wait for a fresh answer."""
    qtbot.waitUntil(lambda: not panel.in_flight, timeout=60_000)
    n = panel.results
    panel.invalidate()
    qtbot.waitUntil(lambda: panel.results > n and not panel.in_flight, timeout=60_000)


def test_kernels_edges_and_histograms(make_window, qtbot):
    window = make_window("lenet5")
    panel = window.training.show_panel("filters")
    qtbot.waitUntil(lambda: panel.results >= 1 and not panel.in_flight, timeout=60_000)
    assert panel.last_error == ""
    session = window.training.session

    # kernels: conv1 (6 out x 1 in) then conv2 (16 out x 6 in): tiles are the weights, scale symmetric
    assert [panel.layer_combo.itemText(i) for i in range(panel.layer_combo.count())] == ["conv1", "conv2"]
    panel.layer_combo.setCurrentText("conv2")
    qtbot.waitUntil(lambda: panel._kernel_result and panel._kernel_result["layer"] == "conv2" and not panel.in_flight,
                    timeout=60_000)
    w = session.trainer.model.get_submodule("conv2").weight.detach().numpy()  # (16, 6, 5, 5)
    grid = panel.kernel_grid
    assert len(grid.tiles) == 16 * 6 and grid.columns == 6
    for o, i in ((0, 0), (3, 5), (15, 2)):
        np.testing.assert_array_equal(grid.tiles[o * 6 + i], w[o, i])
    lo, hi = grid.range
    assert lo == -hi and hi == np.abs(w).max()

    # edge filters vs learned, for the shared input
    panel.choice.set_example("val", 3)
    panel.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: panel.edge_title.text().startswith("Input (val example 3") and not panel.in_flight,
                    timeout=60_000)
    x, _ = panel.choice.fetch(session.trainer)  # (1, 1, 28, 28)
    gray = x[0].mean(dim=0).numpy()
    edges = dict(zip(panel.edge_grid.captions, panel.edge_grid.tiles))
    np.testing.assert_allclose(edges["input"], gray, atol=1e-6)
    np.testing.assert_allclose(edges["Sobel x"], correlate(gray, SOBEL_X), atol=1e-4)
    np.testing.assert_allclose(edges["Sobel y"], correlate(gray, SOBEL_X.T), atol=1e-4)
    np.testing.assert_allclose(edges["Sobel |grad|"],
                               np.hypot(correlate(gray, SOBEL_X), correlate(gray, SOBEL_X.T)), atol=1e-4)
    with torch.no_grad():
        conv1 = activations(session.trainer.model, x).outputs["conv1"][0]  # (6, 28, 28)
    assert len(panel.learned_grid.tiles) == 6
    for c in range(6):
        np.testing.assert_allclose(panel.learned_grid.tiles[c], conv1[c], atol=1e-5)

    # histograms grow while training, and the latest one equals numpy.histogram of the weights
    panel.tabs.setCurrentIndex(2)
    answer(panel, qtbot)
    before = panel.history.snapshots
    session.step(12)
    qtbot.waitUntil(lambda: session.trainer.step_count >= 12 and session.state != "running", timeout=120_000)

    def caught_up():  # the last answer may have been computed a batch before training stopped: ask again
        done = panel.history.last_step == session.trainer.step_count and not panel.in_flight
        if not done and not panel.in_flight:
            panel.invalidate()
        return done
    qtbot.waitUntil(caught_up, timeout=60_000)
    panel.hist_page.layer.setCurrentText("conv1")
    answer(panel, qtbot)
    assert panel.history.snapshots > before
    view = panel.hist_page.view
    assert view.name == "conv1" and view.steps[-1] == session.trainer.step_count and len(view.steps) >= 2
    w1 = session.trainer.model.get_submodule("conv1").weight.detach().numpy()
    np.testing.assert_array_equal(view.counts[-1], np.histogram(w1, view.edges)[0])
    assert "snapshots" in panel.hist_page.info.text()

    panel.hist_page.kind.setCurrentIndex(1)  # activations
    answer(panel, qtbot)
    assert panel.hist_page.layer.count() > 5 and panel.hist_page.view is not None
    assert panel.hist_page.view.counts[-1].sum() > 0
