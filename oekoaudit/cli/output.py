"""Plain-data views of domain objects for ``--json`` (stable keys, documented in docs/cli.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from oekoaudit.domain.audit import Audit, AuditDetail, AuditSummary, Signature
from oekoaudit.domain.award import AwardResult
from oekoaudit.domain.checklist import CatalogueInfo, Checklist, Item, Section, Text
from oekoaudit.domain.evidence import Evidence, FileOutcome, ImportReport, OutcomeStatus, Target
from oekoaudit.domain.finding import Finding, OpenAction
from oekoaudit.domain.reuse import Gap
from oekoaudit.domain.scoring import Progress
from oekoaudit.i18n import _
from oekoaudit.services.reuse import Comparison


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def text(t: Text | None) -> dict[str, str] | None:
    return None if t is None else {"de": t.de, "en": t.en}


def progress(p: Progress) -> dict[str, Any]:
    return {"answered": p.answered, "total": p.total, "percent": p.percent, "verdict": p.verdict.value,
            "counts": {r.value: n for r, n in p.counts.items()}}


def audit(a: Audit) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "organisation": {"id": a.organisation_id, "name": a.organisation_name},
        "site": {"id": a.site_id, "name": a.site_name},
        "catalogue": {"id": a.catalogue_id, "edition": a.catalogue_edition,
                      "title": {"de": a.catalogue_title_de, "en": a.catalogue_title_en}},
        "kind": a.kind.value,
        "status": a.status.value,
        "start_date": _iso(a.start_date),
        "end_date": _iso(a.end_date),
        "lead_auditor": a.lead_auditor,
        "scope": a.scope,
        "objectives": a.objectives,
        "criteria": a.criteria,
        "places": a.location,
        "team": [{"name": m.name, "role": m.role.value} for m in a.team],
        "people_met": [{"name": p.name, "function": p.function} for p in a.people_met],
        "carried_from_audit_id": a.carried_from_audit_id,
        "modules": list(a.modules),
        "created_at": _iso(a.created_at),
        "updated_at": _iso(a.updated_at),
        "revision": a.revision,
    }


def summary(s: AuditSummary) -> dict[str, Any]:
    data = audit(s.audit)
    data["progress"] = {"answered": s.answered, "total": s.total,
                        "percent": round(100 * s.answered / s.total) if s.total else 100}
    return data


def finding(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id, "item_key": f.item_key, "class": f.finding_class.value, "requirement_ref": f.requirement_ref,
        "statement": f.statement, "objective_evidence": f.objective_evidence, "correction": f.correction,
        "root_cause": f.root_cause, "corrective_action": f.corrective_action, "owner": f.owner,
        "due_date": _iso(f.due_date), "status": f.status.value, "verified_on": _iso(f.verified_on),
        "verified_by": f.verified_by, "verification_result": f.verification_result,
        "created_at": _iso(f.created_at), "updated_at": _iso(f.updated_at), "revision": f.revision,
        "carried_from_finding_id": f.carried_from_finding_id,
    }


def open_action(a: OpenAction) -> dict[str, Any]:
    return finding(a.finding) | {
        "overdue": a.overdue,
        "audit": {"id": a.audit_id, "title": a.audit_title, "start_date": _iso(a.audit_date)},
        "organisation": {"id": a.organisation_id, "name": a.organisation_name},
    }


def signature(s: Signature) -> dict[str, Any]:
    return {"id": s.id, "name": s.name, "role": s.role, "signed_at": _iso(s.signed_at), "place": s.place,
            "method": s.method, "drawn": s.image_png is not None}


def audit_detail(d: AuditDetail) -> dict[str, Any]:
    data = audit(d.audit)
    data["progress"] = progress(d.progress.overall)
    data["sections"] = [
        {"key": s.key, "ref": s.ref, "title": text(s.title), **progress(d.progress.sections[s.key])}
        for s in d.checklist.all_sections()
    ]
    answers = []
    for section in d.checklist.sections:
        for item in section.items():
            a = d.answers.get(item.key)
            answers.append({
                "key": item.key, "ref": item.ref, "title": text(item.title), "section": section.key,
                "result": a.result if a else d.checklist.scale.open_option.key,
                "rating": a.rating.value if a else "open",
                "note": a.note if a else "",
                "carried_over": a.carried_over if a else False,
                "updated_at": _iso(a.updated_at) if a else None,
            })
    data["answers"] = answers
    data["findings"] = [finding(f) for f in d.findings]
    data["signatures"] = [signature(s) for s in d.signatures]
    return data


def catalogue_info(c: CatalogueInfo) -> dict[str, Any]:
    return {"id": c.id, "scheme": c.scheme, "edition": c.edition, "status": c.status, "title": text(c.title),
            "items": c.item_count, "path": c.path}


def _item(i: Item) -> dict[str, Any]:
    return {"type": "item", "key": i.key, "ref": i.ref, "title": text(i.title),
            "questions": [text(q) for q in i.questions], "guidance": text(i.guidance),
            "evidence": [text(e) for e in i.evidence],
            "documented_information": i.documented_information.value,
            "documented_information_note": text(i.documented_information_note), "mandatory": i.mandatory,
            "plain": None if i.plain is None else {
                "question": text(i.plain.question), "why": text(i.plain.why), "proof": text(i.plain.proof),
                "todo": text(i.plain.todo)},
            "applicability": text(i.applicability), "legal_refs": list(i.legal_refs)}


def _section(s: Section) -> dict[str, Any]:
    return {"type": "section", "key": s.key, "ref": s.ref, "title": text(s.title), "intro": text(s.intro),
            "items": [_section(c) if isinstance(c, Section) else _item(c) for c in s.children]}


def checklist(c: Checklist) -> dict[str, Any]:
    return {
        "id": c.id, "scheme": c.scheme, "edition": c.edition, "status": c.status, "title": text(c.title),
        "description": text(c.description), "source": text(c.source), "fingerprint": c.fingerprint,
        "modes": list(c.modes),
        "answer_scale": {"key": c.scale.key, "options": [
            {"key": o.key, "label": text(o.label), "shortcut": o.shortcut, "rating": o.rating.value,
             "plain_label": text(o.plain_label)}
            for o in c.scale.options]},
        "items": sum(1 for _ in c.items()),
        "sections": [_section(s) for s in c.sections],
        "mappings": [{"target": m.target, "key": m.key, "to": m.to, "relation": m.relation.value}
                     for m in c.mappings],
        "award": None if c.award is None else {
            "must_items": list(c.award.must_items), "min_fulfilled_share": c.award.min_fulfilled_share,
            "measures_implemented": c.award.measures_implemented, "measures_planned": c.award.measures_planned,
            "note": text(c.award.note)},
    }


def _audit_ref(a: Audit) -> dict[str, Any]:
    return {"id": a.id, "title": a.title, "catalogue": a.catalogue_id, "start_date": _iso(a.start_date),
            "status": a.status.value}


def gap(detail: AuditDetail, target: Checklist, result: Gap) -> dict[str, Any]:
    return {
        "audit": _audit_ref(detail.audit),
        "target": {"id": target.id, "title": text(target.title)},
        "covered_percent": result.covered_percent,
        "counts": {s.value: n for s, n in result.counts.items()},
        "items": [
            {"key": i.key, "ref": i.ref, "title": text(target.item(i.key).title),  # type: ignore[union-attr]
             "section": i.section_key, "mandatory": i.mandatory, "status": i.status.value,
             "sources": [{"key": s.key, "ref": s.ref, "relation": s.relation.value, "result": s.result}
                         for s in i.sources]}
            for i in result.items
        ],
    }


def comparison(c: Comparison) -> dict[str, Any]:
    def side(result: str | None, rating: Any) -> dict[str, Any] | None:
        return None if result is None else {"result": result, "rating": rating.value if rating else None}

    return {
        "earlier": _audit_ref(c.earlier.audit),
        "later": _audit_ref(c.later.audit),
        "counts": {k.value: n for k, n in c.counts.items()},
        "items": [
            {"key": r.key, "ref": r.ref, "earlier_key": r.earlier_key,
             "earlier": side(r.earlier_result, r.earlier_rating), "later": side(r.later_result, r.later_rating),
             "change": r.change.value}
            for r in c.items
        ],
    }


def award(detail: AuditDetail, result: AwardResult | None) -> dict[str, Any]:
    return {
        "audit": _audit_ref(detail.audit),
        "rules": result is not None,
        "passed": result.passed if result is not None else None,
        "checks": [] if result is None else [
            {"rule": c.rule.value, "key": c.key, "required": c.required, "actual": c.actual, "passed": c.passed,
             "assessed": c.assessed} for c in result.checks
        ],
    }


def evidence(e: Evidence) -> dict[str, Any]:
    return {
        "id": e.id, "sha256": e.sha256, "kind": e.kind.value, "media_type": e.media_type, "name": e.original_name,
        "size": e.size, "width": e.width, "height": e.height, "captured_at": _iso(e.captured_at),
        "camera": e.camera,
        "location": None if e.location is None else {"latitude": e.location.latitude,
                                                     "longitude": e.location.longitude,
                                                     "altitude": e.location.altitude},
        "hide_location": e.hide_location,
        "imported_at": _iso(e.imported_at), "imported_by": e.imported_by, "source": e.source.value,
        "origin": e.origin.value, "caption": e.caption, "annotations": len(e.annotations), "redacted": e.redacted,
        "links": [{"kind": link.target.kind.value, "ref": link.target.ref, "label": link.label} for link in e.links],
        "position": e.position,
    }


def outcome_message(o: FileOutcome) -> str | None:
    """Why a file was not imported, in the user's language (None when it was)."""
    if not o.template:
        return None
    translated = _(o.template)
    try:
        return translated.format(**dict(o.params))
    except (KeyError, IndexError, ValueError):
        return translated


def import_report(audit_id: str, target: Target | None, report: ImportReport) -> dict[str, Any]:
    return {
        "audit_id": audit_id,
        "target": None if target is None else {"kind": target.kind.value, "ref": target.ref},
        "cancelled": report.cancelled,
        "counts": {status.value: report.count(status) for status in OutcomeStatus},
        "files": [{"path": o.path, "status": o.status.value, "evidence_id": o.evidence_id,
                   "message": outcome_message(o)} for o in report.outcomes],
    }
