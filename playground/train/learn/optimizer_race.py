"""A race of optimizers on a two-parameter surface, each one torch.optim's own class (no Qt).

Owns ``OptimizerKind`` and ``OPTIMIZERS`` (one record per algorithm: the torch.optim class, its
default settings, a colour, and which of its state tensors to show under which name: momentum's
velocity, AdaGrad's and RMSProp's accumulated squares, Adam's two moments), ``Racer`` (one
optimizer stepping its own (2,) parameter tensor, remembering the path and the loss) and ``Race``
(all of them stepping together from one start on one surface, with optional gradient noise or
mini-batches for a data surface, from one seeded generator so a race can be replayed).
``parse_settings`` reads "momentum=0.9, nesterov=1" typed in the view, with a message when wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from playground.core.errors import PlaygroundError
from playground.train.learn.surfaces import Surface, batch_loss

FLAGS = {"nesterov", "amsgrad", "centered", "maximize"}  # on/off settings: 1 or true means on
DIVERGED = 1e6  # a coordinate past this: the racer stops and says it diverged


@dataclass(frozen=True)
class OptimizerKind:
    key: str
    title: str
    cls: type
    settings: dict  # the defaults shown in the view (lr included)
    colour: str
    state: tuple[tuple[str, str], ...]  # (state key in optimizer.state[p], name shown)
    batch: int = 0  # for a data surface: examples per step (0 = all of them, full-batch)
    adaptive: float = 0.0  # lr = this × the surface's ``step`` (its step is about lr); 0: lr = the surface's ``lr``
    lr_factor: float = 1.0  # × the surface's ``lr`` (momentum's steps grow to about lr / (1 − β))

    def defaults(self, surface: Surface) -> dict:
        """Its settings with a learning rate that suits ``surface`` (AdaDelta keeps its own lr = 1)."""
        lr = surface.lr * self.lr_factor if not self.adaptive else self.adaptive * surface.step
        return {**self.settings, "lr": self.settings["lr"] if self.key == "adadelta" else round(lr, 6)}


OPTIMIZERS: tuple[OptimizerKind, ...] = (
    OptimizerKind("sgd", "SGD", torch.optim.SGD, {"lr": 0.05}, "#6B7280", ()),
    OptimizerKind("momentum", "Momentum", torch.optim.SGD, {"lr": 0.05, "momentum": 0.9}, "#2563EB",
                  (("momentum_buffer", "velocity v"),), lr_factor=0.2),
    OptimizerKind("nesterov", "Nesterov", torch.optim.SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True},
                  "#0891B2", (("momentum_buffer", "velocity v"),), lr_factor=0.2),
    OptimizerKind("adagrad", "AdaGrad", torch.optim.Adagrad, {"lr": 0.5}, "#16A34A", (("sum", "Σ g² (accumulated)"),),
                  adaptive=10.0),
    OptimizerKind("adadelta", "AdaDelta", torch.optim.Adadelta, {"lr": 1.0, "rho": 0.9}, "#CA8A04",
                  (("square_avg", "E[g²]"), ("acc_delta", "E[Δx²]"))),
    OptimizerKind("rmsprop", "RMSProp", torch.optim.RMSprop, {"lr": 0.05, "alpha": 0.9}, "#EA580C",
                  (("square_avg", "E[g²] (running mean)"),), adaptive=1.0),
    OptimizerKind("adam", "Adam", torch.optim.Adam, {"lr": 0.1}, "#DC2626",
                  (("exp_avg", "m (1st moment)"), ("exp_avg_sq", "v (2nd moment)")), adaptive=1.0),
    OptimizerKind("adamw", "AdamW", torch.optim.AdamW, {"lr": 0.1, "weight_decay": 0.1}, "#9333EA",
                  (("exp_avg", "m (1st moment)"), ("exp_avg_sq", "v (2nd moment)")), adaptive=1.0),
)
#: the data surface's race: one algorithm (SGD), three batch sizes (the course's GD / SGD / mini-batch)
BATCH_RACE: tuple[OptimizerKind, ...] = (
    OptimizerKind("gd", "Full-batch GD", torch.optim.SGD, {"lr": 0.1}, "#2563EB", (), batch=0),
    OptimizerKind("sgd1", "SGD (batch 1)", torch.optim.SGD, {"lr": 0.1}, "#DC2626", (), batch=1),
    OptimizerKind("minibatch", "Mini-batch SGD (batch 16)", torch.optim.SGD, {"lr": 0.1}, "#16A34A", (), batch=16),
)
BY_KEY = {k.key: k for k in OPTIMIZERS + BATCH_RACE}


def settings_text(settings: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in settings.items() if k != "lr")


def parse_settings(kind: OptimizerKind, text: str) -> dict:
    """"momentum=0.9, nesterov=1" -> {"momentum": 0.9, "nesterov": True}; a PlaygroundError naming
    the part that is wrong and the settings this optimizer has otherwise."""
    import inspect

    allowed = [p for p in inspect.signature(kind.cls.__init__).parameters if p not in ("self", "params", "lr")]
    out: dict = {}
    for part in filter(None, (s.strip() for s in text.split(","))):
        name, eq, value = (s.strip() for s in part.partition("="))
        if not eq or name not in allowed:
            raise PlaygroundError(f"'{part}' is not a setting of {kind.title}",
                                  fix=f"write name=value with one of: {', '.join(allowed)}")
        if value.lower() in ("true", "false"):
            out[name] = value.lower() == "true"
            continue
        try:
            number = float(value)
        except ValueError:
            raise PlaygroundError(f"'{value}' is not a number ({kind.title}'s {name})", fix="write e.g. 0.9") from None
        out[name] = bool(number) if name in FLAGS else number
    return out


@dataclass
class Racer:
    kind: OptimizerKind
    settings: dict  # lr included
    start: tuple[float, float]
    p: torch.Tensor = field(init=False)
    optimizer: torch.optim.Optimizer = field(init=False)
    path: list = field(init=False)  # [(x, y)] from the start
    losses: list = field(init=False)  # the surface's (noise-free, full-data) loss at each point of the path
    diverged: bool = False

    def __post_init__(self):
        self.p = torch.tensor(self.start, dtype=torch.float64, requires_grad=True)
        self.optimizer = self.kind.cls([self.p], **self.settings)
        self.path, self.losses = [tuple(self.start)], []

    @property
    def title(self) -> str:
        return self.kind.title

    def state(self) -> dict[str, np.ndarray | float]:
        """What the optimizer keeps, by the names the view shows; Adam's bias corrections too."""
        st = self.optimizer.state.get(self.p, {})
        out: dict = {name: st[key].detach().numpy().copy() for key, name in self.kind.state if key in st}
        if "exp_avg" in st:
            t = float(st["step"])
            group = self.optimizer.param_groups[0]
            b1, b2 = group["betas"]
            c1, c2 = 1 - b1 ** t, 1 - b2 ** t
            out["1 − β₁ᵗ"], out["1 − β₂ᵗ"] = c1, c2
            out["m̂ = m / (1 − β₁ᵗ)"] = st["exp_avg"].numpy() / c1
            out["v̂ = v / (1 − β₂ᵗ)"] = st["exp_avg_sq"].numpy() / c2
        return out

    def velocity_step(self) -> np.ndarray | None:
        """Where momentum alone would carry the point next: −lr · v (None without a velocity)."""
        buf = self.optimizer.state.get(self.p, {}).get("momentum_buffer")
        return None if buf is None else -self.settings["lr"] * buf.detach().numpy()


