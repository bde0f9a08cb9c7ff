"""The table of Learn views: one ``PanelEntry`` per view (key, dock title, where the class lives,
a shortcut and the one-line tooltip). The window's Learn menu, its docks, the shortcut list and
``playground screenshot --panel KEY`` come from this table; adding a view is one record here plus
its key in ``ui.screenshot.LEARN`` / ``cli.screenshot.PANELS``. The docks are built lazily by
``ui.panels.registry.PanelHost``, exactly like the inside-the-network panels.
"""

from __future__ import annotations

from playground.ui.panels.registry import PanelEntry

LEARN_PANELS = (
    PanelEntry("backprop", "Backprop, Step by Step", "playground.ui.learn.backprop", "BackpropPanel", "Ctrl+Alt+1",
               "Walk one example forward (z = Wa + b, a = f(z)), to the loss, backward (δ = ∂L/∂z) and through the update"),
    PanelEntry("optimizer", "Optimizers on Surfaces", "playground.ui.learn.optimizer", "OptimizerPanel", "Ctrl+Alt+2",
               "Race SGD, momentum, Nesterov, AdaGrad, AdaDelta, RMSProp, Adam and AdamW on 2-D loss surfaces"),
    PanelEntry("landscape", "Loss Landscape", "playground.ui.learn.landscape", "LandscapePanel", "Ctrl+Alt+3",
               "The network's own loss around its current weights, along two random filter-normalized directions"),
)
