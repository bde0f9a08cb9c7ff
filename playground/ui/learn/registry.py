"""The table of Learn views: one ``PanelEntry`` per view (key, dock title, where the class lives,
a shortcut and the one-line tooltip). The window's Learn menu, its docks, the shortcut list and
``playground screenshot --panel KEY`` come from this table; adding a view is one record here plus
its key in ``ui.window.screenshot.LEARN`` / ``cli.screenshot.PANELS``. The docks are built lazily by
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
    PanelEntry("activation", "Activations Explorer", "playground.ui.learn.activation_view", "ActivationView",
               "Ctrl+Alt+4", "Every activation's f and f' with its dead and saturated regions, and where a layer's "
               "inputs sit on it"),
    PanelEntry("loss", "Losses", "playground.ui.learn.loss_view", "LossView", "Ctrl+Alt+5",
               "Every loss and its gradient against the prediction; MSE, MAE and Huber fitted with outliers; "
               "the sigmoid + MSE learning slowdown"),
    PanelEntry("conv", "Convolution Arithmetic", "playground.ui.learn.conv_view", "ConvView", "Ctrl+Alt+6",
               "A convolution or pooling layer's kernel sliding over the padded input, cell by cell, and its "
               "output-size formula"),
    PanelEntry("fit", "Function Fitting", "playground.ui.learn.fit_view", "FitView", "Ctrl+Alt+7",
               "A one-input network's curve over its data, and each hidden unit's share of it (universality)"),
    PanelEntry("gan", "GAN on 2-D Data", "playground.ui.gan.view", "GanView", "Ctrl+Alt+G",
               "A generator against a discriminator on 2-D points: the heat map, gradient arrows, noise mesh, "
               "both losses and mode collapse"),
    PanelEntry("style", "Style Transfer", "playground.ui.learn.style_view", "StyleView", "Ctrl+Alt+8",
               "Optimize a picture (not the weights) to keep one picture's content and take another's texture "
               "(Gram matrices), through random or the project's conv layers"),
)
