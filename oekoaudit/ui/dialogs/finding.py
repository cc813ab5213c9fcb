"""A finding and its corrective action (ISO 14001 10.2): record one, or edit it.

Left the finding itself (class, requirement, statement, objective evidence); right what is done
about it: correction, root cause, corrective action, owner, due date, status, and the
verification of effectiveness. On a closed audit the finding is part of the signed report and
read-only; the follow-up stays editable (ISO 19011 6.7).

Saving writes once on the single writer, so that a refusal of the service is shown here and
nothing is stored; when the write succeeded the edit goes into the audit's undo history
(:func:`push_recorded`, :func:`push_edited`), whose first redo has then nothing left to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from oekoaudit.domain.changes import Changes
from oekoaudit.domain.evidence import Target
from oekoaudit.domain.finding import NONCONFORMITIES, ActionStatus, Finding, FindingClass
from oekoaudit.i18n import _
from oekoaudit.services import Services, labels
from oekoaudit.ui import style
from oekoaudit.ui.dialogs.base import WritingDialog
from oekoaudit.ui.models.findings_model import CLASS_ORDER, class_icon
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import DbWorker
from oekoaudit.ui.undo import UndoManager
from oekoaudit.ui.widgets.evidence_strip import EvidenceStrip

#: The part of a finding that stays editable on a closed audit (as the service's FOLLOW_UP_FIELDS).
FOLLOW_UP = ("correction", "root_cause", "corrective_action", "owner", "due_date", "status",
             "verified_on", "verified_by", "verification_result")
FINDING_PART = ("finding_class", "requirement_ref", "statement", "objective_evidence")

#: A new due date starts this far ahead.
DEFAULT_DUE_DAYS = 30
_NO_DATE = QDate(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class FindingTarget:
    """Where a finding belongs and what the dialog starts with."""

    audit_id: str
    #: the audit is signed and closed: only the follow-up may change
    closed: bool = False
    item_key: str | None = None
    #: the item as the user knows it ("8.1  Operational planning and control"); empty: standalone
    item_title: str = ""
    #: values to start a new finding with (finding_class, requirement_ref, statement, …)
    prefill: dict[str, Any] = field(default_factory=dict)


# ---- undo commands ------------------------------------------------------------------------


def _changes(finding: Finding) -> Changes:
    return Changes(findings=True, audit_id=finding.audit_id,
                   item_keys=(finding.item_key,) if finding.item_key else ())


def push_recorded(undo: UndoManager, services: Services, finding: Finding) -> None:
    """Remember a finding the writer has just created: undo removes it, redo brings it back."""
    audits = services.audits
    undo.record_done(finding.audit_id, _("Record finding"), lambda: audits.restore_finding(finding.id),
                     lambda: audits.delete_finding(finding.id), _changes(finding))


def push_edited(undo: UndoManager, services: Services, finding: Finding, old: dict[str, Any],
                new: dict[str, Any]) -> None:
    """Remember an edit the writer has just made (``old``: the previous values of the changed fields)."""
    audits = services.audits
    undo.record_done(finding.audit_id, _("Edit finding"),
                     lambda: _changes(audits.update_finding(finding.id, **new)),
                     lambda: _changes(audits.update_finding(finding.id, **old)), _changes(finding))


def push_deleted(undo: UndoManager, services: Services, finding: Finding) -> None:
    audits = services.audits
    undo.push(finding.audit_id, _("Delete finding"), lambda: audits.delete_finding(finding.id),
              lambda: audits.restore_finding(finding.id))


# ---- widgets ------------------------------------------------------------------------------


class OptionalDateEdit(QWidget):
    """A date that may be missing: a check box and a date field ("no date" while unchecked)."""

    changed = Signal()

    def __init__(self, none_text: str, default: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._default = default
        self.check = QCheckBox(self)
        self.date_edit = QDateEdit(self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMinimumDate(_NO_DATE)
        self.date_edit.setSpecialValueText(none_text)
        self.date_edit.setDisplayFormat("dd.MM.yyyy")
        self.date_edit.setMinimumWidth(self.date_edit.fontMetrics().horizontalAdvance(none_text + "  00") + 40)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.check)
        layout.addWidget(self.date_edit)
        layout.addStretch(1)
        self.check.toggled.connect(self._on_check_toggled)
        self.date_edit.dateChanged.connect(self._on_date_edit_date_changed)
        self.set_value(None)

    def _on_date_edit_date_changed(self, _value: QDate) -> None:
        emit(self.changed)

    def set_tooltip(self, text: str) -> None:
        self.check.setToolTip(text)

    def value(self) -> date | None:
        if not self.check.isChecked() or self.date_edit.date() == _NO_DATE:
            return None
        return self.date_edit.date().toPython()

    def set_value(self, value: date | None) -> None:
        blocked = self.check.blockSignals(True)
        try:
            self.check.setChecked(value is not None)
        finally:
            self.check.blockSignals(blocked)
        self.date_edit.setEnabled(value is not None and self.isEnabled())
        self.date_edit.setDate(QDate(value) if value is not None else _NO_DATE)

    def set_read_only(self, read_only: bool) -> None:
        self.check.setEnabled(not read_only)
        self.date_edit.setReadOnly(read_only)

    def _on_check_toggled(self, checked: bool) -> None:
        self.date_edit.setEnabled(checked)
        self.date_edit.setDate(QDate(self._default()) if checked else _NO_DATE)
        if checked:
            self.date_edit.setFocus(Qt.FocusReason.OtherFocusReason)


def _text_edit(parent: QWidget, lines: int, placeholder: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    height = edit.fontMetrics().lineSpacing() * lines + 14
    edit.setMinimumHeight(height)
    return edit


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setHorizontalSpacing(10)
    form.setVerticalSpacing(7)
    form.setContentsMargins(10, 12, 10, 10)
    return form


# ---- the dialog ---------------------------------------------------------------------------


class FindingDialog(WritingDialog):
    """Create (``finding`` None) or edit a finding; ``result_value`` is the stored finding."""

    saved = Signal(object)

    def __init__(self, services: Services, worker: DbWorker, undo: UndoManager, target: FindingTarget,
                 finding: Finding | None = None, parent: QWidget | None = None) -> None:
        super().__init__(worker, parent)
        self._services = services
        self._undo = undo
        self.target = target
        self.finding = finding
        self.setObjectName("finding_dialog")
        self.setWindowTitle(_("Edit finding") if finding else _("Record finding"))
        self.setMinimumSize(900, 600)
        self.resize(1000, 680)
        self._build()
        self._load(self._start_values())
        self._connect_signals()
        self._apply_read_only()
        self._update_state()

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 12)
        outer.setSpacing(10)

        self.add_heading(outer)

        columns = QHBoxLayout()
        columns.setSpacing(14)

        # ---- left: the finding
        self.finding_box = QGroupBox(_("Finding"), self)
        form = _form(self.finding_box)
        self.class_combo = QComboBox(self.finding_box)
        for cls in CLASS_ORDER:
            self.class_combo.addItem(class_icon(cls), labels.finding_class(cls), cls)
        self.reference_edit = QLineEdit(self.finding_box)
        self.reference_edit.setPlaceholderText(_("e.g. ISO 14001:2015 8.1"))
        self.statement_edit = _text_edit(self.finding_box, 5, _("What does not conform, or what did you find?"))
        self.evidence_edit = _text_edit(self.finding_box, 4, _("What you saw, read or were told: documents, "
                                                               "records, places, people (by role)."))
        form.addRow(_("Class:"), self.class_combo)
        form.addRow(_("Requirement:"), self.reference_edit)
        form.addRow(_("Statement:"), self.statement_edit)
        form.addRow(_("Objective evidence:"), self.evidence_edit)
        self.statement_hint = QLabel(self.finding_box)
        self.statement_hint.setObjectName("statement_hint")
        self.statement_hint.setWordWrap(True)
        self.statement_hint.setStyleSheet(f"color: {style.ERROR_TEXT};")
        form.addRow("", self.statement_hint)
        # its photos and documents (once the finding is saved: a new one has no id to link to yet)
        self.evidence_strip = EvidenceStrip(self.finding_box)
        self.evidence_hint = QLabel(_("Photos and documents can be added once the finding is saved."),
                                    self.finding_box)
        self.evidence_hint.setWordWrap(True)
        self.evidence_hint.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.evidence_hint.setVisible(False)
        form.addRow(self.evidence_strip)
        form.addRow(self.evidence_hint)
        columns.addWidget(self.finding_box, 1)

        # ---- right: what is done about it
        right = QVBoxLayout()
        right.setSpacing(10)
        self.action_box = QGroupBox(_("Corrective action"), self)
        form = _form(self.action_box)
        self.correction_edit = _text_edit(self.action_box, 2, _("What was done at once about the nonconformity "
                                                                "and its consequences?"))
        self.cause_edit = _text_edit(self.action_box, 2, _("Why did it happen (e.g. 5 Whys)?"))
        self.action_edit = _text_edit(self.action_box, 2, _("What removes the cause, so that it does not "
                                                            "happen again?"))
        self.owner_edit = QLineEdit(self.action_box)
        self.owner_edit.setPlaceholderText(_("Name or role"))
        self.due_edit = OptionalDateEdit(_("no due date"), lambda: date.today() + timedelta(days=DEFAULT_DUE_DAYS),
                                         self.action_box)
        self.due_edit.set_tooltip(_("Set a due date"))
        self.status_combo = QComboBox(self.action_box)
        for status in ActionStatus:
            self.status_combo.addItem(labels.action_status(status), status)
        due_row = QHBoxLayout()
        due_row.setSpacing(10)
        due_row.addWidget(self.due_edit)
        due_row.addStretch(1)
        self.status_label = QLabel(_("Status:"), self.action_box)
        due_row.addWidget(self.status_label)
        due_row.addWidget(self.status_combo)
        form.addRow(_("Correction:"), self.correction_edit)
        form.addRow(_("Root cause:"), self.cause_edit)
        form.addRow(_("Corrective action:"), self.action_edit)
        form.addRow(_("Owner:"), self.owner_edit)
        form.addRow(_("Due:"), due_row)
        right.addWidget(self.action_box, 5)

        self.verification_box = QGroupBox(_("Verification of effectiveness"), self)
        form = _form(self.verification_box)
        self.verified_on_edit = OptionalDateEdit(_("not yet"), date.today, self.verification_box)
        self.verified_on_edit.set_tooltip(_("Set the date of verification"))
        self.verified_by_edit = QLineEdit(self.verification_box)
        self.verified_by_edit.setPlaceholderText(_("Name"))
        verified_row = QHBoxLayout()
        verified_row.setSpacing(10)
        verified_row.addWidget(self.verified_on_edit)
        self.verified_by_label = QLabel(_("by:"), self.verification_box)
        verified_row.addWidget(self.verified_by_label)
        verified_row.addWidget(self.verified_by_edit, 1)
        self.result_edit = _text_edit(self.verification_box, 2, _("Effective? What shows it? Not effective: "
                                                                 "back to the root cause."))
        form.addRow(_("Verified on:"), verified_row)
        form.addRow(_("Result:"), self.result_edit)
        self.result_edit.setMaximumHeight(self.result_edit.fontMetrics().lineSpacing() * 5 + 14)
        right.addWidget(self.verification_box, 2)
        columns.addLayout(right, 1)
        outer.addLayout(columns, 1)

        outer.addWidget(self.error_label)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.save_button.setText(_("Save"))
        self.save_button.setToolTip(_("Save (Ctrl+Enter)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        outer.addWidget(self.buttons)
        self._save_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        self._save_shortcut_enter = QShortcut(QKeySequence("Ctrl+Enter"), self)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._save_shortcut.activated.connect(self.save)
        self._save_shortcut_enter.activated.connect(self.save)
        self.class_combo.currentIndexChanged.connect(self._on_field_changed)
        self.statement_edit.textChanged.connect(self._on_field_changed)
        self.status_combo.currentIndexChanged.connect(self._on_status_combo_changed)

    @property
    def save_button(self) -> Any:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def attach_evidence(self, ui: Any) -> None:
        """Show the finding's photos and documents (an EvidenceUi of the window); files dropped onto
        the dialog are linked to the finding. Only for a saved finding of the audit that is open."""
        if self.finding is None:
            self.evidence_hint.setVisible(True)
            return
        if ui.audit_id != self.finding.audit_id:
            return
        self.evidence_strip.attach(ui)
        self.evidence_strip.watch_drops(self, self.statement_edit, self.evidence_edit)
        self.evidence_strip.set_target(Target.finding(self.finding.id))

    # ---- values -------------------------------------------------------------------------

    def _start_values(self) -> dict[str, Any]:
        if self.finding is not None:
            return {name: getattr(self.finding, name) for name in FINDING_PART + FOLLOW_UP}
        values: dict[str, Any] = {"finding_class": FindingClass.MINOR_NC, "status": ActionStatus.OPEN}
        values.update(self.target.prefill)
        return values

    def _load(self, values: dict[str, Any]) -> None:
        cls = FindingClass(values.get("finding_class") or FindingClass.MINOR_NC)
        self.class_combo.setCurrentIndex(max(self.class_combo.findData(cls), 0))
        self.reference_edit.setText(values.get("requirement_ref") or "")
        self.statement_edit.setPlainText(values.get("statement") or "")
        self.evidence_edit.setPlainText(values.get("objective_evidence") or "")
        self.correction_edit.setPlainText(values.get("correction") or "")
        self.cause_edit.setPlainText(values.get("root_cause") or "")
        self.action_edit.setPlainText(values.get("corrective_action") or "")
        self.owner_edit.setText(values.get("owner") or "")
        self.due_edit.set_value(values.get("due_date"))
        status = ActionStatus(values.get("status") or ActionStatus.OPEN)
        self.status_combo.setCurrentIndex(max(self.status_combo.findData(status), 0))
        self.verified_on_edit.set_value(values.get("verified_on"))
        self.verified_by_edit.setText(values.get("verified_by") or "")
        self.result_edit.setPlainText(values.get("verification_result") or "")
        target = self.target
        if target.item_title:
            self.heading.setText(target.item_title)
        else:
            self.heading.setText(_("Finding without a checklist item"))

    def values(self) -> dict[str, Any]:
        """Every field as the service takes it (texts stripped, missing dates None)."""
        return {
            "finding_class": FindingClass(self.class_combo.currentData()),
            "requirement_ref": self.reference_edit.text().strip(),
            "statement": self.statement_edit.toPlainText().strip(),
            "objective_evidence": self.evidence_edit.toPlainText().strip(),
            "correction": self.correction_edit.toPlainText().strip(),
            "root_cause": self.cause_edit.toPlainText().strip(),
            "corrective_action": self.action_edit.toPlainText().strip(),
            "owner": self.owner_edit.text().strip(),
            "due_date": self.due_edit.value(),
            "status": ActionStatus(self.status_combo.currentData()),
            "verified_on": self.verified_on_edit.value(),
            "verified_by": self.verified_by_edit.text().strip(),
            "verification_result": self.result_edit.toPlainText().strip(),
        }

    def changed_values(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(old, new) of the fields the user changed (editing only)."""
        assert self.finding is not None
        new = self.values()
        if self.target.closed:
            new = {k: v for k, v in new.items() if k in FOLLOW_UP}
        old = {k: getattr(self.finding, k) for k in new}
        changed = [k for k in new if new[k] != old[k]]
        return {k: old[k] for k in changed}, {k: new[k] for k in changed}

    # ---- state --------------------------------------------------------------------------

    def _apply_read_only(self) -> None:
        closed = self.target.closed
        self.class_combo.setEnabled(not closed)
        for edit in (self.reference_edit, self.statement_edit, self.evidence_edit):
            edit.setReadOnly(closed)
            if closed:
                edit.setPlaceholderText("")
                edit.setStyleSheet("background: #f1f3f4; color: #3c4043;")
                edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        first = self.correction_edit if closed else self.statement_edit
        first.setFocus(Qt.FocusReason.OtherFocusReason)
        if closed:
            self.notice.setText(_("The audit is closed: the finding is part of the signed report and cannot be "
                                  "changed. The corrective action and its verification can still be recorded."))
            self.notice.setVisible(True)
            self.finding_box.setTitle(_("Finding (signed, read-only)"))

    def statement_problem(self) -> str:
        """Why the finding cannot be saved as it is (empty: it can)."""
        cls = FindingClass(self.class_combo.currentData())
        if cls in NONCONFORMITIES and not self.statement_edit.toPlainText().strip():
            return _("A nonconformity needs a statement of what does not conform.")
        return ""

    def _update_state(self) -> None:
        problem = "" if self.target.closed else self.statement_problem()
        self.statement_hint.setText(problem)
        self.statement_hint.setVisible(bool(problem))
        self.save_button.setEnabled(not problem and not self._busy)
        cls = FindingClass(self.class_combo.currentData())
        needs = cls in NONCONFORMITIES
        self.action_box.setTitle(_("Corrective action") if needs
                                 else _("Corrective action (optional for this class)"))

    def _on_field_changed(self, *_args: Any) -> None:
        self._update_state()
        self.show_error("")

    def _on_status_combo_changed(self, _index: int) -> None:
        if ActionStatus(self.status_combo.currentData()) is ActionStatus.VERIFIED \
                and self.verified_on_edit.value() is None:
            self.verified_on_edit.set_value(date.today())
            if not self.verified_by_edit.text().strip():
                self.verified_by_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.show_error("")

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self._update_state()

    # ---- saving -------------------------------------------------------------------------

    def save(self) -> None:
        if self._busy or not self.save_button.isEnabled():
            return
        self.show_error("")
        audits = self._services.audits
        target = self.target
        if self.finding is None:
            values = self.values()
            cls = values.pop("finding_class")
            statement = values.pop("statement")
            ref = values.pop("requirement_ref")
            item_key = target.item_key

            def write() -> Finding:
                return audits.add_finding(target.audit_id, cls, statement, item_key=item_key,
                                          requirement_ref=ref, **values)

            self.submit_write(write, self._on_recorded)
            return
        old, new = self.changed_values()
        if not new:
            self.result_value = self.finding
            self.accept()
            return
        finding_id = self.finding.id

        def update() -> Finding:
            return audits.update_finding(finding_id, **new)

        self.submit_write(update, lambda f: self._on_edited(f, old, new))

    def _on_recorded(self, finding: Finding) -> None:
        push_recorded(self._undo, self._services, finding)
        self._finish(finding)

    def _on_edited(self, finding: Finding, old: dict[str, Any], new: dict[str, Any]) -> None:
        push_edited(self._undo, self._services, finding, old, new)
        self._finish(finding)

    def _finish(self, finding: Finding) -> None:
        self.result_value = finding
        emit(self.saved, finding)
        self.accept()
