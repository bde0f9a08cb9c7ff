"""The GAN's alternating loop: ``d_steps`` discriminator steps, then one generator step, each
network with its own optimizer (from the optimizer table) and its own learning rate.

Owns ``GanSettings`` (read from the project's training settings: optimizer, learning rate, batch
size, seed, and epochs, where one epoch is one pass of the discriminator over the real points;
the discriminator's learning rate and ``d_steps`` default to the same rate and 1), ``real_points``
(the target: any 2-D dataset of the table, its labels taken as modes), and ``GanTrainer``: one
``round()`` at a time, ``fit`` for the command line, the loss history, ``measure`` (mode coverage
and energy distance on a fixed set of noise) and ``frame`` (plain numpy for the view: real and
generated points, the generator's gradient arrows, the discriminator's heat map, the noise mesh).
No Qt: the app runs it in a worker thread (``ui/gan/runner.py``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np
import torch

from playground.core.errors import DataError, TrainingError
from playground.train.gan import metrics, steps
from playground.train.gan.pair import build_pair
from playground.train.optimizers import get_optimizer, make_optimizer, set_lr
from playground.train.threads import threads_for

EVAL_POINTS = 512
HEAT = 48  # heat-map cells per side
MESH = 11  # noise grid lines per side (k = 2)


@dataclass
class GanSettings:
    optimizer: str = "adam"
    optimizer_params: dict[str, Any] = field(default_factory=dict)
    lr_g: float = 0.005
    lr_d: float = 0.005
    d_steps: int = 1
    batch_size: int = 64
    epochs: int = 200
    seed: int = 0

    @classmethod
    def from_training(cls, training: dict | None, **changes) -> "GanSettings":
        from playground.train.config import TrainConfig

        config = TrainConfig.from_dict(training)
        settings = cls(config.optimizer, dict(config.optimizer_params), config.lr, config.lr, 1,
                       config.batch_size, config.epochs, config.seed)
        return settings.with_changes(**changes)

    def with_changes(self, **changes) -> "GanSettings":
        out = replace(self, **{k: v for k, v in changes.items() if v is not None})
        out.check()
        return out

    def check(self) -> None:
        get_optimizer(self.optimizer)
        for name in ("lr_g", "lr_d"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise TrainingError(f"the {name} learning rate must be a positive number, not {value!r}",
                                    where="GAN settings", fix="use e.g. 0.005")
        for name, low in (("d_steps", 1), ("batch_size", 1), ("epochs", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise TrainingError(f"'{name}' must be a whole number of at least {low}, not {value!r}",
                                    where="GAN settings", fix=f"use e.g. {max(low, 1)}")


def real_points(dataset: dict, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(x (N, 2) float32, mode (N,) int) of the project's dataset, all of it, deterministic in the
    dataset's seed (else ``seed``); DataError when it is not a set of 2-D points."""
    from playground.data.registry import get

    spec = get((dataset or {}).get("name"))
    raw = spec.loader(spec.resolve((dataset or {}).get("params")), (dataset or {}).get("path"),
                      (dataset or {}).get("seed", seed))
    if raw.kind != "points" or tuple(raw.x.shape[1:]) != (2,):
        raise DataError(f"'{spec.title}' is not a set of 2-D points", where="dataset",
                        fix="choose a GAN target (ring, grid, spiral, moons, drawn) or another 2-D points set")
    y = raw.y if raw.y.dtype == torch.int64 and raw.y.ndim == 1 else torch.zeros(len(raw.x), dtype=torch.int64)
    return raw.x.numpy().astype(np.float32), y.numpy()


@dataclass(frozen=True)
class GanHistory:
    step_loss: list[float]  # the generator's loss L_G, one per round
    d_loss: list[float]  # the discriminator's loss L_D, one per round (after its k steps)


@dataclass(frozen=True)
class GanResult:
    reason: str
    message: str
    history: GanHistory
    measures: dict[str, Any]


