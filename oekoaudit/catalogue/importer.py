"""Import a checklist catalogue a user made: a spreadsheet (CSV, XLSX) or a catalogue file (YAML).

A spreadsheet has a header row and one row per item. The columns are recognised by their
header, case-insensitively, in German or English, optionally with a language suffix
(``Frage_de``, ``question_en``, ``Frage (de)``):

=================  ==========================================  =========
role               header                                      required
=================  ==========================================  =========
section            Abschnitt, Kapitel, section, chapter        yes
section key        Abschnittsschlüssel, section_key            no
key                Schlüssel, Nr, Nummer, key                  yes
title              Titel, title                                no (the question)
question           Frage, question                             yes
guidance           Hinweise, Erläuterung, guidance             no
evidence           Nachweis, Nachweise, evidence               no (several: ``;`` or new lines)
mandatory          Pflicht, mandatory                          no (ja/nein/yes/no/true/false/1/0/x; empty = yes)
=================  ==========================================  =========

A text given in one language only is used for both. An empty section cell continues the
section of the row above (merged cells, or the section written once); a row with only a
section is a heading. Sections appear in the order they first appear; their keys are derived
from their names unless there is a section key column.

The result is a catalogue file in the documented format (``docs/catalogue-format.md``). It is
written beside the user's other catalogues as a temporary file, validated by the same
validator as the shipped catalogues, and only then moved into place, so an invalid catalogue
never lands. Every problem names the row and column it is about; all problems are reported
at once (:class:`~oekoaudit.errors.CatalogueError`).

Files come from outside: they are size-limited, never executed (values only, no formulas),
and a workbook is checked for how large it unpacks before it is opened.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from oekoaudit import paths
from oekoaudit.catalogue import tables
from oekoaudit.catalogue.loader import MAX_CATALOGUE_BYTES, check_file
from oekoaudit.catalogue.schema import ID_PATTERN, KEY_PATTERN
from oekoaudit.domain.checklist import Checklist
from oekoaudit.errors import (
    N_,
    CatalogueError,
    CatalogueProblem,
    ReadOnlyError,
    StorageFullError,
    UserInputError,
)

#: Files larger than this are refused before they are read.
MAX_IMPORT_BYTES = 10 * 1024 * 1024
#: At most this many item rows (rows with content below the header row).
MAX_ROWS = 5000
#: Rows read at all, empty ones included; a table that goes on further is refused.
MAX_SHEET_ROWS = 20000
#: Columns read; any further to the right are ignored.
MAX_COLUMNS = 100
#: A workbook that unpacks to more than this is not opened (zip bombs).
MAX_XLSX_UNPACKED = 100 * 1024 * 1024
#: Longest key the catalogue format accepts.
MAX_KEY_LENGTH = 64

SPREADSHEET_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
YAML_SUFFIXES = (".yaml", ".yml")
STATUSES = ("draft", "published")

_KEY_RE = re.compile(KEY_PATTERN)
_ID_RE = re.compile(ID_PATTERN)

_YES = {"", "ja", "j", "yes", "y", "true", "wahr", "1", "x"}
_NO = {"nein", "n", "no", "false", "falsch", "0"}


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did."""

    checklist: Checklist
    #: the catalogue file in the user's catalogue folder (or the shipped file it equals)
    path: Path
    #: ``created`` (new file), ``replaced`` (a draft, or another edition of the same id),
    #: ``unchanged`` (the same content was there already; nothing was written)
    outcome: str
    #: when replaced: the edition and status the file held before
    previous_edition: str | None = None
    previous_status: str | None = None


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------

_ascii = tables.ascii_fold
column_letter = tables.column_letter
_clean = tables.clean
_cell_text = tables.cell_text
_shown = tables.shown
_problem = tables.problem


def slugify(text: str, keep: str = "", max_length: int = MAX_KEY_LENGTH) -> str:
    """``"4 Kontext der Organisation"`` → ``4-kontext-der-organisation`` (lower case, ASCII)."""
    allowed = "a-z0-9" + re.escape(keep)
    slug = re.sub(f"[^{allowed}]+", "-", _ascii(text).lower())
    slug = re.sub(r"^[^a-z0-9]+", "", slug)
    slug = slug[:max_length]
    return re.sub(r"[^a-z0-9]+$", "", slug)


