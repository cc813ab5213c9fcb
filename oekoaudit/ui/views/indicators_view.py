"""The environmental figures of the open audit's organisation („Kennzahlen“), on three pages:

* **Figures** — per category (energy, water, waste, …) a table of the audit's site: one row per
  figure, one column per year. A cell is edited in place (value and unit; emptying it removes
  the figure); a figure ten times last year's (or a tenth of it) is tinted with the warning in
  its tooltip and listed below. The chosen row's trend is drawn beside the list. With the energy
  figures, the organisation's energy content of natural gas (kWh per m³ from the gas bill),
  which converts gas entered in m³.
* **EMAS core indicators** — figure A, the reference figure B and the ratio R = A ÷ B per key
  area and year, for the whole organisation; figure B is chosen here with its justification,
  and an indicator that is not relevant is left out with its justification (and taken back).
* **CO₂ balance** — the year's emissions by scope, each line with its amount, the factor used
  (value, source, year) and the result; the audit's factor set and an own electricity factor.

Every edit is a step of the audit's undo history on the single writer. Imports and exports are
the window's (File menu), run on the task runner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.domain.audit import AuditDetail
from oekoaudit.domain.changes import Changes
from oekoaudit.domain.co2 import Balance, FactorOverride
from oekoaudit.domain.indicators import (
    CATEGORY_LABELS,
    GAS,
    GAS_KWH_PER_M3,
    GAS_KWH_PER_M3_RANGE,
    HAZARDOUS,
    NAME,
    QUANTITIES,
    REFERENCE_QUANTITIES,
    ROUTE,
    WASTE_CODE,
    WASTE_ROUTE_LABELS,
    Category,
    IndicatorValue,
    Quantity,
    TrendDirection,
    WasteRoute,
    detail_key,
    format_waste_code,
    quantities,
    trend,
)
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, ngettext
from oekoaudit.services import Services
from oekoaudit.services.audits import MAX_NOTE
from oekoaudit.services.indicators import OMITTABLE
from oekoaudit.ui import prompts, style
from oekoaudit.ui.lifecycle import read_only_message
from oekoaudit.ui.models.indicators_model import (
    DETAIL_CATEGORIES,
    CoreIndicatorsModel,
    CoreLine,
    FigureRow,
    FiguresModel,
    ObjectRole,
    UnitsRole,
    build_rows,
    core_indicator_label,
    lower_is_better,
    quantity_label,
    unit_label,
)
from oekoaudit.ui.numbers import format_decimal, format_quantity, parse_decimal
from oekoaudit.ui.prompts import error_text
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import ChangeNotifier, DbWorker
from oekoaudit.ui.undo import UndoManager
from oekoaudit.ui.views.lazy_view import summary_frame
from oekoaudit.ui.views.shown import ReadsWhenShown
from oekoaudit.ui.widgets.trend_chart import Point, TrendChart
from oekoaudit.ui.widgets.view_header import segments, view_frame

PAGES = ("figures", "core", "co2")
#: the energy content of natural gas the field accepts (kWh per m³ as billed)
GAS_RANGE = GAS_KWH_PER_M3_RANGE
#: years shown at first: the last three with figures (EMAS wants three), or up to last year
YEARS_SHOWN = 3
#: the fixed-row categories in the order of the list (air emissions only where measured)
CATEGORY_ORDER = (Category.ENERGY, Category.WATER, Category.WASTE, Category.MATERIALS,
                  Category.HAZARDOUS_SUBSTANCES, Category.REFRIGERANTS, Category.LAND_USE, Category.AIR,
                  Category.REFERENCE)


def indicator_changes(audit_id: str | None) -> Changes:
    return Changes(indicators=True, audit_id=audit_id)


# ---- the cell editor: value and unit ----------------------------------------------------------


class ValueEditor(QWidget):
    """A number (as the user types it) and its unit, side by side in a cell."""

    def __init__(self, units: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figure_value_editor")
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit(self)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.unit_combo = QComboBox(self)
        self.unit_combo.setObjectName("figure_unit_combo")
        for unit in units:
            self.unit_combo.addItem(unit_label(unit), unit)
        self.unit_combo.setVisible(len(units) > 1)
        self.unit_edit = QLineEdit(self)  # a unit of one's own (the output: t, pieces, …)
        self.unit_edit.setPlaceholderText(_("unit"))
        self.unit_edit.setMaximumWidth(self.unit_edit.fontMetrics().horizontalAdvance("Stück000") + 12)
        self.unit_edit.setVisible(not units)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.unit_combo)
        layout.addWidget(self.unit_edit)
        self.setFocusProxy(self.edit)
        self._fixed = units[0] if len(units) == 1 else ""

    def set_value(self, value: Decimal | None, unit: str) -> None:
        self.edit.setText(format_decimal(value, grouping=False) if value is not None else "")
        self.edit.selectAll()
        index = self.unit_combo.findData(unit)
        if index >= 0:
            self.unit_combo.setCurrentIndex(index)
        self.unit_edit.setText(unit)

    def value(self) -> tuple[str, str]:
        if self.unit_edit.isVisibleTo(self):
            unit = self.unit_edit.text().strip()
        elif self.unit_combo.count() > 1:
            unit = self.unit_combo.currentData()
        else:
            unit = self._fixed
        return self.edit.text(), unit


class FigureDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Any) -> QWidget:  # noqa: N802
        units = index.data(UnitsRole) or ()
        return ValueEditor(tuple(units), parent)

    def setEditorData(self, editor: QWidget, index: Any) -> None:  # noqa: N802
        if isinstance(editor, ValueEditor):
            value, unit = index.data(Qt.ItemDataRole.EditRole) or (None, "")
            editor.set_value(value, unit)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Any) -> None:  # noqa: N802
        if isinstance(editor, ValueEditor):
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: Any) -> None:  # noqa: N802
        rect = option.rect
        if isinstance(editor, ValueEditor) and editor.unit_combo.isVisibleTo(editor):
            # the unit beside the number: the editor grows to the left, over the column before
            rect = rect.adjusted(-editor.unit_combo.sizeHint().width() - 2, 0, 0, 0)
        editor.setGeometry(rect)


# ---- a new row of a detail category (a waste code, a material, a gas) -------------------------------


class NewFigureDialog(QDialog):
    """The details of a new row (waste code and route, name, gas) and its first figure."""

    def __init__(self, category: Category, years: Sequence[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("new_figure_dialog")
        self.setWindowTitle(_("New figure"))
        self.setMinimumWidth(460)
        self.category = category
        self.quantity: Quantity = next(q for q in quantities(category))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        self.code_edit = QLineEdit(self)
        self.code_edit.setPlaceholderText(_("e.g. 15 01 01 or 12 01 09* (star: hazardous)"))
        self.name_edit = QLineEdit(self)
        self.route_combo = QComboBox(self)
        lang = i18n.get_language()
        for route in WasteRoute:
            self.route_combo.addItem(WASTE_ROUTE_LABELS[route].get(lang), route.value)
        self.gas_edit = QLineEdit(self)
        self.gas_edit.setPlaceholderText(_("e.g. R-410A"))
        self.year_spin = QSpinBox(self)
        self.year_spin.setRange(1990, date.today().year)
        self.year_spin.setValue(max(years) if years else date.today().year - 1)
        self.editor = ValueEditor(self.quantity.units, self)
        if WASTE_CODE in self.quantity.details:
            form.addRow(_("Waste code (AVV):"), self.code_edit)
            form.addRow(_("Name:"), self.name_edit)
            self.name_edit.setPlaceholderText(_("e.g. mixed packaging"))
            form.addRow(_("Disposal route:"), self.route_combo)
            unused: tuple[QWidget, ...] = (self.gas_edit,)
        elif GAS in self.quantity.details:
            form.addRow(_("Refrigerant:"), self.gas_edit)
            unused = (self.code_edit, self.name_edit, self.route_combo)
        else:
            form.addRow(_("Name:"), self.name_edit)
            self.name_edit.setPlaceholderText(_("e.g. sheet steel"))
            unused = (self.code_edit, self.route_combo, self.gas_edit)
        for widget in unused:
            widget.setVisible(False)
        form.addRow(_("Year:"), self.year_spin)
        form.addRow(_("Amount:"), self.editor)
        layout.addLayout(form)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {style.ERROR_TEXT};")
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Add"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self._on_accepted)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def details(self) -> dict[str, Any]:
        if WASTE_CODE in self.quantity.details:
            details: dict[str, Any] = {WASTE_CODE: self.code_edit.text().strip(),
                                       ROUTE: self.route_combo.currentData()}
            if self.name_edit.text().strip():
                details[NAME] = self.name_edit.text().strip()
            return details
        if GAS in self.quantity.details:
            return {GAS: self.gas_edit.text().strip()}
        return {NAME: self.name_edit.text().strip()}

    def figure(self) -> tuple[int, Decimal, str]:
        text, unit = self.editor.value()
        return self.year_spin.value(), parse_decimal(text), unit

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _on_accepted(self) -> None:
        try:
            _year, value, _unit = self.figure()
        except ValueError:
            self.show_error(_("The amount must be a number."))
            return
        if value < 0:
            self.show_error(_("A figure cannot be negative."))
            return
        if not any(str(v).strip() for k, v in self.details().items() if k != ROUTE):
            self.show_error(_("Say what the figure is about."))
            return
        self.accept()


# ---- leaving a core indicator out ------------------------------------------------------------------


class OmitIndicatorDialog(QDialog):
    """Which core indicator is left out of the environmental statement, and why (EMAS Annex IV
    allows it for an indicator that is not relevant to the organisation, with a justification)."""

    def __init__(self, choices: Sequence[tuple[str, str]], current: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("omit_indicator_dialog")
        self.setWindowTitle(_("Leave out a core indicator"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        intro = QLabel(_("EMAS lets an organisation leave out a core indicator that is not relevant to its "
                         "direct environmental aspects — with the reason, which the statement shows."), self)
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {style.MUTED_TEXT};")
        layout.addWidget(intro)
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        self.indicator_combo = QComboBox(self)
        self.indicator_combo.setObjectName("omit_indicator_combo")
        for key, label in choices:
            self.indicator_combo.addItem(label, key)
        self.indicator_combo.setCurrentIndex(max(self.indicator_combo.findData(current), 0))
        self.justification_edit = QPlainTextEdit(self)
        self.justification_edit.setObjectName("omit_justification")
        self.justification_edit.setPlaceholderText(_("e.g. No land outside the site (environmental review 2023)."))
        self.justification_edit.setTabChangesFocus(True)
        self.justification_edit.setFixedHeight(self.justification_edit.fontMetrics().lineSpacing() * 4 + 16)
        form.addRow(_("Core indicator:"), self.indicator_combo)
        form.addRow(_("Justification:"), self.justification_edit)
        layout.addLayout(form)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {style.ERROR_TEXT};")
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Leave out"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self._on_accepted)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.justification_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def indicator(self) -> str:
        return str(self.indicator_combo.currentData() or "")

    @property
    def justification(self) -> str:
        return " ".join(self.justification_edit.toPlainText().split())

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
        layout = self.layout()
        layout.activate()
        # the message takes room below the text: the dialog grows (its minimum width is its own)
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() \
            else layout.totalMinimumSize().height()
        self.resize(self.width(), max(self.height(), needed))

    def _on_accepted(self) -> None:
        if not self.justification:
            self.show_error(_("Say why the indicator is not relevant: EMAS allows leaving it out only with a "
                              "justification."))
            self.justification_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if len(self.justification) > MAX_NOTE:
            self.show_error(_("The justification is too long."))
            return
        self.accept()


# ---- the view ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FigureEdit:
    """One figure written or removed (for the undo history)."""

    site_id: str
    year: int
    quantity: str
    details: dict[str, Any]
    value: Decimal | None
    unit: str
    source: str = ""


class IndicatorsView(ReadsWhenShown, QWidget):
    #: a short message for the status bar
    message = Signal(str)

    def __init__(self, services: Services, worker: DbWorker, notifier: ChangeNotifier, undo: UndoManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._worker = worker
        self._notifier = notifier
        self._undo = undo
        self._detail: AuditDetail | None = None
        self._stale = False
        self._values: list[IndicatorValue] = []
        self._years: tuple[int, ...] = ()
        self._recorded_years: tuple[int, ...] = ()
        #: the figures with everything computed from them (IndicatorService.overview)
        self._overview: Any = None
        self._filling = False
        #: the open "New figure" dialog (tests reach it here)
        self.new_row_dialog: NewFigureDialog | None = None
        #: the open "Leave out a core indicator" dialog (tests reach it here)
        self.omit_dialog: OmitIndicatorDialog | None = None
        self.setObjectName("indicators_view")
        self.model = FiguresModel(self)
        self.core_model = CoreIndicatorsModel(self)
        self._build()
        self._connect_signals()

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        frame = view_frame(self, _("Environmental figures"))
        layout, self.heading, self.site_label = frame.layout, frame.heading, frame.count_label
        pages = (("figures", _("Recorded figures")), ("core", _("EMAS core indicators")), ("co2", _("CO₂ balance")))
        self.page_buttons = segments(self, pages, frame.top)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_figures_page())
        self.pages.addWidget(self._build_core_page())
        self.pages.addWidget(self._build_co2_page())
        layout.addWidget(self.pages, 1)

    def _build_figures_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("figures_page")
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        self.category_list = QListWidget(page)
        self.category_list.setObjectName("figure_categories")
        lang = i18n.get_language()
        widest = 0
        for category in CATEGORY_ORDER:
            item = QListWidgetItem(CATEGORY_LABELS[category].get(lang), self.category_list)
            item.setData(Qt.ItemDataRole.UserRole, category.value)
            widest = max(widest, self.category_list.fontMetrics().horizontalAdvance(item.text() + " (00)"))
        self.category_list.setFixedWidth(widest + 36)
        self.category_list.setCurrentRow(0)
        self.category_list.setStyleSheet("QListWidget#figure_categories::item { padding: 5px 6px; }")
        row.addWidget(self.category_list)
        right = QVBoxLayout()
        right.setSpacing(6)
        controls = QHBoxLayout()
        controls.setSpacing(6)
        years_label = QLabel(_("Years:"), page)
        self.first_year = QSpinBox(page)
        self.first_year.setObjectName("first_year")
        self.last_year = QSpinBox(page)
        self.last_year.setObjectName("last_year")
        for spin in (self.first_year, self.last_year):
            spin.setRange(1990, date.today().year)
        to_label = QLabel(_("to"), page)
        controls.addWidget(years_label)
        controls.addWidget(self.first_year)
        controls.addWidget(to_label)
        controls.addWidget(self.last_year)
        controls.addSpacing(12)
        self.gas_box = QWidget(page)
        self.gas_box.setObjectName("gas_conversion")
        gas_row = QHBoxLayout(self.gas_box)
        gas_row.setContentsMargins(0, 0, 0, 0)
        gas_row.setSpacing(4)
        gas_label = QLabel(_("Calorific value of natural gas:"), self.gas_box)
        self.gas_edit = QLineEdit(self.gas_box)
        self.gas_edit.setObjectName("gas_kwh_per_m3")
        self.gas_edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.gas_edit.setPlaceholderText(format_decimal(GAS_KWH_PER_M3, 1))
        self.gas_edit.setFixedWidth(self.gas_edit.fontMetrics().horizontalAdvance("00,000") + 18)
        gas_label.setBuddy(self.gas_edit)
        tip = _("kWh per m³ of natural gas as the gas bill states it: the calorific value for billing "
                "(„Abrechnungsbrennwert“, Hs) times the „Zustandszahl“, e.g. {hs} × {z} = {kwh}. Gas "
                "entered in m³ is converted to kWh with it. Empty: {default} kWh/m³.").format(
            hs=format_decimal(Decimal("11.3"), 1), z=format_decimal(Decimal("0.95"), 2),
            kwh=format_decimal(Decimal("10.7"), 1), default=format_decimal(GAS_KWH_PER_M3, 1))
        for widget in (gas_label, self.gas_edit):
            widget.setToolTip(tip)
        gas_row.addWidget(gas_label)
        gas_row.addWidget(self.gas_edit)
        gas_row.addWidget(QLabel("kWh/m³", self.gas_box))
        gas_row.addStretch(1)
        self.warning_label = QLabel(page)
        self.warning_label.setObjectName("figure_warnings")
        self.warning_label.setStyleSheet(f"color: {style.CARRIED_TEXT};")
        controls.addWidget(self.warning_label)
        controls.addStretch(1)
        self.add_row_button = QPushButton(_("Add row…"), page)
        self.add_row_button.setObjectName("add_figure_row")
        self.remove_row_button = QPushButton(_("Remove row"), page)
        self.remove_row_button.setObjectName("remove_figure_row")
        controls.addWidget(self.add_row_button)
        controls.addWidget(self.remove_row_button)
        right.addLayout(controls)
        # on a line of its own (shown with the energy figures only): the window stays narrow
        right.addWidget(self.gas_box)
        self.figures_splitter = QSplitter(Qt.Orientation.Vertical, page)
        self.figures_splitter.setChildrenCollapsible(False)
        self.table = QTableView(self.figures_splitter)
        self.table.setObjectName("figures_table")
        self.table.setModel(self.model)
        self.table.setItemDelegate(FigureDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().lineSpacing() + 14)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(60)
        self.figures_splitter.addWidget(self.table)
        bottom = QWidget(self.figures_splitter)
        bottom_row = QHBoxLayout(bottom)
        bottom_row.setContentsMargins(0, 4, 0, 0)
        bottom_row.setSpacing(10)
        self.chart = TrendChart(bottom)
        self.chart.setMinimumHeight(190)
        self.notes = QLabel(bottom)
        self.notes.setObjectName("figure_notes")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        self.notes.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.notes.setStyleSheet(f"color: {style.MUTED_TEXT};")
        bottom_row.addWidget(self.chart, 3)
        bottom_row.addWidget(self.notes, 2)
        self.figures_splitter.addWidget(bottom)
        self.figures_splitter.setStretchFactor(0, 3)
        self.figures_splitter.setStretchFactor(1, 2)
        right.addWidget(self.figures_splitter, 1)
        row.addLayout(right, 1)
        return page

    def _build_core_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("core_page")
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        self.reference_frame = summary_frame(page)
        form = QHBoxLayout(self.reference_frame)
        form.setContentsMargins(12, 8, 12, 8)
        form.setSpacing(8)
        label = QLabel(_("Figure B:"), self.reference_frame)
        label.setStyleSheet("font-weight: bold;")
        self.reference_combo = QComboBox(self.reference_frame)
        self.reference_combo.setObjectName("reference_combo")
        lang = i18n.get_language()
        for key in REFERENCE_QUANTITIES:
            self.reference_combo.addItem(QUANTITIES[key].label.get(lang), key)
        label.setBuddy(self.reference_combo)
        self.justification_edit = QLineEdit(self.reference_frame)
        self.justification_edit.setObjectName("reference_justification")
        self.justification_edit.setPlaceholderText(_("Why this reference describes the organisation's activity"))
        self.reference_button = QPushButton(_("Apply"), self.reference_frame)
        self.reference_button.setObjectName("reference_apply")
        form.addWidget(label)
        form.addWidget(self.reference_combo)
        form.addWidget(QLabel(_("Justification:"), self.reference_frame))
        form.addWidget(self.justification_edit, 1)
        form.addWidget(self.reference_button)
        box.addWidget(self.reference_frame)
        note_row = QHBoxLayout()
        note_row.setSpacing(6)
        self.core_note = QLabel(page)
        self.core_note.setObjectName("core_note")
        self.core_note.setWordWrap(True)
        self.core_note.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.omit_button = QPushButton(_("Leave out indicator…"), page)
        self.omit_button.setObjectName("omit_indicator")
        self.omit_button.setToolTip(_("Leave a core indicator that is not relevant out of the environmental "
                                      "statement, with the justification"))
        self.restore_button = QPushButton(_("Take back in"), page)
        self.restore_button.setObjectName("restore_indicator")
        self.restore_button.setToolTip(_("Show the left-out indicator in the environmental statement again"))
        note_row.addWidget(self.core_note, 1)
        note_row.addWidget(self.omit_button, 0, Qt.AlignmentFlag.AlignTop)
        note_row.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignTop)
        box.addLayout(note_row)
        self.core_table = QTableView(page)
        self.core_table.setObjectName("core_table")
        self.core_table.setModel(self.core_model)
        self.core_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.core_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.core_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.core_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.core_table.setShowGrid(False)
        self.core_table.setAlternatingRowColors(True)
        self.core_table.verticalHeader().setVisible(False)
        self.core_table.verticalHeader().setDefaultSectionSize(self.core_table.fontMetrics().lineSpacing() + 12)
        header = self.core_table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        box.addWidget(self.core_table, 1)
        return page

    def _build_co2_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("co2_page")
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        controls = QHBoxLayout()
        controls.setSpacing(6)
        self.balance_year = QComboBox(page)
        self.balance_year.setObjectName("balance_year")
        self.factor_combo = QComboBox(page)
        self.factor_combo.setObjectName("factor_set_combo")
        self.factor_combo.setToolTip(_("The emission factors this audit uses (versioned data with source and year)"))
        year_label = QLabel(_("Year:"), page)
        year_label.setBuddy(self.balance_year)
        factor_label = QLabel(_("Emission factors:"), page)
        factor_label.setBuddy(self.factor_combo)
        controls.addWidget(year_label)
        controls.addWidget(self.balance_year)
        controls.addSpacing(12)
        controls.addWidget(factor_label)
        controls.addWidget(self.factor_combo)
        controls.addStretch(1)
        box.addLayout(controls)
        own = QHBoxLayout()
        own.setSpacing(6)
        self.own_factor_edit = QLineEdit(page)
        self.own_factor_edit.setObjectName("own_electricity_factor")
        self.own_factor_edit.setPlaceholderText(_("e.g. 0,120"))
        self.own_factor_edit.setMaximumWidth(self.own_factor_edit.fontMetrics().horizontalAdvance("0,00000") + 30)
        self.own_source_edit = QLineEdit(page)
        self.own_source_edit.setObjectName("own_electricity_source")
        self.own_source_edit.setPlaceholderText(_("source, e.g. the supplier's electricity labelling 2024"))
        self.own_factor_button = QPushButton(_("Apply"), page)
        self.own_factor_button.setObjectName("own_factor_apply")
        own_label = QLabel(_("Own electricity factor:"), page)
        own_label.setBuddy(self.own_factor_edit)
        own.addWidget(own_label)
        own.addWidget(self.own_factor_edit)
        own.addWidget(QLabel("kg CO₂/kWh", page))
        own.addSpacing(6)
        own.addWidget(self.own_source_edit, 1)
        own.addWidget(self.own_factor_button)
        box.addLayout(own)
        self.balance_summary = summary_frame(page)
        summary = QHBoxLayout(self.balance_summary)
        summary.setContentsMargins(12, 8, 12, 8)
        self.balance_label = QLabel(self.balance_summary)
        self.balance_label.setObjectName("balance_totals")
        self.balance_label.setTextFormat(Qt.TextFormat.RichText)
        self.balance_label.setWordWrap(True)
        summary.addWidget(self.balance_label)
        box.addWidget(self.balance_summary)
        self.balance_table = QTableWidget(page)
        self.balance_table.setObjectName("balance_table")
        headers = [_("GHG scope"), _("Source"), _("Amount"), _("Factor"), _("Factor source"), _("t CO₂e")]
        self.balance_table.setColumnCount(len(headers))
        self.balance_table.setHorizontalHeaderLabels(headers)
        self.balance_table.verticalHeader().setVisible(False)
        self.balance_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.balance_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.balance_table.setAlternatingRowColors(True)
        self.balance_table.setShowGrid(False)
        self.balance_table.setWordWrap(True)
        self.balance_table.verticalHeader().setDefaultSectionSize(self.balance_table.fontMetrics().lineSpacing() * 2
                                                                   + 12)
        header = self.balance_table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.balance_table, 1)
        self.balance_notes = QLabel(page)
        self.balance_notes.setObjectName("balance_notes")
        self.balance_notes.setWordWrap(True)
        self.balance_notes.setTextFormat(Qt.TextFormat.RichText)
        self.balance_notes.setStyleSheet(f"color: {style.MUTED_TEXT};")
        box.addWidget(self.balance_notes)
        return page

    def _connect_signals(self) -> None:
        self.page_buttons.idClicked.connect(self._on_page_clicked)
        self.category_list.currentRowChanged.connect(self._on_category_changed)
        self.first_year.valueChanged.connect(self._on_years_changed)
        self.last_year.valueChanged.connect(self._on_years_changed)
        self.table.selectionModel().currentChanged.connect(self._on_table_current_changed)
        self.model.edit_requested.connect(self._on_model_edit_requested)
        self.model.input_refused.connect(self._on_model_input_refused)
        self.add_row_button.clicked.connect(self._on_add_row_clicked)
        self.remove_row_button.clicked.connect(self.remove_current_row)
        self.reference_button.clicked.connect(self._on_reference_apply)
        self.gas_edit.editingFinished.connect(self._on_gas_apply)
        self.omit_button.clicked.connect(self._on_omit_clicked)
        self.restore_button.clicked.connect(self._on_restore_clicked)
        self.core_table.selectionModel().currentChanged.connect(self._on_core_current_changed)
        self.core_table.customContextMenuRequested.connect(self._on_core_context_menu)
        self.balance_year.currentIndexChanged.connect(self._on_balance_year_changed)
        self.factor_combo.currentIndexChanged.connect(self._on_factor_combo_changed)
        self.own_factor_button.clicked.connect(self._on_own_factor_apply)
        self._notifier.changed.connect(self._on_notifier_changed)

    # ---- state --------------------------------------------------------------------------

    @property
    def detail(self) -> AuditDetail | None:
        return self._detail

    @property
    def read_only(self) -> bool:
        return self._detail is None or self._detail.audit.read_only

    @property
    def page(self) -> str:
        return PAGES[self.pages.currentIndex()]

    def show_page(self, name: str) -> None:
        number = PAGES.index(name)
        self.page_buttons.button(number).setChecked(True)
        self._on_page_clicked(number)

    @property
    def category(self) -> Category:
        item = self.category_list.currentItem()
        return Category(item.data(Qt.ItemDataRole.UserRole)) if item is not None else Category.ENERGY

    def show_category(self, category: Category) -> None:
        for row in range(self.category_list.count()):
            if self.category_list.item(row).data(Qt.ItemDataRole.UserRole) == category.value:
                self.category_list.setCurrentRow(row)
                return

    @property
    def years(self) -> tuple[int, ...]:
        return self._years

    def set_detail(self, detail: AuditDetail | None) -> None:
        """The open audit; read now if the view is shown, else when it is."""
        changed = (detail.audit.id if detail else None) != (self._detail.audit.id if self._detail else None)
        self._detail = detail
        if changed:
            self._years = ()
        if detail is None:
            self._stale = False
            self._values = []
            self._overview = None
            self.model.set_rows([], ())
            self.core_model.set_table(None)
            self.chart.clear()
            return
        self.site_label.setText(_("Site: {site}").format(site=detail.audit.site_name) if detail.audit.site_name
                                else "")
        self.read_when_shown()

    def _read(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Read the figures (with everything computed from them) again and show them."""
        self._stale = False
        detail = self._detail
        if detail is None:
            return
        service = self._services.indicators
        organisation_id = detail.audit.organisation_id
        try:
            self._recorded_years = tuple(service.years(organisation_id))
            if not self._years:
                self._years = self._default_years()
            self._overview = service.overview(organisation_id, list(self._years), detail.audit.id)
        except OekoauditError as exc:
            emit(self.message, error_text(exc))
            self._overview = None
        self._values = list(self._overview.values) if self._overview is not None else []
        self._set_year_spins()
        self._update_category_counts()
        self._show_figures()
        if self.page == "core":
            self._show_core()
        elif self.page == "co2":
            self._show_co2()

    def _default_years(self) -> tuple[int, ...]:
        """The last three years with figures (EMAS shows three), or the three up to last year."""
        recorded = self._recorded_years
        last = recorded[-1] if recorded else date.today().year - 1
        return tuple(range(last - YEARS_SHOWN + 1, last + 1))

    def set_years(self, first: int, last: int) -> None:
        """Show the years from ``first`` to ``last`` (at most ten)."""
        first, last = min(first, last), max(first, last)
        self._years = tuple(range(max(first, last - 9), last + 1))
        self.refresh()

    def _set_year_spins(self) -> None:
        self._filling = True
        try:
            if self._years:
                self.first_year.setValue(self._years[0])
                self.last_year.setValue(self._years[-1])
        finally:
            self._filling = False

    def _on_years_changed(self, _value: int) -> None:
        if not self._filling and self._detail is not None:
            self.set_years(self.first_year.value(), self.last_year.value())

    def _on_page_clicked(self, number: int) -> None:
        self.pages.setCurrentIndex(number)
        if self._detail is None:
            return
        if PAGES[number] == "core":
            self._show_core()
        elif PAGES[number] == "co2":
            self._show_co2()

    # ---- the figures page ------------------------------------------------------------------

    def _site_id(self) -> str:
        return self._detail.audit.site_id if self._detail is not None else ""

    def _warnings(self) -> list[Any]:
        return list(self._overview.warnings) if self._overview is not None else []

    def _gas(self) -> Decimal | None:
        return self._overview.settings.gas_kwh_per_m3 if self._overview is not None else None

    def _update_category_counts(self) -> None:
        site = self._site_id()
        lang = i18n.get_language()
        for row in range(self.category_list.count()):
            item = self.category_list.item(row)
            category = Category(item.data(Qt.ItemDataRole.UserRole))
            keys = {v.series for v in self._values if v.site_id == site and v.year in self._years
                    and v.quantity in QUANTITIES and QUANTITIES[v.quantity].category is category}
            label = CATEGORY_LABELS[category].get(lang)
            item.setText(f"{label} ({len(keys)})" if keys else label)
            item.setToolTip(ngettext("{n} figure recorded in the years shown", "{n} figures recorded in the years "
                                     "shown", len(keys)).format(n=len(keys)))

    def _show_figures(self) -> None:
        current = self.current_row()
        keep = (current.quantity.key, current.key) if current is not None else None
        keep_column = self.table.currentIndex().column()
        category = self.category
        rows = build_rows(category, self._values, self._site_id(), self._warnings())
        self.model.set_editable(not self.read_only)
        self.model.set_rows(rows, self._years, self._gas())
        self._fit_columns()
        if keep is not None:
            row = self.model.row_of(*keep)
            if row >= 0:
                self.table.setCurrentIndex(self.model.index(row, max(keep_column, 0)))
        if not self.table.currentIndex().isValid() and rows:
            last = self.model.column_of_year(self._years[-1]) if self._years else 0
            self.table.setCurrentIndex(self.model.index(0, max(last, 0)))
        self._show_gas()
        detail_category = category in DETAIL_CATEGORIES
        self.add_row_button.setVisible(detail_category)
        self.remove_row_button.setVisible(detail_category)
        self.add_row_button.setEnabled(not self.read_only)
        self._update_row_buttons()
        count = self.model.warning_count()
        self.warning_label.setText("\u26a0 " + ngettext("{n} figure to check", "{n} figures to check", count)
                                   .format(n=count) if count else "")
        self._show_chart()

    def _fit_columns(self) -> None:
        """The figure's column takes what the unit and the years leave (the years as wide as their
        values need)."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        units = [unit_label(r.unit) for r in self.model.rows] + [_("Unit")]
        header.resizeSection(FiguresModel.UNIT, max(metrics.horizontalAdvance(t) for t in units) + 24)
        texts = [str(self.model.index(r, c).data() or "") for r in range(self.model.rowCount())
                 for c in range(FiguresModel.FIRST_YEAR, self.model.columnCount())]
        widest = max([metrics.horizontalAdvance(t) for t in texts] + [metrics.horizontalAdvance("000.000")]) + 24
        for column in range(FiguresModel.FIRST_YEAR, self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, min(widest, 170))
        header.setSectionResizeMode(FiguresModel.LABEL, QHeaderView.ResizeMode.Stretch)

    def current_row(self) -> FigureRow | None:
        row = self.table.currentIndex().data(ObjectRole) if self.table.currentIndex().isValid() else None
        return row if isinstance(row, FigureRow) else None

    def select_figure(self, quantity: str, key: str = "", year: int | None = None) -> bool:
        category = QUANTITIES[quantity].category
        if category is not self.category:
            self.show_category(category)
        row = self.model.row_of(quantity, key)
        if row < 0:
            return False
        column = self.model.column_of_year(year) if year is not None else FiguresModel.LABEL
        self.table.setCurrentIndex(self.model.index(row, max(column, 0)))
        return True

    def _on_category_changed(self, _row: int) -> None:
        if self._detail is not None:
            self._show_figures()

    def _on_table_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_chart()
        self._update_row_buttons()

    def _update_row_buttons(self) -> None:
        row = self.current_row()
        self.remove_row_button.setEnabled(not self.read_only and row is not None and bool(row.values))

    def _show_chart(self) -> None:
        row = self.current_row()
        if row is None:
            self.chart.clear()
            self.notes.setText("")
            return
        points = [Point(year, row.canonical(year, self._gas()), row.warnings.get(year, "")) for year in self._years]
        self.chart.set_series(row.label, unit_label(row.unit), points, lower_is_better=lower_is_better(row.quantity))
        self.notes.setText(self._notes_html(row))

    def _notes_html(self, row: FigureRow) -> str:
        lines = []
        for year in self._years:
            value = row.values.get(year)
            if value is None:
                continue
            text = f"<b>{year}</b>: {escape(format_quantity(value.value))} {escape(unit_label(value.unit))}"
            if value.unit != row.unit and not row.quantity.free_unit:
                converted = row.canonical(year, self._gas())
                if converted is not None:
                    text += escape(f" = {format_quantity(converted)} {unit_label(row.unit)}")
            if value.source:
                text += " – " + escape(_("source: {source}").format(source=value.source))
            lines.append(text)
        warnings = [f"<span style='color:{style.CARRIED_TEXT}'>\u26a0 {escape(w)}</span>"
                    for _y, w in sorted(row.warnings.items())]
        if not lines:
            hint = _("No figures yet: double-click a year's cell to enter one.") if not self.read_only else ""
            return escape(hint)
        series = {y: v for y in self._years if (v := row.canonical(y, self._gas())) is not None}
        direction = trend(series)
        if direction.percent is not None and direction.first_year is not None:
            words = {TrendDirection.RISING: _("rising"), TrendDirection.FALLING: _("falling"),
                     TrendDirection.FLAT: _("about the same")}
            lines.append("<br>" + escape(_("Trend {first}–{last}: {direction} ({percent} %)").format(
                first=direction.first_year, last=direction.last_year, direction=words[direction.direction],
                percent=format_decimal(direction.percent, 1, sign=True))))
        return "<br>".join(lines + warnings)

    # ---- editing figures ------------------------------------------------------------------

    def _refuse(self) -> bool:
        if self._detail is None:
            emit(self.message, _("Open an audit first."))
            return True
        if self.read_only:
            emit(self.message, read_only_message(self._detail))
            return True
        return False

    def _on_model_input_refused(self, message: str) -> None:
        emit(self.message, message)
        prompts.warning(self, message)

    def _on_model_edit_requested(self, row: Any, year: int, value: Any, unit: str) -> None:
        if self._refuse() or not isinstance(row, FigureRow):
            return
        old = row.values.get(year)
        new = FigureEdit(self._site_id(), year, row.quantity.key, dict(row.details), value, unit,
                         old.source if old is not None else "")
        before = FigureEdit(self._site_id(), year, row.quantity.key, dict(row.details),
                            old.value if old is not None else None, old.unit if old is not None else unit,
                            old.source if old is not None else "")
        label = f"{row.label} {year}"
        text = (_("Remove {figure}") if value is None else _("Enter {figure}")).format(figure=label)
        self._push(text, [new], [before])

    def _push(self, text: str, do: list[FigureEdit], undo: list[FigureEdit]) -> None:
        detail = self._detail
        assert detail is not None
        service, organisation_id, audit_id = self._services.indicators, detail.audit.organisation_id, detail.audit.id
        changes = indicator_changes(audit_id)

        def run(edits: list[FigureEdit]) -> Callable[[], Changes]:
            def call() -> Changes:
                for edit in edits:
                    _write_figure(service, organisation_id, edit)
                return changes
            return call

        self._undo.push(audit_id, text, run(do), run(undo), on_refused=lambda _exc: self.refresh())

    def _on_add_row_clicked(self) -> None:
        self.add_row()

    def add_row(self) -> NewFigureDialog | None:
        if self._refuse() or self.category not in DETAIL_CATEGORIES:
            return None
        dialog = NewFigureDialog(self.category, self._years, self.window())
        dialog.accepted.connect(lambda: self._on_new_row_accepted(dialog))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.new_row_dialog = dialog
        dialog.open()
        return dialog

    def _on_new_row_accepted(self, dialog: NewFigureDialog) -> None:
        year, value, unit = dialog.figure()
        q = dialog.quantity
        edit = FigureEdit(self._site_id(), year, q.key, dialog.details(), value, unit)
        removal = FigureEdit(self._site_id(), year, q.key, dialog.details(), None, unit)
        self._push(_("Add {figure}").format(figure=quantity_label(q)), [edit], [removal])
        if year not in self._years:
            self.set_years(min(self._years[0], year) if self._years else year,
                           max(self._years[-1], year) if self._years else year)

    def remove_current_row(self) -> None:
        row = self.current_row()
        if row is None or not row.values or self._refuse():
            return
        question = _("Remove “{figure}” with its figures of every year?").format(figure=row.label)
        if not prompts.confirm(self, question + "\n\n" + _("You can undo it with Ctrl+Z.")):
            return
        site = self._site_id()
        do = [FigureEdit(site, y, row.quantity.key, dict(row.details), None, v.unit) for y, v in row.values.items()]
        undo = [FigureEdit(site, y, row.quantity.key, dict(v.details), v.value, v.unit, v.source)
                for y, v in row.values.items()]
        self._push(_("Remove {figure}").format(figure=row.label), do, undo)

    # ---- the energy content of natural gas -------------------------------------------------------

    def _show_gas(self) -> None:
        """The organisation's kWh per m³ of gas, beside the energy figures (the gas is one of them)."""
        self.gas_box.setVisible(self.category is Category.ENERGY)
        gas = self._gas()
        self._filling = True
        try:
            self.gas_edit.setText(_gas_text(gas) if gas is not None else "")
        finally:
            self._filling = False
        self.gas_edit.setReadOnly(self.read_only)

    def _on_gas_apply(self) -> None:
        if self._filling or self._overview is None:
            return
        old = self._overview.settings.gas_kwh_per_m3
        text = self.gas_edit.text().strip()
        if text == _gas_text(old):
            return
        if self._refuse():
            self._show_gas()
            return
        try:
            value = parse_decimal(text) if text else GAS_KWH_PER_M3
        except ValueError:
            value = None
        low, high = GAS_RANGE
        if value is None or not low <= value <= high:
            message = _("Calorific value of natural gas: “{text}” kWh/m³ is not plausible; the gas bill states "
                        "between {low} and {high} kWh/m³.").format(text=text, low=format_decimal(low),
                                                                   high=format_decimal(high))
            self._show_gas()  # the stored value again: leaving the field does not ask twice
            emit(self.message, message)
            prompts.warning(self, message)
            return
        self.set_gas_conversion(value)

    def set_gas_conversion(self, value: Decimal) -> None:
        """Store the organisation's kWh per m³ of natural gas (a step of the undo history)."""
        if self._refuse() or self._overview is None:
            return
        old = self._overview.settings.gas_kwh_per_m3
        if value == old:
            self._show_gas()  # "10" or an emptied field for the 10,0 kWh/m³ stored: shown as stored
            return
        detail = self._detail
        assert detail is not None
        service, organisation_id, audit_id = self._services.indicators, detail.audit.organisation_id, detail.audit.id
        changes = indicator_changes(audit_id)

        def run(kwh_per_m3: Decimal) -> Callable[[], Changes]:
            def call() -> Changes:
                service.set_gas_conversion(organisation_id, kwh_per_m3)
                return changes
            return call

        self._undo.push(audit_id, _("Calorific value of natural gas"), run(value), run(old),
                        on_refused=lambda _exc: self.refresh())
        emit(self.message, _("Natural gas: {value} kWh/m³").format(value=_gas_text(value)))

    # ---- the EMAS core indicators -----------------------------------------------------------

    def _show_core(self) -> None:
        overview = self._overview
        if overview is None:
            self.core_model.set_table(None)
            self.core_table.clearSpans()
            self.core_note.setText("")
            self._update_omit_buttons()
            return
        table = overview.core
        current = self.current_core_line()
        self.core_model.set_table(table, overview.settings.omitted)
        self.core_table.clearSpans()
        columns = self.core_model.columnCount()
        for row, line in enumerate(self.core_model.lines):
            if line.omitted is not None and columns > 2:
                self.core_table.setSpan(row, CoreIndicatorsModel.A_UNIT, 1, columns - CoreIndicatorsModel.A_UNIT)
        if current is not None and (row := self.core_model.row_of(current.key)) >= 0:
            self.core_table.setCurrentIndex(self.core_model.index(row, 0))
        reference = overview.settings.reference
        self._filling = True
        try:
            self.reference_combo.setCurrentIndex(max(self.reference_combo.findData(reference.quantity), 0))
            self.justification_edit.setText(reference.justification)
            self.justification_edit.setCursorPosition(0)
        finally:
            self._filling = False
        self.reference_combo.setEnabled(not self.read_only)
        self.justification_edit.setReadOnly(self.read_only)
        self.reference_button.setEnabled(not self.read_only)
        notes = []
        if not table.enough_years:
            notes.append(_("An environmental statement shows at least three years; figures are there for {n}.")
                         .format(n=len(table.years_with_data)))
        if not reference.justification:
            notes.append(_("Say why figure B describes the organisation's activity (EMAS asks for the reason)."))
        notes.append(_("R = A ÷ B. Energy in MWh as billed (gas: gross calorific value); greenhouse gases from the "
                       "CO₂ balance of each year."))
        self.core_note.setText(" ".join(notes))
        self._fit_core_columns()
        self._update_omit_buttons()

    def _fit_core_columns(self) -> None:
        header = self.core_table.horizontalHeader()
        metrics = self.core_table.fontMetrics()
        bold = QFont(self.core_table.font())
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        labels = [("    " * line.level) + line.label for line in self.core_model.lines] + [_("Core indicator")]
        widest = max(bold_metrics.horizontalAdvance(t) for t in labels) + 30
        header.resizeSection(0, min(widest, max(metrics.horizontalAdvance("x" * 40), 300)))
        for column in range(1, self.core_model.columnCount()):
            self.core_table.resizeColumnToContents(column)
            header.resizeSection(column, max(header.sectionSize(column) + 14, 64))

    # ---- leaving a core indicator out ---------------------------------------------------------------

    def current_core_line(self) -> CoreLine | None:
        index = self.core_table.currentIndex()
        line = index.data(ObjectRole) if index.isValid() else None
        return line if isinstance(line, CoreLine) else None

    def select_core_indicator(self, key: str) -> bool:
        row = self.core_model.row_of(key)
        if row < 0:
            return False
        self.core_table.setCurrentIndex(self.core_model.index(row, 0))
        return True

    def _on_core_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_omit_buttons()

    def _update_omit_buttons(self) -> None:
        line = self.current_core_line()
        omitted = self._overview.settings.omitted if self._overview is not None else {}
        self.omit_button.setEnabled(not self.read_only and self._overview is not None
                                    and any(key not in omitted for key in OMITTABLE))
        self.restore_button.setEnabled(not self.read_only and line is not None and line.omitted is not None)

    def _on_core_context_menu(self, pos: Any) -> None:
        index = self.core_table.indexAt(pos)
        if index.isValid():
            self.core_table.setCurrentIndex(index)
        self.core_menu().popup(self.core_table.viewport().mapToGlobal(pos))

    def core_menu(self) -> QMenu:
        """The context menu of the core indicators: leave the line's indicator out, or take it back."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        line = self.current_core_line()
        if line is not None and line.omitted is not None:
            take_back = menu.addAction(_("Take back in"))
            take_back.setEnabled(self.restore_button.isEnabled())
            take_back.triggered.connect(self._on_restore_clicked)
        else:
            leave_out = menu.addAction(_("Leave out indicator…"))
            leave_out.setEnabled(self.omit_button.isEnabled())
            leave_out.triggered.connect(self._on_omit_clicked)
        return menu

    def _on_omit_clicked(self) -> None:
        self.omit_indicator()

    def omit_indicator(self) -> OmitIndicatorDialog | None:
        """Ask which indicator is left out (the chosen line's, if it can be) and why."""
        if self._refuse() or self._overview is None:
            return None
        omitted = self._overview.settings.omitted
        choices = [(key, core_indicator_label(key, self._overview.core)) for key in OMITTABLE if key not in omitted]
        if not choices:
            return None
        line = self.current_core_line()
        dialog = OmitIndicatorDialog(choices, line.key if line is not None else None, self.window())
        dialog.accepted.connect(lambda: self._on_omit_accepted(dialog))
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self.omit_dialog = dialog
        dialog.open()
        return dialog

    def _on_omit_accepted(self, dialog: OmitIndicatorDialog) -> None:
        key, justification = dialog.indicator, dialog.justification
        label = core_indicator_label(key, self._overview.core if self._overview is not None else None)
        self._write_omitted(key, justification, _("Leave out {indicator}").format(indicator=label))
        emit(self.message, _("{indicator} is left out of the environmental statement.").format(indicator=label))

    def _on_restore_clicked(self) -> None:
        line = self.current_core_line()
        if line is not None and line.omitted is not None:
            self.restore_indicator(line.key)

    def restore_indicator(self, key: str) -> None:
        """Show the left-out indicator ``key`` in the statement again (a step of the undo history)."""
        if self._refuse() or self._overview is None or key not in self._overview.settings.omitted:
            return
        label = core_indicator_label(key, self._overview.core)
        self._write_omitted(key, None, _("Take back {indicator}").format(indicator=label))
        emit(self.message, _("{indicator} is shown in the environmental statement again.").format(indicator=label))

    def _write_omitted(self, key: str, justification: str | None, text: str) -> None:
        if self._refuse() or self._overview is None:
            return
        detail = self._detail
        assert detail is not None
        old = self._overview.settings.omitted.get(key)
        service, organisation_id, audit_id = self._services.indicators, detail.audit.organisation_id, detail.audit.id
        changes = indicator_changes(audit_id)

        def run(reason: str | None) -> Callable[[], Changes]:
            def call() -> Changes:
                service.set_omitted(organisation_id, key, reason)
                return changes
            return call

        self._undo.push(audit_id, text, run(justification), run(old), on_refused=lambda _exc: self.refresh())

    def _on_reference_apply(self) -> None:
        if self._refuse() or self._overview is None:
            return
        detail = self._detail
        assert detail is not None
        quantity = self.reference_combo.currentData()
        justification = " ".join(self.justification_edit.text().split())
        old = self._overview.settings.reference
        if (quantity, justification) == (old.quantity, old.justification):
            return
        service, organisation_id, audit_id = self._services.indicators, detail.audit.organisation_id, detail.audit.id
        changes = indicator_changes(audit_id)

        def run(quantity_key: str, text: str) -> Callable[[], Changes]:
            def call() -> Changes:
                service.set_reference(organisation_id, quantity_key, text)
                return changes
            return call

        self._undo.push(audit_id, _("Choose figure B"), run(quantity, justification),
                        run(old.quantity, old.justification), on_refused=lambda _exc: self.refresh())
        emit(self.message, _("Figure B: {reference}").format(reference=self.reference_combo.currentText()))

    # ---- the CO2 balance ----------------------------------------------------------------------

    def _show_co2(self) -> None:
        overview = self._overview
        if self._detail is None or overview is None:
            return
        lang = i18n.get_language()
        choice = overview.factors
        balances = {b.year: b for b in overview.balances}
        self._filling = True
        try:
            chosen = self.balance_year.currentData()
            self.balance_year.clear()
            for year in sorted(balances, reverse=True):
                self.balance_year.addItem(str(year), year)
            self.balance_year.setCurrentIndex(max(self.balance_year.findData(chosen), 0))
            self.factor_combo.clear()
            sets = self._services.indicators.factor_sets()
            self.factor_combo.addItem(_("by the audit's year ({name})").format(
                name=choice.factor_set.id if not choice.chosen else _("newest fitting set")), "")
            for set_id in sorted(sets, reverse=True):
                self.factor_combo.addItem(sets[set_id].title.get(lang), set_id)
            self.factor_combo.setCurrentIndex(max(self.factor_combo.findData(choice.chosen), 0))
            own = choice.overrides.get("electricity_grid")
            self.own_factor_edit.setText(format_decimal(own.value, None, grouping=False) if own is not None else "")
            self.own_source_edit.setText(own.source if own is not None else "")
        finally:
            self._filling = False
        for widget in (self.factor_combo, self.own_factor_button):
            widget.setEnabled(not self.read_only)
        for edit in (self.own_factor_edit, self.own_source_edit):
            edit.setReadOnly(self.read_only)
        balance = balances.get(self.balance_year.currentData())
        if balance is None:
            self.balance_table.setRowCount(0)
            self.balance_label.setText(escape(_("No figures in the years shown: nothing to balance.")))
            self.balance_notes.setText("")
            return
        self._fill_balance(balance)

    def _fill_balance(self, balance: Balance) -> None:
        lang = i18n.get_language()
        by_scope = balance.by_scope
        parts = []
        for scope, amount in by_scope.items():
            name = escape(_("Scope {n}").format(n=scope))
            parts.append(f"{name}&nbsp;<b>{escape(format_quantity(amount))}</b>&nbsp;t")
        total = escape(format_quantity(balance.total))
        heading = escape(_("CO₂ balance {year}:").format(year=balance.year))
        total_word = escape(_("Total"))
        self.balance_label.setText(f"{heading}&nbsp;&nbsp;" + "&nbsp;&nbsp;·&nbsp;&nbsp;".join(parts)
                                   + f"&nbsp;&nbsp;·&nbsp;&nbsp;{total_word}&nbsp;<b>{total}&nbsp;t&nbsp;CO₂e</b>")
        table = self.balance_table
        table.setRowCount(len(balance.lines))
        for r, line in enumerate(balance.lines):
            source = QUANTITIES[line.quantity].label.get(lang) if line.quantity in QUANTITIES else line.quantity
            if line.detail:
                source = f"{source}: {line.detail}"
            amount = f"{format_quantity(line.recorded)} {line.unit}"
            if line.amount != line.recorded:
                amount += "\n" + _("= {amount} {unit} (net calorific value)").format(
                    amount=format_decimal(line.amount, 0), unit=line.unit)
            factor = line.factor
            factor_text = f"{format_decimal(factor.value, None)} {unit_label(factor.unit)}"
            where = factor.source
            if factor.year and str(factor.year) not in where:
                where += f" ({factor.year})"
            if factor.override:
                where = _("own factor: {source}").format(source=where)
            elif factor.fallback and factor.requested_year is not None:
                where += "\n" + _("No factor for {key} in {requested}; the value of {year} is used.").format(
                    key=source, requested=factor.requested_year, year=factor.year)
            cells = [str(line.scope), source, amount, factor_text, where, format_quantity(line.t_co2e)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                elif c in (2, 3, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        notes = []
        for missing in balance.missing:
            name = QUANTITIES[missing.quantity].label.get(lang) if missing.quantity in QUANTITIES else missing.quantity
            if missing.detail:
                name = f"{name}: {missing.detail}"
            notes.append(escape(_("Not counted – no emission factor for {what} ({amount} {unit}).").format(
                what=name, amount=format_quantity(missing.recorded), unit=missing.unit)))
        notes.append(escape(_("Scope 2 is location-based (the grid mix of the year); a green tariff shows in the "
                              "renewable share of the core indicators, a supplier's factor as an own factor.")))
        self.balance_notes.setText("<br>".join(notes))

    def _on_balance_year_changed(self, _index: int) -> None:
        if not self._filling and self._detail is not None:
            self._show_co2()

    def _on_factor_combo_changed(self, _index: int) -> None:
        if self._filling or self._refuse() or self._overview is None:
            return
        self._write_factors(self.factor_combo.currentData() or "", None, _("Choose the emission factors"))

    def _on_own_factor_apply(self) -> None:
        if self._refuse() or self._overview is None:
            return
        text = self.own_factor_edit.text().strip()
        source = " ".join(self.own_source_edit.text().split())
        overrides = dict(self._overview.factors.overrides)
        if not text:
            if "electricity_grid" not in overrides:
                return
            overrides.pop("electricity_grid")
            self._write_factors(self._overview.factors.chosen, overrides, _("Remove the own electricity factor"))
            return
        try:
            value = parse_decimal(text)
        except ValueError:
            prompts.warning(self, _("Own electricity factor: “{text}” is not a number.").format(text=text))
            return
        if not source:
            prompts.warning(self, _("An own factor needs its source (the supplier's electricity labelling, a "
                                    "certificate)."))
            self.own_source_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        try:
            overrides["electricity_grid"] = FactorOverride("electricity_grid", value, source)
        except OekoauditError as exc:
            prompts.warning(self, error_text(exc))
            return
        self._write_factors(self._overview.factors.chosen, overrides, _("Own electricity factor"))

    def _write_factors(self, set_id: str, overrides: dict[str, FactorOverride] | None, text: str) -> None:
        detail = self._detail
        assert detail is not None and self._overview is not None
        service, audit_id = self._services.indicators, detail.audit.id
        old_set, old = self._overview.factors.chosen, dict(self._overview.factors.overrides)
        new = old if overrides is None else overrides
        changes = indicator_changes(audit_id)

        def run(factor_set: str, values: dict[str, FactorOverride]) -> Callable[[], Changes]:
            def call() -> Changes:
                service.set_factors(audit_id, factor_set, values)
                return changes
            return call

        self._undo.push(audit_id, text, run(set_id, new), run(old_set, old), on_refused=lambda _exc: self.refresh())

    # ---- reactions ----------------------------------------------------------------------

    def _on_notifier_changed(self, changes: Any) -> None:
        if self._detail is None or not isinstance(changes, Changes):
            return
        if not (changes.indicators or changes.organisations or changes.audits):
            return
        self.read_when_shown()


def _gas_text(value: Decimal) -> str:
    """kWh per m³ as the gas bill shows it: at least one decimal (10,0; 10,35), no grouping."""
    exponent = value.normalize().as_tuple().exponent
    places = min(max(-exponent, 1), 3) if isinstance(exponent, int) else 1
    return format_decimal(value, places, grouping=False)


def _write_figure(service: Any, organisation_id: str, edit: FigureEdit) -> None:
    """Store one figure, or remove the figure recorded for its site, year, quantity and detail."""
    if edit.value is not None:
        service.set_value(organisation_id, edit.year, edit.quantity, edit.value, edit.unit, site=edit.site_id,
                          source=edit.source, details=_as_entered(edit.details))
        return
    key = detail_key(edit.quantity, edit.details)
    for value in service.values(organisation_id, edit.year):
        if value.site_id == edit.site_id and value.quantity == edit.quantity \
                and detail_key(value.quantity, value.details) == key:
            service.delete_value(value.id)


def _as_entered(details: dict[str, Any]) -> dict[str, Any]:
    """Stored details as one enters them: a waste code with its star ("12 01 09*") says whether the
    waste is hazardous, so the stored flag is not given again beside it."""
    if WASTE_CODE not in details:
        return dict(details)
    entered = {k: v for k, v in details.items() if k != HAZARDOUS}
    code = str(details.get(WASTE_CODE, ""))
    if len(code) == 6 and code.isdigit():
        entered[WASTE_CODE] = format_waste_code(code, bool(details.get(HAZARDOUS)))
    return entered
