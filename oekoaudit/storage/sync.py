"""Records as plain JSON for packages, and merging incoming records into the store.

A record in plain form (the package's ``records`` section, docs/package-format.md)::

    {"id": …, "created_at": …, "updated_at": …, "revision": 3, "device_id": …,
     "fields": {"note": "…", "deleted_at": null, …}, "versions": {"note": {"<device>": 2}}}

``fields`` holds every column except the bookkeeping ones (``id``, times, revision, device,
versions); ``deleted_at`` is a field, so a deletion travels and merges like an edit. Values are
plain JSON: dates and times ISO 8601 (times in UTC), decimals as plain-notation text without
trailing zeros, binary data in base64.

:func:`dump` gathers everything an audit owns; :func:`plan` merges incoming records with the
local ones field by field (``domain/merge.py``) without writing; :func:`apply` writes a plan
inside the caller's transaction. Records are matched by id — and, for the records that have a
natural identity (an item's answer, a site's figure for a year, a link), by that identity when
the two copies created them independently, so two devices answering the same item meet in one
answer.
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, LargeBinary, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oekoaudit.domain.merge import (
    FieldConflict,
    IdentityChanged,
    Outcome,
    RecordCopy,
    RecordMerge,
    dominates,
    field_vector,
    merge_record,
    resolve_vector,
)
from oekoaudit.domain.plain import decimal_text, time_text
from oekoaudit.errors import N_, PackageError
from oekoaudit.storage.orm import (
    AnswerRecord,
    AuditRecord,
    CatalogueSnapshotRecord,
    ChangeLogRecord,
    ConflictRecord,
    EvidenceLinkRecord,
    EvidenceRecord,
    FindingRecord,
    IndicatorValueRecord,
    MeasureRecord,
    OrganisationRecord,
    PackageLogRecord,
    SignatureRecord,
    SiteRecord,
    SyncMixin,
    new_id,
)
from oekoaudit.storage.types import DecimalText, UTCDateTime, utcnow

#: Synchronised tables, parents before children (the order records are inserted in).
TABLES: dict[str, type[SyncMixin]] = {
    "organisations": OrganisationRecord,
    "sites": SiteRecord,
    "audits": AuditRecord,
    "answers": AnswerRecord,
    "findings": FindingRecord,
    "measures": MeasureRecord,
    "indicator_values": IndicatorValueRecord,
    "evidence": EvidenceRecord,
    "evidence_links": EvidenceLinkRecord,
    "signatures": SignatureRecord,
}

#: The change log's name for the records of each table.
ENTITY = {"organisations": "organisation", "sites": "site", "audits": "audit", "answers": "answer",
          "findings": "finding", "measures": "measure", "indicator_values": "indicator_value",
          "evidence": "evidence", "evidence_links": "evidence_link", "signatures": "signature"}

#: Fields that say what a record is; an incoming copy may never change them.
IDENTITY: dict[str, tuple[str, ...]] = {
    "organisations": (),
    "sites": ("organisation_id",),
    "audits": ("site_id", "catalogue_id"),
    "answers": ("audit_id", "item_key"),
    "findings": ("audit_id",),
    "measures": ("organisation_id",),
    "indicator_values": ("site_id",),
    "evidence": ("audit_id", "sha256", "media_type", "size"),
    "evidence_links": ("evidence_id", "target_kind", "target_id"),
    "signatures": ("audit_id",),
}

#: Fields of evidence that a copy of a photo without its position (``--without-location``) never
#: changes here: the original (and its position) stays.
LOCATION_FIELDS = ("sha256", "size", "latitude", "longitude", "altitude")

BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "revision", "device_id", "versions"})


def field_names(table: str) -> list[str]:
    model = TABLES[table]
    return [c.key for c in model.__table__.columns if c.key not in BOOKKEEPING]  # type: ignore[attr-defined]


def _columns(table: str) -> dict[str, Any]:
    return {c.key: c for c in TABLES[table].__table__.columns}  # type: ignore[attr-defined]


# ---- plain values ------------------------------------------------------------------------


def to_plain(column: Any, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return time_text(value)
    if isinstance(kind, DecimalText):
        return decimal_text(Decimal(value))
    if isinstance(kind, Date):
        return value.isoformat()
    if isinstance(kind, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, Integer):
        return int(value)
    if isinstance(kind, Float):
        return float(value)
    if isinstance(value, dict | list):
        return json.loads(json.dumps(value))  # a copy, never the record's own object
    return value


def from_plain(column: Any, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value).astimezone(UTC)
    if isinstance(kind, DecimalText):
        return Decimal(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value.encode("ascii"), validate=True)
    if isinstance(value, dict | list):
        return json.loads(json.dumps(value))
    return value


def record_plain(table: str, record: SyncMixin) -> dict[str, Any]:
    columns = _columns(table)
    return {
        "id": record.id,
        "created_at": time_text(record.created_at),
        "updated_at": time_text(record.updated_at),
        "revision": int(record.revision),
        "device_id": record.device_id,
        "fields": {name: to_plain(columns[name], getattr(record, name)) for name in field_names(table)},
        "versions": {name: dict(vector) for name, vector in sorted((record.versions or {}).items()) if vector},
    }


def _copy(plain: Mapping[str, Any]) -> RecordCopy:
    return RecordCopy(plain["id"], plain["fields"], plain.get("versions") or {})


# ---- what an audit owns ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditRecords:
    """Everything one audit owns, in plain form."""

    audit_id: str
    catalogue_fingerprint: str
    records: dict[str, list[dict[str, Any]]]
    change_log: list[dict[str, Any]]


def _all(session: Session, model: type[SyncMixin], *conditions: Any) -> list[Any]:
    return list(session.scalars(select(model).where(*conditions).order_by(model.id)))


def dump(session: Session, audit_id: str) -> AuditRecords:
    """The audit with its organisation, the organisation's sites, answers, findings, signatures,
    the audit's measures, the figures of the organisation's sites, evidence and its links —
    removed ones (tombstones) included, so that deletions travel — and their change log."""
    audit = session.get(AuditRecord, audit_id)
    if audit is None:
        raise PackageError(N_("There is no audit {ref}."), ref=audit_id)
    site = session.get(SiteRecord, audit.site_id)
    assert site is not None
    organisation = session.get(OrganisationRecord, site.organisation_id)
    assert organisation is not None
    sites = _all(session, SiteRecord, SiteRecord.organisation_id == organisation.id)
    site_ids = [s.id for s in sites]
    evidence = _all(session, EvidenceRecord, EvidenceRecord.audit_id == audit_id)
    rows: dict[str, list[Any]] = {
        "organisations": [organisation],
        "sites": sites,
        "audits": [audit],
        "answers": _all(session, AnswerRecord, AnswerRecord.audit_id == audit_id),
        "findings": _all(session, FindingRecord, FindingRecord.audit_id == audit_id),
        "measures": _all(session, MeasureRecord, MeasureRecord.audit_id == audit_id),
        "indicator_values": _all(session, IndicatorValueRecord, IndicatorValueRecord.site_id.in_(site_ids)),
        "evidence": evidence,
        "evidence_links": _all(session, EvidenceLinkRecord,
                               EvidenceLinkRecord.evidence_id.in_([e.id for e in evidence])),
        "signatures": _all(session, SignatureRecord, SignatureRecord.audit_id == audit_id),
    }
    records = {table: [record_plain(table, r) for r in found] for table, found in rows.items()}
    ids = [r.id for found in rows.values() for r in found]
    log: list[dict[str, Any]] = []
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        for entry in session.scalars(select(ChangeLogRecord).where(ChangeLogRecord.entity_id.in_(chunk))):
            log.append({"id": entry.id, "at": time_text(entry.at), "device_id": entry.device_id,
                        "entity": entry.entity, "entity_id": entry.entity_id, "field": entry.field,
                        "old_value": entry.old_value, "new_value": entry.new_value,
                        "revision": int(entry.revision)})
    log.sort(key=lambda e: (e["at"], e["id"]))
    return AuditRecords(audit_id, audit.catalogue_fingerprint, records, log)


def snapshot(session: Session, fingerprint: str) -> CatalogueSnapshotRecord | None:
    return session.get(CatalogueSnapshotRecord, fingerprint)


# ---- planning a merge ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedRecord:
    table: str
    merge: RecordMerge
    incoming: Mapping[str, Any]  # the plain incoming record (fields with local ids)
    audit_id: str | None


@dataclass
class SyncPlan:
    """What importing a set of records would do, record by record (nothing written yet)."""

    records: list[PlannedRecord] = field(default_factory=list)
    snapshots: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # fp → (catalogue id, edition, content)
    change_log: list[dict[str, Any]] = field(default_factory=list)  # entries not yet here

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {table: {o.value: 0 for o in Outcome} for table in TABLES}
        for planned in self.records:
            out[planned.table][planned.merge.outcome.value] += 1
        return out

    def totals(self) -> dict[str, int]:
        totals = {o.value: 0 for o in Outcome}
        for planned in self.records:
            totals[planned.merge.outcome.value] += 1
        totals["conflict_fields"] = sum(len(p.merge.conflicts) for p in self.records)
        return totals

    @property
    def writes(self) -> bool:
        return bool(self.snapshots or self.change_log) or any(
            p.merge.outcome is not Outcome.UNCHANGED or p.merge.versions for p in self.records)


def _natural_key(table: str, fields: Mapping[str, Any]) -> tuple[Any, ...] | None:
    if table == "answers":
        return (fields.get("audit_id"), fields.get("item_key"))
    if table == "indicator_values":
        if fields.get("deleted_at") is not None:
            return None  # only live figures are unique
        return (fields.get("site_id"), fields.get("year"), fields.get("quantity"), fields.get("detail_key"))
    if table == "evidence_links":
        return (fields.get("evidence_id"), fields.get("target_kind"), fields.get("target_id"))
    return None


def _local_by_natural_key(session: Session, table: str, key: tuple[Any, ...]) -> SyncMixin | None:
    if table == "answers":
        return session.scalars(select(AnswerRecord).where(
            AnswerRecord.audit_id == key[0], AnswerRecord.item_key == key[1])).first()
    if table == "indicator_values":
        return session.scalars(select(IndicatorValueRecord).where(
            IndicatorValueRecord.site_id == key[0], IndicatorValueRecord.year == key[1],
            IndicatorValueRecord.quantity == key[2], IndicatorValueRecord.detail_key == key[3],
            IndicatorValueRecord.deleted_at.is_(None))).first()
    if table == "evidence_links":
        return session.scalars(select(EvidenceLinkRecord).where(
            EvidenceLinkRecord.evidence_id == key[0], EvidenceLinkRecord.target_kind == key[1],
            EvidenceLinkRecord.target_id == key[2]).order_by(EvidenceLinkRecord.deleted_at.is_not(None),
                                                            EvidenceLinkRecord.created_at)).first()
    return None


def _open_conflicts(session: Session, table: str, record_id: str) -> list[ConflictRecord]:
    return list(session.scalars(select(ConflictRecord).where(
        ConflictRecord.entity == table, ConflictRecord.record_id == record_id,
        ConflictRecord.resolved_at.is_(None))))


def _record_audit(table: str, fields: Mapping[str, Any], evidence_audit: Mapping[str, str],
                  default: str | None) -> str | None:
    if table == "audits":
        return None
    if "audit_id" in fields and fields["audit_id"]:
        return str(fields["audit_id"])
    if table == "evidence_links":
        return evidence_audit.get(str(fields.get("evidence_id")), default)
    return default


def plan(session: Session, packages: Sequence[tuple[str, Mapping[str, Sequence[Mapping[str, Any]]]]], *,
         location_removed: bool = False, change_log: Iterable[Mapping[str, Any]] = (),
         snapshots: Mapping[str, tuple[str, str, str]] | None = None) -> SyncPlan:
    """Merge incoming records (``[(audit id, {table: [plain record]})]``, validated) with the
    store; writes nothing. Raises PackageError when a record would change what another one is."""
    result = SyncPlan()
    aliases: dict[str, str] = {}  # incoming answer id → local answer id (created independently)
    seen: set[tuple[str, str]] = set()
    evidence_audit: dict[str, str] = {}
    for audit_id, records in packages:
        for table, model in TABLES.items():
            for incoming in records.get(table, ()):
                fields = dict(incoming["fields"])
                if table == "evidence":
                    evidence_audit[incoming["id"]] = str(fields.get("audit_id"))
                if table == "evidence_links" and fields.get("target_kind") == "answer":
                    fields["target_id"] = aliases.get(str(fields.get("target_id")), fields.get("target_id"))
                local_record = session.get(model, incoming["id"])
                record_id = incoming["id"]
                if local_record is None:
                    key = _natural_key(table, fields)
                    if key is not None:
                        local_record = _local_by_natural_key(session, table, key)
                        if local_record is not None:
                            record_id = local_record.id
                            if table == "answers":
                                aliases[incoming["id"]] = record_id
                if (table, record_id) in seen:
                    continue  # the organisation of two audits of one package, say: merged once
                seen.add((table, record_id))
                copy = RecordCopy(record_id, fields, incoming.get("versions") or {})
                local = _copy(record_plain(table, local_record)) if local_record is not None else None
                known = defaultdict(list)
                if local_record is not None:
                    for c in _open_conflicts(session, table, record_id):
                        known[c.field].append((json.loads(c.incoming_value) if c.incoming_value else None,
                                               c.incoming_versions))
                # an original never changes; a different one can only be a copy without the photo's
                # position (exported with --without-location, perhaps passed on): ours stays
                keep = LOCATION_FIELDS if (table == "evidence" and local is not None and (
                    location_removed or local.fields.get("sha256") != fields.get("sha256"))) else ()
                identity = tuple(n for n in IDENTITY[table] if n not in keep)
                try:
                    merge = merge_record(local, copy, identity=identity, known_conflicts=known, keep_local=keep)
                except IdentityChanged as exc:
                    raise PackageError(N_("The package changes what the record {id} ({kind}) is ({field}); "
                                          "it was not imported."),
                                       id=exc.record_id[:8], kind=ENTITY[table], field=exc.field) from None
                result.records.append(PlannedRecord(table, merge, {**incoming, "id": record_id, "fields": fields},
                                                    _record_audit(table, fields, evidence_audit, audit_id)))
    known_log = set()
    entries = list(change_log)
    ids = [e["id"] for e in entries]
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        known_log.update(session.scalars(select(ChangeLogRecord.id).where(ChangeLogRecord.id.in_(chunk))))
    result.change_log = [e for e in entries if e["id"] not in known_log]
    for fingerprint, value in (snapshots or {}).items():
        if session.get(CatalogueSnapshotRecord, fingerprint) is None:
            result.snapshots[fingerprint] = value
    return result


# ---- writing a plan ----------------------------------------------------------------------


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _supersede(session: Session, table: str, record_id: str, name: str, vector: Mapping[str, int],
               reason: str) -> None:
    for c in _open_conflicts(session, table, record_id):
        if c.field == name and dominates(vector, c.incoming_versions):
            c.resolved_at = utcnow()
            c.resolution = reason


def apply(session: Session, sync: SyncPlan, *, device_id: str, package_id: str) -> None:
    """Write a plan inside the caller's transaction (one ``BEGIN IMMEDIATE`` … ``COMMIT``). A record
    the database refuses (two live figures for the same site, year and quantity, say) refuses the
    whole package: PackageError, and the caller's transaction is rolled back."""
    try:
        _apply(session, sync, device_id=device_id, package_id=package_id)
    except IntegrityError as exc:
        raise PackageError(N_("The package cannot be merged with the data here ({detail}); nothing was "
                              "imported."), detail=str(exc.orig)[:200]) from None


