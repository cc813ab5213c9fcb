"""The audit's life in the window: start, submit for review, sign and close, reopen.

Status changes are lifecycle steps, not edits: they are not undoable. They run on the single
writer and announce their :class:`~oekoaudit.domain.changes.Changes`. Signing and reopening clear
the audit's undo history, so that no undo reaches across a signature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from oekoaudit.domain.audit import AuditDetail, AuditStatus
from oekoaudit.domain.changes import Changes
from oekoaudit.domain.lifecycle import TRANSITIONS, CloseProblem
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import N_, _, describe
from oekoaudit.services import Services, labels
from oekoaudit.ui import prompts
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import ChangeNotifier, DbWorker
from oekoaudit.ui.undo import UndoManager


@dataclass(frozen=True, slots=True)
class LifecycleAction:
    label: str  # msgid
    tip: str  # msgid
    source: AuditStatus
    #: the status it leads to (a status change), or None (a dialog: sign, reopen)
    target: AuditStatus | None


#: Every move of an audit's life, in the order the banner shows them (the step back first).
ACTIONS: dict[str, LifecycleAction] = {
    "back_to_planned": LifecycleAction(N_("Back to planned"), N_("The audit has not really started yet."),
                                       AuditStatus.IN_PROGRESS, AuditStatus.PLANNED),
    "back_to_progress": LifecycleAction(N_("Back to in progress"),
                                        N_("Continue the audit: answers and findings can be changed."),
                                        AuditStatus.IN_REVIEW, AuditStatus.IN_PROGRESS),
    "start": LifecycleAction(N_("Start audit"), N_("The audit begins on site: planned → in progress."),
                             AuditStatus.PLANNED, AuditStatus.IN_PROGRESS),
    "submit": LifecycleAction(N_("Submit for review"),
                              N_("Every item is assessed: the results are reviewed before signing."),
                              AuditStatus.IN_PROGRESS, AuditStatus.IN_REVIEW),
    "sign": LifecycleAction(N_("Sign and close…"),
                            N_("The lead auditor and the organisation's representative sign; the audit is "
                               "then closed and read-only."), AuditStatus.IN_REVIEW, None),
    "reopen": LifecycleAction(N_("Reopen…"), N_("Open the closed audit again, with a reason; the signatures "
                                                "lapse."), AuditStatus.CLOSED, None),
}

#: The move that takes the audit forward, per status.
_PRIMARY = {AuditStatus.PLANNED: "start", AuditStatus.IN_PROGRESS: "submit", AuditStatus.IN_REVIEW: "sign",
            AuditStatus.CLOSED: "reopen"}


def allowed_actions(status: AuditStatus | None) -> list[str]:
    """The moves allowed now (TRANSITIONS; closing only through signing, reopening only when closed)."""
    if status is None:
        return []
    allowed = []
    for name, action in ACTIONS.items():
        if action.source is not status:
            continue
        if action.target is not None and action.target not in TRANSITIONS[status]:
            continue
        if name == "sign" and AuditStatus.CLOSED not in TRANSITIONS[status]:
            continue
        allowed.append(name)
    return allowed


def primary_action(status: AuditStatus | None) -> str | None:
    return _PRIMARY.get(status) if status is not None else None


class AuditLifecycle(QObject):
    """Runs the moves for the open audit; ``message`` for the status bar."""

    message = Signal(str)
    #: a close problem was chosen in the sign dialog: show it (CloseProblem)
    problem_chosen = Signal(object)

    def __init__(self, services: Services, worker: DbWorker, notifier: ChangeNotifier, undo: UndoManager,
                 current: Callable[[], AuditDetail | None], prepare: Callable[[], None],
                 parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._services = services
        self._worker = worker
        self._notifier = notifier
        self._undo = undo
        self._current = current
        self._prepare = prepare
        self._parent_widget = parent_widget
        #: the open sign or reopen dialog (tests reach it here)
        self.dialog: Any = None

    def allowed(self) -> list[str]:
        detail = self._current()
        return allowed_actions(detail.audit.status if detail else None)

    def trigger(self, name: str) -> Any:
        """Do the move ``name`` (a key of :data:`ACTIONS`) if it is allowed now."""
        if name not in self.allowed():
            return None
        action = ACTIONS[name]
        if name == "sign":
            return self.sign_and_close()
        if name == "reopen":
            return self.reopen()
        assert action.target is not None
        self.change_status(action.target)
        return None

    # ---- status -------------------------------------------------------------------------

    def change_status(self, target: AuditStatus) -> None:
        detail = self._current()
        if detail is None:
            return
        self._prepare()
        audit_id = detail.audit.id
        audits = self._services.audits

        def done(changes: Any) -> None:
            emit(self._notifier.changed, changes if isinstance(changes, Changes)
                 else Changes(audits=True, audit_id=audit_id))
            emit(self.message, _("Status of the audit: {status}").format(status=labels.status(target)))

        self._worker.submit(lambda: audits.set_status(audit_id, target), done, self._refused)

    def _refused(self, exc: BaseException) -> None:
        message = describe(exc) if isinstance(exc, OekoauditError) else str(exc)
        emit(self.message, message)
        prompts.error(self._parent_widget.window(), message)
        emit(self._notifier.changed, Changes(audits=True, audit_id=None))

    # ---- signing ------------------------------------------------------------------------

    def close_problems(self) -> list[CloseProblem]:
        detail = self._current()
        if detail is None:
            return []
        return self._services.audits.close_problems(detail.audit.id)

    def sign_and_close(self) -> Any:
        """Open the sign dialog (it lists what is missing instead, if anything is)."""
        from oekoaudit.ui.dialogs.sign import SignDialog

        detail = self._current()
        if detail is None:
            return None
        self._prepare()
        self._worker.flush()  # the checks see every edit made so far
        try:
            detail = self._services.audits.detail(detail.audit.id)
            problems = self.close_problems()
        except OekoauditError as exc:
            self._refused(exc)
            return None
        dialog = SignDialog(self._services, self._worker, detail, problems, self._parent_widget.window())
        audit_id = detail.audit.id
        dialog.accepted.connect(lambda: self._on_signed(audit_id, dialog.result_value))
        dialog.problem_chosen.connect(self.problem_chosen)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_signed(self, audit_id: str, _signatures: Any) -> None:
        self._undo.clear(audit_id)
        emit(self._notifier.changed, Changes(audits=True, answers=True, findings=True, audit_id=audit_id))
        emit(self.message, _("The audit is signed and closed."))

    # ---- reopening ----------------------------------------------------------------------

    def reopen(self) -> Any:
        from oekoaudit.ui.dialogs.reopen import ReopenDialog

        detail = self._current()
        if detail is None:
            return None
        dialog = ReopenDialog(self._services, self._worker, detail, self._parent_widget.window())
        audit_id = detail.audit.id
        dialog.accepted.connect(lambda: self._on_reopened(audit_id))
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_reopened(self, audit_id: str) -> None:
        self._undo.clear(audit_id)
        emit(self._notifier.changed, Changes(audits=True, answers=True, findings=True, audit_id=audit_id))
        emit(self.message, _("The audit is open again; the signatures have lapsed."))

    def _forget(self, dialog: Any) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()


def read_only_message(detail: AuditDetail | None) -> str:
    """Why an audit takes no changes: a closed audit, or one opened from a package for review."""
    if detail is not None and detail.audit.review:
        return _("Review – nothing is saved")
    return _("The audit is closed and cannot be changed.")
