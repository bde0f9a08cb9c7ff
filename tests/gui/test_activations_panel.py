"""Activations panel: feature maps and probabilities against a direct torch forward pass, the picker."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from playground.ui.common import preload


def _panel(make_window, qtbot, preset):
    window = make_window(preset)
    panel = window.training.show_panel("activations")
    qtbot.waitUntil(lambda: panel.results >= 1 and panel.last_result is not None, timeout=60_000)
    qtbot.waitUntil(lambda: panel.picker.facts is not None, timeout=60_000)
    return window, panel


def _reference(window, choice):
    """Every node's output and the softmax of the output, by a direct forward pass on the trainer's model."""
    import torch

    from playground.train import probes

    trainer = window.training.session.trainer
    x, y = choice.fetch(trainer)
    with probes.eval_mode(trainer.model), torch.no_grad():
        outs = {name: out[0].numpy() for name, _, out in probes.node_outputs(trainer.model, x)}
        probs = torch.softmax(trainer.model(x), dim=1)[0].numpy()
    return outs, probs, (None if y is None else int(y[0]))


def _shown(panel, n):
    return lambda: panel.results >= n and panel.last_result is not None


def test_feature_maps_and_probabilities_match_a_torch_forward(make_window, qtbot):
    window, panel = _panel(make_window, qtbot, "lenet5")
    window.doc.project  # noqa: B018
    n = panel.results
    panel.choice.set_example("val", 7)
    qtbot.waitUntil(lambda: panel.results > n, timeout=60_000)
    outs, probs, label = _reference(window, panel.choice)
    conv1 = panel.sections["conv1"]
    assert "Conv2d" in conv1.title.text() and "(6, 28, 28)" in conv1.title.text()
    assert len(conv1.grid.tiles) == 6
    for c in range(6):
        np.testing.assert_allclose(conv1.grid.tiles[c], outs["conv1"][c], rtol=1e-5, atol=1e-6)
    lo, hi = conv1.grid.range  # one shared scale
    assert lo == pytest.approx(outs["conv1"].min(), rel=1e-5) and hi == pytest.approx(outs["conv1"].max(), rel=1e-5)
    strip = panel.sections["fc1"].grid.tiles[0]  # 120 values wrapped
    np.testing.assert_allclose(strip.reshape(-1)[:120], outs["fc1"], rtol=1e-5, atol=1e-6)
    bars = panel.sections["fc3"].bars
    np.testing.assert_allclose(bars.values, probs, rtol=1e-5, atol=1e-7)
    assert bars.true == label and bars.names[0] == "circle"
    assert list(panel.sections) == list(outs)  # every node, in forward order


def test_changing_the_choice_updates_and_reuses_the_sections(make_window, qtbot):
    window, panel = _panel(make_window, qtbot, "lenet5")
    builds = panel.builds
    first = panel.sections["tanh2"].grid.tiles[0].copy()
    n = panel.results
    panel.choice.set_example("val", 3)
    qtbot.waitUntil(lambda: panel.results > n, timeout=60_000)
    outs, _, _ = _reference(window, panel.choice)
    np.testing.assert_allclose(panel.sections["tanh2"].grid.tiles[0], outs["tanh2"][0], rtol=1e-5, atol=1e-6)
    assert not np.allclose(first, panel.sections["tanh2"].grid.tiles[0])
    assert panel.builds == builds  # same nodes: the widgets were refilled, not rebuilt
    qtbot.waitUntil(lambda: "val example 3" in panel.picker.label.text(), timeout=60_000)
    assert panel.picker.index_box.value() == 3
    panel.picker.next_button.click()
    assert panel.choice.index == 4


def test_drawing_sets_a_custom_input_nonzero_where_drawn(make_window, qtbot):
    window, panel = _panel(make_window, qtbot, "lenet5")
    picker = panel.picker
    picker.draw_button.setChecked(True)
    canvas = picker.canvas
    qtbot.waitExposed(canvas)
    h, w = canvas.picture.shape
    sx, sy = canvas.width() / w, canvas.height() / h
    n = panel.results
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(int(5.5 * sx), int(14.5 * sy)))
    for col in range(6, 23):
        qtbot.mouseMove(canvas, QPoint(int((col + 0.5) * sx), int(14.5 * sy)))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(int(22.5 * sx), int(14.5 * sy)))
    custom = panel.choice.custom
    assert custom is not None and custom.shape == (1, 28, 28) and panel.choice.describe() == "your drawing"
    assert (custom[0, 14, 6:23] > 0.5).all()  # along the stroke
    assert custom[0, :8].max() == 0 and custom[0, 22:].max() == 0  # nowhere near it
    assert custom.max() <= 1.0
    qtbot.waitUntil(lambda: panel.results > n and panel.last_result.label is None, timeout=60_000)
    outs, probs, _ = _reference(window, panel.choice)
    np.testing.assert_allclose(panel.sections["fc3"].bars.values, probs, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(panel.sections["conv1"].grid.tiles[2], outs["conv1"][2], rtol=1e-5, atol=1e-6)
    picker.clear_button.click()
    assert canvas.picture.max() == 0


def test_misclassified_steps_through_examples_the_model_gets_wrong(make_window, qtbot):
    import torch

    window, panel = _panel(make_window, qtbot, "lenet5")
    picker = panel.picker
    picker.split_box.setCurrentText("val")
    start = panel.choice.index
    picker.mistakes_button.click()
    qtbot.waitUntil(lambda: picker.mistakes is not None, timeout=60_000)
    trainer = window.training.session.trainer
    x, y = trainer.feeds["val"].all()
    with torch.no_grad():
        trainer.model.eval()
        pred = trainer.model(x).argmax(1)
        trainer.model.train()
    expected = torch.nonzero(pred != y).reshape(-1).tolist()
    assert picker.mistakes.indices == expected and expected  # untrained: plenty
    k = next(k for k, i in enumerate(expected) if i > start)  # the next mistake after the current example
    assert panel.choice.split == "val" and panel.choice.index == expected[k]
    assert f"Misclassified {k + 1} of {len(expected)}" in picker.note.text()
    picker.mistakes_button.click()
    qtbot.waitUntil(lambda: panel.choice.index == expected[k + 1], timeout=60_000)


def test_points_dataset_shows_vectors_and_a_typed_point(make_window, qtbot):
    window, panel = _panel(make_window, qtbot, "tfp_mlp")
    picker = panel.picker
    assert picker.point_button.isVisibleTo(picker) and not picker.draw_button.isVisibleTo(picker)
    picker.point_boxes[0].setValue(1.5)
    picker.point_boxes[1].setValue(-0.5)
    n = panel.results
    picker.point_button.click()
    np.testing.assert_allclose(panel.choice.custom, [1.5, -0.5])
    qtbot.waitUntil(lambda: panel.results > n and panel.last_result.label is None, timeout=60_000)
    import torch

    trainer = window.training.session.trainer
    with torch.no_grad():
        out = trainer.model(torch.tensor([[1.5, -0.5]]))
    p1 = torch.sigmoid(out)[0, 0].item()
    np.testing.assert_allclose(panel.sections["fc3"].bars.values, [1 - p1, p1], rtol=1e-5)
    np.testing.assert_allclose(panel.sections["fc1"].grid.tiles[0].reshape(-1),
                               trainer.model.get_submodule("fc1")(torch.tensor([[1.5, -0.5]]))[0].detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_a_graph_with_a_problem_shows_a_message(make_window, qtbot):
    window, panel = _panel(make_window, qtbot, "tfp_mlp")
    fc3 = window.doc.graph.by_name("fc3")
    n = panel.results
    window.editor.delete([], window.doc.graph.in_edges(fc3.id))
    qtbot.waitUntil(lambda: panel.results > n and panel.last_error != "", timeout=60_000)
    assert "problem" in panel.last_error and panel.message_label.isVisibleTo(panel)
    assert not panel.scroll.isVisibleTo(panel)
    # a drawn-shape input that does not fit the network says so too
    window.doc.undo_stack.undo()
    n = panel.results
    panel.choice.set_custom(np.zeros((1, 28, 28)), "your drawing")
    qtbot.waitUntil(lambda: panel.results > n and "784 values" in panel.last_error, timeout=60_000)


def test_unet_decoder_maps_match_a_torch_forward_and_name_the_classes(make_window, qtbot):
    """A segmentation net: the decoder's transposed convolutions and Concat skips are drawn like any
    layer (same values as a direct forward pass), and the final score maps carry the class names."""
    window = make_window("unet_small")
    panel = window.training.show_panel("activations")
    qtbot.waitUntil(lambda: panel.results >= 1 and panel.last_result is not None, timeout=240_000)  # 28 layers
    trainer = window.training.session.trainer
    import torch

    from playground.train import probes

    x, _ = panel.choice.fetch(trainer)  # a mask as label: the classifier reference above does not apply
    with probes.eval_mode(trainer.model), torch.no_grad():
        outs = {name: out[0].numpy() for name, _, out in probes.node_outputs(trainer.model, x)}
    assert list(panel.sections) == list(outs)
    for name, channels in (("up1", 32), ("cat1", 64), ("up2", 16), ("cat2", 32), ("conv11", 8)):
        section = panel.sections[name]
        shown = min(channels, 32)
        assert len(section.grid.tiles) == shown and outs[name].shape[0] == channels
        for c in range(shown):
            np.testing.assert_allclose(section.grid.tiles[c], outs[name][c], rtol=1e-5, atol=1e-6)
    final = panel.sections["conv11"]
    names = trainer.info.class_names
    assert final.bars is None and final.grid.captions == [f"ch {c} {names[c]}" for c in range(8)]
    assert "one score map per class" in final.note.text()
    assert panel.sections["conv10"].grid.captions[0] == "ch 0"


def test_a_small_networks_strips_are_wide_enough_to_read(make_window, qtbot):
    """A tfp_mlp layer's 8 values were 16-px cells on a 1920-px row; short strips get 40 px a value."""
    from playground.ui.panels.activations import SHORT_STRIP_CELL

    window, panel = _panel(make_window, qtbot, "tfp_mlp")
    window.resize(1920, 1080)
    qtbot.wait(50)
    grid = panel.sections["fc1"].grid
    _cols, tile_w, tile_h = grid._layout(grid.width())
    assert grid.tiles[0].shape[1] == 8 and tile_w == 8 * SHORT_STRIP_CELL and tile_h == SHORT_STRIP_CELL
