"""Plain-data views of domain objects for ``--json`` (stable keys, documented in docs/cli.md)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from oekoaudit import i18n
from oekoaudit.domain.audit import Audit, AuditDetail, AuditSummary, Organisation, Signature
from oekoaudit.domain.award import AwardResult
from oekoaudit.domain.checklist import CatalogueInfo, Checklist, Item, Section, Text
from oekoaudit.domain.co2 import Balance, Factor
from oekoaudit.domain.evidence import Evidence, FileOutcome, ImportReport, OutcomeStatus, Target
from oekoaudit.domain.finding import Finding, OpenAction
from oekoaudit.domain.indicators import (
    QUANTITIES,
    CoreIndicatorTable,
    IndicatorValue,
    PlausibilityWarning,
    canonical_unit,
)
from oekoaudit.domain.programme import MeasureTotals
from oekoaudit.domain.reuse import Gap
from oekoaudit.domain.scoring import Progress
from oekoaudit.i18n import _, pick
from oekoaudit.services import labels
from oekoaudit.services.indicators import ImportResult, IndicatorSettings, Overview, canonical
from oekoaudit.services.measures import MeasureImport, MeasureView, Programme
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
            "measures_per_year": c.award.measures_per_year, "note": text(c.award.note)},
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


# ---- figures and the environmental programme (docs/cli.md: indicators, measures) -------------------
# Money and quantities are given as strings holding exact decimal numbers ("1234.5"), never floats.


def decimal(value: Decimal | None) -> str | None:
    """An exact decimal as JSON text: no exponent, no trailing zeros after the point."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def number(value: Decimal | int | None, places: int | None = None) -> str:
    """A number as the user reads it (:func:`oekoaudit.i18n.number`); "–" for None."""
    return "–" if value is None else i18n.number(value, places)


def quantity_label(key: str) -> str:
    q = QUANTITIES.get(key)
    return pick(q.label) if q else key


def indicator_value(v: IndicatorValue, sites: dict[str, str], settings: IndicatorSettings) -> dict[str, Any]:
    q = QUANTITIES.get(v.quantity)
    converted = canonical(v, settings)
    return {
        "id": v.id, "site": {"id": v.site_id, "name": sites.get(v.site_id, "")}, "year": v.year, "key": v.quantity,
        "category": q.category.value if q else None, "label": text(q.label) if q else None,
        "value": decimal(v.value), "unit": v.unit,
        "canonical_value": decimal(converted), "canonical_unit": canonical_unit(v.quantity, v.unit) if q else None,
        "source": v.source, "details": dict(v.details),
        "created_at": _iso(v.created_at), "updated_at": _iso(v.updated_at), "revision": v.revision,
    }


def core_indicators(table: CoreIndicatorTable, omitted: dict[str, str]) -> dict[str, Any]:
    return {
        "years": list(table.years),
        "enough_years": table.enough_years,
        "reference": {"key": table.reference.quantity, "label": text(QUANTITIES[table.reference.quantity].label),
                      "unit": table.reference_unit, "justification": table.reference.justification},
        "rows": [
            {"key": r.key, "area": r.area.value, "label": text(r.label), "unit": r.unit, "r_unit": r.r_unit,
             "level": r.level, "omitted": omitted.get(r.key),
             "years": {str(y): {"a": decimal(r.a.get(y)), "b": decimal(r.b.get(y)), "r": decimal(r.r.get(y))}
                       for y in table.years}}
            for r in table.rows
        ],
        "omitted": [{"key": k, "justification": v} for k, v in omitted.items()],
    }


def factor(f: Factor) -> dict[str, Any]:
    return {"key": f.key, "value": decimal(f.value), "unit": f.unit, "scope": f.scope, "source": f.source,
            "year": f.year, "basis": f.basis.value if f.basis else None, "set": f.set_id or None,
            "override": f.override, "requested_year": f.requested_year, "fallback": f.fallback}


def balance(b: Balance) -> dict[str, Any]:
    return {
        "year": b.year, "factor_set": b.factor_set, "total_t_co2e": decimal(b.total),
        "scopes": {str(scope): decimal(total) for scope, total in b.by_scope.items()},
        "lines": [{"scope": line.scope, "key": line.quantity, "detail": line.detail, "label": text(
            QUANTITIES[line.quantity].label) if line.quantity in QUANTITIES else None,
                   "recorded": decimal(line.recorded), "amount": decimal(line.amount), "unit": line.unit,
                   "factor": factor(line.factor), "t_co2e": decimal(line.t_co2e)} for line in b.lines],
        "missing": [{"key": m.quantity, "detail": m.detail, "recorded": decimal(m.recorded), "unit": m.unit}
                    for m in b.missing],
    }


def warning_message(w: PlausibilityWarning) -> str:
    label = quantity_label(w.quantity) + (f" ({w.detail})" if w.detail else "")
    return _(w.template).format(quantity=label, year=w.year, value=number(w.value), previous=number(w.previous),
                                unit=w.unit)


