"""The environmental programme: measures with owner, dates, costs, savings and payback; totals by
area, year and status; import and export as spreadsheets; links to findings and evidence.

A measure belongs to an organisation and usually to the audit it was planned in. Open measures
(planned, in progress) carry over to the organisation's next audit as *continuing copies*
(``carried_from_measure_id``; see :func:`oekoaudit.services.reuse.carry_over`): the earlier
audit keeps its programme as it was signed, the new audit follows the measure up. A measure
continued by a later one is *superseded*: the organisation's programme lists only the newest
copy (so nothing is counted twice), and it cannot be changed any more — its follow-up happens
in the later audit. Measures of a closed audit stay editable otherwise: the programme is
followed up after the report, like a finding's corrective action.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from oekoaudit.catalogue import tables
from oekoaudit.catalogue.areas import load_area_sets
from oekoaudit.domain.audit import Audit, Organisation, Site
from oekoaudit.domain.co2 import FactorOverride, FactorSet
from oekoaudit.domain.indicators import ENERGY_CARRIERS, QUANTITIES
from oekoaudit.domain.programme import (
    PRIORITIES,
    AreaSet,
    Co2Saving,
    Measure,
    MeasureStatus,
    MeasureTotals,
    check_measure,
    derived_co2,
    payback,
    totals,
)
from oekoaudit.errors import N_, AmbiguousError, NotFoundError, OekoauditError, UserInputError
from oekoaudit.i18n import _, get_language, pick
from oekoaudit.services import sheets
from oekoaudit.services.audits import MAX_NAME, MAX_NOTE, AuditService, _date, _is_uuid, _StoreService
from oekoaudit.services.indicators import IndicatorService
from oekoaudit.storage.repositories import Repository
from oekoaudit.storage.store import Store

STATUS_LABELS: dict[MeasureStatus, str] = {
    MeasureStatus.PLANNED: N_("planned"),
    MeasureStatus.IN_PROGRESS: N_("in progress"),
    MeasureStatus.DONE: N_("implemented"),
    MeasureStatus.DROPPED: N_("dropped"),
}

#: Spellings of a status in spreadsheets and on the command line (German and English).
_STATUS_WORDS: dict[str, MeasureStatus] = {
    "planned": MeasureStatus.PLANNED, "geplant": MeasureStatus.PLANNED, "offen": MeasureStatus.PLANNED,
    "open": MeasureStatus.PLANNED, "in_progress": MeasureStatus.IN_PROGRESS,
    "in progress": MeasureStatus.IN_PROGRESS, "in umsetzung": MeasureStatus.IN_PROGRESS,
    "in arbeit": MeasureStatus.IN_PROGRESS, "in bearbeitung": MeasureStatus.IN_PROGRESS,
    "in vorbereitung": MeasureStatus.IN_PROGRESS, "laufend": MeasureStatus.IN_PROGRESS,
    "done": MeasureStatus.DONE, "implemented": MeasureStatus.DONE, "umgesetzt": MeasureStatus.DONE,
    "erledigt": MeasureStatus.DONE, "abgeschlossen": MeasureStatus.DONE, "verstetigt": MeasureStatus.DONE,
    "dropped": MeasureStatus.DROPPED, "verworfen": MeasureStatus.DROPPED, "zurückgestellt": MeasureStatus.DROPPED,
    "zurueckgestellt": MeasureStatus.DROPPED, "gestrichen": MeasureStatus.DROPPED,
}
_PRIORITY_WORDS = {"hoch": 1, "high": 1, "mittel": 2, "medium": 2, "niedrig": 3, "low": 3, "gering": 3}

#: The fields :meth:`MeasureService.create` and :meth:`MeasureService.update` take.
MEASURE_FIELDS = frozenset({
    "title", "description", "area", "owner", "start_date", "due_date", "completed_on", "status", "priority",
    "investment_eur", "savings_eur_once", "savings_eur_per_year", "savings_kwh_per_year", "energy_carrier",
    "savings_m3_per_year", "savings_t_per_year", "savings_t_co2_per_year", "finding_ids", "site_id", "audit_id",
})
_MONEY_AND_SAVINGS = ("investment_eur", "savings_eur_once", "savings_eur_per_year", "savings_kwh_per_year",
                      "savings_m3_per_year", "savings_t_per_year", "savings_t_co2_per_year")
_FIELD_LABELS = {
    "title": N_("title"), "description": N_("description"), "area": N_("area"), "owner": N_("owner"),
    "investment_eur": N_("investment"), "savings_eur_once": N_("one-off savings"),
    "savings_eur_per_year": N_("savings in € per year"), "savings_kwh_per_year": N_("savings in kWh per year"),
    "savings_m3_per_year": N_("savings in m³ per year"), "savings_t_per_year": N_("savings in t per year"),
    "savings_t_co2_per_year": N_("savings in t CO2 per year"), "priority": N_("priority"),
    "energy_carrier": N_("energy carrier"), "due_date": N_("due date"), "completed_on": N_("completion date"),
}


def status_label(status: MeasureStatus) -> str:
    return _(STATUS_LABELS[status])


def parse_status(value: MeasureStatus | str) -> MeasureStatus:
    if isinstance(value, MeasureStatus):
        return value
    wanted = " ".join(str(value or "").split()).lower()
    found = _STATUS_WORDS.get(wanted) or _STATUS_WORDS.get(wanted.replace("-", "_"))
    if found is None:
        for status, label in STATUS_LABELS.items():
            if wanted in (label, _(label).lower()):
                found = status
    if found is None:
        raise UserInputError(N_("Unknown status {value}; use one of: {known}."), value=value,
                             known=", ".join(m.value for m in MeasureStatus))
    return found


def parse_priority(value: Any) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    number = _PRIORITY_WORDS.get(text)
    if number is None:
        parsed = tables.parse_number(value, "en")
        number = int(parsed) if parsed is not None and parsed == parsed.to_integral_value() else None
    if number not in PRIORITIES:
        raise UserInputError(N_("The priority must be 1 (high), 2 (medium) or 3 (low), not {value}."), value=value)
    return number


def parse_carrier(value: Any) -> str:
    """An energy carrier's key from its key or its German or English name ("" for none)."""
    text = " ".join(str(value or "").split())
    if not text:
        return ""
    lowered = text.lower()
    for key in ENERGY_CARRIERS:
        q = QUANTITIES[key]
        if lowered in (key, q.label.de.lower(), q.label.en.lower()):
            return key
    aliases = {"strom": "electricity_grid", "electricity": "electricity_grid", "gas": "natural_gas",
               "erdgas": "natural_gas", "heizöl": "heating_oil", "öl": "heating_oil", "oil": "heating_oil",
               "fernwärme": "district_heating", "wärme": "district_heating"}
    if lowered in aliases:
        return aliases[lowered]
    raise UserInputError(N_("{value} is not an energy carrier; use one of: {choices}."), value=text,
                         choices=", ".join(ENERGY_CARRIERS))


