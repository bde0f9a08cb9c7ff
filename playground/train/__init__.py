"""Training: settings, the headless Trainer with callbacks and live control, metrics, probes, sanity tools.

Never imports Qt. The app's training thread and the CLI drive the same ``Trainer``. Entry points::

    from playground.train import Trainer, TrainConfig
    result = Trainer(model, splits, TrainConfig(epochs=10), callbacks=[...]).fit()

Registries (tables of records the UI and CLI build their forms from): ``OPTIMIZERS``, ``LOSSES``,
``SCHEDULES``. Modules: config, registry, optimizers, losses, schedules, objective, feed, engine,
control, callbacks, history, metrics, evaluation, probes, sanity, checkpoint, progress.
"""

import importlib

#: public name -> the module that defines it; imported on first use (PEP 562), so that importing a
#: torch-free part such as ``playground.train.lessons`` does not load torch in the GUI thread
_WHERE = {
    "Callback": "callbacks", "LambdaCallback": "callbacks",
    "checkpoint_path": "checkpoint", "load_checkpoint": "checkpoint", "save_checkpoint": "checkpoint",
    "TrainConfig": "config", "Trainer": "engine", "default_reinit": "engine", "Evaluation": "evaluation",
    "BatchInfo": "history", "EpochRecord": "history", "FitResult": "history", "History": "history",
    "SplitMetrics": "history", "LOSSES": "losses", "OPTIMIZERS": "optimizers", "SCHEDULES": "schedules",
}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'playground.train' has no attribute '{name}'")
    value = getattr(importlib.import_module(f"playground.train.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


__all__ = sorted(_WHERE)
