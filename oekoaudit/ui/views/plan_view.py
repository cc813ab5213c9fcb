"""The audit plan (ISO 19011 6.3.2): title, kind, dates and places, lead auditor, objectives, scope,
criteria, the audit team and the people met on site.

There is no "Save": a field is written when it loses the focus or after a short pause in typing,
each change as one step of the undo history ("Change scope"). A change the service refuses (an end
before the start) is shown, and the field goes back to what the store holds. A closed audit's
plan is read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.domain.audit import Audit, AuditDetail, AuditKind, Participant, TeamMember, TeamRole
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import N_, _, describe
from oekoaudit.services import Services, labels
from oekoaudit.ui import style
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.undo import UndoManager

#: Typing pauses this long before the field is written.
PLAN_IDLE_MS = 800
#: Merge id of plan edits: consecutive changes of the same field are one undo step.
MERGE_PLAN = 2

FIELDS = ("title", "kind", "start_date", "end_date", "location", "lead_auditor", "objectives", "scope",
          "criteria", "team", "people_met")

#: The undo history's text of a change, per field.
UNDO_TEXTS = {
    "title": N_("Change title"),
    "kind": N_("Change audit kind"),
    "start_date": N_("Change start date"),
    "end_date": N_("Change end date"),
    "location": N_("Change places"),
    "lead_auditor": N_("Change lead auditor"),
    "objectives": N_("Change objectives"),
    "scope": N_("Change scope"),
    "criteria": N_("Change audit criteria"),
    "team": N_("Change audit team"),
    "people_met": N_("Change people met"),
}


def _to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def stored_values(audit: Audit) -> dict[str, Any]:
    """The plan's fields as the view compares them (the service's normal form)."""
    return {
        "title": audit.title,
        "kind": audit.kind,
        "start_date": audit.start_date,
        "end_date": audit.end_date,
        "location": audit.location,
        "lead_auditor": audit.lead_auditor,
        "objectives": audit.objectives,
        "scope": audit.scope,
        "criteria": audit.criteria,
        "team": tuple(audit.team),
        "people_met": tuple(audit.people_met),
    }


class PlanTextEdit(QPlainTextEdit):
    """A multi-line plan field that tells when the focus leaves it."""

    focus_left = Signal()

    def __init__(self, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        spacing = self.fontMetrics().lineSpacing()
        self.setMinimumHeight(spacing * lines + 14)
        self.setMaximumHeight(spacing * (lines * 2) + 14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        emit(self.focus_left)


def _tagged(fn: Callable[[], Any], field: str) -> Callable[[], Any]:
    """``fn``, whose refusal names the plan field it concerned (so the plan view can show it)."""

    def run() -> Any:
        try:
            return fn()
        except OekoauditError as exc:
            exc.plan_field = field  # type: ignore[attr-defined]
            raise

    return run


class PlanView(QScrollArea):
    #: a short message for the status bar
    message = Signal(str)

    def __init__(self, services: Services, undo: UndoManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._undo = undo
        self._detail: AuditDetail | None = None
        self._stored: dict[str, Any] = {}
        self._dirty: set[str] = set()
        self._filling = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PLAN_IDLE_MS)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._build()
        self._connect_signals()
        self.set_detail(None)

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        page = QWidget(self)
        page.setObjectName("plan_page")
        page.setStyleSheet("QLineEdit[readOnly=\"true\"], QPlainTextEdit[readOnly=\"true\"]"
                           " { background: #f4f5f6; color: #3c4043; }")
        outer = QVBoxLayout(page)
        outer.setContentsMargins(18, 14, 18, 14)
        outer.setSpacing(10)

        heading = QLabel(_("Audit plan"), page)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        heading.setStyleSheet(f"color: {style.ACCENT};")
        self.hint_label = QLabel(page)
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.error_label = QLabel(page)
        self.error_label.setObjectName("plan_error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {style.ERROR_TEXT}; font-weight: bold;")
        self.error_label.setVisible(False)
        outer.addWidget(heading)
        outer.addWidget(self.hint_label)
        outer.addWidget(self.error_label)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        # ---- the audit: title, kind, dates, places, lead
        facts_box = QGroupBox(_("Audit"), page)
        facts = QFormLayout(facts_box)
        facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        facts.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        facts.setHorizontalSpacing(12)
        facts.setVerticalSpacing(8)
        self.title_edit = QLineEdit(facts_box)
        self.title_edit.setObjectName("plan_title")
        self.title_edit.setMaxLength(300)
        self.title_edit.setPlaceholderText(_("e.g. Surveillance audit 2026 (optional)"))
        self.kind_combo = QComboBox(facts_box)
        self.kind_combo.setObjectName("plan_kind")
        for kind in AuditKind:
            self.kind_combo.addItem(labels.kind(kind), kind.value)
        date_format = "dd.MM.yyyy" if i18n.get_language() == "de" else "yyyy-MM-dd"
        self.start_edit = QDateEdit(facts_box)
        self.start_edit.setObjectName("plan_start_date")
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat(date_format)
        self.end_check = QCheckBox(_("until"), facts_box)
        self.end_check.setObjectName("plan_end_check")
        self.end_check.setToolTip(_("Tick for an audit over several days, then choose the last day."))
        self.end_edit = QDateEdit(facts_box)
        self.end_edit.setObjectName("plan_end_date")
        self.end_edit.setCalendarPopup(True)
        self.end_edit.setDisplayFormat(date_format)
        dates = QHBoxLayout()
        dates.setSpacing(8)
        dates.addWidget(self.start_edit)
        dates.addSpacing(6)
        dates.addWidget(self.end_check)
        dates.addWidget(self.end_edit)
        dates.addStretch(1)
        self.location_edit = QLineEdit(facts_box)
        self.location_edit.setObjectName("plan_location")
        self.location_edit.setPlaceholderText(_("e.g. production hall, boiler room, waste yard"))
        self.lead_edit = QLineEdit(facts_box)
        self.lead_edit.setObjectName("plan_lead_auditor")
        self.lead_edit.setMaxLength(200)
        facts.addRow(_("Title") + ":", self.title_edit)
        facts.addRow(_("Kind of audit") + ":", self.kind_combo)
        facts.addRow(_("Date") + ":", dates)
        facts.addRow(_("Places") + ":", self.location_edit)
        facts.addRow(_("Lead auditor") + ":", self.lead_edit)
        grid.addWidget(facts_box, 0, 0)

        # ---- objectives, scope, criteria
        texts_box = QGroupBox(_("Objectives, scope and criteria"), page)
        texts = QVBoxLayout(texts_box)
        texts.setSpacing(4)
        self.objectives_edit = PlanTextEdit(4, texts_box)
        self.objectives_edit.setObjectName("plan_objectives")
        self.objectives_edit.setPlaceholderText(_("What the audit is to find out, e.g. conformity with "
                                                  "ISO 14001 and readiness for certification"))
        self.scope_edit = PlanTextEdit(4, texts_box)
        self.scope_edit.setObjectName("plan_scope")
        self.scope_edit.setPlaceholderText(_("Organisational units, processes, sites and time covered"))
        self.criteria_edit = PlanTextEdit(4, texts_box)
        self.criteria_edit.setObjectName("plan_criteria")
        self.criteria_edit.setPlaceholderText(_("Requirements audited against, e.g. ISO 14001:2015, permits, "
                                                "the environmental policy"))
        for label, edit in ((_("Objectives"), self.objectives_edit), (_("Scope"), self.scope_edit),
                            (_("Audit criteria"), self.criteria_edit)):
            caption = QLabel(label, texts_box)
            caption.setStyleSheet("font-weight: bold;")
            caption.setBuddy(edit)
            texts.addWidget(caption)
            texts.addWidget(edit, 1)
            texts.addSpacing(4)
        texts.addStretch(1)
        grid.addWidget(texts_box, 0, 1, 3, 1)

        # ---- the team
        team_box = QGroupBox(_("Audit team"), page)
        team_layout = QVBoxLayout(team_box)
        team_hint = QLabel(_("Besides the lead auditor: auditors, technical experts, observers, guides."),
                           team_box)
        team_hint.setWordWrap(True)
        team_hint.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.team_table = self._make_table(team_box, "team_table", [_("Name"), _("Role")])
        self.team_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.team_table.horizontalHeader().resizeSection(1, self._role_width())
        self.add_member_button = QPushButton(_("Add person"), team_box)
        self.add_member_button.setObjectName("add_member_button")
        self.remove_member_button = QPushButton(_("Remove"), team_box)
        self.remove_member_button.setObjectName("remove_member_button")
        team_layout.addWidget(team_hint)
        team_layout.addWidget(self.team_table, 1)
        team_layout.addLayout(self._button_row(self.add_member_button, self.remove_member_button))
        grid.addWidget(team_box, 1, 0)

        # ---- the people met
        people_box = QGroupBox(_("People met on site"), page)
        people_layout = QVBoxLayout(people_box)
        people_hint = QLabel(_("Whom you spoke to at the organisation, with their function."), people_box)
        people_hint.setWordWrap(True)
        people_hint.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.people_table = self._make_table(people_box, "people_table", [_("Name"), _("Function")])
        self.people_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.add_person_button = QPushButton(_("Add person"), people_box)
        self.add_person_button.setObjectName("add_person_button")
        self.remove_person_button = QPushButton(_("Remove"), people_box)
        self.remove_person_button.setObjectName("remove_person_button")
        people_layout.addWidget(people_hint)
        people_layout.addWidget(self.people_table, 1)
        people_layout.addLayout(self._button_row(self.add_person_button, self.remove_person_button))
        grid.addWidget(people_box, 2, 0)

        outer.addLayout(grid)
        outer.addStretch(1)
        self.setWidget(page)

    def _make_table(self, parent: QWidget, name: str, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers), parent)
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 16)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.EditKeyPressed
                              | QAbstractItemView.EditTrigger.AnyKeyPressed
                              | QAbstractItemView.EditTrigger.SelectedClicked)
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        row_height = table.verticalHeader().defaultSectionSize()
        table.setMinimumHeight(header.sizeHint().height() + 3 * row_height + 4)
        table.setMaximumHeight(header.sizeHint().height() + 4 * row_height + 4)
        return table

    @staticmethod
    def _button_row(*buttons: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(6)
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _role_width(self) -> int:
        metrics = self.fontMetrics()
        return max(metrics.horizontalAdvance(labels.team_role(role)) for role in TeamRole) + 56

    def _connect_signals(self) -> None:
        self._timer.timeout.connect(self._on_timer_timeout)
        for field, edit in self._line_edits().items():
            edit.textEdited.connect(lambda _text, f=field: self._mark_dirty(f))
            edit.editingFinished.connect(lambda f=field: self.commit_field(f))
        for field, edit in self._text_edits().items():
            edit.textChanged.connect(lambda f=field: self._mark_dirty(f))
            edit.focus_left.connect(lambda f=field: self.commit_field(f))
        self.kind_combo.activated.connect(self._on_kind_combo_activated)
        self.start_edit.dateChanged.connect(self._on_start_edit_date_changed)
        self.start_edit.editingFinished.connect(self._on_start_edit_editing_finished)
        self.end_edit.dateChanged.connect(self._on_end_edit_date_changed)
        self.end_edit.editingFinished.connect(self._on_end_edit_editing_finished)
        self.end_check.toggled.connect(self._on_end_check_toggled)
        self.team_table.itemChanged.connect(self._on_team_table_item_changed)
        self.people_table.itemChanged.connect(self._on_people_table_item_changed)
        self.team_table.itemSelectionChanged.connect(self._update_buttons)
        self.people_table.itemSelectionChanged.connect(self._update_buttons)
        self.add_member_button.clicked.connect(self._on_add_member_button_clicked)
        self.remove_member_button.clicked.connect(self._on_remove_member_button_clicked)
        self.add_person_button.clicked.connect(self._on_add_person_button_clicked)
        self.remove_person_button.clicked.connect(self._on_remove_person_button_clicked)
        self._undo.failed.connect(self._on_undo_failed)

    def _line_edits(self) -> dict[str, QLineEdit]:
        return {"title": self.title_edit, "location": self.location_edit, "lead_auditor": self.lead_edit}

    def _text_edits(self) -> dict[str, PlanTextEdit]:
        return {"objectives": self.objectives_edit, "scope": self.scope_edit, "criteria": self.criteria_edit}

    def field_widget(self, field: str) -> QWidget:
        widgets: dict[str, QWidget] = {**self._line_edits(), **self._text_edits(), "kind": self.kind_combo,
                                       "start_date": self.start_edit, "end_date": self.end_edit,
                                       "team": self.team_table, "people_met": self.people_table}
        return widgets[field]

    def focus_field(self, field: str) -> None:
        """Show a field and put the cursor into it (the sign dialog's "what is missing")."""
        widget = self.field_widget(field)
        self.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- state --------------------------------------------------------------------------

    @property
    def audit_id(self) -> str | None:
        return self._detail.audit.id if self._detail else None

    @property
    def read_only(self) -> bool:
        return self._detail is None or self._detail.audit.read_only

    def has_unsaved_changes(self) -> bool:
        return bool(self._dirty)

    def set_detail(self, detail: AuditDetail | None) -> None:
        """Show an audit's plan; the same audit again keeps what is being typed."""
        same = detail is not None and self._detail is not None and detail.audit.id == self._detail.audit.id
        if not same:
            self.commit()
            self._dirty.clear()
        self._detail = detail
        self._filling = True
        try:
            if detail is None:
                self._stored = {}
                for edit in (*self._line_edits().values(), *self._text_edits().values()):
                    edit.clear()
                self.team_table.setRowCount(0)
                self.people_table.setRowCount(0)
            else:
                self._stored = stored_values(detail.audit)
                for field in FIELDS:
                    if field not in self._dirty:
                        self._show_value(field, self._stored[field])
        finally:
            self._filling = False
        if not same:
            self.error_label.setVisible(False)
        self._apply_read_only()

    def _show_value(self, field: str, value: Any) -> None:
        """Put a stored value into its widget (not counted as an edit)."""
        if field in self._line_edits():
            edit = self._line_edits()[field]
            if edit.text() != value:
                edit.setText(value)
                edit.setCursorPosition(0)
        elif field in self._text_edits():
            text_edit = self._text_edits()[field]
            if text_edit.toPlainText() != value:
                with QSignalBlocker(text_edit):
                    text_edit.setPlainText(value)
        elif field == "kind":
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(value.value))
        elif field == "start_date":
            with QSignalBlocker(self.start_edit):
                self.start_edit.setDate(_to_qdate(value or date.today()))
        elif field == "end_date":
            with QSignalBlocker(self.end_check), QSignalBlocker(self.end_edit):
                self.end_check.setChecked(value is not None)
                start = self._stored.get("start_date") or date.today()
                self.end_edit.setDate(_to_qdate(value or start))
            self.end_edit.setEnabled(value is not None and not self.read_only)
        elif field == "team":
            if self._team_value() != value:
                self._fill_team(value)
        elif field == "people_met":
            if self._people_value() != value:
                self._fill_people(value)

    def _apply_read_only(self) -> None:
        read_only = self.read_only
        self.hint_label.setText(
            _("The audit is closed: the plan can be read, not changed.") if read_only and self._detail is not None
            else _("What is audited, against what, when, where and by whom (ISO 19011 6.3.2). "
                   "Every change is saved at once and can be undone."))
        for edit in (*self._line_edits().values(), *self._text_edits().values()):
            if edit.isReadOnly() != read_only:
                edit.setReadOnly(read_only)
                edit.style().unpolish(edit)  # the style sheet greys read-only fields
                edit.style().polish(edit)
        for widget in (self.kind_combo, self.start_edit, self.end_check, self.add_member_button,
                       self.add_person_button):
            widget.setEnabled(not read_only)
        self.end_edit.setEnabled(not read_only and self.end_check.isChecked())
        for table in (self.team_table, self.people_table):
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only else
                                  QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        for row in range(self.team_table.rowCount()):
            combo = self.team_table.cellWidget(row, 1)
            if combo is not None:
                combo.setEnabled(not read_only)
        self._update_buttons()

    def _update_buttons(self) -> None:
        read_only = self.read_only
        self.remove_member_button.setEnabled(not read_only and self.team_table.currentRow() >= 0
                                             and bool(self.team_table.selectedItems()))
        self.remove_person_button.setEnabled(not read_only and self.people_table.currentRow() >= 0
                                             and bool(self.people_table.selectedItems()))

    # ---- reading the widgets ------------------------------------------------------------

    def value(self, field: str) -> Any:
        """What the widget of ``field`` holds, in the service's normal form."""
        if field in ("title", "lead_auditor"):
            return _one_line(self._line_edits()[field].text())
        if field == "location":
            return self.location_edit.text().strip()
        if field in self._text_edits():
            return self._text_edits()[field].toPlainText().strip()
        if field == "kind":
            return AuditKind(self.kind_combo.currentData())
        if field == "start_date":
            return _to_date(self.start_edit.date())
        if field == "end_date":
            return _to_date(self.end_edit.date()) if self.end_check.isChecked() else None
        if field == "team":
            return self._team_value()
        if field == "people_met":
            return self._people_value()
        raise KeyError(field)

    def _team_value(self) -> tuple[TeamMember, ...]:
        members = []
        for row in range(self.team_table.rowCount()):
            item = self.team_table.item(row, 0)
            name = _one_line(item.text()) if item is not None else ""
            combo = self.team_table.cellWidget(row, 1)
            role = TeamRole(combo.currentData()) if isinstance(combo, QComboBox) else TeamRole.AUDITOR
            if name:
                members.append(TeamMember(name, role))
        return tuple(members)

    def _people_value(self) -> tuple[Participant, ...]:
        people = []
        for row in range(self.people_table.rowCount()):
            name_item = self.people_table.item(row, 0)
            function_item = self.people_table.item(row, 1)
            name = _one_line(name_item.text()) if name_item is not None else ""
            function = function_item.text().strip() if function_item is not None else ""
            if name:
                people.append(Participant(name, function))
        return tuple(people)

    # ---- writing ------------------------------------------------------------------------

    def _mark_dirty(self, field: str) -> None:
        if self._filling or self.read_only:
            return
        self._dirty.add(field)
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        self.commit()

    def commit(self) -> None:
        """Write every field with unsaved changes."""
        self._timer.stop()
        for field in FIELDS:
            if field in self._dirty:
                self.commit_field(field)

    def commit_field(self, field: str) -> None:
        """Write one field if it differs from the store: one undo step."""
        self._dirty.discard(field)
        detail = self._detail
        if detail is None or self._filling or self.read_only:
            return
        new = self.value(field)
        old = self._stored.get(field)
        if new == old:
            return
        self._stored[field] = new
        self.error_label.setVisible(False)
        audit_id = detail.audit.id
        audits = self._services.audits
        self._undo.push(
            audit_id, _(UNDO_TEXTS[field]),
            _tagged(lambda: audits.update_plan(audit_id, **{field: new}), field),
            _tagged(lambda: audits.update_plan(audit_id, **{field: old}), field),
            merge=(MERGE_PLAN, (audit_id, field)),
        )

    def _on_undo_failed(self, exc: Any) -> None:
        field = getattr(exc, "plan_field", None)
        if field is None or self._detail is None:
            return
        self.error_label.setText(describe(exc) if isinstance(exc, OekoauditError) else str(exc))
        self.error_label.setVisible(True)
        emit(self.message, self.error_label.text())
        self.reload()
        self.ensureWidgetVisible(self.error_label)

    def reload(self) -> None:
        """Show what the store holds (after a refused change)."""
        if self._detail is None:
            return
        try:
            detail = self._services.audits.detail(self._detail.audit.id)
        except OekoauditError as exc:
            emit(self.message, describe(exc))
            return
        self._dirty.clear()
        self.set_detail(detail)

    # ---- single widgets -----------------------------------------------------------------

    def _on_kind_combo_activated(self, _index: int) -> None:
        self.commit_field("kind")

    def _on_start_edit_date_changed(self, _value: QDate) -> None:
        self._mark_dirty("start_date")

    def _on_start_edit_editing_finished(self) -> None:
        self.commit_field("start_date")

    def _on_end_edit_date_changed(self, _value: QDate) -> None:
        self._mark_dirty("end_date")

    def _on_end_edit_editing_finished(self) -> None:
        self.commit_field("end_date")

    def _on_end_check_toggled(self, checked: bool) -> None:
        if self._filling:
            return
        self.end_edit.setEnabled(checked and not self.read_only)
        if checked:
            with QSignalBlocker(self.end_edit):
                self.end_edit.setDate(self.start_edit.date())
        self.commit_field("end_date")

    # ---- the team -----------------------------------------------------------------------

    def _role_combo(self, role: TeamRole) -> QComboBox:
        combo = QComboBox(self.team_table)
        for value in TeamRole:
            combo.addItem(labels.team_role(value), value.value)
        combo.setCurrentIndex(combo.findData(role.value))
        combo.setEnabled(not self.read_only)
        combo.currentIndexChanged.connect(self._on_role_combo_current_index_changed)
        return combo

    def _fill_team(self, team: tuple[TeamMember, ...]) -> None:
        with QSignalBlocker(self.team_table):
            self.team_table.setRowCount(0)
            for member in team:
                self._append_member(member.name, member.role)
        self._update_buttons()

    def _append_member(self, name: str, role: TeamRole) -> int:
        row = self.team_table.rowCount()
        self.team_table.insertRow(row)
        self.team_table.setItem(row, 0, QTableWidgetItem(name))
        self.team_table.setCellWidget(row, 1, self._role_combo(role))
        return row

    def _on_role_combo_current_index_changed(self, _index: int) -> None:
        if not self._filling:
            self.commit_field("team")

    def _on_team_table_item_changed(self, _item: QTableWidgetItem) -> None:
        if not self._filling:
            self.commit_field("team")

    def _on_add_member_button_clicked(self) -> None:
        self.add_member()

    def add_member(self, name: str = "", role: TeamRole = TeamRole.AUDITOR) -> int:
        """A new row in the team table; with a name it is written at once, else the name is edited."""
        with QSignalBlocker(self.team_table):
            row = self._append_member(name, role)
        self.team_table.setCurrentCell(row, 0)
        if name:
            self.commit_field("team")
        else:
            self.team_table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.team_table.editItem(self.team_table.item(row, 0))
        return row

    def _on_remove_member_button_clicked(self) -> None:
        row = self.team_table.currentRow()
        if row >= 0:
            self.remove_member(row)

    def remove_member(self, row: int) -> None:
        self.team_table.removeRow(row)
        self.commit_field("team")
        self._update_buttons()

    # ---- the people met -----------------------------------------------------------------

    def _fill_people(self, people: tuple[Participant, ...]) -> None:
        with QSignalBlocker(self.people_table):
            self.people_table.setRowCount(0)
            for person in people:
                self._append_person(person.name, person.function)
        self._update_buttons()

    def _append_person(self, name: str, function: str) -> int:
        row = self.people_table.rowCount()
        self.people_table.insertRow(row)
        self.people_table.setItem(row, 0, QTableWidgetItem(name))
        self.people_table.setItem(row, 1, QTableWidgetItem(function))
        return row

    def _on_people_table_item_changed(self, _item: QTableWidgetItem) -> None:
        if not self._filling:
            self.commit_field("people_met")

    def _on_add_person_button_clicked(self) -> None:
        self.add_person()

    def add_person(self, name: str = "", function: str = "") -> int:
        with QSignalBlocker(self.people_table):
            row = self._append_person(name, function)
        self.people_table.setCurrentCell(row, 0)
        if name:
            self.commit_field("people_met")
        else:
            self.people_table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.people_table.editItem(self.people_table.item(row, 0))
        return row

    def _on_remove_person_button_clicked(self) -> None:
        row = self.people_table.currentRow()
        if row >= 0:
            self.remove_person(row)

    def remove_person(self, row: int) -> None:
        self.people_table.removeRow(row)
        self.commit_field("people_met")
        self._update_buttons()
