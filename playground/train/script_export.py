"""A standalone training script: the project as a plain-PyTorch ``train.py`` plus its data beside it.

``export_script(project, path)`` writes ``path`` (train.py) and ``NAME.data.npz`` next to it: the
three splits exactly as the app uses them (stored inputs, labels, the loss's targets) with the
normalization (scale, mean, std), so the script trains on the same examples in the same batch order
from the same seed. The script holds the generated ``Model``, the settings (optimizer as a
``torch.optim`` class and its arguments, learning rate, schedule, L1/L2, max-norm, clipping, early
stopping, batch size, epochs, seed), the schedule's and the loss's functions (their source, read as
package data from ``schedules.py`` / ``losses.py``), and the loop of ``script_template``: run plainly it
trains on one device; under ``torchrun --nproc_per_node N`` with DistributedDataParallel (gloo on
CPU, NCCL on GPUs). Augmentation is not reproduced (the script says so when the project uses it).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import torch

from playground.core.errors import ExportError
from playground.core.files import atomic_write_bytes, atomic_write_text
from playground.nn.build import build_module
from playground.nn.codegen import generate_source
from playground.nn.module_source import definition_source
from playground.train.config import TrainConfig
from playground.train.losses import get_loss
from playground.train.objective import Objective
from playground.train.optimizers import get_optimizer
from playground.train.script_template import LOOP

#: loss name -> (function in losses.py, helpers it calls) or the code of a one-line loss
LOSS_SOURCES = {
    "mse": "def _mse(out, y):\n    return F.mse_loss(out, y)",
    "mae": "def _mae(out, y):\n    return F.l1_loss(out, y)",
    "huber": "def _huber(out, y, delta=1.0):\n    return F.huber_loss(out, y, delta=delta)",
    "cross_entropy": ("_cross_entropy", ()),
    "bce": ("_bce", ()),
    "hinge": ("_hinge", ("_channels_last",)),
    "focal": ("_focal", ()),
    "contrastive": ("contrastive", ("pairwise_sq", "_masks", "_mean"), "metric_losses.py"),
    **{name: ("triplet", ("pairwise_sq", "_masks", "_mean", "_triplet_all", "_triplet_hard", "_triplet_semi_hard"),
              "metric_losses.py") for name in ("triplet", "triplet_hard", "triplet_semihard")},
}


def _loss_code(name: str, settings: dict) -> str:
    if name not in LOSS_SOURCES:
        raise ExportError(f"the training script cannot carry the {get_loss(name).title} loss yet",
                          where=f"loss '{name}'", fix=f"export the network (.py or .pt) instead, or train with one "
                          f"of: {', '.join(LOSS_SOURCES)}")
    entry = LOSS_SOURCES[name]
    if isinstance(entry, str):
        parts, function = [entry], entry.split("(")[0].removeprefix("def ")
    else:
        function, helpers, file = (*entry, "losses.py")[:3]
        parts = [definition_source("playground.train", file, h) for h in (*helpers, function)]
    settings = {**getattr(get_loss(name).fn, "keywords", {}), **settings}  # a table row's fixed choices (mining)
    args = ", ".join(f"{k}={v!r}" for k, v in settings.items())
    call = f"functools.partial({function}, {args})" if args else function
    return "\n\n\n".join(parts) + f"\n\n\nLOSS = {call}"


def _schedule_code(name: str) -> str:
    if name == "constant":
        return "def SCHEDULE(step, spe, total):\n    return 1.0"
    function = definition_source("playground.train", "schedules.py", f"_{name}")
    return f"{function}\n\n\nSCHEDULE = _{name}"


def _settings(config: TrainConfig) -> dict:
    spec = get_optimizer(config.optimizer)
    kwargs = spec.kwargs(spec.resolve(config.optimizer_params))
    return {"optimizer": spec.torch_class.__name__, "optimizer_kwargs": kwargs, "lr": config.lr,
            "schedule": config.schedule, "schedule_params": dict(config.schedule_params), "l1": config.l1,
            "l2": config.l2, "max_norm": config.max_norm, "grad_clip": config.grad_clip,
            "early_stopping": config.early_stopping, "patience": config.patience, "min_delta": config.min_delta,
            "restore_best": config.restore_best, "batch_size": config.batch_size, "epochs": config.epochs,
            "seed": config.seed}


def data_file(path: Path) -> Path:
    return path.with_name(path.stem + ".data.npz")


def _data_bytes(splits, objective: Objective) -> bytes:
    arrays = {"scale": np.float64(splits.train.scale), "mean": splits.mean.numpy(), "std": splits.std.numpy()}
    for name, split in splits.parts().items():
        arrays[f"x_{name}"] = split.x.numpy()
        arrays[f"y_{name}"] = split.y.numpy()
        # what the loss compares with, from the batch path (a reconstruction's targets are its pixels)
        arrays[f"t_{name}"] = objective.target(split.all()[1]).numpy() if len(split) else split.y.numpy()
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def script_source(project, config: TrainConfig, objective: Objective, data_name: str, augmented: bool) -> str:
    model = generate_source(project.graph, project.name).split('\nif __name__ == "__main__":')[0].rstrip()
    model = model.split('"""', 2)[2]  # the imports and the classes, without the generated file's docstring
    settings = _settings(config)
    notes = ["", "Not reproduced here: the project's data augmentation (the script trains on the stored images)."] \
        if augmented else []
    doc = "\n".join([
        f'"""Train "{project.name}" with plain PyTorch: a standalone script exported by Playground.',
        "",
        f"Data: {data_name} beside this script (the app's train / validation / test splits).",
        "Run:  python train.py                         (one device: CUDA when present, else the CPU)",
        "      torchrun --nproc_per_node N train.py    (N processes, DistributedDataParallel; gloo on CPU)",
        "Options: --epochs, --seed, --device, --save trained.pt, --json results.json",
        *notes,
        '"""',
    ])
    return "\n".join([
        doc, "", "import argparse", "import functools", "import json", "import math", "import os", "",
        "import numpy as np", "import torch.nn.functional as F",
        model, "", "",
        f"DATA_FILE = {data_name!r}",
        f"SETTINGS = json.loads({json.dumps(settings)!r})",
        f"CLASSIFIES = {objective.classifies!r}",
        f"THRESHOLD = {objective.spec.threshold!r}  # a single output above this means class 1",
        "", "",
        _schedule_code(config.schedule), "", "",
        _loss_code(objective.name, dict(objective.settings)),
        LOOP,
    ])


def export_script(project, path, *, takeaway=None, splits=None) -> list[Path]:
    """Write the training script and its data; returns [script, data file]. The script trains from the
    initial weights of the project's seed, so ``takeaway`` (trained weights) is not used."""
    from playground.data import load_settings

    path = Path(path)
    config = TrainConfig.from_dict(project.training)
    if splits is None:
        splits = load_settings(dict(project.dataset or {}), config.seed)
    model = build_module(project.graph, seed=config.seed)
    x, _ = splits.train.batch(torch.arange(1), augment=False)
    with torch.no_grad():
        out_shape = tuple(model.eval()(x).shape[1:])
    objective = Objective.build(config.loss, config.loss_params, splits.info, out_shape,
                                train_targets=splits.train.y)
    _loss_code(objective.name, dict(objective.settings))  # a loss the script cannot carry: refused before any file
    data = data_file(path)
    atomic_write_bytes(data, _data_bytes(splits, objective))
    source = script_source(project, config, objective, data.name, bool(splits.train.augmented))
    return [atomic_write_text(path, source), data]
