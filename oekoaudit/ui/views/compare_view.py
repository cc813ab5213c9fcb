"""Recertification: the open audit against another audit of the same organisation, item by item
(new and closed nonconformities, what got better or worse).

Like the gap view, computed on the GUI thread (two audits in memory) and only while the tab is
shown. A double-click on a row opens the item in this audit's checklist (``item_requested``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from functools import partial
from html import escape
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import QLabel, QWidget

from oekoaudit import i18n
from oekoaudit.domain.audit import Audit, AuditDetail
from oekoaudit.domain.checklist import Checklist, Rating
from oekoaudit.domain.reuse import ChangeKind, ComparedItem
from oekoaudit.i18n import N_, _
from oekoaudit.services import Services, labels
from oekoaudit.services.reuse import Comparison
from oekoaudit.ui import style
from oekoaudit.ui.models.findings_model import format_date
from oekoaudit.ui.models.navigator_model import audit_title
from oekoaudit.ui.models.rows import AnyIndex, RowsModel
from oekoaudit.ui.views.lazy_view import HideableRole, LazyAuditView, ObjectRole, SortRole, chip_text

#: What matters first: new and worse findings, then what was closed or got better, then the rest.
CHANGE_ORDER: dict[ChangeKind, int] = {
    ChangeKind.NEW_NC: 0,
    ChangeKind.WORSENED: 1,
    ChangeKind.CLOSED: 2,
    ChangeKind.IMPROVED: 3,
    ChangeKind.NEW_ITEM: 4,
    ChangeKind.DROPPED: 5,
    ChangeKind.NOT_ASSESSED: 6,
    ChangeKind.UNCHANGED: 7,
}
#: The changes the summary always names (the others only when they occur).
HEADLINE_CHANGES = (ChangeKind.NEW_NC, ChangeKind.WORSENED, ChangeKind.CLOSED, ChangeKind.IMPROVED)

_WORSE = "#c62828"
_BETTER = "#2e7d32"
_NEUTRAL = "#9aa0a6"
#: Dot and text colour of a change (None: the table's normal text).
CHANGE_COLOURS: dict[ChangeKind, tuple[str, str | None]] = {
    ChangeKind.NEW_NC: (_WORSE, style.ERROR_TEXT),
    ChangeKind.WORSENED: (_WORSE, style.ERROR_TEXT),
    ChangeKind.CLOSED: (_BETTER, style.RATING_TEXT_COLOURS[Rating.CONFORM]),
    ChangeKind.IMPROVED: (_BETTER, style.RATING_TEXT_COLOURS[Rating.CONFORM]),
    ChangeKind.NEW_ITEM: ("#1e6fb8", None),
    ChangeKind.DROPPED: (_NEUTRAL, style.MUTED_TEXT),
    ChangeKind.NOT_ASSESSED: (_NEUTRAL, style.MUTED_TEXT),
    ChangeKind.UNCHANGED: (_NEUTRAL, style.MUTED_TEXT),
}


def is_unchanged(item: ComparedItem) -> bool:
    """What "hide unchanged" hides: the same result, or no result in either audit."""
    return item.change is ChangeKind.UNCHANGED or (
        item.change is ChangeKind.NOT_ASSESSED and item.earlier_result is None and item.later_result is None)


def audit_when(audit: Audit) -> tuple[date, Any]:
    """When an audit took place, as the comparison orders two audits."""
    return (audit.start_date or audit.created_at.date(), audit.created_at)


def audit_name(audit: Audit) -> str:
    """ "Title (dd.mm.yyyy)" for the summary line."""
    return _("{title} ({date})").format(title=audit_title(audit), date=format_date(audit_when(audit)[0]))


def default_other(current: Audit, others: list[Audit]) -> Audit | None:
    """The audit to compare with first: the newest one before ``current``, else the newest one."""
    if not others:
        return None
    newest_first = sorted(others, key=audit_when, reverse=True)
    before = [a for a in newest_first if audit_when(a) < audit_when(current)]
    return before[0] if before else newest_first[0]


# ------------------------------------------------------------------------------------------
# The table
# ------------------------------------------------------------------------------------------


class CompareColumn(IntEnum):
    REFERENCE = 0
    TITLE = 1
    EARLIER = 2
    LATER = 3
    CHANGE = 4


_HEADERS = {
    CompareColumn.REFERENCE: N_("Reference"),
    CompareColumn.TITLE: N_("Requirement"),
    CompareColumn.EARLIER: N_("Earlier audit"),
    CompareColumn.LATER: N_("Later audit"),
    CompareColumn.CHANGE: N_("What changed"),
}


@dataclass(frozen=True, slots=True)
class CompareRow:
    item: ComparedItem
    title: str
    #: position in the later checklist (the earlier one's items that were dropped after it)
    order: int
    earlier: str
    later: str


def _result_label(checklist: Checklist, result: str | None, lang: str) -> str:
    option = checklist.scale.option(result) if result else None
    return option.label.get(lang) if option is not None else ""


def compare_rows(comparison: Comparison) -> list[CompareRow]:
    """The comparison as rows: what matters most first, then in checklist order."""
    lang = i18n.get_language()
    earlier, later = comparison.earlier.checklist, comparison.later.checklist
    rows = []
    for order, ci in enumerate(comparison.items):
        item = earlier.item(ci.key) if ci.change is ChangeKind.DROPPED else later.item(ci.key)
        rows.append(CompareRow(ci, item.title.get(lang) if item is not None else ci.key, order,
                               _result_label(earlier, ci.earlier_result, lang),
                               _result_label(later, ci.later_result, lang)))
    rows.sort(key=lambda r: (CHANGE_ORDER[r.item.change], r.order))
    return rows


class CompareModel(RowsModel[CompareRow, CompareColumn]):
    """The rows; the names of the two audits are the tooltips of their columns' headers."""

    COLUMNS = CompareColumn
    HEADERS = _HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names = ("", "")

    def set_rows(self, rows: Iterable[CompareRow], earlier_name: str = "", later_name: str = "") -> None:
        self._names = (earlier_name, later_name)
        super().set_rows(rows)

    def header_tooltip(self, column: CompareColumn) -> str:
        if column is CompareColumn.EARLIER and self._names[0]:
            return self._names[0]
        if column is CompareColumn.LATER and self._names[1]:
            return self._names[1]
        return super().header_tooltip(column)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None:
            return None
        if role == ObjectRole:
            return row
        if role == HideableRole:
            return is_unchanged(row.item)
        column = self.column_at(index.column())
        item = row.item
        display = role == Qt.ItemDataRole.DisplayRole
        tooltip = role == Qt.ItemDataRole.ToolTipRole
        if column is CompareColumn.REFERENCE:
            if display or tooltip:
                return item.ref
            if role == SortRole:
                return row.order
        elif column is CompareColumn.TITLE:
            if display or tooltip:
                return row.title
            if role == SortRole:
                return row.title.lower()
        elif column in (CompareColumn.EARLIER, CompareColumn.LATER):
            earlier = column is CompareColumn.EARLIER
            text = row.earlier if earlier else row.later
            rating = item.earlier_rating if earlier else item.later_rating
            if display:
                return text or "–"
            if tooltip:
                return text or _("not assessed")
            if role == SortRole:
                return f"{text.lower() or '~'}{row.order:06d}"
            if role == Qt.ItemDataRole.DecorationRole and text:
                return style.rating_icon(rating)
            if role == Qt.ItemDataRole.ForegroundRole:
                return style.rating_text_colour(rating) if text else QColor(style.MUTED_TEXT)
        elif column is CompareColumn.CHANGE:
            dot, text_colour = CHANGE_COLOURS[item.change]
            if display or tooltip:
                return labels.change(item.change)
            if role == SortRole:
                return CHANGE_ORDER[item.change] * 100_000 + row.order
            if role == Qt.ItemDataRole.DecorationRole:
                return style.dot_icon(dot)
            if role == Qt.ItemDataRole.ForegroundRole and text_colour:
                return QColor(text_colour)
        return None


