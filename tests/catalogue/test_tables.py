"""Spreadsheet cells as exact numbers: German and English writing, the file's style for ambiguous cells."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from oekoaudit.catalogue import tables


@pytest.mark.parametrize(("text", "style", "expected"), [
    ("1.234,5", "de", "1234.5"),
    ("1,234.5", "de", "1234.5"),  # both separators: the last one is the decimal mark, whatever the style
    ("1.234.567", "en", "1234567"),
    ("1,234,567", "de", "1234567"),
    ("12,5", "en", "12.5"),  # a comma before one digit can only be a decimal comma
    ("0.201", "de", "0.201"),  # nor can a point after a lone 0 group thousands
    ("1234.567", "de", "1234.567"),  # four digits before the point: no grouping
    ("25.000", "de", "25000"),  # ambiguous: the file's style decides
    ("25.000", "en", "25.000"),
    ("1,234", "de", "1.234"),
    ("1,234", "en", "1234"),
    ("−3,5", "de", "-3.5"),  # the typographic minus
    ("12 345,6", "de", "12345.6"),
    ("12\u00a0345", "de", "12345"),
    (2025, "de", "2025"),
    (0.1, "de", "0.1"),  # a workbook's float through its shortest repr
])
def test_numbers_are_read_exactly(text, style: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert tables.parse_number(text, style) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "viel", "1.2.3,4,5", "12,34,5", "1e5", "12 %", True, float("nan")])
def test_what_is_not_a_number(text) -> None:  # type: ignore[no-untyped-def]
    assert tables.parse_number(text) is None


def test_the_file_style_comes_from_the_cells_that_prove_one() -> None:
    assert tables.file_number_style(["25.000", "12,5"], "en") == ("de", False)
    assert tables.file_number_style(["25.000", "0.201"], "de") == ("en", False)
    assert tables.file_number_style(["25.000", "1.000"], "en") == ("en", False)  # no proof: the headers decide
    assert tables.file_number_style(["12,5", "0.201"]) == ("de", True)  # a mixed file: ambiguous cells refused
    assert tables.is_ambiguous("25.000") and not tables.is_ambiguous("25.5")


def test_csv_and_workbook_are_written_for_excel(tmp_path: Path) -> None:
    rows = [[2025, "Erdgas", Decimal("23900.50"), "m³"], [2025, "Strom; Netz", Decimal("0.125"), "MWh"]]
    tables.write_csv(tmp_path / "de.csv", ["Jahr", "Größe", "Wert", "Einheit"], rows, "de")
    raw = (tmp_path / "de.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "23900,50" in raw.decode("utf-8-sig")
    assert '"Strom; Netz"' in raw.decode("utf-8-sig")
    tables.write_csv(tmp_path / "en.csv", ["Year", "Quantity", "Value", "Unit"], rows, "en")
    assert "23900.50," in (tmp_path / "en.csv").read_text(encoding="utf-8-sig")
    tables.write_xlsx(tmp_path / "t.xlsx", ["Jahr", "Größe", "Wert", "Einheit"], rows, "Kennzahlen: 2025")
    read, problems = tables.read_table(tmp_path / "t.xlsx")
    assert problems == [] and read[1][1][:4] == [2025, "Erdgas", 23900.5, "m³"]
    read, problems = tables.read_table(tmp_path / "de.csv")
    assert problems == [] and read[2][1] == ["2025", "Strom; Netz", "0,125", "MWh"]
    assert not list(tmp_path.glob(".*.tmp"))
