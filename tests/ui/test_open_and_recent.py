"""Where an audit opens (command line, navigator, recent audits) and the welcome page's recent audits."""

from __future__ import annotations

import argparse

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from oekoaudit.i18n import _
from oekoaudit.services.settings import Settings, save_settings
from oekoaudit.ui import app as app_module
from oekoaudit.ui.main_window import MainWindow
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.views.workspace import WELCOME_RECENT


@pytest.fixture
def qub(services, audit):  # type: ignore[no-untyped-def]
    """A QuB self-assessment, next to the ISO 14001 audit of ``audit``."""
    organisation = services.organisations.create("Schreinerei Holzwurm & Söhne")
    return services.audits.create(organisation.id, "qub-2024", kind="self-assessment")


def _activate_in_navigator(qtbot, window, audit_id):  # type: ignore[no-untyped-def]
    """Select the audit's row and press Enter (what a double-click does too)."""
    tree = window.navigator.tree
    tree.setCurrentIndex(window.navigator.model.index_of_audit(audit_id))
    assert window.workspace.audit_id == audit_id
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Return)


# ---- where an audit opens ---------------------------------------------------------------


@pytest.mark.parametrize("which, expected", [("qub", "self_assessment"), ("audit", "checklist")])
def test_gui_opens_a_self_assessment_on_its_tab(monkeypatch, qapp, services, data_dir, audit, qub,  # type: ignore[no-untyped-def]
                                                 which, expected) -> None:
    audit_id = (qub if which == "qub" else audit).id
    services.close()  # run() opens the folder itself
    monkeypatch.setattr(app_module, "_make_application", lambda lang: qapp)
    seen: list[object] = []

    def fake_exec() -> int:
        [window] = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen.append((window.workspace.audit_id, window.workspace.current_view()))
        window.close()
        window.deleteLater()
        return 0

    monkeypatch.setattr(qapp, "exec", fake_exec)
    args = argparse.Namespace(command="gui", data_dir=str(data_dir), lang=None, audit=audit_id[:8])
    assert app_module.run(args) == 0
    assert seen == [(audit_id, expected)]


def test_navigator_enter_opens_a_self_assessment_on_its_tab(qtbot, make_window, audit, qub) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    _activate_in_navigator(qtbot, window, qub.id)
    assert window.workspace.current_view() == "self_assessment"
    window.workspace.show_view("checklist")  # looked at the checklist, then Enter again
    _activate_in_navigator(qtbot, window, qub.id)
    assert window.workspace.current_view() == "self_assessment"

    _activate_in_navigator(qtbot, window, audit.id)  # any other audit: on its checklist, as before
    assert window.workspace.current_view() == "checklist"
    window.workspace.show_view("overview")
    _activate_in_navigator(qtbot, window, audit.id)
    assert window.workspace.current_view() == "checklist"


def test_recent_menu_opens_a_self_assessment_on_its_tab(qtbot, make_window, audit, qub) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.open_audit(qub.id)
    window.open_audit(audit.id, "overview")

    def choose(audit_id: str) -> None:
        window.recent.refresh()
        next(a for a in window.recent.menu.actions() if a.data() == audit_id).trigger()

    choose(qub.id)
    assert (window.workspace.audit_id, window.workspace.current_view()) == (qub.id, "self_assessment")
    window.workspace.show_view("checklist")
    choose(qub.id)  # the open self-assessment: back to its tab
    assert window.workspace.current_view() == "self_assessment"

    window.workspace.show_view("findings")
    choose(audit.id)  # any other audit keeps opening as before: the tab shown stays
    assert (window.workspace.audit_id, window.workspace.current_view()) == (audit.id, "findings")


def test_an_explicit_view_is_kept(make_window, qub) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    assert window.open_audit(qub.id, "checklist")  # e.g. a screenshot with --view checklist
    assert window.workspace.current_view() == "checklist"


# ---- the welcome page's recent audits ---------------------------------------------------


def test_welcome_lists_recent_audits_and_opens_them(qtbot, make_window, services, audit, qub) -> None:  # type: ignore[no-untyped-def]
    save_settings(services.data_dir, Settings(recent_audits=[qub.id, "gone-audit-id", audit.id]))
    window = make_window()
    welcome = window.workspace.welcome
    assert window.workspace.currentWidget() is welcome
    assert welcome.recent_box.isVisible()
    assert welcome.recent_heading.text() == "Zuletzt geöffnet"
    buttons = welcome.recent_buttons
    assert [b.property("audit_id") for b in buttons] == [qub.id, audit.id]  # the deleted one is skipped
    assert buttons[0].text() == "QuB – Qualitätsverbund umweltbewusster Betriebe"
    assert buttons[0].toolTip() == _("{audit} – {organisation}").format(
        audit="QuB – Qualitätsverbund umweltbewusster Betriebe", organisation="Schreinerei Holzwurm & Söhne")
    assert buttons[1].text() == "Internes Audit" and "Testbetrieb GmbH" in buttons[1].toolTip()
    assert all(b.isVisible() for b in buttons)

    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)  # a self-assessment: on its tab
    assert (window.workspace.audit_id, window.workspace.current_view()) == (qub.id, "self_assessment")
    assert window.navigator.model.index_of_audit(qub.id) == window.navigator.tree.currentIndex()

    window.open_audit(audit.id)
    window.navigator.select_audit(None)  # back to the welcome page: the newest first
    window.workspace.show_audit(None)
    assert window.workspace.currentWidget() is welcome
    assert [b.property("audit_id") for b in welcome.recent_buttons] == [audit.id, qub.id]
    qtbot.mouseClick(welcome.recent_buttons[0], Qt.MouseButton.LeftButton)
    assert window.workspace.audit_id == audit.id


def test_welcome_shows_at_most_five(make_window, services, audit) -> None:  # type: ignore[no-untyped-def]
    ids = [services.audits.create(audit.organisation_id, "iso14001-2015", kind="internal",
                                  title=f"Audit {n}").id for n in range(7)]
    save_settings(services.data_dir, Settings(recent_audits=ids))
    window = make_window()
    buttons = window.workspace.welcome.recent_buttons
    assert WELCOME_RECENT == 5
    assert [b.text() for b in buttons] == [f"Audit {n}" for n in range(5)]


def test_welcome_hides_the_list_without_recent_audits(make_window, services, audit) -> None:  # type: ignore[no-untyped-def]
    save_settings(services.data_dir, Settings(recent_audits=["gone-audit-id"]))
    window = make_window()
    welcome = window.workspace.welcome
    assert window.workspace.currentWidget() is welcome
    assert welcome.recent_buttons == [] and not welcome.recent_box.isVisible()
    assert welcome.new_audit_button.isVisible()


def test_welcome_recent_of_a_deleted_audit_is_refused_quietly(qtbot, make_window, services, audit) -> None:  # type: ignore[no-untyped-def]
    save_settings(services.data_dir, Settings(recent_audits=[audit.id]))
    window = make_window()
    emit(window.workspace.welcome.recent_audit_requested, "gone-audit-id")  # a stale list
    assert window.workspace.audit_id is None
    assert window.statusBar().currentMessage() == _("The audit no longer exists.")
