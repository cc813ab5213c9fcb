"""Organisations, audits, answers and findings through the services."""

from __future__ import annotations

import json

import pytest

from oekoaudit.domain.audit import AuditKind, AuditStatus
from oekoaudit.domain.checklist import Rating
from oekoaudit.domain.finding import FindingClass
from oekoaudit.errors import AmbiguousError, NotFoundError, UserInputError
from oekoaudit.services.demo import create_demo


def test_organisation_gets_a_first_site(services) -> None:  # type: ignore[no-untyped-def]
    organisation = services.organisations.create("  Grüne  Bäckerei  ", site_name="Filiale Mitte")
    assert organisation.name == "Grüne Bäckerei"
    assert [s.name for s in services.organisations.sites(organisation.id)] == ["Filiale Mitte"]
    with pytest.raises(UserInputError):
        services.organisations.create("grüne bäckerei")
    with pytest.raises(UserInputError):
        services.organisations.create("   ")
    assert services.organisations.ensure("GRÜNE BÄCKEREI") == (organisation, False)


def test_new_audit_pins_its_catalogue(services, audit) -> None:  # type: ignore[no-untyped-def]
    assert audit.catalogue_id == "iso14001-2015" and audit.catalogue_edition == "2015"
    assert audit.kind is AuditKind.INTERNAL and audit.status is AuditStatus.IN_PROGRESS
    assert audit.catalogue_title_de.startswith("DIN EN ISO 14001")
    detail = services.audits.detail(audit.id)
    assert detail.progress.overall.total == 32 and detail.progress.overall.answered == 0
    assert detail.checklist.fingerprint


def test_answers_and_notes_are_stored_at_once(services, audit) -> None:  # type: ignore[no-untyped-def]
    changes = services.audits.answer(audit.id, "6.1.2", "minor_nc", "Register veraltet")
    assert changes.answers and changes.item_keys == ("6.1.2",)
    services.audits.answer(audit.id, "4.1", "1")  # by shortcut
    services.audits.answer(audit.id, "4.2", "konform")  # German alias
    services.audits.answer(audit.id, "6.1.2", None, "Register veraltet; Anlage fehlt")  # note only
    assert not services.audits.answer(audit.id, "4.1", "conform").answers  # nothing changed
    detail = services.audits.detail(audit.id[:8])
    answer = detail.answers["6.1.2"]
    assert (answer.result, answer.rating, answer.note) == ("minor_nc", Rating.MINOR_NC, "Register veraltet; Anlage fehlt")
    assert detail.answers["4.1"].result == "conform" and detail.answers["4.2"].result == "conform"
    assert detail.progress.overall.answered == 3
    assert detail.progress.sections["6"].verdict.value == "minor_nc"
    summary, = services.audits.list()
    assert (summary.answered, summary.total) == (3, 32)


def test_setting_back_to_open_counts_as_unanswered(services, audit) -> None:  # type: ignore[no-untyped-def]
    services.audits.answer(audit.id, "4.1", "conform")
    services.audits.answer(audit.id, "4.1", "open")
    assert services.audits.detail(audit.id).progress.overall.answered == 0
    assert services.audits.list()[0].answered == 0


@pytest.mark.parametrize(
    ("item", "result", "error"),
    [("4.9", "conform", NotFoundError), ("4.1", "maybe", UserInputError), ("", "conform", NotFoundError)],
)
def test_bad_input_changes_nothing(services, audit, item, result, error) -> None:  # type: ignore[no-untyped-def]
    services.audits.answer(audit.id, "4.1", "conform", "vorher")
    before = services.audits.detail(audit.id)
    with pytest.raises(error):
        services.audits.answer(audit.id, item, result, "nachher")
    after = services.audits.detail(audit.id)
    assert after.answers == before.answers and after.audit == before.audit


def test_audit_ids_resolve_by_unique_prefix(services, audit) -> None:  # type: ignore[no-untyped-def]
    assert services.audits.resolve(audit.id[:6].upper()) == audit.id
    with pytest.raises(UserInputError):
        services.audits.resolve("ab")
    with pytest.raises(NotFoundError):
        services.audits.resolve("ffffffff-none")
    other = services.audits.create(audit.organisation_id, "iso14001-2015")
    common = 0
    while audit.id[common] == other.id[common]:
        common += 1
    if common >= 4:
        with pytest.raises(AmbiguousError):
            services.audits.resolve(audit.id[:common])


def test_findings_need_a_statement_when_nonconforming(services, audit) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserInputError):
        services.audits.add_finding(audit.id, "major_nc", "   ", item_key="8.1")
    with pytest.raises(UserInputError):
        services.audits.add_finding(audit.id, "catastrophe", "x")
    finding = services.audits.add_finding(audit.id, FindingClass.MINOR_NC, "Fehlt", item_key="8.1")
    assert finding.requirement_ref == "ISO 14001:2015 8.1"
    services.audits.add_finding(audit.id, FindingClass.OBSERVATION, "")  # observations may be brief
    assert [f.finding_class for f in services.audits.detail(audit.id).findings] == [
        FindingClass.MINOR_NC, FindingClass.OBSERVATION]


def test_every_change_is_in_the_change_log(services, audit) -> None:  # type: ignore[no-untyped-def]
    services.audits.answer(audit.id, "4.1", "conform", "erste Notiz")
    services.audits.answer(audit.id, "4.1", "minor_nc", "zweite Notiz")
    detail = services.audits.detail(audit.id)
    answer_id_log = [row for row in _answer_log(services, audit.id)]
    fields = [(field, json.loads(new) if new else None) for _at, field, _dev, _old, new in answer_id_log]
    assert fields[0][0] == "*"
    assert ("result", "minor_nc") in fields and ("note", "zweite Notiz") in fields
    assert detail.answers["4.1"].revision == 2


def _answer_log(services, audit_id):  # type: ignore[no-untyped-def]
    from oekoaudit.storage.orm import AnswerRecord

    with services._store.read() as session:
        answer_id = session.query(AnswerRecord.id).filter_by(audit_id=audit_id, item_key="4.1").scalar()
    return services.audits.change_log(answer_id)


def test_demo_is_realistic(services) -> None:  # type: ignore[no-untyped-def]
    result = create_demo(services.organisations, services.audits)
    detail = services.audits.detail(result.audit_id)
    assert 0 < detail.progress.overall.answered < detail.progress.overall.total
    assert {f.finding_class for f in detail.findings} >= {FindingClass.MAJOR_NC, FindingClass.MINOR_NC}
    assert all(f.item_key in detail.answers for f in detail.findings)
    second = create_demo(services.organisations, services.audits)
    assert second.organisation_name != result.organisation_name
