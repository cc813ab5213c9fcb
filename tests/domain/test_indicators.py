"""Figures: the quantity catalogue, unit conversion, refusals, plausibility, trends, EMAS core indicators.

Every expected number is worked out by hand in the comment next to it.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from oekoaudit.domain.indicators import (
    ENERGY_CARRIERS,
    QUANTITIES,
    Category,
    IndicatorValue,
    PlausibilityKind,
    ReferenceChoice,
    TrendDirection,
    check_value,
    core_indicators,
    deltas,
    detail_key,
    find_quantity,
    format_waste_code,
    hs_to_hi,
    normalize_gas,
    normalize_unit,
    parse_waste_code,
    plausibility,
    quantity,
    to_canonical,
    trend,
)
from oekoaudit.errors import UserInputError


def value(quantity_key: str, year: int, amount: str, unit: str, site: str = "s1", **details: object) -> IndicatorValue:
    return IndicatorValue(id=f"{quantity_key}-{year}-{site}-{len(details)}", site_id=site, year=year,
                          quantity=quantity_key, value=D(amount), unit=unit, details=dict(details))


# ---- catalogue ---------------------------------------------------------------------------------


def test_the_catalogue_covers_every_category_the_issue_names() -> None:
    assert {q.category for q in QUANTITIES.values()} == set(Category)
    for key in ("electricity_grid", "electricity_green_share", "electricity_own_generation", "natural_gas",
                "heating_oil", "lpg", "district_heating", "wood_pellets", "wood_chips", "log_wood", "diesel",
                "petrol", "water_mains", "water_well", "water_rain", "water_surface", "waste", "material",
                "hazardous_substance", "refrigerant", "land_total", "land_sealed", "land_nature_on_site",
                "land_nature_off_site", "employees", "output", "turnover", "floor_area"):
        assert key in QUANTITIES, key
    assert "electricity_green_share" not in ENERGY_CARRIERS  # a share is not an amount of energy
    assert quantity("natural_gas").units[0] == "kWh" and "m³" in quantity("natural_gas").units
    assert find_quantity("Erdgas") is quantity("natural_gas")
    assert find_quantity("  mains WATER ") is quantity("water_mains")
    assert find_quantity("strom") is None
    with pytest.raises(UserInputError) as exc:
        quantity("steam")
    assert exc.value.params == {"quantity": "steam"}


# ---- units and conversion ----------------------------------------------------------------------


def test_unit_spellings_from_spreadsheets() -> None:
    assert normalize_unit("m3") == "m³" and normalize_unit(" KWH ") == "kWh" and normalize_unit("Liter") == "l"
    assert normalize_unit("Tonnen") == "t" and normalize_unit("qm") == "m²" and normalize_unit("EUR") == "€"
    assert normalize_unit("Fass") == "Fass"  # unknown: kept as written, refused where it matters


def test_gas_cubic_metres_to_kwh_gross_and_net() -> None:
    # 12 000 m³ × 10.0 kWh/m³ (Brennwert × Zustandszahl) = 120 000 kWh (Hs)
    assert to_canonical("natural_gas", D(12000), "m³") == D(120000)
    # the bill's own figures: Brennwert 11.2 kWh/m³ × Zustandszahl 0.95 = 10.64 kWh/m³
    # 12 000 m³ × 10.64 = 127 680 kWh (Hs)
    assert to_canonical("natural_gas", D(12000), "m3", gas_kwh_per_m3=D("11.2") * D("0.95")) == D(127680)
    # 120 000 kWh (Hs) ÷ 1.11 = 108 108.108… kWh (Hi)
    assert round(hs_to_hi(D(120000)), 3) == D("108108.108")
    with pytest.raises(UserInputError):
        to_canonical("natural_gas", D(1), "m³", gas_kwh_per_m3=D(0))


def test_litres_and_masses_to_kwh() -> None:
    # heating oil 3 000 l × 10.0 kWh/l = 30 000 kWh (Hi); diesel 4 000 l × 9.9 = 39 600 kWh
    assert to_canonical("heating_oil", D(3000), "l") == D(30000)
    assert to_canonical("diesel", D(4000), "Liter") == D(39600)
    # petrol 1 000 l × 8.9 = 8 900 kWh; LPG 2 000 l × 6.7 = 13 400 kWh
    assert to_canonical("petrol", D(1000), "l") == D(8900)
    assert to_canonical("lpg", D(2000), "l") == D(13400)
    # heating oil 5 m³ = 5 000 l × 10.0 = 50 000 kWh
    assert to_canonical("heating_oil", D(5), "m³") == D(50000)
    # wood pellets 12 t × 4 900 kWh/t = 58 800 kWh
    assert to_canonical("wood_pellets", D(12), "t") == D(58800)


def test_energy_units_mass_area_money() -> None:
    assert to_canonical("electricity_grid", D("180.5"), "MWh") == D(180500)
    # 36 GJ × 1 000 ÷ 3.6 = 10 000 kWh exactly (no float detour)
    assert to_canonical("district_heating", D(36), "GJ") == D(10000)
    # 1 500 kg = 1.5 t
    assert to_canonical("waste", D(1500), "kg") == D("1.5")
    # refrigerants stay in kg: 0.003 t = 3 kg
    assert to_canonical("refrigerant", D("0.003"), "t") == D(3)
    assert to_canonical("land_total", D("0.5"), "ha") == D(5000)
    assert to_canonical("turnover", D("4.2"), "Mio. €") == D(4200000)
    assert to_canonical("output", D(350), "Paletten") == D(350)  # own unit, taken as it is


def test_an_unknown_unit_is_refused_with_its_name() -> None:
    with pytest.raises(UserInputError) as exc:
        to_canonical("water_mains", D(1), "kWh")
    assert exc.value.params["unit"] == "kWh" and exc.value.params["units"] == "m³, l"
    with pytest.raises(UserInputError):
        to_canonical("electricity_grid", D(1), "m³")  # only gas is billed in m³


# ---- details: waste codes, gases ------------------------------------------------------------------


def test_waste_codes() -> None:
    assert parse_waste_code("12 01 09*") == ("120109", True)
    assert parse_waste_code("150101") == ("150101", False)
    assert format_waste_code("120109", True) == "12 01 09*"
    for bad in ("12 01 9", "1201099", "ab cd ef", ""):
        with pytest.raises(UserInputError):
            parse_waste_code(bad)


def test_refrigerant_names() -> None:
    assert normalize_gas("r410a") == "R-410A" and normalize_gas("R 404a") == "R-404A"
    assert normalize_gas("R134A") == "R-134a" and normalize_gas("r-1234YF") == "R-1234yf"
    assert normalize_gas("sf6") == "SF6"
    assert detail_key("refrigerant", {"gas": "r410a"}) == "R-410A"
    assert detail_key("waste", {"waste_code": "120109", "route": "disposal"}) == "120109/disposal"
    assert detail_key("material", {"name": "  Stahl  Blech "}) == "stahl blech"
    assert detail_key("electricity_grid", {}) == ""


# ---- refusals ---------------------------------------------------------------------------------------


def test_check_value_refuses_what_cannot_be_right() -> None:
    ok = check_value("waste", D("1.5"), "t", 2024, {"waste_code": "12 01 09*", "route": "Beseitigung",
                                                     "name": "Emulsion"}, current_year=2025)
    assert ok == {"waste_code": "120109", "hazardous": True, "route": "disposal", "name": "Emulsion"}
    cases = [
        (("waste", D("-0.5"), "t", 2024, {"waste_code": "150101", "route": "recycling"}), "cannot be negative",
         "value"),
        (("electricity_grid", D(1000), "kWh", 2026, {}), "future", "year"),
        (("electricity_green_share", D(101), "%", 2024, {}), "100", "value"),
        (("water_mains", D(10), "Fass", 2024, {}), "not a unit", "unit"),
        (("waste", D(1), "t", 2024, {"waste_code": "12 01 09*", "hazardous": "nein", "route": "disposal"}), "star",
         "hazardous"),
        (("waste", D(1), "t", 2024, {"waste_code": "15 01", "route": "disposal"}), "not a waste code", "waste_code"),
        (("waste", D(1), "t", 2024, {"waste_code": "150101"}), "disposal route", "route"),
        (("material", D(1), "t", 2024, {}), "needs a name", "name"),
        (("refrigerant", D(1), "kg", 2024, {}), "gas", "gas"),
        (("output", D(1), " ", 2024, {}), "needs a unit", "unit"),
    ]
    for args, words, field in cases:
        with pytest.raises(UserInputError) as exc:
            check_value(*args, current_year=2025)  # type: ignore[arg-type]
        assert words in exc.value.english(), (args, exc.value.english())
        # importers put the message behind the cell this names
        assert exc.value.params["field"] == field, (args, exc.value.params)
    # the hazardous column may repeat what the star says
    assert check_value("waste", D(1), "t", 2024, {"waste_code": "120109*", "hazardous": "ja", "route": "disposal"},
                       current_year=2025)["hazardous"] is True
    assert check_value("refrigerant", D("2.5"), "kg", 2024, {"gas": "r410a"}, current_year=2025) == {"gas": "R-410A"}


# ---- plausibility --------------------------------------------------------------------------------------


def test_plausibility_flags_tenfold_jumps_in_canonical_units() -> None:
    values = [
        value("electricity_grid", 2023, "180000", "kWh"),
        value("electricity_grid", 2024, "1800000", "kWh"),     # 1 800 000 ÷ 180 000 = 10 → flagged (≥ 10×)
        value("water_mains", 2023, "900", "m³"),
        value("water_mains", 2024, "89", "m³"),                # 89 × 10 = 890 ≤ 900 → flagged (≤ 1/10)
        value("natural_gas", 2023, "120000", "kWh"),
        value("natural_gas", 2024, "12000", "m³"),             # 12 000 m³ × 10 = 120 000 kWh → same, fine
        value("district_heating", 2023, "0", "kWh"),
        value("district_heating", 2024, "5000", "kWh"),        # after a zero: not judged
        value("diesel", 2024, "4000", "l"),                    # no previous year: not judged
    ]
    warnings = plausibility(values, 2024)
    assert [(w.quantity, w.kind) for w in warnings] == [("electricity_grid", PlausibilityKind.JUMP_UP),
                                                        ("water_mains", PlausibilityKind.JUMP_DOWN)]
    assert warnings[0].previous == D(180000) and warnings[0].value == D(1800000) and warnings[0].unit == "kWh"
    assert "{previous}" in warnings[0].template
    # 175 MWh after 180 000 kWh: 175 000 kWh is 97 % of last year, nothing to say
    assert plausibility([value("electricity_grid", 2023, "180000", "kWh"),
                         value("electricity_grid", 2024, "175", "MWh")], 2024) == []


# ---- deltas and trend ---------------------------------------------------------------------------------


def test_year_over_year_deltas_and_trend() -> None:
    series = {2022: D(300), 2023: D(280), 2024: D(294)}
    rows = deltas(series)
    assert rows[0].delta is None and rows[0].percent is None
    # 2023: 280 − 300 = −20; −20 ÷ 300 × 100 = −6.67 %
    assert rows[1].delta == D(-20) and round(rows[1].percent, 2) == D("-6.67")
    # 2024: 294 − 280 = 14; 14 ÷ 280 × 100 = 5 %
    assert rows[2].delta == D(14) and rows[2].percent == D(5)
    # first to last: (294 − 300) ÷ 300 × 100 = −2 % → within ±2 %: flat
    assert trend(series).direction is TrendDirection.FLAT and trend(series).percent == D(-2)
    # 900 → 850 m³: (850 − 900) ÷ 900 × 100 = −5.56 % → falling
    water = trend({2022: D(900), 2023: D(880), 2024: D(850)})
    assert water.direction is TrendDirection.FALLING and round(water.percent, 2) == D("-5.56")
    assert trend({2022: D(1), 2024: D(2)}).direction is TrendDirection.RISING
    assert trend({2024: D(5)}).direction is TrendDirection.UNKNOWN
    assert trend({2023: D(0), 2024: D(5)}).direction is TrendDirection.UNKNOWN


# ---- EMAS core indicators --------------------------------------------------------------------------------


def _three_years() -> list[IndicatorValue]:
    return [
        # 2022: 180 000 kWh electricity + 12 000 m³ gas × 10 = 120 000 kWh → 300 000 kWh = 300 MWh; 40 employees
        value("electricity_grid", 2022, "180000", "kWh"), value("natural_gas", 2022, "12000", "m³"),
        value("employees", 2022, "40", "Personen"), value("water_mains", 2022, "900", "m³"),
        # 2023: 170 000 + 11 000 m³ × 10 = 110 000 → 280 MWh; 42 employees
        value("electricity_grid", 2023, "170", "MWh"), value("natural_gas", 2023, "11000", "m³"),
        value("employees", 2023, "42", "MA"), value("water_mains", 2023, "880", "m³"),
        # 2024: 160 000 grid (50 % green) + 20 000 own PV + 10 000 m³ × 10 = 100 000 gas → 280 MWh; 40 employees
        value("electricity_grid", 2024, "160000", "kWh"), value("electricity_green_share", 2024, "50", "%"),
        value("electricity_own_generation", 2024, "20000", "kWh"), value("natural_gas", 2024, "10000", "m³"),
        value("employees", 2024, "40", "Personen"), value("water_mains", 2024, "850", "m³"),
        value("waste", 2024, "4.2", "t", waste_code="150101", hazardous=False, route="recycling", name="Papier"),
        value("waste", 2024, "1500", "kg", waste_code="120109", hazardous=True, route="disposal", name="Emulsion"),
        value("land_total", 2024, "5000", "m²"), value("land_sealed", 2024, "3200", "m²"),
        value("material", 2024, "120", "t", name="Stahl"),
        # a second site adds up: 100 m³ water in 2024 → 850 + 100 = 950 m³
        value("water_well", 2024, "100", "m³", site="s2"),
    ]


def test_core_indicators_a_b_r_over_three_years() -> None:
    choice = ReferenceChoice("employees", "Dienstleistung und Fertigung ohne einheitliches Produkt")
    table = core_indicators(_three_years(), [2022, 2023, 2024], choice, ghg_t={2022: D("96.93"), 2024: D("80")})
    assert table.reference_unit == "persons" and table.enough_years

    energy = table.row("energy_total")
    assert energy is not None and energy.unit == "MWh" and energy.r_unit == "MWh/persons"
    assert energy.a == {2022: D(300), 2023: D(280), 2024: D(280)}
    assert energy.b == {2022: D(40), 2023: D(42), 2024: D(40)}
    # R: 300 ÷ 40 = 7.5; 280 ÷ 42 = 6.666…; 280 ÷ 40 = 7
    assert energy.r[2022] == D("7.5") and round(energy.r[2023], 4) == D("6.6667") and energy.r[2024] == D(7)
    gas = table.row("energy.natural_gas")
    assert gas is not None and gas.level == 1 and gas.a[2024] == D(100)

    share = table.row("energy_renewable_share")
    # 2024: 160 000 × 50 % + 20 000 PV = 100 000 kWh renewable ÷ 280 000 kWh × 100 = 35.714… %
    assert share is not None and round(share.a[2024], 3) == D("35.714") and share.r[2024] is None
    assert share.a[2022] == D(0)

    water = table.row("water_total")
    # 2022: 900 ÷ 40 = 22.5 m³ per person; 2024: (850 + 100) ÷ 40 = 23.75
    assert water is not None and water.r[2022] == D("22.5") and water.a[2024] == D(950) and water.r[2024] == D("23.75")

    waste = table.row("waste_total")
    # 4.2 t + 1 500 kg = 4.2 + 1.5 = 5.7 t; R = 5.7 ÷ 40 = 0.1425 t per person
    assert waste is not None and waste.a[2024] == D("5.7") and waste.r[2024] == D("0.1425") and waste.a[2022] is None
    hazardous = table.row("waste_hazardous")
    assert hazardous is not None and hazardous.a[2024] == D("1.5")
    by_code = table.row("waste.12 01 09*")
    assert by_code is not None and by_code.label.de == "12 01 09* Emulsion" and by_code.level == 1

    sealed = table.row("land_sealed")
    # 3 200 m² ÷ 40 = 80 m² per person
    assert sealed is not None and sealed.r[2024] == D(80)
    assert table.row("land_nature_off_site") is None  # never recorded: left out
    assert table.row("materials_total") is not None and table.row("materials_total").a[2024] == D(120)  # type: ignore[union-attr]

    ghg = table.row("ghg_total")
    # 96.93 t ÷ 40 = 2.42325 t CO2e per person
    assert ghg is not None and ghg.r[2022] == D("2.42325") and ghg.a[2023] is None and ghg.r[2023] is None
    assert table.row("air_nox") is None


def test_figure_b_choice_and_missing_reference() -> None:
    values = [value("electricity_grid", 2024, "50000", "kWh"), value("output", 2024, "250", "t Guss")]
    table = core_indicators(values, [2024], ReferenceChoice("output", "Gießerei: Tonnen Guss"))
    energy = table.row("energy_total")
    # 50 MWh ÷ 250 t = 0.2 MWh per tonne of castings
    assert energy is not None and energy.r[2024] == D("0.2") and table.reference_unit == "t Guss"
    assert not table.enough_years
    without_b = core_indicators(values, [2024], "turnover").row("energy_total")
    assert without_b is not None and without_b.b[2024] is None and without_b.r[2024] is None
    with pytest.raises(UserInputError):
        ReferenceChoice("water_mains")
