"""Work-arounds for bugs of the PySide6 release in use. Every Python-side signal emission goes
through :func:`emit`.

PySide6 6.12.0 on Python 3.11: ``SignalInstance.emit()`` returns ``True`` without taking a
reference to it, so every ``emit()`` called from Python lowers the reference count of ``True``
by one. After some thousands of emissions (an afternoon of answering) the interpreter frees
``True`` and aborts ("Fatal Python error: bool_dealloc"). :func:`emit` gives the reference back,
but only where a probe at import shows the leak (from Python 3.12 on ``True`` is immortal, and
a fixed PySide6 leaks nothing), so the work-around is inert where it is not needed.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_PROBES = 8


class _Probe(QObject):
    ping = Signal()


def _give_back(obj: Any, times: int = 1) -> None:
    for _ in range(times):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))


def _emit_steals_result() -> bool:
    probe = _Probe()
    first = probe.ping.emit()
    if not isinstance(first, bool):
        return False
    before = sys.getrefcount(first)
    for _ in range(_PROBES):
        probe.ping.emit()
    leaked = before - sys.getrefcount(first)
    if leaked >= _PROBES:
        _give_back(first, _PROBES + 1)  # the probe's own emissions
        return True
    return False


EMIT_STEALS_RESULT = _emit_steals_result()


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, without PySide's reference leak."""
    result = signal.emit(*args)
    if EMIT_STEALS_RESULT and result is not None:
        _give_back(result)
