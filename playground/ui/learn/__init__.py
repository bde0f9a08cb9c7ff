"""The Learn views: how a network learns, step by step (backprop, optimizers on loss surfaces, ...).

Each view is a dock panel registered by one record in ``registry.LEARN_PANELS`` and built lazily by
the same ``PanelHost`` as the inside-the-network panels; the torch side lives in the Qt-free
``playground.train.learn`` package.
"""
