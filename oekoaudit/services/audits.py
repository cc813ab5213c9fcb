"""Organisations, audits, answers and findings: the use cases of the foundation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from oekoaudit.catalogue.loader import with_module
from oekoaudit.domain.audit import (
    Audit,
    AuditDetail,
    AuditKind,
    AuditStatus,
    AuditSummary,
    Organisation,
    Participant,
    Signature,
    Signer,
    Site,
    TeamMember,
    TeamRole,
)
from oekoaudit.domain.changes import Changes
from oekoaudit.domain.checklist import AnswerOption, Checklist, Item
from oekoaudit.domain.finding import NONCONFORMITIES, ActionStatus, Finding, FindingClass, OpenAction
from oekoaudit.domain.lifecycle import TRANSITIONS, CloseProblem, ProblemKind, close_problems
from oekoaudit.domain.reuse import assessed_rating
from oekoaudit.domain.scoring import audit_progress
from oekoaudit.errors import (
    N_,
    AmbiguousError,
    CloseRefusedError,
    NotFoundError,
    ReadOnlyError,
    UserInputError,
)
from oekoaudit.i18n import _
from oekoaudit.services import labels
from oekoaudit.services.catalogue import CatalogueService
from oekoaudit.services.reuse import Mappings, carry_over
from oekoaudit.storage.repositories import Repository
from oekoaudit.storage.store import Store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

E = TypeVar("E", bound=StrEnum)

MAX_NAME = 200
MAX_NOTE = 100_000
MAX_SIGNATURE_PNG = 2_000_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

#: Plan fields that are free text, and their labels in messages.
PLAN_TEXT_FIELDS = ("objectives", "scope", "criteria", "location")

#: The follow-up part of a finding: still editable after the audit was signed and closed
#: (ISO 19011 6.7 — corrective actions are verified after the report).
FOLLOW_UP_FIELDS = frozenset({"correction", "root_cause", "corrective_action", "owner", "due_date", "status",
                              "verified_on", "verified_by", "verification_result"})
FINDING_FIELDS = FOLLOW_UP_FIELDS | {"finding_class", "requirement_ref", "statement", "objective_evidence",
                                     "item_key"}

#: Further spellings accepted for the shipped scales' answers (command line, German users);
#: each names the option keys it may stand for, the first one the checklist's scale has wins.
RESULT_ALIASES: dict[str, tuple[str, ...]] = {
    "ok": ("conform", "fulfilled"), "konform": ("conform",), "c": ("conform",),
    "minor": ("minor_nc",), "minor-nc": ("minor_nc",), "nebenabweichung": ("minor_nc",),
    "major": ("major_nc",), "major-nc": ("major_nc",), "hauptabweichung": ("major_nc",),
    "obs": ("observation",), "beobachtung": ("observation",),
    "ofi": ("improvement",), "opportunity": ("improvement",), "verbesserung": ("improvement",),
    "na": ("not_applicable", "not_relevant"), "n/a": ("not_applicable", "not_relevant"),
    "not-applicable": ("not_applicable", "not_relevant"), "nicht-relevant": ("not_relevant", "not_applicable"),
    "yes": ("fulfilled",), "ja": ("fulfilled",), "erfüllt": ("fulfilled",),
    "partly": ("partly_fulfilled",), "partial": ("partly_fulfilled",), "teilweise": ("partly_fulfilled",),
    "no": ("not_fulfilled",), "nein": ("not_fulfilled",), "nicht-erfüllt": ("not_fulfilled",),
    "offen": ("open",),
}

DEFAULT_SITE_NAME = N_("Main site")


def _clean_name(value: str, what: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise UserInputError(N_("The {what} must not be empty."), what=what)
    if len(name) > MAX_NAME:
        raise UserInputError(N_("The {what} is too long (at most {max} characters)."), what=what, max=MAX_NAME)
    return name


class _StoreService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def _repo(self, session: Session) -> Repository:
        return Repository(session, self._store.device_id, self._store.review)


class OrganisationService(_StoreService):
    def list(self) -> list[Organisation]:
        with self._store.read() as s:
            return self._repo(s).organisations()

    def sites(self, organisation_id: str | None = None) -> list[Site]:
        with self._store.read() as s:
            return self._repo(s).sites(organisation_id)

    def create(self, name: str, address: str = "", contact: str = "", notes: str = "",
               site_name: str | None = None) -> Organisation:
        """A new organisation with its first site (named ``site_name`` or "Main site")."""
        name = _clean_name(name, _("organisation name"))
        site = _clean_name(site_name, _("site name")) if site_name else _(DEFAULT_SITE_NAME)
        with self._store.write() as s:
            repo = self._repo(s)
            if any(o.name.casefold() == name.casefold() for o in repo.organisations()):
                raise UserInputError(N_("An organisation named {name} already exists."), name=name)
            organisation = repo.add_organisation(name, address=address, contact=contact, notes=notes)
            repo.add_site(organisation.id, site)
            return organisation

    def find(self, name_or_id: str) -> Organisation | None:
        wanted = " ".join(name_or_id.split()).casefold()
        for organisation in self.list():
            if organisation.id == name_or_id or organisation.name.casefold() == wanted:
                return organisation
        return None

    def ensure(self, name: str) -> tuple[Organisation, bool]:
        """The organisation of that name (or id), created if there is none; and whether it was created."""
        found = self.find(name)
        if found is not None:
            return found, False
        return self.create(name), True

    def add_site(self, organisation_id: str, name: str, address: str = "") -> Site:
        name = _clean_name(name, _("site name"))
        with self._store.write() as s:
            repo = self._repo(s)
            if repo.organisation(organisation_id) is None:
                raise NotFoundError(N_("There is no organisation {id}."), id=organisation_id)
            return repo.add_site(organisation_id, name, address=address)


class AuditService(_StoreService):
    def __init__(self, store: Store, catalogues: CatalogueService, mappings: Mappings | None = None) -> None:
        super().__init__(store)
        self._catalogues = catalogues
        self._mappings = mappings or Mappings(catalogues)

    def _checklist(self, repo: Repository, fingerprint: str) -> Checklist:
        cached = self._catalogues.cached_snapshot(fingerprint)
        if cached is not None:
            return cached
        content = repo.snapshot(fingerprint)
        if content is None:
            raise NotFoundError(N_("The checklist snapshot {id} of this audit is missing."), id=fingerprint[:12])
        return self._catalogues.from_snapshot(fingerprint, content)

    # ---- queries ------------------------------------------------------------------------

    def resolve(self, audit_ref: str) -> str:
        """The full id of an audit given its id or a unique prefix of at least 4 characters."""
        ref = audit_ref.strip().lower()
        if _is_uuid(ref):
            return ref  # a full id needs no look-up; whoever uses it checks that it exists
        if len(ref) < 4:
            raise UserInputError(N_("An audit id needs at least 4 characters: {ref}"), ref=audit_ref)
        with self._store.read() as s:
            ids = self._repo(s).audit_ids(ref)
        if not ids:
            raise NotFoundError(N_("There is no audit {ref}."), ref=audit_ref)
        if ref in ids:
            return ref
        if len(ids) > 1:
            raise AmbiguousError(N_("{ref} matches {count} audits; give more of the id."), ref=audit_ref,
                                 count=len(ids))
        return ids[0]

    def list(self, organisation_id: str | None = None) -> list[AuditSummary]:
        with self._store.read() as s:
            repo = self._repo(s)
            rows = repo.audits()
            counts = repo.answer_results()
            checklists = {fp: self._checklist(repo, fp) for fp in {fp for _a, fp in rows}}
        summaries = []
        for audit, fp in rows:
            if organisation_id is not None and audit.organisation_id != organisation_id:
                continue
            checklist = checklists[fp]
            audit = _with_titles(audit, checklist)
            open_key = checklist.scale.open_option.key
            item_keys_total = sum(1 for _ in checklist.items())
            answered = sum(n for result, n in counts.get(audit.id, {}).items() if result != open_key)
            summaries.append(AuditSummary(audit=audit, answered=min(answered, item_keys_total),
                                          total=item_keys_total))
        return summaries

    def get(self, audit_ref: str) -> Audit:
        """The audit's own fields (no answers, findings or progress: one row and the cached snapshot)."""
        audit_id = self.resolve(audit_ref)
        with self._store.read() as s:
            repo = self._repo(s)
            found = repo.audit(audit_id)
            if found is None:
                raise NotFoundError(N_("There is no audit {ref}."), ref=audit_ref)
            audit, fingerprint = found
            return _with_titles(audit, self._checklist(repo, fingerprint))

    def detail(self, audit_ref: str) -> AuditDetail:
        audit_id = self.resolve(audit_ref)
        with self._store.read() as s:
            return self._detail(self._repo(s), audit_id, audit_ref)

    def _detail(self, repo: Repository, audit_id: str, audit_ref: str) -> AuditDetail:
        found = repo.audit(audit_id)
        if found is None:
            raise NotFoundError(N_("There is no audit {ref}."), ref=audit_ref)
        audit, fingerprint = found
        checklist = self._checklist(repo, fingerprint)
        answers = repo.answers(audit_id, checklist.scale)
        ratings = {key: assessed_rating(a) for key, a in answers.items()}
        return AuditDetail(audit=_with_titles(audit, checklist), checklist=checklist, answers=answers,
                           findings=tuple(repo.findings(audit_id)), progress=audit_progress(checklist, ratings),
                           signatures=tuple(repo.signatures(audit_id)))

    def findings(self, audit_ref: str) -> list[Finding]:
        return list(self.detail(audit_ref).findings)

    def close_problems(self, audit_ref: str) -> list[CloseProblem]:
        """What stands in the way of signing and closing (empty: the audit may be closed)."""
        return close_problems(self.detail(audit_ref))

    # ---- commands -----------------------------------------------------------------------

    def create(self, organisation_id: str, catalogue: str, kind: AuditKind | str = AuditKind.INTERNAL,
               title: str = "", site_id: str | None = None, lead_auditor: str = "",
               start_date: date | None = None, scope: str = "", objectives: str = "",
               carry_from: str | None = None, modules: Sequence[str] = ()) -> Audit:
        """A new audit; ``carry_from`` (an earlier audit of the same organisation) hands over its
        answers, notes, evidence links and open findings through the catalogue mappings, each
        answer marked as carried over until it is confirmed. ``modules`` are catalogues added to
        the checklist (the legal register)."""
        checklist = self._catalogues.get(catalogue)
        module_ids: list[str] = []
        for ref in modules:
            module = self._catalogues.get(ref)
            if module.id in module_ids or module.id == checklist.id:
                continue
            checklist = with_module(checklist, module)
            module_ids.append(module.id)
        kind = parse_kind(kind)
        snapshot = CatalogueService.snapshot_json(checklist)
        source_id = self.resolve(carry_from) if carry_from else None
        with self._store.write() as s:
            repo = self._repo(s)
            organisation = repo.organisation(organisation_id)
            if organisation is None:
                raise NotFoundError(N_("There is no organisation {id}."), id=organisation_id)
            source = self._detail(repo, source_id, carry_from or "") if source_id else None
            if source is not None and source.audit.organisation_id != organisation_id:
                raise UserInputError(N_("The audit {ref} belongs to {organisation}; answers are only carried over "
                                        "between audits of the same organisation."),
                                     ref=carry_from, organisation=source.audit.organisation_name)
            sites = repo.sites(organisation_id)
            if site_id is None:
                site = sites[0] if sites else repo.add_site(organisation_id, _(DEFAULT_SITE_NAME))
            else:
                site = next((x for x in sites if x.id == site_id), None)
                if site is None:
                    raise NotFoundError(N_("There is no site {id} at {organisation}."), id=site_id,
                                        organisation=organisation.name)
            repo.keep_snapshot(checklist.fingerprint, checklist.id, checklist.edition, snapshot)
            audit_id = repo.add_audit(
                site.id, checklist.id, checklist.edition, checklist.fingerprint,
                title=" ".join(title.split())[:300], kind=kind.value, status=AuditStatus.IN_PROGRESS.value,
                start_date=start_date or date.today(), lead_auditor=lead_auditor, scope=scope,
                objectives=objectives, modules=module_ids,
                carried_from_audit_id=source.audit.id if source is not None else None,
            )
            if source is not None:
                links = self._mappings.links(source.audit.catalogue_id, source.audit.modules, checklist.id,
                                             tuple(module_ids))
                carry_over(repo, source, audit_id, checklist, links, source.checklist.id)
        return self.get(audit_id)

    def add_module(self, audit_ref: str, catalogue: str) -> Changes:
        """Add a catalogue's items to the audit's checklist (the legal register); answers stay."""
        audit_id = self.resolve(audit_ref)
        module = self._catalogues.get(catalogue)
        with self._store.write() as s:
            repo = self._repo(s)
            audit, checklist = self._writable(repo, audit_id)
            if module.id in audit.modules or module.id == audit.catalogue_id:
                raise UserInputError(N_("The audit already contains the catalogue {id}."), id=module.id)
            combined = with_module(checklist, module)
            repo.keep_snapshot(combined.fingerprint, combined.id, combined.edition,
                               CatalogueService.snapshot_json(combined))
            repo.update_audit(audit_id, catalogue_fingerprint=combined.fingerprint,
                              modules=[*audit.modules, module.id])
        return Changes(audits=True, answers=True, audit_id=audit_id)

    def confirm(self, audit_ref: str, item_keys: Sequence[str], confirmed: bool = True) -> Changes:
        """Confirm carried-over answers as they are (changing the answer confirms it too);
        ``confirmed=False`` marks them as carried over again (undo of a confirmation)."""
        audit_id = self.resolve(audit_ref)
        with self._store.write() as s:
            repo = self._repo(s)
            _audit, checklist = self._writable(repo, audit_id)
            keys = []
            for ref in item_keys:
                item = find_item(checklist, ref)
                if item is None:
                    raise NotFoundError(N_("The checklist {catalogue} has no item {key}."),
                                        catalogue=checklist.id, key=ref)
                keys.append(item.key)
            changed = repo.set_carried_over(audit_id, keys, not confirmed)
        return Changes(answers=bool(changed), audit_id=audit_id, item_keys=tuple(changed))

    def _writable(self, repo: Repository, audit_id: str) -> tuple[Audit, Checklist]:
        found = repo.audit(audit_id)
        if found is None:
            raise NotFoundError(N_("There is no audit {ref}."), ref=audit_id)
        audit, fingerprint = found
        if audit.status is AuditStatus.CLOSED:
            raise ReadOnlyError(N_("The audit is closed and cannot be changed."))
        return audit, self._checklist(repo, fingerprint)

    def answer(self, audit_ref: str, item_key: str, result: str | None, note: str | None = None) -> Changes:
        """Record an item's result and/or note (``None`` leaves that part as it is)."""
        audit_id = self.resolve(audit_ref)
        if note is not None and len(note) > MAX_NOTE:
            raise UserInputError(N_("The note is too long (at most {max} characters)."), max=MAX_NOTE)
        with self._store.write() as s:
            repo = self._repo(s)
            _audit, checklist = self._writable(repo, audit_id)
            item = find_item(checklist, item_key)
            if item is None:
                raise NotFoundError(N_("The checklist {catalogue} has no item {key}."), catalogue=checklist.id,
                                    key=item_key)
            option = parse_result(checklist, result) if result is not None else None
            changed = repo.set_answer(audit_id, item.key, option.key if option else None, note,
                                      checklist.scale.open_option.key)
        return Changes(answers=changed, audit_id=audit_id, item_keys=(item.key,) if changed else ())

    def add_finding(self, audit_ref: str, finding_class: FindingClass | str, statement: str,
                    item_key: str | None = None, requirement_ref: str | None = None, **fields: Any) -> Finding:
        """A new finding, on an item (its reference filled in) or standing alone.

        ``fields`` are further finding fields (objective_evidence, corrective_action, owner, due_date, …).
        """
        audit_id = self.resolve(audit_ref)
        unknown = set(fields) - FINDING_FIELDS
        if unknown:
            raise TypeError(f"unknown finding fields: {sorted(unknown)}")
        values = _finding_values({"finding_class": finding_class, "statement": statement, **fields})
        with self._store.write() as s:
            repo = self._repo(s)
            _audit, checklist = self._writable(repo, audit_id)
            ref = (requirement_ref or "").strip()
            stored_key = None
            if item_key is not None:
                item = find_item(checklist, item_key)
                if item is None:
                    raise NotFoundError(N_("The checklist {catalogue} has no item {key}."),
                                        catalogue=checklist.id, key=item_key)
                ref = ref or checklist.cite(item.ref)
                stored_key = item.key
            _check_finding(values)
            return repo.add_finding(audit_id, item_key=stored_key, requirement_ref=ref[:MAX_NAME], **values)

    def finding(self, finding_ref: str) -> Finding:
        finding_id = self.resolve_finding(finding_ref)
        with self._store.read() as s:
            found = self._repo(s).finding(finding_id)
        if found is None:
            raise NotFoundError(N_("There is no finding {ref}."), ref=finding_ref)
        return found

    def resolve_finding(self, finding_ref: str) -> str:
        """The full id of a finding given its id or a unique prefix of at least 4 characters."""
        ref = finding_ref.strip().lower()
        if _is_uuid(ref):
            return ref
        if len(ref) < 4:
            raise UserInputError(N_("A finding id needs at least 4 characters: {ref}"), ref=finding_ref)
        with self._store.read() as s:
            ids = self._repo(s).finding_ids(ref)
        if not ids:
            raise NotFoundError(N_("There is no finding {ref}."), ref=finding_ref)
        if len(ids) > 1:
            raise AmbiguousError(N_("{ref} matches {count} findings; give more of the id."), ref=finding_ref,
                                 count=len(ids))
        return ids[0]

    def update_finding(self, finding_ref: str, **fields: Any) -> Finding:
        """Change fields of a finding. On a closed audit only the follow-up (corrective action,
        verification) may change; the finding itself is part of the signed report."""
        finding_id = self.resolve_finding(finding_ref)
        unknown = set(fields) - FINDING_FIELDS
        if unknown:
            raise TypeError(f"unknown finding fields: {sorted(unknown)}")
        values = _finding_values(fields)
        with self._store.write() as s:
            repo = self._repo(s)
            current = repo.finding(finding_id)
            if current is None:
                raise NotFoundError(N_("There is no finding {ref}."), ref=finding_ref)
            found = repo.audit(current.audit_id)
            assert found is not None
            audit, fingerprint = found
            if audit.status is AuditStatus.CLOSED and set(values) - FOLLOW_UP_FIELDS:
                raise ReadOnlyError(N_("The audit is closed: only the corrective action and its verification "
                                       "can still be changed."))
            if "item_key" in values and values["item_key"] is not None:
                checklist = self._checklist(repo, fingerprint)
                item = find_item(checklist, values["item_key"])
                if item is not None:
                    values["item_key"] = item.key
                else:
                    raise NotFoundError(N_("The checklist {catalogue} has no item {key}."),
                                        catalogue=checklist.id, key=values["item_key"])
            merged = {k: getattr(current, k) for k in FINDING_FIELDS} | values
            _check_finding(merged)
            repo.update_finding(finding_id, **{k: (v.value if isinstance(v, StrEnum) else v)
                                               for k, v in values.items()})
            updated = repo.finding(finding_id)
        assert updated is not None
        return updated

    def delete_finding(self, finding_ref: str) -> Changes:
        """Remove a finding (kept as a tombstone, so the removal travels and can be undone)."""
        return self._set_finding_deleted(finding_ref, deleted=True)

    def restore_finding(self, finding_ref: str) -> Changes:
        """Bring back a removed finding (undo of a removal, redo of a creation)."""
        return self._set_finding_deleted(finding_ref, deleted=False)

    def _set_finding_deleted(self, finding_ref: str, deleted: bool) -> Changes:
        finding_id = finding_ref.strip().lower()
        with self._store.write() as s:
            repo = self._repo(s)
            current = repo.finding(finding_id, include_deleted=True)
            if current is None:
                raise NotFoundError(N_("There is no finding {ref}."), ref=finding_ref)
            self._writable(repo, current.audit_id)
            repo.set_deleted("finding", finding_id, deleted)
        return Changes(findings=True, audit_id=current.audit_id,
                       item_keys=(current.item_key,) if current.item_key else ())

    def open_actions(self, organisation_id: str | None = None, today: date | None = None) -> list[OpenAction]:
        """Every finding across audits (of one organisation) whose corrective action is not verified;
        overdue ones first, then by due date."""
        today = today or date.today()
        with self._store.read() as s:
            repo = self._repo(s)
            audits = {a.id: a for a, _fp in repo.audits()
                      if organisation_id is None or a.organisation_id == organisation_id}
            findings = repo.open_findings(list(audits))
            superseded = repo.superseded_finding_ids()
        actions = []
        for finding in findings:
            if not finding.is_open or finding.id in superseded:
                continue
            audit = audits[finding.audit_id]
            actions.append(OpenAction(finding=finding, audit_id=audit.id, audit_title=audit.title,
                                      audit_date=audit.start_date, organisation_id=audit.organisation_id,
                                      organisation_name=audit.organisation_name,
                                      overdue=finding.is_overdue(today)))
        actions.sort(key=lambda a: (not a.overdue, a.finding.due_date or date.max,
                                    a.audit_date or date.min, a.finding.created_at or a.finding.due_date or 0))
        return actions

    # ---- the audit plan -----------------------------------------------------------------

    def update_plan(self, audit_ref: str, **fields: Any) -> Changes:
        """Change the audit plan: title, kind, objectives, scope, criteria, location, start_date,
        end_date, lead_auditor, team (TeamMember…), people_met (Participant…)."""
        audit_id = self.resolve(audit_ref)
        values = _plan_values(fields)
        with self._store.write() as s:
            repo = self._repo(s)
            audit, _checklist = self._writable(repo, audit_id)
            start = values.get("start_date", audit.start_date)
            end = values.get("end_date", audit.end_date)
            if start is not None and end is not None and end < start:
                raise UserInputError(N_("The audit cannot end ({end}) before it starts ({start})."),
                                     start=start.isoformat(), end=end.isoformat())
            changed = repo.update_audit(audit_id, **values)
        return Changes(audits=changed, audit_id=audit_id)

    # ---- lifecycle ----------------------------------------------------------------------

    def set_status(self, audit_ref: str, status: AuditStatus | str) -> Changes:
        """Move the audit along planned ⇄ in progress ⇄ in review (closing is :meth:`close`)."""
        audit_id = self.resolve(audit_ref)
        wanted = _parse_enum(AuditStatus, status, N_("Unknown status {value}; use one of: {known}."))
        with self._store.write() as s:
            repo = self._repo(s)
            audit, _checklist = self._writable(repo, audit_id)
            if wanted is audit.status:
                return Changes(audit_id=audit_id)
            if wanted is AuditStatus.CLOSED:
                raise UserInputError(N_("An audit is closed by signing it."))
            if wanted not in TRANSITIONS[audit.status]:
                raise UserInputError(N_("An audit cannot go from {old} to {new}."),
                                     old=labels.status(audit.status), new=labels.status(wanted))
            repo.update_audit(audit_id, status=wanted.value)
        return Changes(audits=True, audit_id=audit_id)

    def close(self, audit_ref: str, signed_by: str, role: str, place: str = "") -> Signature:
        """Sign by typed name and close the audit (the command line's ``audit close``)."""
        return self.sign_and_close(audit_ref, [Signer(signed_by, role, place)])[0]

    def sign_and_close(self, audit_ref: str, signers: Sequence[Signer]) -> list[Signature]:
        """Sign (each signer drawn or typed) and close the audit; refused with the list of what is missing."""
        audit_id = self.resolve(audit_ref)
        if not signers:
            raise UserInputError(N_("Who signs? The name must not be empty."))
        cleaned = [_clean_signer(signer) for signer in signers]
        with self._store.write() as s:
            repo = self._repo(s)
            audit, _checklist = self._writable(repo, audit_id)
            if audit.status is AuditStatus.PLANNED:
                raise UserInputError(N_("The audit has not started yet; it cannot be closed."))
            detail = self._detail(repo, audit_id, audit_ref)
            problems = close_problems(detail)
            if problems:
                raise CloseRefusedError(problems, describe_close_problems(problems))
            signatures = [repo.add_signature(audit_id, signer.name, signer.role, signer.place,
                                             "drawn" if signer.image_png else "typed", signer.image_png)
                          for signer in cleaned]
            repo.update_audit(audit_id, status=AuditStatus.CLOSED.value, end_date=audit.end_date or date.today())
        return signatures

    def reopen(self, audit_ref: str, reason: str) -> Changes:
        """Open a closed audit again; the reason goes into the audit trail, the signatures lapse."""
        audit_id = self.resolve(audit_ref)
        reason = (reason or "").strip()
        if not reason:
            raise UserInputError(N_("Reopening a closed audit needs a reason."))
        with self._store.write() as s:
            repo = self._repo(s)
            found = repo.audit(audit_id)
            if found is None:
                raise NotFoundError(N_("There is no audit {ref}."), ref=audit_ref)
            audit, _fp = found
            if audit.status is not AuditStatus.CLOSED:
                raise UserInputError(N_("The audit is not closed."))
            repo.log_event("audit", audit_id, "reopen_reason", reason)
            repo.retire_signatures(audit_id)
            repo.update_audit(audit_id, status=AuditStatus.IN_PROGRESS.value)
        return Changes(audits=True, audit_id=audit_id)

    def change_log(self, entity_id: str) -> list[tuple]:
        with self._store.read() as s:
            return self._repo(s).change_log(entity_id)


