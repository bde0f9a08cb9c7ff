"""The training settings form: generated from the registries, live settings reach a running
trainer, the others wait for Reset, refused values change nothing."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox


@pytest.fixture
def panel(window, qtbot):
    from playground.ui.common import preload

    preload.start()
    qtbot.waitUntil(lambda: window.training.settings is not None, timeout=60000)
    yield window.training.settings, window.training.session
    window.training.session.shutdown()
    window.doc.mark_saved()


def test_the_form_shows_the_project_settings_and_marks_live_ones(panel):
    form, s = panel
    cfg = s.config()
    assert form.widgets["optimizer"].currentData() == cfg.optimizer
    assert form.lr_box.value() == pytest.approx(cfg.lr)
    assert form.widgets["batch_size"].value() == cfg.batch_size
    assert "live" in form.widgets["lr"].toolTip() or "at once" in form.widgets["lr"].toolTip()
    assert "Reset" in form.widgets["loss"].toolTip()


def test_choosing_an_optimizer_shows_its_parameters_and_stores_them(panel):
    form, s = panel
    box = form.widgets["optimizer"]
    box.setCurrentIndex(box.findData("momentum"))
    assert s.config().optimizer == "momentum"
    assert s.doc.project.training["optimizer"] == "momentum"
    momentum = form.findChild(QDoubleSpinBox, "setting_optimizer_momentum")
    assert momentum is not None and momentum.value() == pytest.approx(0.9)
    momentum.setValue(0.5)
    momentum.editingFinished.emit()
    assert s.config().optimizer_params["momentum"] == pytest.approx(0.5)
    assert s.doc.dirty


def test_the_log_slider_sets_the_learning_rate(panel):
    form, s = panel
    form.lr_slider.setValue(0)
    assert s.config().lr == pytest.approx(1e-5)
    form.lr_slider.setValue(form.lr_slider.maximum())
    assert s.config().lr == pytest.approx(10.0)


def test_a_live_setting_reaches_the_running_trainer_and_a_fixed_one_waits(panel, qtbot):
    form, s = panel
    s.apply_setting(epochs=100000)
    with qtbot.waitSignal(s.batches, timeout=60000):
        s.play()
    box = form.widgets["l2"]
    box.setValue(0.001)
    box.editingFinished.emit()
    qtbot.waitUntil(lambda: s.trainer.config.l2 == pytest.approx(0.001), timeout=10000)
    assert "applied" in form.note.text()
    seed = form.widgets["seed"]
    seed.setValue(7)
    seed.editingFinished.emit()
    assert "Reset" in form.note.text()
    assert s.config().seed == 7 and s.trainer.config.seed != 7


def test_early_stopping_flag_and_a_refused_value(panel, monkeypatch):
    form, s = panel
    form.widgets["early_stopping"].setChecked(True)
    assert s.config().early_stopping is True
    before = s.config().to_dict()
    form._apply(batch_size=0)
    assert "Not changed" in form.note.text()
    assert s.config().to_dict() == before
