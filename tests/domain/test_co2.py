"""The CO2e balance by scope, checked against hand calculations (arithmetic in the comments)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from oekoaudit.domain.checklist import Text
from oekoaudit.domain.co2 import (
    GWP_UNIT,
    Factor,
    FactorKind,
    FactorOverride,
    FactorSet,
    co2_balance,
    kwh_for_factor,
)
from oekoaudit.domain.indicators import Basis, IndicatorValue
from oekoaudit.errors import NotFoundError, UserInputError

SOURCE = "test data"


def factor_set() -> FactorSet:
    """The values of forms/factors/de-2024.yaml that the examples use."""
    energy = "kg CO2/kWh"
    return FactorSet(
        id="test-2024", title=Text("Test", "Test"), edition=2024, gwp_report="AR5",
        factors=(
            Factor("electricity_grid", D("0.434"), energy, 2, SOURCE, year=2022),
            Factor("electricity_grid", D("0.380"), energy, 2, SOURCE, year=2023),
            Factor("electricity_grid", D("0.363"), energy, 2, SOURCE, year=2024),
            Factor("natural_gas", D("0.201"), energy, 1, SOURCE, year=2020, basis=Basis.HI),
            Factor("heating_oil", D("0.266"), energy, 1, SOURCE, year=2020, basis=Basis.HI),
            Factor("diesel", D("0.266"), energy, 1, SOURCE, year=2020, basis=Basis.HI),
            Factor("district_heating", D("0.280"), energy, 2, SOURCE, year=2020),
            Factor("R-410A", D(1924), GWP_UNIT, 1, SOURCE, year=2013, kind=FactorKind.GWP),
        ),
    )


def value(quantity: str, year: int, amount: str, unit: str, site: str = "s1", **details: object) -> IndicatorValue:
    return IndicatorValue(id=f"{quantity}{year}{site}", site_id=site, year=year, quantity=quantity,
                          value=D(amount), unit=unit, details=dict(details))


def test_the_issue_s_gas_example() -> None:
    # 12 000 m³ × 10.0 kWh/m³ (Hs) = 120 000 kWh (Hs)
    # 120 000 ÷ 1.11 = 108 108.108 kWh (Hi)
    # 108 108.108 × 0.201 kg/kWh = 21 729.73 kg = 21.73 t CO2
    balance = co2_balance([value("natural_gas", 2024, "12000", "m³")], 2024, factor_set())
    (line,) = balance.lines
    assert line.scope == 1 and line.recorded == D(120000) and round(line.amount) == D(108108)
    assert round(line.t_co2e, 2) == D("21.73")
    assert line.factor.value == D("0.201") and line.factor.source == SOURCE and line.factor.set_id == "test-2024"


def test_a_full_balance_by_scope() -> None:
    values = [
        value("natural_gas", 2024, "12000", "m³"),              # 21.7297… t (see above)
        value("heating_oil", 2024, "3000", "l"),                # 3 000 l × 10.0 = 30 000 kWh × 0.266 = 7 980 kg = 7.98 t
        value("diesel", 2024, "4000", "l"),                     # 4 000 l × 9.9 = 39 600 kWh × 0.266 = 10 533.6 kg = 10.5336 t
        value("refrigerant", 2024, "2.5", "kg", gas="r410a"),   # 2.5 kg × GWP 1 924 = 4 810 kg = 4.81 t CO2e
        value("electricity_grid", 2024, "150000", "kWh"),       # 150 000 kWh × 0.363 = 54 450 kg = 54.45 t
        value("electricity_grid", 2024, "30", "MWh", site="s2"),  # + 30 000 kWh × 0.363 = 10 890 kg = 10.89 t
        value("electricity_green_share", 2024, "50", "%"),      # location-based: no change to scope 2
        value("electricity_own_generation", 2024, "20000", "kWh"),  # own PV used on site: no line
        value("district_heating", 2024, "50", "MWh"),           # 50 000 kWh × 0.280 = 14 000 kg = 14 t
        value("electricity_grid", 2023, "999999", "kWh"),       # another year: not in the 2024 balance
    ]
    balance = co2_balance(values, 2024, factor_set())
    assert [line.quantity for line in balance.lines] == [
        "natural_gas", "heating_oil", "diesel", "refrigerant", "electricity_grid", "district_heating"]
    by_key = {line.quantity: line for line in balance.lines}
    assert by_key["heating_oil"].t_co2e == D("7.98")
    assert by_key["diesel"].t_co2e == D("10.5336")
    assert by_key["refrigerant"].detail == "R-410A" and by_key["refrigerant"].t_co2e == D("4.81")
    # two sites added up: 150 000 + 30 000 = 180 000 kWh × 0.363 = 65 340 kg = 65.34 t
    assert by_key["electricity_grid"].recorded == D(180000) and by_key["electricity_grid"].t_co2e == D("65.34")
    assert by_key["district_heating"].scope == 2 and by_key["district_heating"].t_co2e == D(14)
    # scope 1: 21.7297297 + 7.98 + 10.5336 + 4.81 = 45.0533297 t
    assert round(balance.scope_total(1), 4) == D("45.0533")
    # scope 2: 65.34 + 14 = 79.34 t
    assert balance.scope_total(2) == D("79.34")
    # total: 45.0533297 + 79.34 = 124.3933297 t
    assert round(balance.total, 2) == D("124.39")
    assert set(balance.by_scope) == {1, 2} and balance.missing == () and balance.fallbacks == ()


def test_grid_factor_of_the_year_and_the_fallback() -> None:
    factors = factor_set()
    # 2023 has its own value: 180 000 kWh × 0.380 = 68 400 kg = 68.4 t
    (line,) = co2_balance([value("electricity_grid", 2023, "180000", "kWh")], 2023, factors).lines
    assert line.t_co2e == D("68.4") and not line.factor.fallback
    # 2025 is not published yet: the latest earlier year, 2024 (0.363), is used and said
    # 180 000 kWh × 0.363 = 65 340 kg = 65.34 t
    balance = co2_balance([value("electricity_grid", 2025, "180000", "kWh")], 2025, factors)
    (line,) = balance.lines
    assert line.t_co2e == D("65.34") and line.factor.year == 2024 and line.factor.requested_year == 2025
    assert line.factor.fallback and balance.fallbacks == (line.factor,)
    assert line.factor.fallback_template is not None and "{requested}" in line.factor.fallback_template
    # before the series starts: its first year, also said
    early = factors.factor("electricity_grid", 2000)
    assert early.year == 2022 and early.fallback
    # single values are used for every year without a fallback note
    assert not factors.factor("natural_gas", 2025).fallback
    with pytest.raises(NotFoundError):
        factors.factor("wood_chips", 2024)


def test_a_supplier_factor_overrides_the_grid_mix() -> None:
    own = {"electricity_grid": FactorOverride("electricity_grid", D("0.100"), "Stadtwerke, Stromkennzeichnung 2024")}
    # 180 000 kWh × 0.100 (supplier, market-based) = 18 000 kg = 18 t
    (line,) = co2_balance([value("electricity_grid", 2024, "180000", "kWh")], 2024, factor_set(), own).lines
    assert line.t_co2e == D(18) and line.factor.override and line.factor.scope == 2
    assert line.factor.source == "Stadtwerke, Stromkennzeichnung 2024"
    with pytest.raises(UserInputError):
        FactorOverride("electricity_grid", D("0.1"), " ")
    with pytest.raises(UserInputError):
        FactorOverride("electricity_grid", D("-0.1"), "x")


def test_figures_without_a_factor_are_listed_not_dropped() -> None:
    values = [value("wood_chips", 2024, "8000", "kWh"), value("refrigerant", 2024, "1", "kg", gas="R-22")]
    balance = co2_balance(values, 2024, factor_set())
    assert balance.lines == () and balance.total == 0
    assert [(m.quantity, m.detail, m.recorded) for m in balance.missing] == [
        ("wood_chips", "", D(8000)), ("refrigerant", "R-22", D(1))]


def test_basis_conversion() -> None:
    net = Factor("natural_gas", D("0.201"), "kg CO2/kWh", 1, SOURCE, basis=Basis.HI)
    gross = Factor("natural_gas", D("0.181"), "kg CO2/kWh", 1, SOURCE, basis=Basis.HS)
    # gas recorded gross: 111 kWh (Hs) ÷ 1.11 = 100 kWh (Hi) for a net factor, unchanged for a gross one
    assert kwh_for_factor("natural_gas", D(111), net) == D(100)
    assert kwh_for_factor("natural_gas", D(111), gross) == D(111)
    # heating oil recorded net with a gross factor: 100 kWh (Hi) × 1.06 = 106 kWh (Hs)
    assert kwh_for_factor("heating_oil", D(100), replace_basis(gross, "heating_oil")) == D(106)
    # electricity has no basis
    assert kwh_for_factor("electricity_grid", D(5), net) == D(5)
    # a gas supplier's own Hs/Hi ratio: 112 ÷ 1.12 = 100
    assert kwh_for_factor("natural_gas", D(112), net, hs_per_hi=D("1.12")) == D(100)


def replace_basis(factor: Factor, key: str) -> Factor:
    from dataclasses import replace

    return replace(factor, key=key)
