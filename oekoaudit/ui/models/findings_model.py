"""Findings as a table: one audit's findings, or the open corrective actions of an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont

from oekoaudit import i18n
from oekoaudit.domain.checklist import Rating
from oekoaudit.domain.finding import ActionStatus, Finding, FindingClass, OpenAction
from oekoaudit.i18n import N_, _
from oekoaudit.services import labels
from oekoaudit.ui import style
from oekoaudit.ui.models.rows import AnyIndex, RowsModel

ObjectRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
#: whether the row's corrective action is overdue (bool)
OverdueRole = Qt.ItemDataRole.UserRole + 3

#: Most severe first (the default order and the sort key of the class column).
CLASS_ORDER = (FindingClass.MAJOR_NC, FindingClass.MINOR_NC, FindingClass.OBSERVATION,
               FindingClass.IMPROVEMENT, FindingClass.POSITIVE)

#: The rating whose colour a finding class wears (positive findings wear "conform").
CLASS_RATING: dict[FindingClass, Rating] = {
    FindingClass.MAJOR_NC: Rating.MAJOR_NC,
    FindingClass.MINOR_NC: Rating.MINOR_NC,
    FindingClass.OBSERVATION: Rating.OBSERVATION,
    FindingClass.IMPROVEMENT: Rating.IMPROVEMENT,
    FindingClass.POSITIVE: Rating.CONFORM,
}

OVERDUE_BACKGROUND = "#fdecea"
OVERDUE_TEXT = style.ERROR_TEXT
STATEMENT_TOOLTIP_LIMIT = 600


class Column(IntEnum):
    AUDIT = 0
    CLASS = 1
    REFERENCE = 2
    STATEMENT = 3
    OWNER = 4
    DUE = 5
    STATUS = 6


_HEADERS = {
    Column.AUDIT: N_("Audit"),
    Column.CLASS: N_("Class"),
    Column.REFERENCE: N_("Requirement"),
    Column.STATEMENT: N_("Statement"),
    Column.OWNER: N_("Owner"),
    Column.DUE: N_("Due"),
    Column.STATUS: N_("Status"),
}

#: The columns of one audit's findings, and of the open actions across audits.
FINDING_COLUMNS = (Column.CLASS, Column.REFERENCE, Column.STATEMENT, Column.OWNER, Column.DUE, Column.STATUS)
ACTION_COLUMNS = (Column.AUDIT, Column.REFERENCE, Column.STATEMENT, Column.OWNER, Column.DUE, Column.STATUS)


def format_date(value: date | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d.%m.%Y") if i18n.get_language() == "de" else value.isoformat()


def class_colour(cls: FindingClass) -> QColor | None:
    return style.rating_text_colour(CLASS_RATING.get(cls))


def class_icon(cls: FindingClass) -> Any:
    return style.rating_icon(CLASS_RATING.get(cls))


def one_line(text: str) -> str:
    return " ".join(text.split())


def overdue_text(due: date | None) -> str:
    return _("overdue since {date}").format(date=format_date(due)) if due else ""


@dataclass(frozen=True, slots=True)
class FindingRow:
    finding: Finding
    overdue: bool
    #: where the finding comes from (the open actions list); empty for one audit's findings
    audit_title: str = ""
    audit_date: date | None = None


def _ref_key(ref: str) -> tuple:
    """Sort "ISO 14001:2015 10.2" after "… 9.1.1": numbers compare as numbers."""
    parts: list[tuple[int, Any]] = []
    for token in ref.replace(":", " ").replace(".", " ").split():
        parts.append((0, int(token)) if token.isdigit() else (1, token.lower()))
    return tuple(parts)


class FindingsModel(RowsModel[FindingRow, Column]):
    COLUMNS = Column
    HEADERS = _HEADERS

    def __init__(self, columns: tuple[Column, ...] = FINDING_COLUMNS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = columns

    # ---- loading ------------------------------------------------------------------------

    def set_findings(self, findings: list[Finding] | tuple[Finding, ...], today: date | None = None) -> None:
        today = today or date.today()
        rows = [FindingRow(f, f.is_overdue(today)) for f in findings]
        rows.sort(key=lambda r: (CLASS_ORDER.index(r.finding.finding_class), _ref_key(r.finding.requirement_ref)))
        self.set_rows(rows)

    def set_actions(self, actions: list[OpenAction]) -> None:
        self.set_rows([FindingRow(a.finding, a.overdue, a.audit_title, a.audit_date) for a in actions])

    def overdue_count(self) -> int:
        return sum(1 for r in self._rows if r.overdue)

    def row_of(self, finding_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.finding.id == finding_id), -1)

    # ---- QAbstractTableModel ------------------------------------------------------------

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None:
            return None
        finding = row.finding
        column = self.column_at(index.column())
        if role == ObjectRole:
            return finding
        if role == OverdueRole:
            return row.overdue
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(OVERDUE_BACKGROUND) if row.overdue else None
        if role == Qt.ItemDataRole.ToolTipRole and row.overdue and column is not Column.STATEMENT:
            return overdue_text(finding.due_date)
        return self._cell(row, finding, column, role)

    def _cell(self, row: FindingRow, finding: Finding, column: Column, role: int) -> Any:
        display = role == Qt.ItemDataRole.DisplayRole
        if column is Column.AUDIT:
            if display:
                return row.audit_title
            if role == Qt.ItemDataRole.ToolTipRole:
                when = f" ({format_date(row.audit_date)})" if row.audit_date is not None else ""
                return row.audit_title + when
            if role == SortRole:
                return (row.audit_date or date.min).isoformat() + row.audit_title
        elif column is Column.CLASS:
            if display or role == Qt.ItemDataRole.ToolTipRole:
                return labels.finding_class(finding.finding_class)
            if role == SortRole:
                return CLASS_ORDER.index(finding.finding_class)
            if role == Qt.ItemDataRole.DecorationRole:
                return class_icon(finding.finding_class)
            if role == Qt.ItemDataRole.ForegroundRole:
                return class_colour(finding.finding_class)
        elif column is Column.REFERENCE:
            text = finding.requirement_ref or "–"
            if display or role == Qt.ItemDataRole.ToolTipRole:
                return text
            if role == SortRole:
                return str(_ref_key(finding.requirement_ref))
            if role == Qt.ItemDataRole.DecorationRole and row.audit_title:
                return class_icon(finding.finding_class)
            if role == Qt.ItemDataRole.ForegroundRole and row.audit_title:
                return class_colour(finding.finding_class)
        elif column is Column.STATEMENT:
            if display:
                return one_line(finding.statement) or "–"
            if role == SortRole:
                return finding.statement.lower()
            if role == Qt.ItemDataRole.ToolTipRole:
                text = finding.statement.strip()
                if len(text) > STATEMENT_TOOLTIP_LIMIT:
                    text = text[:STATEMENT_TOOLTIP_LIMIT] + "…"
                if row.overdue:
                    text = f"{text}\n\n{overdue_text(finding.due_date)}"
                return text or None
            if role == Qt.ItemDataRole.ForegroundRole and not finding.statement.strip():
                return QColor(style.MUTED_TEXT)
        elif column is Column.OWNER:
            if display or role == SortRole:
                return finding.owner
        elif column is Column.DUE:
            if display:
                return format_date(finding.due_date)
            if role == SortRole:
                return (finding.due_date or date.max).isoformat()
            if role == Qt.ItemDataRole.ForegroundRole and row.overdue:
                return QColor(OVERDUE_TEXT)
            if role == Qt.ItemDataRole.FontRole and row.overdue:
                font = QFont()
                font.setBold(True)
                return font
        elif column is Column.STATUS:
            if not finding.needs_action:
                if display:
                    return "–"
                if role == Qt.ItemDataRole.ToolTipRole:
                    return _("No corrective action needed.")
                if role == Qt.ItemDataRole.ForegroundRole:
                    return QColor(style.MUTED_TEXT)
                if role == SortRole:
                    return -1
                return None
            if display:
                text = labels.action_status(finding.status)
                return _("{status} – overdue").format(status=text) if row.overdue else text
            if role == SortRole:
                return list(ActionStatus).index(finding.status)
            if role == Qt.ItemDataRole.ForegroundRole:
                if row.overdue:
                    return QColor(OVERDUE_TEXT)
                if finding.status is ActionStatus.VERIFIED:
                    return QColor(style.RATING_TEXT_COLOURS[Rating.CONFORM])
        return None
