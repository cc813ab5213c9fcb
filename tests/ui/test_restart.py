"""Answers and notes survive closing the window and reopening the data folder."""

from __future__ import annotations

from PySide6.QtCore import Qt

from oekoaudit.services import open_services
from oekoaudit.ui.main_window import MainWindow
from oekoaudit.ui.models.checklist_model import Column, RatingRole


def test_answers_and_note_survive_a_restart(qtbot, services, audit, data_dir) -> None:  # type: ignore[no-untyped-def]
    # ---- first session: real DbWorker, answers by keyboard, a note still being typed at close
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    assert window.open_audit(audit.id, "checklist")
    view = window.workspace.checklist
    for key in ("1", "2", "4"):  # 4.1 conform, 4.2 minor, 4.3 observation → 4.4
        qtbot.keyClick(view.tree, key)
    with qtbot.waitSignal(window.worker.pending_changed, check_params_cb=lambda n: n == 0):
        qtbot.keyClick(view.tree, "5")  # 4.4 improvement → 5.1
    assert view.current_item_key() == "5.1"
    view.select_item("4.2")
    qtbot.keyClicks(view.detail.note_edit, "Register ohne neue Anlage")
    assert view.has_unsaved_note()  # the idle timer has not fired yet
    window.close()  # saves the note and waits for every write
    assert not view.has_unsaved_note()
    window.worker.shutdown()
    services.close()

    # ---- second session on the same folder
    again = open_services(data_dir)
    try:
        window2 = MainWindow(again)
        qtbot.addWidget(window2)
        window2.show()
        assert window2.navigator.select_audit(audit.id)
        qtbot.waitUntil(lambda: window2.workspace.audit_id == audit.id)
        window2.workspace.show_view("checklist")
        view2 = window2.workspace.checklist
        model = view2.model
        expected = {"4.1": "conform", "4.2": "minor_nc", "4.3": "observation", "4.4": "improvement",
                    "5.1": "open"}
        for key, result in expected.items():
            assert model.index_of_item(key).data(RatingRole) == result, key
        assert model.index_of_item("4.2").siblingAtColumn(Column.RESULT).data() == "geringfügige Abweichung"
        assert model.index_of_section("4").siblingAtColumn(Column.PROGRESS).data() == "4/4"
        # the checklist opens on the first open item
        assert view2.current_item_key() == "5.1"
        view2.select_item("4.2")
        assert view2.detail.answer_bar.current() == "minor_nc"
        assert view2.detail.note_edit.toPlainText() == "Register ohne neue Anlage"
        assert model.index_of_item("4.2").siblingAtColumn(Column.NOTE).data(Qt.ItemDataRole.ToolTipRole) \
            == "Register ohne neue Anlage"
        assert window2.navigator.model.index_of_audit(audit.id).siblingAtColumn(2).data() == "4/32"
        window2.close()
        window2.worker.shutdown()
    finally:
        again.close()
