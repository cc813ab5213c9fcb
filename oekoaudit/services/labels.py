"""The user's-language names of enum values, shared by the window, the command line and the report."""

from __future__ import annotations

from oekoaudit.domain.audit import AuditKind, AuditStatus, TeamRole
from oekoaudit.domain.award import AwardRule
from oekoaudit.domain.checklist import DocumentedInformation, Relation
from oekoaudit.domain.evidence import EvidenceKind, Origin, OutcomeStatus, Source, TargetKind
from oekoaudit.domain.finding import ActionStatus, FindingClass
from oekoaudit.domain.reuse import ChangeKind, GapStatus
from oekoaudit.domain.scoring import Verdict
from oekoaudit.i18n import N_, _

_KIND = {
    AuditKind.INITIAL: N_("initial audit"),
    AuditKind.SURVEILLANCE: N_("surveillance audit"),
    AuditKind.RECERTIFICATION: N_("recertification audit"),
    AuditKind.INTERNAL: N_("internal audit"),
    AuditKind.SELF_ASSESSMENT: N_("self-assessment"),
}
_STATUS = {
    AuditStatus.PLANNED: N_("planned"),
    AuditStatus.IN_PROGRESS: N_("in progress"),
    AuditStatus.IN_REVIEW: N_("in review"),
    AuditStatus.CLOSED: N_("closed"),
}
_TEAM_ROLE = {
    TeamRole.AUDITOR: N_("auditor"),
    TeamRole.EXPERT: N_("technical expert"),
    TeamRole.OBSERVER: N_("observer"),
    TeamRole.GUIDE: N_("guide"),
    TeamRole.INTERPRETER: N_("interpreter"),
}
_VERDICT = {
    Verdict.NOT_ASSESSED: N_("not assessed"),
    Verdict.CONFORM: N_("conform"),
    Verdict.IMPROVEMENT: N_("conform, with opportunities for improvement"),
    Verdict.OBSERVATION: N_("conform, with observations"),
    Verdict.MINOR_NC: N_("minor nonconformity"),
    Verdict.MAJOR_NC: N_("major nonconformity"),
}
_FINDING = {
    FindingClass.MAJOR_NC: N_("major nonconformity"),
    FindingClass.MINOR_NC: N_("minor nonconformity"),
    FindingClass.OBSERVATION: N_("observation"),
    FindingClass.IMPROVEMENT: N_("opportunity for improvement"),
    FindingClass.POSITIVE: N_("positive finding"),
}
_ACTION = {
    ActionStatus.OPEN: N_("open"),
    ActionStatus.IN_PROGRESS: N_("in progress"),
    ActionStatus.DONE: N_("done"),
    ActionStatus.VERIFIED: N_("verified"),
}
_DOCINFO = {
    DocumentedInformation.NONE: N_("no documented information required"),
    DocumentedInformation.MAINTAIN: N_("documented information to maintain (document)"),
    DocumentedInformation.RETAIN: N_("documented information to retain (record)"),
    DocumentedInformation.MAINTAIN_AND_RETAIN: N_("documented information to maintain and retain"),
}
_RELATION = {
    Relation.EQUAL: N_("same requirement"),
    Relation.SUPERSET: N_("covers more"),
    Relation.SUBSET: N_("covers part"),
    Relation.INTERSECT: N_("overlaps"),
}
_GAP = {
    GapStatus.COVERED: N_("covered"),
    GapStatus.PARTLY: N_("partly covered"),
    GapStatus.NONCONFORM: N_("nonconformity to close"),
    GapStatus.NOT_ASSESSED: N_("related, not assessed"),
    GapStatus.MISSING: N_("missing"),
}
_CHANGE = {
    ChangeKind.IMPROVED: N_("improved"),
    ChangeKind.WORSENED: N_("worsened"),
    ChangeKind.NEW_NC: N_("new nonconformity"),
    ChangeKind.CLOSED: N_("nonconformity closed"),
    ChangeKind.UNCHANGED: N_("unchanged"),
    ChangeKind.NOT_ASSESSED: N_("not assessed in one of the two"),
    ChangeKind.NEW_ITEM: N_("new requirement"),
    ChangeKind.DROPPED: N_("no longer asked"),
}
_AWARD = {
    AwardRule.MUST_ITEM: N_("must criterion {key} fulfilled"),
    AwardRule.FULFILLED_SHARE: N_("applicable criteria fulfilled: at least {required} %, now {actual} %"),
    AwardRule.MEASURES_IMPLEMENTED: N_("at least {required} measures implemented (now {actual})"),
    AwardRule.MEASURES_PLANNED: N_("at least {required} measures planned (now {actual})"),
    AwardRule.MEASURES_PER_YEAR: N_("at least {required} documented measures in {key} (now {actual})"),
}


