"""Emission factors and the CO2e balance by scope (GHG Protocol scopes 1 and 2).

API summary (pure, ``Decimal`` throughout, nothing rounded):

* ``Factor`` — one emission factor or GWP: key (an energy quantity key such as
  ``electricity_grid`` or a gas such as ``R-410A``), value, unit, scope, basis (Hi/Hs),
  source, year, note; after selection also ``requested_year`` and ``fallback``.
* ``FactorSet`` — a versioned set (``forms/factors/de-2024.yaml``, loaded by
  :mod:`oekoaudit.catalogue.factors`); ``factor(key, year)`` picks a time series' value for the
  year, falling back to the latest earlier year and saying so (``Factor.fallback``).
* ``FactorOverride`` — an organisation's own factor (supplier-specific electricity, certified
  district heat) with its source; replaces the set's factor for that key.
* ``kwh_for_factor(carrier, kwh, factor, *, hs_per_hi=None)`` — recorded kWh → the factor's basis.
* ``co2_balance(values, year, factors, overrides=None, *, gas_kwh_per_m3=…)`` → ``Balance``
  with one ``BalanceLine`` per carrier or gas (amount, conversion, factor used, t CO2e),
  totals by scope, and ``missing`` for figures without a factor.

Accounting choices (say them in the report):

* Scope 1: fuels burnt on site or in own vehicles (gas, oil, LPG, wood, diesel, petrol) and
  refrigerant refills (kg refilled ≈ kg leaked, × GWP).
* Scope 2: electricity from the grid, **location-based** — the grid mix of the year, whatever
  the tariff. A green tariff does not lower scope 2 here; it shows in the renewable share of the
  core indicators. A supplier-specific factor (market-based) is used only when given as an
  override, with its source, so the report says which method each figure follows.
* Own generation used on site (PV) is not bought and burns nothing: it adds no emissions; the
  purchased grid electricity is already what remains after it.
* District heating: scope 2 with the set's default factor unless the supplier's is overridden.
* Fuel factors are per net kWh (Heizwert, Hi). Gas is recorded gross (Hs, as billed), so gas
  kWh are divided by 1.11 before the factor is applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from oekoaudit.domain.checklist import Text
from oekoaudit.domain.indicators import (
    GAS,
    GAS_KWH_PER_M3,
    HS_PER_HI,
    QUANTITIES,
    Basis,
    Category,
    IndicatorValue,
    normalize_gas,
)
from oekoaudit.errors import N_, NotFoundError, UserInputError


class FactorKind(StrEnum):
    #: kg CO2 (or CO2e) per kWh of an energy carrier
    ENERGY = "energy"
    #: global warming potential: kg CO2e per kg of a gas
    GWP = "gwp"


ENERGY_UNIT = "kg CO2/kWh"
GWP_UNIT = "kg CO2e/kg"


@dataclass(frozen=True, slots=True)
class Factor:
    key: str
    value: Decimal
    unit: str
    scope: int
    source: str
    #: the year the value describes (grid mix of that year) or the source's reference year
    year: int | None = None
    basis: Basis | None = None
    kind: FactorKind = FactorKind.ENERGY
    note: str = ""
    #: the year asked for when this factor was picked from a time series
    requested_year: int | None = None
    #: True for an organisation's own factor (supplier-specific), not the shipped set's
    override: bool = False
    #: the set the factor comes from ("de-2024"); "" for overrides
    set_id: str = ""

    @property
    def fallback(self) -> bool:
        """The series had no value for the requested year; an earlier (or the nearest) one is used."""
        return self.requested_year is not None and self.year is not None and self.year != self.requested_year

    @property
    def fallback_template(self) -> str | None:
        """A msgid explaining the fallback ({key}, {requested}, {year}), or None."""
        if not self.fallback:
            return None
        return N_("No factor for {key} in {requested}; the value of {year} is used.")


@dataclass(frozen=True, slots=True)
class FactorOverride:
    """An organisation's own factor for one key, with where it comes from."""

    key: str
    value: Decimal
    source: str
    #: the year the factor describes, if the source says so
    year: int | None = None
    #: Hi unless the supplier states Hs
    basis: Basis | None = None

    def __post_init__(self) -> None:
        if not self.value.is_finite() or self.value < 0:
            raise UserInputError(N_("An emission factor cannot be negative ({value})."), value=str(self.value))
        if not self.source.strip():
            raise UserInputError(N_("An own emission factor for {key} needs its source (supplier, certificate)."),
                                 key=self.key)


