"""The canonical audit document: one audit's data as plain JSON, and its fingerprint.

:func:`audit_document` turns the domain objects of one audit into a JSON-able ``dict``: the
audit with its plan (team, people met, dates, places), the organisation and site, the catalogue
it was run against (id, edition, the snapshot's content hash, modules), every answer, finding and
signature, the measures of the audit, the figures of the organisation's sites (with the choices
that turn them into indicators and a CO2 balance), and the metadata of its evidence (hash, name,
caption, annotations, links, hidden position, capture time). Drawn signatures appear as the
SHA-256 of their PNG. :func:`fingerprint` is the SHA-256 of its canonical JSON.

The same data always gives the same document and the same fingerprint, whatever order the
objects were read in:

- lists are sorted by stable keys (answers by item key, findings, measures, signatures and figures
  by id or their natural key, evidence by gallery position then id, links by kind and target);
- Decimals are strings in plain notation without trailing zeros, times ISO 8601 in UTC
  (``domain/plain.py``: the same rule as the package's records); dates are ISO 8601 (``2026-03-12``);
- enum members are their values.

What only describes one copy of the data is left out, so that it does not change the fingerprint:
record revisions and modification times, labels and anything translated (the document has no
language), computed values (progress, verdicts, payback, an evidence's origin), and local files
(cache paths, previews, thumbnails, renderings). Deleted records are not part of an audit.

This is the document the audit package of issue 8 carries (``audit.json``): the fingerprint the
report prints in its footer is the fingerprint of the package made from the same data, so a
reader can check that a report and a package describe the same audit. Any change of the
content — an answer, a note, a finding, a measure, an annotation, a caption — changes it.

Pure: standard library and the domain only (no database, no files, no translation).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from oekoaudit.domain.audit import Answer, AuditDetail, Organisation, Signature, Site
from oekoaudit.domain.evidence import Evidence, shapes_json
from oekoaudit.domain.finding import Finding
from oekoaudit.domain.indicators import IndicatorValue, detail_key
from oekoaudit.domain.plain import decimal_text, time_text
from oekoaudit.domain.programme import Measure

#: ``format`` of the document, and its version (bumped when the document's shape changes).
FORMAT = "oekoaudit-audit"
FORMAT_VERSION = 1


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _plain(value: Any) -> Any:
    """Any value as JSON: Decimals, dates and enums as text, mappings and sequences recursively."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime):
        return time_text(value)
    if isinstance(value, date):
        return _day(value)
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=_sort_key) if isinstance(value, set | frozenset) else items
    return value


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _audit(detail: AuditDetail) -> dict[str, Any]:
    a = detail.audit
    return {
        "id": a.id, "title": a.title, "kind": a.kind.value, "status": a.status.value,
        "start_date": _day(a.start_date), "end_date": _day(a.end_date), "lead_auditor": a.lead_auditor,
        "objectives": a.objectives, "scope": a.scope, "criteria": a.criteria, "location": a.location,
        "team": [{"name": m.name, "role": m.role.value} for m in a.team],
        "people_met": [{"name": p.name, "function": p.function} for p in a.people_met],
        "carried_from_audit_id": a.carried_from_audit_id, "created_at": time_text(a.created_at),
    }


def _catalogue(detail: AuditDetail) -> dict[str, Any]:
    a, c = detail.audit, detail.checklist
    return {"id": a.catalogue_id, "edition": a.catalogue_edition, "content_sha256": c.fingerprint,
            "modules": list(a.modules)}


def _answer(answer: Answer) -> dict[str, Any]:
    return {"item_key": answer.item_key, "result": answer.result, "rating": answer.rating.value,
            "note": answer.note, "carried_over": answer.carried_over}


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id, "item_key": f.item_key, "class": f.finding_class.value, "requirement_ref": f.requirement_ref,
        "statement": f.statement, "objective_evidence": f.objective_evidence, "correction": f.correction,
        "root_cause": f.root_cause, "corrective_action": f.corrective_action, "owner": f.owner,
        "due_date": _day(f.due_date), "status": f.status.value, "verified_on": _day(f.verified_on),
        "verified_by": f.verified_by, "verification_result": f.verification_result,
        "carried_from_finding_id": f.carried_from_finding_id, "created_at": time_text(f.created_at),
    }


def _signature(s: Signature) -> dict[str, Any]:
    return {"id": s.id, "name": s.name, "role": s.role, "signed_at": time_text(s.signed_at), "place": s.place,
            "method": s.method,
            "image_sha256": hashlib.sha256(s.image_png).hexdigest() if s.image_png is not None else None}


