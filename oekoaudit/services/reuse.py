"""Reuse of what is already known: carry-over into a new audit, gap to another scheme, comparison
of two audits, and the award rules of a scheme."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from oekoaudit.domain.audit import AuditDetail
from oekoaudit.domain.award import AwardResult, evaluate_award
from oekoaudit.domain.checklist import Checklist
from oekoaudit.domain.finding import Finding
from oekoaudit.domain.mapping import Link, MappingIndex
from oekoaudit.domain.programme import Measure
from oekoaudit.domain.reuse import ChangeKind, ComparedItem, Gap, carry_answers, carry_target, compare, gap
from oekoaudit.errors import N_, UserInputError
from oekoaudit.services.catalogue import CatalogueService
from oekoaudit.storage.repositories import Repository

if TYPE_CHECKING:
    from oekoaudit.services.audits import AuditService
    from oekoaudit.services.measures import MeasureService


class Mappings:
    """The mapping index of the catalogues the app knows, rebuilt when a catalogue changes."""

    def __init__(self, catalogues: CatalogueService) -> None:
        self._catalogues = catalogues
        self._lock = threading.Lock()
        self._built_from: list[Checklist] = []
        self._index: MappingIndex | None = None

    def index(self) -> MappingIndex:
        # the catalogue service hands out the same objects until a file changes
        checklists = self._catalogues.checklists()
        with self._lock:
            same = len(checklists) == len(self._built_from) and all(
                a is b for a, b in zip(checklists, self._built_from, strict=True))
            if self._index is None or not same:
                self._index, self._built_from = MappingIndex(checklists), checklists
            return self._index

    def links(self, source_id: str, source_modules: tuple[str, ...], target_id: str,
              target_modules: tuple[str, ...] = ()) -> list[Link]:
        """Links from one audit's checklist to another's, including catalogues added to both."""
        index = self.index()
        links = index.links(source_id, target_id)
        for module in set(source_modules) & ({target_id} | set(target_modules)):
            links += index.links(module, module)
        for module in set(source_modules) - set(target_modules) - {target_id}:
            links += index.links(module, target_id)
        for module in set(target_modules) - set(source_modules) - {source_id}:
            links += index.links(source_id, module)
        return links


def by_target(links: list[Link]) -> dict[str, list[Link]]:
    grouped: dict[str, list[Link]] = {}
    for link in links:
        grouped.setdefault(link.target_key, []).append(link)
    return grouped


def by_source(links: list[Link]) -> dict[str, list[Link]]:
    grouped: dict[str, list[Link]] = {}
    for link in links:
        grouped.setdefault(link.source_key, []).append(link)
    return grouped


@dataclass(frozen=True, slots=True)
class CarryReport:
    """What a new audit took over from an earlier one."""

    source_audit_id: str
    answers: int
    answers_with_result: int
    findings: int
    evidence: int
    #: open measures (planned, in progress) continued in the new audit
    measures: int = 0


def carry_over(repo: Repository, source: AuditDetail, target_audit_id: str, target: Checklist,
               links: list[Link], source_label: str) -> CarryReport:
    """Copy answers, notes, evidence links, open findings and open measures of ``source`` into a
    new audit (inside the caller's write transaction: all of it lands, or none).

    Open findings and open measures (planned, in progress) are *continued*, not moved: the new
    audit gets a copy that points to the original (``carried_from_finding_id`` /
    ``carried_from_measure_id``), the earlier audit keeps what it recorded (it may be signed).
    A continued measure keeps its fields and evidence; its links to findings that were carried
    over too point to their continuations."""
    carried = carry_answers(source.checklist, source.answers, target, by_target(links), source_label)
    source_answer_ids = repo.answer_ids(source.audit.id)
    evidence = repo.evidence_links("answer", list(source_answer_ids.values()))
    copies: dict[str, str] = {}

    def copy(evidence_ids: list[str], kind: str, target_id: str) -> None:
        for position, evidence_id in enumerate(evidence_ids):
            if evidence_id not in copies:
                copies[evidence_id] = repo.copy_evidence(evidence_id, target_audit_id)
            repo.link_evidence(copies[evidence_id], kind, target_id, position)

    with_result = 0
    open_key = target.scale.open_option.key
    for proposal in carried:
        answer_id = repo.carry_answer(target_audit_id, proposal.target_key, proposal.result, proposal.note)
        with_result += proposal.result != open_key
        ids = [e for key in proposal.source_keys for e in evidence.get(source_answer_ids.get(key, ""), [])]
        copy(list(dict.fromkeys(ids)), "answer", answer_id)

    sources = by_source(links)
    open_findings = [f for f in source.findings if f.is_open]
    finding_evidence = repo.evidence_links("finding", [f.id for f in open_findings])
    continued: dict[str, str] = {}
    for finding in open_findings:
        key = carry_target(sources, finding.item_key)
        item = target.item(key) if key else None
        new = repo.add_finding(target_audit_id, **_finding_fields(finding), item_key=item.key if item else None,
                               requirement_ref=target.cite(item.ref) if item
                               else finding.requirement_ref,
                               carried_from_finding_id=finding.id)
        continued[finding.id] = new.id
        copy(finding_evidence.get(finding.id, []), "finding", new.id)

    open_measures = [m for m in repo.measures(audit_id=source.audit.id) if m.is_open]
    measure_evidence = repo.evidence_links("measure", [m.id for m in open_measures])
    for measure in open_measures:
        new_measure = repo.add_measure(measure.organisation_id, measure.title, **_measure_fields(measure),
                                       audit_id=target_audit_id, carried_from_measure_id=measure.id,
                                       finding_ids=[continued.get(f, f) for f in measure.finding_ids])
        copy(measure_evidence.get(measure.id, []), "measure", new_measure.id)
    return CarryReport(source.audit.id, len(carried), with_result, len(open_findings), len(copies),
                       len(open_measures))


def _measure_fields(m: Measure) -> dict[str, object]:
    return {
        "site_id": m.site_id, "description": m.description, "area": m.area, "owner": m.owner,
        "start_date": m.start_date, "due_date": m.due_date, "status": m.status.value, "priority": m.priority,
        "investment_eur": m.investment_eur, "savings_eur_once": m.savings_eur_once,
        "savings_eur_per_year": m.savings_eur_per_year, "savings_kwh_per_year": m.savings_kwh_per_year,
        "energy_carrier": m.energy_carrier, "savings_m3_per_year": m.savings_m3_per_year,
        "savings_t_per_year": m.savings_t_per_year, "savings_t_co2_per_year": m.savings_t_co2_per_year,
        "completed_on": m.completed_on,
    }


def _finding_fields(f: Finding) -> dict[str, object]:
    return {
        "finding_class": f.finding_class.value, "statement": f.statement,
        "objective_evidence": f.objective_evidence, "correction": f.correction, "root_cause": f.root_cause,
        "corrective_action": f.corrective_action, "owner": f.owner, "due_date": f.due_date,
        "status": f.status.value, "verified_on": f.verified_on, "verified_by": f.verified_by,
        "verification_result": f.verification_result,
    }


@dataclass(frozen=True, slots=True)
class Comparison:
    earlier: AuditDetail
    later: AuditDetail
    items: tuple[ComparedItem, ...]

    @property
    def counts(self) -> dict[ChangeKind, int]:
        counts = {kind: 0 for kind in ChangeKind}
        for row in self.items:
            counts[row.change] += 1
        return counts


class ReuseService:
    """Gap, comparison and award views over stored audits."""

    def __init__(self, audits: AuditService, catalogues: CatalogueService, mappings: Mappings,
                 measures: MeasureService) -> None:
        self._audits = audits
        self._catalogues = catalogues
        self._mappings = mappings
        self._measures = measures

    def gap(self, audit_ref: str, target_catalogue: str) -> tuple[AuditDetail, Checklist, Gap]:
        """What is missing to reach ``target_catalogue``, from the audit's answers and the mappings."""
        detail = self._audits.detail(audit_ref)
        target = self._catalogues.get(target_catalogue)
        links = self._mappings.links(detail.audit.catalogue_id, detail.audit.modules, target.id)
        return detail, target, gap(detail.checklist, detail.answers, target, by_target(links))

    def compare(self, audit_a: str, audit_b: str) -> Comparison:
        """Audit N against audit N−1 item by item; the earlier audit (by date) comes first."""
        a, b = self._audits.detail(audit_a), self._audits.detail(audit_b)
        if a.audit.id == b.audit.id:
            raise UserInputError(N_("Choose two different audits to compare."))
        if _when(b) < _when(a):
            a, b = b, a
        links = self._mappings.links(a.audit.catalogue_id, a.audit.modules, b.audit.catalogue_id, b.audit.modules)
        rows = compare(a.checklist, a.answers, b.checklist, b.answers, links)
        return Comparison(earlier=a, later=b, items=tuple(rows))

    def award(self, audit_ref: str) -> tuple[AuditDetail, AwardResult | None]:
        detail = self._audits.detail(audit_ref)
        return detail, self.award_for(detail)

    def award_for(self, detail: AuditDetail) -> AwardResult | None:
        """The award checks of an audit already read (only the organisation's measures are read)."""
        if detail.checklist.award is None:
            return None
        measures = self._measures.list(detail.audit.organisation_id)
        # the per-year rule (QuB) is checked for the audit's own year
        return evaluate_award(detail.checklist, detail.answers, measures, years=(_when(detail)[0].year,))


def _when(detail: AuditDetail) -> tuple:
    audit = detail.audit
    return (audit.start_date or audit.created_at.date(), audit.created_at)

