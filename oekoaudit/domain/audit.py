"""Organisations, sites, audits and answers as plain, immutable data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from oekoaudit.domain.checklist import Checklist, Rating
from oekoaudit.domain.finding import Finding
from oekoaudit.domain.scoring import AuditProgress


class AuditKind(StrEnum):
    INITIAL = "initial"
    SURVEILLANCE = "surveillance"
    RECERTIFICATION = "recertification"
    INTERNAL = "internal"
    SELF_ASSESSMENT = "self-assessment"


class AuditStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    IN_REVIEW = "in_review"
    CLOSED = "closed"


class TeamRole(StrEnum):
    """Roles in the audit team besides its lead (ISO 19011 5.5.4, 6.3.2)."""

    AUDITOR = "auditor"
    EXPERT = "expert"
    OBSERVER = "observer"
    GUIDE = "guide"
    INTERPRETER = "interpreter"


@dataclass(frozen=True, slots=True)
class TeamMember:
    name: str
    role: TeamRole = TeamRole.AUDITOR


@dataclass(frozen=True, slots=True)
class Participant:
    """Someone of the audited organisation met on site."""

    name: str
    function: str = ""


@dataclass(frozen=True, slots=True)
class Organisation:
    id: str
    name: str
    address: str = ""
    contact: str = ""
    notes: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    organisation_id: str
    name: str
    address: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Audit:
    id: str
    organisation_id: str
    organisation_name: str
    site_id: str
    site_name: str
    catalogue_id: str
    catalogue_edition: str
    catalogue_title_de: str
    catalogue_title_en: str
    title: str
    kind: AuditKind
    status: AuditStatus
    start_date: date | None
    end_date: date | None
    lead_auditor: str
    scope: str
    objectives: str
    created_at: datetime
    updated_at: datetime
    revision: int
    criteria: str = ""
    location: str = ""
    team: tuple[TeamMember, ...] = ()
    people_met: tuple[Participant, ...] = ()
    #: the earlier audit whose answers and findings this one took over (to be confirmed)
    carried_from_audit_id: str | None = None
    #: catalogues added to the audit's own (the legal register), by id
    modules: tuple[str, ...] = ()
    #: opened from a package for review (``oekoaudit gui --open``): nothing may be changed
    review: bool = False

    @property
    def read_only(self) -> bool:
        return self.status is AuditStatus.CLOSED or self.review


@dataclass(frozen=True, slots=True)
class Answer:
    item_key: str
    result: str  # key of an option of the checklist's scale
    rating: Rating
    note: str
    carried_over: bool
    updated_at: datetime | None
    revision: int


@dataclass(frozen=True, slots=True)
class Signature:
    """A signature under an audit: who signed, in which role, when and where."""

    id: str
    audit_id: str
    name: str
    role: str
    signed_at: datetime
    place: str
    method: str  # "typed" or "drawn"
    image_png: bytes | None = None


@dataclass(frozen=True, slots=True)
class Signer:
    """One signature to be given when an audit is signed and closed."""

    name: str
    role: str
    place: str = ""
    #: the drawn signature as PNG; ``None`` for a typed name
    image_png: bytes | None = None


@dataclass(frozen=True, slots=True)
class AuditSummary:
    """An audit with its progress, as shown in lists."""

    audit: Audit
    answered: int
    total: int


@dataclass(frozen=True, slots=True)
class AuditDetail:
    """Everything the workspace, the CLI's ``audit show`` and the report need of an audit."""

    audit: Audit
    checklist: Checklist
    answers: dict[str, Answer]
    findings: tuple[Finding, ...]
    progress: AuditProgress
    signatures: tuple[Signature, ...] = ()
