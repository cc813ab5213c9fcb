"""A whole audit, driven through the real widgets of one MainWindow (real DbWorker, real services):

plan it, answer the checklist by keyboard, raise findings from nonconformities (the major-NC
prompt and F), define and verify a corrective action, undo and redo, submit, sign and close,
try to change the closed audit, reopen it with a reason. Every step is checked against what the
services store, not only against what the widgets show.

With ``OEKOAUDIT_SHOTS=<dir>`` each screen is saved as a PNG while the test runs (off by default).
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

import shiboken6
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QWidget

from oekoaudit.domain.audit import AuditStatus, Participant, TeamMember, TeamRole
from oekoaudit.domain.finding import ActionStatus, FindingClass
from oekoaudit.i18n import _
from oekoaudit.ui.models.checklist_model import FINDING_MARK, Column, RatingRole

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
LEFT = Qt.MouseButton.LeftButton
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

MINOR_KEY = "6.1.2"  # answered "2": minor nonconformity, finding raised with F
MAJOR_KEY = "8.1"  # answered "3": major nonconformity, the window asks for a finding
CHANGED_KEY = "9.3"  # answered "1", later "4" (observation): undone and redone by keyboard
CLOSED_MESSAGE = "The audit is closed and cannot be changed."


class Shots:
    """Saves each screen as ``NN-name.png`` when OEKOAUDIT_SHOTS names a folder."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        folder = os.environ.get("OEKOAUDIT_SHOTS")
        self.folder = Path(folder) if folder else None
        self.count = 0
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str, widget: QWidget) -> None:
        if self.folder is None:
            return
        # let the event loop run: deleteLater and the layout of new cell widgets happen there, and a
        # grab before them shows stale widgets over new ones (only with shots on: no effect on CI)
        self.qtbot.wait(50)
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        assert widget.grab().save(str(path)), path


def _detail(services: Any, audit_id: str) -> Any:
    return services.audits.detail(audit_id)


def _answers(services: Any, audit_id: str) -> dict[str, str]:
    return {key: a.result for key, a in _detail(services, audit_id).answers.items()}


def _focus(qtbot: Any, widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def _press(qtbot: Any, key: Any, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
    """A key as the user types it: to whatever has the keyboard focus."""
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, key, modifier)


def _save_dialog(qtbot: Any, window: Any, dialog: Any) -> None:
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, LEFT)
    # closed, then deleted later: either is done
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    window.flush()
    _reactivate(qtbot, window)


def _reactivate(qtbot: Any, window: Any) -> None:
    """The offscreen platform activates no window when a dialog closes (a desktop's window manager
    gives the parent back the keyboard): do what the window manager does."""
    if not window.isActiveWindow():
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)


def _draw(qtbot: Any, pad: QWidget, points: list[tuple[int, int]]) -> None:
    """A stroke with the mouse: press, moves with the button held, release."""
    qtbot.mousePress(pad, LEFT, pos=QPoint(*points[0]))
    for x, y in points[1:]:
        qtbot.mouseMove(pad, QPoint(x, y))
    qtbot.mouseRelease(pad, LEFT, pos=QPoint(*points[-1]))


@pytest.fixture
def shot(qtbot: Any) -> Shots:
    return Shots(qtbot)


