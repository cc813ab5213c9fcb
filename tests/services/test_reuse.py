"""Answers that travel: a small business from QuB via ÖKOPROFIT to ISO 14001 (2015, then 2026) and EMAS,
re-audited every year — carry-over, gap, comparison and award on stored data."""

from __future__ import annotations

from datetime import date

import pytest

from oekoaudit.domain.finding import ActionStatus
from oekoaudit.domain.lifecycle import ProblemKind
from oekoaudit.domain.programme import MeasureStatus
from oekoaudit.domain.reuse import ChangeKind, GapStatus
from oekoaudit.errors import ReadOnlyError, UserInputError


@pytest.fixture
def history(services):  # type: ignore[no-untyped-def]
    """Bäckerei Korn: QuB self-assessment 2024, ÖKOPROFIT 2025 (from QuB), ISO 14001:2015 2026 (from
    ÖKOPROFIT)."""
    org = services.organisations.create("Bäckerei Korn")
    qub = services.audits.create(org.id, "qub-2024", kind="self_assessment", title="QuB 2024",
                                 start_date=date(2024, 3, 1))
    for key, result, note in [("qub.2.1", "fulfilled", "Stromzähler monatlich abgelesen"),
                              ("qub.2.3", "partly_fulfilled", "Abfallbilanz nur für Restmüll"),
                              ("qub.1.2", "not_fulfilled", ""), ("qub.4.1", "fulfilled", "")]:
        services.audits.answer(qub.id, key, result, note or None)
    services.audits.add_finding(qub.id, "minor_nc", "Abfallbilanz unvollständig", item_key="qub.2.3",
                                corrective_action="Alle Fraktionen erfassen", owner="Frau Korn",
                                due_date=date(2024, 9, 30))
    oeko = services.audits.create(org.id, "oekoprofit-2026", title="ÖKOPROFIT 2025", start_date=date(2025, 4, 1),
                                  carry_from=qub.id)
    return services, org, qub, oeko


def test_carry_over_marks_every_answer_until_it_is_confirmed(history) -> None:  # type: ignore[no-untyped-def]
    services, org, qub, oeko = history
    detail = services.audits.detail(oeko.id)
    assert detail.audit.carried_from_audit_id == qub.id
    carried = {k: a for k, a in detail.answers.items() if a.carried_over}
    assert carried and all(a.carried_over for a in detail.answers.values())
    # QuB 2.1 (energy figures) is the same as ÖKOPROFIT B.2: the answer travels, with the note
    assert carried["oeko.B.2"].result == "fulfilled"
    assert "Stromzähler" in carried["oeko.B.2"].note
    # nothing carried over counts as assessed
    assert detail.progress.overall.answered == 0
    assert services.audits.list(org.id)[0].answered == 0
    problems = {p.subject for p in services.audits.close_problems(oeko.id)
                if p.kind is ProblemKind.CARRIED_UNCONFIRMED}
    assert set(carried) <= problems
    # items that nothing maps to stay empty
    assert not any(k.startswith("oeko.E") for k in detail.answers) or all(
        detail.answers[k].result == "open" or detail.answers[k].carried_over for k in detail.answers)
    # confirming keeps the result and removes the mark; answering differently confirms too
    services.audits.confirm(oeko.id, ["oeko.B.2"])
    services.audits.answer(oeko.id, "oeko.B.4", "fulfilled")
    detail = services.audits.detail(oeko.id)
    assert not detail.answers["oeko.B.2"].carried_over and detail.answers["oeko.B.2"].result == "fulfilled"
    assert not detail.answers["oeko.B.4"].carried_over
    assert detail.progress.overall.answered == 2


def test_open_findings_travel_and_are_followed_up_only_once(history) -> None:  # type: ignore[no-untyped-def]
    services, org, qub, oeko = history
    old = services.audits.findings(qub.id)[0]
    new = services.audits.findings(oeko.id)
    assert len(new) == 1 and new[0].carried_from_finding_id == old.id
    assert new[0].item_key is not None and new[0].item_key.startswith("oeko.B")
    assert new[0].statement == old.statement and new[0].owner == "Frau Korn"
    assert "ÖKOPROFIT" in new[0].requirement_ref or "oeko" in new[0].requirement_ref.lower() or new[0].requirement_ref
    actions = services.audits.open_actions(org.id, today=date(2025, 4, 2))
    assert [a.finding.id for a in actions] == [new[0].id]  # not the superseded one as well
    # a verified finding does not travel
    services.audits.update_finding(new[0].id, status=ActionStatus.VERIFIED.value, verified_on=date(2025, 4, 2),
                                   verified_by="Prüferin", verification_result="wirksam")
    iso = services.audits.create(org.id, "iso14001-2015", start_date=date(2026, 5, 1), carry_from=oeko.id)
    assert services.audits.findings(iso.id) == []