# --------------------------------------------------------------------------------------
# Reading a table: rows of text cells, with their row numbers (see oekoaudit.catalogue.tables)
# --------------------------------------------------------------------------------------

Rows = list[tuple[int, list[str]]]

#: Said when a checklist goes on beyond MAX_SHEET_ROWS.
_TOO_LONG = N_("The table is longer than {limit} rows (empty rows included); delete the rows below the checklist.")


def _limits() -> tables.Limits:
    """The limits as this module's constants say (read when used, so that tests can lower them)."""
    return tables.Limits(max_bytes=MAX_IMPORT_BYTES, max_rows=MAX_ROWS, max_sheet_rows=MAX_SHEET_ROWS,
                         max_columns=MAX_COLUMNS, max_unpacked=MAX_XLSX_UNPACKED)


def _collect(file: str, rows: Iterable[Sequence[Any]]) -> tuple[Rows, list[CatalogueProblem]]:
    """Non-empty rows with their numbers (1-based, as a spreadsheet shows them), within the limits."""
    return tables.collect(file, rows, _limits(), _TOO_LONG)


_decode = tables.decode
_delimiter = tables.sniff_delimiter


def read_csv(path: Path, file: str | None = None) -> tuple[Rows, list[CatalogueProblem]]:
    """The rows of a CSV file: delimiter ``,`` ``;`` or tab, UTF-8 or Windows-1252."""
    return tables.read_csv(path, file, _limits(), _TOO_LONG)


def read_xlsx(path: Path, file: str | None = None) -> tuple[Rows, list[CatalogueProblem]]:
    """The first worksheet's values (cached results of formulas, never the formulas)."""
    return tables.read_xlsx(path, file, _limits(), _TOO_LONG)


# --------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------

_ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "section": ("section", "abschnitt", "kapitel", "chapter"),
    "section_key": ("section_key", "abschnitt_schluessel", "abschnittsschluessel", "abschnitt_key",
                    "kapitel_schluessel"),
    "key": ("key", "schluessel", "nr", "nummer"),
    "title": ("title", "titel"),
    "question": ("question", "questions", "frage", "fragen"),
    "guidance": ("guidance", "hinweis", "hinweise", "erlaeuterung", "erlaeuterungen"),
    "evidence": ("evidence", "evidence_hint", "evidence_hints", "nachweis", "nachweise"),
    "mandatory": ("mandatory", "pflicht", "required"),
}
_ROLE_BY_NAME = {name: role for role, names in _ROLE_NAMES.items() for name in names}
_TEXT_ROLES = {"section", "title", "question", "guidance", "evidence"}
#: How a missing required column is named in the message (both spellings; not translated).
_EXPECTED = {"section": "Abschnitt/section", "key": "Schlüssel/key", "question": "Frage/question"}
_LANGUAGES = {"de": "de", "deutsch": "de", "german": "de", "en": "en", "englisch": "en", "english": "en"}
_SUFFIX_PAREN = re.compile(r"^(.*?)\s*[(\[]\s*(de|en|deutsch|german|englisch|english)\s*[)\]]$")
_SUFFIX_PLAIN = re.compile(r"^(.*?)[\s_.\-]+(de|en)$")


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    header: str
    role: str
    lang: str | None  # "de", "en", or None: the text for both languages

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def label(self) -> str:
        return f"{self.letter} ({_shown(self.header)})"


def column_role(header: str) -> tuple[str, str | None] | None:
    """``"Frage (de)"`` → ``("question", "de")``; None for a column oekoaudit does not use."""
    name = _ascii(unicodedata.normalize("NFKC", header)).strip().lower().rstrip("*:").strip()
    lang = None
    match = _SUFFIX_PAREN.match(name) or _SUFFIX_PLAIN.match(name)
    if match and _ROLE_BY_NAME.get(re.sub(r"[\s\-.]+", "_", match.group(1)).strip("_")):
        name, lang = match.group(1), _LANGUAGES[match.group(2)]
    role = _ROLE_BY_NAME.get(re.sub(r"[\s\-.]+", "_", name).strip("_"))
    if role is None:
        return None
    return role, (lang if role in _TEXT_ROLES else None)


