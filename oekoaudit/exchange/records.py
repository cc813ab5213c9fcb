"""The audit document of a package (``audits/<id>.json``), its schema and its checks.

One document per audit holds everything the audit owns as *records*: the organisation and its
sites, the audit, its answers, findings, signatures, the audit's measures, the figures of the
organisation's sites, its evidence and links — removed ones included as tombstones, so that a
deletion travels — each with its per-field version vectors (``domain/merge.py``), and the change
log of all of them. ``fingerprint`` is the fingerprint of the audit's canonical content
(``exchange/document.py``), the one the report prints in its footer.

The pydantic models below are the format's contract: :func:`parse_document` accepts a document
only if every record has exactly the fields of its kind with the right types and lengths (no
coercion: ``"3"`` is not a number, ``1`` is not ``true``), and :func:`check_document` then checks
what the schema cannot: every record belongs to the document's audit, organisation and sites,
and no id appears twice. ``docs/package-format.md`` describes it; ``docs/schema/
audit-document.schema.json`` is generated from :class:`AuditDocumentModel` (``python
build/build_schema.py``), a test keeps it in step.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
)

from oekoaudit.domain.audit import AuditKind, AuditStatus, TeamRole
from oekoaudit.domain.finding import ActionStatus, FindingClass
from oekoaudit.domain.plain import decimal_text
from oekoaudit.domain.programme import MeasureStatus
from oekoaudit.errors import N_, PackageError

FORMAT = "oekoaudit-package-audit"
FORMAT_VERSION = 1

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
HEX64_PATTERN = r"^[0-9a-f]{64}$"
#: the longest text a note, statement or description may have
MAX_TEXT = 100_000


def _values(enum: Any) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


def _day(value: str) -> str:
    if len(value) != 10:
        raise ValueError("a date is YYYY-MM-DD")
    return date.fromisoformat(value).isoformat()


def _time(value: str) -> str:
    if len(value) > 40:
        raise ValueError("not a time")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("a time needs its zone")
    return parsed.astimezone(UTC).isoformat()


def _amount(value: str) -> str:
    if len(value) > 40:
        raise ValueError("the number is too long")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 18:
        raise ValueError("not a finite number")
    return str(decimal_text(number))


def _base64(value: str) -> str:
    if len(value) > 8 * 1024 * 1024:
        raise ValueError("too long")
    try:
        base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError("not base64") from None
    return value


def _finite(value: float) -> float:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("not a finite number")
    return value


Uuid = Annotated[StrictStr, StringConstraints(pattern=UUID_PATTERN)]
Hex64 = Annotated[StrictStr, StringConstraints(pattern=HEX64_PATTERN)]
Day = Annotated[StrictStr, AfterValidator(_day)]
Time = Annotated[StrictStr, AfterValidator(_time)]
Amount = Annotated[StrictStr, AfterValidator(_amount)]
Base64 = Annotated[StrictStr, AfterValidator(_base64)]
Number = Annotated[StrictFloat | StrictInt, AfterValidator(_finite)]
Count = Annotated[StrictInt, Field(ge=0, le=2**53)]
Short = Annotated[StrictStr, StringConstraints(max_length=200)]
Text = Annotated[StrictStr, StringConstraints(max_length=MAX_TEXT)]
Key = Annotated[StrictStr, StringConstraints(min_length=1, max_length=64)]
Json = dict[StrictStr, Any]


def _str(n: int) -> Any:
    return Annotated[StrictStr, StringConstraints(max_length=n)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- the fields of each kind of record -----------------------------------------------------------


class OrganisationFields(_Strict):
    name: _str(200)
    address: Text
    contact: Text
    notes: Text
    indicator_settings: Json
    deleted_at: Time | None


class SiteFields(_Strict):
    organisation_id: Uuid
    name: _str(200)
    address: Text
    notes: Text
    deleted_at: Time | None


class TeamMemberModel(_Strict):
    name: Short
    role: Literal[_values(TeamRole)]  # type: ignore[valid-type]


class ParticipantModel(_Strict):
    name: Short
    function: Short


class AuditFields(_Strict):
    site_id: Uuid
    catalogue_id: Key
    catalogue_edition: _str(32)
    catalogue_fingerprint: Hex64
    title: _str(300)
    kind: Literal[_values(AuditKind)]  # type: ignore[valid-type]
    status: Literal[_values(AuditStatus)]  # type: ignore[valid-type]
    start_date: Day | None
    end_date: Day | None
    lead_auditor: Short
    team: Annotated[list[TeamMemberModel], Field(max_length=200)]
    people_met: Annotated[list[ParticipantModel], Field(max_length=500)]
    scope: Text
    objectives: Text
    criteria: Text
    location: Text
    carried_from_audit_id: Uuid | None
    modules: Annotated[list[Key], Field(max_length=50)]
    factor_set: _str(64)
    factor_overrides: Json
    deleted_at: Time | None


class AnswerFields(_Strict):
    audit_id: Uuid
    item_key: Key
    result: _str(32)
    note: Text
    carried_over: StrictBool
    deleted_at: Time | None


class FindingFields(_Strict):
    audit_id: Uuid
    item_key: Key | None
    finding_class: Literal[_values(FindingClass)]  # type: ignore[valid-type]
    requirement_ref: Short
    statement: Text
    objective_evidence: Text
    correction: Text
    root_cause: Text
    corrective_action: Text
    owner: Short
    due_date: Day | None
    status: Literal[_values(ActionStatus)]  # type: ignore[valid-type]
    verified_on: Day | None
    verified_by: Short
    verification_result: Text
    carried_from_finding_id: Uuid | None
    deleted_at: Time | None


class MeasureFields(_Strict):
    organisation_id: Uuid
    audit_id: Uuid | None
    site_id: Uuid | None
    title: _str(300)
    description: Text
    area: _str(100)
    owner: Short
    start_date: Day | None
    due_date: Day | None
    status: Literal[_values(MeasureStatus)]  # type: ignore[valid-type]
    priority: Annotated[StrictInt, Field(ge=-1000, le=1000)] | None
    investment_eur: Amount | None
    savings_eur_per_year: Amount | None
    savings_kwh_per_year: Amount | None
    savings_m3_per_year: Amount | None
    savings_t_per_year: Amount | None
    savings_t_co2_per_year: Amount | None
    savings_eur_once: Amount | None
    energy_carrier: _str(32)
    completed_on: Day | None
    finding_ids: Annotated[list[Uuid], Field(max_length=1000)]
    carried_from_measure_id: Uuid | None
    deleted_at: Time | None


class IndicatorValueFields(_Strict):
    site_id: Uuid
    year: Annotated[StrictInt, Field(ge=1900, le=2200)]
    quantity: Key
    value: Amount
    unit: _str(32)
    source: Text
    details: Json
    detail_key: _str(200)
    deleted_at: Time | None


class EvidenceFields(_Strict):
    audit_id: Uuid
    sha256: Hex64
    media_type: Annotated[StrictStr, StringConstraints(max_length=100,
                                                       pattern=r"^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*$")]
    original_name: _str(500)
    size: Count
    captured_at: Time | None
    caption: Text
    annotations: Annotated[list[Json], Field(max_length=500)]
    kind: Literal["photo", "document"]
    width: Annotated[StrictInt, Field(ge=1, le=1_000_000)] | None
    height: Annotated[StrictInt, Field(ge=1, le=1_000_000)] | None
    camera: Short
    latitude: Annotated[Number, Field(ge=-90, le=90)] | None
    longitude: Annotated[Number, Field(ge=-180, le=180)] | None
    altitude: Annotated[Number, Field(ge=-20_000, le=100_000)] | None
    hide_location: StrictBool
    imported_at: Time | None
    imported_by: Short
    source: Literal["file", "clipboard", "camera"]
    position: Annotated[StrictInt, Field(ge=-(2**31), le=2**31)]
    deleted_at: Time | None


class EvidenceLinkFields(_Strict):
    evidence_id: Uuid
    target_kind: Literal["answer", "finding", "measure"]
    target_id: Uuid
    position: Annotated[StrictInt, Field(ge=-(2**31), le=2**31)]
    deleted_at: Time | None


class SignatureFields(_Strict):
    audit_id: Uuid
    role: _str(64)
    name: Short
    signed_at: Time
    place: Short
    method: Literal["drawn", "typed"]
    image_png: Base64 | None
    deleted_at: Time | None


FIELDS: dict[str, type[_Strict]] = {
    "organisations": OrganisationFields,
    "sites": SiteFields,
    "audits": AuditFields,
    "answers": AnswerFields,
    "findings": FindingFields,
    "measures": MeasureFields,
    "indicator_values": IndicatorValueFields,
    "evidence": EvidenceFields,
    "evidence_links": EvidenceLinkFields,
    "signatures": SignatureFields,
}

Vector = dict[Uuid, Annotated[StrictInt, Field(ge=1, le=2**53)]]


def _record_model(name: str, fields: type[_Strict]) -> type[_Strict]:
    names = tuple(fields.model_fields)

    class Record(_Strict):
        id: Uuid
        created_at: Time
        updated_at: Time
        revision: Annotated[StrictInt, Field(ge=0, le=2**53)]
        device_id: Uuid
        fields: fields  # type: ignore[valid-type]
        versions: Annotated[dict[Literal[("*", *names)], Vector],  # type: ignore[valid-type]
                            Field(max_length=len(names) + 1)]

    Record.__name__ = Record.__qualname__ = name
    return Record


OrganisationRecord = _record_model("OrganisationRecord", OrganisationFields)
SiteRecord = _record_model("SiteRecord", SiteFields)
AuditRecord = _record_model("AuditRecord", AuditFields)
AnswerRecord = _record_model("AnswerRecord", AnswerFields)
FindingRecord = _record_model("FindingRecord", FindingFields)
MeasureRecord = _record_model("MeasureRecord", MeasureFields)
IndicatorValueRecord = _record_model("IndicatorValueRecord", IndicatorValueFields)
EvidenceRecord = _record_model("EvidenceRecord", EvidenceFields)
EvidenceLinkRecord = _record_model("EvidenceLinkRecord", EvidenceLinkFields)
SignatureRecord = _record_model("SignatureRecord", SignatureFields)

_MANY = 200_000


class RecordsModel(_Strict):
    organisations: Annotated[list[OrganisationRecord], Field(min_length=1, max_length=1)]  # type: ignore[valid-type]
    sites: Annotated[list[SiteRecord], Field(min_length=1, max_length=1000)]  # type: ignore[valid-type]
    audits: Annotated[list[AuditRecord], Field(min_length=1, max_length=1)]  # type: ignore[valid-type]
    answers: Annotated[list[AnswerRecord], Field(max_length=_MANY)]  # type: ignore[valid-type]
    findings: Annotated[list[FindingRecord], Field(max_length=_MANY)]  # type: ignore[valid-type]
    measures: Annotated[list[MeasureRecord], Field(max_length=_MANY)]  # type: ignore[valid-type]
    indicator_values: Annotated[list[IndicatorValueRecord], Field(max_length=_MANY)]  # type: ignore[valid-type]
    evidence: Annotated[list[EvidenceRecord], Field(max_length=_MANY)]  # type: ignore[valid-type]
    evidence_links: Annotated[list[EvidenceLinkRecord], Field(max_length=_MANY)]  # type: ignore[valid-type]
    signatures: Annotated[list[SignatureRecord], Field(max_length=1000)]  # type: ignore[valid-type]


class ChangeLogEntry(_Strict):
    id: Uuid
    at: Time
    device_id: Annotated[StrictStr, StringConstraints(max_length=36)]
    entity: Annotated[StrictStr, StringConstraints(max_length=32)]
    entity_id: Uuid
    field: Annotated[StrictStr, StringConstraints(max_length=64)]
    old_value: Annotated[StrictStr, StringConstraints(max_length=4 * MAX_TEXT)] | None
    new_value: Annotated[StrictStr, StringConstraints(max_length=4 * MAX_TEXT)] | None
    revision: Annotated[StrictInt, Field(ge=0, le=2**53)]


class AuditDocumentModel(_Strict):
    """``audits/<audit id>.json`` of an oekoaudit package, format version 1."""

    format: Literal["oekoaudit-package-audit"]
    format_version: Literal[1]
    audit_id: Uuid
    #: SHA-256 of the audit's canonical content (the fingerprint in the report's footer)
    fingerprint: Hex64
    #: the catalogue snapshot the audit uses: ``catalogues/<catalogue>.json``
    catalogue: Hex64
    records: RecordsModel
    change_log: Annotated[list[ChangeLogEntry], Field(max_length=2_000_000)]


def document_schema() -> dict[str, Any]:
    schema = AuditDocumentModel.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://oekoaudit.example/schema/audit-document-1.json"
    return schema


# ---- reading -----------------------------------------------------------------------------------------


#: Pure upgrades of older document versions to the current one: version → function (none yet).
UPGRADES: dict[int, Any] = {}


def _where(error: Mapping[str, Any]) -> str:
    return ".".join(str(part) for part in error.get("loc", ()))[:200]


def parse_document(raw: Any, member: str) -> dict[str, Any]:
    """Validate a parsed document against the schema; returns it in plain form (values normalised:
    times in UTC, amounts without trailing zeros). Raises PackageError naming the first problem."""
    if not isinstance(raw, dict):
        raise PackageError(N_("{member} is not an audit document."), member=member)
    version = raw.get("format_version")
    if raw.get("format") != FORMAT or not isinstance(version, int) or isinstance(version, bool):
        raise PackageError(N_("{member} is not an audit document."), member=member)
    if version > FORMAT_VERSION:
        raise PackageError(N_("{member} was written by a newer oekoaudit (document version {version}); "
                              "please update oekoaudit."), member=member, version=version)
    while version < FORMAT_VERSION:
        if version not in UPGRADES:
            raise PackageError(N_("{member} has an unknown document version {version}."), member=member,
                               version=version)
        raw = UPGRADES[version](raw)
        version = raw["format_version"]
    try:
        model = AuditDocumentModel.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise PackageError(N_("{member} is not valid: {where} ({problem})."), member=member,
                           where=_where(first), problem=str(first.get("msg", ""))[:200]) from None
    document = model.model_dump(mode="json")
    check_document(document, member)
    return document


def check_document(document: Mapping[str, Any], member: str) -> None:
    """What the schema cannot say: every record belongs to this audit, its organisation and sites;
    no id twice; the document names the audit it is for."""
    records = document["records"]
    audit_id = document["audit_id"]

    def refuse(what: str, record_id: str) -> PackageError:
        return PackageError(N_("{member}: the record {id} ({kind}) does not belong to this audit."),
                            member=member, id=record_id[:8], kind=what)

    for table, rows in records.items():
        ids = [r["id"] for r in rows]
        if len(set(ids)) != len(ids):
            raise PackageError(N_("{member}: a record appears twice ({kind})."), member=member, kind=table)
    organisation = records["organisations"][0]
    audit = records["audits"][0]
    if audit["id"] != audit_id or member != f"audits/{audit_id}.json":
        raise refuse("audits", audit["id"])
    if audit["fields"]["catalogue_fingerprint"] != document["catalogue"]:
        raise PackageError(N_("{member}: the audit does not use the catalogue the document names."), member=member)
    sites = {s["id"] for s in records["sites"]}
    for site in records["sites"]:
        if site["fields"]["organisation_id"] != organisation["id"]:
            raise refuse("sites", site["id"])
    if audit["fields"]["site_id"] not in sites:
        raise refuse("audits", audit["id"])
    for table in ("answers", "findings", "evidence", "signatures"):
        for r in records[table]:
            if r["fields"]["audit_id"] != audit_id:
                raise refuse(table, r["id"])
    for r in records["measures"]:
        f = r["fields"]
        if f["organisation_id"] != organisation["id"] or f["audit_id"] != audit_id or (
                f["site_id"] is not None and f["site_id"] not in sites):
            raise refuse("measures", r["id"])
    for r in records["indicator_values"]:
        if r["fields"]["site_id"] not in sites:
            raise refuse("indicator_values", r["id"])
    evidence = {r["id"] for r in records["evidence"]}
    for r in records["evidence_links"]:
        if r["fields"]["evidence_id"] not in evidence:
            raise refuse("evidence_links", r["id"])
    owned = {r["id"] for rows in records.values() for r in rows}
    for entry in document["change_log"]:
        if entry["entity_id"] not in owned:
            raise PackageError(N_("{member}: the change log names a record that is not in the package."),
                               member=member)