def _apply(session: Session, sync: SyncPlan, *, device_id: str, package_id: str) -> None:
    now = utcnow()
    for fingerprint, (catalogue_id, edition, content) in sync.snapshots.items():
        session.add(CatalogueSnapshotRecord(fingerprint=fingerprint, catalogue_id=catalogue_id, edition=edition,
                                            content=content, created_at=now))
    session.flush()
    for planned in sync.records:
        table, merge, incoming = planned.table, planned.merge, planned.incoming
        model = TABLES[table]
        columns = _columns(table)
        if merge.outcome is Outcome.NEW:
            record = model(id=incoming["id"],
                           created_at=datetime.fromisoformat(incoming["created_at"]).astimezone(UTC),
                           updated_at=datetime.fromisoformat(incoming["updated_at"]).astimezone(UTC),
                           revision=int(incoming["revision"]), device_id=incoming["device_id"],
                           versions={k: dict(v) for k, v in merge.versions.items()},
                           **{name: from_plain(columns[name], value) for name, value in merge.updates.items()
                              if name in columns})
            session.add(record)
            session.flush()  # parents exist before their children are added
            continue
        record = session.get(model, merge.id)
        assert record is not None
        if merge.updates:
            for name, value in merge.updates.items():
                setattr(record, name, from_plain(columns[name], value))
            record.revision = int(record.revision) + 1
            record.updated_at = now
        if merge.versions:
            versions = dict(record.versions or {})
            versions.update({name: dict(vector) for name, vector in merge.versions.items()})
            record.versions = versions
            for name, vector in merge.versions.items():
                _supersede(session, table, record.id, name, vector, "superseded")
        for conflict in merge.conflicts:
            _supersede(session, table, record.id, conflict.field, conflict.incoming_versions, "superseded")
            session.add(_conflict_row(table, record.id, conflict, planned.audit_id, device_id, package_id,
                                      incoming))
        session.flush()
    for entry in sync.change_log:
        session.add(ChangeLogRecord(id=entry["id"], at=datetime.fromisoformat(entry["at"]).astimezone(UTC),
                                    device_id=entry["device_id"], entity=entry["entity"],
                                    entity_id=entry["entity_id"], field=entry["field"],
                                    old_value=entry["old_value"], new_value=entry["new_value"],
                                    revision=int(entry["revision"])))
    session.flush()


