"""Findings: what the auditor found, and what is done about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from oekoaudit.domain.checklist import Rating


class FindingClass(StrEnum):
    MAJOR_NC = "major_nc"
    MINOR_NC = "minor_nc"
    OBSERVATION = "observation"
    IMPROVEMENT = "improvement"
    POSITIVE = "positive"


#: The finding class an answer suggests (answers rated conform or n/a suggest none).
FINDING_CLASS_FOR_RATING: dict[Rating, FindingClass] = {
    Rating.MAJOR_NC: FindingClass.MAJOR_NC,
    Rating.MINOR_NC: FindingClass.MINOR_NC,
    Rating.OBSERVATION: FindingClass.OBSERVATION,
    Rating.IMPROVEMENT: FindingClass.IMPROVEMENT,
}


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"


@dataclass(frozen=True, slots=True)
class Finding:
    id: str
    audit_id: str
    item_key: str | None
    finding_class: FindingClass
    requirement_ref: str
    statement: str
    objective_evidence: str = ""
    correction: str = ""
    root_cause: str = ""
    corrective_action: str = ""
    owner: str = ""
    due_date: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    verified_on: date | None = None
    verified_by: str = ""
    verification_result: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    revision: int = 1
