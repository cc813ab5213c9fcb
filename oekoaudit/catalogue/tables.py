"""Spreadsheets coming in and going out: CSV (``,`` ``;`` or tab; UTF-8, UTF-16 or Windows-1252)
and Excel workbooks (.xlsx, read with openpyxl in read-only mode, values only).

Shared by the catalogue import (:mod:`oekoaudit.catalogue.importer`) and the import of figures
and measures (:mod:`oekoaudit.services.indicators`, :mod:`oekoaudit.services.measures`).
Files come from outside: they are size-limited, never executed (cached values, never formulas)
and a workbook is checked for how large it unpacks before it is opened. Problems are reported as
:class:`~oekoaudit.errors.CatalogueProblem` (file, place, English template and parameters), rows
are numbered as a spreadsheet shows them (1-based, empty rows counted).

Numbers in text cells may be written the German way (``1.234,5``) or the English way
(``1,234.5``); :func:`parse_number` says how it reads them.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from oekoaudit.errors import N_, CatalogueProblem

#: Rows with their spreadsheet row number; the cells are text, or numbers where kept.
Rows = list[tuple[int, list[Any]]]


@dataclass(frozen=True, slots=True)
class Limits:
    #: files larger than this are refused before they are read
    max_bytes: int = 10 * 1024 * 1024
    #: rows with content below the header row
    max_rows: int = 5000
    #: rows read at all, empty ones included
    max_sheet_rows: int = 20000
    #: columns read; any further to the right are ignored
    max_columns: int = 100
    #: a workbook that unpacks to more than this is not opened (zip bombs)
    max_unpacked: int = 100 * 1024 * 1024


#: Said when a table goes on beyond ``max_sheet_rows`` (for any table but a checklist).
TABLE_TOO_LONG = N_("The table is longer than {limit} rows (empty rows included); delete the rows below the data.")


# --------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------

_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def ascii_fold(text: str) -> str:
    """``"Größe"`` → ``"Groesse"``: German umlauts spelled out, other accents dropped."""
    text = text.translate(_TRANSLITERATE)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def header_name(header: str) -> str:
    """A column header as a lookup name: ASCII, lower case, separators as ``_``, no trailing ``*`` or ``:``."""
    name = ascii_fold(unicodedata.normalize("NFKC", header)).strip().lower().rstrip("*:").strip()
    return re.sub(r"[\s\-./]+", "_", name).strip("_")


def column_letter(index: int) -> str:
    """0 → ``A``, 25 → ``Z``, 26 → ``AA`` (as a spreadsheet shows its columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")
    return text.strip()


def cell_text(value: Any) -> str:
    """A cell's value as text (a whole float without ``.0``, a date as ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    return clean(str(value))


def cell_value(value: Any) -> Any:
    """A cell as :func:`cell_text` gives it, except numbers: those stay numbers (an int, or a float
    of a workbook), so that ``25.125`` in a number cell is never read as German thousands."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return cell_text(value)


def shown(text: str, limit: int = 40) -> str:
    """A header or value as it appears in a message: one line, not too long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def problem(file: str, template: str, *, location: str = "", item_key: str | None = None,
            **params: Any) -> CatalogueProblem:
    return CatalogueProblem(file=file, location=location, item_key=item_key, template=template,
                            params=tuple(params.items()))


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def collect(file: str, rows: Iterable[Sequence[Any]], limits: Limits, too_long: str = TABLE_TOO_LONG,
            convert: Callable[[Any], Any] = cell_text) -> tuple[Rows, list[CatalogueProblem]]:
    """Non-empty rows with their numbers (1-based, as a spreadsheet shows them), within the limits."""
    found: Rows = []
    iterator = iter(rows)
    number = 0
    while True:
        try:
            raw = next(iterator)
        except StopIteration:
            break
        except csv.Error as exc:
            return found, [problem(file, N_("Row {row}: the file cannot be read as CSV ({reason})."),
                                   row=number + 1, reason=str(exc))]
        number += 1
        if number > limits.max_sheet_rows:
            return found, [problem(file, too_long, limit=limits.max_sheet_rows)]
        cells = [convert(v) for v in list(raw)[:limits.max_columns]]
        if not any(c != "" for c in cells):
            continue
        found.append((number, cells))
        if len(found) > limits.max_rows + 1:  # the header row, then at most max_rows
            return found, [problem(file, N_("The file has more than {limit} rows; oekoaudit imports at most {limit}."),
                                   limit=limits.max_rows)]
    return found, []


def decode(raw: bytes, file: str) -> tuple[str | None, list[CatalogueProblem]]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (German Excel)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            return None, [problem(file, N_("The file is neither UTF-8 nor Windows-1252 text (byte {position})."),
                                  position=exc.start)]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), []
    except UnicodeDecodeError as exc:
        return None, [problem(file, N_("The file is neither UTF-8 nor Windows-1252 text (byte {position})."),
                              position=exc.start)]


def sniff_delimiter(text: str) -> str:
    """``,`` ``;`` or tab: what csv.Sniffer finds, checked against the header line."""
    sample = text[:65536]
    first_line = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    try:
        found: str | None = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        found = None
    if found is None or counts.get(found, 0) == 0:
        best = max(counts, key=lambda d: counts[d])
        found = best if counts[best] else ","
    return found


_SEP_LINE = re.compile(r"\A[ \t]*sep=(.)[ \t]*\r?\n", re.IGNORECASE)


def read_csv(path: Path, file: str | None = None, limits: Limits = Limits(), too_long: str = TABLE_TOO_LONG,
             convert: Callable[[Any], Any] = cell_text) -> tuple[Rows, list[CatalogueProblem]]:
    """The rows of a CSV file: delimiter ``,`` ``;`` or tab, UTF-8 or Windows-1252."""
    file = file or str(path)
    with path.open("rb") as fh:
        raw = fh.read(limits.max_bytes + 1)
    if len(raw) > limits.max_bytes:  # it grew since it was measured
        return [], [problem(file, N_("The file is too large ({size} bytes; at most {limit} bytes can be imported)."),
                            size=len(raw), limit=limits.max_bytes)]
    text, problems = decode(raw, file)
    if text is None:
        return [], problems
    # Excel writes (and hides) a first line "sep=;" naming the delimiter
    sep = _SEP_LINE.match(text)
    if sep and sep.group(1) in ",;\t|":
        delimiter, text = sep.group(1), text[sep.end():]
    else:
        delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    return collect(file, reader, limits, too_long, convert)


def read_xlsx(path: Path, file: str | None = None, limits: Limits = Limits(), too_long: str = TABLE_TOO_LONG,
              convert: Callable[[Any], Any] = cell_text) -> tuple[Rows, list[CatalogueProblem]]:
    """The first worksheet's values (cached results of formulas, never the formulas)."""
    file = file or str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return [], [problem(file, N_("The file cannot be read as an Excel workbook ({reason})."),
                            reason=str(exc) or type(exc).__name__)]
    if unpacked > limits.max_unpacked:
        return [], [problem(file, N_("The workbook unpacks to {size} bytes, more than the {limit} bytes oekoaudit reads."),
                            size=unpacked, limit=limits.max_unpacked)]
    import openpyxl  # here, not at the top: only an import of a workbook needs it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
            try:
                if not workbook.worksheets:
                    return [], [problem(file, N_("The workbook has no worksheet."))]
                sheet = workbook.worksheets[0]
                rows = sheet.iter_rows(min_row=1, max_row=limits.max_sheet_rows + 1, max_col=limits.max_columns,
                                       values_only=True)
                return collect(file, rows, limits, too_long, convert)
            finally:
                workbook.close()
    except Exception as exc:  # noqa: BLE001 - a foreign file may break the parser in any way
        return [], [problem(file, N_("The file cannot be read as an Excel workbook ({reason})."),
                            reason=str(exc) or type(exc).__name__)]


#: What :func:`table_kind` recognises.
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
UNREADABLE_SUFFIXES = (".xls", ".ods", ".numbers", ".xlsb")


_UNKNOWN_TYPE = N_("Files of the type {suffix} cannot be imported; use a CSV file or an Excel workbook (.xlsx).")


def table_kind(path: Path, limits: Limits = Limits(), *, other_kinds: Mapping[str, str] | None = None,
               unknown_type: str = _UNKNOWN_TYPE) -> tuple[str, list[CatalogueProblem]]:
    """``csv`` or ``xlsx`` (or a kind of ``other_kinds``, by suffix), or problems: missing, empty,
    too large, a type that cannot be read (``unknown_type`` says what can)."""
    file = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "", [problem(file, N_("The file does not exist."))]
    except OSError as exc:
        return "", [problem(file, N_("The file cannot be read: {reason}"), reason=exc.strerror or str(exc))]
    if not path.is_file():
        return "", [problem(file, N_("The file does not exist."))]
    if size > limits.max_bytes:
        return "", [problem(file, N_("The file is too large ({size} bytes; at most {limit} bytes can be imported)."),
                            size=size, limit=limits.max_bytes)]
    if size == 0:
        return "", [problem(file, N_("The file is empty."))]
    suffix = path.suffix.lower()
    if other_kinds and suffix in other_kinds:
        return other_kinds[suffix], []
    if suffix in XLSX_SUFFIXES:
        return "xlsx", []
    if suffix in CSV_SUFFIXES:
        return "csv", []
    if suffix in UNREADABLE_SUFFIXES:
        return "", [problem(file, N_("{suffix} files cannot be read; save the table as .xlsx or CSV and import that."),
                            suffix=suffix)]
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        return "", [problem(file, N_("The file cannot be read: {reason}"), reason=exc.strerror or str(exc))]
    if magic == b"PK\x03\x04":
        return "xlsx", []
    return "", [problem(file, unknown_type, suffix=suffix or "-")]


def read_table(path: Path, limits: Limits = Limits(), too_long: str = TABLE_TOO_LONG,
               keep_numbers: bool = True) -> tuple[Rows, list[CatalogueProblem]]:
    """The rows of a CSV file or workbook (checked by :func:`table_kind` first). With ``keep_numbers``
    the number cells of a workbook stay numbers (see :func:`cell_value`)."""
    kind, problems = table_kind(path, limits)
    if problems:
        return [], problems
    convert = cell_value if keep_numbers else cell_text
    try:
        if kind == "xlsx":
            return read_xlsx(path, limits=limits, too_long=too_long, convert=convert)
        return read_csv(path, limits=limits, too_long=too_long, convert=convert)
    except OSError as exc:
        return [], [problem(str(path), N_("The file cannot be read: {reason}"), reason=exc.strerror or str(exc))]


# --------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------

#: How the ambiguous numbers of a file (``25.000``, ``1,234``: one separator before exactly three
#: digits) are read: ``de`` (the separator groups thousands if a dot, is the decimal mark if a comma),
#: ``en`` (the reverse).
NumberStyle = str

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_PLAIN = re.compile(r"^[+-]?\d+$")
_GROUPED = {".": re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$"), ",": re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")}
_ONE_SEP = re.compile(r"^([+-]?)(\d*)([.,])(\d+)$")


