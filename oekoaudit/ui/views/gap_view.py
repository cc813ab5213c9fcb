"""The gap to another scheme: what the open audit's answers already cover of a target catalogue
(ISO 14001 → EMAS, QuB → ISO 14001, …), and what is still to do.

Computed on the GUI thread from the stored answers and the mappings between the catalogues (one
audit in memory: milliseconds), and only while the tab is shown: a change of the audit marks the
view stale, and it computes again when it is seen. A double-click on a row opens the item of this
audit it was derived from (``item_requested``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum
from functools import partial
from html import escape
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.domain.audit import AuditDetail
from oekoaudit.domain.checklist import CatalogueInfo, Checklist
from oekoaudit.domain.mapping import RELATION_STRENGTH
from oekoaudit.domain.reuse import GAP_ORDER, Gap, GapItem, GapSource, GapStatus
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import N_, _, describe, ngettext
from oekoaudit.services import Services, labels
from oekoaudit.ui import style
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.views.findings_view import FindingsTable, empty_label, heading_label, setup_table
from oekoaudit.ui.widgets.flow_layout import FlowLayout

ObjectRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
#: whether the row is one the filter checkbox hides (bool)
HideableRole = Qt.ItemDataRole.UserRole + 3

AnyIndex = QModelIndex | QPersistentModelIndex
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


def chip_text(colour: str, label: str, count: int) -> str:
    """A coloured dot, a label and its count, as rich text (the summaries' legend)."""
    return (f"<span style='color: {colour};'>\u25cf</span>&nbsp;{escape(label)}:&nbsp;<b>{count}</b>")


def chip_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setObjectName("summary_chip")
    return label


def summary_frame(parent: QWidget) -> QFrame:
    frame = QFrame(parent)
    frame.setObjectName("summary_frame")
    frame.setStyleSheet("QFrame#summary_frame { background: #f7f8f9; border: 1px solid #e0e3e6;"
                        " border-radius: 6px; }")
    return frame


class ColumnWidths(QObject):
    """The widths of a table's columns beside the one that stretches: each as wide as its texts
    need, and narrower in proportion (their texts wrap) when the table leaves the stretching column
    less than ``room``."""

    LEAST = 64

    def __init__(self, table: QTableView, room: int) -> None:
        super().__init__(table)
        self._table = table
        self._room = room
        self._natural: dict[int, int] = {}
        table.viewport().installEventFilter(self)

    @property
    def natural(self) -> dict[int, int]:
        return dict(self._natural)

    def set(self, widths: dict[int, int]) -> None:
        self._natural.update(widths)
        self.apply()

    def fit(self, column: int, texts: list[str], most: int, icon: bool = False) -> None:
        """As wide as the header and the longest of ``texts`` need, but at most ``most``."""
        metrics = self._table.fontMetrics()
        model = self._table.model()
        header = model.headerData(column, Qt.Orientation.Horizontal) if model is not None else ""
        widths = [metrics.horizontalAdvance(t) + (44 if icon else 24) for t in texts]
        widths.append(metrics.horizontalAdvance(str(header or "")) + 28)
        self.set({column: min(max(widths), most)})

    def apply(self) -> None:
        total = sum(self._natural.values())
        available = self._table.viewport().width() - self._room
        scale = min(1.0, available / total) if total and available > 0 else 1.0
        header = self._table.horizontalHeader()
        for column, width in self._natural.items():
            header.resizeSection(column, width if scale >= 1 else max(self.LEAST, int(width * scale)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self.apply()
        return False


def chooser_combo(parent: QWidget, name: str) -> QComboBox:
    """A combo in a view's title row: as wide as its longest entry (see :func:`fit_combo`), narrower
    (eliding) when the window is."""
    combo = QComboBox(parent)
    combo.setObjectName(name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(20)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    combo.currentTextChanged.connect(combo.setToolTip)  # the whole entry, when the combo is cut short
    return combo


def fit_combo(combo: QComboBox) -> None:
    metrics = combo.fontMetrics()
    longest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
    combo.setMaximumWidth(max(longest + 48, combo.minimumSizeHint().width()))


class HideProxy(QSortFilterProxyModel):
    """Sorts by :data:`SortRole`; hides the rows marked :data:`HideableRole` while ``hiding``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hiding = True
        self.setSortRole(SortRole)

    @property
    def hiding(self) -> bool:
        return self._hiding

    def set_hiding(self, hiding: bool) -> None:
        self.beginFilterChange()
        self._hiding = hiding
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: N802
        if not self._hiding:
            return True
        model = self.sourceModel()
        return not model.index(source_row, 0, source_parent).data(HideableRole)


# ------------------------------------------------------------------------------------------
# What the gap and the comparison view share
# ------------------------------------------------------------------------------------------

ResultT = TypeVar("ResultT")


class LazyAuditView(QWidget, Generic[ResultT]):
    """A view of the open audit against something the user chooses (a scheme, another audit): a
    title row with the chooser, a summary, a checkbox that hides the rows of little interest and a
    table of the result, with an empty and an error state.

    Computed on the GUI thread, and only while the view is shown: a new audit while it is hidden
    marks it stale, and it computes again when it is seen. A double-click (or Enter) on a row opens
    the item of this audit it stands for (``item_requested``).

    A subclass supplies :meth:`_build` (with the ``_build_title_row``/``_add_…`` helpers),
    :meth:`_column_widths`, :meth:`_compute`, :meth:`_nothing_shown` and :meth:`_item_key`.
    """

    #: the user wants to see an item of this audit (its key) in the checklist
    item_requested = Signal(str)

    def __init__(self, services: Services, name: str, model: Callable[[QObject], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._detail: AuditDetail | None = None
        #: the audit the chooser was filled for (the user's choice stays while it is open)
        self._filled_for: str | None = None
        self._filling = False
        self._stale = False
        #: what is shown (None before the first computation, or after an error)
        self._result: ResultT | None = None
        self.setObjectName(name)
        self.model = model(self)
        self.proxy = HideProxy(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self._connect_signals()

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        raise NotImplementedError

    def _build_title_row(self, heading: str, label: str,
                         combo_name: str) -> tuple[QVBoxLayout, QLabel, QComboBox]:
        """The view's layout, and its title row: the heading, and the chooser with its label."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.heading = heading_label(self)
        self.heading.setText(heading)
        chooser_label = QLabel(label, self)
        self._chooser = chooser_combo(self, combo_name)
        chooser_label.setBuddy(self._chooser)
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(chooser_label)
        top.addWidget(self._chooser, 4)
        layout.addLayout(top)
        return layout, chooser_label, self._chooser

    def _add_hint(self, layout: QVBoxLayout, text: str) -> None:
        self.hint = QLabel(text, self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {style.MUTED_TEXT};")
        layout.addWidget(self.hint)

    def _add_summary(self, layout: QVBoxLayout) -> QVBoxLayout:
        """The summary frame; returns its layout, to fill."""
        self.summary = summary_frame(self)
        box = QVBoxLayout(self.summary)
        box.setContentsMargins(12, 10, 12, 10)
        box.setSpacing(8)
        layout.addWidget(self.summary)
        return box

    def _add_chips(self, box: QVBoxLayout, kinds: Iterable[Any]) -> dict[Any, QLabel]:
        """A legend chip for each of ``kinds``, in that order, flowing over lines as room allows."""
        chips = QWidget(self.summary)
        self.chips_layout = FlowLayout(chips, spacing=14)
        by_kind: dict[Any, QLabel] = {}
        for kind in kinds:
            chip = chip_label(chips)
            by_kind[kind] = chip
            self.chips_layout.addWidget(chip)
        box.addWidget(chips)
        return by_kind

    def _add_controls(self, layout: QVBoxLayout, text: str, name: str, tooltip: str) -> QCheckBox:
        """The row above the table: the checkbox that hides rows (checked), and how many are shown."""
        controls = QHBoxLayout()
        self._hide_check = QCheckBox(text, self)
        self._hide_check.setObjectName(name)
        self._hide_check.setChecked(True)
        self._hide_check.setToolTip(tooltip)
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        controls.addWidget(self._hide_check)
        controls.addStretch(1)
        controls.addWidget(self.count_label)
        layout.addLayout(controls)
        return self._hide_check

    def _add_table(self, layout: QVBoxLayout, name: str, error_name: str, stretch: int,
                   wrapped: tuple[int, ...]) -> None:
        """The table (columns as wide as :meth:`_column_widths` says), and in its place when there
        are no rows to show the empty or the error label."""
        self.table = FindingsTable(self)
        self.table.setObjectName(name)
        self.table.setModel(self.proxy)
        metrics = self.table.fontMetrics()
        widths = self._column_widths(metrics)
        setup_table(self.table, widths, stretch=stretch, wrapped=wrapped)
        self.widths = ColumnWidths(self.table, room=metrics.horizontalAdvance("Bewertung der Bedeutung der") + 40)
        self.widths.set(widths)
        self.empty = empty_label(self)
        self.error = empty_label(self)
        self.error.setObjectName(error_name)
        self.error.setStyleSheet(f"color: {style.ERROR_TEXT}; padding: 40px;")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.error)
        layout.addWidget(self.stack, 1)

    def _column_widths(self, metrics: QFontMetrics) -> dict[int, int]:
        """The natural widths of the columns beside the one that stretches."""
        raise NotImplementedError

    def _connect_signals(self) -> None:
        self._chooser.currentIndexChanged.connect(self._on_chooser_current_index_changed)
        self._hide_check.toggled.connect(self._on_hide_check_toggled)
        self.table.doubleClicked.connect(self._on_table_open)
        self.table.open_requested.connect(self._on_table_open)

    # ---- content ------------------------------------------------------------------------

    def set_detail(self, detail: AuditDetail | None) -> None:
        """The open audit; computed now if the view is shown, else when it is."""
        self._detail = detail
        if detail is None:
            self._stale = False
            self._filled_for = None
            self._clear()
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def refresh(self) -> None:
        """Compute again for the open audit and what the chooser names."""
        self._stale = False
        detail = self._detail
        if detail is None:
            self._clear()
            return
        try:
            show = self._compute(detail)
        except OekoauditError as exc:
            self._show_error(describe(exc))
            return
        if show is not None:
            show()

    def _compute(self, detail: AuditDetail) -> Callable[[], None] | None:
        """Compute for ``detail`` (filling the chooser where needed); returns what shows the result,
        or None where it has shown why there is none. An :class:`OekoauditError` is shown in the view."""
        raise NotImplementedError

    def _chosen(self) -> str | None:
        """What the chooser names (None while it offers nothing)."""
        data = self._chooser.currentData()
        return data if isinstance(data, str) else None

    def _choose(self, data: str) -> bool:
        """Choose an entry of the chooser (as the user does); False if it is not offered."""
        index = self._chooser.findData(data)
        if index < 0:
            return False
        self._chooser.setCurrentIndex(index)
        return True

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Changes of the chooser that are not the user's choice: nothing is computed on the way."""
        self._filling = True
        try:
            yield
        finally:
            self._filling = False

    @contextmanager
    def _refilling(self, audit_id: str) -> Iterator[QComboBox]:
        """The chooser, emptied to be filled for the audit ``audit_id`` (and its current entry set)."""
        with self._quietly():
            self._chooser.clear()
            yield self._chooser
        fit_combo(self._chooser)
        self._filled_for = audit_id

    def _update_table(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(_("{shown} of {total} shown").format(shown=shown, total=total) if total else "")
        if shown:
            self.stack.setCurrentWidget(self.table)
            return
        self.empty.setText("<p style='font-size: large;'>" + escape(self._nothing_shown(total)) + "</p>")
        self.stack.setCurrentWidget(self.empty)

    def _nothing_shown(self, total: int) -> str:
        """What the empty label says when no row is shown (of ``total``)."""
        raise NotImplementedError

    def _show_error(self, text: str) -> None:
        self._result = None
        self.model.set_rows([])
        self.summary.setVisible(False)
        self.count_label.setText("")
        self.error.setText("<p>" + escape(text) + "</p>")
        self.stack.setCurrentWidget(self.error)

    def _clear(self) -> None:
        self._result = None
        with self._quietly():
            self._chooser.clear()
        self.model.set_rows([])
        self.summary.setVisible(False)
        self.count_label.setText("")
        self.empty.setText("")
        self.stack.setCurrentWidget(self.empty)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # ---- reactions ----------------------------------------------------------------------

    def _on_chooser_current_index_changed(self, _index: int) -> None:
        if self._filling or self._detail is None:
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _on_hide_check_toggled(self, checked: bool) -> None:
        self.proxy.set_hiding(checked)
        if self._result is not None:
            self._update_table()

    def _on_table_open(self, index: QModelIndex) -> None:
        key = self._item_key(index.data(ObjectRole))
        if key is not None:
            emit(self.item_requested, key)

    def _item_key(self, row: Any) -> str | None:
        """The key of the item of this audit a row (its :data:`ObjectRole`) opens, if any."""
        raise NotImplementedError


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


class GapModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[GapRow] = []

    def set_rows(self, rows: list[GapRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    @property
    def rows(self) -> list[GapRow]:
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(GapColumn)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(GapColumn):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _(_HEADERS[GapColumn(section)])
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ObjectRole:
            return row
        if role == HideableRole:
            return row.item.status is GapStatus.COVERED
        column = GapColumn(index.column())
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
