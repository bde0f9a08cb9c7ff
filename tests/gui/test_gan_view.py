"""The GAN view in the window: it draws the real points, the generated points and the
discriminator's heat map, Play trains (rounds and losses grow) and Pause stops the worker."""

from __future__ import annotations

import numpy as np

from playground.ui.gan.plane import heat_rgb


def _open(make_window, qtbot):
    window = make_window("gan_ring")
    view = window.training.show_panel("gan")
    qtbot.waitUntil(lambda: view.last_frame is not None, timeout=60000)
    return window, view


def test_view_draws_points_and_the_heat_map(make_window, qtbot):
    window, view = _open(make_window, qtbot)
    frame = view.last_frame
    real = view.plane.real.data
    assert len(real) == len(frame["real"]) == 512
    assert len(view.plane.fake.data) == 512
    np.testing.assert_allclose(np.c_[real["x"], real["y"]], frame["real"], atol=1e-6)
    image = view.plane.image.image
    np.testing.assert_array_equal(image, heat_rgb(frame["heat"]))
    picture = view.plane.grab().toImage()
    colours = {picture.pixelColor(x, y).name() for x in range(0, picture.width(), 4)
               for y in range(0, picture.height(), 4)}
    heat_colours = {"#%02x%02x%02x" % tuple(int(c) for c in px) for px in image.reshape(-1, 3)}
    assert len(colours & heat_colours) >= 3  # the heat map's colours are on screen
    assert "Modes covered" in view.modes_label.text()


def test_play_trains_and_pause_stops(make_window, qtbot):
    window, view = _open(make_window, qtbot)
    view.play_button.click()
    assert view.runner.running() and view.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: view.last_frame["rounds"] >= 3, timeout=60000)
    view.play_button.click()
    assert not view.runner.running() and view.play_button.text() == "Play"
    rounds = view.runner.trainer.rounds
    qtbot.wait(300)
    assert view.runner.trainer.rounds == rounds  # paused: nothing trains
    assert len(view.d_curve.getData()[1]) == view.last_frame["rounds"]
    view.step_button.click()
    assert view.runner.trainer.rounds == rounds + 1
    view.reset_button.click()
    assert view.runner.trainer.rounds == 0 and view.last_frame["rounds"] == 0


def test_a_network_that_is_not_a_gan_gets_a_message(make_window, qtbot):
    window = make_window("tfp_mlp")
    view = window.training.show_panel("gan")
    view.play_button.click()
    assert not view.runner.running()
    assert "not a GAN" in view.message_label.text()


def test_choosing_a_target_changes_the_dataset_as_one_undo_step(make_window, qtbot):
    window, view = _open(make_window, qtbot)
    view.target.setCurrentIndex(view.target.findData("gan_moons"))
    view.target.activated.emit(view.target.currentIndex())
    assert window.doc.project.dataset["name"] == "gan_moons"
    qtbot.waitUntil(lambda: view.last_frame is not None and view.last_frame["modes"] == 2, timeout=60000)
    window.doc.undo_stack.undo()
    assert window.doc.project.dataset["name"] == "gan_ring"


def test_a_new_learning_rate_in_the_project_reaches_both_networks(make_window, qtbot):
    window, view = _open(make_window, qtbot)
    window.doc.set_training({**window.doc.project.training, "lr": 0.01})  # the settings panel, a lesson step
    assert view.lr_g.value() == 0.01 and view.lr_d.value() == 0.01
    view.reset_button.click()
    assert [g["lr"] for g in view.runner.trainer.opt_g.param_groups] == [0.01]
    assert [g["lr"] for g in view.runner.trainer.opt_d.param_groups] == [0.01]


def test_the_main_play_button_on_a_gan_says_where_it_trains(make_window, qtbot, dialogs):
    window = make_window("gan_ring")
    session = window.training.session
    with qtbot.waitSignal(session.failed, timeout=60000) as blocker:
        session.play()
    assert "GAN view" in blocker.args[0] and "separate networks" in blocker.args[0]
    assert len(window.doc.graph.nodes) == 12  # nothing lost


def test_drawn_points_become_the_target(make_window, qtbot):
    from playground.data.gan_targets import parse_points

    window, view = _open(make_window, qtbot)
    drawn = view.target.findData("gan_drawn")
    view.target.setCurrentIndex(drawn)
    view.target.activated.emit(drawn)  # nothing drawn yet: it asks for clicks, the dataset stays
    assert window.doc.project.dataset["name"] == "gan_ring" and view.draw_box.isChecked()
    assert "Click on the plane" in view.message_label.text()
    for x, y in ((-1.0, 1.0), (1.5, 0.5), (0.0, -2.0)):
        view.plane.point_drawn.emit(x, y)
    assert len(view.plane.drawn.data) == 3
    view.target.setCurrentIndex(drawn)
    view.target.activated.emit(drawn)
    dataset = window.doc.project.dataset
    assert dataset["name"] == "gan_drawn"
    assert parse_points(dataset["params"]["points"]).tolist() == [[-1.0, 1.0], [1.5, 0.5], [0.0, -2.0]]
    qtbot.waitUntil(lambda: view.last_frame is not None and view.last_frame["modes"] == 3, timeout=60000)


def test_mode_collapse_is_named_and_explained_when_it_happens(make_window, qtbot):
    from playground.data.gan_targets import sample
    from playground.data.registry import get
    from playground.train.gan.metrics import mode_coverage

    window, view = _open(make_window, qtbot)
    assert view.collapse_label.text() == ""  # untrained: nothing on the data yet, no collapse claimed
    frame = dict(view.last_frame)
    values = get("gan_ring").resolve({"spread": 0.1})
    fake, modes = sample("ring", 1024, values, 9)
    fake = fake[modes < 2][:512]  # generated points on two of the eight modes
    cov = mode_coverage(frame["real"], frame["real_modes"], fake, 8)
    frame.update(fake=fake, modes_covered=cov.covered, on_target=cov.on_target, collapsed=cov.collapsed)
    view.show_frame(frame)
    assert "Modes covered: 2 of 8" in view.modes_label.text()
    assert "Mode collapse" in view.collapse_label.text() and "fools the discriminator" in view.collapse_label.text()
