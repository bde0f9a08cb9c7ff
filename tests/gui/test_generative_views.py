"""The Autoencoder panel and the Style Transfer view in the window: both draw real pictures (not
blank), the panel's clicked point is decoded exactly as the layers after the code compute it by
hand, and a weight slider changes the style-transfer picture."""

from __future__ import annotations

import numpy as np
import torch


def _not_blank(label) -> bool:
    pixmap = label.pixmap()
    if pixmap is None or pixmap.isNull():
        return False
    image = pixmap.toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), max(1, image.width() // 40))
               for y in range(0, image.height(), max(1, image.height() // 40))}
    return image.width() >= 40 and image.height() >= 40 and len(colours) >= 2  # drawn, not one flat colour


def test_autoencoder_panel_draws_codes_pictures_and_decodes_a_click(make_window, qtbot):
    window = make_window("autoencoder_digits")
    panel = window.training.show_panel("autoencoder")
    session = window.training.session
    qtbot.waitUntil(lambda: panel.results >= 1 and not panel.in_flight, timeout=60000)
    session.step(60)
    qtbot.waitUntil(lambda: session.state != "running" and session.trainer is not None
                    and session.trainer.step_count == 60, timeout=60000)
    trainer = session.trainer
    qtbot.waitUntil(lambda: panel.view is not None and panel.view.step == 60 and not panel.in_flight, timeout=60000)
    assert panel.last_error == ""
    view = panel.view
    assert view.layer == "latent" and len(view.points) == len(trainer.splits.val)
    assert sum(len(s.data) for s in panel.scatters) == len(view.points)
    for label in (panel.pairs, panel.grid_pictures, panel.point_picture):
        assert _not_blank(label)
    assert "latent" in panel.summary.text() and "MSE" in panel.summary.text()

    before = panel.results
    panel.decode_at(0.25, -0.5)
    qtbot.waitUntil(lambda: panel.results > before and not panel.in_flight, timeout=60000)
    m = trainer.model
    with torch.no_grad():
        h = torch.relu(m.get_submodule("fc3")(torch.tensor([[0.25, -0.5]])))
        h = torch.relu(m.get_submodule("fc4")(h))
        by_hand = torch.sigmoid(m.get_submodule("fc5")(h)).reshape(1, 8, 8).numpy()
    np.testing.assert_allclose(panel.decoded, by_hand, atol=1e-6)
    assert panel.point_title.text().startswith("Decoded from (0.25, -0.50)")


def test_style_view_paints_live_and_a_slider_changes_the_picture(make_window, qtbot):
    window = make_window("style_transfer")
    view = window.training.show_panel("style")
    assert not view.pending() and view.run_button.text() == "Start"  # nothing runs before Start
    view.steps_box.setValue(25)
    view.style_weight.set_value(1.0)
    view.restart_timer.stop()
    view.restart()
    qtbot.waitUntil(lambda: not view.pending(), timeout=60000)
    assert view.last_error == "" and len(view.records) == 25
    weak = view.picture.copy()
    for key in ("content", "style", "result"):
        assert _not_blank(view.pictures[key])
    x, y = view._curves[("style", "random_conv1")].getData()
    assert len(x) == 25 and np.all(np.isfinite(y))

    view.style_weight.slider.setValue(view.style_weight.slider.maximum())  # 10^4: style dominates
    qtbot.waitUntil(lambda: view.pending(), timeout=5000)  # the slider restarted the picture
    qtbot.waitUntil(lambda: not view.pending(), timeout=60000)
    strong = view.picture
    assert np.abs(strong - weak).mean() > 0.02
    assert sum(view.records[-1].style.values()) < sum(view.records[0].style.values())


def test_style_view_on_the_projects_network_says_why_a_dense_net_cannot_be_used(make_window, qtbot):
    window = make_window("tfp_mlp")
    view = window.training.show_panel("style")
    view.restart()
    view.stop()
    before = view.results
    view.net_box.setCurrentIndex(1)  # the project's network: an MLP on points
    qtbot.waitUntil(lambda: view.results > before and bool(view.last_error), timeout=60000)
    assert "not pictures" in view.last_error
    view.net_box.setCurrentIndex(0)
    view.hide()  # out of sight: nothing keeps painting
    assert not view.pending() and not view.restart_timer.isActive()


def test_evaluation_panel_on_a_reconstruction_draws_a_sample_of_the_pixels(make_window, qtbot):
    from playground.ui.panels import evaluation_plots

    window = make_window("autoencoder_digits")
    panel = window.training.show_panel("evaluation")
    qtbot.waitUntil(lambda: panel.view is not None and not panel.in_flight, timeout=60000)
    assert panel.last_error == "" and "R²" in panel.summary.text()
    n_values = panel.view.true.size  # every pixel of every validation digit
    assert n_values == len(window.training.session.trainer.splits.val) * 64
    old = evaluation_plots.MAX_POINTS
    evaluation_plots.MAX_POINTS = 1000
    try:
        panel.regression.set_data(panel.view.evaluation, panel.view.true)
    finally:
        evaluation_plots.MAX_POINTS = old
    assert len(panel.regression.scatter.data) == 1000 and f"of {n_values:,} values drawn" in panel.regression.numbers.text()


def test_dataset_panel_shows_a_reconstruction_set_with_its_labels_as_plot_colours(make_window, qtbot):
    from playground.ui.common import preload

    window = make_window("autoencoder_digits")
    panel = window.dataset
    qtbot.waitUntil(preload.ready, timeout=60_000)
    qtbot.waitUntil(lambda: panel.form is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not panel.loading() and panel.preview.result is not None
                    and panel.preview.result["name"] == "digits_recon", timeout=60_000)
    text = panel.label.text()
    assert "<b>Labels</b> (only colour the plots" in text and "Classes</b> (0)" not in text
    shown = [pic for pic, _cap in panel.preview.thumbs if not pic.isHidden()]
    assert shown and all(not pic.pixmap().isNull() for pic in shown)
