"""The audit's life: status moves, signing closes (only when nothing is missing), reopen needs a reason."""

from __future__ import annotations

import json

import pytest

from oekoaudit import i18n
from oekoaudit.domain.audit import AuditStatus
from oekoaudit.domain.lifecycle import ProblemKind
from oekoaudit.errors import CloseRefusedError, ReadOnlyError, UserInputError


def _complete(services, audit_id: str) -> None:  # type: ignore[no-untyped-def]
    """Answer every item conform; fill the plan fields closing needs."""
    for item in services.audits.detail(audit_id).checklist.items():
        services.audits.answer(audit_id, item.key, "conform")


@pytest.fixture
def ready(services):  # type: ignore[no-untyped-def]
    organisation = services.organisations.create("Schließbar GmbH")
    audit = services.audits.create(organisation.id, "iso14001-2015", lead_auditor="A. Prüferin",
                                   scope="Standort Nord, Fertigung")
    _complete(services, audit.id)
    return audit


def test_status_moves_along_the_allowed_paths(services, audit) -> None:  # type: ignore[no-untyped-def]
    assert services.audits.set_status(audit.id, "in_review").audits
    assert services.audits.get(audit.id).status is AuditStatus.IN_REVIEW
    services.audits.set_status(audit.id, AuditStatus.IN_PROGRESS)
    services.audits.set_status(audit.id, AuditStatus.PLANNED)
    with pytest.raises(UserInputError):
        services.audits.set_status(audit.id, "in_review")  # planned → review skips the audit itself
    with pytest.raises(UserInputError):
        services.audits.set_status(audit.id, "closed")  # closing is signing
    with pytest.raises(UserInputError):
        services.audits.set_status(audit.id, "finished")
    assert services.audits.get(audit.id).status is AuditStatus.PLANNED


def test_closing_is_refused_with_everything_that_is_missing(services, audit) -> None:  # type: ignore[no-untyped-def]
    services.audits.answer(audit.id, "8.1", "major_nc", "IBC ohne Auffangwanne")
    before = services.audits.detail(audit.id)
    with pytest.raises(CloseRefusedError) as caught:
        services.audits.close(audit.id, "A. Prüferin", "Leitende Auditorin")
    kinds = {p.kind for p in caught.value.problems}
    assert kinds == {ProblemKind.FIELD_EMPTY, ProblemKind.ITEM_OPEN, ProblemKind.MAJOR_WITHOUT_FINDING}
    fields = {p.subject for p in caught.value.problems if p.kind is ProblemKind.FIELD_EMPTY}
    assert fields == {"lead_auditor", "scope"}
    assert ("major_without_finding", "8.1") in {(p.kind.value, p.subject) for p in caught.value.problems}
    message = i18n.describe(caught.value)  # German by default
    assert message.startswith("Das Audit kann noch nicht abgeschlossen werden. Es fehlt: ")
    assert len(caught.value.problems) == 34
    assert "leer: leitender Auditor, Geltungsbereich" in message
    assert "nicht bewertet: 4.1, 4.2" in message and "und 23 weitere" in message
    assert "wesentliche Abweichung ohne Feststellung: 8.1" in message
    after = services.audits.detail(audit.id)
    assert after.audit == before.audit and after.signatures == ()


def test_a_major_nonconformity_needs_its_finding(services, ready) -> None:  # type: ignore[no-untyped-def]
    services.audits.answer(ready.id, "8.2", "major_nc")
    assert [p.subject for p in services.audits.close_problems(ready.id)] == ["8.2"]
    services.audits.add_finding(ready.id, "major_nc", "Kein Notfallplan für Ölaustritt", item_key="8.2")
    assert services.audits.close_problems(ready.id) == []


def test_signing_closes_and_a_closed_audit_is_read_only(services, ready) -> None:  # type: ignore[no-untyped-def]
    signature = services.audits.close(ready.id, "  A.  Prüferin ", "Leitende Auditorin", place="Kassel")
    assert (signature.name, signature.role, signature.place, signature.method) == \
        ("A. Prüferin", "Leitende Auditorin", "Kassel", "typed")
    detail = services.audits.detail(ready.id)
    assert detail.audit.status is AuditStatus.CLOSED and detail.audit.end_date is not None
    assert detail.signatures == (signature,)
    with pytest.raises(ReadOnlyError):
        services.audits.answer(ready.id, "4.1", "minor_nc")
    with pytest.raises(ReadOnlyError):
        services.audits.add_finding(ready.id, "observation", "nachträglich")
    with pytest.raises(ReadOnlyError):
        services.audits.close(ready.id, "B", "C")
    assert services.audits.detail(ready.id).answers == detail.answers


def test_reopen_needs_a_reason_logs_it_and_voids_the_signature(services, ready) -> None:  # type: ignore[no-untyped-def]
    services.audits.close(ready.id, "A. Prüferin", "Leitende Auditorin")
    with pytest.raises(UserInputError):
        services.audits.reopen(ready.id, "  ")
    services.audits.reopen(ready.id, "Kunde hat Nachweis zu 7.2 nachgereicht")
    detail = services.audits.detail(ready.id)
    assert detail.audit.status is AuditStatus.IN_PROGRESS and detail.signatures == ()
    log = services.audits.change_log(ready.id)
    assert ("reopen_reason", json.dumps("Kunde hat Nachweis zu 7.2 nachgereicht", ensure_ascii=False)) in \
        {(field, new) for _at, field, _dev, _old, new in log}
    assert ("status", '"in_progress"') in {(field, new) for _at, field, _dev, _old, new in log}
    services.audits.answer(ready.id, "7.2", "conform", "Nachweis liegt vor")  # editable again
    with pytest.raises(UserInputError):
        services.audits.reopen(ready.id, "nochmal")  # not closed


def test_signer_and_role_are_required(services, ready) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserInputError):
        services.audits.close(ready.id, "", "Leitende Auditorin")
    with pytest.raises(UserInputError):
        services.audits.close(ready.id, "A. Prüferin", " ")
    assert services.audits.get(ready.id).status is AuditStatus.IN_PROGRESS