def _amount(value: Any, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    number = value if isinstance(value, Decimal) else tables.parse_number(value)
    if number is None or not number.is_finite():
        raise UserInputError(N_("{value} is not a number ({what})."), value=value, what=what)
    return number


@dataclass(frozen=True, slots=True)
class MeasureView:
    """A measure with what is computed from it (for lists, JSON and the report)."""

    measure: Measure
    payback_years: Decimal | None
    co2: Co2Saving
    evidence_ids: tuple[str, ...] = ()
    #: continued by a measure of a later audit (listed there)
    superseded: bool = False


@dataclass(frozen=True, slots=True)
class Programme:
    """The measures of an audit or of an organisation, with their totals."""

    organisation: Organisation
    audit: Audit | None
    measures: tuple[MeasureView, ...]
    #: the factors CO2 savings not given are derived with
    factor_set: FactorSet | None
    total: MeasureTotals
    by_area: dict[str, MeasureTotals] = field(default_factory=dict)
    by_year: dict[int | None, MeasureTotals] = field(default_factory=dict)
    by_status: dict[str, MeasureTotals] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MeasureImport:
    """What an import of measures did (nothing at all when it raised)."""

    path: Path
    organisation_id: str
    audit_id: str | None
    created: int
    updated: int
    unchanged: int
    measure_ids: tuple[str, ...] = ()


_EMPTY_TOTALS = MeasureTotals(0, *(Decimal(0),) * 7)
_STATUS_ORDER = {status.value: index for index, status in enumerate(MeasureStatus)}


class MeasureService(_StoreService):
    def __init__(self, store: Store, audits: AuditService | None = None, indicators: IndicatorService | None = None,
                 area_folders: tuple[Path, ...] | None = None) -> None:
        super().__init__(store)
        self.audits = audits
        #: the emission factors CO2 savings that are not given are derived with
        self.indicators = indicators
        self._area_folders = area_folders
        self._area_sets: dict[str, AreaSet] | None = None

    # ---- look-ups -------------------------------------------------------------------------------

    def area_sets(self) -> dict[str, AreaSet]:
        """The shipped area sets (ÖKOPROFIT areas, municipal action fields) by id."""
        if self._area_sets is None:
            self._area_sets = load_area_sets(self._area_folders)
        return self._area_sets

    def area_label(self, key: str) -> str:
        """The area's name in the user's language (free text as it is)."""
        for area_set in self.area_sets().values():
            area = area_set.area(key)
            if area is not None:
                return pick(area.label)
        return key

    def _area_key(self, text: str) -> str:
        """An area's key from its key or label in any area set; other text is kept as it is."""
        wanted = " ".join((text or "").split())
        lowered = wanted.lower()
        for area_set in self.area_sets().values():
            for area in area_set.areas:
                if lowered in (area.key, area.label.de.lower(), area.label.en.lower()):
                    return area.key
        return wanted

    def resolve(self, measure_ref: str) -> str:
        """The full id of a measure given its id or a unique prefix of at least 4 characters."""
        ref = measure_ref.strip().lower()
        if _is_uuid(ref):
            return ref
        if len(ref) < 4:
            raise UserInputError(N_("A measure id needs at least 4 characters: {ref}"), ref=measure_ref)
        with self._store.read() as s:
            ids = self._repo(s).measure_ids(ref)
        if not ids:
            raise NotFoundError(N_("There is no measure {ref}."), ref=measure_ref)
        if len(ids) > 1:
            raise AmbiguousError(N_("{ref} matches {count} measures; give more of the id."), ref=measure_ref,
                                 count=len(ids))
        return ids[0]

    def get(self, measure_ref: str) -> Measure:
        measure_id = self.resolve(measure_ref)
        with self._store.read() as s:
            found = self._repo(s).measure(measure_id)
        if found is None:
            raise NotFoundError(N_("There is no measure {ref}."), ref=measure_ref)
        return found

    def list(self, organisation_id: str | None = None, audit_id: str | None = None, *,
             include_superseded: bool | None = None) -> list[Measure]:
        """Measures of an organisation and/or an audit, in the order they were entered.

        An audit's list is its programme as recorded (measures carried on to a later audit
        included); an organisation's list leaves those out unless ``include_superseded``.
        """
        with self._store.read() as s:
            repo = self._repo(s)
            measures = repo.measures(organisation_id, audit_id)
            keep_all = include_superseded if include_superseded is not None else audit_id is not None
            if not keep_all:
                superseded = repo.superseded_measure_ids(organisation_id)
                measures = [m for m in measures if m.id not in superseded]
            return measures

    def superseded_ids(self, organisation_id: str | None = None) -> set[str]:
        with self._store.read() as s:
            return self._repo(s).superseded_measure_ids(organisation_id)

    # ---- changes --------------------------------------------------------------------------------

    def create(self, organisation_id: str, title: str, description: str = "", audit_id: str | None = None,
               area: str = "", owner: str = "", due_date: date | None = None,
               status: MeasureStatus | str = MeasureStatus.PLANNED, **fields: Any) -> Measure:
        """A new measure; ``fields`` are further fields of :data:`MEASURE_FIELDS` (investment_eur,
        savings_kwh_per_year, energy_carrier, priority, finding_ids, start_date, …). A measure
        created as done without a completion date is completed today."""
        unknown = set(fields) - MEASURE_FIELDS
        if unknown:
            raise TypeError(f"unknown measure fields: {sorted(unknown)}")
        given = {"title": title, "description": description, "area": area, "owner": owner, "due_date": due_date,
                 "status": status, **fields}
        values = self._values(given)
        if values["status"] == MeasureStatus.DONE.value and "completed_on" not in fields:
            values["completed_on"] = date.today()
        with self._store.write() as s:
            repo = self._repo(s)
            if repo.organisation(organisation_id) is None:
                raise NotFoundError(N_("There is no organisation {id}."), id=organisation_id)
            if audit_id is not None:
                values["audit_id"] = self._audit_of(repo, audit_id, organisation_id)
            self._check_links(repo, organisation_id, values)
            draft = _draft(Measure(id="", organisation_id=organisation_id, title=values["title"]), values)
            check_measure(draft)
            return repo.add_measure(organisation_id, **values)

    def update(self, measure_ref: str, **fields: Any) -> Measure:
        """Change fields of a measure (only those given). Setting the status to done fills in the
        completion date (today) unless one is given or already there."""
        unknown = set(fields) - MEASURE_FIELDS
        if unknown:
            raise TypeError(f"unknown measure fields: {sorted(unknown)}")
        measure_id = self.resolve(measure_ref)
        values = self._values(fields)
        with self._store.write() as s:
            repo = self._repo(s)
            current = repo.measure(measure_id)
            if current is None:
                raise NotFoundError(N_("There is no measure {ref}."), ref=measure_ref)
            self._check_not_superseded(repo, current)
            if values.get("status") == MeasureStatus.DONE.value and "completed_on" not in fields \
                    and current.completed_on is None:
                values["completed_on"] = date.today()
            if "audit_id" in values and values["audit_id"] is not None:
                values["audit_id"] = self._audit_of(repo, values["audit_id"], current.organisation_id)
            self._check_links(repo, current.organisation_id, values)
            check_measure(_draft(current, values))
            repo.update_measure(measure_id, **values)
            updated = repo.measure(measure_id)
        assert updated is not None
        return updated

    def delete(self, measure_ref: str) -> Measure:
        """Remove a measure (a tombstone: the removal travels and can be undone with :meth:`restore`)."""
        measure_id = self.resolve(measure_ref)
        with self._store.write() as s:
            repo = self._repo(s)
            current = repo.measure(measure_id)
            if current is None:
                raise NotFoundError(N_("There is no measure {ref}."), ref=measure_ref)
            self._check_not_superseded(repo, current)
            repo.set_measure_deleted(measure_id, True)
            return current

    def restore(self, measure_id: str) -> Measure:
        with self._store.write() as s:
            repo = self._repo(s)
            current = repo.measure(measure_id.strip().lower(), include_deleted=True)
            if current is None:
                raise NotFoundError(N_("There is no measure {ref}."), ref=measure_id)
            repo.set_measure_deleted(current.id, False)
            return current

    def link_finding(self, measure_ref: str, finding_id: str, linked: bool = True) -> Measure:
        """Record that the measure answers a finding (or no longer does)."""
        current = self.get(measure_ref)
        ids = [f for f in current.finding_ids if f != finding_id]
        if linked:
            ids.append(finding_id)
        return self.update(current.id, finding_ids=ids)

    # ---- checks ---------------------------------------------------------------------------------

    def _values(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Fields checked one by one and normalised (enums as values, dates as dates, Decimals)."""
        values: dict[str, Any] = {}
        for key, value in fields.items():
            if key == "title":
                title = " ".join(str(value or "").split())
                if not title:
                    raise UserInputError(N_("A measure needs a title."))
                if len(title) > 300:
                    raise UserInputError(N_("The measure's text is too long."))
                values[key] = title
            elif key == "description":
                text = str(value or "").strip()
                if len(text) > MAX_NOTE:
                    raise UserInputError(N_("The measure's text is too long."))
                values[key] = text
            elif key == "area":
                values[key] = self._area_key(str(value or ""))[:100]
            elif key == "owner":
                values[key] = " ".join(str(value or "").split())[:MAX_NAME]
            elif key in ("start_date", "due_date", "completed_on"):
                values[key] = _date(value)
            elif key == "status":
                values[key] = parse_status(value).value
            elif key == "priority":
                values[key] = parse_priority(value)
            elif key in _MONEY_AND_SAVINGS:
                values[key] = _amount(value, _(_FIELD_LABELS[key]))
            elif key == "energy_carrier":
                values[key] = parse_carrier(value)
            elif key == "finding_ids":
                values[key] = [str(f).strip().lower() for f in (value or ()) if str(f).strip()]
            elif key in ("site_id", "audit_id"):
                values[key] = str(value).strip() if value else None
        return values

    def _audit_of(self, repo: Repository, audit_ref: str, organisation_id: str) -> str:
        audit_id = self.audits.resolve(audit_ref) if self.audits is not None else audit_ref
        found = repo.audit(audit_id)
        if found is None:
            raise NotFoundError(N_("There is no audit {ref}."), ref=audit_ref)
        if found[0].organisation_id != organisation_id:
            raise UserInputError(N_("The audit {ref} belongs to another organisation."), ref=audit_ref)
        return audit_id

    @staticmethod
    def _check_links(repo: Repository, organisation_id: str, values: dict[str, Any]) -> None:
        if values.get("site_id"):
            if values["site_id"] not in {site.id for site in repo.sites(organisation_id)}:
                raise NotFoundError(N_("There is no site {id} at {organisation}."), id=values["site_id"],
                                    organisation=organisation_id)
        if "finding_ids" in values:
            resolved = []
            for ref in values["finding_ids"]:
                finding_id = _finding_id(repo, ref)
                finding = repo.finding(finding_id)
                found = repo.audit(finding.audit_id) if finding else None
                if found is None or found[0].organisation_id != organisation_id:
                    raise NotFoundError(N_("There is no finding {ref} at this organisation."), ref=ref)
                resolved.append(finding_id)
            values["finding_ids"] = list(dict.fromkeys(resolved))

    @staticmethod
    def _check_not_superseded(repo: Repository, measure: Measure) -> None:
        if measure.id in repo.superseded_measure_ids(measure.organisation_id):
            raise UserInputError(N_("The measure was carried over to a later audit; change it there."))

    # ---- the programme ---------------------------------------------------------------------------

    def _scope(self, repo: Repository, ref: str) -> tuple[Organisation, Audit | None]:
        """An organisation (name or id) or an audit (id or prefix) named by ``ref``."""
        wanted = " ".join((ref or "").split())
        for organisation in repo.organisations():
            if organisation.id == wanted.lower() or organisation.name.casefold() == wanted.casefold():
                return organisation, None
        if self.audits is None:
            raise NotFoundError(N_("There is no organisation or audit {ref}."), ref=ref)
        try:
            audit_id = self.audits.resolve(wanted)
        except (NotFoundError, UserInputError):
            by_prefix = [o for o in repo.organisations() if len(wanted) >= 4 and o.id.startswith(wanted.lower())]
            if len(by_prefix) == 1:
                return by_prefix[0], None
            raise NotFoundError(N_("There is no organisation or audit {ref}."), ref=ref) from None
        found = repo.audit(audit_id)
        if found is None:
            raise NotFoundError(N_("There is no organisation or audit {ref}."), ref=ref)
        audit = found[0]
        organisation = repo.organisation(audit.organisation_id)
        assert organisation is not None
        return organisation, audit

    def scope(self, ref: str) -> tuple[Organisation, Audit | None]:
        with self._store.read() as s:
            return self._scope(self._repo(s), ref)

    def programme(self, ref: str) -> Programme:
        """The measures of an audit (its programme as recorded) or of an organisation (every
        measure not carried on to a later audit), each with payback and CO2 saving, and the totals
        (dropped measures save nothing and are left out of every sum but the one by status)."""
        with self._store.read() as s:
            repo = self._repo(s)
            organisation, audit = self._scope(repo, ref)
            measures = repo.measures(organisation.id, audit.id if audit else None)
            superseded = repo.superseded_measure_ids(organisation.id)
            if audit is None:
                measures = [m for m in measures if m.id not in superseded]
            evidence = repo.evidence_links("measure", [m.id for m in measures])
        factor_set, overrides = self._factors(organisation, audit)
        views = tuple(MeasureView(m, payback(m), derived_co2(m, factor_set, overrides=overrides),
                                  tuple(evidence.get(m.id, ())), m.id in superseded) for m in measures)
        listed = [v.measure for v in views]

        def grouped(by: Any) -> dict[Any, MeasureTotals]:
            return totals(listed, by, factors=factor_set, overrides=overrides)

        total = grouped(None).get(None, _EMPTY_TOTALS)
        by_area = {str(k): v for k, v in grouped("area").items()}
        by_status = {str(k): v for k, v in sorted(grouped("status").items(), key=lambda kv: _STATUS_ORDER[str(kv[0])])}
        by_year = {k if isinstance(k, int) else None: v for k, v in grouped("year").items()}
        by_year = dict(sorted(by_year.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))
        return Programme(organisation, audit, views, factor_set, total, by_area, by_year, by_status)

    def totals(self, ref: str) -> MeasureTotals:
        """The programme's sums (of an audit or an organisation, see :meth:`programme`)."""
        return self.programme(ref).total

    def _factors(self, organisation: Organisation, audit: Audit | None
                 ) -> tuple[FactorSet | None, dict[str, FactorOverride]]:
        if self.indicators is None:
            return None, {}
        try:
            choice = self.indicators.factors_for(organisation.id, audit.id if audit else None)
        except OekoauditError:
            return None, {}
        return choice.factor_set, choice.overrides

    # ---- spreadsheets -----------------------------------------------------------------------------

    def export_file(self, ref: str, path: Path | str) -> int:
        """Write the programme of an audit or organisation to a CSV file or workbook (by the suffix);
        :meth:`import_file` reads it back to the same measures. Returns the number of measures."""
        programme = self.programme(ref)
        english = get_language() == "en"
        header = _EXPORT_EN if english else _EXPORT_DE
        with self._store.read() as s:
            sites = {site.id: site.name for site in self._repo(s).sites(programme.organisation.id)}
        rows = []
        for view in programme.measures:
            m = view.measure
            carrier = QUANTITIES[m.energy_carrier].label if m.energy_carrier in QUANTITIES else None
            rows.append([
                m.id, m.title, m.description, self.area_label(m.area) if m.area else "", m.owner,
                m.start_date, m.due_date, m.completed_on, _(STATUS_LABELS[m.status]) if not english
                else m.status.value, m.priority, m.investment_eur, m.savings_eur_once, m.savings_eur_per_year,
                m.savings_kwh_per_year, (carrier.en if english else carrier.de) if carrier else "",
                m.savings_m3_per_year, m.savings_t_per_year, m.savings_t_co2_per_year,
                _rounded(view.payback_years), sites.get(m.site_id or "", ""), m.audit_id or "",
                "; ".join(m.finding_ids)])
        sheets.write_table(path, header, rows, _("Measures"))
        return len(rows)

    def import_file(self, path: Path | str, organisation: str, audit: str | None = None) -> MeasureImport:
        """Import measures from a CSV file or workbook. A row whose ID names a measure of the
        organisation changes that measure (only the columns the file has); a row without an ID
        changes the one measure of the same title (in the audit, if one is given) or adds a new one.
        Every problem is reported with its row and column, and then nothing is imported."""
        path = Path(path)
        with self._store.read() as s:
            repo = self._repo(s)
            org = _organisation(repo, organisation)
            audit_id = self._audit_of(repo, audit, org.id) if audit else None
            existing = repo.measures(org.id)
            superseded = repo.superseded_measure_ids(org.id)
            sites = repo.sites(org.id)
        by_id = {m.id: m for m in existing}
        sheet = sheets.read_sheet(path, _ROLES, ("title",), _ENGLISH)
        numbers = sheets.Numbers(sheet, _MONEY_AND_SAVINGS)
        planned: list[tuple[int, Measure | None, dict[str, Any]]] = []
        seen_ids: dict[str, int] = {}
        for row, cells in sheet.rows:
            before = len(sheet.problems)
            fields = self._row_fields(sheet, numbers, row, cells, org.id, sites)
            measure_ref = sheet.text(cells, "id").lower()
            target: Measure | None = None
            if measure_ref:
                target = by_id.get(measure_ref)
                if target is not None and target.id in superseded:
                    sheet.problem(row, "id", N_("the measure was carried over to a later audit; change it there."))
                if target is not None and measure_ref in seen_ids:
                    sheet.problem(row, "id", N_("the same measure is already given in row {other}."),
                                  other=seen_ids[measure_ref])
                seen_ids.setdefault(measure_ref, row)
            elif "title" in fields:
                same = [m for m in existing if m.id not in superseded and
                        m.title.casefold() == fields["title"].casefold() and
                        (audit_id is None or m.audit_id == audit_id)]
                target = same[0] if len(same) == 1 else None
            if len(sheet.problems) > before:
                continue
            draft = _draft(target or Measure(id="", organisation_id=org.id, title=fields.get("title", "")), fields)
            try:
                check_measure(draft)
            except UserInputError as exc:
                sheet.error(row, _column_of(exc), exc)
                continue
            planned.append((row, target, fields))
        sheet.raise_problems()
        if not planned:
            raise UserInputError(N_("The file {file} has no measures below its header row."), file=str(path))
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        ids = []
        with self._store.write() as s:
            repo = self._repo(s)
            for _row, target, fields in planned:
                if target is None:
                    values = dict(fields)
                    if audit_id is not None:
                        values["audit_id"] = audit_id
                    created = repo.add_measure(org.id, **values)
                    counts["created"] += 1
                    ids.append(created.id)
                else:
                    changed = repo.update_measure(target.id, **fields)
                    counts["updated" if changed else "unchanged"] += 1
                    ids.append(target.id)
        return MeasureImport(path, org.id, audit_id, counts["created"], counts["updated"], counts["unchanged"],
                             tuple(ids))

    def _row_fields(self, sheet: sheets.Sheet, numbers: sheets.Numbers, row: int, cells: list[Any],
                    organisation_id: str, sites: Sequence[Site]) -> dict[str, Any]:
        """The fields the row's columns give (a column the file does not have is left alone)."""
        fields: dict[str, Any] = {}
        if sheet.has("title"):
            title = " ".join(sheet.text(cells, "title").split())
            if not title:
                sheet.problem(row, "title", N_("the cell is empty; a measure needs a title."))
            elif len(title) > 300:
                sheet.problem(row, "title", N_("the text is too long."))
            fields["title"] = title
        for role, limit in (("description", MAX_NOTE), ("owner", MAX_NAME)):
            if sheet.has(role):
                text = sheet.text(cells, role)
                if len(text) > limit:
                    sheet.problem(row, role, N_("the text is too long."))
                fields[role] = " ".join(text.split()) if role == "owner" else text
        if sheet.has("area"):
            fields["area"] = self._area_key(sheet.text(cells, "area"))[:100]
        for role in ("start_date", "due_date", "completed_on"):
            if sheet.has(role):
                fields[role] = sheets.read_date(sheet, row, cells, role)
        if sheet.has("status"):
            text = sheet.text(cells, "status")
            try:
                fields["status"] = parse_status(text).value if text else MeasureStatus.PLANNED.value
            except UserInputError as exc:
                sheet.error(row, "status", exc)
        if sheet.has("priority"):
            try:
                fields["priority"] = parse_priority(sheet.raw(cells, "priority"))
            except UserInputError as exc:
                sheet.error(row, "priority", exc)
        for role in _MONEY_AND_SAVINGS:
            if sheet.has(role):
                fields[role] = numbers.read(row, cells, role)
        if sheet.has("energy_carrier"):
            try:
                fields["energy_carrier"] = parse_carrier(sheet.text(cells, "energy_carrier"))
            except UserInputError as exc:
                sheet.error(row, "energy_carrier", exc)
        if sheet.has("site"):
            text = sheet.text(cells, "site")
            if text:
                site = next((x for x in sites if x.id == text or x.name.casefold() == text.casefold()), None)
                if site is None:
                    sheet.problem(row, "site", N_("there is no site {site}; known: {known}."), site=text,
                                  known=", ".join(x.name for x in sites) or "-")
                else:
                    fields["site_id"] = site.id
            else:
                fields["site_id"] = None
        if sheet.has("findings"):
            refs = [p.strip() for p in sheet.text(cells, "findings").replace(",", ";").split(";") if p.strip()]
            with self._store.read() as s:
                repo = self._repo(s)
                try:
                    values: dict[str, Any] = {"finding_ids": refs}
                    self._check_links(repo, organisation_id, values)
                    fields["finding_ids"] = values["finding_ids"]
                except OekoauditError as exc:
                    sheet.error(row, "findings", exc)
        return fields


# ---- spreadsheet columns --------------------------------------------------------------------------

_EXPORT_DE = ["ID", "Titel", "Beschreibung", "Bereich", "Verantwortlich", "Beginn", "Termin", "Umgesetzt am",
              "Status", "Priorität", "Investition (€)", "Einsparung einmalig (€)", "Einsparung €/Jahr",
              "Einsparung kWh/Jahr", "Energieträger", "Einsparung m³/Jahr", "Einsparung t/Jahr",
              "Einsparung t CO2/Jahr", "Amortisation (Jahre)", "Standort", "Audit", "Feststellungen"]
_EXPORT_EN = ["ID", "Title", "Description", "Area", "Owner", "Start", "Due", "Completed on", "Status", "Priority",
              "Investment (€)", "One-off savings (€)", "Savings €/year", "Savings kWh/year", "Energy carrier",
              "Savings m³/year", "Savings t/year", "Savings t CO2/year", "Payback (years)", "Site", "Audit",
              "Findings"]

_ROLES: dict[str, tuple[str, ...]] = {
    "id": ("id", "massnahmen_id", "measure_id"),
    "title": ("titel", "title", "massnahme", "measure", "bezeichnung"),
    "description": ("beschreibung", "description", "erlaeuterung"),
    "area": ("bereich", "area", "handlungsfeld", "action_field", "handlungsbereich"),
    "owner": ("verantwortlich", "owner", "verantwortliche_r", "zustaendig", "responsible"),
    "start_date": ("beginn", "start", "start_date", "startdatum"),
    "due_date": ("termin", "due", "due_date", "frist", "faellig", "faellig_am", "bis"),
    "completed_on": ("umgesetzt_am", "completed_on", "erledigt_am", "abgeschlossen_am", "completed"),
    "status": ("status", "stand"),
    "priority": ("prioritaet", "priority"),
    "investment_eur": ("investition", "investment", "investition_eur", "investment_eur", "investitionen",
                       "kosten"),
    "savings_eur_once": ("einsparung_einmalig", "one_off_savings", "einmalige_einsparung",
                         "einsparung_einmalig_eur", "savings_eur_once", "one_off_savings_eur"),
    "savings_eur_per_year": ("einsparung_jahr", "einsparung_eur_jahr", "einsparung_euro_jahr", "savings_year",
                             "savings_eur_year", "savings_eur_per_year", "einsparung_eur_a", "einsparung_a"),
    "savings_kwh_per_year": ("einsparung_kwh_jahr", "savings_kwh_year", "savings_kwh_per_year",
                             "einsparung_kwh_a", "einsparung_kwh"),
    "energy_carrier": ("energietraeger", "energy_carrier", "traeger"),
    "savings_m3_per_year": ("einsparung_m3_jahr", "savings_m3_year", "savings_m3_per_year", "einsparung_m3_a",
                            "einsparung_m3"),
    "savings_t_per_year": ("einsparung_t_jahr", "savings_t_year", "savings_t_per_year", "einsparung_t_a",
                           "einsparung_t"),
    "savings_t_co2_per_year": ("einsparung_t_co2_jahr", "savings_t_co2_year", "savings_t_co2_per_year",
                               "co2_einsparung", "einsparung_t_co2_a", "einsparung_co2", "thg_einsparung"),
    "payback": ("amortisation_jahre", "payback_years", "amortisation", "payback"),
    "site": ("standort", "site"),
    "audit": ("audit",),
    "findings": ("feststellungen", "findings", "feststellung", "finding_ids"),
}
_ENGLISH = {"title", "measure", "description", "area", "action_field", "owner", "responsible", "start", "due",
            "due_date", "completed_on", "completed", "priority", "investment", "one_off_savings", "savings_year",
            "savings_kwh_year", "energy_carrier", "savings_m3_year", "savings_t_year", "savings_t_co2_year",
            "payback_years", "site", "findings"}


def _column_of(exc: OekoauditError) -> str:
    """The column a refusal of ``check_measure`` is about (its ``field`` parameter, else the title)."""
    field_name = exc.params.get("field")
    return str(field_name) if field_name else "title"


def _draft(measure: Measure, values: Mapping[str, Any]) -> Measure:
    """``measure`` with ``values`` applied, as a domain object (for check_measure)."""
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key == "status":
            changes[key] = MeasureStatus(value)
        elif key == "finding_ids":
            changes[key] = tuple(value or ())
        elif key in Measure.__dataclass_fields__:
            changes[key] = value
    return replace(measure, **changes)


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.1"))


def _finding_id(repo: Repository, ref: str) -> str:
    ref = ref.strip().lower()
    if _is_uuid(ref):
        return ref
    if len(ref) < 4:
        raise UserInputError(N_("A finding id needs at least 4 characters: {ref}"), ref=ref)
    ids = repo.finding_ids(ref)
    if not ids:
        raise NotFoundError(N_("There is no finding {ref}."), ref=ref)
    if len(ids) > 1:
        raise AmbiguousError(N_("{ref} matches {count} findings; give more of the id."), ref=ref, count=len(ids))
    return ids[0]


def _organisation(repo: Repository, ref: str) -> Organisation:
    wanted = " ".join((ref or "").split())
    for organisation in repo.organisations():
        if organisation.id == wanted.lower() or organisation.name.casefold() == wanted.casefold():
            return organisation
    raise NotFoundError(N_("There is no organisation {id}."), id=ref)

