"""Findings with their corrective-action workflow, open actions, the audit plan, signing with drawings."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image

from oekoaudit.domain.audit import AuditStatus, Participant, Signer, TeamMember, TeamRole
from oekoaudit.domain.finding import ActionStatus, FindingClass
from oekoaudit.errors import NotFoundError, ReadOnlyError, UserInputError


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 16), (0, 0, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def _close(services, audit_id: str, signers=None) -> None:  # type: ignore[no-untyped-def]
    for item in services.audits.detail(audit_id).checklist.items():
        services.audits.answer(audit_id, item.key, "conform")
    services.audits.update_plan(audit_id, lead_auditor="A. Prüferin", scope="Werk Nord")
    services.audits.sign_and_close(audit_id, signers or [Signer("A. Prüferin", "Leitende Auditorin")])


def test_a_finding_from_an_item_cites_the_requirement(services, audit) -> None:  # type: ignore[no-untyped-def]
    finding = services.audits.add_finding(audit.id, "minor_nc", "Kein Prüfnachweis", item_key="8.1",
                                          objective_evidence="Begehung Halle 2")
    assert finding.requirement_ref == "ISO 14001:2015 8.1"
    assert finding.objective_evidence == "Begehung Halle 2"
    assert finding.status is ActionStatus.OPEN
    alone = services.audits.add_finding(audit.id, "positive", "Sehr ordentliches Gefahrstofflager")
    assert alone.item_key is None and alone.requirement_ref == ""


def test_the_corrective_action_workflow_runs_to_verification(services, audit) -> None:  # type: ignore[no-untyped-def]
    finding = services.audits.add_finding(audit.id, "major_nc", "Kein Notfallplan", item_key="8.2")
    services.audits.update_finding(finding.id, correction="Aushang der Notrufnummern", root_cause="Keine Zuständigkeit",
                                   corrective_action="Notfallplan erstellen und üben", owner="Herr Maier",
                                   due_date="2026-01-31", status="in_progress")
    with pytest.raises(UserInputError) as caught:
        services.audits.update_finding(finding.id, status="verified")
    assert len(caught.value.params["fields"].split(", ")) == 3  # date, verifier and result are missing
    with pytest.raises(UserInputError):
        services.audits.update_finding(finding.id, status="verified", verified_on=date.today() + timedelta(days=3),
                                       verified_by="A. Prüferin", verification_result="wirksam")
    done = services.audits.update_finding(finding.id, status=ActionStatus.VERIFIED, verified_on=date.today(),
                                          verified_by="A. Prüferin", verification_result="Übung am 12.1. erfolgreich")
    assert done.status is ActionStatus.VERIFIED and done.due_date == date(2026, 1, 31)
    assert not done.is_open
    fields = {row[1] for row in services.audits.change_log(finding.id)}
    assert {"root_cause", "status", "verified_by"} <= fields


def test_bad_finding_input_changes_nothing(services, audit) -> None:  # type: ignore[no-untyped-def]
    finding = services.audits.add_finding(audit.id, "minor_nc", "Etikett fehlt", item_key="7.5.3")
    for bad in ({"statement": "  "}, {"due_date": "31.02.2026"}, {"status": "fertig"},
                {"finding_class": "schlimm"}, {"owner": "x" * 500}):
        with pytest.raises(UserInputError):
            services.audits.update_finding(finding.id, **bad)
    assert services.audits.finding(finding.id) == finding
    with pytest.raises(UserInputError):
        services.audits.add_finding(audit.id, "major_nc", "   ", item_key="8.2")
    with pytest.raises(NotFoundError):
        services.audits.update_finding("abcdef12", owner="x")


def test_delete_and_restore_a_finding(services, audit) -> None:  # type: ignore[no-untyped-def]
    finding = services.audits.add_finding(audit.id, "observation", "Ölspuren", item_key="8.1")
    changes = services.audits.delete_finding(finding.id)
    assert changes.findings and changes.item_keys == ("8.1",)
    assert services.audits.findings(audit.id) == []
    services.audits.restore_finding(finding.id)
    assert [f.id for f in services.audits.findings(audit.id)] == [finding.id]


def test_a_closed_audit_keeps_its_findings_but_the_follow_up_goes_on(services, audit) -> None:  # type: ignore[no-untyped-def]
    finding = services.audits.add_finding(audit.id, "minor_nc", "Schulung fehlt", item_key="7.2",
                                          corrective_action="Schulungsplan", due_date=date(2026, 3, 1))
    _close(services, audit.id)
    with pytest.raises(ReadOnlyError):
        services.audits.update_finding(finding.id, statement="anders")
    with pytest.raises(ReadOnlyError):
        services.audits.delete_finding(finding.id)
    with pytest.raises(ReadOnlyError):
        services.audits.add_finding(audit.id, "observation", "neu")
    updated = services.audits.update_finding(finding.id, status="done", owner="Frau Schulz")
    assert updated.status is ActionStatus.DONE and updated.statement == "Schulung fehlt"


def test_open_actions_across_the_audits_of_an_organisation(services) -> None:  # type: ignore[no-untyped-def]
    org = services.organisations.create("Aktion GmbH")
    other = services.organisations.create("Andere AG")
    first = services.audits.create(org.id, "iso14001-2015", title="2025")
    second = services.audits.create(org.id, "iso14001-2015", title="2026")
    elsewhere = services.audits.create(other.id, "iso14001-2015")
    today = date(2026, 11, 21)
    late = services.audits.add_finding(first.id, "major_nc", "Genehmigung fehlt", item_key="6.1.3",
                                       due_date=date(2026, 10, 1))
    soon = services.audits.add_finding(second.id, "minor_nc", "Etikett", item_key="7.5.3",
                                       due_date=date(2026, 12, 1))
    services.audits.add_finding(second.id, "observation", "nur Hinweis")  # no action: not listed
    ofi = services.audits.add_finding(second.id, "improvement", "LED", corrective_action="LED-Umrüstung")
    verified = services.audits.add_finding(first.id, "minor_nc", "erledigt", item_key="9.2.2")
    services.audits.update_finding(verified.id, status="verified", verified_on=date(2026, 11, 1),
                                   verified_by="A", verification_result="wirksam")
    services.audits.add_finding(elsewhere.id, "major_nc", "fremd", item_key="8.2")
    actions = services.audits.open_actions(org.id, today=today)
    assert [a.finding.id for a in actions] == [late.id, soon.id, ofi.id]
    assert [a.overdue for a in actions] == [True, False, False]
    assert actions[0].audit_title == "2025" and actions[0].organisation_name == "Aktion GmbH"
    assert len(services.audits.open_actions(today=today)) == 4


def test_the_audit_plan(services, audit) -> None:  # type: ignore[no-untyped-def]
    services.audits.update_plan(
        audit.id, title="Überwachungsaudit 2026", kind="surveillance", objectives="Wirksamkeit bestätigen",
        scope="Fertigung und Lager", criteria="ISO 14001:2015, Genehmigungsbescheid", location="Werk Nord, Halle 1–3",
        start_date=date(2026, 11, 20), end_date=date(2026, 11, 21), lead_auditor="A. Prüferin",
        team=[TeamMember("B. Fach", TeamRole.EXPERT), {"name": "C. Neu", "role": "auditor"}, {"name": " "}],
        people_met=[Participant("D. Chef", "Geschäftsführer"), {"name": "E. Meister", "function": "Schichtleitung"}])
    plan = services.audits.get(audit.id)
    assert plan.kind.value == "surveillance" and plan.criteria.startswith("ISO 14001")
    assert plan.team == (TeamMember("B. Fach", TeamRole.EXPERT), TeamMember("C. Neu", TeamRole.AUDITOR))
    assert plan.people_met[1] == Participant("E. Meister", "Schichtleitung")
    assert plan.location == "Werk Nord, Halle 1–3" and plan.end_date == date(2026, 11, 21)
    with pytest.raises(UserInputError):
        services.audits.update_plan(audit.id, end_date=date(2026, 11, 1))
    with pytest.raises(UserInputError):
        services.audits.update_plan(audit.id, team=[{"name": "X", "role": "boss"}])
    with pytest.raises(UserInputError):
        services.audits.update_plan(audit.id, start_date="morgen")
    assert services.audits.get(audit.id) == plan


def test_signing_with_drawn_signatures_of_both_sides(services, audit) -> None:  # type: ignore[no-untyped-def]
    png = _png()
    _close(services, audit.id, [Signer("A. Prüferin", "Leitende Auditorin", "Bremen", png),
                                Signer("D. Chef", "Vertreter der Organisation", "Bremen")])
    detail = services.audits.detail(audit.id)
    assert detail.audit.status is AuditStatus.CLOSED and detail.audit.read_only
    assert [(s.method, s.image_png is not None) for s in detail.signatures] == [("drawn", True), ("typed", False)]
    assert detail.signatures[0].image_png == png


def test_a_signature_that_is_not_a_picture_is_refused(services, audit) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserInputError):
        _close(services, audit.id, [Signer("A", "Lead", image_png=b"GIF89a....")])
    assert services.audits.get(audit.id).status is AuditStatus.IN_PROGRESS


def test_finding_class_enum_is_exposed(services, audit) -> None:  # type: ignore[no-untyped-def]
    finding = services.audits.add_finding(audit.id, FindingClass.IMPROVEMENT, "LED")
    assert services.audits.finding(finding.id[:8]).finding_class is FindingClass.IMPROVEMENT


def test_a_measure_in_the_programme(services, audit) -> None:  # type: ignore[no-untyped-def]
    measure = services.measures.create(audit.organisation_id, "  Druckluft-Leckagen  suchen ", audit_id=audit.id,
                                       due_date=date(2027, 3, 31))
    assert measure.title == "Druckluft-Leckagen suchen" and measure.status.value == "planned"
    assert [m.id for m in services.measures.list(audit.organisation_id)] == [measure.id]
    assert services.measures.list(audit_id=audit.id)[0].due_date == date(2027, 3, 31)
    with pytest.raises(UserInputError):
        services.measures.create(audit.organisation_id, "   ")
    with pytest.raises(NotFoundError):
        services.measures.create("nope", "x")