def _conflict_row(table: str, record_id: str, conflict: FieldConflict, audit_id: str | None, device_id: str,
                  package_id: str, incoming: Mapping[str, Any]) -> ConflictRecord:
    return ConflictRecord(id=new_id(), entity=table, record_id=record_id, field=conflict.field, audit_id=audit_id,
                          local_value=_json(conflict.local), incoming_value=_json(conflict.incoming),
                          incoming_versions=dict(conflict.incoming_versions),
                          incoming_device=str(incoming.get("device_id") or ""), package_id=package_id,
                          detected_at=utcnow())


# ---- conflicts -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredConflict:
    id: str
    entity: str
    record_id: str
    field: str
    audit_id: str | None
    local: Any  # the value now
    incoming: Any
    incoming_device: str
    package_id: str
    detected_at: datetime
    record_deleted: bool


def conflicts(session: Session, audit_id: str | None = None) -> list[StoredConflict]:
    """Open conflicts (oldest first), with the local value as it is now."""
    query = select(ConflictRecord).where(ConflictRecord.resolved_at.is_(None))
    if audit_id is not None:
        query = query.where(ConflictRecord.audit_id == audit_id)
    out = []
    for c in session.scalars(query.order_by(ConflictRecord.detected_at, ConflictRecord.id)):
        model = TABLES.get(c.entity)
        record = session.get(model, c.record_id) if model is not None else None
        if record is None:
            continue
        local = to_plain(_columns(c.entity)[c.field], getattr(record, c.field))
        out.append(StoredConflict(c.id, c.entity, c.record_id, c.field, c.audit_id, local,
                                  json.loads(c.incoming_value) if c.incoming_value else None, c.incoming_device,
                                  c.package_id, c.detected_at, record.deleted_at is not None))
    return out