_FIELD_LABELS = {
    "lead_auditor": N_("lead auditor"),
    "scope": N_("scope"),
    "start_date": N_("start date"),
}


def describe_close_problems(problems: list[CloseProblem], limit: int = 8) -> str:
    """One line in the user's language: what is missing before the audit can be closed."""

    def keys(kind: ProblemKind) -> list[str]:
        return [p.subject for p in problems if p.kind is kind]

    def shortened(values: list[str]) -> str:
        shown = ", ".join(values[:limit])
        return shown + (" " + _("and {n} more").format(n=len(values) - limit) if len(values) > limit else "")

    parts = []
    if fields := keys(ProblemKind.FIELD_EMPTY):
        parts.append(_("empty: {fields}").format(fields=", ".join(_(_FIELD_LABELS.get(f, f)) for f in fields)))
    if items := keys(ProblemKind.ITEM_OPEN):
        parts.append(_("not assessed: {items}").format(items=shortened(items)))
    if carried := keys(ProblemKind.CARRIED_UNCONFIRMED):
        parts.append(_("carried over, not yet confirmed: {items}").format(items=shortened(carried)))
    if majors := keys(ProblemKind.MAJOR_WITHOUT_FINDING):
        parts.append(_("major nonconformity without a finding: {items}").format(items=shortened(majors)))
    if incomplete := keys(ProblemKind.FINDING_INCOMPLETE):
        parts.append(_("nonconformity without a statement: {count} findings").format(count=len(incomplete)))
    return "; ".join(parts)


