"""The composition root ``oekoaudit.ui.app.run`` for ``gui``: opening, errors, exit codes."""

from __future__ import annotations

import argparse

import pytest

from PySide6.QtWidgets import QApplication

from oekoaudit.ui import app as app_module
from oekoaudit.ui.main_window import MainWindow


def _args(data_dir, **extra):  # type: ignore[no-untyped-def]
    values = {"command": "gui", "data_dir": str(data_dir), "lang": None, "audit": None}
    values.update(extra)
    return argparse.Namespace(**values)


@pytest.fixture
def use_test_app(monkeypatch, qapp):  # type: ignore[no-untyped-def]
    """Use pytest-qt's QApplication as it is (run() would otherwise restyle it)."""
    monkeypatch.setattr(app_module, "_make_application", lambda lang: qapp)
    return qapp


def test_gui_opens_the_audit_and_saves_on_exit(monkeypatch, use_test_app, services, audit, data_dir) -> None:  # type: ignore[no-untyped-def]
    services.close()  # run() opens the folder itself
    seen: list[object] = []

    def fake_exec() -> int:
        [window] = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen.append((window.workspace.audit_id, window.workspace.current_view()))
        view = window.workspace.checklist
        view.answer_current("conform")
        view.detail.note_edit.setPlainText("am Ende gespeichert")  # typed, not yet saved
        window.close()
        window.deleteLater()
        return 0

    monkeypatch.setattr(use_test_app, "exec", fake_exec)
    assert app_module.run(_args(data_dir, audit=audit.id[:8])) == 0
    assert seen == [(audit.id, "checklist")]

    from oekoaudit.services import open_services

    with open_services(data_dir) as again:
        answers = again.audits.detail(audit.id).answers
    assert answers["4.1"].result == "conform"
    assert answers["4.2"].note == "am Ende gespeichert"
    assert (data_dir / "window.ini").exists()  # geometry and splitters remembered


def test_gui_unknown_audit_is_a_user_error(use_test_app, data_dir, capsys) -> None:  # type: ignore[no-untyped-def]
    assert app_module.run(_args(data_dir, audit="abcdef12")) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "abcdef12" in err[0]


def test_gui_locked_store_shows_a_message(use_test_app, services, data_dir, prompts, capsys) -> None:  # type: ignore[no-untyped-def]
    # ``services`` holds the folder, as another running oekoaudit would
    assert app_module.run(_args(data_dir)) == 1
    [message] = prompts.of("error")
    assert str(data_dir) in message
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.parametrize("text, expected", [("1280x800", (1280, 800)), (" 1920X1080 ", (1920, 1080)),
                                            ("800×600", (800, 600))])
def test_parse_size(text, expected) -> None:  # type: ignore[no-untyped-def]
    assert app_module.parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "1280", "1280x", "x800", "-1x5", "99999x99999", "100x100"])
def test_parse_size_refuses(text) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(app_module._UsageProblem):
        app_module.parse_size(text)
