"""The navigator and checklist models: Qt's model contract, and what they show."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from oekoaudit.domain.checklist import Rating
from oekoaudit.domain.scoring import Verdict
from oekoaudit.ui.models import checklist_model as cm
from oekoaudit.ui.models import navigator_model as nm


def _navigator(services):  # type: ignore[no-untyped-def]
    model = nm.NavigatorModel()
    model.set_rows(services.organisations.list(), services.organisations.sites(), services.audits.list())
    return model


def test_navigator_model_contract(qtmodeltester, services, demo) -> None:  # type: ignore[no-untyped-def]
    services.organisations.create("Zweite GmbH", site_name="Lager Süd")
    model = _navigator(services)
    qtmodeltester.check(model)


def test_navigator_model_empty_contract(qtmodeltester, services) -> None:  # type: ignore[no-untyped-def]
    model = _navigator(services)
    qtmodeltester.check(model)
    assert model.is_empty()
    assert model.rowCount() == 0


def test_navigator_shows_organisation_site_audit(services, demo) -> None:  # type: ignore[no-untyped-def]
    model = _navigator(services)
    org = model.index(0, 0)
    assert org.data() == "Muster Metallbau GmbH"
    assert org.data(nm.KindRole) == nm.ORGANISATION
    site = model.index(0, 0, org)
    assert site.data() == "Werk Nord"
    audit = model.index(0, 0, site)
    assert audit.data(nm.KindRole) == nm.AUDIT
    assert audit.data(nm.IdRole) == demo.audit_id
    assert audit.data().startswith("Überwachungsaudit ISO 14001")
    assert audit.siblingAtColumn(nm.Column.PROGRESS).data() == "18/32"
    assert audit.siblingAtColumn(nm.Column.STATUS).data() == audit.data(nm.SecondaryRole).split(" · ")[0]
    assert audit.data(nm.ProgressRole) == (18, 32)
    assert model.index_of_audit(demo.audit_id) == audit


def test_navigator_reload_keeps_indexes_when_only_data_changes(services, demo) -> None:  # type: ignore[no-untyped-def]
    model = _navigator(services)
    audit = model.index_of_audit(demo.audit_id)
    resets = []
    model.modelReset.connect(lambda: resets.append(True))
    services.audits.answer(demo.audit_id, "7.4.1", "conform")
    model.set_rows(services.organisations.list(), services.organisations.sites(), services.audits.list())
    assert not resets
    assert audit.siblingAtColumn(nm.Column.PROGRESS).data() == "19/32"
    services.organisations.create("Neu AG")
    model.set_rows(services.organisations.list(), services.organisations.sites(), services.audits.list())
    assert resets
    assert model.rowCount() == 2


def test_checklist_model_contract(qtmodeltester, services, demo) -> None:  # type: ignore[no-untyped-def]
    model = cm.ChecklistModel()
    model.set_detail(services.audits.detail(demo.audit_id))
    qtmodeltester.check(model)


def test_checklist_model_shows_results_progress_and_notes(services, demo) -> None:  # type: ignore[no-untyped-def]
    model = cm.ChecklistModel()
    model.set_detail(services.audits.detail(demo.audit_id))
    assert model.rowCount() == 7  # clauses 4 to 10
    planning = model.index_of_section("6")
    assert planning.data().startswith("6  Planung")
    assert planning.siblingAtColumn(cm.Column.PROGRESS).data() == "6/6"
    assert planning.data(cm.RatingRole) == Verdict.MINOR_NC
    item = model.index_of_item("8.1")
    assert item.data(cm.KindRole) == cm.ITEM
    assert item.siblingAtColumn(cm.Column.RESULT).data() == "wesentliche Abweichung"
    assert item.data(cm.RatingRole) == Rating.MAJOR_NC
    assert item.siblingAtColumn(cm.Column.NOTE).data() == cm.NOTE_MARK
    assert "Gefahrstofflager" in item.siblingAtColumn(cm.Column.NOTE).data(Qt.ItemDataRole.ToolTipRole)
    assert item.siblingAtColumn(cm.Column.RESULT).data(Qt.ItemDataRole.ForegroundRole) is not None
    open_item = model.index_of_item("9.3")
    assert open_item.siblingAtColumn(cm.Column.RESULT).data() == ""
    assert open_item.data(cm.RatingRole) == Rating.OPEN
    assert open_item.siblingAtColumn(cm.Column.NOTE).data() is None
    assert model.next_unanswered(None) == "7.4.1"
    assert model.next_item("4.4") == "5.1"


def test_checklist_model_local_answer_updates_item_and_sections(qtbot, services, demo) -> None:  # type: ignore[no-untyped-def]
    model = cm.ChecklistModel()
    model.set_detail(services.audits.detail(demo.audit_id))
    section = model.index_of_section("9")
    assert section.siblingAtColumn(cm.Column.PROGRESS).data() == "0/5"
    changed: list[QModelIndex] = []
    model.dataChanged.connect(lambda top, bottom, roles=(): changed.append(top))
    model.set_local_answer("9.1.1", result="minor_nc", note="Messplan fehlt")
    item = model.index_of_item("9.1.1")
    assert item.siblingAtColumn(cm.Column.RESULT).data() == "geringfügige Abweichung"
    assert item.data(cm.NoteRole) == "Messplan fehlt"
    assert section.siblingAtColumn(cm.Column.PROGRESS).data() == "1/5"
    assert section.data(cm.RatingRole) == Verdict.MINOR_NC
    assert model.progress.overall.answered == 19
    rows = {(i.row(), i.parent().row()) for i in changed}
    assert (item.row(), item.parent().row()) in rows  # the item
    assert (section.row(), -1) in rows  # and its top section
    # nothing was written: the store still has the old state
    assert "9.1.1" not in services.audits.detail(demo.audit_id).answers
