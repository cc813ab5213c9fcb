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


#: The classes that demand a statement and a corrective action.
NONCONFORMITIES = frozenset({FindingClass.MAJOR_NC, FindingClass.MINOR_NC})

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
    #: the finding of an earlier audit this one continues (carried over with its open action)
    carried_from_finding_id: str | None = None

    @property
    def needs_action(self) -> bool:
        """Whether a corrective action is expected: always for nonconformities, else when one was set."""
        return self.finding_class in NONCONFORMITIES or bool(self.corrective_action.strip())

    @property
    def is_open(self) -> bool:
        return self.needs_action and self.status is not ActionStatus.VERIFIED

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.status is not ActionStatus.DONE and self.due_date is not None \
            and self.due_date < today


@dataclass(frozen=True, slots=True)
class OpenAction:
    """A finding whose corrective action is not verified yet, with where it comes from."""

    finding: Finding
    audit_id: str
    audit_title: str
    audit_date: date | None
    organisation_id: str
    organisation_name: str
    overdue: bool
