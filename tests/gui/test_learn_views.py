"""The Learn views in the window: the menu comes from LEARN_PANELS, each view shows numbers that
match an independent computation, follows the network (inspector edits, canvas selection,
training) and says in words what it cannot show."""

from __future__ import annotations

import numpy as np
import torch

from playground.ui.learn.registry import LEARN_PANELS


def test_learn_menu_lists_every_view_and_opens_it(make_window, qtbot):
    window = make_window("tfp_mlp")
    titles = [a.text() for a in window.training.learn_menu.actions()]
    assert titles == [entry.title for entry in LEARN_PANELS]
    for entry in LEARN_PANELS:
        window.training.learn_menu.actions()[[e.key for e in LEARN_PANELS].index(entry.key)].trigger()
        panel = window.training.hosts[entry.key].panel()
        assert panel is not None and type(panel).__name__ == entry.cls
        assert panel.explanation  # one line in the course's words


def test_activation_view_draws_autograd_slope_and_the_layers_inputs(make_window, qtbot):
    window = make_window("tfp_mlp")
    panel = window.training.show_panel("activation")
    qtbot.waitUntil(lambda: panel.last_result is not None and not panel.in_flight, timeout=60000)
    assert panel.layer() == "tanh1" and panel.last_error == ""
    x, df = panel.df_item.getData()
    np.testing.assert_allclose(df, 1 - np.tanh(x) ** 2, atol=1e-6)  # tanh' in closed form
    # the histogram: the inputs of tanh1 are fc1's outputs on the first training examples
    trainer = window.training.session.trainer
    xb, _ = trainer.feeds["train"].sample(np.arange(min(256, len(trainer.feeds["train"]))))
    with torch.no_grad():
        z = trainer.model.get_submodule("fc1")(xb).numpy().ravel()
    counts, _ = np.histogram(z, bins=panel.last_result["edges"])
    np.testing.assert_array_equal(panel.last_result["counts"], counts)
    assert "saturated" in panel.info.text()
    window.scene.select_nodes([window.doc.graph.find("tanh2").id])  # a click on the canvas picks that layer
    assert panel.layer() == "tanh2"
    panel.layer_box.setCurrentIndex(0)  # no layer: the picker is free again
    panel.kind_box.setCurrentText("ReLU")
    assert [r.getRegion()[0] for r in panel.region_items] == [-6.0]  # the dead side


def test_conv_view_follows_inspector_edits_and_canvas_selection(make_window, qtbot):
    window = make_window("lenet5")
    panel = window.training.show_panel("conv")
    conv2 = window.doc.graph.find("conv2")
    window.scene.select_nodes([conv2.id])
    assert panel.layer_box.currentData() == conv2.id
    assert "= 10" in panel.formula.text()  # (14 + 0 - 4 - 1) / 1 + 1
    window.editor.set_param(conv2.id, "stride", 2)  # what the inspector does
    out = window.doc.shapes.shape(conv2.id)
    assert f"= {out[1]}" in panel.formula.text() and out[1] == 5
    step = panel.slider.maximum()
    panel.slider.setValue(step)
    cell = panel.example.cells[step]
    assert panel.cell_label.text().endswith(f"= {cell.result:g}")


def test_conv_view_without_conv_layers_says_so(make_window, qtbot):
    window = make_window("tfp_mlp")
    panel = window.training.show_panel("conv")
    assert "no convolution or pooling layer" in panel.formula.text()
    assert panel.example is not None and panel.example.out.shape == (5, 5)


def test_fit_view_curve_is_the_models_forward_and_units_add_up(make_window, qtbot):
    window = make_window("fit_1d")
    panel = window.training.show_panel("fit")
    qtbot.waitUntil(lambda: panel.results >= 1 and not panel.in_flight, timeout=60000)
    assert panel.last_error == ""
    xs, curve = panel.curve_item.getData()
    splits = window.training.session.trainer.splits
    with torch.no_grad():
        ref = window.training.session.trainer.model((torch.tensor(xs, dtype=torch.float32)[:, None] - splits.mean)
                                                    / splits.std)[:, 0].numpy()
    np.testing.assert_allclose(curve, ref, atol=1e-5)
    units = np.array([item.getData()[1] for item in panel.unit_items])
    assert units.shape == (8, len(xs))
    np.testing.assert_allclose(units.sum(0) + panel.last_result["bias"], curve, atol=1e-5)


def test_fit_view_on_two_inputs_says_which_datasets_fit(make_window, qtbot):
    window = make_window("tfp_mlp")
    panel = window.training.show_panel("fit")
    qtbot.waitUntil(lambda: panel.results >= 1, timeout=60000)
    assert "one input number" in panel.last_error and "sine" in panel.last_error


def test_loss_view_fits_lines_off_the_gui_thread_and_shows_them(make_window, qtbot):
    from playground.train.learn import robust_fit

    window = make_window("tfp_mlp")
    panel = window.training.show_panel("loss")
    qtbot.waitUntil(lambda: panel._worker is None and panel.fit_label.text().startswith("Line"), timeout=60000)
    x, y = robust_fit.dataset_points("line", {"outliers": 0.15})
    np.testing.assert_allclose(panel.points_item.getData()[1], y)
    mse = robust_fit.fit_line(x, y, "mse")
    xs, ys = panel.fit_items["mse"].getData()
    np.testing.assert_allclose(ys, mse.w * xs + mse.b, atol=1e-4)
    panel.loss_box.setCurrentIndex(panel.loss_box.findData("huber"))
    z, grad = panel.grad_item.getData()
    np.testing.assert_allclose(grad, np.clip(z - 1.0, -1, 1), atol=1e-5)  # Huber's gradient, delta 1, target 1
