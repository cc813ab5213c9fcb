"""The audit plan tab, the status banner, signing and reopening — with real widgets and services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import QApplication

from oekoaudit.domain.audit import AuditStatus, Participant, Signer, TeamMember, TeamRole
from oekoaudit.domain.lifecycle import ProblemKind
from oekoaudit.i18n import _
from oekoaudit.services import labels
from oekoaudit.ui import style
from oekoaudit.ui.models.checklist_model import RatingRole
from oekoaudit.ui.models.navigator_model import Column
from oekoaudit.ui.widgets.signature_pad import SignaturePad

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def window(make_window: Any, audit: Any) -> Any:
    window = make_window()
    assert window.open_audit(audit.id, "plan")
    return window


def _stack(window: Any, audit_id: str) -> Any:
    return window.undo.stack(audit_id)


def _ready_to_close(services: Any, audit_id: str, status: AuditStatus = AuditStatus.IN_REVIEW) -> None:
    """Everything a signature needs: lead auditor, scope, every item assessed."""
    services.audits.update_plan(audit_id, lead_auditor="Dr. Maria Lehmann", scope="Werk Nord, Lackiererei")
    detail = services.audits.detail(audit_id)
    for item in detail.checklist.items():
        services.audits.answer(audit_id, item.key, "conform")
    services.audits.set_status(audit_id, status)


def _draw(qtbot: Any, pad: SignaturePad, points: list[tuple[int, int]]) -> None:
    """A stroke with the mouse: press, moves with the button held, release."""
    first = QPoint(*points[0])
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=first)
    for x, y in points[1:]:
        move = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(x, y), pad.mapToGlobal(QPointF(x, y)),
                           Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(pad, move)
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(*points[-1]))


# ---- the plan --------------------------------------------------------------------------------


def test_the_plan_is_a_tab_after_the_overview(window: Any) -> None:
    workspace = window.workspace
    tabs = workspace.tabs
    assert workspace.view("plan") is workspace.plan
    assert tabs.indexOf(workspace.plan) == tabs.indexOf(workspace.overview) + 1
    assert tabs.tabText(tabs.indexOf(workspace.plan)) == _("Audit plan")
    assert workspace.current_view() == "plan"
    window.action_show_plan.trigger()
    assert workspace.current_view() == "plan"


def test_typing_in_a_field_is_stored_after_a_pause_and_undone_as_one_step(qtbot: Any, window: Any,
                                                                         services: Any, audit: Any) -> None:
    plan = window.workspace.plan
    plan.scope_edit.setFocus()
    qtbot.keyClicks(plan.scope_edit, "Werk Nord")
    qtbot.waitUntil(lambda: services.audits.get(audit.id).scope == "Werk Nord", timeout=3000)
    qtbot.keyClicks(plan.scope_edit, ", Lackiererei")
    plan.commit()
    window.worker.flush()
    assert services.audits.get(audit.id).scope == "Werk Nord, Lackiererei"
    stack = _stack(window, audit.id)
    assert stack.count() == 1 and stack.undoText() == _("Change scope")

    stack.undo()
    window.worker.flush()
    assert services.audits.get(audit.id).scope == ""
    qtbot.waitUntil(lambda: plan.scope_edit.toPlainText() == "")
    stack.redo()
    window.worker.flush()
    qtbot.waitUntil(lambda: plan.scope_edit.toPlainText() == "Werk Nord, Lackiererei")


def test_each_field_is_its_own_undo_step(qtbot: Any, window: Any, services: Any, audit: Any) -> None:
    plan = window.workspace.plan
    plan.objectives_edit.setPlainText("Konformität mit ISO 14001 prüfen")
    plan.commit()
    plan.location_edit.setText("Halle 1, Kesselhaus")
    plan.location_edit.textEdited.emit(plan.location_edit.text())
    plan.commit_field("location")
    plan.lead_edit.setText("  Dr.   Maria Lehmann ")
    plan.commit_field("lead_auditor")
    plan.kind_combo.setCurrentIndex(plan.kind_combo.findData("surveillance"))
    plan.kind_combo.activated.emit(plan.kind_combo.currentIndex())
    window.worker.flush()
    stored = services.audits.get(audit.id)
    assert stored.objectives == "Konformität mit ISO 14001 prüfen"
    assert stored.location == "Halle 1, Kesselhaus"
    assert stored.lead_auditor == "Dr. Maria Lehmann"
    assert stored.kind.value == "surveillance"
    stack = _stack(window, audit.id)
    assert [stack.text(i) for i in range(stack.count())] == [
        _("Change objectives"), _("Change places"), _("Change lead auditor"), _("Change audit kind")]
    stack.undo()
    stack.undo()
    window.worker.flush()
    stored = services.audits.get(audit.id)
    assert stored.kind.value == "internal" and stored.lead_auditor == "" and stored.location == "Halle 1, Kesselhaus"
    qtbot.waitUntil(lambda: plan.lead_edit.text() == "" and plan.kind_combo.currentData() == "internal")


def test_an_end_before_the_start_is_refused_and_the_field_reverts(qtbot: Any, window: Any, services: Any,
                                                                 audit: Any, prompts: Any) -> None:
    plan = window.workspace.plan
    start = services.audits.get(audit.id).start_date
    plan.end_check.setChecked(True)  # several days: the end starts at the start
    window.worker.flush()
    assert services.audits.get(audit.id).end_date == start
    assert plan.end_edit.isEnabled()

    plan.end_edit.setDate(plan.end_edit.date().addDays(-3))
    plan.commit()
    qtbot.waitUntil(lambda: plan.error_label.isVisibleTo(plan))
    window.worker.flush()
    assert services.audits.get(audit.id).end_date == start
    assert plan.value("end_date") == start  # the widget shows the store again
    assert "(" + (start - timedelta(days=3)).isoformat() + ")" in plan.error_label.text()
    assert prompts.of("error")  # the window tells too
    stack = _stack(window, audit.id)
    assert stack.undoText() == _("Change end date") and stack.count() == 1  # the refused change is not kept

    plan.end_check.setChecked(False)
    window.worker.flush()
    assert services.audits.get(audit.id).end_date is None
    assert not plan.end_edit.isEnabled()


def test_team_and_people_met_rows(qtbot: Any, window: Any, services: Any, audit: Any) -> None:
    plan = window.workspace.plan
    plan.add_member("Jonas Weber", TeamRole.AUDITOR)
    window.worker.flush()
    assert services.audits.get(audit.id).team == (TeamMember("Jonas Weber", TeamRole.AUDITOR),)

    combo = plan.team_table.cellWidget(0, 1)
    combo.setCurrentIndex(combo.findData(TeamRole.EXPERT.value))
    window.worker.flush()
    assert services.audits.get(audit.id).team == (TeamMember("Jonas Weber", TeamRole.EXPERT),)

    # an empty row is not written until it has a name
    qtbot.mouseClick(plan.add_member_button, Qt.MouseButton.LeftButton)
    assert plan.team_table.rowCount() == 2
    window.worker.flush()
    assert len(services.audits.get(audit.id).team) == 1
    plan.team_table.item(1, 0).setText("Lea Brandt")
    window.worker.flush()
    assert [m.name for m in services.audits.get(audit.id).team] == ["Jonas Weber", "Lea Brandt"]

    plan.team_table.setCurrentCell(0, 0)
    assert plan.remove_member_button.isEnabled()
    qtbot.mouseClick(plan.remove_member_button, Qt.MouseButton.LeftButton)
    window.worker.flush()
    assert services.audits.get(audit.id).team == (TeamMember("Lea Brandt", TeamRole.AUDITOR),)

    plan.add_person("Petra Koch")
    plan.people_table.item(0, 1).setText("Umweltbeauftragte")
    window.worker.flush()
    assert services.audits.get(audit.id).people_met == (Participant("Petra Koch", "Umweltbeauftragte"),)
    stack = _stack(window, audit.id)
    assert stack.undoText() == _("Change people met")
    stack.undo()  # the function, then the person
    stack.undo()
    window.worker.flush()
    assert services.audits.get(audit.id).people_met == ()
    qtbot.waitUntil(lambda: plan.people_table.rowCount() == 0)


# ---- status --------------------------------------------------------------------------------


def _visible_buttons(window: Any) -> list[str]:
    banner = window.workspace.banner
    return [name for name, button in banner.buttons.items() if button.isVisibleTo(banner)]


def test_status_buttons_move_the_audit_along(qtbot: Any, window: Any, services: Any, audit: Any) -> None:
    banner = window.workspace.banner
    assert banner.isVisibleTo(window.workspace)
    assert banner.status is AuditStatus.IN_PROGRESS
    assert _visible_buttons(window) == ["back_to_planned", "submit"]
    assert labels_in(banner.status_label.text(), AuditStatus.IN_PROGRESS)

    qtbot.mouseClick(banner.buttons["back_to_planned"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: banner.status is AuditStatus.PLANNED)
    assert services.audits.get(audit.id).status is AuditStatus.PLANNED
    assert _visible_buttons(window) == ["start"]
    assert window.lifecycle_actions["start"].isEnabled() and not window.lifecycle_actions["submit"].isEnabled()

    qtbot.mouseClick(banner.buttons["start"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: banner.status is AuditStatus.IN_PROGRESS)
    window.lifecycle_actions["submit"].trigger()
    qtbot.waitUntil(lambda: banner.status is AuditStatus.IN_REVIEW)
    assert services.audits.get(audit.id).status is AuditStatus.IN_REVIEW
    assert _visible_buttons(window) == ["back_to_progress", "sign"]
    assert window.lifecycle_actions["sign"].isEnabled() and not window.lifecycle_actions["reopen"].isEnabled()
    # lifecycle steps are not edits: nothing to undo
    assert _stack(window, audit.id).count() == 0
    # the navigator shows the status too
    index = window.navigator.model.index_of_audit(audit.id)
    assert index.siblingAtColumn(Column.STATUS).data() == _("in review")


def labels_in(html: str, status: AuditStatus) -> bool:
    """The banner shows ``status`` as the current step (bold, in its colour)."""
    return f"<b style='color:{style.STATUS_COLOURS[status]}'>{labels.status(status)}</b>" in html


# ---- signing -------------------------------------------------------------------------------


def test_the_sign_dialog_lists_what_is_missing_and_refuses(qtbot: Any, window: Any, services: Any,
                                                          audit: Any) -> None:
    services.audits.answer(audit.id, "4.1", "conform")
    services.audits.set_status(audit.id, AuditStatus.IN_REVIEW)
    window.workspace.reload()
    window.workspace.banner.buttons["sign"].click()
    dialog = window.workspace.lifecycle.dialog
    assert dialog is not None and dialog.problem_list is not None
    assert dialog.lead is None and dialog.buttons.button(dialog.buttons.StandardButton.Ok) is None
    kinds = {p.kind for p in dialog.problems}
    assert kinds == {ProblemKind.FIELD_EMPTY, ProblemKind.ITEM_OPEN}
    texts = [dialog.problem_list.item(i).text() for i in range(dialog.problem_list.count())]
    assert any("4.2" in t for t in texts) and not any(t.strip().startswith("4.1 ") for t in texts)
    assert any(_("scope") in t for t in texts)

    # an entry leads to the place where something is missing
    row = next(i for i, t in enumerate(texts) if t.strip().startswith("4.2"))
    dialog.problem_list.itemActivated.emit(dialog.problem_list.item(row))
    qtbot.waitUntil(lambda: window.workspace.lifecycle.dialog is None)
    assert window.workspace.current_view() == "checklist"
    assert window.workspace.checklist.current_item_key() == "4.2"
    assert services.audits.get(audit.id).status is AuditStatus.IN_REVIEW


def test_the_pad_turns_strokes_into_a_tight_transparent_png(qtbot: Any) -> None:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(400, 150)
    pad.show()
    qtbot.waitExposed(pad)
    assert pad.is_empty() and pad.to_png() is None
    with qtbot.waitSignal(pad.changed):
        _draw(qtbot, pad, [(40, 90), (60, 60), (80, 95), (110, 55), (140, 92)])
    _draw(qtbot, pad, [(160, 70), (200, 72)])
    assert len(pad.strokes) == 2 and len(pad.strokes[0]) == 5
    png = pad.to_png()
    assert png is not None and png.startswith(PNG_MAGIC)
    image = QImage.fromData(png)
    assert not image.isNull() and image.hasAlphaChannel()
    # tight: the strokes span 160 × 40 pad pixels, drawn at twice the size with a small margin
    assert 320 <= image.width() <= 360 and 80 <= image.height() <= 110
    assert image.pixelColor(0, 0).alpha() == 0  # transparent around the ink
    assert any(image.pixelColor(x, y).alpha() > 0 for x in range(image.width()) for y in range(image.height()))
    with qtbot.waitSignal(pad.changed):
        pad.clear()
    assert pad.is_empty() and pad.to_png() is None


def test_signing_closes_the_audit_and_the_checklist_refuses_answers(qtbot: Any, window: Any, services: Any,
                                                                   audit: Any) -> None:
    _ready_to_close(services, audit.id)
    window.workspace.reload()
    plan = window.workspace.plan
    plan.objectives_edit.setPlainText("Zertifizierungsreife")
    plan.commit()
    window.worker.flush()
    assert window.undo.group.canUndo()

    dialog = window.workspace.lifecycle.trigger("sign")
    assert dialog is window.workspace.lifecycle.dialog and dialog.problem_list is None
    assert dialog.lead.name == "Dr. Maria Lehmann"
    assert dialog.representative.role == _("Representative of the organisation")
    # the lead auditor has neither drawn nor ticked "typed": refused in the dialog
    dialog.ok_button.click()
    assert dialog.error_label.isVisibleTo(dialog) and dialog.isVisible()
    assert services.audits.get(audit.id).status is AuditStatus.IN_REVIEW

    dialog.lead.pad.resize(400, 140)
    _draw(qtbot, dialog.lead.pad, [(30, 80), (70, 40), (110, 90), (150, 50)])
    dialog.representative.name_edit.setText("Petra Koch")
    dialog.representative.typed_check.setChecked(True)
    dialog.place_edit.setText("Kassel")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: window.workspace.lifecycle.dialog is None)

    detail = services.audits.detail(audit.id)
    assert detail.audit.status is AuditStatus.CLOSED
    signatures = {s.name: s for s in detail.signatures}
    assert signatures["Dr. Maria Lehmann"].method == "drawn"
    assert signatures["Dr. Maria Lehmann"].image_png.startswith(PNG_MAGIC)
    assert signatures["Petra Koch"].method == "typed" and signatures["Petra Koch"].image_png is None
    assert {s.place for s in detail.signatures} == {"Kassel"}
    assert not window.undo.group.canUndo()  # no undo reaches across a signature

    workspace = window.workspace
    qtbot.waitUntil(lambda: workspace.banner.status is AuditStatus.CLOSED)
    assert workspace.banner.closed_label.isVisibleTo(workspace.banner)
    assert _visible_buttons(window) == ["reopen"]
    assert window.lifecycle_actions["reopen"].isEnabled() and not window.lifecycle_actions["sign"].isEnabled()
    assert plan.read_only and plan.scope_edit.isReadOnly() and not plan.kind_combo.isEnabled()
    assert not plan.add_member_button.isEnabled()

    # the checklist: keys and buttons do nothing, the note is read-only
    workspace.show_view("checklist")
    checklist = workspace.checklist
    checklist.select_item("4.1")
    checklist.tree.setFocus()
    qtbot.keyClick(checklist.tree, "2")
    window.worker.flush()
    assert services.audits.detail(audit.id).answers["4.1"].result == "conform"
    assert checklist.model.index_of_item("4.1").data(RatingRole) == "conform"
    assert window.statusBar().currentMessage() == _("The audit is closed and cannot be changed.")
    assert not checklist.detail.answer_bar.isEnabled()
    assert checklist.detail.note_edit.isReadOnly()

    # the overview: the final result and the signatures
    workspace.show_view("overview")
    overview = workspace.overview
    assert overview.verdict_label.text().startswith(_("Result") + ":")
    assert overview.signatures_box.isVisibleTo(overview)
    text = " ".join(label.text() for label in overview.signatures_box.findChildren(type(overview.title_label)))
    assert "Dr. Maria Lehmann" in text and "Petra Koch" in text and "Kassel" in text


def test_the_checklist_follows_a_close_of_the_audit_it_shows(qtbot: Any, make_window: Any, services: Any,
                                                             audit: Any) -> None:
    """The item stays selected while the audit is closed elsewhere: its buttons still lock."""
    _ready_to_close(services, audit.id)
    window = make_window()
    window.open_audit(audit.id, "checklist")
    checklist = window.workspace.checklist
    checklist.select_item("4.1")
    assert checklist.detail.answer_bar.isEnabled()
    services.audits.sign_and_close(audit.id, [Signer("Dr. Maria Lehmann", "Lead auditor")])
    window.workspace.reload()
    assert checklist.current_item_key() == "4.1"
    assert not checklist.detail.answer_bar.isEnabled() and checklist.detail.note_edit.isReadOnly()


def test_reopening_needs_a_reason_and_lapses_the_signatures(qtbot: Any, make_window: Any, services: Any,
                                                            audit: Any) -> None:
    _ready_to_close(services, audit.id)
    services.audits.sign_and_close(audit.id, [Signer("Dr. Maria Lehmann", "Lead auditor", "Kassel")])
    window = make_window()
    window.open_audit(audit.id, "overview")
    assert window.workspace.banner.status is AuditStatus.CLOSED
    index = window.navigator.model.index_of_audit(audit.id)
    assert not index.siblingAtColumn(Column.STATUS).data(Qt.ItemDataRole.DecorationRole).isNull()  # the lock

    window.lifecycle_actions["reopen"].trigger()
    dialog = window.workspace.lifecycle.dialog
    assert dialog is not None and not dialog.ok_button.isEnabled()
    assert "Dr. Maria Lehmann" in dialog.intro.text()
    dialog.reason_edit.setPlainText("   ")
    assert not dialog.ok_button.isEnabled()
    dialog.reason_edit.setPlainText("Korrigiertes Abfallregister nachgereicht")
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: window.workspace.lifecycle.dialog is None)

    detail = services.audits.detail(audit.id)
    assert detail.audit.status is AuditStatus.IN_PROGRESS
    assert detail.signatures == ()
    assert any("Korrigiertes Abfallregister" in str(entry) for entry in services.audits.change_log(audit.id))
    qtbot.waitUntil(lambda: window.workspace.banner.status is AuditStatus.IN_PROGRESS)
    assert not window.workspace.plan.read_only and not window.workspace.plan.scope_edit.isReadOnly()
    assert not window.undo.group.canUndo()
    index = window.navigator.model.index_of_audit(audit.id)
    assert index.siblingAtColumn(Column.STATUS).data(Qt.ItemDataRole.DecorationRole) is None
    assert date.today() == detail.audit.end_date  # closing set the end; reopening keeps it


def test_the_pad_takes_a_finger(qtbot: Any) -> None:
    from PySide6.QtTest import QTest

    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(400, 150)
    pad.show()
    qtbot.waitExposed(pad)
    assert pad.testAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
    device = QTest.createTouchDevice()
    QTest.touchEvent(pad, device).press(0, QPoint(50, 80)).commit()
    QTest.touchEvent(pad, device).move(0, QPoint(90, 50)).commit()
    QTest.touchEvent(pad, device).move(0, QPoint(130, 90)).commit()
    with qtbot.waitSignal(pad.changed):
        QTest.touchEvent(pad, device).release(0, QPoint(170, 60)).commit()
    assert not pad.is_empty()
    drawn = [(x, y) for x, y, _p in pad.strokes[0]]
    wanted = [(50, 80), (90, 50), (130, 90), (170, 60)]
    assert len(drawn) == len(wanted)
    assert all(abs(x - wx) <= 3 and abs(y - wy) <= 3 for (x, y), (wx, wy) in zip(drawn, wanted, strict=True))
