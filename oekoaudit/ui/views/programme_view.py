"""The environmental programme: the measures of the open audit (or of its whole organisation) as
an editable table.

Above the table the award rules that count measures (met / not met) and the totals of the rows
shown; filters by area, status and year; below, the totals per area, year or status. Every cell
but payback, findings and evidence is edited in place (double-click, F2 or typing); "Edit…" (or
Enter) opens the measure with every field, the findings it answers and its photos. Every edit is
a step of the audit's undo history, written on the single writer. Files dropped onto a row are
imported and linked to that measure (``evidence_ui.watch_rows``, wired by the workspace).

On a closed audit the programme is shown as it is, read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.domain.audit import AuditDetail
from oekoaudit.domain.award import AwardCheck, AwardRule
from oekoaudit.domain.changes import Changes
from oekoaudit.domain.indicators import ENERGY_CARRIERS, QUANTITIES
from oekoaudit.domain.programme import Co2Origin, Measure, MeasureStatus, MeasureTotals, measure_year, totals
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, ngettext
from oekoaudit.services import Services, labels
from oekoaudit.ui import prompts, style
from oekoaudit.ui.dialogs.measure import MeasureContext, MeasureDialog
from oekoaudit.ui.models.findings_model import format_date
from oekoaudit.ui.models.measures_model import (
    DEFAULT_COLUMNS,
    EDITOR_CHOICE,
    EDITOR_DATE,
    EDITOR_NUMBER,
    FIELDS,
    Column,
    EditorRole,
    MeasuresModel,
    ObjectRole,
    SortRole,
    status_label,
)
from oekoaudit.ui.numbers import format_decimal, format_quantity
from oekoaudit.ui.prompts import error_text
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import ChangeNotifier, DbWorker
from oekoaudit.ui.undo import UndoManager
from oekoaudit.ui.views.lazy_view import summary_frame
from oekoaudit.ui.views.shown import ReadsWhenShown
from oekoaudit.ui.widgets.tables import LinesDelegate, RowTable, empty_label, setup_table
from oekoaudit.ui.widgets.view_header import view_frame

#: the award rules that count measures (the others are the checklist's, on the overview)
MEASURE_RULES = frozenset({AwardRule.MEASURES_IMPLEMENTED, AwardRule.MEASURES_PLANNED}
                          | {r for r in AwardRule if r.value == "measures_per_year"})
GROUPINGS = ("area", "year", "status")
#: what the title column keeps at least before the other columns get narrower
TITLE_ROOM = 230
#: the least the title gets before the table scrolls sideways
TITLE_LEAST = 170
#: the columns whose texts wrap when room is short (numbers and dates keep their width)
SHRINKING = frozenset({Column.AREA, Column.OWNER, Column.PRIORITY, Column.CARRIER, Column.FINDINGS})
#: the areas offered when the measures use none of a set's yet
DEFAULT_AREA_SET = "oekoprofit"
SCOPE_AUDIT = "audit"
SCOPE_ORGANISATION = "organisation"


# ---- filtering --------------------------------------------------------------------------------


class MeasuresProxy(QSortFilterProxyModel):
    """Sorts by :data:`SortRole`; shows the measures of an area, a status and a year (None: all)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.area: str | None = None
        self.status: str | None = None
        self.year: int | None = None

    def set_filter(self, area: str | None, status: str | None, year: int | None) -> None:
        self.beginFilterChange()
        self.area, self.status, self.year = area, status, year
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Any) -> bool:  # noqa: N802
        measure = self.sourceModel().index(source_row, 0, source_parent).data(ObjectRole)
        if not isinstance(measure, Measure):
            return False
        if self.area is not None and measure.area != self.area:
            return False
        if self.status is not None and measure.status.value != self.status:
            return False
        return self.year is None or measure_year(measure) == self.year

    def measures(self) -> list[Measure]:
        return [self.index(row, 0).data(ObjectRole) for row in range(self.rowCount())]


# ---- editing in place ---------------------------------------------------------------------------


def _source(index: QModelIndex) -> tuple[MeasuresModel | None, QModelIndex]:
    model: QAbstractItemModel = index.model()
    while isinstance(model, QSortFilterProxyModel):
        index = model.mapToSource(index)
        model = model.sourceModel()
    return (model if isinstance(model, MeasuresModel) else None), index


