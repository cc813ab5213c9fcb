"""Sign and close an audit: the lead auditor and the organisation's representative sign on screen
(mouse, pen or finger) or by typed name. If anything is still missing, the dialog lists it instead.

The rule: the lead auditor must sign. The organisation's representative should sign too; if
nobody signs for the organisation, their name stays empty and only the lead auditor's signature
is stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.domain.audit import AuditDetail, Signer
from oekoaudit.domain.lifecycle import CloseProblem, ProblemKind
from oekoaudit.i18n import N_, _, ngettext
from oekoaudit.services import Services
from oekoaudit.ui import style
from oekoaudit.ui.dialogs.base import WritingDialog
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import DbWorker
from oekoaudit.ui.views.overview_view import format_date
from oekoaudit.ui.widgets.signature_pad import SignaturePad

ProblemRole = Qt.ItemDataRole.UserRole + 1

_FIELD_NAMES = {"lead_auditor": N_("lead auditor"), "scope": N_("scope"), "start_date": N_("start date")}
_KIND_ORDER = (ProblemKind.FIELD_EMPTY, ProblemKind.ITEM_OPEN, ProblemKind.CARRIED_UNCONFIRMED,
               ProblemKind.MAJOR_WITHOUT_FINDING, ProblemKind.FINDING_INCOMPLETE)
_KIND_HEADINGS = {
    ProblemKind.FIELD_EMPTY: N_("Audit plan"),
    ProblemKind.ITEM_OPEN: N_("Items not yet assessed"),
    ProblemKind.CARRIED_UNCONFIRMED: N_("Carried-over answers not yet confirmed"),
    ProblemKind.MAJOR_WITHOUT_FINDING: N_("Major nonconformities without a finding"),
    ProblemKind.FINDING_INCOMPLETE: N_("Findings without a statement"),
}


def problem_text(problem: CloseProblem, detail: AuditDetail) -> str:
    """One close problem as a line the auditor understands."""
    lang = i18n.get_language()
    if problem.kind is ProblemKind.FIELD_EMPTY:
        name = _(_FIELD_NAMES[problem.subject]) if problem.subject in _FIELD_NAMES else problem.subject
        return _("The {field} is not filled in.").format(field=name)
    if problem.kind in (ProblemKind.ITEM_OPEN, ProblemKind.MAJOR_WITHOUT_FINDING):
        item = detail.checklist.item(problem.subject)
        return f"{item.ref}  {item.title.get(lang)}" if item is not None else problem.subject
    finding = next((f for f in detail.findings if f.id == problem.subject), None)
    if finding is not None:
        return _("Nonconformity at {reference}").format(reference=finding.requirement_ref or finding.id[:8])
    return problem.subject[:8]


class SignerBlock(QGroupBox):
    """Name, role and the drawn signature of one signer (or "typed name only")."""

    def __init__(self, title: str, name: str, role: str, optional: bool, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.optional = optional
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        self.name_edit = QLineEdit(name, self)
        self.name_edit.setMaxLength(200)
        if optional:
            self.name_edit.setPlaceholderText(_("empty: nobody signs for the organisation"))
        self.role_edit = QLineEdit(role, self)
        self.role_edit.setMaxLength(64)
        form.addRow(_("Name") + ":", self.name_edit)
        form.addRow(_("Role") + ":", self.role_edit)
        self.pad = SignaturePad(self)
        self.clear_button = QPushButton(_("Clear"), self)
        self.typed_check = QCheckBox(_("Typed name only (no drawn signature)"), self)
        row = QHBoxLayout()
        row.addWidget(self.typed_check, 1)
        row.addWidget(self.clear_button)
        layout.addLayout(form)
        layout.addWidget(self.pad)
        layout.addLayout(row)
        self.clear_button.clicked.connect(self.pad.clear)
        self.typed_check.toggled.connect(self._on_typed_check_toggled)
        self.pad.changed.connect(self._update)
        self._update()

    def _on_typed_check_toggled(self, typed: bool) -> None:
        if typed:
            self.pad.clear()
        self.pad.setEnabled(not typed)
        self._update()

    def _update(self) -> None:
        self.clear_button.setEnabled(not self.pad.is_empty() and self.pad.isEnabled())

    @property
    def name(self) -> str:
        return " ".join(self.name_edit.text().split())

    @property
    def role(self) -> str:
        return " ".join(self.role_edit.text().split())

    def problem(self) -> str | None:
        """Why this block cannot be signed as it is (None: fine)."""
        if not self.name:
            if self.optional and self.pad.is_empty():
                return None
            return _("{who}: the name is missing.").format(who=self.title())
        if not self.role:
            return _("{who}: the role is missing.").format(who=self.title())
        if self.pad.is_empty() and not self.typed_check.isChecked():
            return _("{who}: sign on the pad, or tick “Typed name only”.").format(who=self.title())
        return None

    def signer(self, place: str) -> Signer | None:
        if not self.name:
            return None
        image = None if self.typed_check.isChecked() else self.pad.to_png()
        return Signer(name=self.name, role=self.role, place=place, image_png=image)


class SignDialog(WritingDialog):
    """On success ``result_value`` is the list of :class:`~oekoaudit.domain.audit.Signature`."""

    #: the user chose a problem to go to (CloseProblem); the dialog closes
    problem_chosen = Signal(object)

    def __init__(self, services: Services, worker: DbWorker, detail: AuditDetail, problems: list[CloseProblem],
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, parent)
        self._services = services
        self._detail = detail
        self.problems = list(problems)
        self.setObjectName("sign_dialog")
        self.setWindowTitle(_("Sign and close the audit"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        heading = QLabel(self)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        heading.setFont(font)
        heading.setStyleSheet(f"color: {style.ACCENT};")
        layout.addWidget(heading)
        self.problem_list: QListWidget | None = None
        self.lead: SignerBlock | None = None
        self.representative: SignerBlock | None = None
        self.place_edit: QLineEdit | None = None
        if self.problems:
            heading.setText(_("The audit cannot be signed yet"))
            self._build_problems(layout)
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
            self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
            self.buttons.rejected.connect(self.reject)
        else:
            heading.setText(_("Sign and close the audit"))
            self._build_signing(layout)
            self.buttons = QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
            self.ok_button.setText(_("Sign and close"))
            self.ok_button.setStyleSheet(style.primary_button_style())
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
            self.buttons.accepted.connect(self._on_buttons_accepted)
            self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    @property
    def ok_button(self) -> Any:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    # ---- what is missing ----------------------------------------------------------------

    def _build_problems(self, layout: QVBoxLayout) -> None:
        self.setMinimumWidth(600)
        count = len(self.problems)
        intro = QLabel(ngettext(
            "One thing is missing before the audit can be signed and closed:",
            "{n} things are missing before the audit can be signed and closed:", count).format(n=count), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.problem_list = QListWidget(self)
        self.problem_list.setObjectName("problem_list")
        self.problem_list.setAlternatingRowColors(True)
        self.problem_list.setMinimumHeight(260)
        bold = QFont(self.problem_list.font())
        bold.setBold(True)
        for kind in _KIND_ORDER:
            of_kind = [p for p in self.problems if p.kind is kind]
            if not of_kind:
                continue
            heading = QListWidgetItem(f"{_(_KIND_HEADINGS[kind])} ({len(of_kind)})")
            heading.setFont(bold)
            heading.setFlags(Qt.ItemFlag.NoItemFlags)
            heading.setForeground(Qt.GlobalColor.black)
            self.problem_list.addItem(heading)
            for problem in of_kind:
                item = QListWidgetItem("    " + problem_text(problem, self._detail))
                item.setData(ProblemRole, problem)
                self.problem_list.addItem(item)
        layout.addWidget(self.problem_list, 1)
        hint = QLabel(_("Double-click an entry to go there. Then open “Sign and close…” again."), self)
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {style.MUTED_TEXT};")
        layout.addWidget(hint)
        self.problem_list.itemActivated.connect(self._on_problem_list_item_activated)

    def _on_problem_list_item_activated(self, item: QListWidgetItem) -> None:
        problem = item.data(ProblemRole)
        if problem is not None:
            emit(self.problem_chosen, problem)
            self.reject()

    # ---- signing ------------------------------------------------------------------------

    def _build_signing(self, layout: QVBoxLayout) -> None:
        self.setMinimumWidth(860)
        audit = self._detail.audit
        intro = QLabel(_("With the signatures the audit is closed: answers, findings and the audit plan can no "
                         "longer be changed; only the follow-up of corrective actions stays open. A closed audit "
                         "can be reopened with a reason; its signatures then lapse."), self)
        intro.setWordWrap(True)
        rule = QLabel(_("The lead auditor must sign. The organisation's representative should sign too "
                        "(recommended); if nobody signs for the organisation, leave that name empty. "
                        "Sign with the mouse, a pen or a finger – or tick “Typed name only”."), self)
        rule.setWordWrap(True)
        rule.setStyleSheet(f"color: {style.MUTED_TEXT};")
        layout.addWidget(intro)
        layout.addWidget(rule)

        common = QHBoxLayout()
        common.setSpacing(8)
        self.place_edit = QLineEdit(audit.site_name, self)
        self.place_edit.setObjectName("place_edit")
        self.place_edit.setMaxLength(200)
        self.place_edit.setPlaceholderText(_("e.g. Kassel"))
        place_label = QLabel(_("Place") + ":", self)
        place_label.setBuddy(self.place_edit)
        self.date_label = QLabel(_("Date: {date}").format(date=format_date(date.today())), self)
        common.addWidget(place_label)
        common.addWidget(self.place_edit, 2)
        common.addSpacing(24)
        common.addWidget(self.date_label)
        common.addStretch(1)
        layout.addLayout(common)

        blocks = QHBoxLayout()
        blocks.setSpacing(12)
        self.lead = SignerBlock(_("Lead auditor"), audit.lead_auditor, _("Lead auditor"), optional=False,
                                parent=self)
        self.lead.setObjectName("lead_block")
        self.representative = SignerBlock(_("Representative of the organisation"), "",
                                          _("Representative of the organisation"), optional=True, parent=self)
        self.representative.setObjectName("representative_block")
        blocks.addWidget(self.lead, 1)
        blocks.addWidget(self.representative, 1)
        layout.addLayout(blocks)

    def signers(self) -> list[Signer]:
        assert self.lead is not None and self.representative is not None and self.place_edit is not None
        place = " ".join(self.place_edit.text().split())
        return [s for s in (self.lead.signer(place), self.representative.signer(place)) if s is not None]

    def validate(self) -> bool:
        assert self.lead is not None and self.representative is not None
        for block in (self.lead, self.representative):
            problem = block.problem()
            if problem is not None:
                self.show_error(problem)
                (block.pad if block.name else block.name_edit).setFocus()
                return False
        return True

    def _on_buttons_accepted(self) -> None:
        self.show_error("")
        if not self.validate():
            return
        signers = self.signers()
        audits = self._services.audits
        audit_id = self._detail.audit.id
        self.submit_write(lambda: audits.sign_and_close(audit_id, signers))
