"""A measure of the environmental programme with every field: what, who, when, costs and savings,
the findings it answers and its photos and documents.

Left the measure (title, description, area, owner, status, priority, dates, findings), right its
money and savings (investment, one-off and yearly savings, kWh with the energy carrier, m³, t,
t CO2, and the payback worked out as one types). Saving writes once on the single writer, so a
refusal of the service is shown here and nothing is stored; the view then puts the edit into the
audit's undo history (``saved(measure, old, new)``; ``old`` None for a new measure).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from oekoaudit.domain.evidence import Target
from oekoaudit.domain.programme import Measure, MeasureStatus, payback
from oekoaudit.i18n import _
from oekoaudit.ui import style
from oekoaudit.ui.dialogs.base import WritingDialog
from oekoaudit.ui.dialogs.finding import OptionalDateEdit
from oekoaudit.ui.models.measures_model import PRIORITY_LABELS, STATUS_ORDER, status_label
from oekoaudit.ui.numbers import format_decimal, format_quantity, parse_decimal
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import DbWorker
from oekoaudit.ui.widgets.evidence_strip import EvidenceStrip

#: the text fields and the number fields of a measure, in the order of the form
TEXT_FIELDS = ("title", "description", "area", "owner")
NUMBER_FIELDS = ("investment_eur", "savings_eur_once", "savings_eur_per_year", "savings_kwh_per_year",
                 "savings_m3_per_year", "savings_t_per_year", "savings_t_co2_per_year")
NOT_NEGATIVE = ("investment_eur", "savings_eur_once")
OTHER_FIELDS = ("status", "priority", "start_date", "due_date", "completed_on", "energy_carrier", "finding_ids")
FIELDS = TEXT_FIELDS + OTHER_FIELDS + NUMBER_FIELDS

Write = Callable[[dict[str, Any]], Measure]
Update = Callable[[str, dict[str, Any]], Measure]


@dataclass(frozen=True, slots=True)
class MeasureContext:
    """What the dialog offers and where a new measure goes."""

    organisation_id: str
    audit_id: str | None
    #: (key, label) of the programme's areas / action fields
    areas: Sequence[tuple[str, str]] = ()
    #: (key, label) of the energy carriers
    carriers: Sequence[tuple[str, str]] = ()
    #: (id, label) of the findings a measure can answer (the open audit's)
    findings: Sequence[tuple[str, str]] = ()
    read_only: bool = False
    #: the CO2 saving the programme derives for the measure from its kWh (shown while none is given)
    derived_co2: Decimal | None = None
    #: values to start a new measure with
    prefill: dict[str, Any] = field(default_factory=dict)


def _money_edit(parent: QWidget, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    edit.setPlaceholderText(placeholder)
    edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("0000000000") + 24)
    return edit


def _with_unit(parent: QWidget, edit: QWidget, unit: str) -> QWidget:
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6)
    layout.addWidget(edit)
    label = QLabel(unit, row)
    label.setStyleSheet(f"color: {style.MUTED_TEXT};")
    layout.addWidget(label)
    layout.addStretch(1)
    return row


def _form(box: QGroupBox) -> tuple[QVBoxLayout, QFormLayout]:
    """The box's layout: a form at the top (its rows as tall as they need), room below."""
    outer = QVBoxLayout(box)
    outer.setContentsMargins(10, 12, 10, 10)
    outer.setSpacing(8)
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setHorizontalSpacing(10)
    form.setVerticalSpacing(7)
    outer.addLayout(form)
    return outer, form


