"""The figures of a site as tables: quantities × years per category, and the EMAS core indicators.

:class:`FiguresModel` — one row per figure of a category (each quantity; for waste, materials,
hazardous substances and refrigerants one row per waste code, name or gas), one column per
year. A cell shows the value as it was entered (unit included where it is not the row's unit);
its tooltip says the converted value, the source and any plausibility warning, and a cell with
a warning is tinted. Like the measures model it does not write: an edit is parsed here and
handed on as ``edit_requested(row, year, value, unit)`` (value None: remove the figure).

:class:`CoreIndicatorsModel` — the EMAS core indicators (figure A per year, then R = A ÷ B per
year), with figure B as the first row; breakdown rows are indented. An indicator the organisation
leaves out of its statement (with a justification) is a muted line saying so — also when no
figure of it is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont

from oekoaudit import i18n
from oekoaudit.domain.indicators import (
    CORE_LABELS,
    HAZARDOUS,
    NAME,
    QUANTITIES,
    ROUTE,
    WASTE_CODE,
    WASTE_ROUTE_LABELS,
    Category,
    CoreIndicatorTable,
    IndicatorValue,
    PlausibilityWarning,
    Quantity,
    WasteRoute,
    detail_key,
    format_waste_code,
    quantities,
    quantity,
    to_canonical,
)
from oekoaudit.domain.indicators import GAS as GAS_DETAIL
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _
from oekoaudit.services.indicators import OMITTABLE
from oekoaudit.ui import style
from oekoaudit.ui.models.rows import AnyIndex
from oekoaudit.ui.numbers import format_decimal, format_quantity, parse_decimal
from oekoaudit.ui.qtcompat import emit

ObjectRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
#: a cell's plausibility warning (str, "" for none)
WarningRole = Qt.ItemDataRole.UserRole + 3
#: the units a cell accepts (tuple of str; empty: any text, e.g. the output's own unit)
UnitsRole = Qt.ItemDataRole.UserRole + 4

WARNING_BACKGROUND = style.CARRIED_BACKGROUND
WARNING_TEXT = style.CARRIED_TEXT

#: categories whose rows are the recorded details (one per waste code, name, gas) rather than fixed
DETAIL_CATEGORIES = (Category.WASTE, Category.MATERIALS, Category.HAZARDOUS_SUBSTANCES, Category.REFRIGERANTS)
#: quantities where more is better (the trend's colour); reference figures are neither
MORE_IS_BETTER = frozenset({"electricity_green_share", "electricity_own_generation", "land_nature_on_site",
                            "land_nature_off_site", "water_rain", "energy_renewable_share"})
NEUTRAL_CATEGORIES = (Category.REFERENCE,)

def unit_label(unit: str) -> str:
    """A unit for display: symbols as they are (CO₂ with its subscript), the one word among them
    ("persons", also in "MWh/persons") translated."""
    if unit == "persons":
        return _("persons")
    if unit.endswith("/persons"):
        unit = unit[:-len("persons")] + _("person")
    return unit.replace("CO2", "CO\u2082")


def quantity_label(q: Quantity) -> str:
    return q.label.get(i18n.get_language())


def lower_is_better(q: Quantity) -> bool | None:
    if q.category in NEUTRAL_CATEGORIES:
        return None
    return q.key not in MORE_IS_BETTER


def route_label(route: str) -> str:
    try:
        return WASTE_ROUTE_LABELS[WasteRoute(route)].get(i18n.get_language())
    except ValueError:
        return route


def row_label(q: Quantity, details: Mapping[str, Any]) -> str:
    """What a row is about: the quantity, or its waste code and name, its material, its gas."""
    if WASTE_CODE in q.details:
        code = str(details.get(WASTE_CODE, ""))
        text = format_waste_code(code, bool(details.get(HAZARDOUS))) if len(code) == 6 else code
        name = str(details.get(NAME, "") or "")
        route = route_label(str(details.get(ROUTE, "") or ""))
        return " ".join(p for p in (text, name) if p) + (f" ({route})" if route else "")
    if GAS_DETAIL in q.details:
        return str(details.get(GAS_DETAIL, "") or quantity_label(q))
    if NAME in q.details:
        return str(details.get(NAME, "") or quantity_label(q))
    return quantity_label(q)


@dataclass
class FigureRow:
    """One figure over the years: a quantity (with its details), and what was recorded per year."""

    quantity: Quantity
    details: dict[str, Any] = field(default_factory=dict)
    values: dict[int, IndicatorValue] = field(default_factory=dict)
    #: year → the warning's text
    warnings: dict[int, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return detail_key(self.quantity.key, self.details)

    @property
    def label(self) -> str:
        return row_label(self.quantity, self.details)

    @property
    def unit(self) -> str:
        """The unit the row's values are compared in (the output: the unit it was entered in)."""
        if self.quantity.free_unit:
            return next((v.unit for _y, v in sorted(self.values.items(), reverse=True)), "")
        return self.quantity.unit

    def canonical(self, year: int, gas_kwh_per_m3: Decimal | None = None) -> Decimal | None:
        value = self.values.get(year)
        if value is None:
            return None
        if self.quantity.free_unit:
            return value.value
        try:
            if gas_kwh_per_m3 is not None:
                return to_canonical(self.quantity, value.value, value.unit, gas_kwh_per_m3=gas_kwh_per_m3)
            return to_canonical(self.quantity, value.value, value.unit)
        except OekoauditError:
            return None