def find_item(checklist: Checklist, key_or_ref: str) -> Item | None:
    """The item with this key, or else the one item with this reference ("1.4" for "qub.1.4")."""
    wanted = key_or_ref.strip()
    item = checklist.item(wanted)
    if item is None and wanted:
        matches = [i for i in checklist.items() if i.ref == wanted]
        item = matches[0] if len(matches) == 1 else None
    return item


def _text(value: Any, what: str, limit: int = MAX_NOTE) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise UserInputError(N_("The {what} is too long (at most {max} characters)."), what=what, max=limit)
    return text


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise UserInputError(N_("Not a date: {value} (use YYYY-MM-DD)."), value=value) from None


_FINDING_TEXT_LABELS = {
    "statement": N_("statement"), "objective_evidence": N_("objective evidence"),
    "correction": N_("correction"), "root_cause": N_("root cause"),
    "corrective_action": N_("corrective action"), "verification_result": N_("verification result"),
    "requirement_ref": N_("requirement reference"), "owner": N_("owner"), "verified_by": N_("verifier"),
}


def _finding_values(fields: dict[str, Any]) -> dict[str, Any]:
    """Fields of a finding, checked one by one and normalised (enums as values, dates as dates)."""
    values: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "finding_class":
            values[key] = _parse_enum(FindingClass, value, N_("Unknown finding class {value}; use one of: {known}."))
        elif key == "status":
            values[key] = _parse_enum(ActionStatus, value, N_("Unknown action status {value}; use one of: {known}."))
        elif key in ("due_date", "verified_on"):
            values[key] = _date(value)
        elif key == "item_key":
            values[key] = (value or "").strip() or None
        else:
            limit = MAX_NAME if key in ("owner", "verified_by", "requirement_ref") else MAX_NOTE
            values[key] = _text(value, _(_FINDING_TEXT_LABELS.get(key, key)), limit)
    return {k: (v.value if isinstance(v, StrEnum) else v) for k, v in values.items()}