class Race:
    def __init__(self, surface: Surface, racers: list[tuple[OptimizerKind, dict]], start: tuple[float, float],
                 setting: float | None = None, noise: float = 0.0, seed: int = 0):
        self.surface, self.setting, self.noise, self.start = surface, setting, noise, tuple(start)
        self.generator = torch.Generator().manual_seed(seed)
        self.racers = [Racer(kind, dict(settings), self.start) for kind, settings in racers]
        self.steps = 0
        for r in self.racers:
            r.losses.append(self.loss_at(r.p))

    def loss_at(self, p: torch.Tensor) -> float:
        with torch.no_grad():
            return float(self.surface.loss(p, self.setting))

    def objective(self, racer: Racer) -> torch.Tensor:
        """What this racer differentiates this step: the surface, plus gradient noise when asked
        (σ·ξᵀp with ξ ~ N(0, I), so the gradient is ∇f + σξ), or a mini-batch on a data surface."""
        s = self.surface
        if s.data is not None and racer.kind.batch:
            n = len(s.data()[0])
            idx = torch.randint(0, n, (racer.kind.batch,), generator=self.generator)
            loss = batch_loss(s, racer.p, idx)
        else:
            loss = s.loss(racer.p, self.setting)
        if self.noise:
            xi = torch.randn(2, generator=self.generator, dtype=torch.float64)
            loss = loss + self.noise * (xi * racer.p).sum()
        return loss

    def step(self) -> None:
        for r in self.racers:
            if r.diverged:
                continue
            r.optimizer.zero_grad()
            self.objective(r).backward()
            r.optimizer.step()
            x, y = (float(v) for v in r.p.detach())
            if not (math.isfinite(x) and math.isfinite(y)) or max(abs(x), abs(y)) > DIVERGED:
                r.diverged = True
                continue
            r.path.append((x, y))
            r.losses.append(self.loss_at(r.p))
        self.steps += 1
