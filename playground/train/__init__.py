"""Training: settings, the headless Trainer with callbacks and live control, metrics, probes, sanity tools.

Never imports Qt. The app's training thread and the CLI drive the same ``Trainer``. Entry points::

    from playground.train import Trainer, TrainConfig
    result = Trainer(model, splits, TrainConfig(epochs=10), callbacks=[...]).fit()

Registries (tables of records the UI and CLI build their forms from): ``OPTIMIZERS``, ``LOSSES``,
``SCHEDULES``. Modules: config, registry, optimizers, losses, schedules, objective, feed, engine,
control, callbacks, history, metrics, evaluation, probes, sanity, checkpoint, progress.
"""

from playground.train.callbacks import Callback, LambdaCallback
from playground.train.checkpoint import checkpoint_path, load_checkpoint, save_checkpoint
from playground.train.config import TrainConfig
from playground.train.engine import Trainer, default_reinit
from playground.train.evaluation import Evaluation
from playground.train.history import BatchInfo, EpochRecord, FitResult, History, SplitMetrics
from playground.train.losses import LOSSES
from playground.train.optimizers import OPTIMIZERS
from playground.train.schedules import SCHEDULES

__all__ = [
    "LOSSES", "OPTIMIZERS", "SCHEDULES", "BatchInfo", "Callback", "EpochRecord", "Evaluation", "FitResult",
    "History", "LambdaCallback", "SplitMetrics", "TrainConfig", "Trainer", "checkpoint_path", "default_reinit",
    "load_checkpoint", "save_checkpoint",
]
