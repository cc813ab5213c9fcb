"""Reading the spreadsheets of figures and measures: columns by their header, cells by row, and
one message per problem naming the row and the column ("Zeile 5, Spalte C (Wert): …").

The file itself is read by :mod:`oekoaudit.catalogue.tables` (CSV dialects and encodings,
workbooks through openpyxl); this module turns its rows into checked values for the services.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from oekoaudit import i18n
from oekoaudit.catalogue import tables
from oekoaudit.errors import N_, CatalogueProblem, OekoauditError, TableImportError

#: A file with more rows than this is refused (figures of many sites over many years fit).
MAX_ROWS = 20000

_CELL = N_("Row {row}, column {column} ({name}): {message}")


def header_key(text: str) -> str:
    """``"Einsparung €/Jahr"`` → ``einsparung_jahr``; ``"Größe"`` → ``groesse``: ASCII, lower case, ``_``."""
    return re.sub(r"[^a-z0-9]+", "_", tables.ascii_fold(str(text)).lower()).strip("_")


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    header: str
    role: str

    @property
    def letter(self) -> str:
        return tables.column_letter(self.index)


@dataclass
class Sheet:
    """The rows of one file below its header row, with the columns found by their header."""

    file: str
    header_row: int
    columns: dict[str, Column]
    rows: list[tuple[int, list[Any]]]
    #: the language the headers are written in ("de" or "en"), where it shows
    header_language: str = "de"
    problems: list[CatalogueProblem] = field(default_factory=list)

    def raw(self, cells: list[Any], role: str) -> Any:
        column = self.columns.get(role)
        if column is None or column.index >= len(cells):
            return ""
        return cells[column.index]

    def text(self, cells: list[Any], role: str) -> str:
        value = self.raw(cells, role)
        return tables.cell_text(value) if not isinstance(value, str) else value.strip()

    def has(self, role: str) -> bool:
        return role in self.columns

    def problem(self, row: int, role: str, template: str, **params: Any) -> None:
        """A problem in one cell, the message naming row and column."""
        column = self.columns.get(role)
        letter = column.letter if column else "?"
        message = i18n._(template)
        try:
            message = message.format(**params)
        except (KeyError, IndexError, ValueError):
            pass
        self.problems.append(tables.problem(
            self.file, _CELL, location=f"{letter}{row}", row=row, column=letter,
            name=tables.shown(column.header) if column else "?", message=message))

    def error(self, row: int, role: str, exc: OekoauditError) -> None:
        """A refusal of the domain (already a full sentence) as the problem of one cell."""
        self.problem(row, role, "{text}", text=i18n.describe(exc))

    def raise_problems(self) -> None:
        if self.problems:
            raise TableImportError(self.file, self.problems)


def read_sheet(path: Path | str, roles: Mapping[str, Iterable[str]], required: Iterable[str],
               english: Iterable[str] = ()) -> Sheet:
    """Read ``path`` and find the columns: ``roles`` maps a role to the header spellings that mean it
    (as :func:`header_key` gives them). A missing required column, an unreadable file or a header
    used twice raise :class:`TableImportError` at once. ``english`` are header keys that show the file
    was written in English (then ambiguous numbers are read the English way)."""
    path = Path(path)
    file = str(path)
    rows, problems = tables.read_table(path, tables.Limits(max_rows=MAX_ROWS, max_sheet_rows=MAX_ROWS * 2))
    if not problems and not rows:
        problems = [tables.problem(file, N_("The file is empty."))]
    if problems:
        raise TableImportError(file, problems)
    by_name = {name: role for role, names in roles.items() for name in names}
    header_row, header = rows[0]
    columns: dict[str, Column] = {}
    english_names = set(english)
    votes = {"de": 0, "en": 0}
    for index, value in enumerate(header):
        text = tables.cell_text(value)
        key = header_key(text)
        role = by_name.get(key)
        if role is None:
            continue
        votes["en" if key in english_names else "de"] += 1
        column = Column(index, text, role)
        if role in columns:
            first = columns[role]
            problems.append(tables.problem(
                file, N_("Row {row}: the columns {first} and {second} mean the same; keep one of them."),
                row=header_row, first=f"{first.letter} ({tables.shown(first.header)})",
                second=f"{column.letter} ({tables.shown(column.header)})"))
            continue
        columns[role] = column
    found = ", ".join(tables.shown(tables.cell_text(h)) for h in header if tables.cell_text(h)) or "-"
    for role in required:
        if role not in columns:
            spellings = list(roles[role])
            problems.append(tables.problem(
                file, N_("Row {row}: there is no column {expected}. Columns found: {found}."), row=header_row,
                expected="/".join(dict.fromkeys([_pretty(spellings[0]), _pretty(spellings[1])]))
                if len(spellings) > 1 else _pretty(spellings[0]), found=found))
    if problems:
        raise TableImportError(file, problems)
    return Sheet(file, header_row, columns, rows[1:], "en" if votes["en"] > votes["de"] else "de")


def _pretty(key: str) -> str:
    return {"jahr": "Jahr", "groesse": "Größe", "wert": "Wert", "einheit": "Einheit", "titel": "Titel"}.get(
        key, key)


class Numbers:
    """Reads the number cells of a sheet in the file's style (see :func:`tables.parse_number`)."""

    def __init__(self, sheet: Sheet, roles: Iterable[str]) -> None:
        cells = [sheet.raw(cells, role) for _row, cells in sheet.rows for role in roles]
        self.style, self.conflict = tables.file_number_style(cells, sheet.header_language)
        self.sheet = sheet

    def read(self, row: int, cells: list[Any], role: str, *, required: bool = False,
             what: str = "") -> Decimal | None:
        """The cell as a Decimal; None if empty (a problem if ``required``) or not a number (a problem)."""
        raw = self.sheet.raw(cells, role)
        text = raw.strip() if isinstance(raw, str) else raw
        if text == "" or text is None:
            if required:
                self.sheet.problem(row, role, N_("the cell is empty; a number is needed."))
            return None
        if isinstance(text, str) and self.conflict and tables.is_ambiguous(text):
            self.sheet.problem(row, role, N_("{value} can be read in two ways, as the file mixes decimal commas "
                                             "and points; write it without a thousands separator."), value=text)
            return None
        number = tables.parse_number(text, self.style)
        if number is None or not number.is_finite():
            self.sheet.problem(row, role, N_("{value} is not a number."), value=tables.shown(tables.cell_text(raw)))
            return None
        return number


