"""The canonical audit document: the same data gives the same fingerprint in any order of reading,
and every change of the content gives another one."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from oekoaudit.domain.evidence import Evidence as EvidenceRecord
from oekoaudit.domain.evidence import (
    EvidenceKind,
    EvidenceLink,
    GeoPoint,
    Shape,
    ShapeKind,
    Source,
    Target,
)
from oekoaudit.domain.finding import ActionStatus
from oekoaudit.exchange.document import audit_document, canonical_json, decimal_text, fingerprint
from oekoaudit.services.demo import create_demo

SHA = "ab" * 32


def _photo(n: int, **changes: Any) -> EvidenceRecord:
    base = EvidenceRecord(
        id=f"00000000-0000-4000-8000-00000000000{n}", audit_id="a", sha256=f"{n:02d}" * 32,
        kind=EvidenceKind.PHOTO, media_type="image/jpeg", original_name=f"IMG_{n}.jpg", size=1000 + n,
        width=1600, height=1200, captured_at=datetime(2026, 3, 12, 9, n, tzinfo=UTC), camera="Canon",
        location=GeoPoint(51.3, 9.5), imported_at=datetime(2026, 3, 12, 12, 0, tzinfo=UTC), imported_by="M. L.",
        source=Source.FILE, caption=f"Foto {n}", position=n,
        annotations=(Shape(ShapeKind.ARROW, ((0.1, 0.1), (0.5, 0.5))),),
        links=(EvidenceLink(Target.item("8.1"), "8.1 Betrieb"), EvidenceLink(Target.finding("f" * 8), "x")))
    return replace(base, **changes)


@pytest.fixture(scope="module")
def parts(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The domain objects of the demo audit, as the report service reads them (made once)."""
    from oekoaudit.services import open_services

    with open_services(tmp_path_factory.mktemp("document") / "data") as services:
        return _read(services)


def _read(services) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    demo = create_demo(services.organisations, services.audits, indicators=services.indicators,
                       measures=services.measures)
    detail = services.audits.detail(demo.audit_id)
    organisation = services.indicators.organisation(demo.organisation_id)
    site = services.organisations.sites(demo.organisation_id)[0]
    measures = [v.measure for v in services.measures.programme(demo.audit_id).measures]
    figures = services.indicators.values(demo.organisation_id)
    return {"detail": detail, "organisation": organisation, "site": site, "measures": measures,
            "figures": figures, "evidence": [_photo(1), _photo(2), _photo(3)],
            "figure_settings": services.indicators.settings(demo.organisation_id).to_json(),
            "factors": {"set": "de-2024", "chosen": "", "overrides": {}}}


def _document(parts: dict[str, Any], **changes: Any) -> dict[str, Any]:
    p = {**parts, **changes}
    return audit_document(p["detail"], p["organisation"], p["site"], measures=p["measures"], figures=p["figures"],
                          evidence=p["evidence"], figure_settings=p["figure_settings"], factors=p["factors"])


def test_the_document_is_json_with_everything_the_report_needs(parts) -> None:  # type: ignore[no-untyped-def]
    document = _document(parts)
    assert json.loads(canonical_json(document)) == document  # JSON types only, nothing lost
    assert document["format"] == "oekoaudit-audit" and document["format_version"] == 1
    assert document["audit"]["lead_auditor"] == "Dr. Maria Lehmann"
    assert document["organisation"]["name"] == "Muster Metallbau GmbH" and document["site"]["name"] == "Werk Nord"
    assert document["catalogue"]["id"] == "iso14001-2015" and document["catalogue"]["edition"] == "2015"
    assert len(document["answers"]) == 18 and len(document["findings"]) == 4
    assert len(document["measures"]) == len(parts["measures"]) > 0
    assert len(document["figures"]) == len(parts["figures"]) > 0
    first = document["evidence"][0]
    assert first["sha256"] == "01" * 32 and first["caption"] == "Foto 1" and first["hide_location"] is False
    assert first["links"] == [{"kind": "finding", "ref": "ffffffff"}, {"kind": "item", "ref": "8.1"}]
    assert first["annotations"][0]["kind"] == "arrow" and first["captured_at"] == "2026-03-12T09:01:00+00:00"
    # amounts as plain decimal strings, dates as ISO
    amounts = [m["investment_eur"] for m in document["measures"] if m["investment_eur"] is not None]
    assert amounts and all(isinstance(a, str) and "E" not in a for a in amounts)
    assert document["audit"]["start_date"] == parts["detail"].audit.start_date.isoformat()
    text = canonical_json(document).decode("utf-8")
    assert "thumbs" not in text and "previews" not in text and "revision" not in text