def _check_finding(values: dict[str, Any]) -> None:
    """The rules a finding as a whole must follow (ISO 14001 10.2 workflow)."""
    cls = FindingClass(values["finding_class"])
    if cls in NONCONFORMITIES and not (values.get("statement") or "").strip():
        raise UserInputError(N_("A nonconformity needs a statement of what does not conform."))
    if ActionStatus(values.get("status") or ActionStatus.OPEN) is ActionStatus.VERIFIED:
        missing = [_(label) for key, label in (("verified_on", N_("date of verification")),
                                               ("verified_by", N_("verifier")),
                                               ("verification_result", N_("verification result")))
                   if not values.get(key)]
        if missing:
            raise UserInputError(N_("An action counts as verified only with {fields}."), fields=", ".join(missing))
        verified_on = values.get("verified_on")
        if isinstance(verified_on, date) and verified_on > date.today():
            raise UserInputError(N_("The verification date {date} lies in the future."), date=verified_on.isoformat())


def _plan_values(fields: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "title":
            values[key] = " ".join(str(value or "").split())[:300]
        elif key == "kind":
            values[key] = parse_kind(value).value
        elif key in PLAN_TEXT_FIELDS:
            values[key] = _text(value, _(_PLAN_LABELS[key]))
        elif key in ("start_date", "end_date"):
            values[key] = _date(value)
        elif key == "lead_auditor":
            values[key] = _text(" ".join(str(value or "").split()), _("lead auditor"), MAX_NAME)
        elif key == "team":
            values[key] = [_team_entry(m) for m in value or () if _name_of(m)]
        elif key == "people_met":
            values[key] = [_participant_entry(p) for p in value or () if _name_of(p)]
        else:
            raise TypeError(f"unknown audit plan field: {key}")
    return values


_PLAN_LABELS = {"objectives": N_("objectives"), "scope": N_("scope"), "criteria": N_("audit criteria"),
                "location": N_("places")}


def _name_of(entry: Any) -> str:
    name = entry.name if isinstance(entry, TeamMember | Participant) else (entry or {}).get("name", "")
    return " ".join(str(name or "").split())


def _team_entry(entry: TeamMember | dict[str, Any]) -> dict[str, str]:
    role = entry.role if isinstance(entry, TeamMember) else entry.get("role", TeamRole.AUDITOR)
    parsed = _parse_enum(TeamRole, role, N_("Unknown team role {value}; use one of: {known}."))
    return {"name": _text(_name_of(entry), _("name"), MAX_NAME), "role": parsed.value}


def _participant_entry(entry: Participant | dict[str, Any]) -> dict[str, str]:
    function = entry.function if isinstance(entry, Participant) else entry.get("function", "")
    return {"name": _text(_name_of(entry), _("name"), MAX_NAME), "function": _text(function, _("function"), MAX_NAME)}


def _clean_signer(signer: Signer) -> Signer:
    name = " ".join((signer.name or "").split())
    role = " ".join((signer.role or "").split())
    if not name:
        raise UserInputError(N_("Who signs? The name must not be empty."))
    if not role:
        raise UserInputError(N_("In which role is the audit signed? The role must not be empty."))
    image = signer.image_png
    if image is not None and (not image.startswith(PNG_MAGIC) or len(image) > MAX_SIGNATURE_PNG):
        raise UserInputError(N_("The drawn signature of {name} is not a usable picture."), name=name)
    return Signer(name=_text(name, _("name"), MAX_NAME), role=_text(role, _("role"), 64),
                  place=_text(signer.place, _("place"), MAX_NAME), image_png=image)


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _with_titles(audit: Audit, checklist: Checklist) -> Audit:
    return replace(audit, catalogue_title_de=checklist.title.de, catalogue_title_en=checklist.title.en)


def _parse_enum(enum: type[E], value: E | str, template: str) -> E:
    """The member of ``enum`` named by ``value``, or a UserInputError listing the choices."""
    try:
        return enum(value.strip().lower() if isinstance(value, str) else value)
    except ValueError:
        raise UserInputError(template, value=value, known=", ".join(m.value for m in enum)) from None


def parse_kind(value: AuditKind | str) -> AuditKind:
    spelled = value.replace("_", "-") if isinstance(value, str) else value
    return _parse_enum(AuditKind, spelled, N_("Unknown audit kind {value}; use one of: {known}."))


def parse_result(checklist: Checklist, value: str) -> AnswerOption:
    """The scale option meant by ``value``: its key, its shortcut, or a known alias."""
    wanted = value.strip().lower()
    scale = checklist.scale
    option = scale.option(wanted) or scale.by_shortcut(wanted)
    for candidate in RESULT_ALIASES.get(wanted, ()):
        option = option or scale.option(candidate)
    if option is None:
        for candidate in scale.options:
            if wanted in (candidate.label.de.lower(), candidate.label.en.lower()):
                option = candidate
    if option is None:
        raise UserInputError(N_("Unknown result {value}; use one of: {known}."), value=value,
                             known=", ".join(o.key for o in scale.options))
    return option
