"""Creating an organisation and an audit through the dialogs, as a user would."""

from __future__ import annotations

from PySide6.QtCore import Qt

from oekoaudit.domain.audit import AuditKind
from oekoaudit.i18n import _
from oekoaudit.ui.dialogs.new_audit import NewAuditDialog
from oekoaudit.ui.dialogs.new_organisation import NewOrganisationDialog
from oekoaudit.ui.models import navigator_model as nm


def test_create_organisation_and_audit(qtbot, make_window, services) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    navigator = window.navigator
    assert navigator.currentWidget() is navigator.empty
    assert window.workspace.currentWidget() is window.workspace.welcome
    assert not window.workspace.welcome.new_audit_button.isEnabled()

    # ---- the organisation
    window.action_new_organisation.trigger()
    dialog = window.active_dialog
    assert isinstance(dialog, NewOrganisationDialog)
    qtbot.keyClicks(dialog.name_edit, "Gaertnerei Gruen KG")
    qtbot.keyClicks(dialog.address_edit, "Am Hang 3, 79100 Freiburg")
    qtbot.keyClicks(dialog.contact_edit, "Frau Blum")
    qtbot.keyClicks(dialog.site_edit, "Betrieb Ost")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    organisation = services.organisations.find("Gaertnerei Gruen KG")
    assert organisation is not None
    assert organisation.address == "Am Hang 3, 79100 Freiburg"
    assert organisation.contact == "Frau Blum"
    assert [s.name for s in services.organisations.sites(organisation.id)] == ["Betrieb Ost"]
    qtbot.waitUntil(lambda: navigator.currentWidget() is navigator.tree)
    org_index = navigator.model.index_of_organisation(organisation.id)
    assert org_index.data() == "Gaertnerei Gruen KG"
    assert navigator.model.index(0, 0, org_index).data() == "Betrieb Ost"
    assert window.workspace.welcome.new_audit_button.isEnabled()

    # ---- the audit, for the organisation selected in the navigator
    window.action_new_audit.trigger()
    dialog = window.active_dialog
    assert isinstance(dialog, NewAuditDialog)
    assert dialog.organisation_combo.currentText() == "Gaertnerei Gruen KG"
    assert dialog.site_combo.currentText() == "Betrieb Ost"
    dialog.catalogue_combo.setCurrentIndex(dialog.catalogue_combo.findData("iso14001-2015"))
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(AuditKind.INITIAL.value))
    qtbot.keyClicks(dialog.title_edit, "Erstaudit 2026")
    qtbot.keyClicks(dialog.lead_edit, "A. Pruefer")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    [summary] = services.audits.list()
    audit = summary.audit
    assert (audit.title, audit.kind, audit.lead_auditor, audit.site_name) == \
        ("Erstaudit 2026", AuditKind.INITIAL, "A. Pruefer", "Betrieb Ost")
    qtbot.waitUntil(lambda: window.workspace.audit_id == audit.id)
    index = navigator.model.index_of_audit(audit.id)
    assert index.isValid()
    assert index.data() == "Erstaudit 2026"
    assert index.siblingAtColumn(nm.Column.PROGRESS).data() == "0/32"
    assert navigator.selected_audit_id() == audit.id
    # the new audit opens in the checklist on its first item
    assert window.workspace.current_view() == "checklist"
    assert window.workspace.checklist.current_item_key() == "4.1"


def test_organisation_dialog_validates_inline(qtbot, make_window, services, prompts) -> None:  # type: ignore[no-untyped-def]
    services.organisations.create("Schon Da GmbH")
    window = make_window()
    dialog = window.new_organisation()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == _("Please enter the organisation's name.")

    qtbot.keyClicks(dialog.name_edit, "schon da gmbh")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    # the service refuses the duplicate; the message appears in the dialog, translated
    qtbot.waitUntil(lambda: "schon da gmbh" in dialog.error_label.text())
    assert dialog.isVisible()
    assert dialog.buttons.isEnabled()
    assert len(services.organisations.list()) == 1
    assert not prompts.calls
    dialog.reject()


def test_new_audit_without_organisation_asks_for_one_first(qtbot, make_window, prompts) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    dialog = window.new_audit()
    assert isinstance(dialog, NewOrganisationDialog)
    assert prompts.of("information")
    dialog.reject()


def test_enter_on_an_audit_in_the_navigator_opens_its_checklist(qtbot, make_window, demo) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    navigator = window.navigator
    assert window.workspace.currentWidget() is window.workspace.welcome
    assert navigator.select_audit(demo.audit_id)
    assert window.workspace.audit_id == demo.audit_id
    assert window.windowTitle().startswith("Überwachungsaudit")
    window.workspace.show_view("overview")
    qtbot.keyClick(navigator.tree, Qt.Key.Key_Return)
    assert window.workspace.current_view() == "checklist"
    assert window.workspace.checklist.current_item_key() == "7.4.1"  # the first open item
