"""Guard against PySide6 6.12.0's reference leak in ``SignalInstance.emit()`` (see ui/qtcompat.py)."""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, Signal

from oekoaudit.ui.qtcompat import emit


class _Sender(QObject):
    plain = Signal()
    value = Signal(object)


def test_emit_keeps_reference_counts(qapp) -> None:  # type: ignore[no-untyped-def]
    sender = _Sender()
    sender.value.connect(lambda value: None)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(500):
        emit(sender.plain)
        emit(sender.value, False)
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert after[0] >= before[0] - 5
    assert after[1] >= before[1] - 5


def test_answering_many_items_does_not_drain_true(qtbot, make_window, audit) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.open_audit(audit.id, "checklist")
    view = window.workspace.checklist
    window.flush()
    gc.collect()  # objects of earlier tests that die now would lower the count for reasons of their own
    before = sys.getrefcount(True)
    for _round in range(3):
        view.select_item("4.1")
        for _ in range(30):
            qtbot.keyClick(view.tree, "1")
        window.flush()
    gc.collect()
    assert sys.getrefcount(True) >= before - 20
