"""ORM records. They never leave the storage package: repositories turn them into domain data.

Every synchronised record has a UUID, UTC timestamps, a revision, the device that made the
last change and a tombstone (``deleted_at``) instead of a hard delete. The schema itself is
created only by the Alembic migrations in ``migrations/versions``; a test checks that they
and these classes agree.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from oekoaudit.storage.types import DecimalText, UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), Decimal: DecimalText(), dict[str, Any]: JSON()}


def new_id() -> str:
    return str(uuid.uuid4())


class SyncMixin:
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    device_id: Mapped[str] = mapped_column(String(36))
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    # revision 0007: per field, a version vector {device id: changes by that device} (see storage/sync.py)
    versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")


class StoreMetaRecord(Base):
    """Key/value facts about this store (its device id, when it was created)."""

    __tablename__ = "store_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CatalogueSnapshotRecord(Base):
    """The exact catalogue text an audit was run against, stored once per fingerprint."""

    __tablename__ = "catalogue_snapshots"
    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    catalogue_id: Mapped[str] = mapped_column(String(64))
    edition: Mapped[str] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)  # canonical JSON
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrganisationRecord(SyncMixin, Base):
    __tablename__ = "organisations"
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # revision 0006: figure B choices, omitted indicators (each with a justification), gas conversion
    indicator_settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")


class SiteRecord(SyncMixin, Base):
    __tablename__ = "sites"
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class AuditRecord(SyncMixin, Base):
    __tablename__ = "audits"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    catalogue_id: Mapped[str] = mapped_column(String(64))
    catalogue_edition: Mapped[str] = mapped_column(String(32))
    catalogue_fingerprint: Mapped[str] = mapped_column(ForeignKey("catalogue_snapshots.fingerprint"))
    title: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    start_date: Mapped[date | None] = mapped_column(default=None)
    end_date: Mapped[date | None] = mapped_column(default=None)
    lead_auditor: Mapped[str] = mapped_column(String(200), default="")
    team: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{name, role}]
    people_met: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")  # [{name, function}]
    scope: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(Text, default="")
    # revision 0004: the audit its answers were carried over from; catalogues added to it
    carried_from_audit_id: Mapped[str | None] = mapped_column(String(36), default=None)
    modules: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # revision 0006: the emission factor set of the audit's CO2 balance, and overrides with their source
    factor_set: Mapped[str] = mapped_column(String(64), default="", server_default="")
    factor_overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")


class AnswerRecord(SyncMixin, Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("audit_id", "item_key"),)
    audit_id: Mapped[str] = mapped_column(ForeignKey("audits.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    carried_over: Mapped[bool] = mapped_column(Boolean, default=False)


class FindingRecord(SyncMixin, Base):
    __tablename__ = "findings"
    audit_id: Mapped[str] = mapped_column(ForeignKey("audits.id"), index=True)
    item_key: Mapped[str | None] = mapped_column(String(64), default=None)
    finding_class: Mapped[str] = mapped_column(String(32))
    requirement_ref: Mapped[str] = mapped_column(String(200), default="")
    statement: Mapped[str] = mapped_column(Text, default="")
    objective_evidence: Mapped[str] = mapped_column(Text, default="")
    correction: Mapped[str] = mapped_column(Text, default="")
    root_cause: Mapped[str] = mapped_column(Text, default="")
    corrective_action: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(32), default="open")
    verified_on: Mapped[date | None] = mapped_column(default=None)
    verified_by: Mapped[str] = mapped_column(String(200), default="")
    verification_result: Mapped[str] = mapped_column(Text, default="")
    # revision 0004: the finding of an earlier audit this one continues
    carried_from_finding_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)


class ChangeLogRecord(Base):
    """Who changed which field of which record, when: the audit trail and the basis for merging."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_entity", "entity", "entity_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    device_id: Mapped[str] = mapped_column(String(36))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text, default=None)  # JSON
    new_value: Mapped[str | None] = mapped_column(Text, default=None)  # JSON
    revision: Mapped[int] = mapped_column(Integer)


# ---- revision 0002: the rest of the audit's data ---------------------------------------


class MeasureRecord(SyncMixin, Base):
    """An entry of the environmental programme."""

    __tablename__ = "measures"
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    audit_id: Mapped[str | None] = mapped_column(ForeignKey("audits.id"), index=True, default=None)
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"), default=None)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[str] = mapped_column(String(100), default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date | None] = mapped_column(default=None)
    due_date: Mapped[date | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(32), default="planned")
    priority: Mapped[int | None] = mapped_column(Integer, default=None)
    investment_eur: Mapped[Decimal | None] = mapped_column(default=None)
    savings_eur_per_year: Mapped[Decimal | None] = mapped_column(default=None)
    savings_kwh_per_year: Mapped[Decimal | None] = mapped_column(default=None)
    savings_m3_per_year: Mapped[Decimal | None] = mapped_column(default=None)
    savings_t_per_year: Mapped[Decimal | None] = mapped_column(default=None)
    savings_t_co2_per_year: Mapped[Decimal | None] = mapped_column(default=None)
    # revision 0006
    savings_eur_once: Mapped[Decimal | None] = mapped_column(default=None)
    energy_carrier: Mapped[str] = mapped_column(String(32), default="", server_default="")  # of the kWh saved
    completed_on: Mapped[date | None] = mapped_column(default=None)
    finding_ids: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    #: the open measure of an earlier audit this one continues
    carried_from_measure_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)


