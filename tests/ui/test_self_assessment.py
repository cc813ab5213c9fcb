"""The guided self-assessment: one question at a time, skip and return, undo, summary, measures, PDF."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from PySide6.QtCore import Qt

from oekoaudit.i18n import _, ngettext
from oekoaudit.ui.views.self_assessment import QUESTION, SKIPPED, SUMMARY, short_title


@pytest.fixture
def qub(services):  # type: ignore[no-untyped-def]
    """A fresh QuB self-assessment (25 questions) of a new organisation."""
    organisation = services.organisations.create("Schreinerei Holzwurm")
    return services.audits.create(organisation.id, "qub-2024", kind="self-assessment")


def _stored(services, audit_id):  # type: ignore[no-untyped-def]
    return {key: (a.result, a.note) for key, a in services.audits.detail(audit_id).answers.items()}


def _keys(services, audit_id):  # type: ignore[no-untyped-def]
    return [item.key for item in services.audits.detail(audit_id).checklist.items()]


def _open(window, audit_id):  # type: ignore[no-untyped-def]
    assert window.open_audit(audit_id)
    view = window.workspace.self_assessment
    assert window.workspace.current_view() == "self_assessment"
    return view


def _press(qtbot, view, key) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(view, key)


def test_whole_wizard_by_keyboard_and_clicks(qtbot, make_window, services, qub) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    view = _open(window, qub.id)  # a self-assessment opens on this tab
    page = view.question_page
    keys = _keys(services, qub.id)
    checklist = services.audits.detail(qub.id).checklist
    first = checklist.item(keys[0])
    assert view.page == QUESTION and view.position == 0
    assert view.position_label.text() == _("Question {n} of {total}").format(n=1, total=25)
    assert page.question.text() == first.plain.question.de
    assert page.why.text.text() == first.plain.why.de and page.proof.text.text() == first.plain.proof.de
    assert view.section_label.text() == "Rechtssicherheit und Arbeitsschutz"
    # everyday words on the buttons, the open option ("don't know yet") among them
    assert page.answer_buttons["fulfilled"].accessibleName() == "Ja, erledigt"
    assert page.answer_buttons["open"].accessibleName() == "Weiß ich noch nicht"
    assert not page.back_button.isEnabled()

    _press(qtbot, view, "1")  # answered at once, the page stays
    assert page.current() == "fulfilled" and view.position == 0
    qtbot.waitUntil(lambda: _stored(services, qub.id).get(keys[0], ("", ""))[0] == "fulfilled")
    assert view.progress.value() == 1
    _press(qtbot, view, Qt.Key.Key_Return)
    assert view.position == 1
    assert view.position_label.text() == _("Question {n} of {total}").format(n=2, total=25)

    qtbot.mouseClick(page.answer_buttons["not_fulfilled"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.note_edit, "Bescheid 2019 suchen")  # digits in the note are text
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)  # the note is saved on leaving
    qtbot.waitUntil(lambda: _stored(services, qub.id).get(keys[1]) == ("not_fulfilled", "Bescheid 2019 suchen"))
    assert view.position == 2 and page.note_edit.toPlainText() == ""

    _press(qtbot, view, Qt.Key.Key_Backspace)  # back: the answer and the note are shown
    assert view.position == 1 and page.current() == "not_fulfilled"
    assert page.note_edit.toPlainText() == "Bescheid 2019 suchen"
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)

    qtbot.mouseClick(page.skip_button, Qt.MouseButton.LeftButton)  # "answer later"
    assert view.position == 3 and keys[2] not in _stored(services, qub.id)
    for _step in range(30):  # on through the rest without answering
        if view.page != QUESTION:
            break
        _press(qtbot, view, Qt.Key.Key_Return)
    assert view.page == SKIPPED
    assert view.skipped_page.heading.text() == ngettext(
        "You skipped {n} question – answer it now?", "You skipped {n} questions – answer them now?", 23).format(n=23)

    qtbot.mouseClick(view.skipped_page.to_summary_button, Qt.MouseButton.LeftButton)
    assert view.page == SUMMARY
    summary = view.summary()
    assert [line.item.key for line in summary.have] == [keys[0]]
    assert [line.item.key for line in summary.missing] == [keys[1]]
    assert len(summary.open) == 23 and not summary.not_relevant
    summary_page = view.summary_page
    assert summary_page.have_tile.count.text() == "1" and summary_page.missing_tile.count.text() == "1"
    assert summary_page.open_tile.count.text() == "23"
    assert checklist.item(keys[0]).title.de in summary_page.have_list.text()
    assert checklist.item(keys[1]).title.de in summary_page.missing_list.text()
    assert "Ja, erledigt" not in summary_page.missing_list.text()
    assert [row.todo.item.key for row in summary_page.todo_rows] == [keys[1]]
    qtbot.waitUntil(lambda: not window.worker.pending)


def test_skipped_questions_come_back_at_the_end(qtbot, make_window, services, qub) -> None:  # type: ignore[no-untyped-def]
    keys = _keys(services, qub.id)
    left_open = [keys[1], keys[10], keys[24]]
    for key in keys:
        if key not in left_open:
            services.audits.answer(qub.id, key, "fulfilled")
    window = make_window()
    view = _open(window, qub.id)
    assert view.position == 1  # it starts at the first open question
    qtbot.mouseClick(view.question_page.skip_button, Qt.MouseButton.LeftButton)
    for _step in range(30):
        if view.page != QUESTION:
            break
        _press(qtbot, view, Qt.Key.Key_Return)
    assert view.page == SKIPPED
    assert view.skipped_page.heading.text() == ngettext(
        "You skipped {n} question – answer it now?", "You skipped {n} questions – answer them now?", 3).format(n=3)

    _press(qtbot, view, Qt.Key.Key_Return)  # Enter: "answer now"
    assert view.page == QUESTION and view.position == 1
    _press(qtbot, view, "2")
    _press(qtbot, view, Qt.Key.Key_Return)
    assert view.position == 10  # straight to the next skipped one
    _press(qtbot, view, "3")
    _press(qtbot, view, Qt.Key.Key_Return)
    assert view.position == 24
    _press(qtbot, view, Qt.Key.Key_Return)  # left open again: no second round, the summary
    assert view.page == SUMMARY
    qtbot.waitUntil(lambda: _stored(services, qub.id).get(keys[10], ("", ""))[0] == "not_fulfilled")
    stored = _stored(services, qub.id)
    assert stored[keys[1]][0] == "partly_fulfilled"
    assert keys[24] not in stored
    qtbot.waitUntil(lambda: [line.item.key for line in view.summary().open] == [keys[24]])
    assert {line.item.key for line in view.summary().missing} == {keys[1], keys[10]}


def test_undo_restores_the_old_answer(qtbot, make_window, services, qub) -> None:  # type: ignore[no-untyped-def]
    key = _keys(services, qub.id)[0]
    window = make_window()
    view = _open(window, qub.id)
    page = view.question_page
    _press(qtbot, view, "2")
    qtbot.waitUntil(lambda: _stored(services, qub.id).get(key, ("", ""))[0] == "partly_fulfilled")
    _press(qtbot, view, "1")
    qtbot.waitUntil(lambda: _stored(services, qub.id)[key][0] == "fulfilled")
    assert window.undo.group.undoText() == _("Answer {ref}").format(ref="1.1")

    window.action_undo.trigger()
    qtbot.waitUntil(lambda: _stored(services, qub.id)[key][0] == "partly_fulfilled")
    qtbot.waitUntil(lambda: page.current() == "partly_fulfilled")  # the page shows the restored answer
    window.action_undo.trigger()
    qtbot.waitUntil(lambda: _stored(services, qub.id)[key][0] == "open")
    qtbot.waitUntil(lambda: page.current() is None or page.current() == "open")
    assert view.progress.value() == 0
    window.action_redo.trigger()
    qtbot.waitUntil(lambda: _stored(services, qub.id)[key][0] == "partly_fulfilled")


def test_todos_become_measures_only_once(qtbot, make_window, services, qub, prompts) -> None:  # type: ignore[no-untyped-def]
    keys = _keys(services, qub.id)
    checklist = services.audits.detail(qub.id).checklist
    services.audits.answer(qub.id, keys[1], "partly_fulfilled")
    services.audits.answer(qub.id, keys[2], "not_fulfilled")
    services.audits.answer(qub.id, keys[3], "fulfilled")
    services.audits.answer(qub.id, keys[4], "not_relevant")
    services.audits.answer(qub.id, keys[8], "partly_fulfilled")
    window = make_window()
    view = _open(window, qub.id)
    qtbot.mouseClick(view.summary_button, Qt.MouseButton.LeftButton)
    assert view.page == SUMMARY
    page = view.summary_page
    assert [row.todo.item.key for row in page.todo_rows] == [keys[1], keys[2], keys[8]]
    assert all(row.check.isChecked() for row in page.todo_rows)
    assert page.not_relevant_label.isVisibleTo(view)
    page.todo_rows[2].check.setChecked(False)

    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(services.measures.list(audit_id=qub.id)) == 2)
    qtbot.waitUntil(lambda: bool(prompts.of("information")))
    assert prompts.of("information")[-1] == ngettext("{n} measure created.", "{n} measures created.", 2).format(n=2)
    measures = {m.title: m for m in services.measures.list(audit_id=qub.id)}
    todo = checklist.item(keys[1]).plain.todo.de
    assert short_title(todo) in measures
    measure = measures[short_title(todo)]
    assert measure.organisation_id == qub.organisation_id and measure.audit_id == qub.id
    assert " ".join(todo.split()) in measure.description and checklist.item(keys[1]).title.de in measure.description
    assert len(measure.title) <= 110

    # the page now marks the two as taken over; only the third can still be ticked
    qtbot.waitUntil(lambda: [row.created for row in page.todo_rows] == [True, True, False])
    assert not page.create_button.isEnabled()
    page.todo_rows[2].check.setChecked(True)
    # meanwhile the same to-do became a measure elsewhere: it is not created twice
    third = page.todo_rows[2].todo
    services.measures.create(qub.organisation_id, title=third.title, audit_id=qub.id)
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(prompts.of("information")) == 2)
    assert prompts.of("information")[-1] == _("These to-dos are already measures; nothing new was created.")
    titles = [m.title for m in services.measures.list(audit_id=qub.id)]
    assert len(titles) == 3 and len(set(titles)) == 3


def test_summary_saved_as_pdf(qtbot, make_window, services, qub, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from oekoaudit.ui import prompts as prompts_module

    keys = _keys(services, qub.id)
    services.audits.answer(qub.id, keys[0], "fulfilled")
    services.audits.answer(qub.id, keys[1], "not_fulfilled", note="Ordner fehlt")
    target = tmp_path / "bewertung"
    asked: list[str] = []

    def save_file(parent, caption, file_filter="", directory=""):  # type: ignore[no-untyped-def]
        asked.append(directory)
        return str(target)

    monkeypatch.setattr(prompts_module, "save_file", save_file)
    window = make_window()
    view = _open(window, qub.id)
    view.show_summary()
    qtbot.mouseClick(view.summary_page.pdf_button, Qt.MouseButton.LeftButton)
    pdf = Path(str(target) + ".pdf")
    assert asked and asked[0].endswith(".pdf")
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    assert 1 <= len(reader.pages) <= 2
    # NFKC: the PDF's font sets ligatures ("ﬂ")
    text = unicodedata.normalize("NFKC", " ".join(" ".join(page.extract_text().split()) for page in reader.pages))
    assert "Schreinerei Holzwurm" in text
    assert "Ordner fehlt" in text
    checklist = services.audits.detail(qub.id).checklist
    assert checklist.item(keys[1]).title.de in text


def test_no_self_assessment_tab_for_an_iso_audit(qtbot, make_window, services, audit, qub) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    workspace = window.workspace
    index = workspace.tabs.indexOf(workspace.self_assessment)
    assert window.open_audit(audit.id)
    assert not workspace.tabs.isTabVisible(index)
    workspace.show_view("self_assessment")
    assert workspace.current_view() != "self_assessment"

    assert window.open_audit(qub.id)
    assert workspace.tabs.isTabVisible(index) and workspace.current_view() == "self_assessment"
    assert window.open_audit(audit.id)  # leaving it for an ISO audit: back to a visible tab
    assert not workspace.tabs.isTabVisible(index) and workspace.current_view() != "self_assessment"


def test_an_ordinary_audit_of_a_self_assessment_catalogue_opens_elsewhere(qtbot, make_window, services) -> None:  # type: ignore[no-untyped-def]
    organisation = services.organisations.create("Malerbetrieb Farbe")
    internal = services.audits.create(organisation.id, "qub-2024", kind="internal")
    window = make_window()
    assert window.open_audit(internal.id, "checklist")
    workspace = window.workspace
    assert workspace.tabs.isTabVisible(workspace.tabs.indexOf(workspace.self_assessment))
    assert workspace.current_view() == "checklist"


def test_new_audit_offers_self_assessment_for_qub_only(qtbot, make_window, services) -> None:  # type: ignore[no-untyped-def]
    services.organisations.create("Bäckerei Korn")
    window = make_window()
    window.reload_navigator()
    dialog = window.new_audit()
    qtbot.waitExposed(dialog)
    catalogues = dialog.catalogue_combo
    catalogues.setCurrentIndex(catalogues.findData("iso14001-2015"))
    assert dialog.kind_combo.findData("self-assessment") < 0 and not dialog.kind_hint.isVisibleTo(dialog)
    catalogues.setCurrentIndex(catalogues.findData("qub-2024"))
    assert dialog.kind_combo.findData("self-assessment") >= 0 and dialog.kind_hint.isVisibleTo(dialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("self-assessment"))
    catalogues.setCurrentIndex(catalogues.findData("iso14001-2015"))  # not offered: back to internal
    assert dialog.kind_combo.currentData() == "internal"
    catalogues.setCurrentIndex(catalogues.findData("qub-2024"))
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("self-assessment"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.workspace.audit_id is not None)
    assert window.workspace.detail.audit.kind == "self-assessment"
    assert window.workspace.current_view() == "self_assessment"
    assert window.workspace.self_assessment.page == QUESTION


@pytest.mark.parametrize(("todo", "title"), [
    ("Holen Sie sich eine Checkliste bei Ihrer Kammer. Gehen Sie sie einmal durch.",
     "Holen Sie sich eine Checkliste bei Ihrer Kammer"),
    ("Kurz und gut", "Kurz und gut"),
    ("Wort " * 40, ("Wort " * 21).strip() + "…"),
])
def test_a_measure_title_is_the_first_sentence_of_the_todo(todo: str, title: str) -> None:
    assert short_title(todo) == title
    assert len(short_title(todo)) <= 110
