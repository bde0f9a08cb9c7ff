"""Package data, not code: presets/ (and lessons/, icons/). Installed as ``playground.resources``."""