def plausibility_warning(w: PlausibilityWarning) -> dict[str, Any]:
    return {"kind": w.kind.value, "site_id": w.site_id, "key": w.quantity, "detail": w.detail, "year": w.year,
            "value": decimal(w.value), "previous": decimal(w.previous), "unit": w.unit,
            "message": warning_message(w)}


def figures(overview: Overview, year: int | None) -> dict[str, Any]:
    sites = {s.id: s.name for s in overview.sites}
    chosen = overview.factors
    return {
        "organisation": {"id": overview.organisation.id, "name": overview.organisation.name},
        "year": year,
        "years": list(overview.years),
        "settings": {"figure_b": {"key": overview.settings.reference.quantity,
                                  "justification": overview.settings.reference.justification},
                     "omitted": dict(overview.settings.omitted),
                     "gas_kwh_per_m3": decimal(overview.settings.gas_kwh_per_m3)},
        "factors": {"set": chosen.factor_set.id, "chosen": chosen.chosen or None, "audit_id": chosen.audit_id,
                    "overrides": [{"key": o.key, "value": decimal(o.value), "source": o.source, "year": o.year}
                                  for o in chosen.overrides.values()]},
        "values": [indicator_value(v, sites, overview.settings) for v in overview.values],
        "core_indicators": core_indicators(overview.core, overview.settings.omitted),
        "co2": [balance(b) for b in overview.balances],
        "warnings": [plausibility_warning(w) for w in overview.warnings],
    }


def figures_import(result: ImportResult, organisation: Organisation) -> dict[str, Any]:
    return {"organisation": {"id": organisation.id, "name": organisation.name}, "file": str(result.path),
            "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
            "years": list(result.years), "warnings": [plausibility_warning(w) for w in result.warnings]}


def measure_totals(t: MeasureTotals) -> dict[str, Any]:
    return {"count": t.count, "investment_eur": decimal(t.investment_eur), "savings_eur_once": decimal(t.savings_eur_once),
            "savings_eur_per_year": decimal(t.savings_eur_per_year),
            "savings_kwh_per_year": decimal(t.savings_kwh_per_year),
            "savings_m3_per_year": decimal(t.savings_m3_per_year), "savings_t_per_year": decimal(t.savings_t_per_year),
            "savings_t_co2_per_year": decimal(t.savings_t_co2_per_year), "co2_derived": t.co2_derived,
            "payback_years": decimal(t.payback_years)}


def measure(view: MeasureView, area_label: str = "") -> dict[str, Any]:
    m = view.measure
    co2 = view.co2
    return {
        "id": m.id, "title": m.title, "description": m.description, "area": m.area, "area_label": area_label or m.area,
        "owner": m.owner, "organisation_id": m.organisation_id, "audit_id": m.audit_id, "site_id": m.site_id,
        "start_date": _iso(m.start_date), "due_date": _iso(m.due_date), "completed_on": _iso(m.completed_on),
        "status": m.status.value, "priority": m.priority,
        "investment_eur": decimal(m.investment_eur), "savings_eur_once": decimal(m.savings_eur_once),
        "savings_eur_per_year": decimal(m.savings_eur_per_year),
        "savings_kwh_per_year": decimal(m.savings_kwh_per_year), "energy_carrier": m.energy_carrier or None,
        "savings_m3_per_year": decimal(m.savings_m3_per_year), "savings_t_per_year": decimal(m.savings_t_per_year),
        "savings_t_co2_per_year": decimal(m.savings_t_co2_per_year),
        "co2": {"t_co2_per_year": decimal(co2.t_co2), "origin": co2.origin.value,
                "factor": factor(co2.factor) if co2.factor else None, "kwh": decimal(co2.kwh)},
        "payback_years": decimal(view.payback_years),
        "finding_ids": list(m.finding_ids), "evidence_ids": list(view.evidence_ids),
        "carried_from_measure_id": m.carried_from_measure_id, "superseded": view.superseded,
        "created_at": _iso(m.created_at), "updated_at": _iso(m.updated_at), "revision": m.revision,
    }


def programme(p: Programme, area_label: Any = None) -> dict[str, Any]:
    label = area_label or (lambda key: key)
    return {
        "organisation": {"id": p.organisation.id, "name": p.organisation.name},
        "audit": None if p.audit is None else _audit_ref(p.audit),
        "factor_set": p.factor_set.id if p.factor_set else None,
        "measures": [measure(v, label(v.measure.area)) for v in p.measures],
        "totals": measure_totals(p.total),
        "by_area": {k: measure_totals(v) for k, v in p.by_area.items()},
        "by_year": {("" if k is None else str(k)): measure_totals(v) for k, v in p.by_year.items()},
        "by_status": {k: measure_totals(v) for k, v in p.by_status.items()},
    }