def kind(value: AuditKind) -> str:
    return _(_KIND[value])


def status(value: AuditStatus) -> str:
    return _(_STATUS[value])


def team_role(value: TeamRole) -> str:
    return _(_TEAM_ROLE[value])


def verdict(value: Verdict) -> str:
    return _(_VERDICT[value])


def finding_class(value: FindingClass) -> str:
    return _(_FINDING[value])


def action_status(value: ActionStatus) -> str:
    return _(_ACTION[value])


def documented_information(value: DocumentedInformation) -> str:
    return _(_DOCINFO[value])


def relation(value: Relation) -> str:
    return _(_RELATION[value])


def gap_status(value: GapStatus) -> str:
    return _(_GAP[value])


def change(value: ChangeKind) -> str:
    return _(_CHANGE[value])


def award_check(rule: AwardRule, key: str | None, required: float, actual: float) -> str:
    """One award rule with its numbers, e.g. "at least 2 measures implemented (now 1)"."""
    if rule is AwardRule.FULFILLED_SHARE:
        required, actual = round(100 * required), round(100 * actual)
    return _(_AWARD[rule]).format(key=key or "", required=int(required), actual=int(actual))


_EVIDENCE_KIND = {EvidenceKind.PHOTO: N_("photo"), EvidenceKind.DOCUMENT: N_("document")}
_ORIGIN = {Origin.ON_SITE: N_("captured on site"), Origin.IMPORTED_LATER: N_("imported later")}
_SOURCE = {Source.FILE: N_("file"), Source.CLIPBOARD: N_("clipboard"), Source.CAMERA: N_("camera")}
_TARGET_KIND = {TargetKind.ITEM: N_("checklist item"), TargetKind.FINDING: N_("finding"),
                TargetKind.MEASURE: N_("measure")}
_OUTCOME = {OutcomeStatus.IMPORTED: N_("imported"), OutcomeStatus.DUPLICATE: N_("already there"),
            OutcomeStatus.FAILED: N_("failed"), OutcomeStatus.CANCELLED: N_("cancelled")}


def evidence_kind(value: EvidenceKind) -> str:
    return _(_EVIDENCE_KIND[value])


def origin(value: Origin) -> str:
    return _(_ORIGIN[value])


def evidence_source(value: Source) -> str:
    return _(_SOURCE[value])


def target_kind(value: TargetKind) -> str:
    return _(_TARGET_KIND[value])


def outcome(value: OutcomeStatus) -> str:
    return _(_OUTCOME[value])


# ---- conflicts after a package import: kinds of records and their fields -----------------------

CONFLICT_KINDS: dict[str, str] = {
    "organisation": N_("Organisation"),
    "site": N_("Site"),
    "audit": N_("Audit"),
    "answer": N_("Answer"),
    "finding": N_("Finding"),
    "measure": N_("Measure"),
    "figure": N_("Figure"),
    "evidence": N_("Photo or document"),
    "link": N_("Link"),
    "signature": N_("Signature"),
}
#: the fields a conflict is most likely about, by their name in the user's language
CONFLICT_FIELDS: dict[str, str] = {
    "note": N_("Note"),
    "notes": N_("Notes"),
    "result": N_("Assessment"),
    "title": N_("Title"),
    "name": N_("Name"),
    "address": N_("Address"),
    "contact": N_("Contact"),
    "status": N_("Status"),
    "scope": N_("Scope"),
    "objectives": N_("Objectives"),
    "criteria": N_("Criteria"),
    "location": N_("Location"),
    "lead_auditor": N_("Lead auditor"),
    "team": N_("Audit team"),
    "people_met": N_("People met"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "statement": N_("Statement"),
    "finding_class": N_("Classification"),
    "requirement_ref": N_("Requirement"),
    "objective_evidence": N_("Objective evidence"),
    "correction": N_("Correction"),
    "root_cause": N_("Root cause"),
    "corrective_action": N_("Corrective action"),
    "owner": N_("Responsible"),
    "due_date": N_("Due date"),
    "verified_on": N_("Verified on"),
    "verified_by": N_("Verified by"),
    "verification_result": N_("Result of the verification"),
    "caption": N_("Caption"),
    "deleted_at": N_("Deleted"),
}


def conflict_kind_name(kind: str) -> str:
    return _(CONFLICT_KINDS[kind]) if kind in CONFLICT_KINDS else kind


def conflict_field_name(name: str) -> str:
    if name in CONFLICT_FIELDS:
        return _(CONFLICT_FIELDS[name])
    return name.replace("_", " ")