def read_date(sheet: Sheet, row: int, cells: list[Any], role: str) -> date | None:
    """A date cell: a workbook date, ``2026-03-31`` or ``31.03.2026``; a problem otherwise."""
    raw = sheet.raw(cells, role)
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = tables.cell_text(raw).strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return date.fromisoformat(text[:10] if re.match(r"\d{4}-\d{2}-\d{2}[ T]", text) else text)
    except ValueError:
        sheet.problem(row, role, N_("{value} is not a date; write 2026-03-31 or 31.03.2026."),
                      value=tables.shown(text))
        return None


_YES = {"ja", "j", "yes", "y", "true", "wahr", "1", "x", "*"}
_NO = {"nein", "n", "no", "false", "falsch", "0", "-", ""}


def read_flag(sheet: Sheet, row: int, cells: list[Any], role: str) -> bool | None:
    """ja/nein, yes/no, x, 1/0; None for an empty cell; a problem otherwise."""
    raw = sheet.raw(cells, role)
    if isinstance(raw, bool):
        return raw
    text = tables.cell_text(raw).strip().lower()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    sheet.problem(row, role, N_("{value} is not a yes/no value; use ja, nein, yes or no."), value=tables.shown(text))
    return None


def export_style() -> str:
    """The number style of an export: German (decimal comma, ``;``) unless the program runs in English."""
    return "en" if i18n.get_language() == "en" else "de"


def write_table(path: Path | str, header: list[str], rows: list[list[Any]], sheet_title: str = "") -> Path:
    """A CSV file (German or English Excel style, see :func:`tables.write_csv`) or a workbook, by suffix."""
    path = Path(path)
    if tables.table_format(path) == "xlsx":
        tables.write_xlsx(path, header, rows, sheet_title)
    else:
        tables.write_csv(path, header, rows, export_style())
    return path
