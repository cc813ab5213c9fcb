"""What the views of the open audit against something the user chooses share (the gap to another
scheme, the comparison with another audit): :class:`LazyAuditView`, and the pieces it is built
of (the roles of its table's model, the proxy that hides rows, column widths, the chooser combo,
the summary's legend chips).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from html import escape
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFontMetrics
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

from oekoaudit.domain.audit import AuditDetail
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, describe
from oekoaudit.services import Services
from oekoaudit.ui import style
from oekoaudit.ui.models.rows import AnyIndex
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.views.shown import ReadsWhenShown
from oekoaudit.ui.widgets.flow_layout import FlowLayout
from oekoaudit.ui.widgets.tables import RowTable, empty_label, setup_table
from oekoaudit.ui.widgets.view_header import view_frame

ObjectRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
#: whether the row is one the filter checkbox hides (bool)
HideableRole = Qt.ItemDataRole.UserRole + 3


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


ResultT = TypeVar("ResultT")


class LazyAuditView(ReadsWhenShown, QWidget, Generic[ResultT]):
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
        frame = view_frame(self, heading)
        self.heading = frame.heading
        chooser_label = QLabel(label, self)
        self._chooser = chooser_combo(self, combo_name)
        chooser_label.setBuddy(self._chooser)
        frame.top.addWidget(chooser_label)
        frame.top.addWidget(self._chooser, 4)
        return frame.layout, chooser_label, self._chooser

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
        self.table = RowTable(self)
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
        self.read_when_shown()

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

    def _read(self) -> None:
        self.refresh()

    # ---- reactions ----------------------------------------------------------------------

    def _on_chooser_current_index_changed(self, _index: int) -> None:
        if self._filling or self._detail is None:
            return
        self.read_when_shown()

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

