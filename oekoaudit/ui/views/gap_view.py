"""The gap to another scheme: what the open audit's answers already cover of a target catalogue
(ISO 14001 → EMAS, QuB → ISO 14001, …), and what is still to do.

Computed on the GUI thread from the stored answers and the mappings between the catalogues (one
audit in memory: milliseconds), and only while the tab is shown: a change of the audit marks the
view stale, and it computes again when it is seen. A double-click on a row opens the item of this
audit it was derived from (``item_requested``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from functools import partial
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from oekoaudit import i18n
from oekoaudit.domain.audit import AuditDetail
from oekoaudit.domain.checklist import CatalogueInfo, Checklist
from oekoaudit.domain.mapping import RELATION_STRENGTH
from oekoaudit.domain.reuse import GAP_ORDER, Gap, GapItem, GapSource, GapStatus
from oekoaudit.i18n import N_, _, ngettext
from oekoaudit.services import Services, labels
from oekoaudit.ui import style
from oekoaudit.ui.models.rows import AnyIndex, RowsModel
from oekoaudit.ui.views.lazy_view import HideableRole, LazyAuditView, ObjectRole, SortRole, chip_text

NBSP = "\u00a0"

#: Strong colour of a gap status (dots, the bar), and a darker one for text.
GAP_COLOURS: dict[GapStatus, str] = {
    GapStatus.NONCONFORM: "#c62828",
    GapStatus.MISSING: "#ef8f00",
    GapStatus.NOT_ASSESSED: "#9aa0a6",
    GapStatus.PARTLY: "#d4b000",
    GapStatus.COVERED: "#2e7d32",
}
GAP_TEXT_COLOURS: dict[GapStatus, str] = {
    GapStatus.NONCONFORM: "#b71c1c",
    GapStatus.MISSING: "#9a5b00",
    GapStatus.NOT_ASSESSED: "#5f6368",
    GapStatus.PARTLY: "#7a6400",
    GapStatus.COVERED: "#1b5e20",
}
#: The statuses in the order of urgency (as lists and the summary show them).
GAP_STATUSES: tuple[GapStatus, ...] = tuple(sorted(GapStatus, key=GAP_ORDER.__getitem__))

_GAP_EXPLAINED = {
    GapStatus.NONCONFORM: N_("A related item of this audit has a nonconformity."),
    GapStatus.MISSING: N_("Nothing in this audit relates to it: this is new work."),
    GapStatus.NOT_ASSESSED: N_("Related items of this audit have not been assessed yet."),
    GapStatus.PARTLY: N_("Only items covering part of it are answered conform: the rest is still to be shown."),
    GapStatus.COVERED: N_("An item of this audit asking for the same or more is answered conform "
                          "(or not applicable)."),
}

#: The scheme an audit of a scheme most likely heads for next (catalogue id first, then any
#: catalogue of that scheme); other schemes default to the first catalogue of the list.
NEXT_SCHEME: dict[str, tuple[str, ...]] = {
    "qub": ("iso14001-2015", "iso14001"),
    "iso14001": ("emas-2009", "emas"),
    "oekoprofit": ("emas-2009", "emas"),
    "emas": ("iso14001-2015", "iso14001"),
}


def gap_explained(status: GapStatus) -> str:
    return _(_GAP_EXPLAINED[status])


def default_target(own: Checklist | None, catalogues: list[CatalogueInfo]) -> str | None:
    """The catalogue the gap view opens with for an audit of ``own``."""
    if not catalogues:
        return None
    wanted = NEXT_SCHEME.get(own.scheme, ()) if own is not None else ()
    for ref in wanted:
        for info in catalogues:
            if info.id == ref:
                return info.id
    for ref in wanted:
        for info in catalogues:
            if info.scheme == ref:
                return info.id
    return catalogues[0].id



# ------------------------------------------------------------------------------------------
# The table
# ------------------------------------------------------------------------------------------


class GapColumn(IntEnum):
    REFERENCE = 0
    TITLE = 1
    STATUS = 2
    SOURCES = 3
    MANDATORY = 4


_HEADERS = {
    GapColumn.REFERENCE: N_("Reference"),
    GapColumn.TITLE: N_("Requirement"),
    GapColumn.STATUS: N_("Status"),
    GapColumn.SOURCES: N_("From this audit"),
    GapColumn.MANDATORY: N_("Mandatory"),
}


@dataclass(frozen=True, slots=True)
class GapRow:
    item: GapItem
    title: str
    #: position in the target catalogue
    order: int
    sources: str
    sources_tooltip: str

    @property
    def strongest_source(self) -> GapSource | None:
        """The item of the audit this row was derived from most directly."""
        if not self.item.sources:
            return None
        return min(self.item.sources, key=lambda s: (RELATION_STRENGTH[s.relation], s.ref))


def gap_rows(detail: AuditDetail, target: Checklist, gap: Gap) -> list[GapRow]:
    """The gap as rows: most urgent first, then in the order of the target catalogue."""
    lang = i18n.get_language()
    source = detail.checklist
    rows = []
    for order, gi in enumerate(gap.items):
        item = target.item(gi.key)
        parts, tips = [], []
        for s in gi.sources:
            relation = labels.relation(s.relation)
            parts.append(f"{s.ref} ({relation.replace(' ', NBSP)})")  # a relation's label stays on one line
            source_item = source.item(s.key)
            option = source.scale.option(s.result)
            result = option.label.get(lang) if option is not None else s.result
            title = source_item.title.get(lang) if source_item is not None else ""
            tips.append(_("{ref} {title}: {relation}, answered {result}").format(
                ref=s.ref, title=title, relation=relation, result=result))
        if tips:
            tips.append(_("Double-click opens the item in the checklist of this audit."))
        rows.append(GapRow(gi, item.title.get(lang) if item is not None else gi.key, order, ", ".join(parts),
                           "\n".join(tips)))
    rows.sort(key=lambda r: (GAP_ORDER[r.item.status], r.order))
    return rows


class GapModel(RowsModel[GapRow, GapColumn]):
    COLUMNS = GapColumn
    HEADERS = _HEADERS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None:
            return None
        if role == ObjectRole:
            return row
        if role == HideableRole:
            return row.item.status is GapStatus.COVERED
        column = self.column_at(index.column())
        item = row.item
        display = role == Qt.ItemDataRole.DisplayRole
        tooltip = role == Qt.ItemDataRole.ToolTipRole
        if column is GapColumn.REFERENCE:
            if display or tooltip:
                return item.ref
            if role == SortRole:
                return row.order
        elif column is GapColumn.TITLE:
            if display or tooltip:
                return row.title
            if role == SortRole:
                return row.title.lower()
        elif column is GapColumn.STATUS:
            if display:
                return labels.gap_status(item.status)
            if tooltip:
                return gap_explained(item.status)
            if role == SortRole:
                return GAP_ORDER[item.status] * 100_000 + row.order
            if role == Qt.ItemDataRole.DecorationRole:
                return style.dot_icon(GAP_COLOURS[item.status])
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(GAP_TEXT_COLOURS[item.status])
        elif column is GapColumn.SOURCES:
            if display:
                return row.sources or "–"
            if tooltip:
                return row.sources_tooltip or gap_explained(GapStatus.MISSING)
            if role == SortRole:
                return (row.sources or "\uffff") + f"{row.order:06d}"
            if role == Qt.ItemDataRole.ForegroundRole and not row.sources:
                return QColor(style.MUTED_TEXT)
        elif column is GapColumn.MANDATORY:
            if display:
                return _("yes") if item.mandatory else _("no")
            if tooltip:
                return _("Mandatory requirement of the target scheme.") if item.mandatory \
                    else _("Optional requirement of the target scheme.")
            if role == SortRole:
                return (0 if item.mandatory else 1) * 100_000 + row.order
            if role == Qt.ItemDataRole.ForegroundRole and not item.mandatory:
                return QColor(style.MUTED_TEXT)
        return None


# ------------------------------------------------------------------------------------------
# The summary bar
# ------------------------------------------------------------------------------------------


class GapBar(QWidget):
    """A bar split into the share of each status (most urgent on the left)."""

    HEIGHT = 14

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gap_bar")
        self._counts: dict[GapStatus, int] = {}
        self.setMinimumWidth(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(400, self.HEIGHT)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(120, self.HEIGHT)

    def set_counts(self, counts: dict[GapStatus, int]) -> None:
        self._counts = dict(counts)
        total = sum(counts.values())
        self.setToolTip("\n".join(f"{labels.gap_status(s)}: {counts.get(s, 0)}" for s in GAP_STATUSES)
                        if total else "")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        clip = QPainterPath()
        clip.addRoundedRect(rect, 4, 4)
        painter.setClipPath(clip)
        painter.fillRect(rect, QColor("#e8eaed"))
        total = sum(self._counts.values())
        x = rect.left()
        for status in GAP_STATUSES:
            count = self._counts.get(status, 0)
            if not count or not total:
                continue
            width = rect.width() * count / total
            painter.fillRect(QRectF(x, rect.top(), width, rect.height()), QColor(GAP_COLOURS[status]))
            x += width
        painter.end()


# ------------------------------------------------------------------------------------------
# The view
# ------------------------------------------------------------------------------------------


class GapView(LazyAuditView[Gap]):
    model: GapModel

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, "gap_view", GapModel, parent)

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        layout, self.target_label, self.target_combo = self._build_title_row(
            _("Gap analysis"), _("Target scheme:"), "gap_target_combo")
        self._add_hint(layout, " ".join((
            _("What is missing to reach the target scheme? Calculated from the answers of this audit and the "
              "mappings between the catalogues."),
            _("Carried-over answers count once they are confirmed."))))

        box = self._add_summary(layout)
        line = QHBoxLayout()
        line.setSpacing(12)
        self.percent_label = QLabel(self.summary)
        self.percent_label.setObjectName("gap_percent")
        font = QFont(self.percent_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.percent_label.setFont(font)
        self.percent_label.setStyleSheet(f"color: {style.ACCENT};")
        self.bar = GapBar(self.summary)
        self.covered_label = QLabel(self.summary)
        self.covered_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        line.addWidget(self.percent_label)
        line.addWidget(self.bar, 1, Qt.AlignmentFlag.AlignVCenter)
        line.addWidget(self.covered_label)
        box.addLayout(line)
        self.chips: dict[GapStatus, QLabel] = self._add_chips(box, GAP_STATUSES)
        for status, chip in self.chips.items():
            chip.setToolTip(gap_explained(status))

        self.hide_covered = self._add_controls(layout, _("Hide covered"), "gap_hide_covered",
                                               _("Hides the requirements this audit already covers."))
        self._add_table(layout, "gap_table", "gap_error", stretch=GapColumn.TITLE,
                        wrapped=(GapColumn.REFERENCE, GapColumn.TITLE, GapColumn.STATUS, GapColumn.SOURCES))

    def _column_widths(self, metrics: QFontMetrics) -> dict[int, int]:
        status_width = max(metrics.horizontalAdvance(labels.gap_status(s)) for s in GapStatus) + 44
        mandatory_width = max(metrics.horizontalAdvance(t) for t in (_("Mandatory"), _("yes"), _("no"))) + 28
        return {
            GapColumn.REFERENCE: metrics.horizontalAdvance("Anhang IV B Buchst. a") + 20,
            GapColumn.STATUS: status_width,
            GapColumn.SOURCES: metrics.horizontalAdvance("6.1.3 (umfasst einen Teil), 9.1") + 20,
            GapColumn.MANDATORY: mandatory_width,
        }

    # ---- content ------------------------------------------------------------------------

    @property
    def gap(self) -> Gap | None:
        """The gap shown (None before the first computation, or after an error)."""
        return self._result

    @property
    def target_id(self) -> str | None:
        return self._chosen()

    def set_target(self, catalogue_id: str) -> bool:
        """Choose the target scheme (as the combo does); False if it is not offered."""
        return self._choose(catalogue_id)

    def _compute(self, detail: AuditDetail) -> Callable[[], None] | None:
        """The gap of the open audit to the chosen target."""
        if self._filled_for != detail.audit.id or self.target_combo.count() == 0:
            self._fill_targets(detail)
        target_id = self.target_id
        if target_id is None:
            self._show_error(_("There is no other catalogue to compare this audit with."))
            return None
        result_detail, target, gap = self._services.reuse.gap(detail.audit.id, target_id)
        return partial(self._show, result_detail, target, gap)

    def _fill_targets(self, detail: AuditDetail) -> None:
        lang = i18n.get_language()
        catalogues = [c for c in self._services.catalogues.list() if c.id != detail.audit.catalogue_id]
        keep = self.target_id if self._filled_for == detail.audit.id else None
        wanted = keep if keep in {c.id for c in catalogues} else default_target(detail.checklist, catalogues)
        with self._refilling(detail.audit.id) as combo:
            for info in catalogues:
                text = _("{title} ({id}, draft)") if info.status == "draft" else _("{title} ({id})")
                combo.addItem(text.format(title=info.title.get(lang), id=info.id), info.id)
            index = combo.findData(wanted)
            combo.setCurrentIndex(max(index, 0) if catalogues else -1)

    def _show(self, detail: AuditDetail, target: Checklist, gap: Gap) -> None:
        self._result = gap
        self.model.set_rows(gap_rows(detail, target, gap))
        metrics = self.table.fontMetrics()
        self.widths.fit(GapColumn.REFERENCE, [i.ref for i in gap.items],
                        metrics.horizontalAdvance("Anhang IV B Buchst. a") + 24)
        counts = gap.counts
        total = len(gap.items)
        self.percent_label.setText(_("covered: {percent} %").format(percent=gap.covered_percent))
        self.covered_label.setText(ngettext("{covered} of {total} requirement", "{covered} of {total} requirements",
                                            total).format(covered=counts[GapStatus.COVERED], total=total))
        self.bar.set_counts(counts)
        for status, chip in self.chips.items():
            chip.setText(chip_text(GAP_COLOURS[status], labels.gap_status(status), counts[status]))
        self.summary.setVisible(True)
        self._update_table()

    def _nothing_shown(self, total: int) -> str:
        return (_("Nothing missing: every requirement of the target scheme is covered.") if total
                else _("The target scheme has no requirements."))

    # ---- reactions ----------------------------------------------------------------------

    def _item_key(self, row: Any) -> str | None:
        if isinstance(row, GapRow):
            source = row.strongest_source
            if source is not None:
                return source.key
        return None
