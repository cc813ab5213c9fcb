"""Carry-over in the window: the new-audit dialog offers the earlier audit, carried answers are marked
until confirmed (button or B, undoable), the legal register and own catalogues come in through the
menus, and the overview shows ÖKOPROFIT's award rules."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from oekoaudit.ui.models.checklist_model import Column

IMPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "catalogues" / "import"


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("OEKOAUDIT_SHOTS")
    if folder:
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()  # let pending layout requests settle before the picture
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def _earlier(services):  # type: ignore[no-untyped-def]
    org = services.organisations.create("Gärtnerei Grün")
    first = services.audits.create(org.id, "iso14001-2015", title="Audit 2025", start_date=date(2025, 5, 1))
    services.audits.answer(first.id, "4.1", "conform", "Kontextanalyse von 2024")
    services.audits.answer(first.id, "4.2", "minor_nc", "Anwohner fehlen")
    return org, first


def test_new_audit_dialog_offers_the_earlier_audit_and_the_legal_register(qtbot, make_window, services) -> None:  # type: ignore[no-untyped-def]
    org, first = _earlier(services)
    window = make_window()
    window.navigator.tree.setCurrentIndex(window.navigator.model.index_of_organisation(org.id))
    dialog = window.new_audit()
    assert dialog.carry_combo.currentData() == first.id  # the newest earlier audit is proposed
    assert dialog.carry_combo.isEnabled() and dialog.carry_combo.itemData(0) is None
    dialog.catalogue_combo.setCurrentIndex(dialog.catalogue_combo.findData("iso14001-2015"))
    assert not dialog.legal_check.isHidden()
    dialog.legal_check.setChecked(True)
    _shot(dialog, "new_audit_carry_over")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    window.worker.flush()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    window.worker.flush()
    [second] = [s.audit for s in services.audits.list(org.id) if s.audit.id != first.id]
    assert second.carried_from_audit_id == first.id and second.modules == ("rechtskataster-2026",)
    assert services.audits.detail(second.id).answers["4.1"].carried_over


def test_carried_answers_are_marked_until_confirmed(qtbot, make_window, services) -> None:  # type: ignore[no-untyped-def]
    org, first = _earlier(services)
    second = services.audits.create(org.id, "iso14001-2015", title="Audit 2026", carry_from=first.id)
    window = make_window()
    assert window.open_audit(second.id, "checklist")
    view = window.workspace.checklist
    assert view.select_item("4.1")
    detail = view.detail
    assert detail.carried_row.isVisible()
    assert "Audit 2025" in detail.carried_label.text()
    result = view.model.index_of_item("4.1").siblingAtColumn(Column.RESULT)
    assert result.data(Qt.ItemDataRole.FontRole).italic()
    assert "früheren Audit übernommen" in result.data(Qt.ItemDataRole.ToolTipRole)
    assert window.workspace.overview is not None
    _shot(window, "checklist_carried_over")
    # the filter finds every answer still to be confirmed
    view.filter_bar.action_carried.setChecked(True)
    assert view.proxy.rowCount() > 0
    view.filter_bar.action_carried.setChecked(False)

    # B confirms the current answer as it is, and moves on
    assert view.select_item("4.1")
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_B)
    window.worker.flush()
    assert not services.audits.detail(second.id).answers["4.1"].carried_over
    assert services.audits.detail(second.id).answers["4.1"].result == "conform"
    assert view.current_item_key() != "4.1"
    # undo marks it as carried over again
    window.undo.stack(second.id).undo()
    window.worker.flush()
    assert services.audits.detail(second.id).answers["4.1"].carried_over

    # the button confirms too; choosing another answer confirms it as well
    assert view.select_item("4.1")
    qtbot.waitUntil(lambda: detail.carried_row.isVisible())
    qtbot.mouseClick(detail.confirm_button, Qt.MouseButton.LeftButton)
    window.worker.flush()
    assert view.select_item("4.2")
    view.answer_current("conform", advance=False)
    window.worker.flush()
    answers = services.audits.detail(second.id).answers
    assert not answers["4.1"].carried_over and not answers["4.2"].carried_over
    assert answers["4.2"].result == "conform"
    assert not detail.carried_row.isVisible()


def test_legal_register_and_catalogue_import_through_the_menus(qtbot, make_window, services, prompts) -> None:  # type: ignore[no-untyped-def]
    org, first = _earlier(services)
    window = make_window()
    assert window.open_audit(first.id, "checklist")
    window.action_add_legal_register.trigger()
    window.worker.flush()
    qtbot.waitUntil(lambda: window.workspace.detail.audit.modules == ("rechtskataster-2026",))
    view = window.workspace.checklist
    key = next(k for k in view.model.item_keys() if k.startswith("rk."))
    assert view.select_item(key)
    assert "Gilt, wenn" in view.detail.body.toPlainText()
    assert "Rechtsgrundlage" in view.detail.body.toPlainText()
    _shot(window, "checklist_legal_register")
    window.action_add_legal_register.trigger()
    window.worker.flush()
    assert services.audits.detail(first.id).audit.modules == ("rechtskataster-2026",)

    window.import_catalogue(str(IMPORTS / "betriebscheck-semikolon.csv"))
    window.worker.flush()
    qtbot.waitUntil(lambda: bool(prompts.of("information")))
    assert "betriebscheck" in {c.id for c in services.catalogues.list()} or any(
        c.id.startswith("betriebscheck") for c in services.catalogues.list())
    window.import_catalogue(str(IMPORTS / "fehler.csv"))
    window.worker.flush()
    qtbot.waitUntil(lambda: bool(prompts.of("error")))
    message = prompts.of("error")[-1]
    assert "Zeile 3, Spalte B" in message and "Zeile 5, Spalte C" in message


def test_overview_shows_the_award_rules(qtbot, make_window, services) -> None:  # type: ignore[no-untyped-def]
    org = services.organisations.create("Hotel See")
    audit = services.audits.create(org.id, "oekoprofit-2026")
    rules = services.catalogues.get("oekoprofit-2026").award
    services.audits.answer(audit.id, rules.must_items[0], "fulfilled")
    window = make_window()
    assert window.open_audit(audit.id, "overview")
    overview = window.workspace.overview
    assert overview.award_box.isVisible()
    text = overview.award_list.text()
    assert "✓" in text and "✗" in text or "?" in text
    assert "Muss-Kriterium" in text and "Maßnahmen" in text
    _shot(window, "overview_award")
