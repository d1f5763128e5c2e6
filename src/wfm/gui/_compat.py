"""Work-arounds for known defects of the GUI stack, each gated to the versions that need it."""

from __future__ import annotations

import ctypes
import sys

# Added to the reference counts of None, True and False when they are not immortal.
_RESERVE = 1 << 40


def protect_singletons() -> bool:
    """Guard None/True/False against PySide6 6.12's missing Py_INCREF on Python < 3.12.

    PySide6 6.12.0 returns None from every void method without taking a reference; on
    Python 3.11, where None is not yet immortal (PEP 683), each call lowers its count by one
    until the interpreter aborts with "none_dealloc" (or "bool_dealloc" at exit). Measured:
    `QSpinBox.setValue` lowers `sys.getrefcount(None)` by 1 per call on 6.12.0, by 0 on 6.11.3.
    Giving the three singletons a huge reserve imitates the immortality Python 3.12 gives
    them. The real fix is a PySide6 other than 6.12.0 (see the GUI issue note).

    Returns:
        Whether the reserve was applied.
    """
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    import PySide6

    if tuple(PySide6.__version_info__[:2]) != (6, 12):
        return False
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _RESERVE
    return True