class GanTrainer:
    """Generator and discriminator of ``graph``, trained alternately on ``dataset``'s points."""

    def __init__(self, graph, dataset: dict, settings: GanSettings):
        settings.check()
        self.settings = settings
        self.generator, self.discriminator, noise = build_pair(graph, seed=settings.seed)
        self.noise_dim, self.distribution = int(noise["dim"]), str(noise.get("distribution", "uniform"))
        self.real, self.modes = real_points(dataset, settings.seed)
        self.n_modes = int(self.modes.max()) + 1
        self._real_t = torch.from_numpy(self.real)
        self.opt_g = make_optimizer(self.generator.parameters(), settings.optimizer, settings.lr_g,
                                    settings.optimizer_params, fast=False)
        self.opt_d = make_optimizer(self.discriminator.parameters(), settings.optimizer, settings.lr_d,
                                    settings.optimizer_params, fast=False)
        self.rng = torch.Generator().manual_seed(settings.seed)
        self.eval_z = steps.sample_noise(EVAL_POINTS, self.noise_dim, self.distribution,
                                         torch.Generator().manual_seed(settings.seed + 7))
        self.rounds = 0
        self.d_losses: list[float] = []
        self.g_losses: list[float] = []
        self.bounds = _bounds(self.real)

    @property
    def rounds_per_epoch(self) -> int:
        return max(1, math.ceil(len(self.real) / (self.settings.batch_size * self.settings.d_steps)))

    @property
    def total_rounds(self) -> int:
        return self.settings.epochs * self.rounds_per_epoch

    def set_rates(self, lr_g: float | None = None, lr_d: float | None = None, d_steps: int | None = None) -> None:
        """Change the learning rates or k while training (optimizer state kept)."""
        self.settings = self.settings.with_changes(lr_g=lr_g, lr_d=lr_d, d_steps=d_steps)
        set_lr(self.opt_g, self.settings.lr_g)
        set_lr(self.opt_d, self.settings.lr_d)

    def _z(self, n: int) -> torch.Tensor:
        return steps.sample_noise(n, self.noise_dim, self.distribution, self.rng)

    def round(self) -> tuple[float, float]:
        """``d_steps`` discriminator steps, then one generator step; returns (L_D, L_G)."""
        b = self.settings.batch_size
        self.generator.train()
        self.discriminator.train()
        for _ in range(self.settings.d_steps):
            idx = torch.randint(len(self._real_t), (b,), generator=self.rng)
            ld = steps.d_step(self.generator, self.discriminator, self.opt_d, self._real_t[idx], self._z(b))
        lg = steps.g_step(self.generator, self.discriminator, self.opt_g, self._z(b))
        if not (math.isfinite(ld) and math.isfinite(lg)):
            raise TrainingError(f"the losses became NaN or infinite at round {self.rounds + 1}",
                                where="GAN training", fix="lower the learning rates and press Reset")
        self.rounds += 1
        self.d_losses.append(ld)
        self.g_losses.append(lg)
        return ld, lg

    def fit(self, rounds: int | None = None, on_round: Callable[[int], None] | None = None,
            should_stop: Callable[[], bool] | None = None) -> float:
        """Train ``rounds`` rounds (default: the settings' epochs); returns the seconds it took."""
        start = time.perf_counter()
        with threads_for(self.discriminator):
            for _ in range(self.total_rounds if rounds is None else rounds):
                if should_stop is not None and should_stop():
                    break
                self.round()
                if on_round is not None:
                    on_round(self.rounds)
        return time.perf_counter() - start

    def result(self) -> GanResult:
        """How the rounds so far went, shaped like the Trainer's fit result where lessons read it."""
        m = self.measure()
        return GanResult("done", f"{self.rounds} rounds: {m['modes_covered']} of {m['modes']} modes covered, "
                                 f"energy distance {m['energy_distance']:.3f}",
                         GanHistory(list(self.g_losses), list(self.d_losses)), m)

    def generated(self) -> np.ndarray:
        with torch.no_grad(), threads_for(self.discriminator):
            return self.generator.eval()(self.eval_z).numpy()

    def measure(self) -> dict[str, Any]:
        """Mode coverage and energy distance of the generated points (fixed noise) against the real ones."""
        fake = self.generated()
        cov = metrics.mode_coverage(self.real, self.modes, fake, self.n_modes)
        return {"modes_covered": cov.covered, "modes": cov.modes, "mode_share": cov.share,
                "points_per_mode": list(cov.counts), "on_target": cov.on_target, "collapsed": cov.collapsed,
                "energy_distance": metrics.energy_distance(self.real, fake)}

    def frame(self, arrows: int = 128) -> dict[str, Any]:
        """What the view draws, as numpy arrays (no live tensors)."""
        with threads_for(self.discriminator):  # tiny matrices: one thread is faster than waking others
            return self._frame(arrows)

    def _frame(self, arrows: int) -> dict[str, Any]:
        self.generator.eval()
        self.discriminator.eval()
        samples, grad = steps.generator_arrows(self.generator, self.discriminator, self.eval_z[:arrows])
        (x0, x1), (y0, y1) = self.bounds
        xs, ys = np.linspace(x0, x1, HEAT), np.linspace(y0, y1, HEAT)
        gx, gy = np.meshgrid(xs, ys, indexing="xy")
        cells = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32))
        with torch.no_grad():
            heat = torch.sigmoid(self.discriminator(cells).reshape(HEAT, HEAT)).numpy()  # (rows = y, cols = x)
            mesh = self.generator(self._mesh_z()).numpy()
        side = MESH if self.noise_dim >= 2 else 41
        return {"real": self.real, "real_modes": self.modes, "fake": self.generated(), "arrow_from": samples.numpy(),
                "arrow_grad": grad.numpy(), "heat": heat, "bounds": self.bounds,
                "mesh": mesh.reshape(-1 if self.noise_dim >= 2 else 1, side, 2), "noise_dim": self.noise_dim,
                "d_losses": np.asarray(self.d_losses), "g_losses": np.asarray(self.g_losses),
                "rounds": self.rounds, **self.measure()}

    def _mesh_z(self) -> torch.Tensor:
        span = 1.0 if self.distribution == "uniform" else 2.0
        if self.noise_dim == 1:
            return torch.linspace(-span, span, 41).reshape(41, 1)
        ticks = torch.linspace(-span, span, MESH)
        a, b = torch.meshgrid(ticks, ticks, indexing="ij")  # rows: first z, columns: second z
        z = torch.zeros(MESH * MESH, self.noise_dim)
        z[:, 0], z[:, 1] = a.reshape(-1), b.reshape(-1)
        return z


def _bounds(real: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    """A square around the real points with a margin: ((x0, x1), (y0, y1))."""
    lo, hi = real.min(axis=0), real.max(axis=0)
    centre, half = (lo + hi) / 2, float(max(hi - lo) / 2 * 1.35 + 0.1)
    return ((float(centre[0] - half), float(centre[0] + half)), (float(centre[1] - half), float(centre[1] + half)))
