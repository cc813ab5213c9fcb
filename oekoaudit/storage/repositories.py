"""Queries and changes on one session, returning domain data (never ORM records).

Every change goes through :meth:`Repository._change`, which bumps the record's revision,
stamps time and device, counts the change in the field's version vector (the basis of merging
packages, ``storage/sync.py``) and writes one change-log row per changed field.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oekoaudit.domain.audit import (
    Answer,
    Audit,
    AuditKind,
    AuditStatus,
    Organisation,
    Participant,
    Signature,
    Site,
    TeamMember,
    TeamRole,
)
from oekoaudit.domain.checklist import AnswerScale, Rating
from oekoaudit.domain.evidence import (
    Evidence,
    EvidenceKind,
    EvidenceLink,
    GeoPoint,
    Source,
    Target,
    parse_shapes,
)
from oekoaudit.domain.finding import ActionStatus, Finding, FindingClass
from oekoaudit.domain.indicators import IndicatorValue
from oekoaudit.domain.merge import CREATED, field_vector
from oekoaudit.domain.programme import Measure, MeasureStatus
from oekoaudit.errors import UserInputError
from oekoaudit.storage.orm import (
    AnswerRecord,
    AuditRecord,
    CatalogueSnapshotRecord,
    ChangeLogRecord,
    EvidenceLinkRecord,
    EvidenceRecord,
    FindingRecord,
    IndicatorValueRecord,
    MeasureRecord,
    OrganisationRecord,
    SignatureRecord,
    SiteRecord,
    SyncMixin,
    new_id,
)
from oekoaudit.storage.types import utcnow


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot log a {type(value).__name__}")


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_plain)


#: Columns of an evidence record that a copy for another audit takes over as they are.
_EVIDENCE_COPIED = ("kind", "width", "height", "camera", "latitude", "longitude", "altitude", "hide_location",
                    "imported_at", "imported_by", "source")

E = TypeVar("E", bound=Enum)


def _enum(enum: type[E], value: str, default: E) -> E:
    try:
        return enum(value)
    except ValueError:
        return default


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    """``IN (…)`` lists short enough for any SQLite build."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _team_member(raw: dict[str, Any]) -> TeamMember:
    try:
        role = TeamRole(raw.get("role", TeamRole.AUDITOR.value))
    except ValueError:
        role = TeamRole.AUDITOR
    return TeamMember(str(raw["name"]), role)


