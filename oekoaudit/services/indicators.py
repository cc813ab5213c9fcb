"""Environmental figures of an organisation's sites: entry, import and export, the EMAS core
indicators, the CO2 balance, plausibility — and the settings these need (figure B, omitted
indicators, the energy content of gas, the emission factors of an audit).

Figures belong to a site and a year, not to an audit: the same figures serve every audit and
report of the organisation. A site holds one figure per year, quantity and detail (waste code
and route, material name, refrigerant gas): entering it again replaces the value (the change
log keeps the old one). Values are stored as entered (value and unit), so a spreadsheet
round-trips unchanged; computations bring them to canonical units first.

Emission factors: an audit uses the set it names (``factor_set``) or, when it names none, the
newest shipped set whose edition is not after the audit's year — so a set shipped later never
changes an old audit's balance. Overrides (a supplier's electricity factor) belong to the
audit, with their source. Without an audit (``indicators show``), the organisation's newest
audit decides; without any audit, the newest set.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from oekoaudit.catalogue import tables
from oekoaudit.catalogue.factors import latest_factor_set, load_factor_sets
from oekoaudit.domain.audit import Organisation, Site
from oekoaudit.domain.co2 import Balance, FactorOverride, FactorSet, co2_balance
from oekoaudit.domain.indicators import (
    GAS,
    GAS_KWH_PER_M3,
    GAS_KWH_PER_M3_RANGE,
    HAZARDOUS,
    NAME,
    QUANTITIES,
    ROUTE,
    WASTE_CODE,
    WASTE_ROUTE_LABELS,
    Basis,
    Category,
    CoreIndicatorTable,
    IndicatorValue,
    PlausibilityWarning,
    Quantity,
    ReferenceChoice,
    WasteRoute,
    check_value,
    core_indicators,
    detail_key,
    find_quantity,
    format_waste_code,
    normalize_gas,
    normalize_unit,
    plausibility,
    to_canonical,
)
from oekoaudit.errors import N_, AmbiguousError, NotFoundError, OekoauditError, UserInputError
from oekoaudit.i18n import _, get_language, pick
from oekoaudit.services import sheets
from oekoaudit.services.audits import MAX_NOTE, AuditService, _is_uuid, _StoreService
from oekoaudit.storage.repositories import Repository
from oekoaudit.storage.store import Store

#: Core indicator keys an organisation may leave out of its statement, with a justification.
OMITTABLE = ("energy_total", "energy_renewable_share", "materials_total", "water_total", "waste_total",
             "waste_hazardous", "land_total", "land_sealed", "land_nature_on_site", "land_nature_off_site",
             "ghg_total", "air_so2", "air_nox", "air_pm")


@dataclass(frozen=True, slots=True)
class IndicatorSettings:
    """An organisation's choices for its figures (kept in ``organisations.indicator_settings``)."""

    #: figure B of the EMAS core indicators, with why it represents the organisation's activity
    reference: ReferenceChoice = field(default_factory=ReferenceChoice)
    #: core indicators left out of the statement → the justification (EMAS Annex IV C)
    omitted: dict[str, str] = field(default_factory=dict)
    #: energy content of the gas as billed (Brennwert × Zustandszahl), kWh (Hs) per m³
    gas_kwh_per_m3: Decimal = GAS_KWH_PER_M3

    def to_json(self) -> dict[str, Any]:
        return {"figure_b": {"quantity": self.reference.quantity, "justification": self.reference.justification},
                "omitted": dict(self.omitted), "gas_kwh_per_m3": str(self.gas_kwh_per_m3)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IndicatorSettings:
        reference = ReferenceChoice()
        raw = data.get("figure_b")
        if isinstance(raw, Mapping):
            try:
                reference = ReferenceChoice(str(raw.get("quantity", "employees")), str(raw.get("justification", "")))
            except UserInputError:
                reference = ReferenceChoice(justification=str(raw.get("justification", "")))
        omitted = {str(k): str(v) for k, v in (data.get("omitted") or {}).items()} \
            if isinstance(data.get("omitted"), Mapping) else {}
        try:
            gas = Decimal(str(data.get("gas_kwh_per_m3", GAS_KWH_PER_M3)))
            if not gas.is_finite() or gas <= 0:
                gas = GAS_KWH_PER_M3
        except InvalidOperation:
            gas = GAS_KWH_PER_M3
        return cls(reference, omitted, gas)


@dataclass(frozen=True, slots=True)
class FactorChoice:
    """The emission factors a balance uses: the set, why that one, and the overrides."""

    factor_set: FactorSet
    #: the set named by the audit ("" = chosen by the audit's year)
    chosen: str
    overrides: dict[str, FactorOverride]
    audit_id: str | None = None


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import of figures did (nothing at all when it raised)."""

    path: Path
    organisation_id: str
    created: int
    updated: int
    unchanged: int
    years: tuple[int, ...]
    #: figures that look wrong (ten times last year's …), after the import
    warnings: tuple[PlausibilityWarning, ...] = ()

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True, slots=True)
class Overview:
    """Everything ``indicators show`` prints: figures, core indicators, balances, warnings."""

    organisation: Organisation
    sites: tuple[Site, ...]
    years: tuple[int, ...]
    values: tuple[IndicatorValue, ...]
    settings: IndicatorSettings
    core: CoreIndicatorTable
    balances: tuple[Balance, ...]
    factors: FactorChoice
    warnings: tuple[PlausibilityWarning, ...]


# ---- import columns -----------------------------------------------------------------------------

_ROLES: dict[str, tuple[str, ...]] = {
    "year": ("jahr", "year", "bezugsjahr", "berichtsjahr"),
    "site": ("standort", "site", "werk"),
    "quantity": ("groesse", "quantity", "kennzahl", "figure", "kenngroesse", "art", "kategorie_groesse"),
    "value": ("wert", "value", "menge", "amount", "verbrauch"),
    "unit": ("einheit", "unit"),
    "source": ("quelle", "source", "datenquelle", "beleg"),
    "waste_code": ("abfallschluessel", "waste_code", "avv", "avv_nr", "avv_schluessel", "ewc", "ewc_code",
                   "abfallschluesselnummer"),
    "hazardous": ("gefaehrlich", "hazardous", "gefaehrlicher_abfall"),
    "route": ("entsorgungsweg", "route", "disposal_route", "verwertungsweg", "entsorgung"),
    "name": ("bezeichnung", "name", "stoff", "material"),
    "gas": ("kaeltemittel", "gas", "refrigerant"),
}
_ENGLISH = {"year", "site", "quantity", "figure", "value", "amount", "unit", "source", "waste_code", "ewc",
            "ewc_code", "hazardous", "route", "disposal_route", "name", "gas", "refrigerant"}

#: Further names people give to figures in their spreadsheets (after keys and labels).
_QUANTITY_ALIASES = {
    "strom": "electricity_grid", "netzstrom": "electricity_grid", "electricity": "electricity_grid",
    "strombezug": "electricity_grid", "oekostromanteil": "electricity_green_share",
    "green share": "electricity_green_share", "pv": "electricity_own_generation",
    "photovoltaik": "electricity_own_generation", "eigenstrom": "electricity_own_generation",
    "gas": "natural_gas", "erdgas h": "natural_gas", "heizoel el": "heating_oil", "heizöl el": "heating_oil",
    "fluessiggas": "lpg", "pellets": "wood_pellets", "hackschnitzel": "wood_chips",
    "wasser": "water_mains", "water": "water_mains", "trinkwasser": "water_mains", "stadtwasser": "water_mains",
    "mitarbeiter": "employees", "mitarbeitende": "employees", "beschaeftigte": "employees",
    "abfaelle": "waste", "wastes": "waste", "materialien": "material", "rohstoffe": "material",
    "gefahrstoffe": "hazardous_substance", "kaeltemittel": "refrigerant", "refrigerants": "refrigerant",
}


def quantity_from_text(text: str) -> Quantity | None:
    """A quantity by key, German or English label, or a common name ("Strom", "Gas", "Wasser")."""
    found = find_quantity(text)
    if found is not None:
        return found
    wanted = " ".join(str(text or "").split()).lower()
    key = _QUANTITY_ALIASES.get(wanted) or _QUANTITY_ALIASES.get(tables.ascii_fold(wanted))
    return QUANTITIES.get(key) if key else None


_ROUTE_WORDS = {label.lower(): route.value for route, text in WASTE_ROUTE_LABELS.items()
                for label in (text.de, text.en)}


def _route_text(text: str) -> str:
    """The route's key for its label (parse_route knows keys and some German words)."""
    wanted = " ".join(str(text or "").split())
    return _ROUTE_WORDS.get(wanted.lower(), wanted)


class IndicatorService(_StoreService):
    def __init__(self, store: Store, audits: AuditService, factor_folders: tuple[Path, ...] | None = None) -> None:
        super().__init__(store)
        self._audits = audits
        self._factor_folders = factor_folders
        self._factor_sets: dict[str, FactorSet] | None = None
        self._lock = threading.Lock()

    # ---- organisations and sites -------------------------------------------------------------

    def _organisation(self, repo: Repository, ref: str) -> Organisation:
        wanted = " ".join((ref or "").split())
        found = repo.organisation(wanted) if _is_uuid(wanted.lower()) else None
        if found is None:
            matches = [o for o in repo.organisations() if o.name.casefold() == wanted.casefold() or o.id == wanted]
            if not matches and len(wanted) >= 4:
                matches = [o for o in repo.organisations() if o.id.startswith(wanted.lower())]
            if len(matches) > 1:
                raise AmbiguousError(N_("{ref} matches {count} organisations; give more of the id."), ref=ref,
                                     count=len(matches))
            found = matches[0] if matches else None
        if found is None:
            raise NotFoundError(N_("There is no organisation {id}."), id=ref)
        return found

    def organisation(self, ref: str) -> Organisation:
        """The organisation with this id, name or id prefix (at least 4 characters)."""
        with self._store.read() as s:
            return self._organisation(self._repo(s), ref)

    @staticmethod
    def _site(sites: list[Site], ref: str | None, organisation: Organisation) -> Site:
        if not sites:
            raise NotFoundError(N_("{organisation} has no site yet."), organisation=organisation.name)
        if ref is None or not ref.strip():
            return sites[0]
        wanted = " ".join(ref.split()).casefold()
        for site in sites:
            if site.id == ref.strip() or site.name.casefold() == wanted:
                return site
        raise NotFoundError(N_("There is no site {id} at {organisation}."), id=ref, organisation=organisation.name)

    # ---- settings -------------------------------------------------------------------------------

    def settings(self, organisation: str) -> IndicatorSettings:
        with self._store.read() as s:
            repo = self._repo(s)
            org = self._organisation(repo, organisation)
            return IndicatorSettings.from_json(repo.indicator_settings(org.id))

    def _update_settings(self, organisation: str, change: Any) -> IndicatorSettings:
        with self._store.write() as s:
            repo = self._repo(s)
            org = self._organisation(repo, organisation)
            current = IndicatorSettings.from_json(repo.indicator_settings(org.id))
            new = change(current)
            repo.set_indicator_settings(org.id, new.to_json())
            return new

    def set_reference(self, organisation: str, quantity: str, justification: str) -> IndicatorSettings:
        """Choose figure B (employees, output, turnover, floor area) and say why it fits."""
        justification = " ".join((justification or "").split())
        if len(justification) > MAX_NOTE:
            raise UserInputError(N_("The justification is too long."))
        found = quantity_from_text(quantity)
        choice = ReferenceChoice(found.key if found else quantity.strip(), justification)
        return self._update_settings(organisation, lambda cur: IndicatorSettings(choice, cur.omitted,
                                                                                 cur.gas_kwh_per_m3))

    def set_omitted(self, organisation: str, indicator: str, justification: str | None) -> IndicatorSettings:
        """Leave a core indicator out of the statement (with the reason), or show it again (None)."""
        if indicator not in OMITTABLE:
            raise UserInputError(N_("{key} is not a core indicator; use one of: {known}."), key=indicator,
                                 known=", ".join(OMITTABLE))
        reason = " ".join((justification or "").split())
        if justification is not None and not reason:
            raise UserInputError(N_("An indicator is left out only with a justification."))

        def change(cur: IndicatorSettings) -> IndicatorSettings:
            omitted = dict(cur.omitted)
            if justification is None:
                omitted.pop(indicator, None)
            else:
                omitted[indicator] = reason
            return IndicatorSettings(cur.reference, omitted, cur.gas_kwh_per_m3)

        return self._update_settings(organisation, change)

    def set_gas_conversion(self, organisation: str, kwh_per_m3: Decimal | str) -> IndicatorSettings:
        """The energy content of the organisation's gas as billed (Brennwert × Zustandszahl, kWh/m³)."""
        value = tables.parse_number(kwh_per_m3) if isinstance(kwh_per_m3, str) else Decimal(kwh_per_m3)
        low, high = GAS_KWH_PER_M3_RANGE
        if value is None or not value.is_finite() or not low <= value <= high:
            raise UserInputError(N_("{value} kWh/m³ is not a plausible energy content of natural gas "
                                    "(the gas bill states {low} to {high} kWh/m³)."), value=str(kwh_per_m3),
                                 low=int(low), high=int(high))
        return self._update_settings(organisation, lambda cur: IndicatorSettings(cur.reference, cur.omitted, value))

    # ---- emission factors ---------------------------------------------------------------------------

    def factor_sets(self) -> dict[str, FactorSet]:
        """The shipped emission factor sets by id (loaded once)."""
        with self._lock:
            if self._factor_sets is None:
                self._factor_sets = load_factor_sets(self._factor_folders)
            return self._factor_sets

    def _default_set(self, year: int | None) -> FactorSet:
        sets = self.factor_sets()
        if not sets:
            raise NotFoundError(N_("No emission factors are installed."))
        if year is not None:
            fitting = {k: v for k, v in sets.items() if v.edition <= year}
            if fitting:
                found = latest_factor_set(fitting)
                assert found is not None
                return found
            return min(sets.values(), key=lambda s: (s.edition, s.id))
        found = latest_factor_set(sets)
        assert found is not None
        return found

    def _choice(self, repo: Repository, audit_id: str | None) -> FactorChoice:
        if audit_id is None:
            return FactorChoice(self._default_set(None), "", {})
        chosen, raw = repo.audit_factors(audit_id)
        found = repo.audit(audit_id)
        year = None
        if found is not None:
            audit = found[0]
            year = (audit.start_date or audit.created_at.date()).year
        sets = self.factor_sets()
        factor_set = sets.get(chosen) if chosen else None
        if factor_set is None:
            factor_set = self._default_set(year)
        return FactorChoice(factor_set, chosen if chosen in sets else "", _overrides_from_json(raw), audit_id)

    def factors_for(self, organisation_id: str, audit_id: str | None = None) -> FactorChoice:
        """The factors of the audit, or (without one) of the organisation's newest audit."""
        with self._store.read() as s:
            repo = self._repo(s)
            return self._choice(repo, audit_id or self._newest_audit(repo, organisation_id))

    def factors(self, audit_ref: str) -> FactorChoice:
        """The emission factors of the audit's CO2 balance."""
        audit_id = self._audits.resolve(audit_ref)
        with self._store.read() as s:
            repo = self._repo(s)
            if repo.audit(audit_id) is None:
                raise NotFoundError(N_("There is no audit {ref}."), ref=audit_ref)
            return self._choice(repo, audit_id)

    def set_factors(self, audit_ref: str, factor_set: str = "",
                    overrides: Mapping[str, FactorOverride] | Iterable[FactorOverride] | None = None) -> FactorChoice:
        """Choose the audit's factor set ("" = by the audit's year) and its own factors (each with a
        source). A closed audit keeps the factors it was signed with."""
        audit_id = self._audits.resolve(audit_ref)
        sets = self.factor_sets()
        factor_set = (factor_set or "").strip()
        if factor_set and factor_set not in sets:
            raise NotFoundError(N_("There are no emission factors {id}; known: {known}."), id=factor_set,
                                known=", ".join(sorted(sets)))
        own = list(overrides.values()) if isinstance(overrides, Mapping) else list(overrides or ())
        stored: dict[str, Any] = {}
        for override in own:
            key = override.key if override.key in QUANTITIES else normalize_gas(override.key)
            if key in QUANTITIES and (QUANTITIES[key].category is not Category.ENERGY or QUANTITIES[key].is_share):
                raise UserInputError(N_("{key} has no emission factor; give an energy carrier or a refrigerant."),
                                     key=override.key)
            stored[key] = {"value": str(override.value), "source": " ".join(override.source.split()),
                           "year": override.year, "basis": override.basis.value if override.basis else None}
        with self._store.write() as s:
            repo = self._repo(s)
            self._audits._writable(repo, audit_id)
            repo.update_audit(audit_id, factor_set=factor_set, factor_overrides=stored)
            return self._choice(repo, audit_id)

    # ---- figures ------------------------------------------------------------------------------------

    def values(self, organisation: str, year: int | None = None) -> list[IndicatorValue]:
        """The organisation's figures (of one year), by year, site, quantity and detail."""
        with self._store.read() as s:
            repo = self._repo(s)
            org = self._organisation(repo, organisation)
            return repo.indicator_values([site.id for site in repo.sites(org.id)], year)

    def years(self, organisation: str) -> list[int]:
        return sorted({v.year for v in self.values(organisation)})

    def get(self, value_ref: str) -> IndicatorValue:
        value_id = self._resolve(value_ref)
        with self._store.read() as s:
            found = self._repo(s).indicator_value(value_id)
        if found is None:
            raise NotFoundError(N_("There is no figure {ref}."), ref=value_ref)
        return found

    def _resolve(self, value_ref: str) -> str:
        ref = value_ref.strip().lower()
        if _is_uuid(ref):
            return ref
        if len(ref) < 4:
            raise UserInputError(N_("A figure id needs at least 4 characters: {ref}"), ref=value_ref)
        with self._store.read() as s:
            ids = self._repo(s).indicator_value_ids(ref)
        if not ids:
            raise NotFoundError(N_("There is no figure {ref}."), ref=value_ref)
        if len(ids) > 1:
            raise AmbiguousError(N_("{ref} matches {count} figures; give more of the id."), ref=value_ref,
                                 count=len(ids))
        return ids[0]

    def set_value(self, organisation: str, year: int, quantity: str, value: Decimal | int | str, unit: str,
                  *, site: str | None = None, source: str = "", details: Mapping[str, Any] | None = None,
                  today: date | None = None) -> IndicatorValue:
        """Record a figure; the same figure (site, year, quantity, detail) entered again replaces it.

        Refused (``UserInputError``): an unknown quantity or unit, a negative value, a year in the
        future, a share above 100 %, a waste without a valid code or route, a material without a name.
        """
        q = quantity_from_text(quantity)
        if q is None:
            raise UserInputError(N_("{quantity} is not a known figure."), quantity=quantity)
        number = value if isinstance(value, Decimal) else tables.parse_number(value)
        if number is None:
            raise UserInputError(N_("{value} is not a number."), value=str(value))
        spelled = normalize_unit(unit) if unit else (q.units[0] if len(q.units) == 1 else "")
        if len(source) > MAX_NOTE:
            raise UserInputError(N_("The source is too long."))
        try:
            cleaned = check_value(q.key, number, spelled, int(year), details or {},
                                  current_year=(today or date.today()).year)
        except UserInputError as exc:
            raise _labelled(exc, q) from None
        with self._store.write() as s:
            repo = self._repo(s)
            org = self._organisation(repo, organisation)
            target = self._site(repo.sites(org.id), site, org)
            return _store_value(repo, target.id, int(year), q.key, number, spelled, source.strip(), cleaned)

    def delete_value(self, value_ref: str) -> IndicatorValue:
        """Remove a figure (a tombstone: the removal travels and can be undone with restore_value)."""
        return self._set_deleted(value_ref, True)

    def restore_value(self, value_ref: str) -> IndicatorValue:
        return self._set_deleted(value_ref, False)

    def _set_deleted(self, value_ref: str, deleted: bool) -> IndicatorValue:
        value_id = value_ref.strip().lower() if not deleted else self._resolve(value_ref)
        with self._store.write() as s:
            repo = self._repo(s)
            current = repo.indicator_value(value_id, include_deleted=True)
            if current is None:
                raise NotFoundError(N_("There is no figure {ref}."), ref=value_ref)
            if not deleted:
                key = detail_key(current.quantity, current.details)
                other = repo.find_indicator_value(current.site_id, current.year, current.quantity, key)
                if other is not None and other != value_id:
                    raise UserInputError(N_("The figure cannot come back: the same figure has been entered "
                                            "again since."))
            repo.set_indicator_value_deleted(value_id, deleted)
            return current

    # ---- computations ---------------------------------------------------------------------------------

    def plausibility(self, organisation: str, year: int) -> list[PlausibilityWarning]:
        """Figures of ``year`` that are ten times last year's or a tenth of it."""
        settings = self.settings(organisation)
        return plausibility(self.values(organisation), year, gas_kwh_per_m3=settings.gas_kwh_per_m3)

    def co2_balance(self, organisation: str, year: int, audit_ref: str | None = None) -> Balance:
        """The CO2e balance of ``year`` over all sites, with the factors of the audit (or see the module)."""
        audit_id = self._audits.resolve(audit_ref) if audit_ref else None
        with self._store.read() as s:
            repo = self._repo(s)
            org = self._organisation(repo, organisation)
            values = repo.indicator_values([site.id for site in repo.sites(org.id)])
            settings = IndicatorSettings.from_json(repo.indicator_settings(org.id))
            choice = self._choice(repo, audit_id if audit_id else self._newest_audit(repo, org.id))
        return co2_balance(values, year, choice.factor_set, choice.overrides, gas_kwh_per_m3=settings.gas_kwh_per_m3)

    def core_indicators(self, organisation: str, years: Iterable[int] | None = None,
                        audit_ref: str | None = None) -> CoreIndicatorTable:
        """EMAS core indicators A, B and R for ``years`` (default: every year with figures), with the
        GHG emissions of the CO2 balance of each year."""
        return self.overview(organisation, years, audit_ref).core

    @staticmethod
    def _newest_audit(repo: Repository, organisation_id: str) -> str | None:
        audits = [a for a, _fp in repo.audits() if a.organisation_id == organisation_id]
        if not audits:
            return None
        newest = max(audits, key=lambda a: (a.start_date or a.created_at.date(), a.created_at))
        return newest.id

    def overview(self, organisation: str, years: Iterable[int] | None = None,
                 audit_ref: str | None = None) -> Overview:
        """The figures with everything computed from them, read in one go."""
        audit_id = self._audits.resolve(audit_ref) if audit_ref else None
        with self._store.read() as s:
            repo = self._repo(s)
            org = self._organisation(repo, organisation)
            sites = repo.sites(org.id)
            values = repo.indicator_values([site.id for site in sites])
            settings = IndicatorSettings.from_json(repo.indicator_settings(org.id))
            choice = self._choice(repo, audit_id if audit_id else self._newest_audit(repo, org.id))
        all_years = sorted({v.year for v in values})
        wanted = sorted(set(years)) if years is not None else all_years
        gas = settings.gas_kwh_per_m3
        balances = tuple(co2_balance(values, y, choice.factor_set, choice.overrides, gas_kwh_per_m3=gas)
                         for y in wanted if any(v.year == y for v in values))
        ghg = {b.year: b.total for b in balances if b.lines}
        core = core_indicators(values, wanted, settings.reference, ghg_t=ghg, gas_kwh_per_m3=gas)
        warnings = tuple(w for y in wanted for w in plausibility(values, y, gas_kwh_per_m3=gas))
        shown = tuple(v for v in values if v.year in set(wanted))
        return Overview(org, tuple(sites), tuple(wanted), shown, settings, core, balances, choice, warnings)

    # ---- spreadsheets ---------------------------------------------------------------------------------

    def import_file(self, path: Path | str, organisation: str, *, today: date | None = None) -> ImportResult:
        """Import figures from a CSV file or workbook (columns: see the module of the CLI docs).

        Every problem is reported with its row and column (:class:`~oekoaudit.errors.TableImportError`)
        and then nothing is imported: the file lands in one transaction or not at all.
        """
        path = Path(path)
        current_year = (today or date.today()).year
        org = self.organisation(organisation)
        sites = self._sites(org)
        sheet = sheets.read_sheet(path, _ROLES, ("year", "quantity", "value"), _ENGLISH)
        numbers = sheets.Numbers(sheet, ("value",))
        rows: list[tuple[int, str, int, str, Decimal, str, str, dict[str, Any]]] = []
        seen: dict[tuple[str, int, str, str], int] = {}
        for row, cells in sheet.rows:
            parsed = self._parse_row(sheet, numbers, row, cells, sites, org, current_year)
            if parsed is None:
                continue
            site_id, year, q, value, unit, source, details = parsed
            identity = (site_id, year, q.key, detail_key(q.key, details))
            if identity in seen:
                sheet.problem(row, "quantity", N_("the same figure is already given in row {other}."),
                              other=seen[identity])
                continue
            seen[identity] = row
            rows.append((row, site_id, year, q.key, value, unit, source, details))
        sheet.raise_problems()
        if not rows:
            raise UserInputError(N_("The file {file} has no figures below its header row."), file=str(path))
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        with self._store.write() as s:
            repo = self._repo(s)
            for _row, site_id, year, key, value, unit, source, details in rows:
                counts[_store_value(repo, site_id, year, key, value, unit, source, details, count=True)] += 1
        years = tuple(sorted({r[2] for r in rows}))
        settings = self.settings(org.id)
        values = self.values(org.id)
        warnings = tuple(w for y in years for w in plausibility(values, y, gas_kwh_per_m3=settings.gas_kwh_per_m3))
        return ImportResult(path, org.id, counts["created"], counts["updated"], counts["unchanged"], years, warnings)

    def _sites(self, org: Organisation) -> list[Site]:
        with self._store.read() as s:
            return self._repo(s).sites(org.id)

    def _parse_row(self, sheet: sheets.Sheet, numbers: sheets.Numbers, row: int, cells: list[Any],
                   sites: list[Site], org: Organisation, current_year: int
                   ) -> tuple[str, int, Quantity, Decimal, str, str, dict[str, Any]] | None:
        before = len(sheet.problems)
        year = _year(sheet, numbers, row, cells)
        site_text = sheet.text(cells, "site")
        site: Site | None = None
        try:
            site = self._site(sites, site_text or None, org)
        except OekoauditError:
            sheet.problem(row, "site", N_("{organisation} has no site {site}; known: {known}."),
                          organisation=org.name, site=site_text, known=", ".join(s.name for s in sites) or "-")
        quantity_text = sheet.text(cells, "quantity")
        q = quantity_from_text(quantity_text) if quantity_text else None
        if not quantity_text:
            sheet.problem(row, "quantity", N_("the cell is empty; name the figure, e.g. Erdgas or natural_gas."))
        elif q is None:
            sheet.problem(row, "quantity", N_("{value} is not a known figure; use a key such as natural_gas or a "
                                              "name such as Erdgas (see docs/cli.md)."),
                          value=tables.shown(quantity_text))
        value = numbers.read(row, cells, "value", required=True)
        unit_text = sheet.text(cells, "unit")
        unit = normalize_unit(unit_text) if unit_text else ""
        if q is not None and not unit:
            if len(q.units) == 1:
                unit = q.units[0]
            elif q.free_unit:
                sheet.problem(row, "unit" if sheet.has("unit") else "value",
                              N_("the unit is missing; say in what {quantity} is counted (t, pieces …)."),
                              quantity=pick(q.label))
            else:
                sheet.problem(row, "unit" if sheet.has("unit") else "value",
                              N_("the unit is missing; {quantity} is given in {units}."),
                              quantity=pick(q.label), units=", ".join(q.units))
        details: dict[str, Any] = {}
        if q is not None and q.details:
            if WASTE_CODE in q.details:
                details[WASTE_CODE] = sheet.text(cells, "waste_code")
                flag = sheets.read_flag(sheet, row, cells, "hazardous") if sheet.has("hazardous") else None
                if flag is not None and details[WASTE_CODE]:
                    details[HAZARDOUS] = flag
                details[ROUTE] = _route_text(sheet.text(cells, "route"))
                if sheet.text(cells, "name"):
                    details[NAME] = sheet.text(cells, "name")
            if NAME in q.details:
                details[NAME] = sheet.text(cells, "name")
            if GAS in q.details:
                details[GAS] = sheet.text(cells, "gas") or sheet.text(cells, "name")
        if len(sheet.problems) > before or q is None or value is None or year is None or site is None:
            return None
        try:
            cleaned = check_value(q.key, value, unit, year, details, current_year=current_year)
        except OekoauditError as exc:
            sheet.error(row, _column_of(exc, sheet), _labelled(exc, q))
            return None
        source = sheet.text(cells, "source")
        if len(source) > MAX_NOTE:
            sheet.problem(row, "source", N_("the text is too long."))
            return None
        return site.id, year, q, value, unit, source, cleaned

    def export_file(self, organisation: str, path: Path | str, years: Iterable[int] | None = None) -> int:
        """Write the organisation's figures to a CSV file or workbook (by the suffix) that
        :meth:`import_file` reads back to the same figures; returns how many rows were written."""
        path = Path(path)
        org = self.organisation(organisation)
        sites = {site.id: site for site in self._sites(org)}
        wanted = set(years) if years is not None else None
        values = [v for v in self.values(org.id) if wanted is None or v.year in wanted]
        english = get_language() == "en"
        # the column names are fixed (not translated), so that every copy of oekoaudit reads the file
        header = (["Year", "Site", "Quantity", "Value", "Unit", "Source", "Waste code", "Hazardous", "Disposal route",
                   "Name"] if english else
                  ["Jahr", "Standort", "Größe", "Wert", "Einheit", "Quelle", "Abfallschlüssel", "gefährlich",
                   "Entsorgungsweg", "Bezeichnung"])
        rows = []
        for v in values:
            q = QUANTITIES.get(v.quantity)
            label = (q.label.en if english else q.label.de) if q else v.quantity
            code, hazardous, route, name = "", "", "", ""
            if v.details.get(WASTE_CODE):
                flag = bool(v.details.get(HAZARDOUS))
                code = format_waste_code(str(v.details[WASTE_CODE]), flag)
                hazardous = ("yes" if flag else "no") if english else ("ja" if flag else "nein")
                try:
                    route_key = WasteRoute(str(v.details.get(ROUTE, "")))
                    route = route_key.value if english else WASTE_ROUTE_LABELS[route_key].de
                except ValueError:
                    route = str(v.details.get(ROUTE, ""))
            name = str(v.details.get(NAME) or v.details.get(GAS) or "")
            site = sites.get(v.site_id)
            rows.append([v.year, site.name if site else v.site_id, label, v.value, v.unit, v.source, code,
                         hazardous, route, name])
        sheets.write_table(path, header, rows, _("Figures"))
        return len(rows)


# ---- helpers ---------------------------------------------------------------------------------------


def _store_value(repo: Repository, site_id: str, year: int, key: str, value: Decimal, unit: str, source: str,
                 details: dict[str, Any], *, count: bool = False) -> Any:
    """Add the figure, or change the one already recorded for the same site, year, quantity and detail."""
    identity = detail_key(key, details)
    existing = repo.find_indicator_value(site_id, year, key, identity)
    if existing is None:
        stored = repo.add_indicator_value(site_id, year, key, value, unit, source, details, identity)
        return "created" if count else stored
    current = repo.indicator_value(existing)
    assert current is not None
    # 2500 and 2500.00 are the same number: the value keeps the text it was stored with
    value = current.value if current.value == value else value
    changed = repo.update_indicator_value(existing, value=value, unit=unit, source=source, details=details)
    if count:
        return "updated" if changed else "unchanged"
    updated = repo.indicator_value(existing)
    assert updated is not None
    return updated


def _year(sheet: sheets.Sheet, numbers: sheets.Numbers, row: int, cells: list[Any]) -> int | None:
    raw = sheet.raw(cells, "year")
    text = tables.cell_text(raw).strip()
    if not text:
        sheet.problem(row, "year", N_("the cell is empty; a year is needed, e.g. 2025."))
        return None
    number = tables.parse_number(raw, "en")  # "2025" or 2025.0 — never a thousands separator
    if number is None or number != number.to_integral_value() or not 1000 <= number <= 9999:
        sheet.problem(row, "year", N_("{value} is not a year."), value=tables.shown(text))
        return None
    return int(number)


def _column_of(exc: OekoauditError, sheet: sheets.Sheet) -> str:
    """The column a refusal of ``check_value`` is about: its ``field``, where the sheet has such a
    column (a unit written into the value cell, a gas named in the name column), else the value."""
    field_name = str(exc.params.get("field") or "value")
    if field_name == "gas" and not sheet.has("gas"):
        return "name"
    if field_name in ("year", "value") or sheet.has(field_name):
        return field_name
    return "value"


def _labelled(exc: OekoauditError, q: Quantity) -> OekoauditError:
    """The refusal with the figure's name in the user's language instead of its key."""
    if exc.params.get("quantity") == q.key:
        return type(exc)(exc.template, **{**exc.params, "quantity": pick(q.label)})
    return exc


def _overrides_from_json(raw: Mapping[str, Any]) -> dict[str, FactorOverride]:
    overrides: dict[str, FactorOverride] = {}
    for key, data in (raw or {}).items():
        if not isinstance(data, Mapping):
            continue
        try:
            basis = Basis(data["basis"]) if data.get("basis") else None
            overrides[str(key)] = FactorOverride(str(key), Decimal(str(data.get("value"))), str(data.get("source", "")),
                                                 int(data["year"]) if data.get("year") else None, basis)
        except (InvalidOperation, ValueError, TypeError, UserInputError):
            continue  # a damaged entry (hand-edited database): the set's factor is used
    return overrides


def canonical(value: IndicatorValue, settings: IndicatorSettings) -> Decimal | None:
    """The value in its quantity's canonical unit (None for a quantity this version does not know)."""
    if value.quantity not in QUANTITIES:
        return None
    try:
        return to_canonical(value.quantity, value.value, value.unit, gas_kwh_per_m3=settings.gas_kwh_per_m3)
    except UserInputError:
        return None