def _strip(text: str) -> str:
    text = _SPACES.sub("", text.strip())
    return text.replace("\u2212", "-")  # the typographic minus sign


def number_evidence(text: str) -> NumberStyle | None:
    """What one cell proves about the file's style: ``de``, ``en``, or None (no proof either way)."""
    text = _strip(text)
    if "," in text and "." in text:
        return "de" if text.rfind(",") > text.rfind(".") else "en"
    match = _ONE_SEP.match(text)
    if match is None:
        if _GROUPED["."].match(text):
            return "de"
        if _GROUPED[","].match(text):
            return "en"
        return None
    _sign, whole, sep, fraction = match.groups()
    if len(fraction) != 3 or not whole or whole.startswith("0") or len(whole) > 3:
        return "de" if sep == "," else "en"  # a thousands separator follows 1–3 digits and precedes 3
    return None


def parse_number(value: Any, style: NumberStyle = "de") -> Decimal | None:
    """A cell as an exact decimal number, or None if it is not one.

    * a number cell (int, float of a workbook, Decimal) as it is (a float through its shortest repr);
    * ``1.234,5`` and ``1,234.5``: the last separator is the decimal mark, the other groups thousands;
    * ``1.234.567`` / ``1,234,567``: one kind of separator repeated in groups of three: thousands;
    * ``12,5`` / ``0.201`` / ``1.5``: one separator not followed by exactly three digits (or after a
      lone 0): the decimal mark;
    * ``25.000`` / ``1,234``: ambiguous; read in the file's ``style`` (German: 25000 and 1.234).

    Spaces (also non-breaking and thin ones) and apostrophes group thousands and are dropped.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    text = _strip(str(value))
    if not text:
        return None
    try:
        if _PLAIN.match(text):
            return Decimal(text)
        if "," in text and "." in text:
            decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
            thousands = "." if decimal_mark == "," else ","
            whole, _sep, fraction = text.rpartition(decimal_mark)
            if not _GROUPED[thousands].match(whole) and not _PLAIN.match(whole):
                return None
            return Decimal(whole.replace(thousands, "") + "." + fraction) if fraction.isdigit() else None
        for sep in (".", ","):
            if text.count(sep) > 1:
                return Decimal(text.replace(sep, "")) if _GROUPED[sep].match(text) else None
        match = _ONE_SEP.match(text)
        if match is None:
            return None
        sign, whole, sep, fraction = match.groups()
        evidence = number_evidence(text)
        if evidence is None:  # one separator before exactly three digits: the file's style decides
            thousands = (sep == ".") == (style == "de")
        else:
            thousands = False
        if thousands:
            return Decimal(sign + whole + fraction)
        return Decimal(sign + (whole or "0") + "." + fraction)
    except InvalidOperation:
        return None


def file_number_style(cells: Iterable[Any], default: NumberStyle = "de") -> tuple[NumberStyle, bool]:
    """The style of a file's numbers from the cells that prove one (see :func:`number_evidence`), else
    ``default``; and whether the cells contradict each other (then ambiguous numbers are refused)."""
    seen: set[str] = set()
    for cell in cells:
        if isinstance(cell, str) and cell:
            found = number_evidence(cell)
            if found:
                seen.add(found)
    if len(seen) == 1:
        return seen.pop(), False
    return default, len(seen) > 1


def is_ambiguous(text: str) -> bool:
    """``25.000`` or ``1,234``: one separator followed by exactly three digits."""
    text = _strip(text)
    return bool(_ONE_SEP.match(text)) and number_evidence(text) is None


def format_number(value: Decimal, style: NumberStyle = "de") -> str:
    """A decimal for a CSV cell as it is stored (``2500.00`` keeps its zeros), without thousands
    separators: ``1234,5`` (de) or ``1234.5`` (en)."""
    text = format(value, "f")
    return text.replace(".", ",") if style == "de" else text


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def table_format(path: Path) -> str:
    """``xlsx`` or ``csv`` by the file's suffix (anything else: CSV)."""
    return "xlsx" if path.suffix.lower() in XLSX_SUFFIXES else "csv"


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], style: NumberStyle = "de") -> None:
    """A CSV file as Excel opens it in that language: German ``;`` with decimal commas, English ``,``
    with decimal points; UTF-8 with a byte order mark. Written beside the target, then moved."""
    delimiter = ";" if style == "de" else ","
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([format_number(v, style) if isinstance(v, Decimal) else cell_text(v) for v in row])
    _replace(path, ("\ufeff" + buffer.getvalue()).encode("utf-8"))


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "") -> None:
    """A workbook with one sheet: a bold header row, numbers as number cells, dates as date cells."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    if sheet_title:
        sheet.title = re.sub(r"[\[\]:*?/\\]", " ", sheet_title)[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in header]
    for row in rows:
        values = []
        for index, value in enumerate(row):
            if isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() and abs(value) < 10**15 else float(value)
            values.append(value)
            if index < len(widths):
                widths[index] = max(widths[index], min(60, len(cell_text(value))))
        sheet.append(values)
    for index, width in enumerate(widths):
        sheet.column_dimensions[column_letter(index)].width = max(8, width + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    _replace(path, buffer.getvalue())


def _replace(path: Path, content: bytes) -> None:
    """Write the whole file beside the target, then move it into place (no half-written export)."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temp.open("wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    finally:
        if temp.exists():
            temp.unlink()