class MeasureDialog(WritingDialog):
    """Create (``measure`` None) or edit a measure; ``result_value`` is the stored measure."""

    #: (measure, old values or None for a new one, new values)
    saved = Signal(object, object, object)

    def __init__(self, worker: DbWorker, context: MeasureContext, create: Write, update: Update,
                 measure: Measure | None = None, parent: QWidget | None = None) -> None:
        super().__init__(worker, parent)
        self.context = context
        self.measure = measure
        self._create = create
        self._update = update
        self.setObjectName("measure_dialog")
        self.setWindowTitle(_("Edit measure") if measure else _("New measure"))
        self.setMinimumSize(900, 600)
        self.resize(980, 660)
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
        columns.addWidget(self._build_measure_box(), 5)
        columns.addWidget(self._build_savings_box(), 4)
        outer.addLayout(columns, 1)
        outer.addWidget(self.evidence_strip)
        outer.addWidget(self.evidence_hint)
        outer.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.save_button.setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        outer.addWidget(self.buttons)

    def _build_measure_box(self) -> QGroupBox:
        self.measure_box = QGroupBox(_("Measure"), self)
        outer, form = _form(self.measure_box)
        self.title_edit = QLineEdit(self.measure_box)
        self.title_edit.setPlaceholderText(_("What is done, e.g. “Replace the lighting of hall 1 with LED”"))
        self.description_edit = QPlainTextEdit(self.measure_box)
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setPlaceholderText(_("Details: where, how, what it needs"))
        lines = self.description_edit.fontMetrics().lineSpacing()
        self.description_edit.setMinimumHeight(lines * 3 + 14)
        self.description_edit.setMaximumHeight(lines * 5 + 14)
        self.area_combo = QComboBox(self.measure_box)
        self.area_combo.addItem("–", "")
        for key, label in self.context.areas:
            self.area_combo.addItem(label, key)
        self.owner_edit = QLineEdit(self.measure_box)
        self.owner_edit.setPlaceholderText(_("Who is responsible"))
        self.status_combo = QComboBox(self.measure_box)
        for status in STATUS_ORDER:
            self.status_combo.addItem(status_label(status), status)
        self.priority_combo = QComboBox(self.measure_box)
        self.priority_combo.addItem("–", None)
        for value, label in PRIORITY_LABELS.items():
            self.priority_combo.addItem(_(label), value)
        status_row = QWidget(self.measure_box)
        status_layout = QHBoxLayout(status_row)
        status_layout.setContentsMargins(0, 0, 0, 0)
        status_layout.setSpacing(8)
        status_layout.addWidget(self.status_combo)
        priority_label = QLabel(_("Priority:"), status_row)
        priority_label.setBuddy(self.priority_combo)
        status_layout.addSpacing(10)
        status_layout.addWidget(priority_label)
        status_layout.addWidget(self.priority_combo)
        status_layout.addStretch(1)
        self.start_edit = OptionalDateEdit(_("no date"), date.today, self.measure_box)
        self.due_edit = OptionalDateEdit(_("no date"), date.today, self.measure_box)
        self.completed_edit = OptionalDateEdit(_("not yet"), date.today, self.measure_box)
        self.findings_list = QListWidget(self.measure_box)
        self.findings_list.setObjectName("measure_findings")
        self.findings_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.findings_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.findings_list.setMaximumHeight(self.findings_list.fontMetrics().lineSpacing() * 4 + 20)
        for finding_id, label in self.context.findings:
            item = QListWidgetItem(label, self.findings_list)
            item.setData(Qt.ItemDataRole.UserRole, finding_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setToolTip(label)
        form.addRow(_("Title:"), self.title_edit)
        form.addRow(_("Description:"), self.description_edit)
        form.addRow(_("Area:"), self.area_combo)
        form.addRow(_("Owner:"), self.owner_edit)
        form.addRow(_("Status:"), status_row)
        form.addRow(_("Start:"), self.start_edit)
        form.addRow(_("Due:"), self.due_edit)
        form.addRow(_("Completed on:"), self.completed_edit)
        if self.context.findings:
            form.addRow(_("Answers findings:"), self.findings_list)
        else:
            self.findings_list.setVisible(False)
            hint = QLabel(_("This audit has no findings."), self.measure_box)
            hint.setStyleSheet(f"color: {style.MUTED_TEXT};")
            form.addRow(_("Answers findings:"), hint)
        self.evidence_strip = EvidenceStrip(self)
        self.evidence_hint = QLabel(_("Photos and documents can be added once the measure is saved."), self)
        self.evidence_hint.setWordWrap(True)
        self.evidence_hint.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.evidence_hint.setVisible(False)
        outer.addStretch(1)
        return self.measure_box

    def _build_savings_box(self) -> QGroupBox:
        self.savings_box = QGroupBox(_("Costs and savings"), self)
        outer, form = _form(self.savings_box)
        self.number_edits: dict[str, QLineEdit] = {}
        for name in NUMBER_FIELDS:
            edit = _money_edit(self.savings_box)
            edit.setObjectName(f"measure_{name}")
            self.number_edits[name] = edit
        self.carrier_combo = QComboBox(self.savings_box)
        self.carrier_combo.addItem("–", "")
        for key, label in self.context.carriers:
            self.carrier_combo.addItem(label, key)
        self.carrier_combo.setToolTip(_("Which energy the kWh are: the CO₂ saved is derived from it when not given"))
        edits = self.number_edits
        form.addRow(_("Investment:"), _with_unit(self.savings_box, edits["investment_eur"], "€"))
        form.addRow(_("One-off savings:"), _with_unit(self.savings_box, edits["savings_eur_once"], "€"))
        form.addRow(_("Savings per year:"), _with_unit(self.savings_box, edits["savings_eur_per_year"], _("€/year")))
        form.addRow(_("Energy per year:"), _with_unit(self.savings_box, edits["savings_kwh_per_year"], "kWh"))
        form.addRow(_("Energy carrier:"), self.carrier_combo)
        form.addRow(_("Water per year:"), _with_unit(self.savings_box, edits["savings_m3_per_year"], "m³"))
        form.addRow(_("Waste/material per year:"), _with_unit(self.savings_box, edits["savings_t_per_year"], "t"))
        form.addRow(_("CO₂ per year:"), _with_unit(self.savings_box, edits["savings_t_co2_per_year"], "t CO₂"))
        derived = self.context.derived_co2
        edits["savings_t_co2_per_year"].setPlaceholderText(
            _("derived: {value}").format(value=format_quantity(derived)) if derived is not None else _("derived"))
        edits["savings_t_co2_per_year"].setToolTip(
            _("Leave empty to derive it from the energy saved and the emission factor of its carrier"))
        self.payback_label = QLabel(self.savings_box)
        self.payback_label.setObjectName("payback_label")
        self.payback_label.setTextFormat(Qt.TextFormat.RichText)
        self.payback_label.setWordWrap(True)
        form.addRow(_("Payback:"), self.payback_label)
        self.number_hint = QLabel(self.savings_box)
        self.number_hint.setObjectName("number_hint")
        self.number_hint.setWordWrap(True)
        self.number_hint.setStyleSheet(f"color: {style.ERROR_TEXT};")
        form.addRow("", self.number_hint)
        outer.addStretch(1)
        return self.savings_box

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._save_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        self._save_shortcut.activated.connect(self.save)
        self.title_edit.textChanged.connect(self._on_field_changed)
        for edit in self.number_edits.values():
            edit.textChanged.connect(self._on_field_changed)
        self.status_combo.currentIndexChanged.connect(self._on_status_combo_changed)

    @property
    def save_button(self) -> Any:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def attach_evidence(self, ui: Any) -> None:
        """Show the measure's photos and documents; files dropped onto the dialog are linked to it.
        Only for a saved measure (a new one has no id to link to yet)."""
        if self.measure is None:
            self.evidence_hint.setVisible(True)
            return
        if ui.audit_id is None:
            return
        self.evidence_strip.attach(ui)
        self.evidence_strip.watch_drops(self, self.description_edit)
        self.evidence_strip.set_target(Target.measure(self.measure.id))
        self.evidence_strip.set_read_only(self.context.read_only)

    # ---- values -------------------------------------------------------------------------

    def _start_values(self) -> dict[str, Any]:
        if self.measure is not None:
            return {name: getattr(self.measure, name) for name in FIELDS}
        values: dict[str, Any] = {"status": MeasureStatus.PLANNED}
        values.update(self.context.prefill)
        return values

    def _load(self, values: dict[str, Any]) -> None:
        self.title_edit.setText(values.get("title") or "")
        self.description_edit.setPlainText(values.get("description") or "")
        area = values.get("area") or ""
        if area and self.area_combo.findData(area) < 0:
            self.area_combo.addItem(area, area)  # a free area of an import: kept as it is
        self.area_combo.setCurrentIndex(max(self.area_combo.findData(area), 0))
        self.owner_edit.setText(values.get("owner") or "")
        status = MeasureStatus(values.get("status") or MeasureStatus.PLANNED)
        self.status_combo.setCurrentIndex(max(self.status_combo.findData(status), 0))
        self.priority_combo.setCurrentIndex(max(self.priority_combo.findData(values.get("priority")), 0))
        self.start_edit.set_value(values.get("start_date"))
        self.due_edit.set_value(values.get("due_date"))
        self.completed_edit.set_value(values.get("completed_on"))
        carrier = values.get("energy_carrier") or ""
        self.carrier_combo.setCurrentIndex(max(self.carrier_combo.findData(carrier), 0))
        linked = set(values.get("finding_ids") or ())
        for row in range(self.findings_list.count()):
            item = self.findings_list.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in linked
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        for name, edit in self.number_edits.items():
            value = values.get(name)
            edit.setText(format_decimal(value, grouping=False) if value is not None else "")
        if self.measure is not None:
            self.heading.setText(self.measure.title)
        else:
            self.heading.setText(_("New measure of the environmental programme"))

    def _number(self, name: str) -> Decimal | None:
        """The number typed into a field (None if empty); ValueError if it is not one."""
        text = self.number_edits[name].text().strip()
        if not text:
            return None
        value = parse_decimal(text)
        if value < 0 and name in NOT_NEGATIVE:
            raise ValueError(text)
        return value

    def number_problem(self) -> str:
        """What is wrong with the numbers typed (empty: nothing)."""
        labels = {
            "investment_eur": _("Investment"), "savings_eur_once": _("One-off savings"),
            "savings_eur_per_year": _("Savings per year"), "savings_kwh_per_year": _("Energy per year"),
            "savings_m3_per_year": _("Water per year"), "savings_t_per_year": _("Waste/material per year"),
            "savings_t_co2_per_year": _("CO₂ per year"),
        }
        for name in NUMBER_FIELDS:
            try:
                self._number(name)
            except ValueError:
                text = self.number_edits[name].text().strip()
                if name in NOT_NEGATIVE:
                    return _("{field}: “{text}” is not a number of zero or more.").format(field=labels[name], text=text)
                return _("{field}: “{text}” is not a number.").format(field=labels[name], text=text)
        return ""

    def values(self) -> dict[str, Any]:
        """Every field as the service takes it (texts stripped, missing dates and numbers None)."""
        values: dict[str, Any] = {
            "title": " ".join(self.title_edit.text().split()),
            "description": self.description_edit.toPlainText().strip(),
            "area": self.area_combo.currentData() or "",
            "owner": " ".join(self.owner_edit.text().split()),
            "status": MeasureStatus(self.status_combo.currentData()),
            "priority": self.priority_combo.currentData(),
            "start_date": self.start_edit.value(),
            "due_date": self.due_edit.value(),
            "completed_on": self.completed_edit.value(),
            "energy_carrier": self.carrier_combo.currentData() or "",
            "finding_ids": tuple(self.findings_list.item(r).data(Qt.ItemDataRole.UserRole)
                                 for r in range(self.findings_list.count())
                                 if self.findings_list.item(r).checkState() == Qt.CheckState.Checked),
        }
        for name in NUMBER_FIELDS:
            values[name] = self._number(name)
        if self.measure is not None:
            # findings of other audits stay linked: the list offers only this audit's
            offered = {self.findings_list.item(r).data(Qt.ItemDataRole.UserRole)
                       for r in range(self.findings_list.count())}
            kept = tuple(i for i in self.measure.finding_ids if i not in offered)
            values["finding_ids"] = kept + values["finding_ids"]
        return values

    def changed_values(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(old, new) of the fields the user changed (editing only)."""
        assert self.measure is not None
        new = self.values()
        old = {k: getattr(self.measure, k) for k in new}
        changed = [k for k in new if new[k] != old[k]]
        return {k: old[k] for k in changed}, {k: new[k] for k in changed}

    # ---- state --------------------------------------------------------------------------

    def _apply_read_only(self) -> None:
        if not self.context.read_only:
            self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        for widget in (self.title_edit, self.owner_edit, *self.number_edits.values()):
            widget.setReadOnly(True)
        self.description_edit.setReadOnly(True)
        for widget in (self.area_combo, self.status_combo, self.priority_combo, self.carrier_combo,
                       self.findings_list):
            widget.setEnabled(False)
        for edit in (self.start_edit, self.due_edit, self.completed_edit):
            edit.set_read_only(True)
        self.save_button.setVisible(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Close"))
        self.notice.setText(_("The measure was carried over to a later audit and is followed up there; here it "
                              "is shown as it was."))
        self.notice.setVisible(True)

    def _update_state(self) -> None:
        problem = self.number_problem()
        self.number_hint.setText(problem)
        self.number_hint.setVisible(bool(problem))
        title_missing = not self.title_edit.text().strip()
        self.save_button.setEnabled(not problem and not title_missing and not self._busy
                                    and not self.context.read_only)
        self.save_button.setToolTip(_("A measure needs a title.") if title_missing else "")
        self.payback_label.setText(self._payback_text())

    def _payback_text(self) -> str:
        try:
            investment = self._number("investment_eur")
            savings = self._number("savings_eur_per_year")
        except ValueError:
            return ""
        probe = Measure(id="", organisation_id="", title="", investment_eur=investment,
                        savings_eur_per_year=savings)
        years = payback(probe)
        if years is None:
            return f"<span style='color: {style.MUTED_TEXT};'>" + _("– (needs an investment and yearly savings in €)") \
                + "</span>"
        return "<b>" + _("{years} years").format(years=format_decimal(years, 1)) + "</b>"

    def _on_field_changed(self, *_args: Any) -> None:
        self._update_state()
        self.show_error("")

    def _on_status_combo_changed(self, _index: int) -> None:
        if MeasureStatus(self.status_combo.currentData()) is MeasureStatus.DONE and self.completed_edit.value() is None:
            self.completed_edit.set_value(date.today())
        self.show_error("")

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self._update_state()

    # ---- saving -------------------------------------------------------------------------

    def save(self) -> None:
        if self._busy or not self.save_button.isEnabled():
            return
        self.show_error("")
        if self.measure is None:
            values = self.values()
            create = self._create
            self.submit_write(lambda: create(values), lambda m: self._finish(m, None, values))
            return
        old, new = self.changed_values()
        if not new:
            self.result_value = self.measure
            self.accept()
            return
        update, measure_id = self._update, self.measure.id
        self.submit_write(lambda: update(measure_id, new), lambda m: self._finish(m, old, new))

    def _finish(self, measure: Measure, old: dict[str, Any] | None, new: dict[str, Any]) -> None:
        self.result_value = measure
        emit(self.saved, measure, old, new)
        self.accept()