def warning_text(warning: PlausibilityWarning) -> str:
    q = quantity(warning.quantity)
    return _(warning.template).format(quantity=quantity_label(q), year=warning.year,
                                      value=format_quantity(warning.value), previous=format_quantity(warning.previous),
                                      unit=unit_label(warning.unit))


def build_rows(category: Category, values: Iterable[IndicatorValue], site_id: str,
               warnings: Iterable[PlausibilityWarning] = ()) -> list[FigureRow]:
    """The rows of ``category`` for one site: every quantity of a fixed category (empty ones too,
    to be filled in), and for the detail categories one row per detail recorded."""
    rows: dict[tuple[str, str], FigureRow] = {}
    if category not in DETAIL_CATEGORIES:
        for q in quantities(category):
            rows[(q.key, "")] = FigureRow(q)
    for value in values:
        if value.site_id != site_id:
            continue
        try:
            q = quantity(value.quantity)
        except OekoauditError:
            continue
        if q.category is not category:
            continue
        key = (q.key, detail_key(q.key, value.details))
        row = rows.get(key)
        if row is None:
            row = rows[key] = FigureRow(q, dict(value.details))
        row.values[value.year] = value
    for warning in warnings:
        row = rows.get((warning.quantity, warning.detail))
        if row is not None and warning.site_id == site_id:
            row.warnings[warning.year] = warning_text(warning)
    ordered = list(rows.values())
    if category in DETAIL_CATEGORIES:
        ordered.sort(key=lambda r: (r.quantity.key, r.label.lower()))
    return ordered


