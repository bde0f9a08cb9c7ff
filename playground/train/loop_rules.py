"""The rules the training loop applies around its steps: the L1/L2 penalty added to the loss,
max-norm on each unit's incoming weights, the NaN guard (put back the last good weights and say
which learning rate to try) and early stopping (stop when validation loss has not improved for
``patience`` epochs, restoring the best weights when asked).

``LoopRules`` is a part of ``engine.Trainer`` (a base class): it reads the trainer's config,
weights, optimizer and counters and owns no state of its own beyond the early-stopping best
(``_best``, ``_bad_epochs``, which the Trainer resets per run). Knows nothing about Qt.
"""

from __future__ import annotations

import math

import torch

from playground.core.errors import TrainingError


class LoopRules:
    def _penalty(self, cfg) -> torch.Tensor:
        total = 0.0
        if cfg.l1:
            total = total + cfg.l1 * sum(w.abs().sum() for w in self._weights)
        if cfg.l2:
            total = total + cfg.l2 * sum(w.pow(2).sum() for w in self._weights)
        return total if isinstance(total, torch.Tensor) else torch.zeros((), device=self.device)

    @torch.no_grad()
    def _max_norm(self, limit: float) -> None:
        for w in self._weights:  # each unit's (row's / filter's) incoming weights to norm <= limit
            w.renorm_(2, 0, limit)

    def _nan_stop(self, value: float, good: list[torch.Tensor]):
        with torch.no_grad():
            for p, g in zip(self._params, good):
                p.copy_(g)
        what = "NaN" if math.isnan(value) else "infinite"
        lr = self.optimizer.param_groups[0]["lr"]
        message = (f"the loss became {what} at step {self.step_count + 1}; "
                   f"the learning rate {lr:g} is probably too high")
        fix = (f"lower it (try {lr / 10:g}) or turn on gradient clipping; "
               f"the weights from step {self.step_count} were kept")
        return "nan", f"{message}; {fix}", TrainingError(message, where="training", fix=fix)

    def _early_stopping(self, val):
        cfg = self.config
        if val is None or not math.isfinite(val.loss):
            return None
        if val.loss < self._best[0] - cfg.min_delta:
            state = self._state_copy() if cfg.early_stopping and cfg.restore_best else None
            self._best, self._bad_epochs = (val.loss, self.epoch, state), 0
            return None
        self._bad_epochs += 1
        if not cfg.early_stopping or self._bad_epochs < cfg.patience:
            return None
        best_loss, best_epoch, state = self._best
        kept = f"the weights of epoch {best_epoch} were restored" if state is not None else "the last weights were kept"
        if state is not None:
            self.model.load_state_dict(state)
        return ("early_stopping", f"early stopping after epoch {self.epoch}: validation loss has not improved "
                f"for {cfg.patience} epochs (best {best_loss:.4g} at epoch {best_epoch}); {kept}", None)