class Repository:
    def __init__(self, session: Session, device_id: str, review: bool = False) -> None:
        self.session = session
        self.device_id = device_id
        #: the store holds a package opened for review: every audit reads as read-only
        self.review = review

    # ---- change tracking --------------------------------------------------------------

    def _log(self, entity: str, entity_id: str, field: str, old: Any, new: Any, revision: int) -> None:
        self.session.add(ChangeLogRecord(
            id=new_id(), at=utcnow(), device_id=self.device_id, entity=entity, entity_id=entity_id,
            field=field, old_value=_json(old), new_value=_json(new), revision=revision,
        ))

    def _add(self, record: SyncMixin, entity: str) -> None:
        now = utcnow()
        record.id = record.id or new_id()
        record.created_at = record.updated_at = now
        record.revision = 1
        record.device_id = self.device_id
        record.versions = {CREATED: {self.device_id: 1}}  # who made it (see domain/merge.py)
        self.session.add(record)
        self.session.flush()
        values = {c.key: getattr(record, c.key) for c in record.__table__.columns  # type: ignore[attr-defined]
                  if c.key not in {"id", "created_at", "updated_at", "revision", "device_id", "deleted_at", "versions"}}
        self._log(entity, record.id, "*", None, values, 1)

    def _change(self, record: SyncMixin, entity: str, **values: Any) -> bool:
        changed = {k: v for k, v in values.items() if getattr(record, k) != v}
        if not changed:
            return False
        record.revision += 1
        record.updated_at = utcnow()
        record.device_id = self.device_id
        versions = dict(record.versions or {})
        for key, value in changed.items():
            self._log(entity, record.id, key, getattr(record, key), value, record.revision)
            setattr(record, key, value)
            vector = field_vector(versions, key)
            vector[self.device_id] = int(vector.get(self.device_id, 0)) + 1
            versions[key] = vector
        record.versions = versions  # a new dict: SQLAlchemy sees the change of a JSON column
        return True

    # ---- organisations and sites ------------------------------------------------------

    @staticmethod
    def _organisation(r: OrganisationRecord) -> Organisation:
        return Organisation(id=r.id, name=r.name, address=r.address, contact=r.contact, notes=r.notes,
                            created_at=r.created_at, updated_at=r.updated_at)

    def add_organisation(self, name: str, address: str = "", contact: str = "", notes: str = "") -> Organisation:
        record = OrganisationRecord(name=name, address=address, contact=contact, notes=notes)
        self._add(record, "organisation")
        return self._organisation(record)

    def organisations(self) -> list[Organisation]:
        rows = self.session.scalars(select(OrganisationRecord).where(OrganisationRecord.deleted_at.is_(None)))
        return sorted((self._organisation(r) for r in rows), key=lambda o: o.name.casefold())

    def organisation(self, organisation_id: str) -> Organisation | None:
        r = self.session.get(OrganisationRecord, organisation_id)
        return None if r is None or r.deleted_at is not None else self._organisation(r)

    def add_site(self, organisation_id: str, name: str, address: str = "", notes: str = "") -> Site:
        record = SiteRecord(organisation_id=organisation_id, name=name, address=address, notes=notes)
        self._add(record, "site")
        return Site(record.id, organisation_id, name, address, notes)

    def sites(self, organisation_id: str | None = None) -> list[Site]:
        query = select(SiteRecord).where(SiteRecord.deleted_at.is_(None))
        if organisation_id is not None:
            query = query.where(SiteRecord.organisation_id == organisation_id)
        rows = self.session.scalars(query.order_by(SiteRecord.created_at))
        return [Site(r.id, r.organisation_id, r.name, r.address, r.notes) for r in rows]

    def site(self, site_id: str) -> Site | None:
        r = self.session.get(SiteRecord, site_id)
        return None if r is None or r.deleted_at is not None else Site(r.id, r.organisation_id, r.name, r.address, r.notes)

    # ---- catalogue snapshots ----------------------------------------------------------

    def keep_snapshot(self, fingerprint: str, catalogue_id: str, edition: str, content: str) -> None:
        if self.session.get(CatalogueSnapshotRecord, fingerprint) is None:
            self.session.add(CatalogueSnapshotRecord(fingerprint=fingerprint, catalogue_id=catalogue_id,
                                                     edition=edition, content=content, created_at=utcnow()))
            self.session.flush()

    def snapshot(self, fingerprint: str) -> str | None:
        r = self.session.get(CatalogueSnapshotRecord, fingerprint)
        return None if r is None else r.content

    # ---- audits -----------------------------------------------------------------------

    def add_audit(self, site_id: str, catalogue_id: str, edition: str, fingerprint: str, **fields: Any) -> str:
        record = AuditRecord(site_id=site_id, catalogue_id=catalogue_id, catalogue_edition=edition,
                             catalogue_fingerprint=fingerprint, team=[], **fields)
        self._add(record, "audit")
        return record.id

    def _audit_query(self) -> Any:
        return (
            select(AuditRecord, SiteRecord, OrganisationRecord)
            .join(SiteRecord, AuditRecord.site_id == SiteRecord.id)
            .join(OrganisationRecord, SiteRecord.organisation_id == OrganisationRecord.id)
            .where(AuditRecord.deleted_at.is_(None))
        )

    def _audit(self, a: AuditRecord, s: SiteRecord, o: OrganisationRecord, titles: tuple[str, str]) -> Audit:
        return Audit(
            id=a.id, organisation_id=o.id, organisation_name=o.name, site_id=s.id, site_name=s.name,
            catalogue_id=a.catalogue_id, catalogue_edition=a.catalogue_edition,
            catalogue_title_de=titles[0], catalogue_title_en=titles[1], title=a.title,
            kind=AuditKind(a.kind), status=AuditStatus(a.status), start_date=a.start_date, end_date=a.end_date,
            lead_auditor=a.lead_auditor, scope=a.scope, objectives=a.objectives,
            created_at=a.created_at, updated_at=a.updated_at, revision=a.revision,
            criteria=a.criteria, location=a.location,
            team=tuple(_team_member(m) for m in a.team or () if isinstance(m, dict) and m.get("name")),
            people_met=tuple(Participant(str(p.get("name", "")), str(p.get("function", "")))
                             for p in a.people_met or () if isinstance(p, dict) and p.get("name")),
            carried_from_audit_id=a.carried_from_audit_id,
            modules=tuple(str(m) for m in a.modules or ()),
            review=self.review,
        )

    def audits(self, titles: dict[str, tuple[str, str]] | None = None) -> list[tuple[Audit, str]]:
        """Every audit (newest first) with the fingerprint of its catalogue snapshot."""
        rows = self.session.execute(self._audit_query().order_by(AuditRecord.created_at.desc())).all()
        titles = titles or {}
        return [(self._audit(a, s, o, titles.get(a.catalogue_fingerprint, ("", ""))), a.catalogue_fingerprint)
                for a, s, o in rows]

    def audit(self, audit_id: str, titles: tuple[str, str] = ("", "")) -> tuple[Audit, str] | None:
        row = self.session.execute(self._audit_query().where(AuditRecord.id == audit_id)).first()
        if row is None:
            return None
        a, s, o = row
        return self._audit(a, s, o, titles), a.catalogue_fingerprint

    def _ids_with_prefix(self, model: type[AuditRecord] | type[FindingRecord] | type[MeasureRecord]
                         | type[EvidenceRecord] | type[IndicatorValueRecord], prefix: str) -> list[str]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = select(model.id).where(model.deleted_at.is_(None), model.id.like(escaped + "%", escape="\\"))
        return list(self.session.scalars(query))

    def audit_ids(self, prefix: str) -> list[str]:
        return self._ids_with_prefix(AuditRecord, prefix)

    def update_audit(self, audit_id: str, **values: Any) -> bool:
        record = self.session.get(AuditRecord, audit_id)
        assert record is not None
        return self._change(record, "audit", **values)

    # ---- answers ----------------------------------------------------------------------

    def answers(self, audit_id: str, scale: AnswerScale) -> dict[str, Answer]:
        rows = self.session.scalars(select(AnswerRecord).where(AnswerRecord.audit_id == audit_id,
                                                               AnswerRecord.deleted_at.is_(None)))
        result = {}
        for r in rows:
            option = scale.option(r.result)
            result[r.item_key] = Answer(item_key=r.item_key, result=r.result,
                                        rating=option.rating if option else Rating.OPEN, note=r.note,
                                        carried_over=r.carried_over, updated_at=r.updated_at, revision=r.revision)
        return result

    def answer_results(self) -> dict[str, dict[str, int]]:
        """Per audit: how many answers have each result (for lists)."""
        rows = self.session.execute(
            select(AnswerRecord.audit_id, AnswerRecord.result, func.count())
            .where(AnswerRecord.deleted_at.is_(None), AnswerRecord.carried_over.is_(False))
            .group_by(AnswerRecord.audit_id, AnswerRecord.result)
        ).all()
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        for audit_id, result, n in rows:
            counts[audit_id][result] = n
        return counts

    def set_answer(self, audit_id: str, item_key: str, result: str | None, note: str | None,
                   open_result: str) -> bool:
        """Set the result and/or the note of an item; returns whether anything changed."""
        record = self.session.scalars(select(AnswerRecord).where(AnswerRecord.audit_id == audit_id,
                                                                 AnswerRecord.item_key == item_key)).first()
        if record is None:
            record = AnswerRecord(audit_id=audit_id, item_key=item_key, result=result or open_result,
                                  note=note or "", carried_over=False)
            self._add(record, "answer")
            return True
        values: dict[str, Any] = {}
        if result is not None:
            values["result"] = result
            values["carried_over"] = False  # an auditor's answer confirms a carried-over one
        if note is not None:
            values["note"] = note
        if record.deleted_at is not None:
            values["deleted_at"] = None
        return self._change(record, "answer", **values)

    def carry_answer(self, audit_id: str, item_key: str, result: str, note: str) -> str:
        """An answer taken over from an earlier audit, marked as such until it is confirmed."""
        record = AnswerRecord(audit_id=audit_id, item_key=item_key, result=result, note=note, carried_over=True)
        self._add(record, "answer")
        return record.id

    def answer_ids(self, audit_id: str) -> dict[str, str]:
        rows = self.session.execute(select(AnswerRecord.item_key, AnswerRecord.id).where(
            AnswerRecord.audit_id == audit_id, AnswerRecord.deleted_at.is_(None))).all()
        return {key: record_id for key, record_id in rows}

    def set_carried_over(self, audit_id: str, item_keys: list[str], carried: bool) -> list[str]:
        """Confirm carried-over answers (``carried=False``, the result stays) or mark them again (undo);
        returns the keys that changed."""
        rows = self.session.scalars(select(AnswerRecord).where(
            AnswerRecord.audit_id == audit_id, AnswerRecord.item_key.in_(item_keys),
            AnswerRecord.deleted_at.is_(None)))
        changed = []
        for record in rows:
            if self._change(record, "answer", carried_over=carried):
                changed.append(record.item_key)
        return changed

    # ---- evidence links (kept when answers and findings are carried over) ----------------

    def evidence_links(self, target_kind: str, target_ids: list[str]) -> dict[str, list[str]]:
        if not target_ids:
            return {}
        rows = self.session.execute(
            select(EvidenceLinkRecord.target_id, EvidenceLinkRecord.evidence_id)
            .join(EvidenceRecord, EvidenceRecord.id == EvidenceLinkRecord.evidence_id)
            .where(EvidenceLinkRecord.target_kind == target_kind, EvidenceLinkRecord.target_id.in_(target_ids),
                   EvidenceLinkRecord.deleted_at.is_(None), EvidenceRecord.deleted_at.is_(None))
            .order_by(EvidenceLinkRecord.position)).all()
        links: dict[str, list[str]] = defaultdict(list)
        for target_id, evidence_id in rows:
            links[target_id].append(evidence_id)
        return dict(links)

    def copy_evidence(self, evidence_id: str, audit_id: str) -> str:
        """The same photo or document (same blob) as evidence of another audit."""
        old = self.session.get(EvidenceRecord, evidence_id)
        assert old is not None
        record = EvidenceRecord(audit_id=audit_id, sha256=old.sha256, media_type=old.media_type,
                                original_name=old.original_name, size=old.size, captured_at=old.captured_at,
                                caption=old.caption, annotations=list(old.annotations or []),
                                **{name: getattr(old, name) for name in _EVIDENCE_COPIED},
                                position=self.next_evidence_position(audit_id))
        self._add(record, "evidence")
        return record.id

    def link_evidence(self, evidence_id: str, target_kind: str, target_id: str, position: int = 0) -> None:
        self._add(EvidenceLinkRecord(evidence_id=evidence_id, target_kind=target_kind, target_id=target_id,
                                     position=position), "evidence_link")

    # ---- evidence ---------------------------------------------------------------------

    def _evidence_many(self, records: list[EvidenceRecord]) -> list[Evidence]:
        """Domain evidence with its links: live links, and for removed evidence the links removed with it
        (they come back with it). Links to removed answers, findings and measures are left out."""
        if not records:
            return []
        by_id = {r.id: r for r in records}
        links: dict[str, list[EvidenceLinkRecord]] = defaultdict(list)
        for chunk in _chunks(list(by_id)):
            for link in self.session.scalars(select(EvidenceLinkRecord).where(
                    EvidenceLinkRecord.evidence_id.in_(chunk)).order_by(EvidenceLinkRecord.created_at)):
                owner = by_id[link.evidence_id]
                if link.deleted_at is None or (owner.deleted_at is not None and link.deleted_at == owner.deleted_at):
                    links[link.evidence_id].append(link)
        targets = self._link_targets([link for group in links.values() for link in group])
        result = []
        for r in records:
            shown = tuple(dict.fromkeys(targets[(link.target_kind, link.target_id)] for link in links[r.id]
                                        if (link.target_kind, link.target_id) in targets))
            result.append(self._evidence(r, shown))
        return result

    def _link_targets(self, links: list[EvidenceLinkRecord]) -> dict[tuple[str, str], EvidenceLink]:
        """(stored kind, stored id) → the link as the domain names it (answers become item keys)."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for link in links:
            wanted[link.target_kind].add(link.target_id)
        found: dict[tuple[str, str], EvidenceLink] = {}
        for chunk in _chunks(sorted(wanted.get("answer", ()))):
            for record_id, key in self.session.execute(select(AnswerRecord.id, AnswerRecord.item_key).where(
                    AnswerRecord.id.in_(chunk), AnswerRecord.deleted_at.is_(None))):
                found[("answer", record_id)] = EvidenceLink(Target.item(key), key)
        for chunk in _chunks(sorted(wanted.get("finding", ()))):
            for record_id, statement, ref in self.session.execute(
                    select(FindingRecord.id, FindingRecord.statement, FindingRecord.requirement_ref).where(
                        FindingRecord.id.in_(chunk), FindingRecord.deleted_at.is_(None))):
                found[("finding", record_id)] = EvidenceLink(Target.finding(record_id), statement or ref)
        for chunk in _chunks(sorted(wanted.get("measure", ()))):
            for record_id, title in self.session.execute(select(MeasureRecord.id, MeasureRecord.title).where(
                    MeasureRecord.id.in_(chunk), MeasureRecord.deleted_at.is_(None))):
                found[("measure", record_id)] = EvidenceLink(Target.measure(record_id), title)
        return found

    @staticmethod
    def _evidence(r: EvidenceRecord, links: tuple[EvidenceLink, ...] = ()) -> Evidence:
        try:
            annotations = parse_shapes(r.annotations)
        except UserInputError:
            annotations = ()  # damaged vectors (a hand-edited database): the picture still shows
        location = None
        if r.latitude is not None and r.longitude is not None:
            try:
                location = GeoPoint(r.latitude, r.longitude, r.altitude)
            except ValueError:
                location = None
        return Evidence(
            id=r.id, audit_id=r.audit_id, sha256=r.sha256, kind=_enum(EvidenceKind, r.kind, EvidenceKind.DOCUMENT),
            media_type=r.media_type, original_name=r.original_name, size=r.size, width=r.width, height=r.height,
            captured_at=r.captured_at, camera=r.camera, location=location, hide_location=bool(r.hide_location),
            imported_at=r.imported_at or r.created_at, imported_by=r.imported_by,
            source=_enum(Source, r.source, Source.FILE), caption=r.caption, annotations=annotations,
            position=r.position, links=links, deleted=r.deleted_at is not None, revision=r.revision,
        )

    def evidence_list(self, audit_id: str, include_deleted: bool = False) -> list[Evidence]:
        """An audit's evidence in gallery order (position, then the order of import)."""
        query = select(EvidenceRecord).where(EvidenceRecord.audit_id == audit_id)
        if not include_deleted:
            query = query.where(EvidenceRecord.deleted_at.is_(None))
        rows = list(self.session.scalars(query.order_by(EvidenceRecord.position, EvidenceRecord.created_at,
                                                        EvidenceRecord.id)))
        return self._evidence_many(rows)

    def evidence(self, evidence_id: str, include_deleted: bool = False) -> Evidence | None:
        r = self.session.get(EvidenceRecord, evidence_id)
        if r is None or (r.deleted_at is not None and not include_deleted):
            return None
        return self._evidence_many([r])[0]

    def evidence_ids(self, prefix: str) -> list[str]:
        return self._ids_with_prefix(EvidenceRecord, prefix)

    def evidence_with_content(self, audit_id: str, sha256: str) -> str | None:
        """The id of the audit's (live) evidence with this content, if there is one."""
        return self.session.scalars(select(EvidenceRecord.id).where(
            EvidenceRecord.audit_id == audit_id, EvidenceRecord.sha256 == sha256,
            EvidenceRecord.deleted_at.is_(None)).order_by(EvidenceRecord.created_at)).first()

    def evidence_hashes(self, audit_id: str | None = None) -> list[tuple[str, str]]:
        """(evidence id, SHA-256) of live evidence, of one audit or of all."""
        query = select(EvidenceRecord.id, EvidenceRecord.sha256).where(EvidenceRecord.deleted_at.is_(None))
        if audit_id is not None:
            query = query.where(EvidenceRecord.audit_id == audit_id)
        return [(i, h) for i, h in self.session.execute(query.order_by(EvidenceRecord.created_at))]

    def next_evidence_position(self, audit_id: str) -> int:
        highest = self.session.scalar(select(func.max(EvidenceRecord.position)).where(
            EvidenceRecord.audit_id == audit_id))
        return 0 if highest is None else highest + 1

    def add_evidence(self, audit_id: str, **fields: Any) -> str:
        record = EvidenceRecord(audit_id=audit_id, annotations=[], **fields)
        self._add(record, "evidence")
        return record.id

    def update_evidence(self, evidence_id: str, **values: Any) -> bool:
        record = self.session.get(EvidenceRecord, evidence_id)
        assert record is not None
        return self._change(record, "evidence", **values)

    def set_evidence_deleted(self, evidence_id: str, deleted: bool) -> bool:
        """Tombstone evidence with its live links (one time stamp), or bring both back."""
        record = self.session.get(EvidenceRecord, evidence_id)
        assert record is not None
        if (record.deleted_at is not None) == deleted:
            return False
        stamp = record.deleted_at
        links = list(self.session.scalars(select(EvidenceLinkRecord).where(
            EvidenceLinkRecord.evidence_id == evidence_id)))
        if deleted:
            now = utcnow()
            for link in links:
                if link.deleted_at is None:
                    self._change(link, "evidence_link", deleted_at=now)
            return self._change(record, "evidence", deleted_at=now)
        for link in links:
            if link.deleted_at is not None and link.deleted_at == stamp:
                self._change(link, "evidence_link", deleted_at=None)
        return self._change(record, "evidence", deleted_at=None)

    def set_evidence_link(self, evidence_id: str, target_kind: str, target_id: str, linked: bool) -> bool:
        """Link (reviving an old tombstoned link rather than adding another) or unlink; idempotent."""
        rows = list(self.session.scalars(select(EvidenceLinkRecord).where(
            EvidenceLinkRecord.evidence_id == evidence_id, EvidenceLinkRecord.target_kind == target_kind,
            EvidenceLinkRecord.target_id == target_id).order_by(EvidenceLinkRecord.created_at)))
        live = [r for r in rows if r.deleted_at is None]
        if linked:
            if live:
                return False
            position = self._next_link_position(target_kind, target_id)
            if rows:
                return self._change(rows[-1], "evidence_link", deleted_at=None, position=position)
            self.link_evidence(evidence_id, target_kind, target_id, position)
            return True
        now = utcnow()
        for r in live:
            self._change(r, "evidence_link", deleted_at=now)
        return bool(live)

    def _next_link_position(self, target_kind: str, target_id: str) -> int:
        highest = self.session.scalar(select(func.max(EvidenceLinkRecord.position)).where(
            EvidenceLinkRecord.target_kind == target_kind, EvidenceLinkRecord.target_id == target_id,
            EvidenceLinkRecord.deleted_at.is_(None)))
        return 0 if highest is None else highest + 1

    def item_answer_id(self, audit_id: str, item_key: str) -> str | None:
        """The id of the item's live answer record, if it has one."""
        return self.session.scalars(select(AnswerRecord.id).where(
            AnswerRecord.audit_id == audit_id, AnswerRecord.item_key == item_key,
            AnswerRecord.deleted_at.is_(None))).first()

    def ensure_answer(self, audit_id: str, item_key: str, open_result: str) -> str:
        """The item's answer record, created open if the item has none (evidence attaches to it);
        a removed one comes back open, without its old result."""
        record = self.session.scalars(select(AnswerRecord).where(AnswerRecord.audit_id == audit_id,
                                                                 AnswerRecord.item_key == item_key)).first()
        if record is None:
            record = AnswerRecord(audit_id=audit_id, item_key=item_key, result=open_result, note="",
                                  carried_over=False)
            self._add(record, "answer")
        elif record.deleted_at is not None:
            self._change(record, "answer", deleted_at=None, result=open_result, note="", carried_over=False)
        return record.id

    # ---- findings ---------------------------------------------------------------------

    @staticmethod
    def _finding(r: FindingRecord) -> Finding:
        return Finding(
            id=r.id, audit_id=r.audit_id, item_key=r.item_key, finding_class=FindingClass(r.finding_class),
            requirement_ref=r.requirement_ref, statement=r.statement, objective_evidence=r.objective_evidence,
            correction=r.correction, root_cause=r.root_cause, corrective_action=r.corrective_action,
            owner=r.owner, due_date=r.due_date, status=ActionStatus(r.status), verified_on=r.verified_on,
            verified_by=r.verified_by, verification_result=r.verification_result,
            created_at=r.created_at, updated_at=r.updated_at, revision=r.revision,
            carried_from_finding_id=r.carried_from_finding_id,
        )

    def add_finding(self, audit_id: str, **fields: Any) -> Finding:
        record = FindingRecord(audit_id=audit_id, **fields)
        self._add(record, "finding")
        return self._finding(record)

    def finding(self, finding_id: str, include_deleted: bool = False) -> Finding | None:
        r = self.session.get(FindingRecord, finding_id)
        if r is None or (r.deleted_at is not None and not include_deleted):
            return None
        return self._finding(r)

    def update_finding(self, finding_id: str, **values: Any) -> bool:
        record = self.session.get(FindingRecord, finding_id)
        assert record is not None
        return self._change(record, "finding", **values)

    def finding_ids(self, prefix: str) -> list[str]:
        return self._ids_with_prefix(FindingRecord, prefix)

    def set_deleted(self, entity: str, record_id: str, deleted: bool) -> bool:
        """Tombstone a record or bring it back."""
        model = {"finding": FindingRecord, "answer": AnswerRecord}[entity]
        record = self.session.get(model, record_id)
        assert record is not None
        if (record.deleted_at is not None) == deleted:
            return False
        return self._change(record, entity, deleted_at=utcnow() if deleted else None)

    def open_findings(self, audit_ids: list[str]) -> list[Finding]:
        """The findings of these audits whose action is not verified yet (caller filters further)."""
        if not audit_ids:
            return []
        rows = self.session.scalars(select(FindingRecord).where(FindingRecord.audit_id.in_(audit_ids),
                                                                FindingRecord.deleted_at.is_(None),
                                                                FindingRecord.status != ActionStatus.VERIFIED.value))
        return [self._finding(r) for r in rows]

    def superseded_finding_ids(self) -> set[str]:
        """Findings continued by a finding of a later audit (their action is followed up there)."""
        return set(self.session.scalars(select(FindingRecord.carried_from_finding_id).where(
            FindingRecord.carried_from_finding_id.is_not(None), FindingRecord.deleted_at.is_(None))))

    def findings(self, audit_id: str) -> list[Finding]:
        rows = self.session.scalars(select(FindingRecord).where(FindingRecord.audit_id == audit_id,
                                                                FindingRecord.deleted_at.is_(None))
                                    .order_by(FindingRecord.created_at))
        return [self._finding(r) for r in rows]

    # ---- the environmental programme --------------------------------------------------

    @staticmethod
    def _measure(r: MeasureRecord) -> Measure:
        return Measure(
            id=r.id, organisation_id=r.organisation_id, title=r.title, audit_id=r.audit_id, site_id=r.site_id,
            description=r.description, area=r.area, owner=r.owner, start_date=r.start_date, due_date=r.due_date,
            status=_enum(MeasureStatus, r.status, MeasureStatus.PLANNED), priority=r.priority,
            investment_eur=r.investment_eur,
            savings_eur_per_year=r.savings_eur_per_year, savings_kwh_per_year=r.savings_kwh_per_year,
            savings_m3_per_year=r.savings_m3_per_year, savings_t_per_year=r.savings_t_per_year,
            savings_t_co2_per_year=r.savings_t_co2_per_year, created_at=r.created_at, updated_at=r.updated_at,
            revision=r.revision, savings_eur_once=r.savings_eur_once, energy_carrier=r.energy_carrier or "",
            completed_on=r.completed_on,
            finding_ids=tuple(str(f) for f in r.finding_ids or () if isinstance(f, str) and f),
            carried_from_measure_id=r.carried_from_measure_id,
        )

    def add_measure(self, organisation_id: str, title: str, **fields: Any) -> Measure:
        if "finding_ids" in fields:
            fields["finding_ids"] = list(fields["finding_ids"] or ())
        record = MeasureRecord(organisation_id=organisation_id, title=title, **fields)
        self._add(record, "measure")
        return self._measure(record)

    def measure(self, measure_id: str, include_deleted: bool = False) -> Measure | None:
        r = self.session.get(MeasureRecord, measure_id)
        if r is None or (r.deleted_at is not None and not include_deleted):
            return None
        return self._measure(r)

    def measure_ids(self, prefix: str) -> list[str]:
        return self._ids_with_prefix(MeasureRecord, prefix)

    def measures(self, organisation_id: str | None = None, audit_id: str | None = None) -> list[Measure]:
        query = select(MeasureRecord).where(MeasureRecord.deleted_at.is_(None))
        if organisation_id is not None:
            query = query.where(MeasureRecord.organisation_id == organisation_id)
        if audit_id is not None:
            query = query.where(MeasureRecord.audit_id == audit_id)
        return [self._measure(r) for r in self.session.scalars(query.order_by(MeasureRecord.created_at,
                                                                              MeasureRecord.id))]

    def update_measure(self, measure_id: str, **values: Any) -> bool:
        record = self.session.get(MeasureRecord, measure_id)
        assert record is not None
        if "finding_ids" in values:
            values["finding_ids"] = list(values["finding_ids"] or ())
        return self._change(record, "measure", **values)

    def set_measure_deleted(self, measure_id: str, deleted: bool) -> bool:
        """Tombstone a measure or bring it back (its evidence links stay; they show again with it)."""
        record = self.session.get(MeasureRecord, measure_id)
        assert record is not None
        if (record.deleted_at is not None) == deleted:
            return False
        return self._change(record, "measure", deleted_at=utcnow() if deleted else None)

    def superseded_measure_ids(self, organisation_id: str | None = None) -> set[str]:
        """Measures continued by a (live) measure of a later audit: their follow-up happens there."""
        query = select(MeasureRecord.carried_from_measure_id).where(
            MeasureRecord.carried_from_measure_id.is_not(None), MeasureRecord.deleted_at.is_(None))
        if organisation_id is not None:
            query = query.where(MeasureRecord.organisation_id == organisation_id)
        return {i for i in self.session.scalars(query) if i}

    # ---- figures (indicator values) ----------------------------------------------------

    @staticmethod
    def _indicator_value(r: IndicatorValueRecord) -> IndicatorValue:
        return IndicatorValue(id=r.id, site_id=r.site_id, year=r.year, quantity=r.quantity, value=r.value,
                              unit=r.unit, source=r.source, details=dict(r.details or {}),
                              created_at=r.created_at, updated_at=r.updated_at, revision=r.revision)

    def indicator_values(self, site_ids: list[str], year: int | None = None) -> list[IndicatorValue]:
        """The live figures of these sites (of one year), by year, quantity and detail."""
        rows: list[IndicatorValueRecord] = []
        for chunk in _chunks(site_ids):
            query = select(IndicatorValueRecord).where(IndicatorValueRecord.site_id.in_(chunk),
                                                       IndicatorValueRecord.deleted_at.is_(None))
            if year is not None:
                query = query.where(IndicatorValueRecord.year == year)
            rows.extend(self.session.scalars(query))
        rows.sort(key=lambda r: (r.year, r.site_id, r.quantity, r.detail_key, r.created_at))
        return [self._indicator_value(r) for r in rows]

    def indicator_value(self, value_id: str, include_deleted: bool = False) -> IndicatorValue | None:
        r = self.session.get(IndicatorValueRecord, value_id)
        if r is None or (r.deleted_at is not None and not include_deleted):
            return None
        return self._indicator_value(r)

    def indicator_value_ids(self, prefix: str) -> list[str]:
        return self._ids_with_prefix(IndicatorValueRecord, prefix)

    def find_indicator_value(self, site_id: str, year: int, quantity: str, detail_key: str) -> str | None:
        """The id of the live figure for this site, year, quantity and detail, if there is one."""
        return self.session.scalars(select(IndicatorValueRecord.id).where(
            IndicatorValueRecord.site_id == site_id, IndicatorValueRecord.year == year,
            IndicatorValueRecord.quantity == quantity, IndicatorValueRecord.detail_key == detail_key,
            IndicatorValueRecord.deleted_at.is_(None))).first()

    def add_indicator_value(self, site_id: str, year: int, quantity: str, value: Decimal, unit: str,
                            source: str, details: dict[str, Any], detail_key: str) -> IndicatorValue:
        record = IndicatorValueRecord(site_id=site_id, year=year, quantity=quantity, value=value, unit=unit,
                                      source=source, details=dict(details), detail_key=detail_key)
        self._add(record, "indicator_value")
        return self._indicator_value(record)

    def update_indicator_value(self, value_id: str, **values: Any) -> bool:
        record = self.session.get(IndicatorValueRecord, value_id)
        assert record is not None
        if "details" in values:
            values["details"] = dict(values["details"])
        return self._change(record, "indicator_value", **values)

    def set_indicator_value_deleted(self, value_id: str, deleted: bool) -> bool:
        record = self.session.get(IndicatorValueRecord, value_id)
        assert record is not None
        if (record.deleted_at is not None) == deleted:
            return False
        return self._change(record, "indicator_value", deleted_at=utcnow() if deleted else None)

    # ---- settings of the figures: per organisation and per audit -------------------------

    def indicator_settings(self, organisation_id: str) -> dict[str, Any]:
        r = self.session.get(OrganisationRecord, organisation_id)
        return dict(r.indicator_settings or {}) if r is not None else {}

    def set_indicator_settings(self, organisation_id: str, settings: dict[str, Any]) -> bool:
        record = self.session.get(OrganisationRecord, organisation_id)
        assert record is not None
        return self._change(record, "organisation", indicator_settings=dict(settings))

    def audit_factors(self, audit_id: str) -> tuple[str, dict[str, Any]]:
        """The emission factor set an audit's CO2 balance uses ("" = the newest) and its overrides."""
        r = self.session.get(AuditRecord, audit_id)
        if r is None:
            return "", {}
        return r.factor_set or "", dict(r.factor_overrides or {})

    # ---- signatures -------------------------------------------------------------------

    @staticmethod
    def _signature(r: SignatureRecord) -> Signature:
        return Signature(id=r.id, audit_id=r.audit_id, name=r.name, role=r.role, signed_at=r.signed_at,
                         place=r.place, method=r.method, image_png=r.image_png)

    def add_signature(self, audit_id: str, name: str, role: str, place: str, method: str,
                      image_png: bytes | None = None) -> Signature:
        record = SignatureRecord(audit_id=audit_id, name=name, role=role, place=place, method=method,
                                 signed_at=utcnow(), image_png=image_png)
        self._add(record, "signature")
        return self._signature(record)

    def signatures(self, audit_id: str) -> list[Signature]:
        rows = self.session.scalars(select(SignatureRecord).where(SignatureRecord.audit_id == audit_id,
                                                                  SignatureRecord.deleted_at.is_(None))
                                    .order_by(SignatureRecord.signed_at))
        return [self._signature(r) for r in rows]

    def retire_signatures(self, audit_id: str) -> int:
        """Tombstone an audit's signatures (a reopened audit must be signed again)."""
        rows = list(self.session.scalars(select(SignatureRecord).where(SignatureRecord.audit_id == audit_id,
                                                                       SignatureRecord.deleted_at.is_(None))))
        for r in rows:
            self._change(r, "signature", deleted_at=utcnow())
        return len(rows)

    # ---- change log -------------------------------------------------------------------

    def log_event(self, entity: str, entity_id: str, field: str, value: Any) -> None:
        """An entry in the audit trail that is not a field change (e.g. the reason for a reopen)."""
        self._log(entity, entity_id, field, None, value, 0)

    def change_log(self, entity_id: str) -> list[tuple[datetime, str, str, str | None, str | None]]:
        rows = self.session.scalars(select(ChangeLogRecord).where(ChangeLogRecord.entity_id == entity_id)
                                    .order_by(ChangeLogRecord.at))
        return [(r.at, r.field, r.device_id, r.old_value, r.new_value) for r in rows]
