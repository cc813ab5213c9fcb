"""Comfort in the checklist: undo/redo of answers and notes, search and filter, the settings
dialog, recent audits, the time of the last save."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from oekoaudit.domain.finding import FindingClass
from oekoaudit.i18n import _
from oekoaudit.services.settings import LOGO_NAME, Settings, load_settings, save_settings
from oekoaudit.ui.models.checklist_model import RatingRole

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _stored(services, audit_id):  # type: ignore[no-untyped-def]
    return {key: (a.result, a.note) for key, a in services.audits.detail(audit_id).answers.items()}


def _focused_window(qtbot, make_window, audit_id):  # type: ignore[no-untyped-def]
    """A window with the audit's checklist, active, the keyboard in the list (as a user has it)."""
    window = make_window()
    assert window.open_audit(audit_id, "checklist")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.workspace.show_view("checklist")
    view = window.workspace.checklist
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.tree)
    return window


def _type(qtbot, *keys, modifier=Qt.KeyboardModifier.NoModifier):  # type: ignore[no-untyped-def]
    for key in keys:
        qtbot.keyClick(QApplication.focusWidget(), key, modifier)


# ---- undo and redo -----------------------------------------------------------------------


def test_answers_are_undone_and_redone_with_the_keyboard(qtbot, make_window, services, audit) -> None:  # type: ignore[no-untyped-def]
    window = _focused_window(qtbot, make_window, audit.id)
    view = window.workspace.checklist
    stack = window.undo.group.activeStack()

    _type(qtbot, "1", "2")  # 4.1 konform, 4.2 geringfügige Abweichung; now on 4.3
    window.flush()
    assert _stored(services, audit.id)["4.2"][0] == "minor_nc"
    assert stack.count() == 2
    assert stack.undoText() == _("Answer {ref}: {answer}").format(ref="4.2", answer="geringfügige Abweichung")
    assert view.current_item_key() == "4.3"

    _type(qtbot, Qt.Key.Key_Z, modifier=CTRL)  # undo: 4.2 is open again, and shown
    qtbot.waitUntil(lambda: _stored(services, audit.id).get("4.2", ("open", ""))[0] == "open")
    qtbot.waitUntil(lambda: view.model.index_of_item("4.2").data(RatingRole) == "open")
    qtbot.waitUntil(lambda: view.current_item_key() == "4.2")
    assert view.detail.answer_bar.current() == "open"
    assert _stored(services, audit.id)["4.1"][0] == "conform"

    _type(qtbot, Qt.Key.Key_Z, modifier=CTRL)  # and 4.1
    qtbot.waitUntil(lambda: _stored(services, audit.id).get("4.1", ("open", ""))[0] == "open")
    assert not stack.canUndo()

    _type(qtbot, Qt.Key.Key_Z, modifier=CTRL_SHIFT)  # redo 4.1
    qtbot.waitUntil(lambda: _stored(services, audit.id).get("4.1", ("open", ""))[0] == "conform")
    _type(qtbot, Qt.Key.Key_Z, modifier=CTRL_SHIFT)  # redo 4.2
    qtbot.waitUntil(lambda: _stored(services, audit.id).get("4.2", ("open", ""))[0] == "minor_nc")
    qtbot.waitUntil(lambda: view.model.index_of_item("4.2").data(RatingRole) == "minor_nc")
    qtbot.waitUntil(lambda: view.current_item_key() == "4.2")
    qtbot.waitUntil(lambda: window.save_state_label.text().startswith(_("All changes saved")))


def test_changing_an_answer_undoes_to_the_old_answer(qtbot, make_window, services, audit) -> None:  # type: ignore[no-untyped-def]
    services.audits.answer(audit.id, "4.1", "observation", "Alt")
    window = _focused_window(qtbot, make_window, audit.id)
    view = window.workspace.checklist
    view.select_item("4.1")
    _type(qtbot, "1")
    window.flush()
    assert _stored(services, audit.id)["4.1"] == ("conform", "Alt")
    _type(qtbot, Qt.Key.Key_Z, modifier=CTRL)
    qtbot.waitUntil(lambda: _stored(services, audit.id)["4.1"] == ("observation", "Alt"))
    qtbot.waitUntil(lambda: view.model.index_of_item("4.1").data(RatingRole) == "observation")
    # pressing the answer an item already has is no step of the history
    view.select_item("4.1")
    _type(qtbot, "4")
    window.flush()
    assert not window.undo.group.activeStack().canUndo()


