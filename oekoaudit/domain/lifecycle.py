"""The audit's life: planned → in progress → in review → closed, and what closing demands."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from oekoaudit.domain.audit import AuditDetail, AuditStatus
from oekoaudit.domain.checklist import Rating
from oekoaudit.domain.finding import NONCONFORMITIES, FindingClass

#: The moves a user may make directly. Closing goes through signing (close_problems must be
#: empty); a closed audit only moves again through a reopen with a reason.
TRANSITIONS: dict[AuditStatus, frozenset[AuditStatus]] = {
    AuditStatus.PLANNED: frozenset({AuditStatus.IN_PROGRESS}),
    AuditStatus.IN_PROGRESS: frozenset({AuditStatus.PLANNED, AuditStatus.IN_REVIEW}),
    AuditStatus.IN_REVIEW: frozenset({AuditStatus.IN_PROGRESS, AuditStatus.CLOSED}),
    AuditStatus.CLOSED: frozenset(),
}


class ProblemKind(StrEnum):
    FIELD_EMPTY = "field_empty"  # a field of the audit plan the report needs is empty
    ITEM_OPEN = "item_open"  # a mandatory item has not been assessed
    MAJOR_WITHOUT_FINDING = "major_without_finding"  # a major nonconformity has no finding
    FINDING_INCOMPLETE = "finding_incomplete"  # a nonconformity finding lacks its statement
    CARRIED_UNCONFIRMED = "carried_unconfirmed"  # an answer carried over from an earlier audit, not confirmed


@dataclass(frozen=True, slots=True)
class CloseProblem:
    kind: ProblemKind
    #: the field name, item key or finding id concerned
    subject: str


#: Audit fields that must be filled before an audit can be signed and closed.
REQUIRED_FIELDS = ("lead_auditor", "scope", "start_date")


def close_problems(detail: AuditDetail) -> list[CloseProblem]:
    """Everything that stands in the way of signing and closing the audit (empty: it may close)."""
    problems: list[CloseProblem] = []
    audit = detail.audit
    for name in REQUIRED_FIELDS:
        value = getattr(audit, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(CloseProblem(ProblemKind.FIELD_EMPTY, name))
    for item in detail.checklist.items():
        answer = detail.answers.get(item.key)
        if answer is not None and answer.carried_over:
            problems.append(CloseProblem(ProblemKind.CARRIED_UNCONFIRMED, item.key))
        elif item.mandatory and (answer is None or answer.rating is Rating.OPEN):
            problems.append(CloseProblem(ProblemKind.ITEM_OPEN, item.key))
    with_major = {f.item_key for f in detail.findings if f.finding_class is FindingClass.MAJOR_NC}
    for key, answer in detail.answers.items():
        if answer.rating is Rating.MAJOR_NC and not answer.carried_over and key not in with_major:
            problems.append(CloseProblem(ProblemKind.MAJOR_WITHOUT_FINDING, key))
    for finding in detail.findings:
        if finding.finding_class in NONCONFORMITIES and not finding.statement.strip():
            problems.append(CloseProblem(ProblemKind.FINDING_INCOMPLETE, finding.id))
    return problems
