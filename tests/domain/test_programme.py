"""The measures programme: payback, CO2 derived from kWh, totals, the per-year award rule."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from oekoaudit.domain.award import AwardRule, evaluate_award
from oekoaudit.domain.checklist import (
    AnswerOption,
    AnswerScale,
    AwardRules,
    Checklist,
    Item,
    Rating,
    Section,
    Text,
)
from oekoaudit.domain.co2 import GWP_UNIT, Factor, FactorKind, FactorOverride, FactorSet
from oekoaudit.domain.indicators import Basis
from oekoaudit.domain.programme import (
    Co2Origin,
    Measure,
    MeasureStatus,
    check_measure,
    derived_co2,
    measure_year,
    payback,
    totals,
)
from oekoaudit.errors import UserInputError


def factors() -> FactorSet:
    energy = "kg CO2/kWh"
    return FactorSet(id="t", title=Text("t", "t"), edition=2024, gwp_report="AR5", factors=(
        Factor("electricity_grid", D("0.380"), energy, 2, "UBA", year=2023),
        Factor("electricity_grid", D("0.363"), energy, 2, "UBA", year=2024),
        Factor("natural_gas", D("0.201"), energy, 1, "BAFA", year=2020, basis=Basis.HI),
        Factor("R-410A", D(1924), GWP_UNIT, 1, "IPCC AR5", year=2013, kind=FactorKind.GWP),
    ))


def measure(title: str = "LED-Hallenbeleuchtung", **fields: object) -> Measure:
    return Measure(id=title, organisation_id="org", title=title, **fields)  # type: ignore[arg-type]


def test_payback() -> None:
    # 12 000 € ÷ 3 000 €/a = 4 years
    assert payback(measure(investment_eur=D(12000), savings_eur_per_year=D(3000))) == D(4)
    # 2 500 € ÷ 800 €/a = 3.125 years (rounded only when shown)
    assert payback(measure(investment_eur=D(2500), savings_eur_per_year=D(800))) == D("3.125")
    assert payback(measure(investment_eur=D(0), savings_eur_per_year=D(500))) == D(0)
    assert payback(measure(investment_eur=D(5000))) is None
    assert payback(measure(investment_eur=D(5000), savings_eur_per_year=D(0))) is None
    assert payback(measure(investment_eur=D(5000), savings_eur_per_year=D(-100))) is None
    assert payback(measure(savings_eur_per_year=D(100))) is None


def test_co2_given_or_derived_from_the_carrier() -> None:
    # given by the user: wins, even with kWh and a carrier
    given = derived_co2(measure(savings_t_co2_per_year=D("2.5"), savings_kwh_per_year=D(1000),
                                energy_carrier="electricity_grid"), factors(), 2024)
    assert given.t_co2 == D("2.5") and given.origin is Co2Origin.GIVEN
    # electricity: 50 000 kWh × 0.363 kg/kWh (2024) = 18 150 kg = 18.15 t
    led = derived_co2(measure(savings_kwh_per_year=D(50000), energy_carrier="electricity_grid"), factors(), 2024)
    assert led.t_co2 == D("18.15") and led.origin is Co2Origin.DERIVED and led.factor is not None
    assert led.factor.year == 2024 and led.factor.source == "UBA"
    # gas saved, as billed: 20 000 kWh (Hs) ÷ 1.11 = 18 018.018 kWh (Hi) × 0.201 = 3 621.62 kg = 3.6216 t
    gas = derived_co2(measure(savings_kwh_per_year=D(20000), energy_carrier="natural_gas"), factors(), 2024)
    assert round(gas.t_co2, 4) == D("3.6216") and round(gas.kwh, 1) == D("18018.0")  # type: ignore[arg-type]
    # the factor year defaults to the measure's year: done in 2023 → 0.380; 10 000 × 0.380 = 3 800 kg = 3.8 t
    done = measure(savings_kwh_per_year=D(10000), energy_carrier="electricity_grid", status=MeasureStatus.DONE,
                   completed_on=date(2023, 5, 2))
    assert derived_co2(done, factors()).t_co2 == D("3.8")
    # an override: 10 000 × 0.05 = 500 kg = 0.5 t
    own = {"electricity_grid": FactorOverride("electricity_grid", D("0.05"), "Ökostromvertrag 2024")}
    assert derived_co2(done, factors(), 2024, overrides=own).t_co2 == D("0.5")
    # nothing to derive from
    assert derived_co2(measure(savings_kwh_per_year=D(100)), factors(), 2024).origin is Co2Origin.NONE
    assert derived_co2(measure(energy_carrier="diesel", savings_kwh_per_year=D(1)), factors(), 2024).t_co2 is None
    assert derived_co2(measure(energy_carrier="natural_gas", savings_kwh_per_year=D(1)), None).t_co2 is None


def test_measure_year() -> None:
    assert measure_year(measure(status=MeasureStatus.DONE, completed_on=date(2023, 11, 3),
                                due_date=date(2024, 6, 30))) == 2023
    assert measure_year(measure(due_date=date(2025, 3, 31), start_date=date(2024, 9, 1))) == 2025
    assert measure_year(measure(start_date=date(2024, 9, 1))) == 2024
    assert measure_year(measure(created_at=datetime(2022, 2, 1, 9, 0))) == 2022
    assert measure_year(measure()) is None


def _programme() -> list[Measure]:
    return [
        measure("LED", area="energy", status=MeasureStatus.DONE, completed_on=date(2024, 4, 1),
                investment_eur=D(12000), savings_eur_per_year=D(3000), savings_kwh_per_year=D(20000),
                energy_carrier="electricity_grid"),
        measure("Druckluft", area="energy", due_date=date(2025, 6, 30), investment_eur=D(1500),
                savings_eur_per_year=D(1500), savings_kwh_per_year=D(10000), energy_carrier="natural_gas",
                savings_t_co2_per_year=D("1.9")),
        measure("Regenwasser", area="water", status=MeasureStatus.IN_PROGRESS, due_date=date(2025, 9, 30),
                investment_eur=D(4000), savings_eur_per_year=D(500), savings_m3_per_year=D(300),
                savings_eur_once=D(250)),
        measure("Verworfen", area="energy", status=MeasureStatus.DROPPED, due_date=date(2025, 1, 1),
                investment_eur=D(99999), savings_eur_per_year=D(1)),
    ]


def test_totals_for_the_programme_and_by_area_year_status() -> None:
    whole = totals(_programme(), factors=factors(), year=2024)[None]
    # the dropped measure is left out: 12 000 + 1 500 + 4 000 = 17 500 €
    assert whole.count == 3 and whole.investment_eur == D(17500)
    # 3 000 + 1 500 + 500 = 5 000 €/a; payback 17 500 ÷ 5 000 = 3.5 years
    assert whole.savings_eur_per_year == D(5000) and whole.payback_years == D("3.5")
    assert whole.savings_eur_once == D(250) and whole.savings_m3_per_year == D(300)
    # CO2: LED derived 20 000 × 0.363 = 7 260 kg = 7.26 t, plus Druckluft as given 1.9 t = 9.16 t
    assert whole.savings_t_co2_per_year == D("9.16") and whole.co2_derived == 1
    by_area = totals(_programme(), by="area")
    assert set(by_area) == {"energy", "water"}
    # without factors only given CO2 counts: 1.9 t
    assert by_area["energy"].investment_eur == D(13500) and by_area["energy"].savings_t_co2_per_year == D("1.9")
    by_year = totals(_programme(), by="year")
    assert by_year[2024].count == 1 and by_year[2025].count == 2
    by_status = totals(_programme(), by="status")
    assert by_status["dropped"].investment_eur == D(99999) and by_status["done"].count == 1
    assert totals([], by="area") == {}
    assert totals([measure()])[None].payback_years is None


def test_check_measure() -> None:
    check_measure(measure(priority=1, investment_eur=D(0), savings_eur_per_year=D(-200), energy_carrier="diesel"))
    for bad, field in [
        (measure(priority=4), "priority"),
        (measure(investment_eur=D(-1)), "investment_eur"),
        (measure(savings_eur_once=D(-1)), "savings_eur_once"),
        (measure(energy_carrier="steam"), "energy_carrier"),
        (measure(start_date=date(2025, 1, 1), due_date=date(2024, 1, 1)), "due_date"),
        (measure(start_date=date(2025, 1, 1), completed_on=date(2024, 1, 1)), "completed_on"),
    ]:
        with pytest.raises(UserInputError) as exc:
            check_measure(bad)
        assert exc.value.params["field"] == field
    with pytest.raises(UserInputError):
        check_measure(measure(title="   "))


def test_award_counts_documented_measures_per_year() -> None:
    scale = AnswerScale("s", (AnswerOption("open", Text("offen", "open"), "0", Rating.OPEN),
                              AnswerOption("ok", Text("ja", "yes"), "1", Rating.CONFORM)))
    item = Item(key="qub.3.1", ref="3.1", title=Text("Maßnahmen", "Measures"), questions=(Text("?", "?"),),
                guidance=None, evidence=())
    checklist = Checklist(id="qub-test", scheme="qub", edition="t", status="draft", title=Text("QuB", "QuB"),
                          description=None, source=None, scale=scale,
                          sections=(Section(key="3", ref="3", title=Text("3", "3"), intro=None, children=(item,)),),
                          award=AwardRules(measures_implemented=0, measures_planned=0, measures_per_year=1))
    measures = [
        measure("a", status=MeasureStatus.DONE, completed_on=date(2024, 3, 1)),   # 2024
        measure("b", due_date=date(2025, 6, 30)),                                 # 2025
        measure("c", status=MeasureStatus.DROPPED, due_date=date(2026, 1, 31)),   # dropped: does not count
    ]
    result = evaluate_award(checklist, {}, measures, years=[2026, 2024, 2025])
    assert result is not None
    checks = [(c.rule, c.key, c.year, c.actual, c.passed) for c in result.checks]
    assert checks == [(AwardRule.MEASURES_PER_YEAR, "2024", 2024, 1, True),
                      (AwardRule.MEASURES_PER_YEAR, "2025", 2025, 1, True),
                      (AwardRule.MEASURES_PER_YEAR, "2026", 2026, 0, False)]
    assert not result.passed
    # default: this year
    today = date.today().year
    (only,) = evaluate_award(checklist, {}, measures).checks  # type: ignore[union-attr]
    assert only.year == today
