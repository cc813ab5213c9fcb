"""The environmental programme as an editable table: one row per measure, one column per field.

The model does not write: an edit of a cell is parsed here (numbers as the user types them,
dates as dd.mm.yyyy) and handed on as ``edit_requested(measure, field, new, old)``; the view
turns it into an undoable command through the service. Until the store has answered, the row
shows the new value (``dataclasses.replace``), so typing never flickers. Text that is not a
number or a date is refused with ``input_refused(message)`` naming the column.

Where a measure gives kWh saved but no t CO2, the model shows the derived value in italics with
its tooltip saying how it was derived (the domain's ``Co2Saving``, supplied by the view).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont

from oekoaudit.domain.programme import PRIORITIES, Co2Origin, Co2Saving, Measure, MeasureStatus, payback
from oekoaudit.i18n import N_, _
from oekoaudit.ui import style
from oekoaudit.ui.models.findings_model import format_date
from oekoaudit.ui.models.rows import AnyIndex, RowsModel
from oekoaudit.ui.numbers import format_decimal, format_quantity, parse_decimal
from oekoaudit.ui.qtcompat import emit

ObjectRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
#: the kind of editor a cell wants (one of the ``EDITOR_…`` names), for the delegate
EditorRole = Qt.ItemDataRole.UserRole + 4

EDITOR_TEXT = "text"
EDITOR_NUMBER = "number"
EDITOR_DATE = "date"
EDITOR_CHOICE = "choice"

STATUS_ORDER = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS, MeasureStatus.DONE, MeasureStatus.DROPPED)
STATUS_LABELS: dict[MeasureStatus, str] = {
    MeasureStatus.PLANNED: N_("planned"),
    MeasureStatus.IN_PROGRESS: N_("in progress"),
    MeasureStatus.DONE: N_("implemented"),
    MeasureStatus.DROPPED: N_("dropped"),
}
STATUS_COLOURS: dict[MeasureStatus, str] = {
    MeasureStatus.PLANNED: style.MUTED_TEXT,
    MeasureStatus.IN_PROGRESS: "#16538c",
    MeasureStatus.DONE: "#1b5e20",
    MeasureStatus.DROPPED: "#8a8f94",
}
PRIORITY_LABELS: dict[int, str] = {1: N_("1 – high"), 2: N_("2 – medium"), 3: N_("3 – low")}
assert tuple(PRIORITY_LABELS) == PRIORITIES
MUTED = "#8a8f94"


def status_label(status: MeasureStatus) -> str:
    return _(STATUS_LABELS[status])


class Column(IntEnum):
    TITLE = 0
    AREA = 1
    OWNER = 2
    STATUS = 3
    PRIORITY = 4
    START = 5
    DUE = 6
    COMPLETED = 7
    INVESTMENT = 8
    SAVINGS_ONCE = 9
    SAVINGS_EUR = 10
    SAVINGS_KWH = 11
    CARRIER = 12
    SAVINGS_M3 = 13
    SAVINGS_T = 14
    SAVINGS_CO2 = 15
    PAYBACK = 16
    FINDINGS = 17
    EVIDENCE = 18


#: numbers and dates have two-line headers (what, then the unit), so that their columns stay narrow
_HEADERS = {
    Column.TITLE: N_("Measure"),
    Column.AREA: N_("Area"),
    Column.OWNER: N_("Responsible"),
    Column.STATUS: N_("Status"),
    Column.PRIORITY: N_("Priority"),
    Column.START: N_("Start"),
    Column.DUE: N_("Due"),
    Column.COMPLETED: N_("Completed"),
    Column.INVESTMENT: N_("Investment\n€"),
    Column.SAVINGS_ONCE: N_("One-off\n€"),
    Column.SAVINGS_EUR: N_("Savings\n€/year"),
    Column.SAVINGS_KWH: N_("Savings\nkWh/year"),
    Column.CARRIER: N_("Energy carrier"),
    Column.SAVINGS_M3: N_("Savings\nm³/year"),
    Column.SAVINGS_T: N_("Savings\nt/year"),
    Column.SAVINGS_CO2: N_("Savings\nt CO₂/year"),
    Column.PAYBACK: N_("Payback\nyears"),
    Column.FINDINGS: N_("Findings"),
    Column.EVIDENCE: N_("Evidence"),
}
_HEADER_TIPS = {
    Column.INVESTMENT: N_("Investment in euros"),
    Column.SAVINGS_ONCE: N_("One-off savings in euros (e.g. a grant, a sale)"),
    Column.SAVINGS_EUR: N_("Yearly savings in euros"),
    Column.SAVINGS_KWH: N_("Energy saved per year in kWh (of the energy carrier beside it)"),
    Column.SAVINGS_M3: N_("Water saved per year in m³"),
    Column.SAVINGS_T: N_("Waste or material saved per year in tonnes"),
    Column.SAVINGS_CO2: N_("CO₂ emissions avoided per year in tonnes; in italics where derived from the kWh saved"),
    Column.PAYBACK: N_("Investment ÷ yearly savings in euros"),
    Column.FINDINGS: N_("The findings this measure answers"),
    Column.EVIDENCE: N_("Photos and documents linked to the measure (drop files onto a row to add some)"),
}

#: the field of :class:`Measure` behind each editable column
FIELDS: dict[Column, str] = {
    Column.TITLE: "title",
    Column.AREA: "area",
    Column.OWNER: "owner",
    Column.STATUS: "status",
    Column.PRIORITY: "priority",
    Column.START: "start_date",
    Column.DUE: "due_date",
    Column.COMPLETED: "completed_on",
    Column.INVESTMENT: "investment_eur",
    Column.SAVINGS_ONCE: "savings_eur_once",
    Column.SAVINGS_EUR: "savings_eur_per_year",
    Column.SAVINGS_KWH: "savings_kwh_per_year",
    Column.CARRIER: "energy_carrier",
    Column.SAVINGS_M3: "savings_m3_per_year",
    Column.SAVINGS_T: "savings_t_per_year",
    Column.SAVINGS_CO2: "savings_t_co2_per_year",
}
NUMBER_COLUMNS = (Column.INVESTMENT, Column.SAVINGS_ONCE, Column.SAVINGS_EUR, Column.SAVINGS_KWH,
                  Column.SAVINGS_M3, Column.SAVINGS_T, Column.SAVINGS_CO2, Column.PAYBACK)
#: investment and one-off savings cannot be negative; yearly savings can (a heat pump uses more power)
NOT_NEGATIVE = (Column.INVESTMENT, Column.SAVINGS_ONCE)
DATE_COLUMNS = (Column.START, Column.DUE, Column.COMPLETED)
CHOICE_COLUMNS = (Column.AREA, Column.STATUS, Column.PRIORITY, Column.CARRIER)
#: euros are shown without cents, kWh and m³ whole, tonnes with what is worth reading
_EURO_COLUMNS = (Column.INVESTMENT, Column.SAVINGS_ONCE, Column.SAVINGS_EUR)
_WHOLE_COLUMNS = (Column.SAVINGS_KWH, Column.SAVINGS_M3)

#: the columns shown at first; the others are one right-click on the header away
DEFAULT_COLUMNS = (Column.TITLE, Column.AREA, Column.OWNER, Column.STATUS, Column.DUE, Column.INVESTMENT,
                   Column.SAVINGS_EUR, Column.SAVINGS_CO2, Column.PAYBACK)

_DATE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str) -> date | None:
    """"31.12.2026", "31.12.26" or "2026-12-31"; None for nothing; ValueError for anything else."""
    if not text or not text.strip():
        return None
    match = _DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000
        return date(year, month, day)
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)
    raise ValueError(text)


def co2_explanation(saving: Co2Saving) -> str:
    """How a derived CO2 saving was worked out: "12.000 kWh × 0,363 kg CO2/kWh (UBA, 2024)"."""
    factor = saving.factor
    if factor is None or saving.kwh is None:
        return ""
    where = ", ".join(p for p in (factor.source, str(factor.year) if factor.year else "") if p)
    text = _("{kwh} kWh × {factor} {unit}").format(kwh=format_decimal(saving.kwh, 0),
                                                   factor=format_decimal(factor.value, None), unit=factor.unit)
    if factor.basis is not None:
        text += f" ({factor.basis.value})"
    return text + (f" – {where}" if where else "")


@dataclass(frozen=True, slots=True)
class MeasureRow:
    measure: Measure
    #: photos and documents linked to it
    evidence: int = 0
    #: the yearly CO2 saving (given, or derived from the kWh and the carrier's factor)
    co2: Co2Saving | None = None


class MeasuresModel(RowsModel[MeasureRow, Column]):
    COLUMNS = Column
    HEADERS = _HEADERS

    #: a cell was edited: (measure, field name, new value, old value)
    edit_requested = Signal(object, str, object, object)
    #: what was typed is not a number or a date: the message for the user
    input_refused = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._editable = False
        #: measures carried on to a later audit: changed there, shown here as they were
        self._read_only_ids: set[str] = set()
        #: area key → label (the area set of the programme); unknown keys are shown as they are
        self._areas: dict[str, str] = {}
        #: energy carrier key → label
        self._carriers: dict[str, str] = {}
        #: finding id → short label ("8.1 major nonconformity")
        self._findings: dict[str, str] = {}

    # ---- content ------------------------------------------------------------------------

    def set_measures(self, measures: Iterable[Measure], evidence: Mapping[str, int] | None = None,
                     co2: Mapping[str, Co2Saving] | None = None) -> None:
        evidence = evidence or {}
        co2 = co2 or {}
        rows = [MeasureRow(m, evidence.get(m.id, 0), co2.get(m.id)) for m in measures]
        rows.sort(key=lambda r: (STATUS_ORDER.index(r.measure.status), r.measure.priority or 9,
                                 r.measure.due_date or date.max, r.measure.title.lower()))
        self.set_rows(rows)

    def set_choices(self, areas: Mapping[str, str], carriers: Mapping[str, str],
                    findings: Mapping[str, str] | None = None) -> None:
        self._areas = dict(areas)
        self._carriers = dict(carriers)
        self._findings = dict(findings or {})
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1))

    def set_editable(self, editable: bool) -> None:
        self._editable = editable

    def set_read_only_ids(self, ids: Iterable[str]) -> None:
        self._read_only_ids = set(ids)

    def is_read_only(self, measure: Measure) -> bool:
        return not self._editable or measure.id in self._read_only_ids

    @property
    def editable(self) -> bool:
        return self._editable

    def area_choices(self) -> list[tuple[str, str]]:
        return list(self._areas.items())

    def carrier_choices(self) -> list[tuple[str, str]]:
        return list(self._carriers.items())

    def area_label(self, key: str) -> str:
        return self._areas.get(key, key)

    def carrier_label(self, key: str) -> str:
        return self._carriers.get(key, key)

    def finding_label(self, finding_id: str) -> str:
        return self._findings.get(finding_id, _("a finding of another audit"))

    def choices(self, column: Column) -> list[tuple[str, Any]]:
        """(label, value) of a choice column's editor; "–" (None or "") first where it may be empty."""
        if column is Column.AREA:
            return [("–", ""), *((label, key) for key, label in self._areas.items())]
        if column is Column.STATUS:
            return [(status_label(s), s) for s in STATUS_ORDER]
        if column is Column.PRIORITY:
            return [("–", None), *((_(label), value) for value, label in PRIORITY_LABELS.items())]
        if column is Column.CARRIER:
            return [("–", ""), *((label, key) for key, label in self._carriers.items())]
        return []

    def row_of(self, measure_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.measure.id == measure_id), -1)

    def measure(self, measure_id: str) -> Measure | None:
        row = self.row_of(measure_id)
        return self._rows[row].measure if row >= 0 else None

    def header_tooltip(self, column: Column) -> str:
        tip = _HEADER_TIPS.get(column)
        return _(tip) if tip else _(self.HEADERS[column])

    @staticmethod
    def header_line(column: Column) -> str:
        """A column's header on one line (messages, the column menu)."""
        return " ".join(_(_HEADERS[column]).split())

    def evidence_total(self) -> int:
        return sum(r.evidence for r in self._rows)

    # ---- QAbstractTableModel ------------------------------------------------------------

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._columns):
            right = self._columns[section] in NUMBER_COLUMNS + (Column.EVIDENCE,)
            return int((Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter)
        return super().headerData(section, orientation, role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        row = self.row_at(index)
        if row is not None and not self.is_read_only(row.measure) and self.column_at(index.column()) in FIELDS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None:
            return None
        measure = row.measure
        column = self.column_at(index.column())
        if role == ObjectRole:
            return measure
        if role == EditorRole:
            return self._editor(column)
        if role == Qt.ItemDataRole.EditRole:
            field = FIELDS.get(column)
            return getattr(measure, field) if field else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMBER_COLUMNS + (Column.EVIDENCE,):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        superseded = measure.id in self._read_only_ids
        if role == Qt.ItemDataRole.ForegroundRole and (measure.status is MeasureStatus.DROPPED or superseded):
            return QColor(MUTED)
        if role == Qt.ItemDataRole.ToolTipRole and superseded and column is not Column.TITLE:
            return _("Carried over to a later audit: followed up there.")
        return self._cell(row, measure, column, role)

    @staticmethod
    def _editor(column: Column) -> str | None:
        if column in DATE_COLUMNS:
            return EDITOR_DATE
        if column in CHOICE_COLUMNS:
            return EDITOR_CHOICE
        if column in NUMBER_COLUMNS:
            return EDITOR_NUMBER
        return EDITOR_TEXT if column in FIELDS else None

    def _cell(self, row: MeasureRow, measure: Measure, column: Column, role: int) -> Any:
        display = role == Qt.ItemDataRole.DisplayRole
        tooltip = role == Qt.ItemDataRole.ToolTipRole
        if column is Column.TITLE:
            if display:
                return measure.title
            if tooltip:
                text = measure.title + (f"\n\n{measure.description.strip()}" if measure.description.strip() else "")
                return text[:800]
            if role == SortRole:
                return measure.title.lower()
        elif column is Column.AREA:
            if display or tooltip:
                return self.area_label(measure.area) if measure.area else "–"
            if role == SortRole:
                return self.area_label(measure.area).lower()
        elif column is Column.OWNER:
            if display or role == SortRole:
                return measure.owner
        elif column is Column.STATUS:
            if display or tooltip:
                return status_label(measure.status)
            if role == SortRole:
                return STATUS_ORDER.index(measure.status)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(STATUS_COLOURS[measure.status])
            if role == Qt.ItemDataRole.FontRole and measure.status is MeasureStatus.DONE:
                font = QFont()
                font.setBold(True)
                return font
        elif column is Column.PRIORITY:
            if display or tooltip:
                return _(PRIORITY_LABELS[measure.priority]) if measure.priority in PRIORITY_LABELS else "–"
            if role == SortRole:
                return measure.priority or 9
        elif column in DATE_COLUMNS:
            value: date | None = getattr(measure, FIELDS[column], None)
            if display:
                return format_date(value)
            if role == SortRole:
                return (value or date.max).isoformat()
            if column is Column.DUE and self._overdue(measure):
                if role == Qt.ItemDataRole.ForegroundRole:
                    return QColor(style.ERROR_TEXT)
                if tooltip:
                    return _("overdue since {date}").format(date=format_date(value))
        elif column is Column.CARRIER:
            key = getattr(measure, "energy_carrier", "") or ""
            if display or tooltip:
                return self.carrier_label(key) if key else "–" if measure.savings_kwh_per_year else ""
            if role == SortRole:
                return self.carrier_label(key).lower()
        elif column is Column.SAVINGS_CO2:
            return self._co2(row, measure, role)
        elif column is Column.PAYBACK:
            years = payback(measure)
            if display:
                if years is None:
                    return "–"
                # no investment: "0,0 years" reads like a missing value
                return _("at once") if years == 0 else format_decimal(years, 1)
            if role == SortRole:
                return float(years) if years is not None else float("inf")
            if tooltip:
                if years is None:
                    return _("No payback: no yearly savings in euros.")
                return _("No investment: the savings count from the start.") if years == 0 else \
                    _("Investment ÷ yearly savings in euros")
            if role == Qt.ItemDataRole.ForegroundRole and years is None:
                return QColor(MUTED)
        elif column in NUMBER_COLUMNS:
            value_n: Decimal | None = getattr(measure, FIELDS[column], None)
            if display:
                return self._number(column, value_n)
            if role == SortRole:
                return float(value_n) if value_n is not None else float("-inf")
        elif column is Column.FINDINGS:
            ids = tuple(getattr(measure, "finding_ids", ()) or ())
            if display:
                return ", ".join(self.finding_label(i) for i in ids) if ids else ""
            if tooltip:
                return "\n".join(self.finding_label(i) for i in ids) if ids else \
                    _("No finding linked. Edit the measure to link findings.")
            if role == SortRole:
                return len(ids)
        elif column is Column.EVIDENCE:
            if display:
                return str(row.evidence) if row.evidence else ""
            if role == SortRole:
                return row.evidence
            if tooltip:
                return _("Drop photos or documents onto the row to link them to the measure.")
        return None

    def _co2(self, row: MeasureRow, measure: Measure, role: int) -> Any:
        saving = row.co2
        derived = saving is not None and saving.origin is Co2Origin.DERIVED and measure.savings_t_co2_per_year is None
        value = measure.savings_t_co2_per_year if not derived else saving.t_co2 if saving is not None else None
        if role == Qt.ItemDataRole.DisplayRole:
            return format_quantity(value) if value is not None else ""
        if role == SortRole:
            return float(value) if value is not None else float("-inf")
        if derived and saving is not None:
            if role == Qt.ItemDataRole.ToolTipRole:
                return _("Derived from the energy saved: {how}").format(how=co2_explanation(saving))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(style.MUTED_TEXT)
        return None

    @staticmethod
    def _number(column: Column, value: Decimal | None) -> str:
        if value is None:
            return ""
        if column in _EURO_COLUMNS or column in _WHOLE_COLUMNS:
            return format_decimal(value, 0)
        return format_quantity(value)

    @staticmethod
    def _overdue(measure: Measure, today: date | None = None) -> bool:
        return (measure.due_date is not None and measure.status in (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)
                and measure.due_date < (today or date.today()))

    # ---- editing ------------------------------------------------------------------------

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        row = self.row_at(index)
        if row is None or role != Qt.ItemDataRole.EditRole or self.is_read_only(row.measure):
            return False
        column = self.column_at(index.column())
        field = FIELDS.get(column)
        if field is None:
            return False
        try:
            new = self._parse(column, value)
        except ValueError:
            emit(self.input_refused, self._refusal(column, value))
            return False
        old = getattr(row.measure, field, None)
        if new == old:
            return False
        if column is Column.TITLE and not new:
            emit(self.input_refused, _("A measure needs a title."))
            return False
        measure = row.measure
        try:
            shown = replace(measure, **{field: new})
        except TypeError:  # a field this version of the measure does not have
            return False
        self._rows[index.row()] = replace(row, measure=shown)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(self._columns) - 1))
        emit(self.edit_requested, measure, field, new, old)
        return True

    def _parse(self, column: Column, value: Any) -> Any:
        if column in NUMBER_COLUMNS:
            if value is None or isinstance(value, Decimal):
                return value
            text = str(value).strip()
            if not text:
                return None
            number = parse_decimal(text)
            if number < 0 and column in NOT_NEGATIVE:
                raise ValueError(text)
            return number
        if column in DATE_COLUMNS:
            if value is None or isinstance(value, date):
                return value
            return parse_date(str(value))
        if column is Column.STATUS:
            return MeasureStatus(value)
        if column is Column.PRIORITY:
            if value in (None, ""):
                return None
            if int(value) not in PRIORITIES:
                raise ValueError(value)
            return int(value)
        return " ".join(str(value or "").split())

    @classmethod
    def _refusal(cls, column: Column, value: Any) -> str:
        header = cls.header_line(column)
        if column in DATE_COLUMNS:
            return _("{column}: “{text}” is not a date (dd.mm.yyyy).").format(column=header, text=value)
        if column in NOT_NEGATIVE:
            return _("{column}: “{text}” is not a number of zero or more.").format(column=header, text=value)
        return _("{column}: “{text}” is not a number.").format(column=header, text=value)