class IndicatorValueRecord(SyncMixin, Base):
    """One figure of a site's input–output data for one year.

    A site has at most one live figure per year, quantity and ``detail_key`` (the partial unique
    index): a second value for the same thing replaces the first.
    """

    __tablename__ = "indicator_values"
    __table_args__ = (
        Index("ix_indicator_values_site_year", "site_id", "year"),
        Index("uq_indicator_values_identity", "site_id", "year", "quantity", "detail_key", unique=True,
              sqlite_where=text("deleted_at IS NULL")),
    )
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    year: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[str] = mapped_column(String(64))
    value: Mapped[Decimal] = mapped_column()
    unit: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text, default="")
    # revision 0006: waste code, hazardous, route, name, gas … and the identity made of them
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    detail_key: Mapped[str] = mapped_column(String(200), default="", server_default="")


class EvidenceRecord(SyncMixin, Base):
    """A photo or document; the original lives in ``blobs/`` under its SHA-256."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_audit_sha256", "audit_id", "sha256"),)
    audit_id: Mapped[str] = mapped_column(ForeignKey("audits.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    original_name: Mapped[str] = mapped_column(String(500), default="")
    size: Mapped[int] = mapped_column(Integer)
    captured_at: Mapped[datetime | None] = mapped_column(default=None)
    caption: Mapped[str] = mapped_column(Text, default="")
    annotations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # revision 0005: what the import learnt about the file, and the gallery order
    kind: Mapped[str] = mapped_column(String(16), default="photo", server_default="photo")  # photo | document
    width: Mapped[int | None] = mapped_column(Integer, default=None)  # as displayed (EXIF orientation applied)
    height: Mapped[int | None] = mapped_column(Integer, default=None)
    camera: Mapped[str] = mapped_column(String(200), default="", server_default="")
    latitude: Mapped[float | None] = mapped_column(Float, default=None)
    longitude: Mapped[float | None] = mapped_column(Float, default=None)
    altitude: Mapped[float | None] = mapped_column(Float, default=None)
    hide_location: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    imported_at: Mapped[datetime | None] = mapped_column(default=None)
    imported_by: Mapped[str] = mapped_column(String(200), default="", server_default="")
    source: Mapped[str] = mapped_column(String(16), default="file", server_default="file")  # file | clipboard | camera
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class EvidenceLinkRecord(SyncMixin, Base):
    """Evidence attached to an answer, a finding or a measure."""

    __tablename__ = "evidence_links"
    __table_args__ = (Index("ix_evidence_links_target", "target_kind", "target_id"),)
    evidence_id: Mapped[str] = mapped_column(ForeignKey("evidence.id"), index=True)
    target_kind: Mapped[str] = mapped_column(String(16))  # answer | finding | measure
    target_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)


class SignatureRecord(SyncMixin, Base):
    __tablename__ = "signatures"
    audit_id: Mapped[str] = mapped_column(ForeignKey("audits.id"), index=True)
    role: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column()
    place: Mapped[str] = mapped_column(String(200), default="")
    method: Mapped[str] = mapped_column(String(16))  # drawn | typed
    image_png: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)


# ---- revision 0007: synchronisation by package -------------------------------------------


class ConflictRecord(Base):
    """A field both copies changed differently since they last met: the local value stayed, the
    incoming one waits here until the user keeps one of them (``resolution``: local | incoming |
    superseded — a later package brought a value that includes both)."""

    __tablename__ = "conflicts"
    __table_args__ = (Index("ix_conflicts_record", "entity", "record_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(32))  # table name
    record_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(64))
    audit_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    local_value: Mapped[str | None] = mapped_column(Text, default=None)  # JSON, at detection
    incoming_value: Mapped[str | None] = mapped_column(Text, default=None)  # JSON
    incoming_versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    incoming_device: Mapped[str] = mapped_column(String(36))
    package_id: Mapped[str] = mapped_column(String(36))
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolution: Mapped[str | None] = mapped_column(String(16), default=None)


class PackageLogRecord(Base):
    """A package this store wrote (``export``) or took in (``import``)."""

    __tablename__ = "package_log"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    direction: Mapped[str] = mapped_column(String(8))
    package_id: Mapped[str] = mapped_column(String(36), index=True)
    file_sha256: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    audit_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    signer_key_id: Mapped[str | None] = mapped_column(String(32), default=None)
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    device_id: Mapped[str] = mapped_column(String(36))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
