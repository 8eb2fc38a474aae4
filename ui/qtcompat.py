"""Work-arounds for defects of the Qt binding, detected at import so a fixed release needs no change.

PySide6 6.12.0 on CPython 3.11: functions that return `None` (every void C++ method: setText,
show, processEvents, ...) and `SignalInstance.emit()` (which returns `True`) hand back the
singleton without taking a reference to it. The binding is evidently built for CPython 3.12+,
where None/True/False are immortal and their reference counts are never checked; on 3.11 each
call drops one reference, and after some thousands of calls (a few minutes of use) CPython
aborts with "none_dealloc: deallocating None" or "bool_dealloc".

The fix is what 3.12 does: make the three singletons effectively immortal by adding a very
large number to their reference counts, once, when the defect is detected. They are never
freed in any case, so this changes nothing else.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

_PROBES = 16
_IMMORTAL = 1 << 40


class _Probe(QObject):
    ping = Signal()


def _leaks() -> dict[str, int]:
    """References to None and True lost over a few void calls and emits."""
    probe = _Probe()
    n0, t0 = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.setObjectName("probe")  # a void method: returns None
        probe.ping.emit()  # returns True
    return {"None": n0 - sys.getrefcount(None), "True": t0 - sys.getrefcount(True)}


def _immortalize() -> None:
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _IMMORTAL  # ob_refcnt is the first field


def _apply() -> bool:
    if sys.version_info >= (3, 12):
        return False  # immortal singletons: the defect is harmless
    lost = _leaks()
    if max(lost.values()) < _PROBES // 2:
        return False
    _immortalize()
    import PySide6

    log.info("PySide6 %s drops references to None/True on this Python; applied the work-around",
             PySide6.__version__)
    return True


APPLIED = _apply()


def emit(signal, *args) -> None:
    """`signal.emit(*args)`: the one place to adapt emitting if a binding needs it again."""
    signal.emit(*args)
