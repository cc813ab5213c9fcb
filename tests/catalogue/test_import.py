"""Users import their own checklist catalogues: spreadsheets (CSV, XLSX) and YAML files."""

from __future__ import annotations

import shutil
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from oekoaudit import paths
from oekoaudit.catalogue import check_file, importer
from oekoaudit.catalogue.importer import column_letter, column_role, import_catalogue, slugify
from oekoaudit.errors import CatalogueError, CatalogueProblem, ReadOnlyError, UserInputError
from oekoaudit.services.catalogue import CatalogueService

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "catalogues" / "import"


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    return tmp_path / "data" / "catalogues"


def _import(path: Path, user_dir: Path, **meta: Any) -> importer.ImportResult:
    return import_catalogue(path, user_dir=user_dir, **meta)


def _problems(path: Path, user_dir: Path, **meta: Any) -> list[CatalogueProblem]:
    with pytest.raises(CatalogueError) as caught:
        _import(path, user_dir, **meta)
    assert caught.value.problems
    return list(caught.value.problems)


def _messages(problems: list[CatalogueProblem]) -> list[str]:
    return [p.english() for p in problems]


def _landed(user_dir: Path) -> list[str]:
    """Every file in the user's folder but the lock (temporary files included)."""
    if not user_dir.exists():
        return []
    return sorted(p.name for p in user_dir.iterdir() if p.name != ".import.lock")