# ------------------------------------------------------------------------------------------
# The view
# ------------------------------------------------------------------------------------------


class CompareView(LazyAuditView[Comparison]):
    model: CompareModel

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, "compare_view", CompareModel, parent)

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        layout, self.other_label, self.other_combo = self._build_title_row(
            _("Comparison"), _("Compare with:"), "compare_other_combo")
        self._add_hint(layout, _(
            "How has the organisation developed from one audit to the other? Compared item by item where "
            "both checklists ask for the same; carried-over answers count once they are confirmed."))

        box = self._add_summary(layout)
        self.direction_label = QLabel(self.summary)
        self.direction_label.setObjectName("compare_direction")
        self.direction_label.setWordWrap(True)
        self.direction_label.setTextFormat(Qt.TextFormat.RichText)
        box.addWidget(self.direction_label)
        self.chips: dict[ChangeKind, QLabel] = self._add_chips(
            box, sorted(ChangeKind, key=CHANGE_ORDER.__getitem__))

        self.hide_unchanged = self._add_controls(
            layout, _("Hide unchanged"), "compare_hide_unchanged",
            _("Hides the items with the same result in both audits, and those assessed in neither."))
        self._add_table(layout, "compare_table", "compare_error", stretch=CompareColumn.TITLE, wrapped=(
            CompareColumn.REFERENCE, CompareColumn.TITLE, CompareColumn.EARLIER, CompareColumn.LATER,
            CompareColumn.CHANGE))

    def _column_widths(self, metrics: QFontMetrics) -> dict[int, int]:
        change_width = max(metrics.horizontalAdvance(labels.change(k)) for k in ChangeKind) + 44
        result_width = max(metrics.horizontalAdvance(t) for t in
                           ("geringfügige Abweichung", _("Earlier audit"), _("Later audit"))) + 44
        return {
            CompareColumn.REFERENCE: metrics.horizontalAdvance("Anhang IV B Buchst. a") + 20,
            CompareColumn.EARLIER: result_width,
            CompareColumn.LATER: result_width,
            CompareColumn.CHANGE: min(change_width, result_width),
        }

    # ---- content ------------------------------------------------------------------------

    @property
    def comparison(self) -> Comparison | None:
        return self._result

    @property
    def other_id(self) -> str | None:
        return self._chosen()

    def set_other(self, audit_id: str) -> bool:
        """Choose the audit to compare with (as the combo does); False if it is not offered."""
        return self._choose(audit_id)

    def _compute(self, detail: AuditDetail) -> Callable[[], None] | None:
        """Read the other audits of the organisation and compare with the chosen one."""
        self._fill_others(detail)
        other = self.other_id
        if other is None:
            self._show_no_other()
            return None
        return partial(self._show, self._services.reuse.compare(detail.audit.id, other))

    def _fill_others(self, detail: AuditDetail) -> None:
        """The organisation's other audits, newest first (audits may have been added or renamed)."""
        current = detail.audit
        others = [s.audit for s in self._services.audits.list(current.organisation_id) if s.audit.id != current.id]
        others.sort(key=audit_when, reverse=True)
        keep = self.other_id if self._filled_for == current.id else None
        if keep not in {a.id for a in others}:
            chosen = default_other(current, others)
            keep = chosen.id if chosen is not None else None
        with self._refilling(current.id) as combo:
            for audit in others:
                when = format_date(audit_when(audit)[0])
                combo.addItem(f"{audit_title(audit)} · {when} · {audit.catalogue_id}", audit.id)
                combo.setItemData(combo.count() - 1, _("{audit}, {catalogue}").format(
                    audit=audit_name(audit), catalogue=audit.catalogue_title_en if i18n.get_language() == "en"
                    else audit.catalogue_title_de), Qt.ItemDataRole.ToolTipRole)
            combo.setCurrentIndex(combo.findData(keep) if keep else -1)
        self.other_combo.setEnabled(bool(others))

    def _show(self, comparison: Comparison) -> None:
        self._result = comparison
        earlier, later = comparison.earlier.audit, comparison.later.audit
        self.model.set_rows(compare_rows(comparison), audit_name(earlier), audit_name(later))
        # narrow columns where the texts allow, so that the requirement's title has room; longer
        # labels wrap onto a second line
        rows = self.model.rows
        metrics = self.table.fontMetrics()
        self.widths.fit(CompareColumn.REFERENCE, [r.item.ref for r in rows],
                        metrics.horizontalAdvance("Anhang IV B Buchst. a") + 24)
        most = metrics.horizontalAdvance("geringfügige Abweichung") + 44
        self.widths.fit(CompareColumn.EARLIER, [r.earlier for r in rows], most, icon=True)
        self.widths.fit(CompareColumn.LATER, [r.later for r in rows], most, icon=True)
        self.widths.fit(CompareColumn.CHANGE, [labels.change(r.item.change) for r in rows], most, icon=True)
        current = self._detail.audit.id if self._detail is not None else None
        this = " " + _("(this audit)")
        self.direction_label.setText(_("Earlier: {earlier} → later: {later}").format(
            earlier="<b>" + escape(audit_name(earlier)) + "</b>" + escape(this if earlier.id == current else ""),
            later="<b>" + escape(audit_name(later)) + "</b>" + escape(this if later.id == current else "")))
        counts = comparison.counts
        for kind, chip in self.chips.items():
            chip.setText(chip_text(CHANGE_COLOURS[kind][0], labels.change(kind), counts[kind]))
            chip.setVisible(bool(counts[kind]) or kind in HEADLINE_CHANGES)
        self.summary.setVisible(True)
        self._set_controls_visible(True)
        self._update_table()

    def _nothing_shown(self, total: int) -> str:
        return _("No changes between the two audits.")

    def _show_no_other(self) -> None:
        self._result = None
        self.model.set_rows([])
        self._set_controls_visible(False)
        self.empty.setText("<p style='font-size: large;'>"
                           + escape(_("No other audit of this organisation to compare with yet.")) + "</p><p>"
                           + escape(_("Once the next audit has been created (for example with the answers carried "
                                      "over), its changes from audit to audit appear here.")) + "</p>")
        self.stack.setCurrentWidget(self.empty)

    def _set_controls_visible(self, visible: bool) -> None:
        for widget in (self.other_label, self.other_combo, self.summary, self.hide_unchanged, self.count_label):
            widget.setVisible(visible)
        self.hint.setVisible(visible)

    # ---- reactions ----------------------------------------------------------------------

    def _item_key(self, row: Any) -> str | None:
        comparison = self._result
        if not isinstance(row, CompareRow) or comparison is None or self._detail is None:
            return None
        item = row.item
        if comparison.later.audit.id == self._detail.audit.id:
            key = None if item.change is ChangeKind.DROPPED else item.key
        else:
            key = item.earlier_key
        return key or None
