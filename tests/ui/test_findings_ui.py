"""Findings and corrective actions in the window: from the checklist (F), the dialog's rules,
undo/redo, deleting, the major-nonconformity rule, overdue actions, closed audits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor

from oekoaudit.domain.audit import Signer
from oekoaudit.domain.finding import ActionStatus, FindingClass
from oekoaudit.i18n import _
from oekoaudit.ui.models import findings_model as fm
from oekoaudit.ui.models.checklist_model import FINDING_MARK, Column


@pytest.fixture
def window(make_window, audit):  # type: ignore[no-untyped-def]
    window = make_window()
    assert window.open_audit(audit.id, "checklist")
    return window


def _findings(services, audit_id):  # type: ignore[no-untyped-def]
    return services.audits.findings(audit_id)


# window.worker.flush(), not window.flush(): the window's flush also writes settings, and a write
# that is pending when a change arrives makes the workspace skip that reload.
def _save(qtbot, window, dialog) -> None:  # type: ignore[no-untyped-def]
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    window.worker.flush()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    window.worker.flush()


def _stack(window, audit_id):  # type: ignore[no-untyped-def]
    return window.undo.stack(audit_id)


def _undo(window, audit_id) -> None:  # type: ignore[no-untyped-def]
    _stack(window, audit_id).undo()
    window.worker.flush()


def _redo(window, audit_id) -> None:  # type: ignore[no-untyped-def]
    _stack(window, audit_id).redo()
    window.worker.flush()


def test_f_on_a_nonconformity_records_a_prefilled_finding(qtbot, window, services, audit) -> None:  # type: ignore[no-untyped-def]
    services.audits.answer(audit.id, "6.1.2", None, "Register ohne die neue Lackieranlage")
    window.workspace.reload()
    view = window.workspace.checklist
    assert view.select_item("6.1.2")
    view.tree.setFocus()
    qtbot.keyClick(view.tree, "2")  # minor nonconformity, then on to the next item
    assert view.current_item_key() != "6.1.2"
    view.select_item("6.1.2")
    assert view.detail.finding_button.isVisible() and view.detail.finding_button.isEnabled()

    qtbot.keyClick(view.tree, "f")
    dialog = window.workspace.findings.active_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.class_combo.currentData() == FindingClass.MINOR_NC
    assert dialog.reference_edit.text().endswith("6.1.2")
    assert dialog.statement_edit.toPlainText() == "Register ohne die neue Lackieranlage"
    assert "6.1.2" in dialog.heading.text()
    qtbot.keyClicks(dialog.evidence_edit, "Register Stand 01/2025")
    _save(qtbot, window, dialog)

    stored = _findings(services, audit.id)
    assert len(stored) == 1
    finding = stored[0]
    assert (finding.item_key, finding.finding_class, finding.statement, finding.objective_evidence) == (
        "6.1.2", FindingClass.MINOR_NC, "Register ohne die neue Lackieranlage", "Register Stand 01/2025")
    assert finding.requirement_ref == dialog.reference_edit.text()
    # the checklist marks the item, the findings tab lists it
    qtbot.waitUntil(lambda: view.model.index_of_item("6.1.2").siblingAtColumn(Column.FINDING).data()
                    == FINDING_MARK)
    assert window.workspace.findings.model.rowCount() == 1
    assert _stack(window, audit.id).undoText() == _("Record finding")


def test_a_nonconformity_without_statement_cannot_be_saved(qtbot, window, services, audit) -> None:  # type: ignore[no-untyped-def]
    services.audits.answer(audit.id, "8.1", "minor_nc")
    window.workspace.reload()
    dialog = window.workspace.findings.record_for_item("8.1")
    assert dialog.statement_edit.toPlainText() == ""
    assert not dialog.save_button.isEnabled()
    assert dialog.statement_hint.isVisible() and dialog.statement_hint.text()
    dialog.save()  # Ctrl+Enter or a forced save: refused, nothing stored
    window.worker.flush()
    assert dialog.isVisible() and _findings(services, audit.id) == []

    dialog.class_combo.setCurrentIndex(dialog.class_combo.findData(FindingClass.OBSERVATION))
    assert dialog.save_button.isEnabled()  # an observation may be short of words
    dialog.class_combo.setCurrentIndex(dialog.class_combo.findData(FindingClass.MINOR_NC))
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.statement_edit, "Keine Notfalluebung seit 2024")  # QTest types ASCII only
    assert dialog.save_button.isEnabled() and not dialog.statement_hint.isVisible()
    _save(qtbot, window, dialog)
    assert [f.statement for f in _findings(services, audit.id)] == ["Keine Notfalluebung seit 2024"]


def test_a_refusal_of_the_service_is_shown_in_the_dialog_and_nothing_stored(qtbot, window, services, audit) -> None:  # type: ignore[no-untyped-def]
    dialog = window.workspace.findings.new_finding()
    qtbot.keyClicks(dialog.statement_edit, "Abfallbilanz fehlt")
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData(ActionStatus.VERIFIED))
    dialog.verified_by_edit.clear()  # verified needs a verifier and a result
    dialog.save()
    window.worker.flush()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible())
    assert dialog.isVisible()
    assert _findings(services, audit.id) == []
    assert _stack(window, audit.id).count() == 0


def test_corrective_action_and_its_verification(qtbot, window, services, audit) -> None:  # type: ignore[no-untyped-def]
    finding = services.audits.add_finding(audit.id, FindingClass.MINOR_NC, "Auffangwanne fehlt", item_key="8.1")
    window.workspace.reload()
    findings = window.workspace.findings
    window.workspace.show_view("findings")
    assert findings.select_finding(finding.id)
    qtbot.keyClick(findings.table, Qt.Key.Key_Return)
    dialog = findings.active_dialog
    assert dialog is not None and dialog.finding.id == finding.id
    qtbot.keyClicks(dialog.correction_edit, "IBC umgesetzt")
    qtbot.keyClicks(dialog.cause_edit, "Lagerkonzept nicht angepasst")
    qtbot.keyClicks(dialog.action_edit, "Wannen beschaffen, Lagerkonzept aendern")
    qtbot.keyClicks(dialog.owner_edit, "F. Kaya")
    dialog.due_edit.check.setChecked(True)
    due = date.today() + timedelta(days=14)
    dialog.due_edit.date_edit.setDate(QDate(due))
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData(ActionStatus.IN_PROGRESS))
    _save(qtbot, window, dialog)
    stored = services.audits.finding(finding.id)
    assert (stored.correction, stored.root_cause, stored.corrective_action, stored.owner, stored.due_date,
            stored.status) == ("IBC umgesetzt", "Lagerkonzept nicht angepasst",
                               "Wannen beschaffen, Lagerkonzept aendern", "F. Kaya", due, ActionStatus.IN_PROGRESS)
    assert _stack(window, audit.id).undoText() == _("Edit finding")

    # later: the effectiveness is verified
    dialog = findings.edit_finding(stored)
    assert dialog.owner_edit.text() == "F. Kaya" and dialog.due_edit.value() == due
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData(ActionStatus.VERIFIED))
    assert dialog.verified_on_edit.value() == date.today()  # choosing "verified" dates it today
    qtbot.keyClicks(dialog.verified_by_edit, "Dr. Lehmann")
    qtbot.keyClicks(dialog.result_edit, "Wirksam: Wannen vorhanden, Unterweisung erfolgt")
    _save(qtbot, window, dialog)
    stored = services.audits.finding(finding.id)
    assert stored.status is ActionStatus.VERIFIED and stored.verified_by == "Dr. Lehmann"
    assert stored.verified_on == date.today() and not stored.is_open

    # undo the verification, then the corrective action; redo both
    _undo(window, audit.id)
    back = services.audits.finding(finding.id)
    assert back.status is ActionStatus.IN_PROGRESS and back.verified_on is None and back.verified_by == ""
    _undo(window, audit.id)
    back = services.audits.finding(finding.id)
    assert (back.correction, back.owner, back.due_date, back.status) == ("", "", None, ActionStatus.OPEN)
    _redo(window, audit.id)
    _redo(window, audit.id)
    again = services.audits.finding(finding.id)
    fields = ("correction", "root_cause", "corrective_action", "owner", "due_date", "status", "verified_on",
              "verified_by", "verification_result")
    assert {k: getattr(again, k) for k in fields} == {k: getattr(stored, k) for k in fields}


def test_undo_and_redo_of_recording(qtbot, window, services, audit) -> None:  # type: ignore[no-untyped-def]
    dialog = window.workspace.findings.new_finding()
    assert dialog.heading.text() == _("Finding without a checklist item")
    dialog.class_combo.setCurrentIndex(dialog.class_combo.findData(FindingClass.POSITIVE))
    qtbot.keyClicks(dialog.statement_edit, "Vorbildliche Abfalltrennung in der Werkstatt")
    _save(qtbot, window, dialog)
    [finding] = _findings(services, audit.id)
    assert finding.item_key is None and finding.finding_class is FindingClass.POSITIVE
    qtbot.waitUntil(lambda: window.workspace.findings.model.rowCount() == 1)

    _undo(window, audit.id)
    assert _findings(services, audit.id) == []
    qtbot.waitUntil(lambda: window.workspace.findings.model.rowCount() == 0)
    assert window.workspace.findings.stack.currentWidget() is window.workspace.findings.empty
    _redo(window, audit.id)
    assert [f.id for f in _findings(services, audit.id)] == [finding.id]
    qtbot.waitUntil(lambda: window.workspace.findings.model.rowCount() == 1)


def test_delete_asks_and_can_be_undone(qtbot, window, services, audit, prompts) -> None:  # type: ignore[no-untyped-def]
    finding = services.audits.add_finding(audit.id, FindingClass.OBSERVATION, "Notfallplan nicht ausgehängt")
    window.workspace.reload()
    findings = window.workspace.findings
    window.workspace.show_view("findings")
    assert findings.select_finding(finding.id)
    assert findings.delete_button.isEnabled()
    qtbot.mouseClick(findings.delete_button, Qt.MouseButton.LeftButton)
    window.worker.flush()
    assert prompts.of("confirm") and "Notfallplan" in prompts.of("confirm")[-1]
    assert _findings(services, audit.id) == []
    assert _stack(window, audit.id).undoText() == _("Delete finding")
    _undo(window, audit.id)
    assert [f.id for f in _findings(services, audit.id)] == [finding.id]
    qtbot.waitUntil(lambda: findings.model.rowCount() == 1)


def test_delete_declined_keeps_the_finding(qtbot, window, services, audit, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from oekoaudit.ui import prompts as module

    monkeypatch.setattr(module, "confirm", lambda *args, **kwargs: False)
    finding = services.audits.add_finding(audit.id, FindingClass.OBSERVATION, "Notfallplan nicht ausgehängt")
    window.workspace.reload()
    findings = window.workspace.findings
    assert findings.select_finding(finding.id)
    findings.delete_current()
    window.worker.flush()
    assert len(_findings(services, audit.id)) == 1 and _stack(window, audit.id).count() == 0


def test_a_major_nonconformity_asks_for_a_finding(qtbot, window, services, audit, prompts) -> None:  # type: ignore[no-untyped-def]
    view = window.workspace.checklist
    services.audits.answer(audit.id, "8.1", None, "Zwei IBC ohne Auffangwanne")
    window.workspace.reload()
    view.select_item("8.1")
    view.tree.setFocus()
    qtbot.keyClick(view.tree, "3")
    question = _("A major nonconformity needs a finding. Record it now?")
    qtbot.waitUntil(lambda: any(question in m for m in prompts.of("confirm")))
    dialog = window.workspace.findings.active_dialog
    assert dialog is not None
    assert dialog.class_combo.currentData() == FindingClass.MAJOR_NC
    assert dialog.statement_edit.toPlainText() == "Zwei IBC ohne Auffangwanne"
    _save(qtbot, window, dialog)
    assert [f.finding_class for f in _findings(services, audit.id)] == [FindingClass.MAJOR_NC]
    assert not window.workspace.findings.reminder.isVisibleTo(window.workspace.findings)

    # answered major again: it has its finding now, so no question
    asked = len(prompts.of("confirm"))
    view.select_item("8.1")
    qtbot.keyClick(view.tree, "3")
    qtbot.wait(50)
    window.worker.flush()
    assert len(prompts.of("confirm")) == asked


def test_a_declined_major_question_leaves_a_reminder(qtbot, window, services, audit, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from oekoaudit.ui import prompts as module

    asked = []
    monkeypatch.setattr(module, "confirm", lambda parent, message, *a, **k: asked.append(message) or False)
    view = window.workspace.checklist
    view.select_item("8.2")
    view.tree.setFocus()
    qtbot.keyClick(view.tree, "3")
    qtbot.waitUntil(lambda: bool(asked))
    window.worker.flush()
    findings = window.workspace.findings
    assert findings.active_dialog is None
    assert "8.2" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: findings.majors_without_finding() == ["8.2"])
    assert findings.reminder.isVisibleTo(findings) and "8.2" in findings.reminder.text()
    assert _("A major nonconformity needs a finding.") in view.detail.finding_label.text() or \
        view.current_item_key() != "8.2"
    findings.reminder.linkActivated.emit("8.2")  # the reminder's link opens the dialog
    assert findings.active_dialog is not None and findings.active_dialog.target.item_key == "8.2"


def test_overdue_actions_are_highlighted_in_both_views(qtbot, window, services, audit) -> None:  # type: ignore[no-untyped-def]
    past = date.today() - timedelta(days=10)
    late = services.audits.add_finding(audit.id, FindingClass.MINOR_NC, "Register veraltet", item_key="6.1.2",
                                       corrective_action="Register fortschreiben", owner="F. Kaya", due_date=past)
    on_time = services.audits.add_finding(audit.id, FindingClass.MAJOR_NC, "IBC ohne Wanne", item_key="8.1",
                                          due_date=date.today() + timedelta(days=5))
    # an older audit of the same organisation with an open action
    older = services.audits.create(audit.organisation_id, "iso14001-2015", title="Audit Vorjahr",
                                   start_date=date.today() - timedelta(days=365))
    elsewhere = services.audits.add_finding(older.id, FindingClass.MINOR_NC, "Rechtskataster unvollständig",
                                            due_date=date.today() - timedelta(days=100))
    window.workspace.reload()

    findings = window.workspace.findings
    model = findings.model
    row = model.row_of(late.id)
    cells = [model.index(row, c) for c in range(model.columnCount())]
    assert cells[0].data(fm.OverdueRole) is True
    assert all(c.data(Qt.ItemDataRole.BackgroundRole) == QColor(fm.OVERDUE_BACKGROUND) for c in cells)
    due = cells[model.column_of(fm.Column.DUE)]
    assert due.data(Qt.ItemDataRole.ForegroundRole) == QColor(fm.OVERDUE_TEXT)
    assert fm.format_date(past) in due.data(Qt.ItemDataRole.ToolTipRole)
    assert due.data(Qt.ItemDataRole.ToolTipRole) == _("overdue since {date}").format(date=fm.format_date(past))
    other = model.index(model.row_of(on_time.id), 0)
    assert other.data(fm.OverdueRole) is False and other.data(Qt.ItemDataRole.BackgroundRole) is None
    assert _("{count} overdue").format(count=1) in findings.count_label.text()

    window.workspace.show_view("actions")
    actions = window.workspace.actions
    qtbot.waitUntil(lambda: actions.model.rowCount() == 3)
    ids = [r.finding.id for r in actions.model.rows]
    assert ids[:2] == [elsewhere.id, late.id]  # overdue first, the most overdue at the top
    assert actions.overdue_label.text() == _("{count} overdue").format(count=2)
    audit_col = actions.model.column_of(fm.Column.AUDIT)
    assert "Audit Vorjahr" in actions.model.index(0, audit_col).data()
    assert actions.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) == QColor(fm.OVERDUE_BACKGROUND)

    # opening an action of the other audit: its edit goes into that audit's history
    actions.table.setCurrentIndex(actions.proxy.mapFromSource(actions.model.index(0, 0)))
    qtbot.keyClick(actions.table, Qt.Key.Key_Return)
    dialog = window.workspace.findings.active_dialog
    assert dialog is not None and dialog.target.audit_id == older.id and "Audit Vorjahr" in dialog.heading.text()
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData(ActionStatus.DONE))
    _save(qtbot, window, dialog)
    assert services.audits.finding(elsewhere.id).status is ActionStatus.DONE
    assert _stack(window, older.id).count() == 1 and _stack(window, audit.id).count() == 0
    qtbot.waitUntil(lambda: actions.overdue_label.text() == _("{count} overdue").format(count=1))


def test_closed_audit_only_the_follow_up_is_editable(qtbot, make_window, services) -> None:  # type: ignore[no-untyped-def]
    organisation = services.organisations.create("Geschlossen GmbH")
    closed = services.audits.create(organisation.id, "iso14001-2015", title="Abgeschlossen",
                                    lead_auditor="Dr. Lehmann", scope="Werk")
    for item in services.audits.detail(closed.id).checklist.items():
        services.audits.answer(closed.id, item.key, "conform")
    services.audits.answer(closed.id, "8.1", "minor_nc")
    finding = services.audits.add_finding(closed.id, FindingClass.MINOR_NC, "Wanne fehlt", item_key="8.1")
    services.audits.sign_and_close(closed.id, [Signer("Dr. Lehmann", "Auditleiterin")])
    window = make_window()
    assert window.open_audit(closed.id, "findings")
    findings = window.workspace.findings
    assert not findings.new_button.isEnabled()
    assert findings.select_finding(finding.id)
    assert findings.edit_button.isEnabled() and not findings.delete_button.isEnabled()
    assert findings.new_finding() is None

    dialog = findings.edit_finding(finding)
    assert dialog.target.closed and dialog.notice.isVisible()
    assert dialog.statement_edit.isReadOnly() and dialog.reference_edit.isReadOnly()
    assert not dialog.class_combo.isEnabled()
    assert not dialog.owner_edit.isReadOnly() and not dialog.action_edit.isReadOnly()
    dialog.statement_edit.setPlainText("geändert")  # programmatic change: ignored on a closed audit
    qtbot.keyClicks(dialog.action_edit, "Wanne beschafft")
    qtbot.keyClicks(dialog.owner_edit, "H. Brandt")
    _save(qtbot, window, dialog)
    stored = services.audits.finding(finding.id)
    assert (stored.statement, stored.corrective_action, stored.owner) == ("Wanne fehlt", "Wanne beschafft",
                                                                          "H. Brandt")
    _undo(window, closed.id)
    assert services.audits.finding(finding.id).owner == ""


def test_finding_models_pass_the_model_tester(qtmodeltester, services, demo) -> None:  # type: ignore[no-untyped-def]
    model = fm.FindingsModel()
    model.set_findings(services.audits.findings(demo.audit_id))
    qtmodeltester.check(model)
    actions = fm.FindingsModel(fm.ACTION_COLUMNS)
    actions.set_actions(services.audits.open_actions(demo.organisation_id))
    qtmodeltester.check(actions)
    # the most severe class first
    assert model.index(0, 0).data(fm.ObjectRole).finding_class is FindingClass.MAJOR_NC
    assert actions.overdue_count() == 1  # the demo's older audit has one overdue action