@dataclass(frozen=True, slots=True)
class FactorSet:
    """A versioned set of emission factors and GWPs, as shipped in ``forms/factors/``."""

    id: str
    title: Text
    #: the year the set was compiled (a set for 2024 knows grid-mix values up to about 2024)
    edition: int
    #: the IPCC assessment report the GWPs come from ("AR5")
    gwp_report: str
    #: every factor; a key with several entries of different years is a time series
    factors: tuple[Factor, ...]
    source: Text | None = None
    note: Text | None = None
    _by_key: dict[str, tuple[Factor, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        by_key: dict[str, list[Factor]] = {}
        for f in self.factors:
            by_key.setdefault(f.key, []).append(replace(f, set_id=self.id))
        self._by_key.update({k: tuple(sorted(v, key=lambda f: f.year or 0)) for k, v in by_key.items()})

    def keys(self) -> tuple[str, ...]:
        return tuple(self._by_key)

    def series(self, key: str) -> tuple[Factor, ...]:
        """Every value of ``key``, oldest year first (one entry for a factor that is not a series)."""
        return self._by_key.get(_key(key), ())

    def factor(self, key: str, year: int, *, overrides: Mapping[str, FactorOverride] | None = None) -> Factor:
        """The factor for ``key`` in ``year``; ``NotFoundError`` if the set has none.

        An override for the key wins. For a time series (the grid mix) the value of ``year`` is
        taken; without one, the latest earlier year (UBA publishes a year's value only later),
        and before the series starts its first year — ``Factor.fallback`` is then True and
        ``requested_year`` says what was asked for. A single value is used for every year.
        """
        found = self.factor_or_none(key, year, overrides=overrides)
        if found is None:
            raise NotFoundError(N_("The emission factors {set} have no factor for {key}."), set=self.id, key=key)
        return found

    def factor_or_none(self, key: str, year: int | None, *,
                       overrides: Mapping[str, FactorOverride] | None = None) -> Factor | None:
        wanted = _key(key)
        own = (overrides or {}).get(wanted) or (overrides or {}).get(key)
        if own is not None:
            known = self._by_key.get(wanted)
            template = known[-1] if known else None
            return Factor(key=wanted, value=own.value, unit=template.unit if template else ENERGY_UNIT,
                          scope=template.scope if template else _default_scope(wanted), source=own.source,
                          year=own.year, basis=own.basis or (template.basis if template else None),
                          kind=template.kind if template else FactorKind.ENERGY, override=True)
        series = self._by_key.get(wanted)
        if not series:
            return None
        if year is None or len(series) == 1:
            return series[-1]
        earlier = [f for f in series if f.year is not None and f.year <= year]
        chosen = earlier[-1] if earlier else series[0]
        return replace(chosen, requested_year=year)


def _key(key: str) -> str:
    """Quantity keys as they are; refrigerant names in their usual spelling."""
    return key if key in QUANTITIES else normalize_gas(key)


def _default_scope(key: str) -> int:
    return 2 if key in ("electricity_grid", "district_heating") else 1


def kwh_for_factor(carrier: str, kwh: Decimal, factor: Factor, *, hs_per_hi: Decimal | None = None) -> Decimal:
    """Recorded kWh of ``carrier`` on the factor's basis: gross (Hs) kWh ÷ Hs/Hi for a net factor.

    Gas is recorded gross (as billed) and the shipped factors are net, so 120 000 kWh Hs of gas
    become 120 000 ÷ 1.11 = 108 108.1 kWh Hi. A net-recorded carrier with a gross factor is
    multiplied instead. Carriers without a basis (electricity, heat) are taken as they are.
    """
    recorded = QUANTITIES[carrier].basis if carrier in QUANTITIES else None
    if recorded is None or factor.basis is None or recorded is factor.basis:
        return kwh
    ratio = hs_per_hi if hs_per_hi is not None else HS_PER_HI.get(carrier)
    if ratio is None:
        return kwh
    return kwh / ratio if recorded is Basis.HS else kwh * ratio


@dataclass(frozen=True, slots=True)
class BalanceLine:
    """One row of the balance: amount × factor = t CO2e, with everything needed to redo it."""

    scope: int
    #: the quantity key (energy carrier or ``refrigerant``)
    quantity: str
    #: the gas for refrigerants, else ""
    detail: str
    #: the amount as recorded, in the quantity's canonical unit (kWh, gas in Hs; kg of gas)
    recorded: Decimal
    #: the amount the factor is applied to (gas: recorded ÷ 1.11, now in Hi)
    amount: Decimal
    #: "kWh" or "kg"
    unit: str
    factor: Factor
    t_co2e: Decimal


@dataclass(frozen=True, slots=True)
class MissingFactor:
    """A recorded figure that could not be counted because the set has no factor for it."""

    quantity: str
    detail: str
    recorded: Decimal
    unit: str


@dataclass(frozen=True, slots=True)
class Balance:
    year: int
    factor_set: str
    lines: tuple[BalanceLine, ...]
    missing: tuple[MissingFactor, ...] = ()

    def scope_total(self, scope: int) -> Decimal:
        return sum((line.t_co2e for line in self.lines if line.scope == scope), Decimal(0))

    @property
    def by_scope(self) -> dict[int, Decimal]:
        return {scope: self.scope_total(scope) for scope in sorted({line.scope for line in self.lines})}

    @property
    def total(self) -> Decimal:
        return sum((line.t_co2e for line in self.lines), Decimal(0))

    @property
    def fallbacks(self) -> tuple[Factor, ...]:
        """Factors taken from another year than the balance year (to be said in the report)."""
        return tuple(line.factor for line in self.lines if line.factor.fallback)


#: Energy carriers that burn nothing where they are used and are not bought: no emissions.
NO_EMISSION_CARRIERS = frozenset({"electricity_own_generation"})


def co2_balance(values: Iterable[IndicatorValue], year: int, factors: FactorSet,
                overrides: Mapping[str, FactorOverride] | None = None, *,
                gas_kwh_per_m3: Decimal = GAS_KWH_PER_M3, hs_per_hi_gas: Decimal | None = None) -> Balance:
    """The CO2e balance of ``year`` over the given values (all sites given are added up).

    Per energy carrier: Σ recorded kWh → the factor's basis → × kg CO2/kWh ÷ 1000 = t CO2.
    Per refrigerant gas: Σ kg refilled × GWP ÷ 1000 = t CO2e. Scopes come from the factor.
    Figures without a factor are listed in ``missing`` instead of silently counting as 0.
    """
    energy: dict[str, Decimal] = {}
    gases: dict[str, Decimal] = {}
    for v in values:
        if v.year != year or v.quantity not in QUANTITIES:
            continue
        q = QUANTITIES[v.quantity]
        amount = v.canonical(gas_kwh_per_m3=gas_kwh_per_m3)
        if q.category is Category.ENERGY and not q.is_share and q.key not in NO_EMISSION_CARRIERS:
            energy[q.key] = energy.get(q.key, Decimal(0)) + amount
        elif q.category is Category.REFRIGERANTS:
            gas = normalize_gas(str(v.details.get(GAS, "")))
            gases[gas] = gases.get(gas, Decimal(0)) + amount
    lines: list[BalanceLine] = []
    missing: list[MissingFactor] = []
    for carrier in (k for k in QUANTITIES if k in energy):
        recorded = energy[carrier]
        factor = factors.factor_or_none(carrier, year, overrides=overrides)
        if factor is None:
            missing.append(MissingFactor(carrier, "", recorded, "kWh"))
            continue
        ratio = hs_per_hi_gas if carrier == "natural_gas" else None
        amount = kwh_for_factor(carrier, recorded, factor, hs_per_hi=ratio)
        lines.append(BalanceLine(factor.scope, carrier, "", recorded, amount, "kWh", factor,
                                 amount * factor.value / 1000))
    for gas in sorted(gases):
        recorded = gases[gas]
        factor = factors.factor_or_none(gas, year, overrides=overrides)
        if factor is None:
            missing.append(MissingFactor("refrigerant", gas, recorded, "kg"))
            continue
        lines.append(BalanceLine(factor.scope, "refrigerant", gas, recorded, recorded, "kg", factor,
                                 recorded * factor.value / 1000))
    lines.sort(key=lambda line: line.scope)
    return Balance(year, factors.id, tuple(lines), tuple(missing))