_MEASURE_AMOUNTS = ("investment_eur", "savings_eur_once", "savings_eur_per_year", "savings_kwh_per_year",
                    "savings_m3_per_year", "savings_t_per_year", "savings_t_co2_per_year")


def _measure(m: Measure) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": m.id, "audit_id": m.audit_id, "site_id": m.site_id, "title": m.title, "description": m.description,
        "area": m.area, "owner": m.owner, "start_date": _day(m.start_date), "due_date": _day(m.due_date),
        "completed_on": _day(m.completed_on), "status": m.status.value, "priority": m.priority,
        "energy_carrier": m.energy_carrier, "finding_ids": sorted(m.finding_ids),
        "carried_from_measure_id": m.carried_from_measure_id, "created_at": time_text(m.created_at),
    }
    out.update({name: decimal_text(getattr(m, name)) for name in _MEASURE_AMOUNTS})
    return out


def _figure(v: IndicatorValue) -> dict[str, Any]:
    return {"id": v.id, "site_id": v.site_id, "year": v.year, "quantity": v.quantity,
            "value": decimal_text(v.value), "unit": v.unit, "source": v.source, "details": _plain(v.details)}


def _evidence(e: Evidence) -> dict[str, Any]:
    location = None
    if e.location is not None:
        location = {"latitude": e.location.latitude, "longitude": e.location.longitude,
                    "altitude": e.location.altitude}
    links = sorted({(link.target.kind.value, link.target.ref) for link in e.links})
    return {
        "id": e.id, "sha256": e.sha256, "kind": e.kind.value, "media_type": e.media_type, "name": e.original_name,
        "size": e.size, "width": e.width, "height": e.height, "caption": e.caption,
        "annotations": shapes_json(e.annotations), "links": [{"kind": k, "ref": r} for k, r in links],
        "hide_location": e.hide_location, "location": location, "captured_at": time_text(e.captured_at),
        "camera": e.camera, "source": e.source.value, "imported_at": time_text(e.imported_at),
        "imported_by": e.imported_by, "position": e.position,
    }


def _item_order(detail: AuditDetail) -> dict[str, int]:
    return {item.key: index for index, item in enumerate(detail.checklist.items())}


def audit_document(detail: AuditDetail, organisation: Organisation, site: Site | None, *,
                   measures: Iterable[Measure] = (), figures: Iterable[IndicatorValue] = (),
                   evidence: Iterable[Evidence] = (), figure_settings: Mapping[str, Any] | None = None,
                   factors: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The canonical document of one audit (see the module): a dict of JSON types only.

    ``measures``: the audit's measures; ``figures``: the recorded figures of the organisation's
    sites; ``evidence``: the audit's live evidence; ``figure_settings``: the organisation's
    choices for its figures (figure B, omitted indicators, gas conversion) as stored;
    ``factors``: the audit's emission factors (``{"set": id, "chosen": id, "overrides": {…}}``).
    """
    order = _item_order(detail)
    answers = sorted(detail.answers.values(), key=lambda a: (order.get(a.item_key, len(order)), a.item_key))
    evidence_list: Sequence[Evidence] = sorted(
        (e for e in evidence if not e.deleted), key=lambda e: (e.position, time_text(e.imported_at) or "", e.id))
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "audit": _audit(detail),
        "organisation": {"id": organisation.id, "name": organisation.name, "address": organisation.address,
                         "contact": organisation.contact},
        "site": {"id": site.id, "name": site.name, "address": site.address} if site is not None else None,
        "catalogue": _catalogue(detail),
        "answers": [_answer(a) for a in answers],
        "findings": [_finding(f) for f in sorted(detail.findings, key=lambda f: f.id)],
        "signatures": [_signature(s) for s in sorted(detail.signatures, key=lambda s: (time_text(s.signed_at), s.id))],
        "measures": [_measure(m) for m in sorted(measures, key=lambda m: m.id)],
        "figures": [_figure(v) for v in sorted(figures, key=lambda v: (v.year, v.site_id, v.quantity,
                                                                       detail_key(v.quantity, v.details), v.id))],
        "figure_settings": _plain(dict(figure_settings)) if figure_settings is not None else None,
        "factors": _plain(dict(factors)) if factors is not None else None,
        "evidence": [_evidence(e) for e in evidence_list],
    }


def canonical_json(document: Mapping[str, Any]) -> bytes:
    """The document as canonical JSON: keys sorted, no white space, UTF-8 (not ASCII-escaped)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def fingerprint(document: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the document's canonical JSON."""
    return hashlib.sha256(canonical_json(document)).hexdigest()
