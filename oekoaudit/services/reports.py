"""The audit report: a snapshot of one audit in the report's language, and the PDF made from it.

:meth:`ReportService.data` reads the audit with everything the report shows (plan, answers,
findings, signatures, the audit's environmental programme, the organisation's figures, the
photos) and turns it into a :class:`~oekoaudit.report.data.ReportData` in the language chosen for
the report (``ReportOptions.lang``, on this thread only: the window keeps its own). Every value is
a finished string — dates and numbers as the language writes them (German ``1.234,5`` and
``12.03.2026``, English ``1,234.5`` and ``12 Mar 2026``; Babel), enum values by their names
(:mod:`oekoaudit.services.labels`), ``–`` for a value that is missing (the payback of a measure
without savings or without an investment).

Decisions the report relies on:

- **Document id** ``OA-<year>-<first 8 characters of the audit id>`` (year: the audit's start,
  else its creation), e.g. ``OA-2026-1A2B3C4D``: the same for every version of the report of one
  audit. The **version** is the audit's revision (it grows with every change of the audit's own
  fields); the footer's data fingerprint tells any two states of the content apart.
- **Findings** are numbered ``F-1``, ``F-2`` … in checklist order (of their item; several on one
  item in the order they were recorded), then the findings without an item. **Measures** of the
  programme are ``M-1`` … in the order they were entered.
- **Photos**: every photo of the audit, in gallery order, numbered 1 … n; each says what it
  belongs to (``6.1.2 Umweltaspekte; F-3; M-2``) and is referred to by its number from its
  checklist row and finding. Documents (PDFs, spreadsheets) are not printed and not listed: they
  cannot be shown on paper, and the audit package carries them. Photos are printed from the
  ~1600 px preview in the cache, never from the original (:meth:`EvidenceService.report_image`:
  the preview as it is, or a cached rendering of it with the annotations and redactions burnt
  in); a hidden position is left out. A photo that cannot be printed (its preview gone and its
  original missing from the data folder) stops the report with a message naming it, rather than
  leaving a gap in the numbering.
- **Draft** (watermark) until the audit is closed; the **author** is the lead auditor, the
  **consultancy** and the default **logo** come from the settings (a logo file that is missing is
  left out, not an error).
- **Distribution**: the organisation's contact, the lead auditor and the audit team.
- **Signatures**: those given when the audit was closed; before that, an empty line for the lead
  auditor to sign on paper.

:meth:`ReportService.generate` writes the PDF atomically (a temporary file in the target folder,
fsynced, renamed over the target): a cancelled or failed report leaves no file and no temporary
file behind. The fingerprint in the footer is :func:`oekoaudit.exchange.document.fingerprint` of
the audit's canonical document — the same one the audit package carries.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oekoaudit import i18n
from oekoaudit.domain.audit import AuditDetail, AuditStatus, Organisation, Site
from oekoaudit.domain.award import AwardResult, AwardRule
from oekoaudit.domain.checklist import Item, Rating, Section
from oekoaudit.domain.evidence import Evidence, TargetKind
from oekoaudit.domain.finding import Finding, FindingClass
from oekoaudit.domain.indicators import QUANTITIES, IndicatorValue
from oekoaudit.domain.reuse import assessed_rating, option_for_rating
from oekoaudit.durable import fsync_dir, replace
from oekoaudit.errors import N_, OekoauditError, UserInputError
from oekoaudit.exchange.document import audit_document
from oekoaudit.exchange.document import fingerprint as document_fingerprint
from oekoaudit.i18n import _, pick
from oekoaudit.report.data import (
    PHOTO_PIXELS,
    BalanceRow,
    ChecklistRow,
    ChecklistSection,
    Count,
    Cover,
    Details,
    FindingEntry,
    IndicatorRow,
    Indicators,
    MeasureRow,
    Person,
    Photo,
    PhotoRef,
    Programme,
    Progress,
    ReportCancelled,
    ReportData,
    ReportOptions,
    SectionResult,
    SignatureEntry,
    Summary,
)
from oekoaudit.services import labels
from oekoaudit.services.settings import load_settings

if TYPE_CHECKING:
    from oekoaudit.services.audits import AuditService, OrganisationService
    from oekoaudit.services.catalogue import CatalogueService
    from oekoaudit.services.evidence import EvidenceService
    from oekoaudit.services.indicators import FactorChoice, IndicatorService, IndicatorSettings
    from oekoaudit.services.measures import MeasureService
    from oekoaudit.services.measures import Programme as MeasureProgramme
    from oekoaudit.services.reuse import ReuseService

#: A value that is not there (no investment, no savings, no date).
MISSING = "–"
#: How many years of figures the indicators part shows (EMAS: at least three, for a trend).
INDICATOR_YEARS = 3
#: Photos prepared at the same time (Pillow decodes, scales and encodes without the GIL).
PHOTO_THREADS = max(1, min(4, os.cpu_count() or 1))

#: The report as it is made when nothing is chosen: German, every part, medium photos.
DEFAULT_OPTIONS = ReportOptions()

#: Names of the ratings, for a scale that has no option of that rating (the chart's legend).
_RATING_LABELS = {
    Rating.CONFORM: N_("conform"),
    Rating.MINOR_NC: N_("minor nonconformity"),
    Rating.MAJOR_NC: N_("major nonconformity"),
    Rating.OBSERVATION: N_("observation"),
    Rating.IMPROVEMENT: N_("opportunity for improvement"),
    Rating.NOT_APPLICABLE: N_("not applicable"),
    Rating.OPEN: N_("open"),
}
_NONCONFORMITIES = frozenset({Rating.MINOR_NC, Rating.MAJOR_NC})
_MEASURE_RULES = frozenset({AwardRule.MEASURES_IMPLEMENTED, AwardRule.MEASURES_PLANNED, AwardRule.MEASURES_PER_YEAR})


@dataclass(frozen=True, slots=True)
class GeneratedReport:
    """What :meth:`ReportService.generate` wrote."""

    path: Path
    pages: int
    #: bytes
    size: int
    fingerprint: str
    document_id: str
    lang: str
    #: photos printed in the appendix
    photos: int


# ---- formatting ---------------------------------------------------------------------------------


class Formatter:
    """Numbers, amounts and dates as ``lang`` writes them (Babel's CLDR data)."""

    def __init__(self, lang: str) -> None:
        self.lang = i18n.known_language(lang) or i18n.DEFAULT_LANGUAGE

    def number(self, value: Decimal | int | float | None, places: int | None = None) -> str:
        """German "1.234,5", English "1,234.5" (:func:`oekoaudit.i18n.number`); "–" for None or
        what is not a finite number."""
        if value is None:
            return MISSING
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        return i18n.number(amount, places, self.lang) if amount.is_finite() else MISSING

    def quantity(self, value: Decimal | int | None, unit: str, places: int | None = None) -> str:
        """"1.234 kWh"; "–" for None."""
        if value is None:
            return MISSING
        return f"{self.number(value, places)} {unit}".strip()

    def money(self, value: Decimal | int | None) -> str:
        """Whole euros: German "1.234 €", English "€1,234"; "–" for None."""
        if value is None:
            return MISSING
        amount = self.number(value, 0)
        return f"€{amount}" if self.lang == "en" else f"{amount} €"

    def day(self, value: date | datetime | None) -> str:
        """German "12.03.2026", English "12 Mar 2026"; "" for None."""
        from babel.dates import format_date

        if value is None:
            return ""
        if isinstance(value, datetime):
            value = _local(value).date()
        return format_date(value, "dd.MM.yyyy" if self.lang == "de" else "d MMM yyyy", locale=self.lang)

    def moment(self, value: datetime | None) -> str:
        """German "12.03.2026 14:05", English "12 Mar 2026 14:05" (local time); "" for None."""
        from babel.dates import format_time

        if value is None:
            return ""
        local = _local(value)
        return f"{self.day(local)} {format_time(local, 'HH:mm', locale=self.lang)}"

    def span(self, start: date | None, end: date | None) -> str:
        """"12.03.2026 – 13.03.2026", one day alone, "" when not planned."""
        if start is None:
            return self.day(end)
        if end is None or end == start:
            return self.day(start)
        return f"{self.day(start)} – {self.day(end)}"

    def position(self, latitude: float, longitude: float) -> str:
        """"48,1374° N, 11,5755° O" (English: "… E")."""
        east, west = ("E", "W") if self.lang == "en" else ("O", "W")
        lat = f"{self.number(Decimal(str(abs(latitude))), 4)}° {'N' if latitude >= 0 else 'S'}"
        lon = f"{self.number(Decimal(str(abs(longitude))), 4)}° {east if longitude >= 0 else west}"
        return f"{lat}, {lon}"


def _local(value: datetime) -> datetime:
    """A time as the clock on this computer shows it (stored times are UTC)."""
    return value.astimezone().replace(tzinfo=None) if value.tzinfo is not None else value


def _co2(text: str) -> str:
    """"CO2" with a subscript two, as printed (the report's font has it)."""
    return text.replace("CO2", "CO₂")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _significant(value: Decimal) -> int:
    size = abs(value)
    return 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 1 else 3


# ---- the snapshot -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """Everything read for one report (and for its fingerprint)."""

    detail: AuditDetail
    organisation: Organisation
    site: Site | None
    evidence: tuple[Evidence, ...]
    programme: MeasureProgramme
    figures: tuple[IndicatorValue, ...]
    figure_settings: IndicatorSettings
    factors: FactorChoice | None
    document: dict[str, Any] = field(default_factory=dict)


class ReportService:
    """The report of an audit: its data (:meth:`data`), the PDF (:meth:`generate`), its fingerprint."""

    def __init__(self, data_dir: Path, organisations: OrganisationService, audits: AuditService,
                 evidence: EvidenceService, measures: MeasureService, indicators: IndicatorService,
                 reuse: ReuseService, catalogues: CatalogueService | None = None) -> None:
        self._data_dir = Path(data_dir)
        self._organisations = organisations
        self._audits = audits
        self._evidence = evidence
        self._measures = measures
        self._indicators = indicators
        self._reuse = reuse
        self._catalogues = catalogues

    # ---- reading ----------------------------------------------------------------------------------

    def _snapshot(self, audit_ref: str) -> _Snapshot:
        audit_id = self._audits.resolve(audit_ref)
        detail = self._audits.detail(audit_id)
        audit = detail.audit
        organisation = self._indicators.organisation(audit.organisation_id)
        site = next((s for s in self._organisations.sites(organisation.id) if s.id == audit.site_id), None)
        evidence = tuple(self._evidence.list(audit_id))
        programme = self._measures.programme(audit_id)
        figures = tuple(self._indicators.values(organisation.id))
        settings = self._indicators.settings(organisation.id)
        try:
            factors: FactorChoice | None = self._indicators.factors(audit_id)
        except OekoauditError:  # no emission factors installed
            factors = None
        factor_doc = None
        if factors is not None:
            factor_doc = {"set": factors.factor_set.id, "chosen": factors.chosen,
                          "overrides": {key: {"value": o.value, "source": o.source, "year": o.year,
                                              "basis": o.basis.value if o.basis else None}
                                        for key, o in sorted(factors.overrides.items())}}
        document = audit_document(detail, organisation, site, measures=[v.measure for v in programme.measures],
                                  figures=figures, evidence=evidence, figure_settings=settings.to_json(),
                                  factors=factor_doc)
        return _Snapshot(detail, organisation, site, evidence, programme, figures, settings, factors, document)

    def fingerprint(self, audit_ref: str) -> str:
        """SHA-256 of the audit's canonical document (see :mod:`oekoaudit.exchange.document`)."""
        return document_fingerprint(self._snapshot(audit_ref).document)

    def document(self, audit_ref: str) -> dict[str, Any]:
        """The audit's canonical document (the content the fingerprint is taken of)."""
        return self._snapshot(audit_ref).document

    # ---- the report's data ------------------------------------------------------------------------

    def data(self, audit_ref: str, options: ReportOptions = DEFAULT_OPTIONS, *, generated_at: datetime | None = None,
             progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> ReportData:
        """A snapshot of the audit for the report, in ``options.lang``, photos prepared.

        ``progress(done, total, photo name)`` is called as the photos are prepared; when
        ``cancelled()`` turns true, :class:`~oekoaudit.report.data.ReportCancelled` is raised.
        ``generated_at`` (default: now) is printed in the footer; the same data and the same
        ``generated_at`` give the same ReportData."""
        generated_at = generated_at or datetime.now(UTC)
        with i18n.language(options.lang) as lang:
            snapshot = self._snapshot(audit_ref)
            return _Builder(self, snapshot, options, lang, generated_at, progress, cancelled).build()

    def generate(self, audit_ref: str, target: Path | str, options: ReportOptions = DEFAULT_OPTIONS, *,
                 generated_at: datetime | None = None, progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None) -> GeneratedReport:
        """Write the report of the audit as a PDF to ``target``, atomically.

        The folder must exist; ``target`` is replaced only once the whole PDF is written and
        synced. Cancelled (``ReportCancelled``) or failed, nothing is left behind: the temporary
        file is removed and the error raised (an unwritable target as an OekoauditError)."""
        target = Path(target)
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise UserInputError(N_("The folder {path} does not exist."), path=str(folder))
        if target.is_dir():
            raise UserInputError(N_("{path} is a folder; give the name of the PDF file to write."), path=str(target))
        audit_id = self._audits.resolve(audit_ref)
        data = self.data(audit_id, options, generated_at=generated_at, progress=progress, cancelled=cancelled)
        from oekoaudit.report.render import render_pdf  # reportlab only when a PDF is made

        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem[:40]}-", suffix=".pdf.part", dir=folder)
        except OSError as exc:
            raise _write_error(target, exc) from None
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as fh:
                result = render_pdf(data, fh, invariant=True, progress=progress, cancelled=cancelled)
                fh.flush()
                os.fsync(fh.fileno())
            replace(tmp, target)
            with contextlib.suppress(OSError):
                fsync_dir(folder)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            if isinstance(exc, OSError) and getattr(exc, "filename", None) in (None, tmp_name, str(target)):
                raise _write_error(target, exc) from None  # writing failed (a full disk, no permission)
            raise
        return GeneratedReport(path=target, pages=result.pages, size=target.stat().st_size,
                               fingerprint=data.fingerprint, document_id=data.document_id, lang=data.lang,
                               photos=len(data.photos))

    # ---- helpers for the builder ------------------------------------------------------------------

    def _award(self, detail: AuditDetail) -> AwardResult | None:
        return self._reuse.award_for(detail)

    def _module_title(self, catalogue_id: str) -> str:
        if self._catalogues is None:
            return catalogue_id
        try:
            return pick(self._catalogues.get(catalogue_id).title)
        except OekoauditError:
            return catalogue_id

    def _logo(self, options: ReportOptions) -> Path | None:
        settings = load_settings(self._data_dir)
        if options.logo is not None:
            logo = Path(options.logo)
            if not logo.is_absolute():
                logo = self._data_dir / logo
        elif settings.logo:
            logo = self._data_dir / settings.logo
        else:
            return None
        return logo if logo.is_file() else None


def _write_error(target: Path, exc: OSError) -> OekoauditError:
    return OekoauditError(N_("The report could not be written to {path} ({reason})."), path=str(target),
                          reason=exc.strerror or type(exc).__name__)


# ---- building ---------------------------------------------------------------------------------------


class _Builder:
    """Turns one snapshot into ReportData (inside the report's language block)."""

    def __init__(self, service: ReportService, snapshot: _Snapshot, options: ReportOptions, lang: str,
                 generated_at: datetime, progress: Progress | None, cancelled: Callable[[], bool] | None) -> None:
        self.service = service
        self.s = snapshot
        self.options = options
        self.lang = lang
        self.f = Formatter(lang)
        self.generated_at = generated_at
        self.today = _local(generated_at).date()
        self.progress = progress
        self.cancelled = cancelled
        detail = snapshot.detail
        self.checklist = detail.checklist
        self.item_order = {item.key: index for index, item in enumerate(self.checklist.items())}
        self.finding_numbers = self._number_findings(detail.findings)
        self.measure_numbers = {v.measure.id: f"M-{n}" for n, v in enumerate(snapshot.programme.measures, 1)}

    # ---- numbering -----------------------------------------------------------------------------------

    def _finding_order(self, findings: Iterable[Finding]) -> list[Finding]:
        unplaced = len(self.item_order)

        def key(f: Finding) -> tuple[int, str, str]:
            place = self.item_order.get(f.item_key, unplaced) if f.item_key else unplaced
            return place, (f.created_at.isoformat() if f.created_at else ""), f.id

        return sorted(findings, key=key)

    def _number_findings(self, findings: Iterable[Finding]) -> dict[str, str]:
        return {f.id: f"F-{n}" for n, f in enumerate(self._finding_order(findings), 1)}

    def _item_label(self, key: str) -> str:
        item = self.checklist.item(key)
        return f"{item.ref} {item.title.get(self.lang)}" if item is not None else key

    # ---- the whole ------------------------------------------------------------------------------------

    def build(self) -> ReportData:
        detail = self.s.detail
        audit = detail.audit
        photos = self._photos() if self.options.photos else ()
        refs = self._photo_refs(photos)
        cover = self._cover()
        fingerprint = document_fingerprint(self.s.document)
        scheme = self.checklist.title.get(self.lang)
        year = (audit.start_date or audit.created_at.date()).year
        return ReportData(
            lang=self.lang,
            options=self.options,
            title=_("Audit report – {title}").format(title=cover.audit_title),
            organisation=self.s.organisation.name,
            document_id=cover.document_id,
            version=cover.version,
            generated_at=self.generated_at,
            generated=self.f.moment(self.generated_at),
            fingerprint=fingerprint,
            draft=audit.status is not AuditStatus.CLOSED,
            cover=cover,
            details=self._details(),
            summary=self._summary(),
            findings=self._findings(refs),
            checklist=self._checklist(refs),
            programme=self._programme(),
            indicators=self._indicators(),
            photos=photos,
            signatures=self._signatures(),
            distribution=self._distribution(),
            author=audit.lead_auditor,
            subject=" – ".join(p for p in (labels.kind(audit.kind), self.s.organisation.name,
                                           self.s.site.name if self.s.site else "") if p),
            keywords=tuple(k for k in (scheme, self.s.organisation.name, self.s.site.name if self.s.site else "",
                                       str(year)) if k),
        )

    # ---- cover and details --------------------------------------------------------------------------

    def _document_id(self) -> str:
        audit = self.s.detail.audit
        year = (audit.start_date or audit.created_at.date()).year
        return f"OA-{year}-{audit.id.replace('-', '')[:8].upper()}"

    def _team(self) -> tuple[Person, ...]:
        return tuple(Person(m.name, _capital(labels.team_role(m.role))) for m in self.s.detail.audit.team)

    def _cover(self) -> Cover:
        audit = self.s.detail.audit
        settings = load_settings(self.service._data_dir)
        return Cover(
            audit_title=audit.title or self.checklist.title.get(self.lang),
            organisation=self.s.organisation.name,
            site=self.s.site.name if self.s.site else audit.site_name,
            scheme=self.checklist.title.get(self.lang),
            edition=audit.catalogue_edition,
            audit_kind=_capital(labels.kind(audit.kind)),
            dates=self.f.span(audit.start_date, audit.end_date),
            lead_auditor=audit.lead_auditor,
            team=self._team(),
            document_id=self._document_id(),
            version=str(audit.revision),
            status=labels.status(audit.status),
            consultancy=" ".join(settings.auditor_organisation.split()),
            logo=self.service._logo(self.options),
        )

    def _details(self) -> Details:
        audit = self.s.detail.audit
        lead = (Person(audit.lead_auditor, _("Lead auditor")),) if audit.lead_auditor else ()
        site = self.s.site
        place = audit.location or ", ".join(p for p in (site.name, site.address) if p) if site else audit.location
        criteria = audit.criteria or f"{self.checklist.title.get(self.lang)} ({audit.catalogue_edition})"
        return Details(
            objectives=audit.objectives,
            scope=audit.scope,
            criteria=criteria,
            team=lead + self._team(),
            people_met=tuple(Person(p.name, p.function) for p in audit.people_met),
            dates=self.f.span(audit.start_date, audit.end_date),
            location=place,
            modules=tuple(self.service._module_title(m) for m in audit.modules),
        )

    # ---- summary --------------------------------------------------------------------------------------

    def _rating_labels(self) -> dict[str, str]:
        scale = self.checklist.scale
        out = {}
        for rating in Rating:
            option = option_for_rating(scale, rating) if rating is not Rating.OPEN else scale.open_option
            exact = option is not None and option.rating is rating
            out[rating.value] = option.label.get(self.lang) if exact and option else _(_RATING_LABELS[rating])
        return out

    def _summary(self) -> Summary:
        detail = self.s.detail
        overall = detail.progress.overall
        counts = {cls: 0 for cls in FindingClass}
        for finding in detail.findings:
            counts[finding.finding_class] += 1
        sections = []
        for section in self.checklist.sections:
            p = detail.progress.sections[section.key]
            sections.append(SectionResult(
                ref=section.ref, title=section.title.get(self.lang), answered=p.answered, total=p.total,
                ratings={r.value: int(p.counts.get(r, 0)) for r in Rating}, verdict=labels.verdict(p.verdict),
                verdict_key=p.verdict.value))
        award = self.service._award(detail)
        return Summary(
            verdict=labels.verdict(overall.verdict),
            verdict_key=overall.verdict.value,
            answered=overall.answered,
            total=overall.total,
            percent=overall.percent,
            finding_counts=tuple(Count(cls.value, _capital(labels.finding_class(cls)), n) for cls, n in counts.items()),
            rating_labels=self._rating_labels(),
            sections=tuple(sections),
            open_actions=sum(1 for f in detail.findings if f.is_open),
            overdue_actions=sum(1 for f in detail.findings if f.is_overdue(self.today)),
            award_checks=self._award_checks(award, None),
        )

    @staticmethod
    def _award_checks(award: AwardResult | None, rules: frozenset[AwardRule] | None) -> tuple[tuple[str, bool], ...]:
        if award is None:
            return ()
        return tuple((_capital(labels.award_check(c.rule, c.key, c.required, c.actual)), c.passed)
                     for c in award.checks if rules is None or c.rule in rules)

    # ---- findings and checklist -------------------------------------------------------------------------

    def _findings(self, refs: dict[tuple[TargetKind, str], list[PhotoRef]]) -> tuple[FindingEntry, ...]:
        entries = []
        for finding in self._finding_order(self.s.detail.findings):
            item = ""
            if finding.item_key:
                item = self._item_label(finding.item_key)
            entries.append(FindingEntry(
                number=self.finding_numbers[finding.id],
                class_key=finding.finding_class.value,
                class_label=_capital(labels.finding_class(finding.finding_class)),
                requirement_ref=finding.requirement_ref,
                item=item,
                statement=finding.statement,
                objective_evidence=finding.objective_evidence,
                correction=finding.correction,
                root_cause=finding.root_cause,
                corrective_action=finding.corrective_action,
                owner=finding.owner,
                due_date=self.f.day(finding.due_date),
                status=labels.action_status(finding.status) if finding.needs_action else "",
                photos=tuple(refs.get((TargetKind.FINDING, finding.id), ())),
            ))
        return tuple(entries)

    def _checklist(self, refs: dict[tuple[TargetKind, str], list[PhotoRef]]) -> tuple[ChecklistSection, ...]:
        answers = self.s.detail.answers
        scale = self.checklist.scale
        only_nc = self.options.only_nonconformities

        def row(item: Item) -> ChecklistRow | None:
            answer = answers.get(item.key)
            rating = assessed_rating(answer)
            if only_nc and rating not in _NONCONFORMITIES:
                return None
            result = ""
            if answer is not None and answer.result != scale.open_option.key:
                option = scale.option(answer.result)
                result = option.label.get(self.lang) if option is not None else answer.result
                if answer.carried_over:
                    result = _("{result} (carried over, not confirmed)").format(result=result)
            return ChecklistRow(ref=item.ref, title=item.title.get(self.lang), result=result, rating_key=rating.value,
                                note=answer.note if answer is not None else "",
                                photos=tuple(refs.get((TargetKind.ITEM, item.key), ())))

        def walk(section: Section, level: int) -> list[ChecklistSection]:
            rows = [r for r in (row(child) for child in section.children if isinstance(child, Item)) if r]
            below: list[ChecklistSection] = []
            for child in section.children:
                if isinstance(child, Section):
                    below += walk(child, level + 1)
            if only_nc and not rows and not below:
                return []
            return [ChecklistSection(section.ref, section.title.get(self.lang), level, tuple(rows)), *below]

        out: list[ChecklistSection] = []
        for section in self.checklist.sections:
            out += walk(section, 1)
        return tuple(out)

    # ---- the programme --------------------------------------------------------------------------------

    def _measure_row(self, number: str, title: str, *, area: str = "", owner: str = "", due: str = "",
                     status: str = "", investment: Decimal | None, eur: Decimal | None, kwh: Decimal | None,
                     m3: Decimal | None, t: Decimal | None, t_co2: Decimal | None, payback: Decimal | None,
                     description: str = "") -> MeasureRow:
        f = self.f
        return MeasureRow(
            number=number, title=title, area=area, owner=owner, due_date=due, status=status,
            investment=f.money(investment), savings_eur=f.money(eur), savings_kwh=f.quantity(kwh, "kWh"),
            savings_m3=f.quantity(m3, "m³"), savings_t=f.quantity(t, "t"),
            savings_t_co2=f.quantity(t_co2, "t"),
            payback=MISSING if payback is None else _("at once") if payback == 0 else
            _("{years} years").format(years=f.number(payback, 1)),
            description=description,
        )

    def _totals_row(self, title: str, totals: Any) -> MeasureRow:
        return self._measure_row("", title, investment=totals.investment_eur, eur=totals.savings_eur_per_year,
                                 kwh=totals.savings_kwh_per_year, m3=totals.savings_m3_per_year,
                                 t=totals.savings_t_per_year, t_co2=totals.savings_t_co2_per_year,
                                 payback=totals.payback_years)

    def _programme(self) -> Programme | None:
        from oekoaudit.services.measures import status_label

        programme = self.s.programme
        if not programme.measures:
            return None
        area_label = self.service._measures.area_label
        rows = []
        for view in programme.measures:
            m = view.measure
            when = m.completed_on if m.completed_on is not None else m.due_date
            rows.append(self._measure_row(
                self.measure_numbers[m.id], m.title, area=area_label(m.area) if m.area else "", owner=m.owner,
                due=self.f.day(when), status=status_label(m.status), investment=m.investment_eur,
                eur=m.savings_eur_per_year, kwh=m.savings_kwh_per_year, m3=m.savings_m3_per_year,
                t=m.savings_t_per_year, t_co2=view.co2.t_co2, payback=view.payback_years, description=m.description))
        by_area = tuple(self._totals_row(area_label(key) if key else MISSING, totals)
                        for key, totals in programme.by_area.items())
        note = ""
        if programme.factor_set is not None and programme.total.co2_derived:
            note = _co2(_("CO2 savings not entered are derived from the kWh saved, with the factors of "
                          "“{factors}”.").format(factors=pick(programme.factor_set.title)))
        award = self.service._award(self.s.detail)
        return Programme(rows=tuple(rows), total=self._totals_row(_("Total"), programme.total), by_area=by_area,
                         factor_note=note, award_checks=self._award_checks(award, _MEASURE_RULES))

    # ---- indicators -----------------------------------------------------------------------------------

    def _indicators(self) -> Indicators | None:
        if not self.s.figures:
            return None
        years = sorted({v.year for v in self.s.figures})[-INDICATOR_YEARS:]
        overview = self.service._indicators.overview(self.s.organisation.id, years,
                                                     audit_ref=self.s.detail.audit.id)
        f = self.f
        table = overview.core

        def amount(value: Decimal | None) -> str:
            return f.number(value)

        core = []
        for row in table.rows:
            label = pick(row.label)
            core.append(IndicatorRow(label=f"– {label}" if row.level else label, unit=_co2(row.unit),
                                     values=tuple((amount(row.a.get(y)), amount(row.b.get(y)), amount(row.r.get(y)))
                                                  for y in table.years)))
        reference = QUANTITIES.get(table.reference.quantity)
        reference_label = pick(reference.label) if reference else table.reference.quantity
        if table.reference_unit:
            reference_label += f" ({table.reference_unit})"
        with_lines = [b for b in overview.balances if b.lines]
        balance = with_lines[-1] if with_lines else None
        rows: list[BalanceRow] = []
        notes: list[str] = []
        if balance is not None:
            for line in balance.lines:
                name = pick(QUANTITIES[line.quantity].label) if line.quantity in QUANTITIES else line.quantity
                if line.detail:
                    name += f" {line.detail}"
                factor = line.factor
                source = f"{factor.source}, {factor.year}" if factor.year and str(factor.year) not in factor.source \
                    else factor.source
                rows.append(BalanceRow(
                    scope=f"Scope {line.scope}", source=name, amount=f.quantity(line.recorded, line.unit),
                    factor=_co2(f"{f.number(factor.value, _significant(factor.value))} {factor.unit} ({source})"),
                    t_co2e=f.quantity(line.t_co2e, "t", 1 if abs(line.t_co2e) >= 1 else 3)))
                template = factor.fallback_template
                if template:
                    notes.append(_(template).format(key=name, requested=factor.requested_year, year=factor.year))
            for missing in balance.missing:
                label = pick(QUANTITIES[missing.quantity].label) if missing.quantity in QUANTITIES else missing.quantity
                notes.append(_("Not counted, no emission factor: {quantity}").format(
                    quantity=f"{label} {missing.detail}".strip()))
        for key, justification in sorted(self.s.figure_settings.omitted.items()):
            row = table.row(key)
            quantity = QUANTITIES.get(key)
            indicator = pick(row.label) if row else pick(quantity.label) if quantity else key
            notes.append(_("{indicator} left out: {justification}").format(indicator=indicator,
                                                                           justification=justification))
        return Indicators(
            years=tuple(str(y) for y in table.years),
            reference_label=reference_label,
            reference_justification=table.reference.justification,
            core=tuple(core),
            balance_year=str(balance.year) if balance is not None else (str(years[-1]) if years else ""),
            balance=tuple(rows),
            balance_total=f.quantity(balance.total, "t", 1) if balance is not None else MISSING,
            balance_by_scope=tuple((f"Scope {scope}", f.quantity(total, "t", 1))
                                   for scope, total in balance.by_scope.items()) if balance is not None else (),
            notes=tuple(_co2(n) for n in notes),
        )

    # ---- photos -----------------------------------------------------------------------------------------

    def _photos(self) -> tuple[Photo, ...]:
        chosen = [e for e in self.s.evidence if e.is_photo]
        max_px = PHOTO_PIXELS[self.options.photo_size]
        total = len(chosen)
        if not total:
            return ()
        photos: list[Photo] = []
        self._check_cancel()
        if self.progress is not None:
            self.progress(0, total, "")
        evidence_service = self.service._evidence
        # what is in the cache already (a report made before) is read here, without threads
        ready: dict[str, tuple[Path, int, int]] = {}
        for evidence in chosen:
            found = evidence_service.cached_report_image(evidence, max_px)
            if found is not None:
                ready[evidence.id] = found
        with ThreadPoolExecutor(max_workers=min(PHOTO_THREADS, total), thread_name_prefix="report-photo") as pool:
            # at most a few photos ahead of the one taken, so memory stays bounded and cancel is quick
            pending: list[tuple[Evidence, Future[tuple[Path, int, int]]]] = []
            queue = iter(chosen)
            try:
                for evidence in queue:
                    if evidence.id in ready:
                        done: Future[tuple[Path, int, int]] = Future()
                        done.set_result(ready[evidence.id])
                        pending.append((evidence, done))
                    else:
                        pending.append((evidence, pool.submit(evidence_service.report_image, evidence, max_px)))
                    if len(pending) < 2 * PHOTO_THREADS:
                        continue
                    photos.append(self._take(pending.pop(0), len(photos) + 1, total))
                while pending:
                    photos.append(self._take(pending.pop(0), len(photos) + 1, total))
            except BaseException:
                for _evidence, future in pending:
                    future.cancel()
                raise
        return tuple(photos)

    def _check_cancel(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ReportCancelled()

    def _take(self, entry: tuple[Evidence, Future[tuple[Path, int, int]]], number: int, total: int) -> Photo:
        evidence, future = entry
        path, width, height = future.result()
        self._check_cancel()
        if self.progress is not None:
            self.progress(number, total, evidence.original_name)
        return self._photo(evidence, number, path, width, height)

    def _photo(self, e: Evidence, number: int, path: Path, width: int, height: int) -> Photo:
        taken = labels.origin(e.origin)
        if e.captured_at is not None:
            taken = f"{self.f.moment(e.captured_at)}, {taken}"
        location = ""
        if e.location is not None and not e.hide_location:
            location = self.f.position(e.location.latitude, e.location.longitude)
        return Photo(number=number, path=path, width_px=width, height_px=height,
                     caption=e.caption or e.original_name, refers_to="; ".join(self._refers_to(e)), taken=taken,
                     location=location)

    def _refers_to(self, e: Evidence) -> list[str]:
        items, findings, measures = [], [], []
        for link in e.links:
            kind, ref = link.target.kind, link.target.ref
            if kind is TargetKind.ITEM:
                items.append((self.item_order.get(ref, len(self.item_order)), self._item_label(ref)))
            elif kind is TargetKind.FINDING:
                number = self.finding_numbers.get(ref)
                findings.append((int(number[2:]) if number else 1 << 30, number or link.label))
            else:
                number = self.measure_numbers.get(ref)
                measures.append((int(number[2:]) if number else 1 << 30, number or link.label))
        return [text for group in (items, findings, measures) for _n, text in sorted(group) if text]

    def _photo_refs(self, photos: Sequence[Photo]) -> dict[tuple[TargetKind, str], list[PhotoRef]]:
        by_number = {p.number: p for p in photos}
        chosen = [e for e in self.s.evidence if e.is_photo]
        refs: dict[tuple[TargetKind, str], list[PhotoRef]] = {}
        for number, evidence in enumerate(chosen, 1):
            photo = by_number.get(number)
            if photo is None:
                continue
            for link in evidence.links:
                refs.setdefault((link.target.kind, link.target.ref), []).append(PhotoRef(number, photo.caption))
        return refs

    # ---- signatures and distribution --------------------------------------------------------------------

    def _signatures(self) -> tuple[SignatureEntry, ...]:
        detail = self.s.detail
        if detail.signatures:
            return tuple(SignatureEntry(name=s.name, role=s.role, date=self.f.day(s.signed_at), place=s.place,
                                        image_png=s.image_png) for s in detail.signatures)
        lead = detail.audit.lead_auditor
        return (SignatureEntry(name=lead, role=_("Lead auditor"), date="", place=""),) if lead else ()

    def _distribution(self) -> tuple[Person, ...]:
        organisation = self.s.organisation
        audit = self.s.detail.audit
        people: list[Person] = []
        contact = " ".join(organisation.contact.split())
        if contact:
            name, _sep, function = contact.partition(",")
            role = f"{function.strip()}, {organisation.name}" if function.strip() else organisation.name
            people.append(Person(name.strip(), role))
        if audit.lead_auditor:
            people.append(Person(audit.lead_auditor, _("Lead auditor")))
        people += self._team()
        seen: set[str] = set()
        unique = []
        for person in people:
            if person.name and person.name.casefold() not in seen:
                seen.add(person.name.casefold())
                unique.append(person)
        return tuple(unique)