def _columns(file: str, header_row: int, header: list[str]) -> tuple[dict[tuple[str, str | None], Column],
                                                                     list[CatalogueProblem]]:
    columns: dict[tuple[str, str | None], Column] = {}
    problems = []
    for index, text in enumerate(header):
        found = column_role(text) if text else None
        if found is None:
            continue
        column = Column(index, text, *found)
        first = columns.get(found)
        if first is not None:
            problems.append(_problem(file, N_("Row {row}: the columns {first} and {second} mean the same; keep one of them."),
                                     row=header_row, first=first.label, second=column.label))
            continue
        columns[found] = column
    roles = {role for role, _lang in columns}
    headers = ", ".join(_shown(h) for h in header if h) or "-"
    for role in ("section", "key", "question"):
        if role not in roles:
            problems.append(_problem(file, N_("Row {row}: there is no column {expected}. Columns found: {found}."),
                                     row=header_row, expected=_EXPECTED[role], found=headers))
    return columns, problems


# --------------------------------------------------------------------------------------
# Rows → catalogue data
# --------------------------------------------------------------------------------------


@dataclass
class _Section:
    key: str | None  # given in a section key column; else derived once all keys are known
    title: tuple[str, str]
    row: int
    column: Column | None
    items: list[dict[str, Any]] = field(default_factory=list)
    has_rows: bool = False  # an item row named it (even one with problems)


class _Sheet:
    """One data row at a time: texts by role, with the cell they came from."""

    def __init__(self, columns: dict[tuple[str, str | None], Column]) -> None:
        self.columns = columns

    def cell(self, cells: list[str], role: str, lang: str | None = None) -> str:
        column = self.columns.get((role, lang))
        if column is None or column.index >= len(cells):
            return ""
        return cells[column.index]

    def column(self, role: str) -> Column | None:
        """The column to name in a message about ``role`` (the neutral one, else German, else English)."""
        for lang in (None, "de", "en"):
            if (role, lang) in self.columns:
                return self.columns[(role, lang)]
        return None

    def has(self, role: str) -> bool:
        return self.column(role) is not None

    def text(self, cells: list[str], role: str) -> tuple[str, str] | None:
        """(German, English); a text in one language only serves both."""
        neutral = self.cell(cells, role)
        de_cell, en_cell = self.cell(cells, role, "de"), self.cell(cells, role, "en")
        de = de_cell or neutral or en_cell
        en = en_cell or neutral or de_cell
        return (de, en) if de else None

    def hints(self, cells: list[str], role: str) -> tuple[list[str], list[str]]:
        def split(text: str) -> list[str]:
            return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]

        neutral = split(self.cell(cells, role))
        de_cell, en_cell = split(self.cell(cells, role, "de")), split(self.cell(cells, role, "en"))
        return de_cell or neutral or en_cell, en_cell or neutral or de_cell


def _bi(text: tuple[str, str]) -> dict[str, str]:
    return {"de": text[0], "en": text[1]}


def _cell_problem(file: str, row: int, column: Column | None, template: str, item_key: str | None = None,
                  **params: Any) -> CatalogueProblem:
    letter = column.letter if column else "?"
    return _problem(file, template, location=f"{letter}{row}", item_key=item_key, row=row, column=letter,
                    name=_shown(column.header) if column else "?", **params)


