"""Per-user places: the settings store (window layout, recent files) and the autosave folder.

``PLAYGROUND_CONFIG_DIR`` moves both into one folder (tests and the screenshot command use it so
they never touch the real home); otherwise settings live where Qt keeps them for "playground" and
the autosave in ``platformdirs.user_data_dir("playground")``.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ENV_DIR = "PLAYGROUND_CONFIG_DIR"
ORG, APP = "playground", "Playground"
MAX_RECENT = 8


def data_dir() -> Path:
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("playground"))


def autosave_dir() -> Path:
    """Where each running instance keeps its own autosave file and lock (ui/project/autosave.py)."""
    return data_dir()


def settings() -> QSettings:
    override = os.environ.get(ENV_DIR)
    if override:
        return QSettings(str(Path(override) / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings(ORG, APP)


def recent_files() -> list[str]:
    value = settings().value("recent_files", [])
    if isinstance(value, str):  # QSettings gives a single string for a one-item list
        value = [value]
    return [str(v) for v in (value or [])]


def add_recent_file(path: str | os.PathLike) -> list[str]:
    path = str(Path(path).resolve())
    files = [path] + [f for f in recent_files() if f != path]
    files = files[:MAX_RECENT]
    settings().setValue("recent_files", files)
    return files


def autosave_prompt_enabled() -> bool:
    return os.environ.get("PLAYGROUND_NO_AUTOSAVE_PROMPT", "") not in ("1", "true", "yes")
