"""Keep PySide6 from crashing the interpreter on Python 3.11.

This PySide6 build (6.12) hands back ``None``, ``True`` and ``False`` without taking a reference in
several places (a Python ``paint``/``redo`` override returning, ``QTableWidgetItem.setData``,
``Signal.emit``...). From Python 3.12 on those objects are immortal and that is harmless; on 3.11
each such call steals one reference, and after a few thousand paints the interpreter aborts with
"Fatal Python error: none_dealloc". ``apply`` gives the three a reference count so large that it
cannot run out, which is what 3.12 does for them anyway. It does nothing on 3.12+.
"""

from __future__ import annotations

import ctypes
import sys

HEADROOM = 1 << 40
_applied = False


def apply() -> bool:
    """Make None, True and False effectively immortal on Python < 3.12; True when it did."""
    global _applied
    if _applied or sys.version_info >= (3, 12):
        return False
    for obj in (None, True, False):
        cell = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is a PyObject's first field
        if abs(cell.value - sys.getrefcount(obj)) > 64:  # not where we expect (a debug build): leave it
            return False
        cell.value += HEADROOM
    _applied = True
    return True