def test_chain_of_schemes_and_editions(history) -> None:  # type: ignore[no-untyped-def]
    services, org, _qub, oeko = history
    services.audits.answer(oeko.id, "oeko.B.2", "fulfilled", "Energiedaten 2024 komplett")
    iso15 = services.audits.create(org.id, "iso14001-2015", start_date=date(2026, 5, 1), carry_from=oeko.id)
    detail = services.audits.detail(iso15.id)
    # ÖKOPROFIT asks for less than ISO 14001: notes come over, results do not
    assert detail.answers
    assert all(a.result == "open" for a in detail.answers.values())
    assert any("Energiedaten" in a.note for a in detail.answers.values())
    # answer the ISO audit, then recertify against the 2026 edition
    for key in ["4.2", "4.3", "6.1.2", "6.1.4", "9.3"]:
        services.audits.answer(iso15.id, key, "conform")
    services.audits.answer(iso15.id, "8.2", "minor_nc", "Notfallplan veraltet")
    iso26 = services.audits.create(org.id, "iso14001-2026", start_date=date(2027, 5, 1), carry_from=iso15.id)
    new = services.audits.detail(iso26.id).answers
    assert new["4.2"].result == "conform" and new["4.2"].carried_over
    assert new["6.1.5"].result == "conform"  # 2015 6.1.4 (planning action) is 2026 6.1.5
    assert new["8.2"].result == "minor_nc" and new["8.2"].note == "Notfallplan veraltet"
    assert "6.3" not in new or new["6.3"].result == "open"  # the new clause is for the auditor to assess
    # 4.1 of 2026 asks for more than 4.1 of 2015: never answered from it
    assert "4.1" not in new or new["4.1"].result == "open"


def test_gap_to_other_schemes(history) -> None:  # type: ignore[no-untyped-def]
    services, org, qub, _oeko = history
    _detail, target, gap = services.reuse.gap(qub.id, "iso14001-2015")
    status = {i.key: i.status for i in gap.items}
    assert set(status) == {i.key for i in target.items()}
    assert status["9.2.2"] is GapStatus.MISSING  # QuB has no internal audit programme
    assert status["6.1.3"] in (GapStatus.NONCONFORM, GapStatus.PARTLY, GapStatus.NOT_ASSESSED)
    assert gap.counts[GapStatus.MISSING] > 0 and gap.covered_percent < 50
    # ÖKOPROFIT → EMAS goes through ISO 14001:2015, which EMAS includes
    iso = services.audits.create(org.id, "iso14001-2015", start_date=date(2026, 5, 1))
    for key in ["4.1", "4.2", "9.2.2"]:
        services.audits.answer(iso.id, key, "conform")
    _d, _t, emas_gap = services.reuse.gap(iso.id, "emas-2009")
    emas_status = {i.key: i.status for i in emas_gap.items}
    assert emas_status["4.1"] is GapStatus.COVERED and emas_status["9.2.2"] is GapStatus.COVERED
    assert any(k.startswith("emas.IV") and s is GapStatus.MISSING for k, s in emas_status.items())
    with pytest.raises(Exception, match="nope"):
        services.reuse.gap(iso.id, "nope")


def test_recertification_comparison(services) -> None:  # type: ignore[no-untyped-def]
    org = services.organisations.create("Druckerei Blau")
    first = services.audits.create(org.id, "iso14001-2015", start_date=date(2025, 6, 1))
    for key, result in [("4.1", "major_nc"), ("4.2", "conform"), ("6.1.2", "minor_nc"), ("7.2", "observation"),
                        ("8.1", "conform")]:
        services.audits.answer(first.id, key, result)
    second = services.audits.create(org.id, "iso14001-2015", start_date=date(2026, 6, 1), carry_from=first.id)
    for key, result in [("4.1", "minor_nc"), ("4.2", "minor_nc"), ("6.1.2", "conform"), ("7.2", "conform")]:
        services.audits.answer(second.id, key, result)
    services.audits.confirm(second.id, ["8.1"])
    # given in either order: the earlier audit comes first
    comparison = services.reuse.compare(second.id, first.id)
    assert comparison.earlier.audit.id == first.id
    changes = {r.key: r.change for r in comparison.items}
    assert changes["4.1"] is ChangeKind.IMPROVED and changes["4.2"] is ChangeKind.NEW_NC
    assert changes["6.1.2"] is ChangeKind.CLOSED and changes["7.2"] is ChangeKind.IMPROVED
    assert changes["8.1"] is ChangeKind.UNCHANGED and changes["9.3"] is ChangeKind.NOT_ASSESSED
    # across editions: 6.3 is new in 2026
    third = services.audits.create(org.id, "iso14001-2026", start_date=date(2027, 6, 1))
    across = {r.key: r.change for r in services.reuse.compare(second.id, third.id).items}
    assert across["6.3"] is ChangeKind.NEW_ITEM
    with pytest.raises(UserInputError):
        services.reuse.compare(first.id, first.id)