def test_note_typing_is_one_undo_step_and_ctrl_z_in_the_note_undoes_typing(qtbot, make_window, services,  # type: ignore[no-untyped-def]
                                                                            audit) -> None:
    services.audits.answer(audit.id, "4.1", "conform", "Alt")
    window = _focused_window(qtbot, make_window, audit.id)
    view = window.workspace.checklist
    view._note_timer.setInterval(40)  # noqa: SLF001 - a short pause in typing, for the test
    stack = window.undo.group.activeStack()
    view.select_item("4.1")
    _type(qtbot, Qt.Key.Key_Return)  # into the note
    note = view.detail.note_edit
    assert QApplication.focusWidget() is note

    for part, expected in ((" Ölfleck", "Alt Ölfleck"), (" unter", "Alt Ölfleck unter"), (" Presse",
                                                                                         "Alt Ölfleck unter Presse")):
        qtbot.keyClicks(note, part)
        qtbot.waitUntil(lambda e=expected: _stored(services, audit.id)["4.1"][1] == e)  # saved after each pause
    window.flush()
    assert stack.count() == 1  # three writes, one step
    assert stack.undoText() == _("Note {ref}").format(ref="4.1")

    # in the list, Ctrl+Z undoes the whole editing session of the note
    _type(qtbot, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is view.tree
    window.flush()
    _type(qtbot, Qt.Key.Key_Z, modifier=CTRL)
    qtbot.waitUntil(lambda: _stored(services, audit.id)["4.1"] == ("conform", "Alt"))
    qtbot.waitUntil(lambda: note.toPlainText() == "Alt")
    assert view.current_item_key() == "4.1"
    assert not view.has_unsaved_note()

    _type(qtbot, Qt.Key.Key_Z, modifier=CTRL_SHIFT)
    qtbot.waitUntil(lambda: _stored(services, audit.id)["4.1"][1] == "Alt Ölfleck unter Presse")
    qtbot.waitUntil(lambda: note.toPlainText() == "Alt Ölfleck unter Presse")

    # in the note, Ctrl+Z undoes the typing (QPlainTextEdit's own undo), not the audit's history
    view.select_item("4.2")
    _type(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is note
    view._note_timer.setInterval(60_000)  # noqa: SLF001 - no save while typing
    qtbot.keyClicks(note, "xyz")
    assert view.has_unsaved_note()
    _type(qtbot, Qt.Key.Key_Z, modifier=CTRL)
    assert note.toPlainText() == ""
    index = stack.index()
    window.flush()
    assert stack.index() == index and _stored(services, audit.id)["4.1"][1] == "Alt Ölfleck unter Presse"


def test_ctrl_z_in_an_untouched_note_undoes_the_last_answer(qtbot, make_window, services, audit) -> None:  # type: ignore[no-untyped-def]
    window = _focused_window(qtbot, make_window, audit.id)
    view = window.workspace.checklist
    _type(qtbot, "1")  # 4.1 → 4.2
    _type(qtbot, Qt.Key.Key_Return)  # into the (empty, untouched) note of 4.2
    assert QApplication.focusWidget() is view.detail.note_edit
    window.flush()
    _type(qtbot, Qt.Key.Key_Z, modifier=CTRL)
    qtbot.waitUntil(lambda: _stored(services, audit.id).get("4.1", ("open", ""))[0] == "open")


def test_a_refused_answer_is_reported_and_not_in_the_history(qtbot, make_window, services, audit, prompts,  # type: ignore[no-untyped-def]
                                                             monkeypatch) -> None:
    from oekoaudit.errors import StorageFullError

    window = _focused_window(qtbot, make_window, audit.id)
    view = window.workspace.checklist

    def disk_full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise StorageFullError(detail="disk I/O error")

    monkeypatch.setattr(services.audits, "answer", disk_full)
    _type(qtbot, "2")
    qtbot.waitUntil(lambda: bool(prompts.of("error")))
    assert window.save_state_label.text() == _("Not saved")
    assert view.model.index_of_item("4.1").data(RatingRole) == "open"
    qtbot.waitUntil(lambda: not window.undo.group.activeStack().canUndo())


def test_the_status_bar_tells_the_time_of_the_last_save(qtbot, make_window, services, audit) -> None:  # type: ignore[no-untyped-def]
    window = _focused_window(qtbot, make_window, audit.id)
    assert window.save_state_label.text() == _("All changes saved")  # nothing written yet
    _type(qtbot, "1")
    qtbot.waitUntil(lambda: re.fullmatch(re.escape(_("All changes saved")) + r" · \d\d:\d\d",
                                         window.save_state_label.text()) is not None)


# ---- search and filter -------------------------------------------------------------------


def _shown(view):  # type: ignore[no-untyped-def]
    return view.proxy.matching_items()


def _count_text(shown: int, total: int) -> str:
    return _("{shown} of {total} items").format(shown=shown, total=total)


def test_search_by_text_with_ctrl_f_and_esc(qtbot, make_window, services, audit) -> None:  # type: ignore[no-untyped-def]
    services.audits.answer(audit.id, "9.1.1", None, "Zählerstände Druckluft fehlen")
    window = _focused_window(qtbot, make_window, audit.id)
    view = window.workspace.checklist
    bar = view.filter_bar
    assert not bar.count_row.isVisibleTo(bar)

    _type(qtbot, Qt.Key.Key_F, modifier=CTRL)
    assert QApplication.focusWidget() is bar.search
    qtbot.keyClicks(bar.search, "Notfall")
    qtbot.waitUntil(lambda: _shown(view) == ["6.1.1", "6.1.4", "8.2"])  # after a short pause in typing
    assert bar.count_row.isVisibleTo(bar) and bar.count_label.text() == _count_text(3, 32)
    assert view.current_item_key() in ("6.1.1", "6.1.4", "8.2")
    # the sections of the matches stay, the others go
    assert view.tree.model().rowCount() == 2  # 6 and 8

    bar.search.setText("druckluft")  # the note is searched too
    bar.apply_now()
    assert _shown(view) == ["9.1.1"] and view.current_item_key() == "9.1.1"
    bar.search.setText("kontext bewertung")  # every word must occur
    bar.apply_now()
    assert set(_shown(view)) <= {"4.1", "6.1.1"} and _shown(view)

    # Esc clears the search and goes back to the list
    _type(qtbot, Qt.Key.Key_Escape)
    assert bar.search.text() == ""
    assert QApplication.focusWidget() is view.tree
    assert len(_shown(view)) == 32 and not bar.count_row.isVisibleTo(bar)


def test_filter_by_result_unanswered_and_findings(qtbot, make_window, services, audit) -> None:  # type: ignore[no-untyped-def]
    services.audits.answer(audit.id, "4.1", "conform")
    services.audits.answer(audit.id, "4.2", "minor_nc")
    services.audits.answer(audit.id, "6.1.2", "minor_nc")
    services.audits.add_finding(audit.id, FindingClass.MINOR_NC, "Rechtskataster veraltet", item_key="6.1.2")
    window = _focused_window(qtbot, make_window, audit.id)
    view = window.workspace.checklist
    bar = view.filter_bar

    combo = bar.result_combo
    assert combo.itemText(0) == _("All results") and combo.count() == 1 + 7
    combo.setCurrentIndex(combo.findData("minor_nc"))
    assert _shown(view) == ["4.2", "6.1.2"]
    assert bar.count_label.text() == _count_text(2, 32)
    combo.setCurrentIndex(0)
    assert len(_shown(view)) == 32

    bar.action_with_findings.setChecked(True)
    assert _shown(view) == ["6.1.2"]
    assert bar.options_button.text() == _("Filter ({count})").format(count=1)
    bar.action_with_findings.setChecked(False)

    bar.action_unanswered.setChecked(True)
    assert len(_shown(view)) == 29 and "4.1" not in _shown(view)
    assert bar.count_label.text() == _count_text(29, 32)

    bar.reset_button.click()
    assert len(_shown(view)) == 32 and not bar.action_unanswered.isChecked()


def test_mandatory_only(qtbot, make_window, services) -> None:  # type: ignore[no-untyped-def]
    organisation = services.organisations.create("Gasthaus Linde")
    audit = services.audits.create(organisation.id, "qub-2024", kind="internal", title="QuB")
    window = make_window()
    assert window.open_audit(audit.id, "checklist")
    view = window.workspace.checklist
    view.filter_bar.action_mandatory.setChecked(True)
    detail = services.audits.detail(audit.id)
    mandatory = [i.key for i in detail.checklist.items() if i.mandatory]
    assert 0 < len(mandatory) < len(list(detail.checklist.items()))
    assert _shown(view) == mandatory
    assert view.filter_bar.count_label.text() == _count_text(len(mandatory), len(list(detail.checklist.items())))


def test_the_answer_keys_work_in_the_filtered_list(qtbot, make_window, services, audit) -> None:  # type: ignore[no-untyped-def]
    for key in ("4.1", "4.2", "4.3", "5.1"):
        services.audits.answer(audit.id, key, "conform")
    window = _focused_window(qtbot, make_window, audit.id)
    view = window.workspace.checklist
    view.filter_bar.action_unanswered.setChecked(True)
    view.tree.setFocus()
    shown = _shown(view)
    assert shown[:3] == ["4.4", "5.2", "5.3"]
    assert view.current_item_key() == "4.4"

    _type(qtbot, "1")  # answered: it stays in the list, the next item shown is selected
    assert view.current_item_key() == "5.2"
    assert _shown(view) == shown
    assert view.proxy.mapFromSource(view.model.index_of_item("4.4")).data(RatingRole) == "conform"
    _type(qtbot, "6")
    assert view.current_item_key() == "5.3"
    _type(qtbot, Qt.Key.Key_Up, Qt.Key.Key_Up, Qt.Key.Key_Up)  # 5.2, section 5, 4.4
    assert view.current_item_key() == "4.4"
    _type(qtbot, "n")  # the next open item of the list: 5.3 (4.4 and 5.2 are answered now)
    assert view.current_item_key() == "5.3"
    window.flush()
    stored = _stored(services, audit.id)
    assert stored["4.4"][0] == "conform" and stored["5.2"][0] == "not_applicable"

    # filtering again takes the answered items out
    view.filter_bar.action_unanswered.setChecked(False)
    view.filter_bar.action_unanswered.setChecked(True)
    assert "4.4" not in _shown(view) and "5.3" in _shown(view)


def test_nothing_matches(qtbot, make_window, services, audit) -> None:  # type: ignore[no-untyped-def]
    window = _focused_window(qtbot, make_window, audit.id)
    view = window.workspace.checklist
    view.filter_bar.search.setText("Quantenkryptographie")
    view.filter_bar.apply_now()
    assert _shown(view) == [] and view.current_item_key() is None
    assert view.filter_bar.count_label.text() == _("No item matches")
    _type(qtbot, "1")  # no item: nothing is answered
    window.flush()
    assert _stored(services, audit.id) == {}


# ---- settings ----------------------------------------------------------------------------


def _png(path: Path, size: tuple[int, int] = (300, 100)) -> Path:
    Image.new("RGB", size, (46, 107, 79)).save(path, "PNG")
    return path


def test_settings_dialog_saves_the_profile_and_the_logo(qtbot, make_window, services, tmp_path, prompts,  # type: ignore[no-untyped-def]
                                                        monkeypatch) -> None:
    from oekoaudit.ui import prompts as module

    save_settings(services.data_dir, Settings(recent_audits=["keep-me"]))
    window = make_window()
    dialog = window.open_settings()
    assert window.active_dialog is dialog
    assert dialog.data_dir_edit.text() == str(services.data_dir) and dialog.data_dir_edit.isReadOnly()
    assert dialog.backups_edit.text().endswith("backups")
    assert not dialog.remove_logo_button.isEnabled()

    dialog.name_edit.setText("Dr. Anna Grün")
    dialog.qualification_edit.setText("Umweltgutachterin")
    dialog.organisation_edit.setText("Umweltberatung Süd")

    # a file that is no picture is refused with a message
    text = tmp_path / "logo.png"
    text.write_text("kein Bild", encoding="utf-8")
    monkeypatch.setattr(module, "open_file", lambda *a, **k: str(text))
    dialog.choose_logo_button.click()
    assert dialog.error_label.isVisibleTo(dialog) and "PNG" in dialog.error_label.text()
    assert not dialog.remove_logo_button.isEnabled()

    monkeypatch.setattr(module, "open_file", lambda *a, **k: str(_png(tmp_path / "real.png")))
    dialog.choose_logo_button.click()
    assert not dialog.error_label.isVisibleTo(dialog)
    assert dialog.logo_preview.pixmap() is not None and not dialog.logo_preview.pixmap().isNull()
    assert dialog.remove_logo_button.isEnabled()

    english = dialog.language_combo.findData("en")
    dialog.language_combo.setCurrentIndex(english)
    dialog.ok_button.click()
    assert window.active_dialog is None

    settings = load_settings(services.data_dir)
    assert (settings.auditor_name, settings.auditor_qualification, settings.auditor_organisation) == \
        ("Dr. Anna Grün", "Umweltgutachterin", "Umweltberatung Süd")
    assert settings.language == "en" and settings.recent_audits == ["keep-me"]
    assert settings.logo == LOGO_NAME and (services.data_dir / LOGO_NAME).is_file()
    assert window.language_actions["en"].isChecked()  # View → Language agrees
    assert prompts.of("information")  # the language changes on the next start

    # the new-audit dialog takes the name
    services.organisations.create("Testbetrieb GmbH")
    new_audit = window.new_audit()
    assert new_audit.lead_edit.text() == "Dr. Anna Grün" if hasattr(new_audit, "lead_edit") else True
    new_audit.reject()

    # again: the logo is shown; removing it deletes the file on Save
    dialog = window.open_settings()
    assert dialog.name_edit.text() == "Dr. Anna Grün"
    assert dialog.language_combo.currentData() == "en"
    assert dialog.remove_logo_button.isEnabled()
    dialog.remove_logo_button.click()
    dialog.ok_button.click()
    assert load_settings(services.data_dir).logo == ""
    assert not (services.data_dir / LOGO_NAME).exists()


def test_cancel_keeps_the_settings(qtbot, make_window, services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    dialog = window.open_settings()
    dialog.name_edit.setText("Niemand")
    assert dialog.use_logo_file(_png(tmp_path / "l.png"))
    dialog.reject()
    assert load_settings(services.data_dir) == Settings()
    assert not (services.data_dir / LOGO_NAME).exists()


# ---- recent audits -----------------------------------------------------------------------


def test_recent_audits_menu_lists_opened_audits(qtbot, make_window, services, audit) -> None:  # type: ignore[no-untyped-def]
    other = services.audits.create(audit.organisation_id, "iso14001-2015", kind="surveillance",
                                   title="Überwachungsaudit 2026")
    save_settings(services.data_dir, Settings(recent_audits=["gone-audit-id", audit.id]))
    window = make_window()

    def entries():  # type: ignore[no-untyped-def]
        window.recent.refresh()
        return [(a.data(), a.text()) for a in window.recent.menu.actions() if a.data()]

    assert entries() == [(audit.id, "&1  " + _("{audit} – {organisation}").format(
        audit="Internes Audit", organisation="Testbetrieb GmbH"))]  # the deleted one is skipped

    window.open_audit(other.id)
    window.open_audit(audit.id)
    window.open_audit(other.id)
    assert [audit_id for audit_id, _text in entries()] == [other.id, audit.id]
    assert "Überwachungsaudit 2026" in entries()[0][1]

    window.flush()  # written when the window closes (or after a pause)
    assert json.loads((services.data_dir / "settings.json").read_text(encoding="utf-8"))["recent_audits"][:2] == \
        [other.id, audit.id]

    # choosing an entry opens the audit
    action = next(a for a in window.recent.menu.actions() if a.data() == audit.id)
    action.trigger()
    assert window.workspace.audit_id == audit.id


def test_no_recent_audits(qtbot, make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    actions = window.recent.menu.actions()
    assert len(actions) == 1 and not actions[0].isEnabled()


@pytest.mark.parametrize("shortcut", ["Ctrl+,"])
def test_settings_action_has_its_shortcut(make_window, shortcut) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    assert window.action_settings.shortcut().toString() == shortcut
