"""The undo manager: do, undo, redo through services; merged note edits; refused edits leave the history."""

from __future__ import annotations

from typing import Any

from oekoaudit.domain.changes import Changes
from oekoaudit.ui.tasks import ChangeNotifier, SyncDbWorker
from oekoaudit.ui.undo import MERGE_NOTE, UndoManager


def _manager(qapp: Any) -> tuple[UndoManager, list[Any], list[Any]]:
    notifier = ChangeNotifier()
    manager = UndoManager(SyncDbWorker(), notifier)
    seen: list[Any] = []
    failures: list[Any] = []
    notifier.changed.connect(seen.append)
    manager.failed.connect(failures.append)
    return manager, seen, failures


def test_an_answer_is_done_undone_and_redone(qapp: Any, services: Any, audit: Any) -> None:
    manager, seen, _failures = _manager(qapp)
    manager.activate(audit.id)
    audits = services.audits

    manager.push(audit.id, "Antwort 4.1", lambda: audits.answer(audit.id, "4.1", "minor_nc"),
                 lambda: audits.answer(audit.id, "4.1", "open"))
    assert audits.detail(audit.id).answers["4.1"].result == "minor_nc"
    stack = manager.group.activeStack()
    assert stack.canUndo() and stack.undoText() == "Antwort 4.1"
    stack.undo()
    assert audits.detail(audit.id).answers["4.1"].result == "open"
    stack.redo()
    assert audits.detail(audit.id).answers["4.1"].result == "minor_nc"
    assert all(isinstance(c, Changes) and c.audit_id == audit.id for c in seen) and len(seen) == 3


def test_consecutive_note_edits_undo_as_one_step(qapp: Any, services: Any, audit: Any) -> None:
    manager, _seen, _failures = _manager(qapp)
    audits = services.audits
    for old, new in (("", "Öl"), ("Öl", "Ölfleck"), ("Ölfleck", "Ölfleck unter Presse")):
        manager.push(audit.id, "Notiz 4.1", lambda n=new: audits.answer(audit.id, "4.1", None, n),
                     lambda o=old: audits.answer(audit.id, "4.1", None, o), merge=(MERGE_NOTE, "4.1"))
    stack = manager.stack(audit.id)
    assert stack.count() == 1
    stack.undo()
    assert audits.detail(audit.id).answers["4.1"].note == ""
    stack.redo()
    assert audits.detail(audit.id).answers["4.1"].note == "Ölfleck unter Presse"


def test_a_refused_edit_is_reported_and_not_kept(qapp: Any, services: Any, audit: Any) -> None:
    manager, _seen, failures = _manager(qapp)
    audits = services.audits
    manager.push(audit.id, "gut", lambda: audits.answer(audit.id, "4.1", "conform"),
                 lambda: audits.answer(audit.id, "4.1", "open"))
    manager.push(audit.id, "schlecht", lambda: audits.answer(audit.id, "4.1", "vielleicht"),
                 lambda: audits.answer(audit.id, "4.1", "conform"))
    stack = manager.stack(audit.id)
    assert len(failures) == 1 and stack.count() == 1 and stack.undoText() == "gut"


def test_every_audit_has_its_own_history(qapp: Any, services: Any, audit: Any) -> None:
    manager, _seen, _failures = _manager(qapp)
    other = services.audits.create(audit.organisation_id, "iso14001-2015")
    manager.push(audit.id, "a", lambda: services.audits.answer(audit.id, "4.1", "conform"),
                 lambda: services.audits.answer(audit.id, "4.1", "open"))
    manager.activate(other.id)
    assert not manager.group.canUndo()
    manager.activate(audit.id)
    assert manager.group.canUndo()
    manager.clear(audit.id)
    assert not manager.group.canUndo()


def test_an_edit_already_written_is_remembered_without_running_again(qapp: Any, services: Any, audit: Any) -> None:
    manager, seen, _failures = _manager(qapp)
    audits = services.audits
    calls: list[str] = []
    audits.answer(audit.id, "4.1", "conform")  # written by a dialog itself
    done = Changes(answers=True, audit_id=audit.id, item_keys=("4.1",))

    def redo() -> Changes:
        calls.append("redo")
        return audits.answer(audit.id, "4.1", "conform")

    manager.record_done(audit.id, "schon gespeichert", redo, lambda: audits.answer(audit.id, "4.1", "open"), done)
    assert calls == [] and seen == [done]  # announced, not run again
    stack = manager.stack(audit.id)
    stack.undo()
    assert audits.detail(audit.id).answers["4.1"].result == "open"
    stack.redo()
    assert calls == ["redo"] and audits.detail(audit.id).answers["4.1"].result == "conform"
