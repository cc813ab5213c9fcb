"""Answering the checklist with the keyboard; the note; autosave; write errors."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt

from oekoaudit.errors import StorageFullError
from oekoaudit.i18n import _
from oekoaudit.ui.models.checklist_model import RatingRole


@pytest.fixture
def window(make_window, audit):  # type: ignore[no-untyped-def]
    window = make_window()
    assert window.open_audit(audit.id, "checklist")
    return window


def _stored(services, audit_id):  # type: ignore[no-untyped-def]
    return {key: (a.result, a.note) for key, a in services.audits.detail(audit_id).answers.items()}


def test_answer_with_number_keys_and_type_a_note(qtbot, window, services, audit) -> None:  # type: ignore[no-untyped-def]
    view = window.workspace.checklist
    tree = view.tree
    assert view.current_item_key() == "4.1"

    qtbot.keyClick(tree, "1")
    assert view.current_item_key() == "4.2"  # answered, and on to the next item
    assert view.model.index_of_item("4.1").data(RatingRole) == "conform"  # shown at once
    qtbot.keyClick(tree, "3")
    qtbot.keyClick(tree, "6")
    assert view.current_item_key() == "4.4"

    qtbot.keyClick(tree, Qt.Key.Key_Down)  # the row of section 5
    assert view.current_item_key() is None
    qtbot.keyClick(tree, "2")  # keys answer items only
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    assert view.current_item_key() == "5.1"
    qtbot.keyClick(tree, "2")
    assert view.current_item_key() == "5.2"
    # the detail panel follows: 5.2 has no answer yet
    assert view.detail.item.key == "5.2"
    assert view.detail.answer_bar.current() == "open"

    # the note: digits typed there are text, not answers
    note = view.detail.note_edit
    qtbot.keyClicks(note, "Aushang in Halle 2 veraltet, 2 Exemplare")
    assert window.save_state_label.text() == _("Saving …")
    qtbot.waitUntil(lambda: _stored(services, audit.id).get("5.2", ("", ""))[1]
                    == "Aushang in Halle 2 veraltet, 2 Exemplare")  # saved after a pause in typing
    qtbot.waitUntil(lambda: window.save_state_label.text().startswith(_("All changes saved")))
    assert view.current_item_key() == "5.2"

    stored = _stored(services, audit.id)
    assert stored["4.1"][0] == "conform"
    assert stored["4.2"][0] == "major_nc"
    assert stored["4.3"][0] == "not_applicable"
    assert stored["5.1"][0] == "minor_nc"
    assert stored["5.2"] == ("open", "Aushang in Halle 2 veraltet, 2 Exemplare")
    assert "4.4" not in stored

    # the navigator counts the answers the store holds
    qtbot.waitUntil(lambda: window.navigator.model.index_of_audit(audit.id)
                    .siblingAtColumn(2).data() == "4/32")


def test_next_unanswered_with_n_and_ctrl_down(qtbot, window, services, audit) -> None:  # type: ignore[no-untyped-def]
    for key in ("4.2", "4.3", "4.4"):
        services.audits.answer(audit.id, key, "conform")
    window.workspace.reload()
    view = window.workspace.checklist
    view.select_item("4.1")
    qtbot.keyClick(view.tree, "1")  # 4.1 answered → 4.2
    qtbot.keyClick(view.tree, "n")
    assert view.current_item_key() == "5.1"  # 4.2 to 4.4 were answered already
    qtbot.keyClick(view.tree, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert view.current_item_key() == "5.2"


def test_answer_buttons_and_keys_on_them(qtbot, window, services, audit) -> None:  # type: ignore[no-untyped-def]
    view = window.workspace.checklist
    buttons = view.detail.answer_bar.buttons
    assert list(buttons) == ["conform", "minor_nc", "major_nc", "observation", "improvement",
                             "not_applicable", "open"]
    assert buttons["conform"].text().startswith("1")
    qtbot.mouseClick(buttons["observation"], Qt.MouseButton.LeftButton)
    assert view.current_item_key() == "4.2"
    # with the focus on a button the keys work too
    qtbot.keyClick(view.detail.answer_bar.buttons["conform"], "5")
    assert view.current_item_key() == "4.3"
    window.flush()
    stored = _stored(services, audit.id)
    assert stored["4.1"][0] == "observation"
    assert stored["4.2"][0] == "improvement"
    # back to 4.1: its button is checked
    view.select_item("4.1")
    assert view.detail.answer_bar.current() == "observation"
    qtbot.keyClick(view.tree, "0")  # open again
    window.flush()
    assert _stored(services, audit.id)["4.1"][0] == "open"


def test_note_is_saved_when_leaving_the_item_and_with_ctrl_enter(qtbot, window, services, audit) -> None:  # type: ignore[no-untyped-def]
    view = window.workspace.checklist
    note = view.detail.note_edit
    qtbot.keyClicks(note, "Kontext 2026 bewertet")
    view.select_item("4.3")  # leaving the item writes the note at once
    window.flush()
    assert _stored(services, audit.id)["4.1"] == ("open", "Kontext 2026 bewertet")
    assert view.model.index_of_item("4.1").siblingAtColumn(3).data()  # the note mark
    qtbot.keyClicks(note, "Scope-Dokument gesehen")
    qtbot.keyClick(note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not view.has_unsaved_note()
    window.flush()
    assert _stored(services, audit.id)["4.3"] == ("open", "Scope-Dokument gesehen")
    assert note.toPlainText() == "Scope-Dokument gesehen"  # Ctrl+Enter adds no line


def test_failed_write_is_reported_and_the_store_shown(qtbot, window, services, audit, prompts,  # type: ignore[no-untyped-def]
                                                     monkeypatch) -> None:
    view = window.workspace.checklist

    def disk_full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise StorageFullError(detail="disk I/O error")

    monkeypatch.setattr(services.audits, "answer", disk_full)
    qtbot.keyClick(view.tree, "2")
    qtbot.waitUntil(lambda: bool(prompts.of("error")))
    assert "disk I/O error" in prompts.of("error")[0]
    assert window.save_state_label.text() == _("Not saved")
    # the optimistic answer is gone again: the window shows what the store holds
    assert view.model.index_of_item("4.1").data(RatingRole) == "open"
    assert "disk I/O error" in window.statusBar().currentMessage()

    monkeypatch.undo()
    view.select_item("4.1")
    qtbot.keyClick(view.tree, "1")
    qtbot.waitUntil(lambda: window.save_state_label.text().startswith(_("All changes saved")))
    assert _stored(services, audit.id)["4.1"][0] == "conform"


def test_closed_audit_is_read_only(qtbot, make_window, services, audit) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from oekoaudit.domain.audit import AuditStatus

    window = make_window()
    window.open_audit(audit.id, "checklist")
    view = window.workspace.checklist
    detail = services.audits.detail(audit.id)
    view.set_detail(replace(detail, audit=replace(detail.audit, status=AuditStatus.CLOSED)))
    assert view.read_only
    qtbot.keyClick(view.tree, "1")
    assert window.worker.pending == 0
    assert "4.1" not in services.audits.detail(audit.id).answers


def test_keyboard_flow_follows_the_focus(qtbot, window, services, audit) -> None:  # type: ignore[no-untyped-def]
    """Keys go where the focus is: list → Enter → note → Esc → list, as a user types them."""
    from PySide6.QtWidgets import QApplication

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view = window.workspace.checklist
    window.workspace.show_view("checklist")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.tree)

    def type_keys(*keys):  # type: ignore[no-untyped-def]
        for key in keys:
            qtbot.keyClick(QApplication.focusWidget(), key)

    type_keys("1")  # 4.1 conform → 4.2
    type_keys(Qt.Key.Key_Return)  # into the note of 4.2
    assert QApplication.focusWidget() is view.detail.note_edit
    qtbot.keyClicks(QApplication.focusWidget(), "Matrix 3 Seiten")
    type_keys(Qt.Key.Key_Escape)  # note saved, back in the list
    assert QApplication.focusWidget() is view.tree
    type_keys("4")  # 4.2 observation → 4.3
    window.flush()
    stored = _stored(services, audit.id)
    assert stored["4.1"] == ("conform", "")
    assert stored["4.2"] == ("observation", "Matrix 3 Seiten")
    assert view.current_item_key() == "4.3"
