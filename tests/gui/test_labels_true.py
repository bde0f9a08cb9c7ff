"""Issue 19 item 6: labels that say the truth (unit counts, log axes without SI prefixes, plurals
that are not cut off, a literal "&" in tab and menu titles, a summary that does not stutter)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QTabBar

from playground.ui.plots.live_curve import set_log_mode


def test_a_neuron_strip_title_counts_every_unit_of_its_layer(qtbot):
    from playground.train.boundary import NEURON_LIMIT
    from playground.ui.panels.boundary_neurons import NeuronTiles

    tiles = NeuronTiles()
    qtbot.addWidget(tiles)
    maps = [("relu1", k, np.zeros((4, 4))) for k in range(NEURON_LIMIT)]  # the limit cut a 128-unit layer
    tiles.show_units({"units": maps, "total": 128, "sizes": {"relu1": 128}})
    title = tiles.titles[0].text()
    assert "128 units" in title and f"{NEURON_LIMIT} shown" in title
    tiles.show_units({"units": maps[:3], "total": 3, "sizes": {"relu1": 3}})  # the layer changed: new title
    assert "(3 units)" in tiles.titles[0].text()


def test_neuron_surfaces_report_each_layers_size(make_window, qtbot):
    """The sizes come from the network itself: the Linear layers' out_features."""
    import torch

    from playground.train.boundary import neuron_surfaces

    window = make_window("tfp_mlp")
    s = window.training.session
    got = []
    s.job_done.connect(lambda owner, result: got.append(result) if owner == "t" else None)
    s.submit("t", lambda trainer: (neuron_surfaces(trainer, resolution=8, limit=3),
                                   {n: m.out_features for n, m in trainer.model.named_modules()
                                    if isinstance(m, torch.nn.Linear)}))
    qtbot.waitUntil(lambda: bool(got), timeout=60000)
    result, widths = got[0]
    assert len(result["units"]) == 3
    for name, size in result["sizes"].items():
        linear = name if name in widths else None
        assert size >= 1 and (linear is None or widths[linear] == size)
    assert sum(result["sizes"].values()) == result["total"]
    s.shutdown()


def test_log_axes_carry_no_si_prefix(qtbot):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.setLabel("bottom", "learning rate")
    set_log_mode(plot, x=True, y=False)
    plot.plot(np.logspace(-7, -3, 50), np.linspace(1, 2, 50))
    plot.getPlotItem().vb.autoRange()
    axis = plot.getAxis("bottom")
    axis.updateAutoSIPrefix()
    assert "x0.001" not in axis.labelString() and "(x" not in axis.labelString()


def test_the_lr_finder_and_curves_log_axes_have_no_prefix(make_window, qtbot):
    window = make_window("tfp_mlp")
    health = window.training.show_panel("health")
    assert not health.sanity.lr_plot.getAxis("bottom").autoSIPrefix
    curves = window.training.curves
    curves.log_box.setChecked(True)
    assert not curves.loss_plot.getAxis("left").autoSIPrefix
    curves.log_box.setChecked(False)
    assert curves.loss_plot.getAxis("left").autoSIPrefix  # linear again: prefixes are fine there
    window.training.session.shutdown()


def test_a_narrow_heat_strip_caption_is_whole(qtbot):
    from playground.ui.plots.image_grid import ImageGrid

    grid = ImageGrid(min_tile=20, max_tile=40)
    qtbot.addWidget(grid)
    grid.resize(400, 80)
    grid.set_tiles([np.array([[0.1, 0.9]])], ["2 values"], scale="shared")
    assert grid.shown_caption(0)[0] == "2 values"


def test_an_ampersand_in_a_panel_title_is_shown_not_eaten(window):
    window.workspaces.switch("inside")  # the inside panels' tabs live in the Look Inside workspace
    texts = [bar.tabText(i) for bar in window.findChildren(QTabBar) for i in range(bar.count())]
    assert "Filters && Weights" in texts  # drawn as "Filters & Weights"; a single "&" is a mnemonic
    actions = [a.text() for a in window.training.inside_menu.actions()]
    assert "Filters && Weights" in actions


def test_train_summary_says_how_it_ended_once():
    from playground.cli.train import _summary
    from playground.train.history import FitResult, History

    result = FitResult("finished", "finished 3 epochs (30 steps)", History(), steps=30, samples=900,
                       train_seconds=1.0, wall_seconds=1.5)
    first = _summary(result, None).splitlines()[0]
    assert first == "Finished 3 epochs (30 steps)"
