"""`playground screenshot PROJECT_OR_PRESET -o OUT.png [--size WxH] [--train-steps N] [--panel NAME]`."""

from __future__ import annotations

HELP = "render the app's main window offscreen to a PNG (for docs, and for checking the app without a screen)"

PANELS = ("layers", "inspector", "dataset", "problems", "summary", "code", "curves", "training",
          "activations", "filters", "receptive_field", "boundary", "health", "evaluation", "embedding",
          "autoencoder", "backprop", "optimizer", "landscape", "activation", "loss", "conv", "fit", "gan",
          "style")  # = ui.window.screenshot.PANELS


def add_arguments(parser) -> None:
    parser.add_argument("project", metavar="PROJECT_OR_PRESET", nargs="?", help="a project file or a preset name")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.png", help="where to write the PNG")
    parser.add_argument("--size", default="1280x800", metavar="WxH", help="window size (default 1280x800)")
    parser.add_argument("--train-steps", type=int, default=0, metavar="N",
                        help="train this many batches first (headless Trainer)")
    parser.add_argument("--panel", choices=PANELS, metavar="NAME",
                        help=f"bring this panel to the front: {', '.join(PANELS)}")
    parser.add_argument("--lesson", metavar="NAME", help="render this lesson (see: playground lessons)")
    parser.add_argument("--step", type=int, default=0, metavar="K", help="with --lesson: after its first K steps")
    parser.add_argument("--present", action="store_true", help="render presentation mode")
    parser.add_argument("--select", metavar="LAYER", help="select this layer (the inspector shows it)")


def run(args) -> int:
    from playground.core.errors import PlaygroundError
    from playground.ui.window.screenshot import parse_size, render

    if args.train_steps < 0:
        raise PlaygroundError("--train-steps must be 0 or more")
    if args.project is None and args.lesson is None:
        raise PlaygroundError("name a project or preset, or --lesson NAME", fix="e.g. playground screenshot lenet5 -o out.png")
    path = render(args.project, args.output, parse_size(args.size), args.train_steps, args.panel, args.select,
                  args.lesson, args.step, args.present)
    print(f"wrote {path}")
    return 0
