"""`playground train` for a GAN project (a generator and a discriminator on one canvas).

``run(args, project)`` trains the pair alternately (``train.gan.trainer``) with the project's
settings overridden by the options (``--epochs``, ``--batch-size``, ``--lr`` for both networks,
``--lr-d`` for the discriminator alone, ``--d-steps``, ``--optimizer``, ``--seed``), shows a progress
line on stderr and a summary on stdout, and with ``--out RUN.json`` writes the settings, the losses
every epoch and, under ``test``, the mode coverage (``modes_covered``, ``modes``, ``mode_share``,
``points_per_mode``, ``on_target``, ``collapsed``) and the energy distance between the real points
and 512 generated ones, plus ``seconds_to_cover`` (when all modes were first covered, checked
every epoch; null when never). Checked before training: the ``--out`` path, the pair, the data.
"""

from __future__ import annotations

import json
import sys


def settings(project, args):
    from playground.train.gan.trainer import GanSettings

    changes = {"epochs": args.epochs, "batch_size": args.batch_size, "optimizer": args.optimizer, "seed": args.seed,
               "lr_g": args.lr, "lr_d": getattr(args, "lr_d", None) or args.lr, "d_steps": getattr(args, "d_steps", None)}
    if args.optimizer is not None:
        changes["optimizer_params"] = {}
    return GanSettings.from_training(project.training, **changes)


def run(args, project) -> int:
    from dataclasses import asdict

    from playground.cli.train import check_out_path
    from playground.core.files import atomic_write_text
    from playground.train.gan.trainer import GanTrainer
    from playground.train.history import plain_json

    check_out_path(args.out)
    config = settings(project, args)
    trainer = GanTrainer(project.graph, project.dataset, config)
    per_epoch, epochs, covered_at, seconds = trainer.rounds_per_epoch, [], None, 0.0
    print(f"training GAN '{project.name}' on {project.dataset.get('name')}: {len(trainer.real)} real points, "
          f"{trainer.n_modes} modes, {config.optimizer} lr G {config.lr_g:g} / D {config.lr_d:g}, "
          f"{config.d_steps} D step(s) per G step, {config.epochs} epochs of {per_epoch} rounds", file=sys.stderr)
    for epoch in range(1, config.epochs + 1):
        seconds += trainer.fit(per_epoch)
        m = trainer.measure()
        if covered_at is None and m["modes_covered"] == m["modes"]:
            covered_at = {"epoch": epoch, "round": trainer.rounds, "seconds": round(seconds, 3)}
        epochs.append({"epoch": epoch, "round": trainer.rounds, "d_loss": trainer.d_losses[-1],
                       "g_loss": trainer.g_losses[-1], "modes_covered": m["modes_covered"],
                       "energy_distance": m["energy_distance"]})
        print(f"\repoch {epoch}/{config.epochs}  D {trainer.d_losses[-1]:.3f}  G {trainer.g_losses[-1]:.3f}  "
              f"modes {m['modes_covered']}/{m['modes']}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    final = trainer.measure()
    report = {"format": "playground-run", "version": 1, "task": "gan", "project": project.name, "source": args.project,
              "dataset": {"name": project.dataset.get("name"), "points": len(trainer.real), "modes": trainer.n_modes},
              "config": asdict(config), "rounds": trainer.rounds, "epochs": epochs, "train_seconds": seconds,
              "covered_all_modes_at": covered_at, "test": final}
    if args.out:
        atomic_write_text(args.out, json.dumps(plain_json(report), indent=1))
    print(f"generated points cover {final['modes_covered']} of {final['modes']} modes "
          f"({final['on_target']:.0%} of them on the real data); energy distance {final['energy_distance']:.4f}"
          + (" - mode collapse: the generator makes only some of the modes" if final["collapsed"] else ""))
    print(f"{trainer.rounds} rounds in {seconds:.1f} s"
          + (f"; all modes first covered after epoch {covered_at['epoch']} ({covered_at['seconds']:.1f} s)"
             if covered_at else "; the modes were never all covered"))
    return 0