def test_award_rules_of_oekoprofit(history) -> None:  # type: ignore[no-untyped-def]
    services, org, _qub, oeko = history
    detail, result = services.reuse.award(oeko.id)
    assert result is not None and not result.passed
    rules = detail.checklist.award
    for key in rules.must_items:
        services.audits.answer(oeko.id, key, "fulfilled")
    for item in detail.checklist.items():
        if item.key not in rules.must_items:
            services.audits.answer(oeko.id, item.key, "fulfilled")
    for n in range(rules.measures_implemented):
        services.measures.create(org.id, f"Umgesetzt {n}", status=MeasureStatus.DONE)
    _d, result = services.reuse.award(oeko.id)
    assert not result.passed  # planned measures still missing
    for n in range(rules.measures_planned):
        services.measures.create(org.id, f"Geplant {n}")
    _d, result = services.reuse.award(oeko.id)
    assert result.passed
    _d, none = services.reuse.award(services.audits.create(org.id, "iso14001-2015").id)
    assert none is None


def test_carry_over_only_within_one_organisation_and_nothing_half_written(services) -> None:  # type: ignore[no-untyped-def]
    a = services.organisations.create("A GmbH")
    b = services.organisations.create("B GmbH")
    audit_a = services.audits.create(a.id, "iso14001-2015")
    services.audits.answer(audit_a.id, "4.1", "conform")
    with pytest.raises(UserInputError, match="A GmbH"):
        services.audits.create(b.id, "iso14001-2015", carry_from=audit_a.id)
    assert services.audits.list(b.id) == []


def test_legal_register_can_be_added_to_any_audit(services) -> None:  # type: ignore[no-untyped-def]
    org = services.organisations.create("Metall AG")
    audit = services.audits.create(org.id, "iso14001-2015")
    services.audits.answer(audit.id, "4.1", "conform")
    services.audits.add_module(audit.id, "rechtskataster-2026")
    detail = services.audits.detail(audit.id)
    assert detail.audit.modules == ("rechtskataster-2026",)
    rk = [i for i in detail.checklist.items() if i.key.startswith("rk.")]
    assert rk and detail.answers["4.1"].result == "conform"
    services.audits.answer(audit.id, rk[0].key, "not_applicable")
    with pytest.raises(UserInputError):
        services.audits.add_module(audit.id, "rechtskataster-2026")
    # the next audit with the register takes the legal answers over as well
    later = services.audits.create(org.id, "iso14001-2026", carry_from=audit.id, modules=["rechtskataster-2026"])
    assert services.audits.detail(later.id).answers[rk[0].key].result == "not_applicable"
    services.audits.set_status(audit.id, "in_review")
    services.audits.update_plan(audit.id, scope="Werk", lead_auditor="L")
    services.audits.confirm(later.id, [rk[0].key])
    with pytest.raises(ReadOnlyError):
        closed = services.audits.create(org.id, "iso14001-2015")
        services.audits.update_plan(closed.id, scope="x", lead_auditor="y")
        for item in services.audits.detail(closed.id).checklist.items():
            services.audits.answer(closed.id, item.key, "conform")
        services.audits.close(closed.id, "y", "lead_auditor")
        services.audits.add_module(closed.id, "rechtskataster-2026")


def test_evidence_links_travel_with_answers_and_findings(services) -> None:  # type: ignore[no-untyped-def]
    """Photos and documents linked to an answer or an open finding are linked in the new audit too
    (the same stored file, a new evidence record of the new audit)."""
    from oekoaudit.storage.orm import EvidenceLinkRecord, EvidenceRecord

    org = services.organisations.create("Foto GmbH")
    first = services.audits.create(org.id, "iso14001-2015")
    services.audits.answer(first.id, "8.2", "minor_nc", "Feuerlöscher abgelaufen")
    finding = services.audits.add_finding(first.id, "minor_nc", "Prüffrist überschritten", item_key="8.2")
    audits = services.audits
    with audits._store.write() as session:
        repo = audits._repo(session)
        answer_id = repo.answer_ids(first.id)["8.2"]
        for name, kind, target in [("loescher.jpg", "answer", answer_id), ("protokoll.pdf", "finding", finding.id)]:
            record = EvidenceRecord(audit_id=first.id, sha256=name.ljust(64, "0")[:64], media_type="image/jpeg",
                                    original_name=name, size=10, caption=name)
            repo._add(record, "evidence")
            repo.link_evidence(record.id, kind, target)
    second = services.audits.create(org.id, "iso14001-2015", carry_from=first.id)
    with audits._store.read() as session:
        repo = audits._repo(session)
        new_answer = repo.answer_ids(second.id)["8.2"]
        new_finding = services.audits.findings(second.id)[0].id
        assert repo.evidence_links("answer", [new_answer]) and repo.evidence_links("finding", [new_finding])
        copies = session.query(EvidenceRecord).filter(EvidenceRecord.audit_id == second.id).all()
        assert sorted(c.original_name for c in copies) == ["loescher.jpg", "protokoll.pdf"]
        assert session.query(EvidenceLinkRecord).count() == 4  # the earlier links stay as they were
