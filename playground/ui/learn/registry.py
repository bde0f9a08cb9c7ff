"""The table of Learn views (activations, losses, convolution arithmetic, function fitting).

Owns ``LEARN_PANELS``: one ``PanelEntry`` record per view (the same record as the inside-the-network
panels of ``ui/panels/registry.py``: key, dock title, where the class lives, a shortcut, a tooltip),
so the Learn menu, the docks, ``playground screenshot --panel`` and the README come from one table.
Each view is built by a ``PanelHost`` the first time it is shown. It does not build the menu
(``ui/learn/menu.py``).
"""

from __future__ import annotations

from playground.ui.panels.registry import PanelEntry

LEARN_PANELS = (
    PanelEntry("activation", "Activations Explorer", "playground.ui.learn.activation_view", "ActivationView",
               "Alt+Shift+A", "Every activation's f and f' with its dead and saturated regions, and where a layer's "
               "inputs sit on it"),
    PanelEntry("loss", "Losses", "playground.ui.learn.loss_view", "LossView", "Alt+Shift+L",
               "Every loss and its gradient against the prediction; MSE, MAE and Huber fitted with outliers; "
               "the sigmoid + MSE learning slowdown"),
    PanelEntry("conv", "Convolution Arithmetic", "playground.ui.learn.conv_view", "ConvView", "Alt+Shift+C",
               "A convolution or pooling layer's kernel sliding over the padded input, cell by cell, and its "
               "output-size formula"),
    PanelEntry("fit", "Function Fitting", "playground.ui.learn.fit_view", "FitView", "Alt+Shift+F",
               "A one-input network's curve over its data, and each hidden unit's share of it (universality)"),
)