def test_a_whole_audit_through_the_window(qtbot: Any, make_window: Any, services: Any, prompts: Any,
                                          shot: Shots) -> None:
    # ---- 1. an organisation and its ISO 14001 audit, opened in the window ----------------------
    organisation = services.organisations.create("Lackwerk Nord GmbH")
    audit = services.audits.create(organisation.id, "iso14001-2015", kind="internal", title="Internes Audit")
    audit_id = audit.id
    window = make_window()
    assert window.open_audit(audit_id, "plan")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    workspace = window.workspace
    banner = workspace.banner
    stack = window.undo.stack(audit_id)
    assert window.undo.group.activeStack() is stack
    assert banner.status is AuditStatus.IN_PROGRESS
    shot("plan-empty", window)

    # ---- 2. the plan, typed; autosaved; a team member and a person met -------------------------
    plan = workspace.plan
    assert workspace.current_view() == "plan"
    _focus(qtbot, plan.objectives_edit)
    qtbot.keyClicks(plan.objectives_edit, "Konformitaet mit ISO 14001 pruefen")
    # nothing else happens: the pause in typing saves the field
    qtbot.waitUntil(lambda: services.audits.get(audit_id).objectives == "Konformitaet mit ISO 14001 pruefen",
                    timeout=4000)
    typed = {
        "scope": (plan.scope_edit, "Werk Nord: Lackiererei, Kesselhaus"),
        "criteria": (plan.criteria_edit, "ISO 14001:2015, Genehmigungsbescheid 2021"),
        "location": (plan.location_edit, "Halle 1, Kesselhaus, Abfallhof"),
        "lead_auditor": (plan.lead_edit, "Dr. Maria Lehmann"),
    }
    for edit, text in typed.values():
        _focus(qtbot, edit)  # the focus leaving the previous field writes it
        qtbot.keyClicks(edit, text)
    _press(qtbot, Qt.Key.Key_Return)  # Enter in the lead auditor's line finishes it

    qtbot.mouseClick(plan.add_member_button, LEFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit)
                    and plan.team_table.isAncestorOf(QApplication.focusWidget()))
    qtbot.keyClicks(QApplication.focusWidget(), "Jonas Weber")
    _press(qtbot, Qt.Key.Key_Return)  # the table takes the text when the event loop runs
    qtbot.waitUntil(lambda: plan.team_table.state() != QAbstractItemView.State.EditingState)
    combo = plan.team_table.cellWidget(0, 1)
    combo.setCurrentIndex(combo.findData(TeamRole.EXPERT.value))

    qtbot.mouseClick(plan.add_person_button, LEFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit)
                    and plan.people_table.isAncestorOf(QApplication.focusWidget()))
    qtbot.keyClicks(QApplication.focusWidget(), "Petra Koch")
    _press(qtbot, Qt.Key.Key_Tab)  # on to the function
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit)
                    and plan.people_table.currentColumn() == 1)
    qtbot.keyClicks(QApplication.focusWidget(), "Umweltbeauftragte")
    _press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: plan.people_table.state() != QAbstractItemView.State.EditingState)
    assert window.flush()

    stored = services.audits.get(audit_id)
    assert stored.objectives == "Konformitaet mit ISO 14001 pruefen"
    for field, (_edit, text) in typed.items():
        assert getattr(stored, field) == text, field
    assert stored.team == (TeamMember("Jonas Weber", TeamRole.EXPERT),)
    assert stored.people_met == (Participant("Petra Koch", "Umweltbeauftragte"),)
    assert [stack.text(i) for i in range(stack.count())] == [
        _("Change objectives"), _("Change scope"), _("Change audit criteria"), _("Change places"),
        _("Change lead auditor"), _("Change audit team"), _("Change people met")]
    shot("plan-filled", window)

    # ---- 3. the checklist, answered by keyboard ------------------------------------------------
    workspace.show_view("checklist")
    checklist = workspace.checklist
    tree = checklist.tree
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tree)
    keys = [item.key for item in _detail(services, audit_id).checklist.items()]
    assert checklist.current_item_key() == keys[0]  # the first open item
    findings = workspace.findings
    major_question = _("A major nonconformity needs a finding. Record it now?")
    for position, key in enumerate(keys):
        assert checklist.current_item_key() == key
        if key == MINOR_KEY:
            _press(qtbot, "2")
        elif key == MAJOR_KEY:
            _press(qtbot, "3")
            qtbot.waitUntil(lambda: findings.active_dialog is not None)
            assert any(major_question in m for m in prompts.of("confirm"))
            dialog = findings.active_dialog
            assert dialog.class_combo.currentData() == FindingClass.MAJOR_NC
            assert dialog.reference_edit.text().endswith(MAJOR_KEY)
            assert not dialog.save_button.isEnabled()  # a nonconformity needs its statement
            qtbot.waitUntil(lambda d=dialog: QApplication.focusWidget() is d.statement_edit)
            qtbot.keyClicks(dialog.statement_edit, "Zwei IBC mit Verduenner ohne Auffangwanne")
            qtbot.keyClicks(dialog.evidence_edit, "Begehung Halle 1")
            shot("major-finding-dialog", dialog)
            _save_dialog(qtbot, window, dialog)
            qtbot.waitUntil(lambda: QApplication.focusWidget() is tree)  # back in the list
        else:
            _press(qtbot, "1")
        if position + 1 < len(keys):
            qtbot.waitUntil(lambda n=keys[position + 1]: checklist.current_item_key() == n)
        if key == "7.1":
            shot("checklist-answering", window)
    assert window.flush()

    answers = _answers(services, audit_id)
    assert set(answers) == set(keys)
    assert answers[MINOR_KEY] == "minor_nc" and answers[MAJOR_KEY] == "major_nc"
    assert {r for k, r in answers.items() if k not in (MINOR_KEY, MAJOR_KEY)} == {"conform"}
    [major] = services.audits.findings(audit_id)
    assert (major.item_key, major.finding_class, major.statement, major.objective_evidence) == (
        MAJOR_KEY, FindingClass.MAJOR_NC, "Zwei IBC mit Verduenner ohne Auffangwanne", "Begehung Halle 1")
    assert len(prompts.of("confirm")) == 1  # asked once, for the major only
    assert not prompts.of("error")

    # ---- 4. a finding from the minor nonconformity (F), its corrective action, its verification
    assert checklist.select_item(MINOR_KEY)
    _press(qtbot, "f")
    dialog = findings.active_dialog
    assert dialog is not None and dialog.isVisible() and dialog.finding is None
    assert dialog.class_combo.currentData() == FindingClass.MINOR_NC
    assert dialog.reference_edit.text().endswith(MINOR_KEY) and MINOR_KEY in dialog.heading.text()
    qtbot.keyClicks(dialog.statement_edit, "Umweltaspekte-Register ohne die neue Lackieranlage")
    qtbot.keyClicks(dialog.correction_edit, "Lackieranlage im Register nachgetragen")
    qtbot.keyClicks(dialog.cause_edit, "Aenderungen an Anlagen werden nicht gemeldet")
    qtbot.keyClicks(dialog.action_edit, "Meldepflicht in die Aenderungsfreigabe aufnehmen")
    qtbot.keyClicks(dialog.owner_edit, "F. Kaya")
    qtbot.mouseClick(dialog.due_edit.check, LEFT)
    due = date.today() + timedelta(days=21)
    dialog.due_edit.date_edit.setDate(QDate(due))
    shot("minor-finding-dialog", dialog)
    _save_dialog(qtbot, window, dialog)
    minor = next(f for f in services.audits.findings(audit_id) if f.item_key == MINOR_KEY)
    assert (minor.finding_class, minor.statement, minor.correction, minor.root_cause, minor.corrective_action,
            minor.owner, minor.due_date, minor.status) == (
        FindingClass.MINOR_NC, "Umweltaspekte-Register ohne die neue Lackieranlage",
        "Lackieranlage im Register nachgetragen", "Aenderungen an Anlagen werden nicht gemeldet",
        "Meldepflicht in die Aenderungsfreigabe aufnehmen", "F. Kaya", due, ActionStatus.OPEN)
    qtbot.waitUntil(lambda: checklist.model.index_of_item(MINOR_KEY).siblingAtColumn(Column.FINDING).data()
                    == FINDING_MARK)

    # later the action is done and verified: from the Findings tab, Enter opens it
    workspace.show_view("findings")
    qtbot.waitUntil(lambda: findings.model.rowCount() == 2)
    assert findings.select_finding(minor.id)
    _focus(qtbot, findings.table)
    _press(qtbot, Qt.Key.Key_Return)
    dialog = findings.active_dialog
    assert dialog is not None and dialog.finding.id == minor.id
    assert dialog.owner_edit.text() == "F. Kaya" and dialog.due_edit.value() == due
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData(ActionStatus.VERIFIED))
    assert dialog.verified_on_edit.value() == date.today()  # choosing "verified" dates it today
    qtbot.keyClicks(dialog.verified_by_edit, "Dr. Maria Lehmann")
    qtbot.keyClicks(dialog.result_edit, "Wirksam: Register vollstaendig, Freigabe geaendert")
    shot("verification-dialog", dialog)
    _save_dialog(qtbot, window, dialog)
    minor = services.audits.finding(minor.id)
    assert (minor.status, minor.verified_on, minor.verified_by, minor.verification_result) == (
        ActionStatus.VERIFIED, date.today(), "Dr. Maria Lehmann", "Wirksam: Register vollstaendig, Freigabe geaendert")
    assert not minor.is_open
    assert stack.undoText() == _("Edit finding")
    shot("findings-tab", window)

    # ---- 5. undo and redo by keyboard ----------------------------------------------------------
    _focus(qtbot, findings.table)
    _press(qtbot, Qt.Key.Key_Z, CTRL)  # the verification goes
    assert window.flush()
    back = services.audits.finding(minor.id)
    assert (back.status, back.verified_on, back.verified_by, back.verification_result) == (
        ActionStatus.OPEN, None, "", "")
    assert back.corrective_action == minor.corrective_action  # the earlier edit stays
    _press(qtbot, Qt.Key.Key_Z, CTRL_SHIFT)  # and comes back
    assert window.flush()
    again = services.audits.finding(minor.id)
    assert (again.status, again.verified_on, again.verified_by) == (ActionStatus.VERIFIED, date.today(),
                                                                      "Dr. Maria Lehmann")

    # an answer: changed, undone, redone
    workspace.show_view("checklist")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tree)
    assert checklist.select_item(CHANGED_KEY)
    _press(qtbot, "4")
    assert window.flush()
    assert _answers(services, audit_id)[CHANGED_KEY] == "observation"
    depth = stack.count()
    _press(qtbot, Qt.Key.Key_Z, CTRL)
    assert window.flush()
    assert _answers(services, audit_id)[CHANGED_KEY] == "conform"
    qtbot.waitUntil(lambda: checklist.model.index_of_item(CHANGED_KEY).data(RatingRole) == "conform")
    qtbot.waitUntil(lambda: checklist.current_item_key() == CHANGED_KEY)  # the change is shown
    _press(qtbot, Qt.Key.Key_Z, CTRL_SHIFT)
    assert window.flush()
    assert _answers(services, audit_id)[CHANGED_KEY] == "observation"
    qtbot.waitUntil(lambda: checklist.model.index_of_item(CHANGED_KEY).data(RatingRole) == "observation")
    assert stack.count() == depth and stack.index() == depth
    assert not prompts.of("error")

    # ---- 6. submit for review, sign and close --------------------------------------------------
    assert [n for n, b in banner.buttons.items() if b.isVisibleTo(banner)] == ["back_to_planned", "submit"]
    qtbot.mouseClick(banner.buttons["submit"], LEFT)
    qtbot.waitUntil(lambda: banner.status is AuditStatus.IN_REVIEW)
    assert services.audits.get(audit_id).status is AuditStatus.IN_REVIEW
    shot("in-review", window)

    qtbot.mouseClick(banner.buttons["sign"], LEFT)
    sign = workspace.lifecycle.dialog
    assert sign is not None and sign.problem_list is None, "nothing may be missing"
    qtbot.waitExposed(sign)
    assert sign.lead.name == "Dr. Maria Lehmann"
    with qtbot.waitSignal(sign.lead.pad.changed):
        _draw(qtbot, sign.lead.pad, [(40, 90), (70, 50), (100, 95), (130, 45), (170, 85)])
    assert len(sign.lead.pad.strokes) == 1 and len(sign.lead.pad.strokes[0]) >= 5
    qtbot.keyClicks(sign.representative.name_edit, "Petra Koch")
    qtbot.mouseClick(sign.representative.typed_check, LEFT)
    assert sign.representative.typed_check.isChecked() and not sign.representative.pad.isEnabled()
    sign.place_edit.clear()
    qtbot.keyClicks(sign.place_edit, "Kassel")
    shot("sign-dialog", sign)
    qtbot.mouseClick(sign.ok_button, LEFT)
    qtbot.waitUntil(lambda: workspace.lifecycle.dialog is None)
    _reactivate(qtbot, window)
    window.flush()

    detail = _detail(services, audit_id)
    assert detail.audit.status is AuditStatus.CLOSED
    assert len(detail.signatures) == 2
    signatures = {s.name: s for s in detail.signatures}
    lead = signatures["Dr. Maria Lehmann"]
    assert lead.method == "drawn" and lead.image_png is not None and lead.image_png.startswith(PNG_MAGIC)
    assert lead.role == _("Lead auditor")
    representative = signatures["Petra Koch"]
    assert representative.method == "typed" and representative.image_png is None
    assert {s.place for s in detail.signatures} == {"Kassel"}
    qtbot.waitUntil(lambda: banner.status is AuditStatus.CLOSED)
    assert [n for n, b in banner.buttons.items() if b.isVisibleTo(banner)] == ["reopen"]
    shot("closed-checklist", window)
    workspace.show_view("overview")
    overview = workspace.overview
    assert overview.signatures_box.isVisibleTo(overview)
    shot("closed-overview", window)

    # ---- 7. the closed audit refuses changes ---------------------------------------------------
    before = _answers(services, audit_id)
    findings_before = {f.id: f for f in services.audits.findings(audit_id)}
    _focus(qtbot, tree)
    assert checklist.select_item("4.1")
    _press(qtbot, "2")
    assert window.flush()
    assert _answers(services, audit_id) == before
    assert checklist.model.index_of_item("4.1").data(RatingRole) == "conform"
    assert window.statusBar().currentMessage() == _(CLOSED_MESSAGE)
    assert not checklist.detail.answer_bar.isEnabled() and checklist.detail.note_edit.isReadOnly()

    # the history ends at the signature: Ctrl+Z does nothing
    assert not window.undo.group.canUndo() and stack.count() == 0
    _press(qtbot, Qt.Key.Key_Z, CTRL)
    assert window.flush()
    assert _answers(services, audit_id) == before
    assert {f.id: f for f in services.audits.findings(audit_id)} == findings_before

    # the plan: read-only fields ignore typing, the rest is disabled
    workspace.show_view("plan")
    assert plan.read_only
    for edit in (plan.objectives_edit, plan.scope_edit, plan.criteria_edit, plan.location_edit, plan.lead_edit):
        assert edit.isReadOnly()
    assert not any(w.isEnabled() for w in (plan.kind_combo, plan.start_edit, plan.end_check,
                                           plan.add_member_button, plan.add_person_button,
                                           plan.remove_member_button, plan.team_table.cellWidget(0, 1)))
    _focus(qtbot, plan.scope_edit)
    qtbot.keyClicks(plan.scope_edit, " und mehr")
    _focus(qtbot, plan.lead_edit)
    qtbot.keyClicks(plan.lead_edit, "X")
    assert window.flush()
    stored = services.audits.get(audit_id)
    assert stored.scope == typed["scope"][1] and stored.lead_auditor == typed["lead_auditor"][1]
    assert plan.scope_edit.toPlainText() == typed["scope"][1]
    shot("closed-plan", window)

    # findings: only the follow-up may change
    workspace.show_view("findings")
    assert not findings.new_button.isEnabled()
    assert findings.new_finding() is None
    assert findings.select_finding(major.id)
    assert not findings.delete_button.isEnabled()
    _focus(qtbot, findings.table)
    _press(qtbot, Qt.Key.Key_Return)
    dialog = findings.active_dialog
    assert dialog is not None and dialog.target.closed and dialog.notice.isVisible()
    assert dialog.statement_edit.isReadOnly() and dialog.reference_edit.isReadOnly()
    assert dialog.evidence_edit.isReadOnly() and not dialog.class_combo.isEnabled()
    assert not dialog.action_edit.isReadOnly() and not dialog.owner_edit.isReadOnly()
    qtbot.keyClicks(dialog.statement_edit, " geaendert")  # read-only: nothing typed
    assert dialog.statement_edit.toPlainText() == major.statement
    qtbot.keyClicks(dialog.action_edit, "Auffangwannen beschaffen")
    qtbot.keyClicks(dialog.owner_edit, "H. Brandt")
    shot("closed-finding-dialog", dialog)
    _save_dialog(qtbot, window, dialog)
    followed = services.audits.finding(major.id)
    assert (followed.statement, followed.finding_class, followed.corrective_action, followed.owner) == (
        major.statement, FindingClass.MAJOR_NC, "Auffangwannen beschaffen", "H. Brandt")
    assert services.audits.get(audit_id).status is AuditStatus.CLOSED

    # ---- 8. reopened with a reason -------------------------------------------------------------
    qtbot.mouseClick(banner.buttons["reopen"], LEFT)
    reopen = workspace.lifecycle.dialog
    assert reopen is not None and not reopen.ok_button.isEnabled()
    assert "Dr. Maria Lehmann" in reopen.intro.text() and "Petra Koch" in reopen.intro.text()
    reason = "Korrigiertes Abfallregister nachgereicht"
    qtbot.keyClicks(reopen.reason_edit, reason)
    assert reopen.ok_button.isEnabled()
    shot("reopen-dialog", reopen)
    qtbot.mouseClick(reopen.ok_button, LEFT)
    qtbot.waitUntil(lambda: workspace.lifecycle.dialog is None)
    _reactivate(qtbot, window)
    window.flush()

    detail = _detail(services, audit_id)
    assert detail.audit.status is AuditStatus.IN_PROGRESS
    assert detail.signatures == ()
    assert any(reason in str(entry) for entry in services.audits.change_log(audit_id))
    qtbot.waitUntil(lambda: banner.status is AuditStatus.IN_PROGRESS)
    assert not plan.read_only and not plan.scope_edit.isReadOnly()
    assert not window.undo.group.canUndo()
    # it can be changed again
    workspace.show_view("checklist")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tree)
    assert checklist.select_item("4.1")
    _press(qtbot, "4")
    assert window.flush()
    assert _answers(services, audit_id)["4.1"] == "observation"
    workspace.show_view("overview")
    shot("reopened-overview", window)
    assert not prompts.of("error")