def _sections_from_rows(file: str, rows: Rows) -> tuple[list[_Section], dict[str, int], list[CatalogueProblem]]:
    """Sections with their items (catalogue data), and every problem found in the rows."""
    header_row, header = rows[0]
    columns, problems = _columns(file, header_row, header)
    if problems:
        return [], {}, problems
    if len(rows) < 2:
        return [], {}, [_problem(file, N_("The file has a header row but no checklist items below it."))]
    sheet = _Sheet(columns)
    sections: list[_Section] = []
    by_key: dict[str, _Section] = {}
    by_title: tuple[dict[str, _Section], dict[str, _Section]] = ({}, {})  # by German, by English name

    def named(title: tuple[str, str]) -> _Section | None:
        """The section of that name in either language (a later row may give one language only)."""
        return by_title[0].get(title[0]) or by_title[1].get(title[1])

    def remember(title: tuple[str, str], section: _Section) -> None:
        by_title[0].setdefault(title[0], section)
        by_title[1].setdefault(title[1], section)
    item_rows: dict[str, int] = {}
    current: _Section | None = None
    key_column, question_column = sheet.column("key"), sheet.column("question")
    section_column, section_key_column = sheet.column("section"), sheet.column("section_key")
    mandatory_column = sheet.column("mandatory")

    for row, cells in rows[1:]:
        # ---- the section: named in this row, or the one of the row above
        title = sheet.text(cells, "section")
        given_key = sheet.cell(cells, "section_key")
        if given_key:
            if not _KEY_RE.match(given_key) or len(given_key) > MAX_KEY_LENGTH:
                problems.append(_key_problem(file, row, section_key_column, given_key))
                continue
            section = by_key.get(given_key)
            if section is None:
                section = _Section(given_key, title or (given_key, given_key), row, section_column or section_key_column)
                sections.append(section)
                by_key[given_key] = section
                if title:
                    remember(title, section)
            elif title and title[0] != section.title[0] and title[1] != section.title[1]:
                problems.append(_cell_problem(
                    file, row, section_key_column,
                    N_("Row {row}, column {column} ({name}): the section key {key} already belongs to "
                       "the section {other} (row {other_row})."),
                    key=given_key, other=_shown(section.title[0]), other_row=section.row))
                continue
            current = section
        elif title:
            section = named(title)
            if section is None:
                section = _Section(None, title, row, section_column)
                sections.append(section)
                remember(title, section)
            current = section

        key = sheet.cell(cells, "key")
        question = sheet.text(cells, "question")
        item_title = sheet.text(cells, "title")
        guidance = sheet.text(cells, "guidance")
        evidence_de, evidence_en = sheet.hints(cells, "evidence")
        mandatory_text = sheet.cell(cells, "mandatory")
        if not (key or question or item_title or guidance or evidence_de or mandatory_text):
            continue  # a heading row: only the section

        row_problems: list[CatalogueProblem] = []
        if current is not None:
            current.has_rows = True
        if current is None:
            row_problems.append(_cell_problem(file, row, section_column,
                                              N_("Row {row}, column {column} ({name}): the section is empty.")))
        item_key: str | None = None
        if not key:
            row_problems.append(_cell_problem(file, row, key_column,
                                              N_("Row {row}, column {column} ({name}): the key is empty.")))
        elif not _KEY_RE.match(key) or len(key) > MAX_KEY_LENGTH:
            row_problems.append(_key_problem(file, row, key_column, key))
        elif key in item_rows:
            row_problems.append(_cell_problem(
                file, row, key_column,
                N_("Row {row}, column {column} ({name}): the key {key} is already used in row {other_row}."),
                item_key=key, key=key, other_row=item_rows[key]))
        else:
            item_key = key
            item_rows[key] = row
        if question is None:
            row_problems.append(_cell_problem(file, row, question_column,
                                              N_("Row {row}, column {column} ({name}): the question is empty."),
                                              item_key=item_key))
        mandatory = True
        if mandatory_text.lower() in _NO:
            mandatory = False
        elif mandatory_text.lower() not in _YES:
            row_problems.append(_cell_problem(
                file, row, mandatory_column,
                N_("Row {row}, column {column} ({name}): {value} is not a yes/no value; use ja, nein, yes, no, "
                   "true, false, 1, 0 or x (empty means yes)."),
                item_key=item_key, value=_shown(mandatory_text)))
        if len(evidence_de) != len(evidence_en):
            letters = ", ".join(c.letter for (role, lang), c in columns.items() if role == "evidence" and lang)
            row_problems.append(_problem(
                file, N_("Row {row}, columns {columns}: the German and English texts list a different number "
                         "of evidence hints ({de} and {en})."),
                item_key=item_key, row=row, columns=letters,
                de=len(evidence_de), en=len(evidence_en)))
        if row_problems:
            problems.extend(row_problems)
            continue
        assert current is not None and question is not None
        item: dict[str, Any] = {"key": key, "title": _bi(item_title or question), "questions": [_bi(question)]}
        if guidance:
            item["guidance"] = _bi(guidance)
        if evidence_de:
            item["evidence"] = [{"de": de, "en": en} for de, en in zip(evidence_de, evidence_en, strict=True)]
        if not mandatory:
            item["mandatory"] = False
        current.items.append(item)

    for section in sections:
        if not section.has_rows:
            problems.append(_cell_problem(
                file, section.row, section.column,
                N_("Row {row}, column {column} ({name}): the section {section} has no items."),
                section=_shown(section.title[0])))
    taken = set(item_rows)
    for section in sections:
        if section.key is not None:
            if section.key in taken:
                problems.append(_cell_problem(
                    file, section.row, section_key_column,
                    N_("Row {row}, column {column} ({name}): the key {key} is already used in row {other_row}."),
                    item_key=section.key, key=section.key, other_row=item_rows.get(section.key, section.row)))
            taken.add(section.key)
    for section in sections:
        if section.key is None:
            base = slugify(section.title[0]) or "section"
            candidate, n = base, 1
            while candidate in taken:
                n += 1
                suffix = f"-{n}"
                candidate = base[: MAX_KEY_LENGTH - len(suffix)] + suffix
            section.key = candidate
            taken.add(candidate)
    problems.sort(key=lambda p: dict(p.params).get("row", 0))
    return sections, item_rows, problems


