"""Reopen a closed audit: the signatures lapse, and the reason goes into the audit's change log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QPlainTextEdit, QWidget

from oekoaudit.domain.audit import AuditDetail
from oekoaudit.i18n import _
from oekoaudit.services import Services
from oekoaudit.ui.dialogs.base import FormDialog
from oekoaudit.ui.tasks import DbWorker


class ReopenDialog(FormDialog):
    """On success ``result_value`` is the :class:`~oekoaudit.domain.changes.Changes` of the reopen."""

    def __init__(self, services: Services, worker: DbWorker, detail: AuditDetail,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, _("Reopen the audit"), parent)
        self.setObjectName("reopen_dialog")
        self._services = services
        self._audit_id = detail.audit.id
        names = ", ".join(f"{s.name} ({s.role})" for s in detail.signatures)
        text = _("The audit is closed and signed. Reopened, it can be changed again, and its signatures lapse: "
                 "it must be signed anew. The reason is kept in the audit's change log.")
        if names:
            text += "\n\n" + _("Signatures that lapse: {names}").format(names=names)
        self.set_intro(text)
        self.intro.setStyleSheet("")
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setObjectName("reason_edit")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setPlaceholderText(_("e.g. The organisation sent a corrected waste register."))
        self.reason_edit.setMinimumHeight(self.reason_edit.fontMetrics().lineSpacing() * 4 + 14)
        self.form.addRow(_("Reason") + " *", self.reason_edit)
        self.ok_button.setText(_("Reopen"))
        self.ok_button.setEnabled(False)
        self.reason_edit.textChanged.connect(self._on_reason_edit_text_changed)
        self.reason_edit.setFocus()

    @property
    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def _on_reason_edit_text_changed(self) -> None:
        self.ok_button.setEnabled(bool(self.reason))

    def validate(self) -> bool:
        if not self.reason:
            self.show_error(_("Please give the reason for reopening."), focus=self.reason_edit)
            return False
        return True

    def write(self) -> Callable[[], Any]:
        audits = self._services.audits
        audit_id = self._audit_id
        reason = self.reason
        return lambda: audits.reopen(audit_id, reason)
