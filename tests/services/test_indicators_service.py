"""Figures of an organisation: entry with replace semantics, spreadsheet import (all or nothing, every
bad cell named) and export (round trip), core indicators, CO2 balance with the audit's factors,
plausibility and the organisation's settings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from oekoaudit.domain.co2 import FactorOverride
from oekoaudit.errors import NotFoundError, ReadOnlyError, TableImportError, UserInputError
from oekoaudit.i18n import describe

TODAY = date(2026, 11, 20)


@pytest.fixture
def english() -> None:
    """Messages compared in English (the German catalogue is checked by tests/test_i18n.py)."""
    from oekoaudit.i18n import set_language

    set_language("en")


@pytest.fixture
def org(services):  # type: ignore[no-untyped-def]
    return services.organisations.create("Galvanik Weiß GmbH", site_name="Werk Kassel")


def _rows(values) -> list[tuple]:  # type: ignore[no-untyped-def]
    return sorted((v.year, v.quantity, str(v.value), v.unit, v.source, tuple(sorted(v.details.items())))
                  for v in values)


def _messages(exc: TableImportError) -> list[str]:
    return [describe(p) for p in exc.problems]


def _csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# ---- entry ----------------------------------------------------------------------------------------


def test_a_figure_entered_again_replaces_the_first(services, org) -> None:  # type: ignore[no-untyped-def]
    first = services.indicators.set_value(org.name, 2024, "Strom aus dem Netz", "182.400", "kWh",
                                          source="Rechnung", today=TODAY)
    assert (first.quantity, first.value, first.unit) == ("electricity_grid", Decimal(182400), "kWh")
    again = services.indicators.set_value(org.id, 2024, "electricity_grid", Decimal("180,5".replace(",", ".")),
                                          "MWh", source="Korrektur", today=TODAY)
    assert again.id == first.id and again.revision == 2
    assert [(v.value, v.unit) for v in services.indicators.values(org.id)] == [(Decimal("180.5"), "MWh")]
    fields = [entry[1] for entry in services.audits.change_log(first.id)]
    assert {"value", "unit", "source"} <= set(fields)


def test_waste_rows_are_told_apart_by_code_and_route(services, org) -> None:  # type: ignore[no-untyped-def]
    add = services.indicators.set_value
    add(org.id, 2025, "waste", "6,4", "t", details={"waste_code": "12 01 09*", "route": "Beseitigung"}, today=TODAY)
    add(org.id, 2025, "waste", "1,5", "t", details={"waste_code": "120109*", "route": "recovery"}, today=TODAY)
    add(org.id, 2025, "waste", "7,0", "t", details={"waste_code": "12 01 09 *", "route": "disposal"}, today=TODAY)
    values = services.indicators.values(org.id, 2025)
    assert sorted((v.details["route"], v.value) for v in values) == [("disposal", Decimal("7.0")),
                                                                     ("recovery", Decimal("1.5"))]
    assert all(v.details["waste_code"] == "120109" and v.details["hazardous"] is True for v in values)


@pytest.mark.parametrize(("args", "details", "fragment"), [
    ((2025, "waste", "-3", "t"), {"waste_code": "150101", "route": "recycling"}, "negative"),
    ((2027, "natural_gas", "1000", "m³"), None, "future"),
    ((2025, "natural_gas", "1000", "Fass"), None, "Fass"),
    ((2025, "electricity_green_share", "120", "%"), None, "100 %"),
    ((2025, "Wunschgröße", "1", "t"), None, "Wunschgröße"),
    ((2025, "water_mains", "viel", "m³"), None, "viel"),
])
def test_impossible_figures_are_refused(services, org, args, details, fragment, english) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserInputError) as caught:
        services.indicators.set_value(org.id, *args, details=details, today=TODAY)
    assert fragment in describe(caught.value)
    assert services.indicators.values(org.id) == []


def test_a_removed_figure_comes_back_unless_replaced(services, org) -> None:  # type: ignore[no-untyped-def]
    value = services.indicators.set_value(org.id, 2025, "water_mains", "870", "m³", today=TODAY)
    services.indicators.delete_value(value.id[:8])
    assert services.indicators.values(org.id) == []
    services.indicators.restore_value(value.id)
    assert [v.id for v in services.indicators.values(org.id)] == [value.id]
    services.indicators.delete_value(value.id)
    services.indicators.set_value(org.id, 2025, "water_mains", "880", "m³", today=TODAY)
    with pytest.raises(UserInputError):
        services.indicators.restore_value(value.id)


def test_unknown_organisation_and_site(services, org) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFoundError):
        services.indicators.values("Niemand GmbH")
    with pytest.raises(NotFoundError):
        services.indicators.set_value(org.id, 2025, "water_mains", "1", "m³", site="Werk Süd", today=TODAY)
    other = services.organisations.add_site(org.id, "Werk Süd")
    stored = services.indicators.set_value(org.id, 2025, "water_mains", "1", "m³", site="werk süd", today=TODAY)
    assert stored.site_id == other.id


# ---- import -------------------------------------------------------------------------------------------

GERMAN = """sep=;
Jahr;Standort;Größe;Wert;Einheit;Quelle;Abfallschlüssel;gefährlich;Entsorgungsweg;Bezeichnung
2024;Werk Kassel;Strom aus dem Netz;181.900;kWh;Stromrechnung;;;;
2025;Werk Kassel;Strom;168.300;kWh;Stromrechnung;;;;
2025;;Erdgas;23.900;m³;Gaszähler;;;;
2025;;Abfall;4,8;t;eANV;12 01 09*;ja;Beseitigung;Bearbeitungsemulsionen
2025;;Abfall;49,9;t;Wiegescheine;12 01 01;nein;Recycling;Stahlschrott
2025;;Beschäftigte;41;;Personalstatistik;;;;
2025;;Kältemittel (nachgefüllt);1,1;kg;Logbuch;;;;r410a
2025;;Material;1.234,5;t;Einkauf;;;;Stahlblech
"""


def test_a_german_excel_csv_is_imported(services, org, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _csv(tmp_path / "Kennzahlen.csv", GERMAN, "cp1252")
    result = services.indicators.import_file(path, org.name, today=TODAY)
    assert (result.created, result.updated, result.unchanged, result.years) == (8, 0, 0, (2024, 2025))
    values = {(v.year, v.quantity, v.details.get("waste_code", v.details.get("name", v.details.get("gas", "")))): v
              for v in services.indicators.values(org.id)}
    assert values[(2024, "electricity_grid", "")].value == Decimal(181900)  # German thousands
    assert values[(2025, "natural_gas", "")].value == Decimal(23900)
    assert values[(2025, "waste", "120109")].value == Decimal("4.8")
    assert values[(2025, "waste", "120109")].details == {"waste_code": "120109", "hazardous": True, "route": "disposal",
                                                         "name": "Bearbeitungsemulsionen"}
    assert values[(2025, "employees", "")].unit == "persons"
    assert values[(2025, "refrigerant", "R-410A")].value == Decimal("1.1")
    assert values[(2025, "material", "Stahlblech")].value == Decimal("1234.5")
    # the same file again changes nothing
    again = services.indicators.import_file(path, org.id, today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)


def test_an_english_csv_reads_points_as_decimal_marks(services, org, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = ("Year,Quantity,Value,Unit,Source,Waste code,Hazardous,Disposal route,Name\n"
            "2025,natural_gas,\"25,000\",m3,bill,,,,\n"
            "2025,waste,2.345,t,note,15 01 01,no,recycling,\n"
            "2025,electricity_grid,1.5,MWh,bill,,,,\n")
    services.indicators.import_file(_csv(tmp_path / "figures.csv", text), org.id, today=TODAY)
    got = {v.quantity: v.value for v in services.indicators.values(org.id)}
    assert got == {"natural_gas": Decimal(25000), "waste": Decimal("2.345"), "electricity_grid": Decimal("1.5")}


def test_bad_cells_are_named_and_nothing_is_imported(services, org, tmp_path: Path, english) -> None:  # type: ignore[no-untyped-def]
    services.indicators.set_value(org.id, 2024, "water_mains", "905", "m³", today=TODAY)
    before = _rows(services.indicators.values(org.id))
    text = ("Jahr;Größe;Wert;Einheit;Abfallschlüssel;Entsorgungsweg\n"
            "2025;Trinkwasser (öffentliches Netz);870;m³;;\n"  # fine, but must not land
            "2025;Abfall;-3;t;15 01 01;Recycling\n"  # negative tonnage
            "2025;Erdgas;ungefähr 20000;m³;;\n"  # text in a number cell
            "2025;Diesel;4000;Fass;;\n"  # unknown unit
            "2031;Strom;1000;kWh;;\n")  # a year from the future
    with pytest.raises(TableImportError) as caught:
        services.indicators.import_file(_csv(tmp_path / "fehler.csv", text), org.id, today=TODAY)
    messages = _messages(caught.value)
    assert len(messages) == 4
    negative, text_cell, unit, future = messages
    assert negative.startswith("Row 3, column C (Wert): ") and "negative" in negative
    assert text_cell.startswith("Row 4, column C (Wert): ") and "ungefähr 20000" in text_cell
    assert unit.startswith("Row 5, column D (Einheit): ") and "Fass" in unit
    assert future.startswith("Row 6, column A (Jahr): ") and "2031" in future
    assert [p.location for p in caught.value.problems] == ["C3", "C4", "D5", "A6"]
    assert "fehler.csv" in describe(caught.value)
    assert _rows(services.indicators.values(org.id)) == before


def test_missing_columns_and_details_are_named(services, org, tmp_path: Path, english) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TableImportError) as caught:
        services.indicators.import_file(_csv(tmp_path / "ohne.csv", "Jahr;Wert\n2025;1\n"), org.id, today=TODAY)
    assert [m for m in _messages(caught.value) if "Größe" in m and "Row 1" in m]
    text = ("Jahr;Größe;Wert;Einheit;Abfallschlüssel;Entsorgungsweg;Standort\n"
            "2025;Abfall;1;t;12 01;Recycling;\n"
            "2025;Abfall;1;t;15 01 01;Verbrennen;\n"
            "2025;Erdgas;1;m³;;;Werk Nirgendwo\n"
            "2025;Erdgas;1;m³;;;\n"
            "2025;Erdgas;2;m³;;;Werk Kassel\n"
            "2025;Produktionsmenge;500;;;;\n")
    with pytest.raises(TableImportError) as caught:
        services.indicators.import_file(_csv(tmp_path / "details.csv", text), org.id, today=TODAY)
    locations = [p.location for p in caught.value.problems]
    assert locations == ["E2", "F3", "G4", "B6", "D7"]
    assert "Row 6" in _messages(caught.value)[3] and "row 5" in _messages(caught.value)[3]


def test_unreadable_files_are_refused(services, org, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name, content in (("leer.csv", b""), ("alt.xls", b"\xd0\xcf\x11\xe0"), ("kaputt.xlsx", b"PK\x03\x04 no")):
        with pytest.raises(TableImportError):
            services.indicators.import_file(_csv(tmp_path / name, content.decode("latin-1"), "latin-1"), org.id)
    with pytest.raises(UserInputError):
        services.indicators.import_file(_csv(tmp_path / "kopf.csv", "Jahr;Größe;Wert\n"), org.id)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_export_and_import_give_the_same_figures(services, org, tmp_path: Path, suffix: str,  # type: ignore[no-untyped-def]
                                                 lang: str) -> None:
    from oekoaudit.i18n import set_language

    set_language(lang)
    services.indicators.import_file(_csv(tmp_path / "in.csv", GERMAN), org.id, today=TODAY)
    services.indicators.set_value(org.id, 2025, "output", "551.25", "t Blech", today=TODAY)
    services.indicators.set_value(org.id, 2025, "electricity_green_share", "33.3", "%", today=TODAY)
    services.indicators.set_value(org.id, 2025, "hazardous_substance", "0.125", "t", details={"name": "KSS"},
                                  today=TODAY)
    services.indicators.set_value(org.id, 2024, "water_mains", "1.234", "m³", today=TODAY)  # three decimals
    exported = tmp_path / f"Kennzahlen{suffix}"
    count = services.indicators.export_file(org.id, exported)
    assert count == 12
    copy = services.organisations.create("Kopie GmbH", site_name="Werk Kassel")
    result = services.indicators.import_file(exported, copy.id, today=TODAY)
    assert result.created == 12
    assert _rows(services.indicators.values(copy.id)) == _rows(services.indicators.values(org.id))
    if suffix == ".xlsx":
        sheet = openpyxl.load_workbook(exported).worksheets[0]
        assert sheet["A1"].value == ("Jahr" if lang == "de" else "Year")
        assert isinstance(sheet["D2"].value, int | float)  # numbers are number cells


# ---- computations and settings ---------------------------------------------------------------------


@pytest.fixture
def figures(services, org):  # type: ignore[no-untyped-def]
    add = services.indicators.set_value
    for year, kwh, gas, staff in ((2023, "200000", "12000", "40"), (2024, "190000", "11000", "40"),
                                  (2025, "180000", "10000", "45")):
        add(org.id, year, "electricity_grid", kwh, "kWh", today=TODAY)
        add(org.id, year, "natural_gas", gas, "m³", today=TODAY)
        add(org.id, year, "employees", staff, "persons", today=TODAY)
    return org


def test_core_indicators_and_co2_balance(services, figures) -> None:  # type: ignore[no-untyped-def]
    """Hand-worked, 2025, default gas 10.0 kWh/m³ (Hs), factor set de-2024 (newest for no audit):

    electricity 180 000 kWh × 0.363 kg/kWh (2025 has no grid value: 2024's) = 65.34 t (scope 2)
    gas 10 000 m³ × 10.0 = 100 000 kWh Hs ÷ 1.11 = 90 090.09 kWh Hi × 0.201 = 18.108 t (scope 1)
    total 83.448 t; R per employee = 83.448 ÷ 45 = 1.854 t; energy A = 280 MWh, R = 6.222 MWh
    """
    overview = services.indicators.overview(figures.id)
    assert overview.years == (2023, 2024, 2025)
    balance = next(b for b in overview.balances if b.year == 2025)
    assert balance.factor_set == "de-2024"
    assert round(balance.by_scope[2], 2) == Decimal("65.34")
    assert round(balance.by_scope[1], 3) == Decimal("18.108")
    assert [f.year for f in balance.fallbacks] == [2024]
    core = overview.core
    assert core.enough_years
    assert core.row("energy_total").a[2025] == Decimal(280)
    assert round(core.row("energy_total").r[2025], 3) == Decimal("6.222")
    assert round(core.row("ghg_total").a[2025], 3) == Decimal("83.448")
    assert round(core.row("ghg_total").r[2025], 3) == Decimal("1.854")
    assert services.indicators.core_indicators(figures.id, [2025]).years == (2025,)


def test_the_audit_chooses_its_factors(services, figures) -> None:  # type: ignore[no-untyped-def]
    """2023: the grid mix of 2023 is 380 g/kWh in both sets; de-2023 knows no 2024 value."""
    audit = services.audits.create(figures.id, "iso14001-2015", start_date=date(2025, 3, 1))
    choice = services.indicators.factors(audit.id)
    assert (choice.factor_set.id, choice.chosen) == ("de-2024", "")  # the newest set not after 2025
    balance = services.indicators.co2_balance(figures.id, 2023, audit.id)
    line = next(line for line in balance.lines if line.quantity == "electricity_grid")
    assert line.factor.value == Decimal("0.380") and line.t_co2e == Decimal("76.000")
    own = FactorOverride("electricity_grid", Decimal("0.120"), "Stadtwerke, Stromkennzeichnung 2025", 2025)
    services.indicators.set_factors(audit.id[:8], "de-2023", [own])
    balance = services.indicators.co2_balance(figures.id, 2025, audit.id)
    line = next(line for line in balance.lines if line.quantity == "electricity_grid")
    assert line.factor.override and line.t_co2e == Decimal("21.600")  # 180 000 × 0.120 ÷ 1000
    assert balance.factor_set == "de-2023"
    with pytest.raises(NotFoundError):
        services.indicators.set_factors(audit.id, "de-1999")
    with pytest.raises(UserInputError):
        services.indicators.set_factors(audit.id, "", [FactorOverride("water_mains", Decimal(1), "x")])
    # without an audit named, the organisation's newest audit decides
    assert services.indicators.overview(figures.id).factors.factor_set.id == "de-2023"
    # a closed audit keeps the factors it was signed with
    services.audits.update_plan(audit.id, lead_auditor="A. Prüfer", scope="Werk")
    for item in services.audits.detail(audit.id).checklist.items():
        services.audits.answer(audit.id, item.key, "conform")
    services.audits.close(audit.id, "A. Prüfer", "Auditleiter")
    with pytest.raises(ReadOnlyError):
        services.indicators.set_factors(audit.id, "")


def test_settings_reference_omission_and_gas(services, figures) -> None:  # type: ignore[no-untyped-def]
    settings = services.indicators.set_reference(figures.id, "Umsatz", "Dienstleister: Umsatz bildet die Tätigkeit ab")
    assert settings.reference.quantity == "turnover"
    with pytest.raises(UserInputError):
        services.indicators.set_reference(figures.id, "natural_gas", "falsch")
    services.indicators.set_omitted(figures.id, "land_nature_off_site", "Keine Flächen außerhalb")
    with pytest.raises(UserInputError):
        services.indicators.set_omitted(figures.id, "materials_total", "  ")
    settings = services.indicators.set_gas_conversion(figures.id, "10,3")
    assert settings.gas_kwh_per_m3 == Decimal("10.3")
    with pytest.raises(UserInputError):
        services.indicators.set_gas_conversion(figures.id, "103")
    stored = services.indicators.settings(figures.name)
    assert stored.omitted == {"land_nature_off_site": "Keine Flächen außerhalb"}
    assert stored.reference.justification.startswith("Dienstleister")
    # 10 000 m³ × 10.3 = 103 MWh of gas in 2025
    assert services.indicators.overview(figures.id).core.row("energy.natural_gas").a[2025] == Decimal("103")
    services.indicators.set_omitted(figures.id, "land_nature_off_site", None)
    assert services.indicators.settings(figures.id).omitted == {}


def test_plausibility_flags_a_unit_mix_up(services, figures) -> None:  # type: ignore[no-untyped-def]
    assert services.indicators.plausibility(figures.id, 2025) == []
    services.indicators.set_value(figures.id, 2025, "electricity_grid", "180000", "MWh", today=TODAY)
    warnings = services.indicators.plausibility(figures.id, 2025)
    assert [(w.quantity, w.kind.value) for w in warnings] == [("electricity_grid", "jump_up")]
    result_years = services.indicators.overview(figures.id).warnings
    assert len(result_years) == 1
