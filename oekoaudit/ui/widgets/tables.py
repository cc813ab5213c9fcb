"""Read-only tables of rows (findings, open actions, gap, comparison): the table, its set-up
(rows of two lines that wrap once), and the labels shown above and instead of it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QTextLayout
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from oekoaudit.ui import style
from oekoaudit.ui.qtcompat import emit


def open_or_delete_key(view: QAbstractItemView, event: QKeyEvent) -> bool:
    """Enter emits the view's ``open_requested(index)``, Delete its ``delete_requested()`` for the
    current row; returns whether the key was taken (the views that have both signals call this
    first in their keyPressEvent)."""
    if not view.currentIndex().isValid():
        return False
    if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        emit(view.open_requested, view.currentIndex())  # type: ignore[attr-defined]
    elif event.key() == Qt.Key.Key_Delete:
        emit(view.delete_requested)  # type: ignore[attr-defined]
    else:
        return False
    event.accept()
    return True


class RowTable(QTableView):
    """A read-only table: Enter opens the row, Delete removes it."""

    open_requested = Signal(QModelIndex)
    delete_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if not open_or_delete_key(self, event):
            super().keyPressEvent(event)


#: Lines of text a row shows (statement, audit); the rest ends in "…" and is in the tooltip.
ROW_LINES = 2


def elide_lines(text: str, metrics: QFontMetrics, font: QFont, width: int, lines: int) -> str:
    """``text`` wrapped to ``width``, at most ``lines`` lines, the last one ending in "…" if cut."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    parts: list[str] = []
    while len(parts) <= lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        parts.append(text[line.textStart():line.textStart() + line.textLength()].strip())
    layout.endLayout()
    if len(parts) > lines:
        rest = " ".join(parts[lines - 1:])
        parts = parts[:lines - 1] + [metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)]
    return "\u2028".join(parts)  # Qt's line separator: the view breaks exactly there


class LinesDelegate(QStyledItemDelegate):
    """Wraps a cell's text to at most :data:`ROW_LINES` lines, so that rows keep their padding."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        width = max(option.rect.width() - 16, 20)
        option.text = elide_lines(option.text, option.fontMetrics, option.font, width, ROW_LINES)


def setup_table(table: QTableView, widths: dict[int, int], stretch: int, wrapped: tuple[int, ...] = ()) -> None:
    """Rows of two lines: long texts wrap once, then end in "…" (the tooltip has all)."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(True)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setSortingEnabled(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().lineSpacing() * ROW_LINES + 16)
    delegate = LinesDelegate(table)
    for column in wrapped:
        table.setItemDelegateForColumn(column, delegate)
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    header.setSortIndicatorShown(True)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    for column, width in widths.items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def empty_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("empty_label")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet(f"color: {style.MUTED_TEXT}; padding: 40px;")
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def heading_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setBold(True)
    label.setFont(font)
    return label
