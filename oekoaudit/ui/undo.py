"""Undo and redo for every edit (QUndoStack), one history per audit.

An edit is a :class:`ServiceCommand`: two plain functions — one that does the change through a
service, one that reverses it — both run on the single writer (:class:`~oekoaudit.ui.tasks.DbWorker`),
in order. The caller captures the old values when it builds the command (the views know them).
After each run the command's :class:`~oekoaudit.domain.changes.Changes` go to the notifier, so
the views reload as after any other write.

If the change is refused (a rule of the service, a closed audit), the user is told and the
command leaves the history: a failed edit cannot be undone.

Signing and reopening are not undoable; they clear the audit's history
(:meth:`UndoManager.clear`), so that no undo ever reaches across a signature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoGroup, QUndoStack

from oekoaudit.domain.changes import Changes
from oekoaudit.services.audits import AuditService
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import ChangeNotifier, DbWorker

Action = Callable[[], Any]
#: called on the GUI thread when a command's change was refused (the exception)
Refused = Callable[[BaseException], None]
#: called on the GUI thread when the user undoes (True) or redoes (False) a command
Replayed = Callable[[bool], None]

#: Merge ids: consecutive commands with the same id and merge key become one step.
MERGE_NOTE = 1


class UndoManager(QObject):
    """Keeps an undo stack per audit; the group's active stack is the open audit's."""

    #: a command's change was refused: the message for the user
    failed = Signal(object)
    #: a command's change (or its reversal) is stored: its Changes
    saved = Signal(object)

    def __init__(self, worker: DbWorker, notifier: ChangeNotifier, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.notifier = notifier
        self.group = QUndoGroup(self)
        self._stacks: dict[str, QUndoStack] = {}

    def stack(self, audit_id: str) -> QUndoStack:
        stack = self._stacks.get(audit_id)
        if stack is None:
            stack = QUndoStack(self.group)
            stack.setUndoLimit(500)
            self.group.addStack(stack)
            self._stacks[audit_id] = stack
        return stack

    def activate(self, audit_id: str | None) -> None:
        self.group.setActiveStack(self.stack(audit_id) if audit_id else None)

    def push(self, audit_id: str, text: str, do: Action, undo: Action, merge: tuple[int, Any] | None = None, *,
             on_refused: Refused | None = None, on_replay: Replayed | None = None) -> None:
        """Do ``do`` now (on the writer) and remember how to reverse it.

        ``on_refused`` hears of a refusal before :attr:`failed` is emitted (a view can keep the
        user's text); ``on_replay`` is told when the user undoes or redoes the command later (a
        view can show the place of the change)."""
        self.stack(audit_id).push(ServiceCommand(self, audit_id, text, do, undo, merge, on_refused, on_replay))

    def record_done(self, audit_id: str, text: str, redo: Action, undo: Action, changes: Changes) -> None:
        """Remember an edit that has already been written (a dialog saved it itself, to show a
        refusal inline): nothing runs now but the announcement of ``changes``; undo runs ``undo``,
        a later redo runs ``redo``."""
        command = ServiceCommand(self, audit_id, text, redo, undo)
        command.already_done = changes
        self.stack(audit_id).push(command)

    def clear(self, audit_id: str) -> None:
        stack = self._stacks.get(audit_id)
        if stack is not None:
            stack.clear()

    # -- running a command's half ------------------------------------------------------------

    def run(self, command: ServiceCommand, action: Action) -> None:
        def done(result: Any) -> None:
            changes = result if isinstance(result, Changes) else Changes(
                answers=True, findings=True, audits=True, audit_id=command.audit_id)
            emit(self.saved, changes)
            emit(self.notifier.changed, changes)

        def refused(exc: BaseException) -> None:
            try:
                command.refused()
            except RuntimeError:
                pass  # merged into the command before it (Qt has deleted it): that one stays
            if command.on_refused is not None:
                command.on_refused(exc)
            emit(self.failed, exc)

        self.worker.submit(action, done, refused)


class ServiceCommand(QUndoCommand):
    def __init__(self, manager: UndoManager, audit_id: str, text: str, do: Action, undo: Action,
                 merge: tuple[int, Any] | None = None, on_refused: Refused | None = None,
                 on_replay: Replayed | None = None) -> None:
        super().__init__(text)
        self._manager = manager
        self.audit_id = audit_id
        self._do = do
        self._undo = undo
        self._merge = merge
        self._failed = False
        self._done_once = False
        #: set by UndoManager.record_done: the first redo only announces these changes
        self.already_done: Changes | None = None
        self.on_refused = on_refused
        self.on_replay = on_replay

    def id(self) -> int:  # noqa: A003 - Qt's name
        return self._merge[0] if self._merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, ServiceCommand) or self._merge is None or other._merge != self._merge:
            return False
        if self._failed or other._failed:
            return False
        self._do = other._do  # keep our undo (the oldest value), take its do (the newest)
        self.on_refused = other.on_refused
        return True

    def redo(self) -> None:
        if not self._failed:
            if self._done_once and self.on_replay is not None:
                self.on_replay(False)
            self._done_once = True
            if self.already_done is not None:
                changes, self.already_done = self.already_done, None
                self._manager.run(self, lambda: changes)
                return
            self._manager.run(self, self._do)

    def undo(self) -> None:
        if not self._failed:
            if self.on_replay is not None:
                self.on_replay(True)
            self._manager.run(self, self._undo)

    def refused(self) -> None:
        """The change did not happen: nothing to undo; Qt drops the command at its next move."""
        self._failed = True
        self.setObsolete(True)
        stack = self._manager.stack(self.audit_id)
        index = stack.index()
        if index > 0 and stack.command(index - 1) is self:
            stack.undo()  # a no-op for a failed command; removes it from the history


# ---- the edits of answers, shared by the checklist and the guided self-assessment -----------


def push_answer(undo: UndoManager, audits: AuditService, audit_id: str, key: str, new: str, old: str, text: str,
                **hooks: Any) -> None:
    """Answer an item (``old``: the result before, the scale's open option if there was none)."""
    undo.push(audit_id, text, lambda: audits.answer(audit_id, key, new, None),
              lambda: audits.answer(audit_id, key, old, None), **hooks)


def push_confirm(undo: UndoManager, audits: AuditService, audit_id: str, key: str, text: str, **hooks: Any) -> None:
    """Confirm a carried-over answer as it is; undo marks it as carried over again."""
    undo.push(audit_id, text, lambda: audits.confirm(audit_id, [key]),
              lambda: audits.confirm(audit_id, [key], confirmed=False), **hooks)


def push_note(undo: UndoManager, audits: AuditService, audit_id: str, key: str, new: str, old: str, text: str,
              session: Any = None, **hooks: Any) -> None:
    """Change an item's note; consecutive changes of one item (in one editing ``session``) are one step."""
    undo.push(audit_id, text, lambda: audits.answer(audit_id, key, None, new),
              lambda: audits.answer(audit_id, key, None, old), merge=(MERGE_NOTE, (key, session)), **hooks)
