"""Image datasets for reconstruction (autoencoders): the same pictures, with the inputs as targets.

Owns ``SPECS``: one record per labelled image set (``digits_recon``, ``shapes_recon``,
``fashion_mnist_recon``, ``mnist_recon``), made from the base record by ``reconstruction_of`` (the
same loader, parameters and availability, task "reconstruction"). The class labels stay in the
data (a split's ``y``) so a latent-space scatter can colour points by class; what the network
learns to output is the input itself (``TensorSplit(targets_from_inputs=True)``, see
``splits.py``). The reconstruction task's losses and metrics live in
``playground/train/tasks/reconstruction.py``.
"""

from __future__ import annotations

from dataclasses import replace

from . import mnist, shapes, sklearn_sets
from .spec import DatasetSpec

TASK = "reconstruction"


def reconstruction_of(base: DatasetSpec) -> DatasetSpec:
    """``base`` (a labelled image set) as a reconstruction set named ``<base>_recon``."""
    return replace(base, name=f"{base.name}_recon", title=f"{base.title}: reconstruct", task=TASK,
                   description=f"The pictures of '{base.name}', each its own target (autoencoders); "
                               "labels only colour the plots.",
                   target_shape=tuple(base.input_shape or ()))


def _base(module, name: str) -> DatasetSpec:
    return next(spec for spec in module.SPECS if spec.name == name)


SPECS = [reconstruction_of(_base(module, name)) for module, name in
         ((sklearn_sets, "digits"), (shapes, "shapes"), (mnist, "fashion_mnist"), (mnist, "mnist"))]