def _csv(tmp_path: Path, text: str, name: str = "liste.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _items(result: importer.ImportResult) -> dict[str, Any]:
    return {i.key: i for i in result.checklist.items()}


# ---- spreadsheets -------------------------------------------------------------------------


def test_csv_with_semicolons_from_german_excel(user_dir: Path) -> None:
    """';', Windows-1252, CRLF, a heading row and section cells left empty below the first."""
    result = _import(FIXTURES / "betriebscheck-semikolon.csv", user_dir)
    checklist = result.checklist
    assert result.outcome == "created"
    assert result.path == user_dir / "betriebscheck-semikolon.yaml"
    assert (checklist.id, checklist.scheme, checklist.status) == ("betriebscheck-semikolon",) * 2 + ("draft",)
    assert checklist.edition == str(date.today().year)
    assert checklist.title.de == checklist.title.en == "betriebscheck-semikolon"
    assert checklist.scale.key == "standard"
    assert [(s.key, s.title.de) for s in checklist.sections] == [
        ("abfall-und-wertstoffe", "Abfall und Wertstoffe"), ("energie", "Energie"), ("gefahrstoffe", "Gefahrstoffe")]
    assert [[i.key for i in s.children] for s in checklist.sections] == [["AB-01", "AB-02"], ["EN-01", "EN-02"],
                                                                           ["GS-01"]]
    items = _items(result)
    first = items["AB-01"]
    assert first.questions[0].de == first.questions[0].en == "Werden Abfälle nach Arten getrennt gesammelt?"
    assert first.title == first.questions[0]  # no title column: the question is the title
    assert first.guidance.de == "Gewerbeabfallverordnung §§ 3–4 beachten."
    assert [e.de for e in first.evidence] == ["Entsorgungsnachweise", "Fotos der Sammelbehälter"]
    assert items["AB-02"].guidance.de == "Für Betriebe ab 10 Beschäftigten.\nAuch kleinere Betriebe profitieren."
    assert {k: i.mandatory for k, i in items.items()} == {"AB-01": True, "AB-02": False, "EN-01": True,
                                                           "EN-02": True, "GS-01": True}
    # what landed is a catalogue in the documented format that the shipped validator accepts
    landed, problems = check_file(result.path)
    assert problems == [] and landed is not None and landed.fingerprint == checklist.fingerprint
    assert _landed(user_dir) == ["betriebscheck-semikolon.yaml"]


def test_csv_with_commas_utf8_bom_and_english_headers(user_dir: Path) -> None:
    result = _import(FIXTURES / "umweltcheck-komma-bom.csv", user_dir)
    items = _items(result)
    assert [s.key for s in result.checklist.sections] == ["waste", "water"]
    assert items["W1"].questions[0].en == "Is waste separated by type, as required?"
    assert [e.en for e in items["W2"].evidence] == ["Storage area photos", "Inspection log"]
    assert (items["W1"].mandatory, items["W2"].mandatory, items["WA1"].mandatory) == (True, True, False)


def test_bilingual_columns_section_keys_and_titles(user_dir: Path) -> None:
    result = _import(FIXTURES / "zweisprachig.tsv", user_dir)
    checklist = result.checklist
    assert [(s.key, s.title.de, s.title.en) for s in checklist.sections] == [
        ("4", "Kontext", "Context"), ("5", "Führung", "Leadership")]
    items = _items(result)
    assert (items["4.1"].title.de, items["4.1"].title.en) == ("Organisation und Kontext", "Organisation and context")
    assert items["4.1"].questions[0].en == "Are internal and external issues determined?"
    assert [(e.de, e.en) for e in items["4.1"].evidence] == [("Kontextanalyse", "Context analysis"), ("SWOT", "SWOT")]
    # a text in one language only serves both
    assert items["4.2"].questions[0].en == "Sind die interessierten Parteien bekannt?"
    assert (items["4.1"].mandatory, items["4.2"].mandatory, items["5.1"].mandatory) == (True, False, True)


def _workbook(path: Path, rows: list[list[Any]], merge: str | None = None, second_sheet: bool = True) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Checkliste"
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    if second_sheet:
        other = workbook.create_sheet("Notizen")
        other.append(["Abschnitt", "Schlüssel", "Frage"])
        other.append(["Nicht", "N1", "Wird nicht gelesen"])
    workbook.save(path)
    return path


def test_xlsx_first_sheet_with_numbers_booleans_and_merged_cells(tmp_path: Path, user_dir: Path) -> None:
    path = _workbook(tmp_path / "Hausaudit_2025.xlsx", [
        [],  # the header need not be in the first row
        ["Abschnitt", "Schlüssel", "Frage", "Hinweise", "Nachweis", "Pflicht"],
        ["4 Kontext der Organisation", 4.1, "Sind interne und externe Themen bestimmt?", None,
         "Kontextanalyse\nProtokoll der Managementbewertung", True],
        [None, 4.2, "Sind die Erwartungen interessierter Parteien bekannt?", "Auch Nachbarn.", None, False],
        ["5 Führung", 5, "Übernimmt die Leitung Verantwortung?", None, None, 1],
    ], merge="A3:A4")
    result = _import(path, user_dir)
    checklist = result.checklist
    assert checklist.id == "hausaudit_2025" and checklist.title.de == "Hausaudit 2025"
    assert [(s.key, [i.key for i in s.children]) for s in checklist.sections] == [
        ("4-kontext-der-organisation", ["4.1", "4.2"]), ("5-fuehrung", ["5"])]
    items = _items(result)
    assert [e.de for e in items["4.1"].evidence] == ["Kontextanalyse", "Protokoll der Managementbewertung"]
    assert (items["4.1"].mandatory, items["4.2"].mandatory, items["5"].mandatory) == (True, False, True)
    assert "N1" not in items


def test_xlsx_problems_name_the_rows_as_the_sheet_numbers_them(tmp_path: Path, user_dir: Path) -> None:
    path = _workbook(tmp_path / "fehler.xlsx", [
        ["Liste der Prüfpunkte"],  # a title above the header is not a header ...
    ], second_sheet=False)
    assert "there is no column" in " ".join(_messages(_problems(path, user_dir)))
    path = _workbook(tmp_path / "fehler.xlsx", [
        [],
        [],
        ["Abschnitt", "Schlüssel", "Frage", "Pflicht"],
        ["Abfall", "A1", "Getrennt?", "vielleicht"],
        ["Abfall", "A1", None, None],
    ], second_sheet=False)
    problems = _problems(path, user_dir)
    assert [dict(p.params)["row"] for p in problems] == [4, 5, 5]
    assert _messages(problems) == [
        "Row 4, column D (Pflicht): vielleicht is not a yes/no value; use ja, nein, yes, no, true, false, 1, 0 "
        "or x (empty means yes).",
        "Row 5, column B (Schlüssel): the key A1 is already used in row 4.",
        "Row 5, column C (Frage): the question is empty.",
    ]
    assert _landed(user_dir) == []


def test_xlsx_that_unpacks_too_large_is_not_opened(tmp_path: Path, user_dir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = _workbook(tmp_path / "gross.xlsx", [["Abschnitt", "Schlüssel", "Frage"], ["A", "1", "F?"]])
    monkeypatch.setattr(importer, "MAX_XLSX_UNPACKED", 1000)
    assert "unpacks to" in _messages(_problems(path, user_dir))[0]


def test_broken_workbook_is_reported_not_raised(tmp_path: Path, user_dir: Path) -> None:
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(b"PK\x03\x04 this is no workbook")
    assert "cannot be read as an Excel workbook" in _messages(_problems(path, user_dir))[0]


# ---- YAML ------------------------------------------------------------------------------------


def test_yaml_catalogue_is_validated_and_copied_as_it_is(user_dir: Path) -> None:
    source = FIXTURES / "eigener-katalog.yaml"
    result = _import(source, user_dir)
    assert result.outcome == "created"
    assert result.path == user_dir / "eigener-katalog.yaml"
    assert result.path.read_bytes() == source.read_bytes()
    assert (result.checklist.id, result.checklist.edition, result.checklist.status) == (
        "eigener-katalog", "2025", "published")


def test_yaml_catalogue_with_new_metadata(user_dir: Path) -> None:
    result = _import(FIXTURES / "eigener-katalog.yaml", user_dir, id="mein-check", edition="2026",
                     status="draft", title="Mein Check")
    assert result.path == user_dir / "mein-check.yaml"
    c = result.checklist
    assert (c.id, c.edition, c.status, c.title.de, c.title.en) == ("mein-check", "2026", "draft", "Mein Check",
                                                                   "Mein Check")
    assert c.scheme == "eigener-katalog"  # not given: the file's
    assert [i.key for i in c.items()] == ["A1"]


def test_invalid_yaml_catalogue_is_refused_with_the_validators_problems(tmp_path: Path, user_dir: Path) -> None:
    data = yaml.safe_load((FIXTURES / "eigener-katalog.yaml").read_text(encoding="utf-8"))
    del data["sections"][0]["items"][0]["questions"]
    bad = tmp_path / "kaputt.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = _problems(bad, user_dir)
    assert problems[0].file == str(bad)
    assert problems[0].location == "sections[0].items[0].questions"
    assert _landed(user_dir) == []


# ---- every kind of problem, by row and column ---------------------------------------------------


def test_every_row_problem_is_collected_with_row_and_column(user_dir: Path) -> None:
    problems = _problems(FIXTURES / "fehler.csv", user_dir)
    assert _messages(problems) == [
        "Row 3, column B (Schlüssel): the key A1 is already used in row 2.",
        "Row 4, column B (Schlüssel): A 2 is not a valid key; use the letters A-Z (without umlauts), digits, "
        "'.', '-' and '_', starting with a letter or digit.",
        "Row 5, column C (Frage): the question is empty.",
        "Row 6, column D (Pflicht): vielleicht is not a yes/no value; use ja, nein, yes, no, true, false, 1, 0 "
        "or x (empty means yes).",
        "Row 7, column B (Schlüssel): the key is empty.",
    ]
    assert [p.location for p in problems] == ["B3", "B4", "C5", "D6", "B7"]
    assert problems[0].item_key == "A1"
    assert dict(problems[0].params) == {"row": 3, "column": "B", "name": "Schlüssel", "key": "A1", "other_row": 2}
    assert all(p.file == str(FIXTURES / "fehler.csv") for p in problems)
    assert _landed(user_dir) == []


def test_missing_required_column_lists_the_headers_found(user_dir: Path) -> None:
    problems = _problems(FIXTURES / "ohne-frage.csv", user_dir)
    assert _messages(problems) == [
        "Row 1: there is no column Frage/question. Columns found: Abschnitt, Nr., Fargen, Bemerkung."]


def test_missing_key_and_section_columns(tmp_path: Path, user_dir: Path) -> None:
    problems = _problems(_csv(tmp_path, "Frage\nTrennen Sie Abfälle?\n"), user_dir)
    assert _messages(problems) == [
        "Row 1: there is no column Abschnitt/section. Columns found: Frage.",
        "Row 1: there is no column Schlüssel/key. Columns found: Frage.",
    ]


def test_two_columns_with_the_same_meaning(tmp_path: Path, user_dir: Path) -> None:
    problems = _problems(_csv(tmp_path, "Abschnitt;Schlüssel;Frage;Question\nA;1;F;Q\n"), user_dir)
    assert _messages(problems) == [
        "Row 1: the columns C (Frage) and D (Question) mean the same; keep one of them."]


def test_first_item_without_a_section(tmp_path: Path, user_dir: Path) -> None:
    problems = _problems(_csv(tmp_path, "Abschnitt;Schlüssel;Frage\n;1;Frage?\nA;2;Frage?\n"), user_dir)
    assert _messages(problems) == ["Row 2, column A (Abschnitt): the section is empty."]


def test_section_heading_without_items(tmp_path: Path, user_dir: Path) -> None:
    problems = _problems(_csv(tmp_path, "Abschnitt;Schlüssel;Frage\nA;1;Frage?\nLeer;;\n"), user_dir)
    assert _messages(problems) == ["Row 3, column A (Abschnitt): the section Leer has no items."]


def test_section_key_used_for_two_sections(tmp_path: Path, user_dir: Path) -> None:
    text = "Abschnittsschlüssel;Abschnitt;Schlüssel;Frage\nS1;Abfall;1;F?\nS1;Energie;2;F?\n"
    problems = _problems(_csv(tmp_path, text), user_dir)
    assert _messages(problems) == [
        "Row 3, column A (Abschnittsschlüssel): the section key S1 already belongs to the section Abfall (row 2)."]


def test_section_key_that_is_also_an_item_key(tmp_path: Path, user_dir: Path) -> None:
    text = "section_key;section;key;question\n4;Context;4;Q?\n"
    problems = _problems(_csv(tmp_path, text), user_dir)
    assert _messages(problems) == ["Row 2, column A (section_key): the key 4 is already used in row 2."]


def test_too_long_key(tmp_path: Path, user_dir: Path) -> None:
    problems = _problems(_csv(tmp_path, f"section;key;question\nA;{'k' * 65};Q?\n"), user_dir)
    assert _messages(problems)[0].endswith("is longer than 64 characters.")


def test_evidence_lists_of_different_length(tmp_path: Path, user_dir: Path) -> None:
    text = "section;key;question;evidence_de;evidence_en\nA;1;Q?;\"a; b\";x\n"
    problems = _problems(_csv(tmp_path, text), user_dir)
    assert _messages(problems) == [
        "Row 2, columns D, E: the German and English texts list a different number of evidence hints (2 and 1)."]


def test_header_only_and_empty_files(tmp_path: Path, user_dir: Path) -> None:
    assert _messages(_problems(_csv(tmp_path, "Abschnitt;Schlüssel;Frage\n\n"), user_dir)) == [
        "The file has a header row but no checklist items below it."]
    assert _messages(_problems(_csv(tmp_path, ""), user_dir)) == ["The file is empty."]
    assert _messages(_problems(_csv(tmp_path, "\n;;\n"), user_dir)) == ["The file is empty."]
    assert _messages(_problems(tmp_path / "gibt-es-nicht.csv", user_dir)) == ["The file does not exist."]


def test_text_that_is_neither_utf8_nor_windows_1252(tmp_path: Path, user_dir: Path) -> None:
    path = tmp_path / "binaer.csv"
    path.write_bytes(b"Abschnitt;Schl\x81ssel;Frage\n")
    assert _messages(_problems(path, user_dir)) == ["The file is neither UTF-8 nor Windows-1252 text (byte 14)."]


def test_file_types_that_cannot_be_imported(tmp_path: Path, user_dir: Path) -> None:
    old = tmp_path / "alt.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    assert _messages(_problems(old, user_dir)) == [
        ".xls files cannot be read; save the table as .xlsx or CSV and import that."]
    other = tmp_path / "liste.pdf"
    other.write_bytes(b"%PDF-1.4")
    assert "Files of the type .pdf cannot be imported" in _messages(_problems(other, user_dir))[0]


# ---- limits: a file must never harm us -----------------------------------------------------------


def test_oversize_file_is_refused_before_it_is_read(tmp_path: Path, user_dir: Path) -> None:
    path = tmp_path / "riesig.csv"
    with path.open("wb") as fh:
        fh.truncate(importer.MAX_IMPORT_BYTES + 1)  # sparse: costs no disk
    assert _messages(_problems(path, user_dir)) == [
        f"The file is too large ({importer.MAX_IMPORT_BYTES + 1} bytes; at most {importer.MAX_IMPORT_BYTES} "
        "bytes can be imported)."]


def test_too_many_rows_are_refused(tmp_path: Path, user_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["Abschnitt;Schlüssel;Frage"] + [f"A;K{n};Frage {n}?" for n in range(importer.MAX_ROWS + 1)]
    problems = _problems(_csv(tmp_path, "\n".join(lines)), user_dir)
    assert _messages(problems) == ["The file has more than 5000 rows; oekoaudit imports at most 5000."]
    # exactly the limit is fine (a smaller limit, to keep the test quick)
    monkeypatch.setattr(importer, "MAX_ROWS", 50)
    result = _import(_csv(tmp_path, "\n".join(lines[:51]), name="genau.csv"), user_dir)
    assert sum(1 for _ in result.checklist.items()) == 50
    assert "more than 50 rows" in _messages(_problems(_csv(tmp_path, "\n".join(lines[:52])), user_dir))[0]


def test_a_table_that_goes_on_too_far_is_refused(tmp_path: Path, user_dir: Path) -> None:
    text = "Abschnitt;Schlüssel;Frage\nA;1;F?\n" + "\n" * importer.MAX_SHEET_ROWS + "A;2;F?\n"
    assert "The table is longer than" in _messages(_problems(_csv(tmp_path, text), user_dir))[0]


def test_an_invalid_result_never_lands(tmp_path: Path, user_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the spreadsheet pass but the catalogue made of it not, nothing is written."""
    original = importer._defaults

    def broken(meta: Any, source: Path) -> dict[str, Any]:
        data = original(meta, source)
        data["schema_version"] = 2
        return data

    monkeypatch.setattr(importer, "_defaults", broken)
    problems = _problems(FIXTURES / "umweltcheck-komma-bom.csv", user_dir)
    assert problems[0].file == str(FIXTURES / "umweltcheck-komma-bom.csv")
    assert problems[0].location == "schema_version"
    assert _landed(user_dir) == []


# ---- metadata --------------------------------------------------------------------------------------


def test_metadata_given_by_the_user(user_dir: Path) -> None:
    result = _import(FIXTURES / "umweltcheck-komma-bom.csv", user_dir, id="umwelt-2024", title="Umweltcheck",
                     edition=2024, scheme="umwelt", status="published", scale="fulfilment")
    c = result.checklist
    assert (c.id, c.scheme, c.edition, c.status, c.title.de, c.scale.key) == (
        "umwelt-2024", "umwelt", "2024", "published", "Umweltcheck", "fulfilment")
    assert result.path == user_dir / "umwelt-2024.yaml"


def test_bilingual_title(user_dir: Path) -> None:
    result = _import(FIXTURES / "umweltcheck-komma-bom.csv", user_dir, title={"de": "Umweltcheck", "en": "Check"})
    assert (result.checklist.title.de, result.checklist.title.en) == ("Umweltcheck", "Check")


@pytest.mark.parametrize(("meta", "message"), [
    ({"id": "Mein Katalog"}, "Mein Katalog is not a valid catalogue id"),
    ({"scheme": "-x"}, "-x is not a valid scheme name"),
    ({"status": "final"}, "The status must be draft or published, not final."),
    ({"scale": "schulnoten"}, "There is no answer scale schulnoten. Known scales: "),
    ({"edition": " "}, "The edition of the catalogue must not be empty."),
    ({"title": ""}, "The title of the catalogue must not be empty."),
])
def test_bad_metadata(user_dir: Path, meta: dict[str, Any], message: str) -> None:
    with pytest.raises(UserInputError) as caught:
        _import(FIXTURES / "umweltcheck-komma-bom.csv", user_dir, **meta)
    assert caught.value.english().startswith(message)
    assert _landed(user_dir) == []


# ---- published catalogues are immutable -----------------------------------------------------------


def test_published_catalogue_refuses_changes_and_accepts_the_same(tmp_path: Path, user_dir: Path) -> None:
    source = _csv(tmp_path, "Abschnitt;Schlüssel;Frage\nAbfall;A1;Getrennt?\n", name="hauscheck.csv")
    first = _import(source, user_dir, status="published", edition="1")
    written = first.path.read_bytes()
    mtime = first.path.stat().st_mtime_ns

    again = _import(source, user_dir, status="published", edition="1")
    assert again.outcome == "unchanged" and again.path == first.path
    assert again.checklist.fingerprint == first.checklist.fingerprint
    assert first.path.stat().st_mtime_ns == mtime  # nothing was written

    source.write_text("Abschnitt;Schlüssel;Frage\nAbfall;A1;Werden Abfälle getrennt?\n", encoding="utf-8")
    with pytest.raises(ReadOnlyError) as caught:
        _import(source, user_dir, status="published", edition="1")
    assert caught.value.english() == ("The catalogue hauscheck, edition 1, is published and cannot be changed; "
                                      "import it as a new edition with --edition.")
    assert first.path.read_bytes() == written
    assert _landed(user_dir) == ["hauscheck.yaml"]

    # as a new edition it is taken
    newer = _import(source, user_dir, status="published", edition="2")
    assert (newer.outcome, newer.previous_edition, newer.previous_status) == ("replaced", "1", "published")
    assert newer.checklist.edition == "2"


def test_draft_is_replaced(tmp_path: Path, user_dir: Path) -> None:
    source = _csv(tmp_path, "Abschnitt;Schlüssel;Frage\nAbfall;A1;Getrennt?\n", name="entwurf.csv")
    first = _import(source, user_dir, edition="1")
    source.write_text("Abschnitt;Schlüssel;Frage\nAbfall;A1;Werden Abfälle getrennt?\nAbfall;A2;Konzept?\n",
                      encoding="utf-8")
    second = _import(source, user_dir, edition="1")
    assert (second.outcome, second.path, second.previous_status) == ("replaced", first.path, "draft")
    assert [i.key for i in second.checklist.items()] == ["A1", "A2"]
    assert _landed(user_dir) == ["entwurf.yaml"]
    # and a draft may be published
    assert _import(source, user_dir, edition="1", status="published").outcome == "replaced"


def test_shipped_catalogue_cannot_be_replaced(tmp_path: Path, user_dir: Path) -> None:
    shipped = paths.forms_dir() / "iso14001-2015.yaml"
    same = _import(shipped, user_dir)
    assert same.outcome == "unchanged" and same.path == shipped
    assert _landed(user_dir) == []

    data = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    data["title"]["de"] = "Geändert"
    changed = tmp_path / "iso14001-2015.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ReadOnlyError) as caught:
        _import(changed, user_dir)
    assert "is shipped with oekoaudit and cannot be replaced" in caught.value.english()
    assert _landed(user_dir) == []

    # the same id as another edition is the user's own
    other = _import(changed, user_dir, edition="2015-intern")
    assert other.outcome == "created" and other.path == user_dir / "iso14001-2015.yaml"


def test_a_file_of_another_catalogue_is_not_overwritten(tmp_path: Path, user_dir: Path) -> None:
    user_dir.mkdir(parents=True)
    foreign = user_dir / "umweltcheck-komma-bom.yaml"
    foreign.write_text("id: etwas-anderes\n", encoding="utf-8")
    with pytest.raises(UserInputError) as caught:
        _import(FIXTURES / "umweltcheck-komma-bom.csv", user_dir)
    assert "already holds another catalogue (etwas-anderes)" in caught.value.english()
    assert foreign.read_text(encoding="utf-8") == "id: etwas-anderes\n"


# ---- the service ------------------------------------------------------------------------------------


def test_service_lists_and_gets_imported_catalogues(user_dir: Path) -> None:
    service = CatalogueService(user_dir=user_dir)
    shipped = {i.id for i in service.list()}
    assert "iso14001-2015" in shipped and service.user_dir == user_dir

    info = service.import_file(FIXTURES / "betriebscheck-semikolon.csv", title="Betriebscheck", edition="2025")
    assert (info.id, info.edition, info.status, info.item_count) == ("betriebscheck-semikolon", "2025", "draft", 5)
    assert info.path == str(user_dir / "betriebscheck-semikolon.yaml")
    assert {i.id for i in service.list()} == shipped | {"betriebscheck-semikolon"}

    checklist = service.get("betriebscheck-semikolon")
    assert checklist.title.de == "Betriebscheck" and checklist.scale.key == "standard"
    assert service.get("betriebscheck-semikolon:2025").fingerprint == checklist.fingerprint
    assert service.get("iso14001-2015").id == "iso14001-2015"  # shipped ones still there
    assert service.problems() == []


def test_service_sees_a_replaced_draft_at_once(tmp_path: Path, user_dir: Path) -> None:
    service = CatalogueService(user_dir=user_dir)
    source = _csv(tmp_path, "section;key;question\nA;1;One?\n", name="schnell.csv")
    service.import_file(source)
    assert [i.key for i in service.get("schnell").items()] == ["1"]
    source.write_text("section;key;question\nA;1;One?\nA;2;Two?\n", encoding="utf-8")
    service.import_file(source)
    assert [i.key for i in service.get("schnell").items()] == ["1", "2"]


def test_service_reports_a_broken_user_catalogue(user_dir: Path) -> None:
    service = CatalogueService(user_dir=user_dir)
    user_dir.mkdir(parents=True)
    (user_dir / "kaputt.yaml").write_text("id: kaputt\n", encoding="utf-8")
    assert any(p.file == str(user_dir / "kaputt.yaml") for p in service.problems())
    assert "kaputt" not in {i.id for i in service.list()}


def test_service_imports_from_several_threads(user_dir: Path) -> None:
    service = CatalogueService(user_dir=user_dir)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            outcomes.append(service.import_result(FIXTURES / "zweisprachig.tsv").outcome)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(outcomes) == ["created", "unchanged", "unchanged", "unchanged"]
    assert _landed(user_dir) == ["zweisprachig.yaml"]


def test_user_catalogue_can_be_audited(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from oekoaudit.services import open_services

    monkeypatch.setenv(paths.DATA_DIR_ENV, str(data_dir))
    with open_services(data_dir) as services:
        info = services.catalogues.import_file(FIXTURES / "zweisprachig.tsv", edition="2025")
        assert Path(info.path).parent == paths.user_catalogues_dir(data_dir)
        organisation = services.organisations.create("Testbetrieb GmbH")
        audit = services.audits.create(organisation.id, "zweisprachig", title="Eigenes Audit")
        assert (audit.catalogue_id, audit.catalogue_edition) == ("zweisprachig", "2025")
        assert audit.catalogue_title_de == "zweisprachig"


def test_user_catalogues_dir_follows_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert paths.user_catalogues_dir(tmp_path / "d") == (tmp_path / "d").resolve() / "catalogues"
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "env"))
    assert paths.user_catalogues_dir() == (tmp_path / "env").resolve() / "catalogues"
    assert CatalogueService().user_dir == (tmp_path / "env").resolve() / "catalogues"


# ---- pieces --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "role"), [
    ("Frage", ("question", None)),
    ("QUESTION_EN", ("question", "en")),
    ("Frage (de)", ("question", "de")),
    ("Frage (Englisch)", ("question", "en")),
    ("question-de", ("question", "de")),
    ("Schlüssel", ("key", None)),
    ("Schluessel", ("key", None)),
    ("Nr.", ("key", None)),
    ("Abschnitt*", ("section", None)),
    ("Section key", ("section_key", None)),
    ("Abschnittsschlüssel", ("section_key", None)),
    ("Erläuterung_de", ("guidance", "de")),
    ("Hinweise", ("guidance", None)),
    ("Nachweis", ("evidence", None)),
    ("Pflicht", ("mandatory", None)),
    ("Titel (en)", ("title", "en")),
    ("Bemerkung", None),
    ("Frage de Tag", None),
])
def test_column_headers(header: str, role: tuple[str, str | None] | None) -> None:
    assert column_role(header) == role


def test_slugs_and_column_letters() -> None:
    assert slugify("4 Kontext der Organisation") == "4-kontext-der-organisation"
    assert slugify("Größe & Maße") == "groesse-masse"
    assert slugify("§§") == ""
    assert slugify("Mein Katalog v1.2_final", keep="._") == "mein-katalog-v1.2_final"
    assert len(slugify("x" * 100)) == 64
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_same_section_names_give_distinct_keys(tmp_path: Path, user_dir: Path) -> None:
    text = "section;key;question\nWaste;waste;Q1?\nWASTE!;2;Q2?\n"
    result = _import(_csv(tmp_path, text), user_dir)
    assert [s.key for s in result.checklist.sections] == ["waste-2", "waste-3"]


def test_fixtures_are_left_alone(tmp_path: Path, user_dir: Path) -> None:
    """Importing never writes beside the source file."""
    copy = tmp_path / "quelle"
    shutil.copytree(FIXTURES, copy)
    before = sorted(p.name for p in copy.iterdir())
    _import(copy / "zweisprachig.tsv", user_dir)
    assert sorted(p.name for p in copy.iterdir()) == before


def test_excel_sep_line_names_the_delimiter(tmp_path: Path, user_dir: Path) -> None:
    path = _csv(tmp_path, "sep=,\r\nAbschnitt,Schlüssel,Frage\r\nA;B,1,Frage; mit Semikolon?\r\n", encoding="cp1252")
    result = _import(path, user_dir)
    assert [(s.title.de, [i.questions[0].de for i in s.children]) for s in result.checklist.sections] == [
        ("A;B", ["Frage; mit Semikolon?"])]


def test_later_rows_may_name_the_section_in_one_language(tmp_path: Path, user_dir: Path) -> None:
    text = ("Abschnitt_de;Abschnitt_en;Schlüssel;Frage\n"
            "Kontext;Context;1;Eins?\n"
            "Kontext;;2;Zwei?\n"
            ";Context;3;Drei?\n"
            "Führung;Leadership;4;Vier?\n")
    result = _import(_csv(tmp_path, text), user_dir)
    assert [(s.key, s.title.en, [i.key for i in s.children]) for s in result.checklist.sections] == [
        ("kontext", "Context", ["1", "2", "3"]), ("fuehrung", "Leadership", ["4"])]