class FiguresModel(QAbstractTableModel):
    """Rows of one category, columns: the figure, its unit, one per year."""

    LABEL = 0
    UNIT = 1
    FIRST_YEAR = 2

    #: a cell was edited: (FigureRow, year, value or None, unit)
    edit_requested = Signal(object, int, object, str)
    #: what was typed cannot be a figure: the message for the user
    input_refused = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[FigureRow] = []
        self._years: tuple[int, ...] = ()
        self._editable = False
        #: the organisation's energy content of natural gas (None: the default)
        self._gas: Decimal | None = None

    # ---- content ------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[FigureRow], years: Sequence[int],
                 gas_kwh_per_m3: Decimal | None = None) -> None:
        """Show ``rows`` for ``years``; gas in m³ is converted with ``gas_kwh_per_m3`` kWh/m³."""
        self.beginResetModel()
        self._rows = list(rows)
        self._years = tuple(years)
        self._gas = gas_kwh_per_m3
        self.endResetModel()

    @property
    def gas_kwh_per_m3(self) -> Decimal | None:
        return self._gas

    def set_editable(self, editable: bool) -> None:
        self._editable = editable

    @property
    def rows(self) -> list[FigureRow]:
        return list(self._rows)

    @property
    def years(self) -> tuple[int, ...]:
        return self._years

    def row_at(self, index: AnyIndex) -> FigureRow | None:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def year_at(self, column: int) -> int | None:
        offset = column - self.FIRST_YEAR
        return self._years[offset] if 0 <= offset < len(self._years) else None

    def column_of_year(self, year: int) -> int:
        return self.FIRST_YEAR + self._years.index(year) if year in self._years else -1

    def row_of(self, quantity_key: str, key: str = "") -> int:
        return next((i for i, r in enumerate(self._rows) if r.quantity.key == quantity_key and r.key == key), -1)

    def warning_count(self) -> int:
        return sum(len(r.warnings) for r in self._rows)

    # ---- QAbstractTableModel ------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.FIRST_YEAR + len(self._years)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == self.LABEL:
                return _("Figure")
            if section == self.UNIT:
                return _("Unit")
            year = self.year_at(section)
            return str(year) if year is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and section >= self.FIRST_YEAR:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and section >= self.FIRST_YEAR:
            return _("Double-click a cell (or press F2) to enter the figure of this year; empty it to remove it.")
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable and index.column() >= self.FIRST_YEAR:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None:
            return None
        column = index.column()
        if role == ObjectRole:
            return row
        if column == self.LABEL:
            if role == Qt.ItemDataRole.DisplayRole:
                return row.label
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._label_tooltip(row)
            return None
        if column == self.UNIT:
            if role == Qt.ItemDataRole.DisplayRole:
                return unit_label(row.unit)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(style.MUTED_TEXT)
            return None
        year = self.year_at(column)
        if year is None:
            return None
        return self._year_cell(row, year, role)

    def _label_tooltip(self, row: FigureRow) -> str:
        q = row.quantity
        lines = [row.label]
        if q.basis is not None:
            lines.append(_("Energy counted as {basis} ({name}).").format(
                basis=q.basis.value, name=_("gross calorific value") if q.basis.value == "Hs"
                else _("net calorific value")))
        if q.units and len(q.units) > 1:
            lines.append(_("Accepted units: {units}").format(units=", ".join(unit_label(u) for u in q.units)))
        return "\n".join(lines)

    def _year_cell(self, row: FigureRow, year: int, role: int) -> Any:
        value = row.values.get(year)
        warning = row.warnings.get(year, "")
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return ""
            text = format_decimal(value.value)
            if value.unit != row.unit:
                text += f" {unit_label(value.unit)}"
            return ("\u26a0 " if warning else "") + text
        if role == Qt.ItemDataRole.EditRole:
            return (value.value if value is not None else None, value.unit if value is not None else row.unit)
        if role == UnitsRole:
            return row.quantity.units
        if role == WarningRole:
            return warning
        if role == SortRole:
            canonical = row.canonical(year, self._gas)
            return float(canonical) if canonical is not None else float("-inf")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and warning:
            return QColor(WARNING_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and warning:
            return QColor(WARNING_TEXT)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._value_tooltip(row, value, warning) or None
        return None

    def _value_tooltip(self, row: FigureRow, value: IndicatorValue | None, warning: str) -> str:
        lines = []
        if warning:
            lines.append(warning)
        if value is not None:
            if value.unit != row.unit and not row.quantity.free_unit:
                canonical = row.canonical(value.year, self._gas)
                if canonical is not None:
                    lines.append(_("{value} {unit} = {converted} {canonical}").format(
                        value=format_quantity(value.value), unit=unit_label(value.unit),
                        converted=format_quantity(canonical), canonical=unit_label(row.unit)))
            if value.source:
                lines.append(_("Source: {source}").format(source=value.source))
        return "\n".join(lines)

    # ---- editing ------------------------------------------------------------------------

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """``value``: (text, unit) from the editor, or text alone (the row's current unit)."""
        row = self.row_at(index)
        year = self.year_at(index.column())
        if row is None or year is None or role != Qt.ItemDataRole.EditRole or not self._editable:
            return False
        text, unit = value if isinstance(value, tuple) else (value, None)
        old = row.values.get(year)
        unit = unit or (old.unit if old is not None else row.unit)
        if isinstance(text, Decimal):
            number: Decimal | None = text
        elif text is None or not str(text).strip():
            number = None
        else:
            try:
                number = parse_decimal(str(text))
            except ValueError:
                emit(self.input_refused, _("{figure} {year}: “{text}” is not a number.").format(
                    figure=row.label, year=year, text=text))
                return False
        if number is None and old is None:
            return False
        if number is not None and number < 0:
            emit(self.input_refused, _("{figure} {year}: a figure cannot be negative.").format(
                figure=row.label, year=year))
            return False
        if old is not None and number == old.value and unit == old.unit:
            return False
        emit(self.edit_requested, row, year, number, unit)
        return True


# ---- the EMAS core indicators ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CoreLine:
    """A line of the core indicator table: its label, the unit of A and R, A and R per year."""

    key: str
    label: str
    unit: str
    a: dict[int, Decimal | None]
    r_unit: str
    r: dict[int, Decimal | None]
    level: int = 0
    #: the reference figure B itself (the first line)
    is_reference: bool = False
    #: left out of the environmental statement: the justification (None: shown)
    omitted: str | None = None


def core_indicator_label(key: str, table: CoreIndicatorTable | None = None) -> str:
    """The name of the core indicator ``key`` in the user's language."""
    lang = i18n.get_language()
    row = table.row(key) if table is not None else None
    if row is not None:
        return row.label.get(lang)
    if key in CORE_LABELS:
        return CORE_LABELS[key].get(lang)
    q = QUANTITIES.get(key)
    return q.label.get(lang) if q is not None else key


def core_lines(table: CoreIndicatorTable, omitted: Mapping[str, str] | None = None) -> list[CoreLine]:
    """The lines of the table; an omitted indicator without a row of its own gets one where it
    belongs (EMAS wants to see what is left out and why)."""
    lang = i18n.get_language()
    omitted = dict(omitted or {})
    ref_q = quantity(table.reference.quantity)
    first = next(iter(table.rows), None)
    b = first.b if first is not None else {}
    lines = [CoreLine("figure_b", _("Figure B: {reference}").format(reference=quantity_label(ref_q)),
                      table.reference_unit, dict(b), "", {}, is_reference=True)]
    for row in table.rows:
        lines.append(CoreLine(row.key, row.label.get(lang), row.unit, dict(row.a), row.r_unit, dict(row.r),
                              row.level, omitted=omitted.get(row.key) if row.level == 0 else None))
    shown = {line.key for line in lines}
    for key, justification in omitted.items():
        if key in shown:
            continue
        order = _order(key)
        at = len(lines)
        for i, line in enumerate(lines):
            if i and line.level == 0 and _order(line.key) > order:
                at = i
                break
        lines.insert(at, CoreLine(key, core_indicator_label(key, table), "", {}, "", {}, omitted=justification))
    return lines


def _order(key: str) -> int:
    """Where a core indicator stands in the table (OMITTABLE lists them in its order)."""
    return OMITTABLE.index(key) if key in OMITTABLE else len(OMITTABLE)


def format_ratio(value: Decimal | None) -> str:
    """R values span many magnitudes (4,2 MWh per person, 0,00031 t per €): three significant digits."""
    if value is None:
        return ""
    magnitude = abs(value)
    if magnitude == 0:
        return "0"
    places = 0
    while magnitude < 100 and places < 8:
        magnitude *= 10
        places += 1
    return format_decimal(value, places)


class CoreIndicatorsModel(QAbstractTableModel):
    """Columns: indicator, unit of A, A per year, unit of R, R per year."""

    LABEL = 0
    A_UNIT = 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[CoreLine] = []
        self._years: tuple[int, ...] = ()

    def set_table(self, table: CoreIndicatorTable | None, omitted: Mapping[str, str] | None = None) -> None:
        """Show ``table``; ``omitted``: the indicators left out (key → justification)."""
        self.beginResetModel()
        self._lines = core_lines(table, omitted) if table is not None else []
        self._years = table.years if table is not None else ()
        self.endResetModel()

    @property
    def lines(self) -> list[CoreLine]:
        return list(self._lines)

    def row_of(self, key: str) -> int:
        return next((i for i, line in enumerate(self._lines) if line.key == key), -1)

    @staticmethod
    def omitted_text(line: CoreLine) -> str:
        """What an omitted line says instead of its figures."""
        return _("left out: {justification}").format(justification=line.omitted or "")

    @property
    def years(self) -> tuple[int, ...]:
        return self._years

    def _kind(self, column: int) -> tuple[str, int | None]:
        """("label"|"a_unit"|"a"|"r_unit"|"r", year)."""
        n = len(self._years)
        if column == self.LABEL:
            return "label", None
        if column == self.A_UNIT:
            return "a_unit", None
        if 2 <= column < 2 + n:
            return "a", self._years[column - 2]
        if column == 2 + n:
            return "r_unit", None
        if 3 + n <= column < 3 + 2 * n:
            return "r", self._years[column - 3 - n]
        return "", None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 3 + 2 * len(self._years)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        kind, year = self._kind(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return {"label": _("Core indicator"), "a_unit": _("Unit A"), "r_unit": _("Unit R")}.get(kind) \
                or (f"A {year}" if kind == "a" else f"R {year}" if kind == "r" else None)
        if role == Qt.ItemDataRole.ToolTipRole:
            if kind == "a":
                return _("Figure A: the total input or impact in {year}").format(year=year)
            if kind == "r":
                return _("Ratio R = A ÷ B in {year}").format(year=year)
        if role == Qt.ItemDataRole.TextAlignmentRole and kind in ("a", "r"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        kind, year = self._kind(index.column())
        if role == ObjectRole:
            return line
        if line.omitted is not None:
            return self._omitted_data(line, kind, role)
        if role == Qt.ItemDataRole.DisplayRole:
            if kind == "label":
                return ("    " * line.level) + line.label
            if kind == "a_unit":
                return unit_label(line.unit)
            if kind == "r_unit":
                return unit_label(line.r_unit)
            if kind == "a" and year is not None:
                value = line.a.get(year)
                return format_quantity(value) if value is not None else "–"
            if kind == "r" and year is not None:
                if line.is_reference or not line.r_unit:
                    return ""
                value = line.r.get(year)
                return format_ratio(value) if value is not None else "–"
        if role == Qt.ItemDataRole.TextAlignmentRole and kind in ("a", "r"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and (line.level == 0 or line.is_reference):
            font = QFont()
            font.setBold(line.is_reference or line.level == 0 and kind in ("label",))
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if kind in ("a_unit", "r_unit") or line.level > 0:
                return QColor(style.MUTED_TEXT)
        if role == Qt.ItemDataRole.BackgroundRole and line.is_reference:
            return QColor("#f1f5f3")
        if role == Qt.ItemDataRole.ToolTipRole and kind == "label":
            return line.label
        return None

    def _omitted_data(self, line: CoreLine, kind: str, role: int) -> Any:
        """An omitted line: its name and, over the figures (the view spans the cell), the
        justification; muted and in italics."""
        if role == Qt.ItemDataRole.DisplayRole:
            if kind == "label":
                return ("    " * line.level) + line.label
            return self.omitted_text(line) if kind == "a_unit" else ""
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(style.MUTED_TEXT)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return _("{indicator} is left out of the environmental statement: {justification}").format(
                indicator=line.label, justification=line.omitted)
        return None
