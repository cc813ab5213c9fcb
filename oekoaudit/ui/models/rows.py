"""A flat, read-only table over a list of rows: what the findings, gap and comparison tables share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum
from typing import Any, ClassVar, Generic, TypeVar, cast

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from oekoaudit.i18n import _

AnyIndex = QModelIndex | QPersistentModelIndex

RowT = TypeVar("RowT")
ColumnT = TypeVar("ColumnT", bound=IntEnum)


class RowsModel(QAbstractTableModel, Generic[RowT, ColumnT]):
    """Rows of ``RowT``, one column per member of :attr:`COLUMNS` (or per entry of ``_columns``,
    where a subclass shows a choice of them), headed by the translated :attr:`HEADERS`.

    A subclass names :attr:`COLUMNS` and :attr:`HEADERS` and supplies :meth:`data` (with
    :meth:`row_at` and :meth:`column_at`); :meth:`header_tooltip` may say more than the header.
    """

    #: the column enum; the table shows its members in order unless ``_columns`` says otherwise
    COLUMNS: ClassVar[type[IntEnum]]
    #: the header of each column, as an ``N_`` msgid
    HEADERS: ClassVar[Mapping[Any, str]]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns: tuple[ColumnT, ...] = cast("tuple[ColumnT, ...]", tuple(self.COLUMNS))
        self._rows: list[RowT] = []

    # ---- content ------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[RowT]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    @property
    def rows(self) -> list[RowT]:
        return list(self._rows)

    @property
    def columns(self) -> tuple[ColumnT, ...]:
        return self._columns

    def column_of(self, column: ColumnT) -> int:
        return self._columns.index(column)

    def column_at(self, section: int) -> ColumnT:
        return self._columns[section]

    def row_at(self, index: AnyIndex) -> RowT | None:
        """The row of a valid index, else None."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def header_tooltip(self, column: ColumnT) -> str:
        """The tooltip of a column's header: by default the header itself."""
        return _(self.HEADERS[column])

    # ---- QAbstractTableModel ------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return _(self.HEADERS[column])
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tooltip(column)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