def _key_problem(file: str, row: int, column: Column | None, key: str) -> CatalogueProblem:
    if len(key) > MAX_KEY_LENGTH and _KEY_RE.match(key):
        return _cell_problem(file, row, column,
                             N_("Row {row}, column {column} ({name}): the key {key} is longer than {limit} characters."),
                             key=_shown(key), limit=MAX_KEY_LENGTH)
    return _cell_problem(file, row, column,
                         N_("Row {row}, column {column} ({name}): {key} is not a valid key; use the letters A-Z "
                            "(without umlauts), digits, '.', '-' and '_', starting with a letter or digit."),
                         key=_shown(key))


# --------------------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Meta:
    id: str | None = None
    title: tuple[str, str] | None = None
    edition: str | None = None
    scheme: str | None = None
    status: str | None = None
    scale: str | None = None

    def any(self) -> bool:
        return any(v is not None for v in (self.id, self.title, self.edition, self.scheme, self.status, self.scale))


def _title(value: str | Mapping[str, str] | None) -> tuple[str, str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        de = en = " ".join(value.split())
    else:
        de = " ".join(str(value.get("de") or value.get("en") or "").split())
        en = " ".join(str(value.get("en") or value.get("de") or "").split())
    if not de:
        raise UserInputError(N_("The title of the catalogue must not be empty."))
    return de, en


def _meta(id: str | None, title: str | Mapping[str, str] | None, edition: str | int | None,  # noqa: A002
          scheme: str | None, status: str | None, scale: str | None, forms_dir: Path) -> _Meta:
    """Check the metadata given by the user (None: not given)."""
    for value, template in (
        (id, N_("{value} is not a valid catalogue id; use lower-case letters a-z, digits, '.', '-' and '_', "
                "starting with a letter or digit (at most 64 characters).")),
        (scheme, N_("{value} is not a valid scheme name; use lower-case letters a-z, digits, '.', '-' and '_', "
                    "starting with a letter or digit (at most 64 characters).")),
    ):
        if value is not None and (not _ID_RE.match(value) or len(value) > MAX_KEY_LENGTH):
            raise UserInputError(template, value=value)
    if edition is not None:
        edition = " ".join(str(edition).split())
        if not edition:
            raise UserInputError(N_("The edition of the catalogue must not be empty."))
    if status is not None and status not in STATUSES:
        raise UserInputError(N_("The status must be draft or published, not {status}."), status=status)
    if scale is not None:
        known = sorted(p.stem for p in (forms_dir / "scales").glob("*.yaml"))
        if scale not in known:
            raise UserInputError(N_("There is no answer scale {name}. Known scales: {known}."),
                                 name=scale, known=", ".join(known) or "-")
    return _Meta(id=id, title=_title(title), edition=edition, scheme=scheme, status=status, scale=scale)


def _defaults(meta: _Meta, source: Path) -> dict[str, Any]:
    """The top level of a catalogue made from a spreadsheet: given values, else from the file name."""
    catalogue_id = meta.id or slugify(source.stem, keep="._") or "catalogue"
    name = " ".join(source.stem.replace("_", " ").split()) or catalogue_id
    return {
        "schema_version": 1,
        "id": catalogue_id,
        "scheme": meta.scheme or catalogue_id,
        "edition": meta.edition or str(date.today().year),
        "status": meta.status or "draft",
        "title": _bi(meta.title or (name, name)),
        "answer_scale": meta.scale or "standard",
    }


def _override(data: dict[str, Any], meta: _Meta) -> dict[str, Any]:
    """A YAML catalogue with the metadata the user gave instead of the file's."""
    data = dict(data)
    for name, value in (("id", meta.id), ("scheme", meta.scheme), ("edition", meta.edition),
                        ("status", meta.status), ("answer_scale", meta.scale)):
        if value is not None:
            data[name] = value
    if meta.title is not None:
        data["title"] = _bi(meta.title)
    return data


# --------------------------------------------------------------------------------------
# Writing YAML
# --------------------------------------------------------------------------------------


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Block style, multi-line texts as literal blocks, keys in the documented order."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Mapping[str, Any], comment: str = "") -> bytes:
    text = yaml.dump(dict(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100,
                     default_flow_style=False)
    header = "".join(f"# {line}\n" for line in comment.splitlines())
    return (header + text).encode("utf-8")


def _safe_load(raw: bytes) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(raw.decode("utf-8-sig"), Loader=loader)  # noqa: S506 - a safe loader


# --------------------------------------------------------------------------------------
# Building the catalogue (no files written)
# --------------------------------------------------------------------------------------


def _check_source(path: Path) -> tuple[str, list[CatalogueProblem]]:
    """The kind of file (``yaml``, ``csv``, ``xlsx``), or problems: missing, too large, unknown type."""
    return tables.table_kind(
        path, tables.Limits(max_bytes=MAX_IMPORT_BYTES), other_kinds=dict.fromkeys(YAML_SUFFIXES, "yaml"),
        unknown_type=N_("Files of the type {suffix} cannot be imported; use a CSV file, an Excel workbook "
                        "(.xlsx) or a catalogue in YAML format."))


def _read_rows(path: Path, kind: str) -> tuple[Rows, list[CatalogueProblem]]:
    try:
        return (read_xlsx if kind == "xlsx" else read_csv)(path)
    except OSError as exc:
        return [], [_problem(str(path), N_("The file cannot be read: {reason}"), reason=exc.strerror or str(exc))]


@dataclass(frozen=True, slots=True)
class _Built:
    content: bytes
    #: location in the catalogue (``sections[0].items[2]``) → row of the spreadsheet
    rows: dict[str, int]


def _build_from_rows(path: Path, kind: str, meta: _Meta) -> _Built:
    file = str(path)
    rows, problems = _read_rows(path, kind)
    if not problems and not rows:
        problems = [_problem(file, N_("The file is empty."))]
    if problems:
        raise CatalogueError(file, problems)
    sections, _item_rows, problems = _sections_from_rows(file, rows)
    if problems:
        raise CatalogueError(file, problems)
    data = _defaults(meta, path)
    data["sections"] = [{"key": s.key, "title": _bi(s.title), "items": s.items} for s in sections]
    origin = {}
    for s_index, section in enumerate(sections):
        origin[f"sections[{s_index}]"] = section.row
        for i_index, item in enumerate(section.items):
            origin[f"sections[{s_index}].items[{i_index}]"] = _item_rows[item["key"]]
    comment = f"Imported by oekoaudit from {path.name} on {date.today().isoformat()}.\n" \
              "Format: docs/catalogue-format.md"
    return _Built(dump_yaml(data, comment), origin)


def _build_from_yaml(path: Path, meta: _Meta, forms_dir: Path) -> _Built:
    checklist, problems = check_file(path, forms_dir)
    if checklist is None:
        raise CatalogueError(str(path), problems)
    raw = path.read_bytes()
    if not meta.any():
        return _Built(raw, {})
    data = _override(_safe_load(raw), meta)
    comment = f"Imported by oekoaudit from {path.name} on {date.today().isoformat()}, with new metadata."
    return _Built(dump_yaml(data, comment), {})


def catalogue_yaml(path: str | Path, *, id: str | None = None,  # noqa: A002
                   title: str | Mapping[str, str] | None = None, edition: str | int | None = None,
                   scheme: str | None = None, status: str | None = None, scale: str | None = None,
                   forms_dir: Path | None = None) -> bytes:
    """The catalogue file an import would write, without writing it (a preview; raises like an import).

    Only the spreadsheet's own problems are found here; the full validation happens on import.
    """
    path = Path(path)
    forms_dir = forms_dir or paths.forms_dir()
    meta = _meta(id, title, edition, scheme, status, scale, forms_dir)
    kind, problems = _check_source(path)
    if problems:
        raise CatalogueError(str(path), problems)
    if kind == "yaml":
        return _build_from_yaml(path, meta, forms_dir).content
    return _build_from_rows(path, kind, meta).content


# --------------------------------------------------------------------------------------
# Landing the file: validate, compare with what is there, move in place
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Existing:
    path: Path
    shipped: bool
    data: dict[str, Any]

    @property
    def edition(self) -> str:
        return str(self.data.get("edition"))

    @property
    def status(self) -> str:
        return str(self.data.get("status"))


def _catalogue_files(folder: Path) -> Iterator[Path]:
    try:
        yield from sorted(p for p in folder.glob("*.yaml") if p.is_file())
    except OSError:
        return


def _existing(catalogue_id: str, user_dir: Path, shipped_dirs: Sequence[Path], skip: Path) -> list[_Existing]:
    """Catalogues with this id: shipped ones first, then the user's (read as plain YAML)."""
    found = []
    for folder, shipped in [*((d, True) for d in shipped_dirs), (user_dir, False)]:
        for path in _catalogue_files(folder):
            if path == skip:
                continue
            try:
                if path.stat().st_size > MAX_CATALOGUE_BYTES:
                    continue
                raw = path.read_bytes()
                if catalogue_id.encode("utf-8") not in raw:
                    continue  # cheap: most files do not mention the id at all
                data = _safe_load(raw)
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue
            if isinstance(data, dict) and str(data.get("id")) == catalogue_id:
                found.append(_Existing(path, shipped, data))
    return found


def _same(new: Checklist, content: bytes, old: _Existing, forms_dir: Path) -> tuple[bool, Checklist | None]:
    """Whether the catalogue there says the same (its checklist, if it is valid)."""
    checklist, _problems = check_file(old.path, forms_dir)
    if checklist is None:
        return _safe_load(content) == old.data, None
    return (checklist.fingerprint == new.fingerprint and checklist.mappings == new.mappings), checklist


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remap(problems: Iterable[CatalogueProblem], temp: Path, file: str,
           origin: Mapping[str, int]) -> list[CatalogueProblem]:
    """Problems of the temporary file, told about the file the user imported (and its rows)."""
    result = []
    for p in problems:
        if p.file != str(temp):
            result.append(p)
            continue
        location = p.location
        for prefix in sorted(origin, key=len, reverse=True):
            if location == prefix or location.startswith((prefix + ".", prefix + "[")):
                location = f"row {origin[prefix]} ({location})"
                break
        result.append(CatalogueProblem(file=file, location=location, item_key=p.item_key, template=p.template,
                                       params=p.params))
    return result


def _land(built: _Built, source: Path, user_dir: Path, forms_dir: Path,
          shipped_dirs: Sequence[Path]) -> ImportResult:
    from filelock import FileLock, Timeout

    try:
        user_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageFullError(detail=f"{exc.strerror or exc}: {user_dir}") from exc
    try:
        with FileLock(str(user_dir / ".import.lock"), timeout=30):
            return _land_locked(built, source, user_dir, forms_dir, shipped_dirs)
    except Timeout as exc:
        raise UserInputError(N_("The catalogue folder {path} is busy with another import; try again."),
                             path=str(user_dir)) from exc


def _write_temp(content: bytes, folder: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=".import-", suffix=".tmp", dir=folder)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise StorageFullError(detail=f"{exc.strerror or exc}: {folder}") from exc
    return temp


def _land_locked(built: _Built, source: Path, user_dir: Path, forms_dir: Path,
                 shipped_dirs: Sequence[Path]) -> ImportResult:
    temp: Path | None = _write_temp(built.content, user_dir)
    assert temp is not None
    try:
        checklist, problems = check_file(temp, forms_dir)
        if checklist is None:
            raise CatalogueError(str(source), _remap(problems, temp, str(source), built.rows))
        target = user_dir / f"{checklist.id}.yaml"
        previous: _Existing | None = None
        for old in _existing(checklist.id, user_dir, shipped_dirs, skip=temp):
            same_edition = old.edition == checklist.edition
            if old.shipped:
                if not same_edition:
                    continue  # another edition of a shipped catalogue's id is the user's own
                same, old_checklist = _same(checklist, built.content, old, forms_dir)
                if same and old_checklist is not None:
                    return ImportResult(old_checklist, old.path, "unchanged")
                raise ReadOnlyError(N_("The catalogue {id}, edition {edition}, is shipped with oekoaudit and cannot "
                                       "be replaced; import yours as a new edition with --edition or under another "
                                       "id with --id."), id=checklist.id, edition=checklist.edition)
            if previous is None or old.path == target:
                previous = old
        if previous is not None:
            if previous.edition == checklist.edition:
                same, old_checklist = _same(checklist, built.content, previous, forms_dir)
                if same and old_checklist is not None:
                    return ImportResult(old_checklist, previous.path, "unchanged")
                if previous.status == "published":
                    raise ReadOnlyError(N_("The catalogue {id}, edition {edition}, is published and cannot be "
                                           "changed; import it as a new edition with --edition."),
                                        id=checklist.id, edition=checklist.edition)
            target = previous.path
        elif target.exists():
            other = "-"
            try:
                data = _safe_load(target.read_bytes())
                other = str(data.get("id")) if isinstance(data, dict) else "-"
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                pass
            raise UserInputError(N_("The file {path} already holds another catalogue ({other}); rename or remove "
                                    "it first."), path=str(target), other=other)
        try:
            os.replace(temp, target)
        except OSError as exc:
            raise StorageFullError(detail=f"{exc.strerror or exc}: {target}") from exc
        temp = None
        _fsync_dir(user_dir)
        if previous is None:
            return ImportResult(checklist, target, "created")
        return ImportResult(checklist, target, "replaced", previous_edition=previous.edition,
                            previous_status=previous.status)
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def import_catalogue(path: str | Path, *, id: str | None = None,  # noqa: A002
                     title: str | Mapping[str, str] | None = None, edition: str | int | None = None,
                     scheme: str | None = None, status: str | None = None, scale: str | None = None,
                     user_dir: Path | None = None, forms_dir: Path | None = None,
                     shipped_dirs: Sequence[Path] | None = None) -> ImportResult:
    """Import a spreadsheet (CSV, XLSX) or catalogue file (YAML) into the user's catalogue folder.

    Metadata left out comes, for a spreadsheet, from the file name (``id``, ``title``, ``scheme`` = id),
    the current year (``edition``), ``draft`` and the ``standard`` scale; for a YAML file from
    the file itself (given values replace the file's).

    ``user_dir`` defaults to :func:`oekoaudit.paths.user_catalogues_dir`; ``forms_dir`` (where
    answer scales and included catalogues are found) to the shipped ``forms/``; ``shipped_dirs``,
    the folders of shipped catalogues an import may not replace, to ``(forms_dir,)``.

    Raises :class:`CatalogueError` (every problem of the file, by row and column),
    :class:`ReadOnlyError` (a published or shipped catalogue would change),
    :class:`UserInputError` (bad metadata) or :class:`StorageFullError` (cannot write).
    """
    path = Path(path)
    forms_dir = forms_dir or paths.forms_dir()
    user_dir = user_dir or paths.user_catalogues_dir()
    shipped_dirs = tuple(shipped_dirs) if shipped_dirs is not None else (forms_dir,)
    meta = _meta(id, title, edition, scheme, status, scale, forms_dir)
    kind, problems = _check_source(path)
    if problems:
        raise CatalogueError(str(path), problems)
    built = _build_from_yaml(path, meta, forms_dir) if kind == "yaml" else _build_from_rows(path, kind, meta)
    return _land(built, path, user_dir, forms_dir, shipped_dirs)


__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_ROWS",
    "ImportResult",
    "catalogue_yaml",
    "column_letter",
    "column_role",
    "import_catalogue",
    "slugify",
]