def conflict_ids(session: Session, prefix: str) -> list[str]:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(session.scalars(select(ConflictRecord.id).where(ConflictRecord.id.like(escaped + "%", escape="\\"),
                                                                ConflictRecord.resolved_at.is_(None))))


def resolve(session: Session, conflict_id: str, keep: str, device_id: str) -> StoredConflict | None:
    """Keep the local or the incoming value of an open conflict. The chosen value gets a vector
    that dominates both sides (and every other open conflict of the field), so it wins wherever
    it goes next; the decision is written to the change log. None: no such open conflict."""
    c = session.get(ConflictRecord, conflict_id)
    if c is None or c.resolved_at is not None:
        return None
    model = TABLES[c.entity]
    record = session.get(model, c.record_id)
    if record is None:
        return None
    column = _columns(c.entity)[c.field]
    others = [o for o in _open_conflicts(session, c.entity, c.record_id) if o.field == c.field]
    versions = dict(record.versions or {})
    vector = resolve_vector(field_vector(versions, c.field), [o.incoming_versions for o in others], device_id)
    old = to_plain(column, getattr(record, c.field))
    chosen = json.loads(c.incoming_value) if (keep == "incoming" and c.incoming_value) else (
        None if keep == "incoming" else old)
    now = utcnow()
    if chosen != old:
        setattr(record, c.field, from_plain(column, chosen))
    versions[c.field] = vector
    record.versions = versions
    record.revision = int(record.revision) + 1
    record.updated_at = now
    record.device_id = device_id
    session.add(ChangeLogRecord(id=new_id(), at=now, device_id=device_id, entity=ENTITY[c.entity],
                                entity_id=record.id, field=c.field, old_value=_json(old), new_value=_json(chosen),
                                revision=record.revision))
    for o in others:
        o.resolved_at = now
        o.resolution = keep if o.id == c.id else "superseded"
    session.flush()
    return StoredConflict(c.id, c.entity, c.record_id, c.field, c.audit_id, chosen,
                          json.loads(c.incoming_value) if c.incoming_value else None, c.incoming_device,
                          c.package_id, c.detected_at, record.deleted_at is not None)


# ---- the package log ---------------------------------------------------------------------------


def next_sequence(session: Session, audit_ids: Sequence[str]) -> int:
    """One more than the highest sequence this store used for a package of these audits."""
    highest = 0
    for entry in session.scalars(select(PackageLogRecord).where(PackageLogRecord.direction == "export")):
        if set(entry.audit_ids or ()) & set(audit_ids):
            highest = max(highest, int(entry.sequence))
    return highest + 1


def log_package(session: Session, *, direction: str, package_id: str, file_sha256: str, audit_ids: Sequence[str],
                sequence: int, signer_key_id: str | None, signer_name: str, device_id: str,
                summary: Mapping[str, Any]) -> None:
    session.add(PackageLogRecord(id=new_id(), direction=direction, package_id=package_id, file_sha256=file_sha256,
                                 at=utcnow(), audit_ids=list(audit_ids), sequence=sequence,
                                 signer_key_id=signer_key_id, signer_name=signer_name[:200], device_id=device_id,
                                 summary=dict(summary)))
