"""Where numba keeps the fused engine's compiled code between runs, and whether it is there yet.

numba's on-disk cache (``cache=True``) sits next to the source file by default; an installed
package's folder is often read-only, so ``ensure_cache_dir`` points ``NUMBA_CACHE_DIR`` at the
per-user cache folder (platformdirs) when the package folder cannot be written. It must run before
numba is first imported. A ``NUMBA_CACHE_DIR`` the user set is left alone.
"""

from __future__ import annotations

import os
from pathlib import Path


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("")
        probe.unlink()
        return True
    except OSError:
        return False


def ensure_cache_dir() -> str | None:
    """The folder numba will cache into (None: numba's default, next to the source)."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return os.environ["NUMBA_CACHE_DIR"]
    if _writable(Path(__file__).parent / "__pycache__"):
        return None
    from platformdirs import user_cache_dir

    folder = Path(user_cache_dir("playground", appauthor=False)) / "numba"
    if _writable(folder):
        os.environ["NUMBA_CACHE_DIR"] = str(folder)
        return str(folder)
    return None