def test_same_data_same_fingerprint_whatever_the_order(parts) -> None:  # type: ignore[no-untyped-def]
    reference = fingerprint(_document(parts))
    rnd = random.Random(7)
    for _ in range(5):
        detail = parts["detail"]
        answers = list(detail.answers.items())
        rnd.shuffle(answers)
        findings = list(detail.findings)
        rnd.shuffle(findings)
        shuffled = replace(detail, answers=dict(answers), findings=tuple(findings))
        measures, figures, evidence = list(parts["measures"]), list(parts["figures"]), list(parts["evidence"])
        for seq in (measures, figures, evidence):
            rnd.shuffle(seq)
        evidence = [replace(e, links=tuple(reversed(e.links))) for e in evidence]
        assert fingerprint(_document(parts, detail=shuffled, measures=measures, figures=figures,
                                     evidence=evidence)) == reference
    # a copy read from elsewhere: the same amounts written with other trailing zeros, new revisions
    copied = [replace(m, investment_eur=(m.investment_eur.quantize(Decimal("0.0001"))
                                         if m.investment_eur is not None else None), revision=m.revision + 3,
                      updated_at=datetime(2030, 1, 1, tzinfo=UTC)) for m in parts["measures"]]
    assert fingerprint(_document(parts, measures=copied)) == reference
    assert len(reference) == 64 and int(reference, 16) >= 0


def _changed_answer(parts: dict[str, Any], **changes: Any) -> Any:
    detail = parts["detail"]
    answers = dict(detail.answers)
    answers["4.1"] = replace(answers["4.1"], **changes)
    return replace(detail, answers=answers)


def _changed_finding(parts: dict[str, Any], **changes: Any) -> Any:
    detail = parts["detail"]
    return replace(detail, findings=(replace(detail.findings[0], **changes), *detail.findings[1:]))


@pytest.mark.parametrize("change", [
    "answer_result", "answer_note", "finding_statement", "finding_due", "finding_status", "measure_saving",
    "measure_title", "annotation", "caption", "hide_location", "figure_value", "plan_scope", "team", "link",
])
def test_any_change_of_the_content_changes_the_fingerprint(parts, change: str) -> None:  # type: ignore[no-untyped-def]
    reference = fingerprint(_document(parts))
    detail = parts["detail"]
    measures, evidence, figures = list(parts["measures"]), list(parts["evidence"]), list(parts["figures"])
    changes: dict[str, Any] = {}
    if change == "answer_result":
        changes["detail"] = _changed_answer(parts, result="minor_nc")
    elif change == "answer_note":
        changes["detail"] = _changed_answer(parts, note=detail.answers["4.1"].note + ".")
    elif change == "finding_statement":
        changes["detail"] = _changed_finding(parts, statement="Etwas anderes")
    elif change == "finding_due":
        changes["detail"] = _changed_finding(parts, due_date=None if detail.findings[0].due_date else
                                             datetime(2027, 1, 1).date())
    elif change == "finding_status":
        changes["detail"] = _changed_finding(parts, status=ActionStatus.DONE)
    elif change == "measure_saving":
        measures[0] = replace(measures[0], savings_eur_per_year=(measures[0].savings_eur_per_year or 0) + 1)
        changes["measures"] = measures
    elif change == "measure_title":
        measures[0] = replace(measures[0], title=measures[0].title + "!")
        changes["measures"] = measures
    elif change == "annotation":
        evidence[0] = replace(evidence[0], annotations=(Shape(ShapeKind.ARROW, ((0.1, 0.1), (0.5, 0.51))),))
        changes["evidence"] = evidence
    elif change == "caption":
        evidence[1] = replace(evidence[1], caption="Auffangwanne fehlt")
        changes["evidence"] = evidence
    elif change == "hide_location":
        evidence[2] = replace(evidence[2], hide_location=True)
        changes["evidence"] = evidence
    elif change == "figure_value":
        figures[0] = replace(figures[0], value=figures[0].value + 1)
        changes["figures"] = figures
    elif change == "plan_scope":
        changes["detail"] = replace(detail, audit=replace(detail.audit, scope="Nur Halle 2"))
    elif change == "team":
        from oekoaudit.domain.audit import TeamMember

        changes["detail"] = replace(detail, audit=replace(detail.audit, team=(TeamMember("K. Yilmaz"),)))
    elif change == "link":
        evidence[0] = replace(evidence[0], links=evidence[0].links[:1])
        changes["evidence"] = evidence
    assert fingerprint(_document(parts, **changes)) != reference


def test_decimals_are_written_without_exponent_or_trailing_zeros() -> None:
    assert decimal_text(Decimal("1.50")) == "1.5"
    assert decimal_text(Decimal("1E+2")) == "100"
    assert decimal_text(Decimal("-0.000")) == "0"
    assert decimal_text(Decimal("0.00012")) == "0.00012"
    assert decimal_text(None) is None


def test_the_fingerprint_is_sha256_of_the_canonical_json() -> None:
    import hashlib

    document = {"b": "Ä", "a": [1, {"d": None, "c": True}]}
    assert canonical_json(document) == '{"a":[1,{"c":true,"d":null}],"b":"Ä"}'.encode()
    assert fingerprint(document) == hashlib.sha256(canonical_json(document)).hexdigest()
