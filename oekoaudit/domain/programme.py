"""The environmental programme: measures with owner, dates, costs and savings.

API summary (pure; money and quantities are ``Decimal``, never rounded here):

* ``MeasureStatus`` (planned, in_progress, done, dropped), ``OPEN_STATUSES``.
* ``Measure`` — every field of a programme entry. Fields added for issue 6 (all with defaults):
  ``savings_eur_once``, ``energy_carrier`` (an energy quantity key of
  :mod:`oekoaudit.domain.indicators`, e.g. ``natural_gas``), ``completed_on``, ``finding_ids``,
  ``carried_from_measure_id``.
* ``check_measure(measure)`` — refuses impossible values (``UserInputError`` naming the field).
* ``payback(measure)`` → years = investment ÷ yearly € savings, None without savings.
* ``measure_year(measure)`` — the programme year a measure belongs to.
* ``derived_co2(measure, factors, year)`` → ``Co2Saving``: the given t CO2, or kWh × the
  carrier's emission factor, and which of the two it is.
* ``totals(measures, by=None|"area"|"year"|"status", *, factors=None, year=None)`` →
  ``dict[key, MeasureTotals]``.
* ``Area`` / ``AreaSet`` — the configurable areas / action fields (``forms/areas/*.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from oekoaudit.domain.checklist import Text
from oekoaudit.domain.co2 import Factor, FactorOverride, FactorSet, kwh_for_factor
from oekoaudit.domain.indicators import ENERGY_CARRIERS, QUANTITIES
from oekoaudit.errors import N_, UserInputError


class MeasureStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


#: Measures still to be done: they carry over to the organisation's next audit.
OPEN_STATUSES = frozenset({MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS})

#: Priority 1 (high) to 3 (low), as on municipal measure sheets (hoch / mittel / niedrig).
PRIORITIES = (1, 2, 3)


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    organisation_id: str
    title: str
    audit_id: str | None = None
    site_id: str | None = None
    description: str = ""
    #: key of an area of an ``AreaSet`` (ÖKOPROFIT area, municipal action field); free text allowed
    area: str = ""
    owner: str = ""
    start_date: date | None = None
    due_date: date | None = None
    status: MeasureStatus = MeasureStatus.PLANNED
    priority: int | None = None
    investment_eur: Decimal | None = None
    savings_eur_per_year: Decimal | None = None
    savings_kwh_per_year: Decimal | None = None
    savings_m3_per_year: Decimal | None = None
    savings_t_per_year: Decimal | None = None
    #: as given by the user; when None, ``derived_co2`` derives it from the kWh and the carrier
    savings_t_co2_per_year: Decimal | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    revision: int = 1
    #: one-off savings in € (a sold machine, a subsidy, a saved fee)
    savings_eur_once: Decimal | None = None
    #: the energy quantity key the kWh savings are in ("natural_gas", "electricity_grid", …)
    energy_carrier: str = ""
    completed_on: date | None = None
    #: findings this measure answers
    finding_ids: tuple[str, ...] = ()
    #: the open measure of an earlier audit this one continues
    carried_from_measure_id: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def check_measure(measure: Measure) -> None:
    """Refuse values that cannot be right, naming the field (``{field}`` is the field name).

    Savings may be negative (a heat pump saves gas and uses more electricity: record both as
    separate measures or the net); an investment or one-off saving may not.
    """
    if not " ".join(measure.title.split()):
        raise UserInputError(N_("A measure needs a title."))
    if measure.priority is not None and measure.priority not in PRIORITIES:
        raise UserInputError(N_("The priority must be 1 (high), 2 (medium) or 3 (low), not {value}."),
                             field="priority", value=measure.priority)
    for name, template in (("investment_eur", N_("The investment cannot be negative ({value}).")),
                           ("savings_eur_once", N_("The one-off saving cannot be negative ({value})."))):
        value = getattr(measure, name)
        if value is not None and (not value.is_finite() or value < 0):
            raise UserInputError(template, field=name, value=str(value))
    for name in ("savings_eur_per_year", "savings_kwh_per_year", "savings_m3_per_year", "savings_t_per_year",
                 "savings_t_co2_per_year"):
        value = getattr(measure, name)
        if value is not None and not value.is_finite():
            raise UserInputError(N_("{value} is not a number."), field=name, value=str(value))
    if measure.energy_carrier and measure.energy_carrier not in ENERGY_CARRIERS:
        raise UserInputError(N_("{value} is not an energy carrier; use one of: {choices}."),
                             field="energy_carrier", value=measure.energy_carrier, choices=", ".join(ENERGY_CARRIERS))
    if measure.start_date and measure.due_date and measure.due_date < measure.start_date:
        raise UserInputError(N_("The due date {due} lies before the start {start}."), field="due_date",
                             due=measure.due_date.isoformat(), start=measure.start_date.isoformat())
    if measure.completed_on and measure.start_date and measure.completed_on < measure.start_date:
        raise UserInputError(N_("The completion date {done} lies before the start {start}."), field="completed_on",
                             done=measure.completed_on.isoformat(), start=measure.start_date.isoformat())


def payback(measure: Measure) -> Decimal | None:
    """Static payback in years: investment ÷ yearly € savings (not rounded).

    None when there is no investment figure or no positive yearly saving: a measure that saves
    nothing in € never pays back, and "infinite" would only mislead in a sum. An investment of
    0 pays back at once (0 years).
    """
    if measure.investment_eur is None or not measure.savings_eur_per_year or measure.savings_eur_per_year <= 0:
        return None
    return measure.investment_eur / measure.savings_eur_per_year


def measure_year(measure: Measure) -> int | None:
    """The programme year a measure is documented for.

    Done: the year it was completed. Otherwise the year it is due, else the year it starts,
    else the year it was entered. This is the year the programme lists it under, and the year
    QuB's "one documented measure per year" counts it for.
    """
    for day in (measure.completed_on if measure.status is MeasureStatus.DONE else None, measure.due_date,
                measure.start_date, measure.completed_on):
        if day is not None:
            return day.year
    return measure.created_at.year if measure.created_at is not None else None


class Co2Origin(StrEnum):
    #: the user entered the t CO2 saved
    GIVEN = "given"
    #: kWh saved × the emission factor of the energy carrier
    DERIVED = "derived"
    #: neither given nor derivable (no kWh, no carrier, or no factor for it)
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Co2Saving:
    t_co2: Decimal | None
    origin: Co2Origin
    #: the factor used for a derived value (value, source, year)
    factor: Factor | None = None
    #: the kWh the factor was applied to (net kWh for Hi-based factors)
    kwh: Decimal | None = None


def derived_co2(measure: Measure, factors: FactorSet | Factor | None, year: int | None = None, *,
                overrides: dict[str, FactorOverride] | None = None) -> Co2Saving:
    """The measure's yearly CO2 saving in t, and whether it was given or derived.

    A value the user entered wins (they may know better, e.g. from an energy audit). Otherwise:
    kWh saved (in the carrier's recorded basis, gas as billed Hs) → brought to the factor's basis
    → × factor (kg CO2/kWh) ÷ 1000. ``year`` picks the grid-mix year (default: the measure's
    year); ``factors`` may be a set or the one factor to use.
    """
    if measure.savings_t_co2_per_year is not None:
        return Co2Saving(measure.savings_t_co2_per_year, Co2Origin.GIVEN)
    carrier = measure.energy_carrier
    kwh = measure.savings_kwh_per_year
    if kwh is None or not carrier or carrier not in QUANTITIES or factors is None:
        return Co2Saving(None, Co2Origin.NONE)
    if isinstance(factors, Factor):
        factor: Factor | None = factors
    else:
        wanted = year if year is not None else measure_year(measure)
        factor = factors.factor_or_none(carrier, wanted, overrides=overrides)
    if factor is None:
        return Co2Saving(None, Co2Origin.NONE)
    used_kwh = kwh_for_factor(carrier, kwh, factor)
    return Co2Saving(used_kwh * factor.value / 1000, Co2Origin.DERIVED, factor, used_kwh)


@dataclass(frozen=True, slots=True)
class MeasureTotals:
    """Sums over a group of measures (None-valued fields count as 0; nothing is rounded)."""

    count: int
    investment_eur: Decimal
    savings_eur_once: Decimal
    savings_eur_per_year: Decimal
    savings_kwh_per_year: Decimal
    savings_m3_per_year: Decimal
    savings_t_per_year: Decimal
    savings_t_co2_per_year: Decimal
    #: how many of the CO2 figures were derived from kWh (the rest were given or are missing)
    co2_derived: int = 0

    @property
    def payback_years(self) -> Decimal | None:
        """Total investment ÷ total yearly € savings (the programme's overall payback)."""
        if self.savings_eur_per_year <= 0:
            return None
        return self.investment_eur / self.savings_eur_per_year


Grouping = Literal["area", "year", "status"] | None


def totals(measures: Iterable[Measure], by: Grouping = None, *, factors: FactorSet | None = None,
           year: int | None = None, overrides: dict[str, FactorOverride] | None = None
           ) -> dict[str | int | None, MeasureTotals]:
    """Sums of investment and savings, for the whole programme (key None) or grouped.

    ``by="area"`` (key: area key), ``"year"`` (key: :func:`measure_year`, None if unknown),
    ``"status"`` (key: the status value). Dropped measures save nothing and are left out,
    except in the grouping by status, which shows them under ``"dropped"``. With ``factors``,
    CO2 not given is derived (see :func:`derived_co2`; ``year`` fixes the factor year for the
    whole programme, else each measure's year is used).
    """
    groups: dict[str | int | None, list[Measure]] = {}
    for m in measures:
        if m.status is MeasureStatus.DROPPED and by != "status":
            continue
        key: str | int | None
        if by == "area":
            key = m.area
        elif by == "year":
            key = measure_year(m)
        elif by == "status":
            key = m.status.value
        else:
            key = None
        groups.setdefault(key, []).append(m)
    return {key: _sum(group, factors, year, overrides) for key, group in groups.items()}


def _sum(measures: list[Measure], factors: FactorSet | None, year: int | None,
         overrides: dict[str, FactorOverride] | None) -> MeasureTotals:
    zero = Decimal(0)

    def add(name: str) -> Decimal:
        return sum((getattr(m, name) or zero for m in measures), zero)

    co2 = zero
    derived = 0
    for m in measures:
        saving = derived_co2(m, factors, year, overrides=overrides)
        if saving.t_co2 is not None:
            co2 += saving.t_co2
            derived += saving.origin is Co2Origin.DERIVED
    return MeasureTotals(
        count=len(measures), investment_eur=add("investment_eur"), savings_eur_once=add("savings_eur_once"),
        savings_eur_per_year=add("savings_eur_per_year"), savings_kwh_per_year=add("savings_kwh_per_year"),
        savings_m3_per_year=add("savings_m3_per_year"), savings_t_per_year=add("savings_t_per_year"),
        savings_t_co2_per_year=co2, co2_derived=derived,
    )


# ---- areas / action fields ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Area:
    key: str
    label: Text
    description: Text | None = None


@dataclass(frozen=True, slots=True)
class AreaSet:
    """A configurable list of areas a measure can belong to (ÖKOPROFIT areas, action fields)."""

    id: str
    title: Text
    areas: tuple[Area, ...]

    def area(self, key: str) -> Area | None:
        return next((a for a in self.areas if a.key == key), None)