def measures_import(result: MeasureImport, organisation: Organisation) -> dict[str, Any]:
    return {"organisation": {"id": organisation.id, "name": organisation.name}, "audit_id": result.audit_id,
            "file": str(result.path), "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "measure_ids": list(result.measure_ids)}


# ---- audit packages ---------------------------------------------------------------------------------


def exported(result: Any) -> dict[str, Any]:
    return {"path": str(result.path), "size": result.size, "package_id": result.package_id,
            "sha256": result.sha256, "audits": [dict(a) for a in result.audits], "evidence": result.evidence,
            "signed": result.signer_key_id is not None, "key_id": result.signer_key_id,
            "location_removed": result.location_removed}


def _signature(signature: Any) -> dict[str, Any]:
    return {"status": signature.status, "key_id": signature.key_id, "name": signature.name,
            "signed_at": signature.signed_at}


def problem(p: Any) -> dict[str, Any]:
    return {"code": p.code, "member": p.member, "message": i18n.describe(p)}


def verification(v: Any) -> dict[str, Any]:
    manifest = v.manifest or {}
    return {
        "path": str(v.path), "ok": v.ok, "size": v.size, "sha256": v.sha256,
        "package_id": manifest.get("package_id"), "format_version": manifest.get("format_version"),
        "created_at": manifest.get("created_at"), "producer": manifest.get("producer"),
        "audits": manifest.get("audits", []), "location_removed": bool(manifest.get("location_removed")),
        "members": v.members, "problems": [problem(p) for p in v.problems], "signature": _signature(v.signature),
    }


def signature_line(signature: dict[str, Any], trust_given: bool) -> str:
    """``signature``: as :func:`_signature` gives it (and the import summary holds it)."""
    who, status = signature["name"] or _("(no name)"), signature["status"]
    if status == "trusted":
        return _("Signature: valid, by a trusted key — {name} (key {key}), signed {at}.").format(
            name=who, key=signature["key_id"], at=signature["signed_at"])
    if status == "valid":
        text_ = _("Signature: valid — {name} (key {key}), signed {at}.").format(
            name=who, key=signature["key_id"], at=signature["signed_at"])
        if trust_given:
            text_ += " " + _("The key is not one of the keys given with --trust.")
        else:
            text_ += " " + _("Compare the key id with the signer's (out of band) or pass --trust KEYFILE.pub.")
        return text_
    if status == "invalid":
        return _("Signature: INVALID — the package was changed after it was signed, or the signature is damaged.")
    return _("Signature: none (the package is not signed).")


def verification_lines(v: Any, trust_given: bool) -> list[str]:
    manifest = v.manifest or {}
    lines = []
    if v.ok and (not trust_given or v.signature.status == "trusted"):
        lines.append(_("{path}: complete and unaltered ({n} members checked).").format(path=v.path, n=v.members))
    else:
        lines.append(_("{path}: NOT in order.").format(path=v.path))
    for a in manifest.get("audits", []) or []:
        lines.append("  " + _("Audit {id}: {title}").format(id=str(a.get("id", ""))[:8], title=a.get("title", "")))
    if manifest.get("created_at"):
        producer = manifest.get("producer") or {}
        lines.append("  " + _("Written {at} by oekoaudit {version}.").format(at=manifest["created_at"],
                                                                          version=producer.get("app_version", "?")))
    if manifest.get("location_removed"):
        lines.append("  " + _("The photos' GPS positions were removed before the package was written."))
    lines.append("  " + signature_line(_signature(v.signature), trust_given))
    for p in v.problems:
        lines.append("  " + i18n.describe(p))
    return lines


def import_summary(summary: dict[str, Any]) -> dict[str, Any]:
    return dict(summary)


def import_lines(summary: dict[str, Any]) -> list[str]:
    lines = []
    if summary.get("dry_run"):
        lines.append(_("Dry run: nothing was written."))
    elif summary.get("nothing_to_do"):
        lines.append(_("Nothing to import: everything in the package is here already."))
    else:
        lines.append(_("Imported."))
    for a in summary.get("audits", []):
        lines.append("  " + _("Audit {id}: {title} ({organisation})").format(
            id=a["id"][:8], title=a["title"], organisation=a["organisation"]))
    lines.append("  " + _("Records: {new} new, {changed} changed, {unchanged} unchanged, {conflicts} in conflict.")
                 .format(**{k: summary[k] for k in ("new", "changed", "unchanged", "conflicts")}))
    if summary.get("conflicts"):
        lines.append("  " + _("Both values are kept; decide with: oekoaudit conflicts list"))
    lines.append("  " + signature_line(summary["signature"], trust_given=False))
    return lines


def conflict(c: Any) -> dict[str, Any]:
    return {"id": c.id, "kind": c.kind, "record_id": c.record_id, "field": c.field, "audit_id": c.audit_id,
            "label": c.label, "local": c.local, "incoming": c.incoming, "incoming_device": c.incoming_device,
            "package_id": c.package_id, "detected_at": _iso(c.detected_at)}


def _short(value: Any) -> str:
    text_ = "—" if value is None or value == "" else (value if isinstance(value, str) else str(value))
    text_ = " ".join(text_.split())
    return text_ if len(text_) <= 60 else text_[:59] + "…"


def conflict_line(c: Any) -> str:
    return _("{id}  {kind} {label} · {field}: here «{local}» — package «{incoming}»").format(
        id=c.id[:8], kind=labels.conflict_kind_name(c.kind), label=c.label, field=labels.conflict_field_name(c.field),
        local=_short(c.local), incoming=_short(c.incoming))