class MeasureDelegate(LinesDelegate):
    """Texts wrap to two lines (as in the other tables); the editor a cell asks for
    (:data:`EditorRole`): a combo for area, status, priority and carrier; a line for texts,
    numbers (as the user types them) and dates (dd.mm.yyyy)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Any) -> QWidget:  # noqa: N802
        kind = index.data(EditorRole)
        model, source = _source(index)
        if kind == EDITOR_CHOICE and model is not None:
            combo = QComboBox(parent)
            combo.setObjectName("measure_cell_combo")
            for label, value in model.choices(model.column_at(source.column())):
                combo.addItem(label, value)
            return combo
        edit = QLineEdit(parent)
        edit.setObjectName("measure_cell_edit")
        if kind == EDITOR_NUMBER:
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif kind == EDITOR_DATE:
            edit.setPlaceholderText(_("dd.mm.yyyy"))
        return edit

    def setEditorData(self, editor: QWidget, index: Any) -> None:  # noqa: N802
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            found = editor.findData(value.value if hasattr(value, "value") else value)
            editor.setCurrentIndex(max(found, 0))
            return
        if isinstance(editor, QLineEdit):
            if isinstance(value, Decimal):
                editor.setText(format_decimal(value, grouping=False))
            elif isinstance(value, date):
                editor.setText(format_date(value) if i18n.get_language() == "de" else value.strftime("%d.%m.%Y"))
            else:
                editor.setText("" if value is None else str(value))
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Any) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


# ---- undo ------------------------------------------------------------------------------------


def measure_changes(audit_id: str | None) -> Changes:
    return Changes(measures=True, audit_id=audit_id)


@dataclass(frozen=True, slots=True)
class Writer:
    """The service calls of the programme, as plain functions the single writer runs."""

    create: Callable[[dict[str, Any]], Measure]
    update: Callable[[str, dict[str, Any]], Measure]
    delete: Callable[[str], Any]
    restore: Callable[[str], Any]


# ---- the view -------------------------------------------------------------------------------


class ProgrammeView(ReadsWhenShown, QWidget):
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
        self._filling = False
        self._dialog: MeasureDialog | None = None
        self._measures: list[Measure] = []
        #: the programme as last read (MeasureService.programme), its measures by id
        self._programme: Any = None
        self._views_by_id: dict[str, Any] = {}
        #: the user chose the columns (the evidence column no longer follows the evidence)
        self._columns_chosen = False
        #: the window's evidence (EvidenceUi): counts per measure, the dialog's strip
        self.evidence_ui: Any = None
        self.setObjectName("programme_view")
        self.model = MeasuresModel(self)
        self.proxy = MeasuresProxy(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self._connect_signals()
        self._update_state()

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        frame = view_frame(self, _("Environmental programme"))
        layout, top, self.heading, self.count_label = frame.layout, frame.top, frame.heading, frame.count_label
        self.new_button = QPushButton(_("New measure…"), self)
        self.new_button.setObjectName("new_measure_button")
        self.edit_button = QPushButton(_("Edit…"), self)
        self.delete_button = QPushButton(_("Delete"), self)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.delete_button)

        self.summary = summary_frame(self)
        box = QVBoxLayout(self.summary)
        box.setContentsMargins(12, 8, 12, 8)
        box.setSpacing(5)
        self.award_label = QLabel(self.summary)
        self.award_label.setObjectName("programme_award")
        self.award_label.setTextFormat(Qt.TextFormat.RichText)
        self.award_label.setWordWrap(True)
        self.totals_label = QLabel(self.summary)
        self.totals_label.setObjectName("programme_totals")
        self.totals_label.setTextFormat(Qt.TextFormat.RichText)
        self.totals_label.setWordWrap(True)
        box.addWidget(self.award_label)
        box.addWidget(self.totals_label)
        layout.addWidget(self.summary)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.scope_check = QCheckBox(_("All audits"), self)
        self.scope_check.setObjectName("programme_scope")
        self.scope_check.setToolTip(_("Show the measures of every audit of the organisation (a measure carried "
                                      "over to a later audit only once), not only this audit's"))
        self.area_filter = self._filter_combo("programme_area_filter")
        self.status_filter = self._filter_combo("programme_status_filter")
        self.year_filter = self._filter_combo("programme_year_filter")
        for text, combo in ((_("Area:"), self.area_filter), (_("Status:"), self.status_filter),
                            (_("Year:"), self.year_filter)):
            label = QLabel(text, self)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo, 1)
            filters.addSpacing(8)
        filters.addWidget(self.scope_check)
        filters.addStretch(1)
        self.shown_label = QLabel(self)
        self.shown_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        filters.addWidget(self.shown_label)
        layout.addLayout(filters)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("programme_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.table = RowTable(self.splitter)
        self.table.setObjectName("measures_table")
        self.table.setModel(self.proxy)
        metrics = self.table.fontMetrics()
        setup_table(self.table, {}, stretch=int(Column.TITLE), wrapped=())
        header = self.table.horizontalHeader()
        # every width is set by fit_columns (Qt misplaces hidden columns when a stretching one changes mode)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(48)
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.setToolTip(_("Right-click to choose the columns"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.delegate = MeasureDelegate(self.table)
        self.table.setItemDelegate(self.delegate)
        self.table.viewport().installEventFilter(self)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setDefaultSectionSize(metrics.lineSpacing() * 2 + 14)
        for column in Column:
            self.table.setColumnHidden(int(column), column not in DEFAULT_COLUMNS)
        self.empty = empty_label(self)
        self.stack = QStackedWidget(self.splitter)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self._build_totals())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout.addWidget(self.splitter, 1)

    # ---- column widths ----------------------------------------------------------------------

    def _natural_widths(self) -> dict[int, int]:
        """Each shown column as wide as its header and its values need (the title takes the rest)."""
        metrics = self.table.fontMetrics()
        widths: dict[int, int] = {}
        for column in Column:
            section = int(column)
            if column is Column.TITLE or self.table.isColumnHidden(section):
                continue
            header = str(self.model.headerData(section, Qt.Orientation.Horizontal) or "")
            texts = [str(self.model.index(r, section).data() or "") for r in range(self.model.rowCount())]
            most = 190 if column in SHRINKING else 150
            if column is Column.STATUS:
                bold = QFont(self.table.font())
                bold.setBold(True)
                metrics_used = QFontMetrics(bold)
            else:
                metrics_used = metrics
            widest = max([metrics_used.horizontalAdvance(t) + 18 for t in texts]
                         + [metrics.horizontalAdvance(line) + 24 for line in header.split("\n")])
            widths[section] = min(widest, most)
        return widths

    def fit_columns(self) -> None:
        """The natural widths; when the title would get less than :data:`TITLE_ROOM`, the text
        columns (area, owner, …) get narrower in proportion and wrap, the numbers and dates not."""
        natural = self._natural_widths()
        shrinking = {c: w for c, w in natural.items() if Column(c) in SHRINKING}
        fixed = sum(w for c, w in natural.items() if c not in shrinking)
        available = self.table.viewport().width() - TITLE_ROOM - fixed
        total = sum(shrinking.values())
        scale = min(1.0, available / total) if total and available > 0 else 1.0 if available > 0 else 0.0
        header = self.table.horizontalHeader()
        for section, width in natural.items():
            header.resizeSection(section, max(64, int(width * scale)) if section in shrinking else width)
        # the title takes the rest; too narrow even so, it keeps its room and the table scrolls sideways
        used = sum(header.sectionSize(section) for section in natural)
        header.resizeSection(int(Column.TITLE), max(TITLE_LEAST, self.table.viewport().width() - used))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return False

    def _filter_combo(self, name: str) -> QComboBox:
        """A filter: as wide as its entries, narrower (eliding) when the window is."""
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        combo.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        combo.currentTextChanged.connect(combo.setToolTip)
        return combo

    def _build_totals(self) -> QWidget:
        panel = QWidget(self.splitter)
        panel.setObjectName("programme_totals_panel")
        self.totals_panel = panel
        box = QVBoxLayout(panel)
        box.setContentsMargins(0, 6, 0, 0)
        box.setSpacing(4)
        row = QHBoxLayout()
        title = QLabel(_("Totals by"), panel)
        title.setStyleSheet("font-weight: bold;")
        self.grouping_combo = QComboBox(panel)
        self.grouping_combo.setObjectName("programme_grouping")
        for key, text in (("area", _("area")), ("year", _("year")), ("status", _("status"))):
            self.grouping_combo.addItem(text, key)
        title.setBuddy(self.grouping_combo)
        row.addWidget(title)
        row.addWidget(self.grouping_combo)
        row.addStretch(1)
        self.totals_note = QLabel(panel)
        self.totals_note.setStyleSheet(f"color: {style.MUTED_TEXT};")
        row.addWidget(self.totals_note)
        box.addLayout(row)
        self.totals_table = QTableWidget(panel)
        self.totals_table.setObjectName("programme_totals_table")
        headers = [_("Group"), _("Measures"), _("Investment €"), _("One-off €"), _("€/year"), _("kWh/year"),
                   _("m³/year"), _("t/year"), _("t CO₂/year"), _("Payback (years)")]
        self.totals_table.setColumnCount(len(headers))
        self.totals_table.setHorizontalHeaderLabels(headers)
        self.totals_table.verticalHeader().setVisible(False)
        self.totals_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.totals_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.totals_table.setAlternatingRowColors(True)
        self.totals_table.setShowGrid(False)
        self.totals_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.totals_table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        first = self.totals_table.horizontalHeaderItem(0)
        if first is not None:
            first.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.totals_table.verticalHeader().setDefaultSectionSize(self.totals_table.fontMetrics().lineSpacing() + 10)
        box.addWidget(self.totals_table, 1)
        return panel

    def _connect_signals(self) -> None:
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.delete_button.clicked.connect(self.delete_current)
        self.table.open_requested.connect(self._on_table_open)
        self.table.delete_requested.connect(self.delete_current)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.table.horizontalHeader().customContextMenuRequested.connect(self._on_header_menu_requested)
        self.model.edit_requested.connect(self._on_model_edit_requested)
        self.model.input_refused.connect(self._on_model_input_refused)
        for combo in (self.area_filter, self.status_filter, self.year_filter):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.scope_check.toggled.connect(self._on_scope_changed)
        self.grouping_combo.currentIndexChanged.connect(self._update_totals)
        self._notifier.changed.connect(self._on_notifier_changed)

    # ---- state --------------------------------------------------------------------------

    @property
    def detail(self) -> AuditDetail | None:
        return self._detail

    @property
    def closed(self) -> bool:
        """The audit is signed: its programme takes no new measures (the existing ones are still
        followed up, like a finding's corrective action)."""
        return self._detail is not None and self._detail.audit.read_only

    @property
    def scope(self) -> str:
        return SCOPE_ORGANISATION if self.scope_check.isChecked() else SCOPE_AUDIT

    def set_detail(self, detail: AuditDetail | None) -> None:
        """The open audit; read now if the view is shown, else when it is."""
        changed = (detail.audit.id if detail else None) != (self._detail.audit.id if self._detail else None)
        self._detail = detail
        if changed:
            self._undo_filters()
        if detail is None:
            self._stale = False
            self._show([])
            return
        self.read_when_shown()

    def _read(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Read the programme (measures with payback, CO2 and evidence; what the table offers) again."""
        self._stale = False
        detail = self._detail
        if detail is None:
            self._show([])
            return
        ref = detail.audit.organisation_id if self.scope == SCOPE_ORGANISATION else detail.audit.id
        try:
            self._programme = self._services.measures.programme(ref)
            views = list(self._programme.measures)
        except OekoauditError as exc:
            emit(self.message, error_text(exc))
            self._programme = None
            views = []
        self._views_by_id = {v.measure.id: v for v in views}
        self.model.set_choices(self._areas(), self._carriers(), self._finding_labels(detail))
        self._show(views)

    def _show(self, views: list[Any]) -> None:
        keep = self.current_measure()
        self._measures = [v.measure for v in views]
        self.model.set_editable(self._detail is not None)
        self.model.set_read_only_ids({v.measure.id for v in views if v.superseded})
        self.model.set_measures(self._measures, {v.measure.id: len(v.evidence_ids) for v in views},
                                {v.measure.id: v.co2 for v in views})
        self._fill_filters()
        if not self._columns_chosen:
            self.table.setColumnHidden(int(Column.EVIDENCE), not self.model.evidence_total())
        self.fit_columns()
        if keep is not None:
            self.select_measure(keep.id)
        self._update_state()

    def current_measure(self) -> Measure | None:
        index = self.table.currentIndex()
        measure = index.data(ObjectRole) if index.isValid() else None
        return measure if isinstance(measure, Measure) else None

    def select_measure(self, measure_id: str) -> bool:
        row = self.model.row_of(measure_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def _update_state(self) -> None:
        detail = self._detail
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        self.count_label.setText(ngettext("{n} measure", "{n} measures", total).format(n=total))
        self.count_label.setVisible(bool(total))
        self.shown_label.setText(_("{shown} of {total} shown").format(shown=shown, total=total) if total else "")
        self.new_button.setEnabled(detail is not None and not self.closed)
        self.new_button.setToolTip(_("The audit is closed: new measures go into the organisation's current audit.")
                                   if self.closed else _("Add a measure to this audit's programme"))
        self._update_buttons()
        self.stack.setCurrentWidget(self.table if shown else self.empty)
        self.totals_panel.setVisible(bool(shown))
        if detail is None:
            self.empty.setText("")
        elif total and not shown:
            self.empty.setText("<p style='font-size: large;'>" + escape(_("No measure matches the filters.")) + "</p>")
        elif self.closed:
            self.empty.setText(escape(_("This audit has no measures.")))
        else:
            self.empty.setText(
                "<p style='font-size: large;'>" + escape(_("No measures yet.")) + "</p><p>"
                + escape(_("The environmental programme lists what the organisation does to improve: "
                           "“New measure…” above, or File → Import measures… for a spreadsheet.")) + "</p>")
        self._update_award()
        self._update_totals()

    # ---- what the table offers -------------------------------------------------------------

    def _areas(self) -> dict[str, str]:
        """The areas of the programme's set (the municipal action fields where the measures use
        them, else the ÖKOPROFIT areas), then free areas in use."""
        lang = i18n.get_language()
        sets = self._services.measures.area_sets()
        in_use = {m.area for m in self._measures if m.area}
        chosen = max(sets.values(), key=lambda a: (len(in_use & {x.key for x in a.areas}), a.id == DEFAULT_AREA_SET),
                     default=None)
        areas = {a.key: a.label.get(lang) for a in chosen.areas} if chosen is not None else {}
        for key in sorted(in_use - set(areas)):
            areas[key] = self._services.measures.area_label(key)
        return areas

    @staticmethod
    def _carriers() -> dict[str, str]:
        lang = i18n.get_language()
        return {key: QUANTITIES[key].label.get(lang) for key in ENERGY_CARRIERS}

    @staticmethod
    def _finding_labels(detail: AuditDetail) -> dict[str, str]:
        out = {}
        for finding in detail.findings:
            ref = finding.requirement_ref or _("no requirement")
            out[finding.id] = f"{ref} – {labels.finding_class(finding.finding_class)}"
        return out

    # ---- filters --------------------------------------------------------------------------

    def _undo_filters(self) -> None:
        """A new audit starts with every measure shown."""
        self._filling = True
        try:
            for combo in (self.area_filter, self.status_filter, self.year_filter):
                combo.setCurrentIndex(0)
            self.scope_check.setChecked(False)
        finally:
            self._filling = False
        self.proxy.set_filter(None, None, None)

    def _fill_filters(self) -> None:
        self._filling = True
        try:
            self._refill(self.area_filter, [(label, key) for key, label in self.model.area_choices()
                                            if any(m.area == key for m in self._measures)]
                         + ([(_("no area"), "")] if any(not m.area for m in self._measures) else []))
            self._refill(self.status_filter, [(status_label(s), s.value) for s in
                                              sorted({m.status for m in self._measures},
                                                     key=lambda s: list(type(s)).index(s))])
            years = sorted({y for y in (measure_year(m) for m in self._measures) if y is not None}, reverse=True)
            self._refill(self.year_filter, [(str(y), y) for y in years])
        finally:
            self._filling = False
        self._apply_filters()

    @staticmethod
    def _refill(combo: QComboBox, entries: list[tuple[str, Any]]) -> None:
        chosen = combo.currentData()
        combo.clear()
        combo.addItem(_("all"), None)
        for label, value in entries:
            combo.addItem(label, value)
        index = combo.findData(chosen) if chosen is not None else 0
        combo.setCurrentIndex(max(index, 0))

    def _apply_filters(self) -> None:
        self.proxy.set_filter(self.area_filter.currentData(), self.status_filter.currentData(),
                              self.year_filter.currentData())

    def set_filters(self, area: str | None = None, status: str | None = None, year: int | None = None) -> None:
        """Choose the filters as the user does (None: all)."""
        for combo, value in ((self.area_filter, area), (self.status_filter, status), (self.year_filter, year)):
            combo.setCurrentIndex(max(combo.findData(value), 0) if value is not None else 0)

    def _on_filter_changed(self, _index: int) -> None:
        if self._filling:
            return
        self._apply_filters()
        self._update_state()

    def _on_scope_changed(self, _checked: bool) -> None:
        if not self._filling:
            self.refresh()

    # ---- award and totals -----------------------------------------------------------------

    def _award_checks(self) -> list[AwardCheck]:
        detail = self._detail
        if detail is None or detail.checklist.award is None:
            return []
        try:
            result = self._services.reuse.award_for(detail)
        except OekoauditError:
            return []
        return [c for c in result.checks if c.rule in MEASURE_RULES] if result is not None else []

    def _update_award(self) -> None:
        checks = self._award_checks()
        self.award_label.setVisible(bool(checks))
        if not checks:
            self.award_label.setText("")
            return
        parts = []
        for check in checks:
            mark, colour = ("✓", style.ACCENT) if check.passed else ("✗", style.ERROR_TEXT)
            verdict = _("met") if check.passed else _("not met")
            parts.append(f"<span style='color:{colour}'><b>{mark}</b></span>&nbsp;"
                         + escape(labels.award_check(check.rule, check.key, check.required, check.actual))
                         + f" – <span style='color:{colour}'>{escape(verdict)}</span>")
        title = escape(_("Award rules:"))
        self.award_label.setText(f"<b>{title}</b>&nbsp;&nbsp;" + "&nbsp;&nbsp;·&nbsp;&nbsp;".join(parts))

    def _totals(self, by: str | None) -> dict[Any, MeasureTotals]:
        """The sums of the measures shown, grouped ``by`` (None: all); CO2 as the programme has it
        (given, or derived from the kWh with the audit's factors)."""
        shown = []
        derived: dict[Any, int] = {}
        for measure in self.proxy.measures():
            view = self._views_by_id.get(measure.id)
            co2 = view.co2 if view is not None else None
            if co2 is not None and co2.t_co2 is not None and measure.savings_t_co2_per_year is None:
                measure = replace(measure, savings_t_co2_per_year=co2.t_co2)
                if co2.origin is Co2Origin.DERIVED and measure.status is not MeasureStatus.DROPPED:
                    key = _group_key(measure, by)
                    derived[key] = derived.get(key, 0) + 1
            shown.append(measure)
        return {key: replace(t, co2_derived=derived.get(key, 0)) for key, t in totals(shown, by).items()}

    def _update_totals(self, *_args: Any) -> None:
        overall = self._totals(None).get(None)
        self.summary.setVisible(self._detail is not None and (overall is not None or not self.award_label.isHidden()))
        if overall is None:
            self.totals_label.setText(escape(_("Nothing to add up yet: no measure shown saves anything.")))
        else:
            self.totals_label.setText(self._totals_html(overall))
        self._fill_totals_table()

    def _totals_html(self, t: MeasureTotals) -> str:
        parts = [(_("Investment"), format_decimal(t.investment_eur, 0) + " €"),
                 (_("Savings"), format_decimal(t.savings_eur_per_year, 0) + " " + _("€/year"))]
        if t.savings_eur_once:
            parts.append((_("one-off"), format_decimal(t.savings_eur_once, 0) + " €"))
        if t.savings_kwh_per_year:
            parts.append((_("Energy"), format_decimal(t.savings_kwh_per_year, 0) + " " + _("kWh/year")))
        if t.savings_m3_per_year:
            parts.append((_("Water"), format_quantity(t.savings_m3_per_year) + " " + _("m³/year")))
        if t.savings_t_per_year:
            parts.append((_("Waste/material"), format_quantity(t.savings_t_per_year) + " " + _("t/year")))
        if t.savings_t_co2_per_year:
            parts.append(("CO₂", format_quantity(t.savings_t_co2_per_year) + " " + _("t/year")))
        years = t.payback_years
        if years is not None:
            parts.append((_("Payback"), _("{years} years").format(years=format_decimal(years, 1))))
        head = escape(_("Totals of the measures shown (without dropped ones):"))
        body = " &nbsp;· ".join(f"{_unbroken(escape(k))}&nbsp;<b>{_unbroken(escape(v))}</b>" for k, v in parts)
        return f"<span style='color:{style.MUTED_TEXT}'>{head}</span><br>{body}"

    def _group_label(self, by: str, key: Any) -> str:
        if key is None or key == "":
            return {"area": _("no area"), "year": _("no year")}.get(by, "–")
        if by == "area":
            return self.model.area_label(str(key))
        if by == "status":
            try:
                return status_label(type(self._measures[0].status)(key)) if self._measures else str(key)
            except ValueError:
                return str(key)
        return str(key)

    def _fill_totals_table(self) -> None:
        by = self.grouping_combo.currentData() or "area"
        groups = self._totals(by)
        overall = self._totals(None).get(None)

        def order(key: Any) -> Any:
            if by == "area":
                keys = [k for k, _label in self.model.area_choices()]
                return (keys.index(key) if key in keys else len(keys), str(key))
            if by == "year":
                return (key is None, key or 0)
            return str(key)

        rows = [(self._group_label(by, key), groups[key], False) for key in sorted(groups, key=order)]
        if overall is not None and len(rows) > 1:
            rows.append((_("Total"), overall, True))
        table = self.totals_table
        table.setRowCount(len(rows))
        bold = QFont(table.font())
        bold.setBold(True)
        for r, (label, t, is_total) in enumerate(rows):
            payback = t.payback_years
            cells = [label, str(t.count), _sum(t.investment_eur, 0), _sum(t.savings_eur_once, 0),
                     _sum(t.savings_eur_per_year, 0), _sum(t.savings_kwh_per_year, 0),
                     _sum(t.savings_m3_per_year), _sum(t.savings_t_per_year), _sum(t.savings_t_co2_per_year),
                     format_decimal(payback, 1) if payback is not None else "–"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment((Qt.AlignmentFlag.AlignLeft if c == 0 else Qt.AlignmentFlag.AlignRight)
                                      | Qt.AlignmentFlag.AlignVCenter)
                if is_total:
                    item.setFont(bold)
                table.setItem(r, c, item)
        shown_rows = min(len(rows), 6)
        table.setMinimumHeight(table.horizontalHeader().sizeHint().height() + 4
                               + shown_rows * table.verticalHeader().defaultSectionSize())
        derived = overall.co2_derived if overall is not None else 0
        self.totals_note.setText(_("{n} of the CO₂ figures derived from the energy saved").format(n=derived)
                                 if derived else "")

    # ---- editing -------------------------------------------------------------------------

    def _writer(self) -> Writer:
        measures = self._services.measures
        detail = self._detail
        assert detail is not None
        organisation_id, audit_id, site_id = detail.audit.organisation_id, detail.audit.id, detail.audit.site_id

        def create(values: dict[str, Any]) -> Measure:
            fields = dict(values)
            title = fields.pop("title")
            return measures.create(organisation_id, title, audit_id=audit_id, site_id=site_id, **fields)

        return Writer(create=create, update=lambda measure_id, values: measures.update(measure_id, **values),
                      delete=measures.delete, restore=measures.restore)

    def _refuse(self, adding: bool = False) -> bool:
        """True (and the status bar says why) when the programme cannot take this change now:
        no audit, or a new or deleted measure on a closed audit."""
        if self._detail is None:
            emit(self.message, _("Open an audit first."))
            return True
        if adding and self.closed:
            emit(self.message, _("The audit is closed: new measures go into the organisation's current audit."))
            return True
        return False

    def _on_model_edit_requested(self, measure: Any, field: str, new: Any, old: Any) -> None:
        if self._refuse() or not isinstance(measure, Measure):
            self.refresh()
            return
        writer, audit_id = self._writer(), self._audit_id()
        changes = measure_changes(audit_id)
        measure_id = measure.id

        def run(values: dict[str, Any]) -> Callable[[], Changes]:
            def call() -> Changes:
                writer.update(measure_id, values)
                return changes
            return call

        text = _("Change {field} of “{title}”").format(field=self._field_label(field), title=_short(measure.title))
        self._undo.push(audit_id, text, run({field: new}), run({field: old}),
                        on_refused=lambda _exc: self.refresh())

    def _on_model_input_refused(self, message: str) -> None:
        emit(self.message, message)
        prompts.warning(self, message)

    def _audit_id(self) -> str:
        assert self._detail is not None
        return self._detail.audit.id

    def _field_label(self, field: str) -> str:
        column = next((c for c, f in FIELDS.items() if f == field), None)
        return self.model.header_line(column) if column is not None else field

    def _context(self, detail: AuditDetail, measure: Measure | None = None, read_only: bool = False) -> MeasureContext:
        findings = list(self._finding_labels(detail).items())
        view = self._views_by_id.get(measure.id) if measure is not None else None
        derived = view.co2.t_co2 if view is not None and view.co2.origin is Co2Origin.DERIVED else None
        return MeasureContext(organisation_id=detail.audit.organisation_id, audit_id=detail.audit.id,
                              areas=self.model.area_choices(), carriers=list(self._carriers().items()),
                              findings=findings, read_only=read_only, derived_co2=derived,
                              prefill={"area": self.area_filter.currentData() or ""})

    def _show_dialog(self, measure: Measure | None) -> MeasureDialog | None:
        detail = self._detail
        if detail is None:
            emit(self.message, _("Open an audit first."))
            return None
        if self._dialog is not None:
            self._dialog.close()
        writer = self._writer()
        read_only = measure is not None and self.model.is_read_only(measure)
        dialog = MeasureDialog(self._worker, self._context(detail, measure, read_only), writer.create, writer.update,
                               measure, parent=self.window())
        if self.evidence_ui is not None:
            dialog.attach_evidence(self.evidence_ui)
        dialog.saved.connect(self._on_dialog_saved)
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self._dialog = dialog
        dialog.open()
        return dialog

    @property
    def active_dialog(self) -> MeasureDialog | None:
        return self._dialog

    def _forget_dialog(self, dialog: MeasureDialog) -> None:
        if self._dialog is dialog:
            self._dialog = None
        dialog.deleteLater()

    def _on_dialog_saved(self, measure: Any, old: Any, new: Any) -> None:
        if not isinstance(measure, Measure) or self._detail is None:
            return
        writer, audit_id = self._writer(), self._audit_id()
        changes = measure_changes(audit_id)
        measure_id = measure.id

        def run(action: Callable[[], Any]) -> Callable[[], Changes]:
            def call() -> Changes:
                action()
                return changes
            return call

        if old is None:
            self._undo.record_done(audit_id, _("New measure"), run(lambda: writer.restore(measure_id)),
                                   run(lambda: writer.delete(measure_id)), changes)
            emit(self.message, _("Measure added: {title}").format(title=_short(measure.title)))
        else:
            self._undo.record_done(audit_id, _("Edit measure"), run(lambda: writer.update(measure_id, new)),
                                   run(lambda: writer.update(measure_id, old)), changes)
            emit(self.message, _("Measure saved: {title}").format(title=_short(measure.title)))
        self._pending_select = measure_id

    def new_measure(self) -> MeasureDialog | None:
        if self._refuse(adding=True):
            return None
        return self._show_dialog(None)

    def edit_measure(self, measure: Measure) -> MeasureDialog | None:
        return self._show_dialog(measure)

    def _on_new_button_clicked(self) -> None:
        self.new_measure()

    def _on_edit_button_clicked(self) -> None:
        measure = self.current_measure()
        if measure is not None:
            self.edit_measure(measure)

    def _on_table_open(self, index: QModelIndex) -> None:
        measure = index.data(ObjectRole)
        if isinstance(measure, Measure):
            self.edit_measure(measure)

    def delete_current(self) -> None:
        measure = self.current_measure()
        if measure is None or self._refuse(adding=True):
            return
        if self.model.is_read_only(measure):
            emit(self.message, _("The measure was carried over to a later audit; change it there."))
            return
        question = _("Delete the measure “{title}”?").format(title=_short(measure.title))
        if not prompts.confirm(self, question + "\n\n" + _("You can undo it with Ctrl+Z.")):
            return
        writer, audit_id = self._writer(), self._audit_id()
        changes = measure_changes(audit_id)
        measure_id = measure.id

        def run(action: Callable[[str], Any]) -> Callable[[], Changes]:
            def call() -> Changes:
                action(measure_id)
                return changes
            return call

        self._undo.push(audit_id, _("Delete measure"), run(writer.delete), run(writer.restore))
        emit(self.message, _("Measure deleted. Ctrl+Z brings it back."))

    # ---- reactions ----------------------------------------------------------------------

    def _on_table_current_row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        current = self.current_measure()
        self.edit_button.setEnabled(current is not None)
        deletable = current is not None and not self.closed and not self.model.is_read_only(current)
        self.delete_button.setEnabled(deletable)
        if self.closed:
            self.delete_button.setToolTip(_("The audit is closed: its programme keeps its measures."))
        else:
            self.delete_button.setToolTip(_("Delete the measure (it can be undone)"))

    def _on_header_menu_requested(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))
        menu.deleteLater()

    def show_column(self, section: int, shown: bool) -> None:
        self._columns_chosen = True
        self.table.setColumnHidden(section, not shown)
        self.fit_columns()

    def column_menu(self) -> QMenu:
        """Show or hide columns (the title always stays)."""
        menu = QMenu(self)
        for column in Column:
            if column is Column.TITLE:
                continue
            action = QAction(self.model.header_line(column), menu)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(int(column)))
            action.toggled.connect(lambda checked, c=int(column): self.show_column(c, checked))
            menu.addAction(action)
        return menu

    def _on_notifier_changed(self, changes: Any) -> None:
        if self._detail is None or not isinstance(changes, Changes):
            return
        if not (changes.measures or changes.evidence or changes.findings or changes.audits):
            return
        if self.isVisible():
            self.refresh()
            pending = getattr(self, "_pending_select", None)
            if pending is not None:
                self._pending_select = None
                self.select_measure(pending)
        else:
            self._stale = True


def _unbroken(html: str) -> str:
    """Rich text that does not break inside ("13,2 t/Jahr" stays on one line)."""
    return html.replace(" ", "&nbsp;").replace("/", "/\u2060")


def _sum(value: Decimal, places: int | None = None) -> str:
    """A total for the table ("–" for nothing)."""
    if not value:
        return "–"
    return format_decimal(value, places) if places is not None else format_quantity(value)


def _group_key(measure: Measure, by: str | None) -> Any:
    if by == "area":
        return measure.area
    if by == "year":
        return measure_year(measure)
    if by == "status":
        return measure.status.value
    return None


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
