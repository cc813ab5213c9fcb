"""Audit packages in the window: export with progress and cancel, import with a summary before
anything is written, review in a sealed window, conflicts side by side, ``gui --open``."""

from __future__ import annotations

import argparse
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from evidence_support import photo_bytes

from PySide6.QtWidgets import QApplication

from oekoaudit.cli.parser import parse_args
from oekoaudit.errors import PackageCancelled, ReadOnlyError
from oekoaudit.i18n import _, describe
from oekoaudit.services import open_services
from oekoaudit.services.packages import verify_file
from oekoaudit.ui import app as app_module
from oekoaudit.ui.dialogs.conflicts import ConflictsDialog, format_value
from oekoaudit.ui.dialogs.import_summary import ImportSummaryDialog, totals_text
from oekoaudit.ui.main_window import MainWindow
from oekoaudit.ui.package_ui import ProgressDialog
from oekoaudit.ui.widgets.verification_banner import (
    PROBLEMS,
    UNCONFIRMED,
    VERIFIED,
    VerificationBanner,
    VerificationFacts,
)

WAIT = 20_000
#: (in the user's language: "nicht signiert", "Prüfansicht – nichts wird gespeichert")
NOT_SIGNED = "– " + _("Complete and unaltered – not signed").rsplit("– ", 1)[-1]
REVIEW = _("Review – nothing is saved")


@pytest.fixture
def other(tmp_path: Path) -> Iterator[Any]:
    """A second data folder: the colleague's computer."""
    services = open_services(tmp_path / "other")
    try:
        yield services
    finally:
        services.close()


def _note(services: Any, audit_id: str, key: str = "4.1") -> str | None:
    answer = services.audits.detail(audit_id).answers.get(key)
    return answer.note if answer is not None else None


def _wait_for_dialog(qtbot: Any, window: MainWindow, kind: type) -> Any:
    qtbot.waitUntil(lambda: isinstance(window.packages.dialog, kind), timeout=WAIT)
    return window.packages.dialog


def _tamper(source: Path, target: Path) -> Path:
    """The same package with one byte of an audit's document changed (its manifest left as it was)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("audits/"):
                data = data.replace(b"Internes Audit", b"Internes Audlt", 1)
                assert b"Internes Audlt" in data
            zout.writestr(info, data)
    return target


# ---- the banner ---------------------------------------------------------------------------------


def test_banner_states_and_texts(qtbot) -> None:  # type: ignore[no-untyped-def]
    banner = VerificationBanner(review=True)
    qtbot.addWidget(banner)
    banner.set_facts(VerificationFacts(signature="unsigned", created_at="2026-03-12T13:05:00+00:00"))
    assert banner.state == UNCONFIRMED
    assert NOT_SIGNED in banner.text() and REVIEW in banner.text()
    assert not banner.check_key_button.isVisibleTo(banner)

    banner.set_facts(VerificationFacts(signature="valid", key_id="1a2b3c4d5e6f7a8b", signer="Dr. Jana Weber",
                                       signed_at="2026-03-12T13:05:00+00:00"))
    assert banner.state == UNCONFIRMED
    text = banner.text()
    assert "Dr. Jana Weber" in text and "12.03.2026" in text and "1a2b 3c4d 5e6f 7a8b" in text
    assert _("Complete and unaltered – the signer's key is not confirmed") in text
    assert banner.check_key_button.isVisibleTo(banner)  # compare the key: choose the .pub file

    banner.set_facts(VerificationFacts(signature="trusted", key_id="1a2b3c4d5e6f7a8b", signer="Dr. Jana Weber",
                                       signed_at="2026-03-12T13:05:00+00:00"))
    assert banner.state == VERIFIED and _("Complete and unaltered – signature confirmed") in banner.text()

    banner.set_facts(VerificationFacts(problems=("Das Teil audits/x.json wurde verändert.",), signature="unsigned"))
    assert banner.state == PROBLEMS
    assert _("The package is damaged or was altered") in banner.text() and "audits/x.json" in banner.text()
    banner.set_facts(VerificationFacts(signature="invalid"))
    assert banner.state == PROBLEMS


def test_values_are_shown_as_people_read_them() -> None:
    assert format_value(None) == "—"
    assert format_value("  ") == "—"
    assert format_value("Notiz") == "Notiz"
    assert format_value(True) == _("yes")
    assert format_value("2026-03-12") == "12.03.2026"
    assert format_value([{"name": "A. Weber", "role": "Auditorin"}]) == (
        '[\n  {\n    "name": "A. Weber",\n    "role": "Auditorin"\n  }\n]')


# ---- export -------------------------------------------------------------------------------------


def test_export_from_the_window_writes_a_verified_package(make_window, services, audit, tmp_path,  # type: ignore[no-untyped-def]
                                                          qtbot) -> None:
    services.audits.answer(audit.id, "4.1", "conform", "im Bericht")
    window = make_window()
    assert window.open_audit(audit.id)
    assert window.action_export_package.shortcut().toString() == "Ctrl+Shift+E"
    dialog = window.packages.export()
    assert dialog is not None and dialog.selected_ids() == [audit.id]  # the open audit is chosen
    folder = tmp_path / "out"
    folder.mkdir()
    dialog.path_edit.setText(str(folder / "Paket"))
    progress: list[tuple[int, int]] = []
    dialog.export_button.click()
    task = window.packages.task
    task.progressed.connect(lambda done, total: progress.append((done, total)))
    qtbot.waitUntil(lambda: task.done, timeout=WAIT)
    assert task.error is None, task.error
    target = folder / "Paket.oekoaudit"  # the suffix is added
    verification = verify_file(target)
    assert verification.ok and verification.signature.status == "unsigned"
    assert progress and progress[-1][0] == progress[-1][1] > 0  # progress came, ending complete
    qtbot.waitUntil(lambda: window.packages.dialog is None, timeout=WAIT)  # closed
    assert "Paket.oekoaudit" in window.statusBar().currentMessage()


def test_cancelling_the_export_leaves_no_file(make_window, services, audit, tmp_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.open_audit(audit.id)
    halfway = threading.Event()
    real = window.packages.run_export

    def held(request, progress, cancel):  # type: ignore[no-untyped-def]
        def report(done: int, total: int) -> None:
            progress(done, total)
            halfway.set()
            cancel.wait(10)  # hold the export half way until the user cancels
        return real(request, report, cancel)

    window.packages.run_export = held
    dialog = window.packages.export()
    folder = tmp_path / "out"
    folder.mkdir()
    dialog.path_edit.setText(str(folder / "abgebrochen.oekoaudit"))
    dialog.export_button.click()
    task = window.packages.task
    qtbot.waitUntil(halfway.is_set, timeout=WAIT)
    assert dialog.running and dialog.progress_box.isVisible() and not dialog.export_button.isEnabled()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: task.done, timeout=WAIT)
    assert isinstance(task.error, PackageCancelled)
    assert list(folder.iterdir()) == []  # neither the package nor a part file
    qtbot.waitUntil(lambda: window.packages.dialog is None, timeout=WAIT)  # closed


def test_signed_export_and_checking_the_key(make_window, services, other, audit, tmp_path, qtbot, monkeypatch,  # type: ignore[no-untyped-def]
                                            prompts) -> None:
    from oekoaudit.services.packages import new_key_pair
    from oekoaudit.ui import prompts as prompts_module

    mine = new_key_pair(tmp_path / "meiner.pem")
    stranger = new_key_pair(tmp_path / "fremd.pem")
    window = make_window()
    window.open_audit(audit.id)
    dialog = window.packages.export()
    dialog.path_edit.setText(str(tmp_path / "signiert.oekoaudit"))
    assert not dialog.key_edit.isEnabled()
    dialog.sign_check.setChecked(True)
    assert not dialog.export_button.isEnabled()  # signing needs the key file
    dialog.key_edit.setText(str(mine.private_path))
    dialog.signer_edit.setText("Dr. Jana Weber")
    dialog.export_button.click()
    task = window.packages.task
    qtbot.waitUntil(lambda: task.done, timeout=WAIT)
    assert task.error is None, task.error
    assert task.result.signer_key_id == mine.key_id
    verification = verify_file(tmp_path / "signiert.oekoaudit")
    assert verification.signature.status == "valid" and verification.signature.name == "Dr. Jana Weber"

    # the colleague looks at it: signed, but is it really her key?
    reviewer = make_window(other)
    reviewer.packages.open_review(tmp_path / "signiert.oekoaudit")
    qtbot.waitUntil(lambda: bool(reviewer.packages.review_windows), timeout=WAIT)
    [review] = reviewer.packages.review_windows
    try:
        banner = review.verification_banner
        assert banner.state == UNCONFIRMED and "Dr. Jana Weber" in banner.text()
        assert " ".join([mine.key_id[:4], mine.key_id[4:8]]) in banner.text()
        assert banner.check_key_button.isVisible()
        monkeypatch.setattr(prompts_module, "open_file", lambda *args, **kwargs: str(stranger.public_path))
        banner.check_key_button.click()  # a key that did not sign it
        qtbot.waitUntil(lambda: bool(prompts.of("warning")), timeout=WAIT)
        assert banner.state == UNCONFIRMED
        monkeypatch.setattr(prompts_module, "open_file", lambda *args, **kwargs: str(mine.public_path))
        banner.check_key_button.click()  # her public key, handed over in person
        qtbot.waitUntil(lambda: banner.state == VERIFIED, timeout=WAIT)
        assert _("Complete and unaltered – signature confirmed") in banner.text()
        assert not banner.check_key_button.isVisible()
    finally:
        review.close()


# ---- import -------------------------------------------------------------------------------------


def test_import_shows_a_summary_before_writing(make_window, services, other, audit, tmp_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    services.audits.answer(audit.id, "4.1", "conform", "erste Fassung")
    services.packages.export([audit.id], tmp_path / "eins.oekoaudit")
    other.packages.import_package(tmp_path / "eins.oekoaudit")  # the colleague has the audit
    services.audits.answer(audit.id, "4.1", "conform", "zweite Fassung")
    services.audits.answer(audit.id, "4.2", "minor_nc", "neu")
    package = tmp_path / "zwei.oekoaudit"
    services.packages.export([audit.id], package)

    window = make_window(other)
    staging = other.data_dir / "blobs"
    window.packages.import_package(package)
    dialog = _wait_for_dialog(qtbot, window, ImportSummaryDialog)
    # what would happen, before anything happened
    assert dialog.count("answer", "changed") == 1 and dialog.count("answer", "new") == 1
    assert dialog.count("answer", "unchanged") == 0 and dialog.count("audit", "unchanged") == 1
    assert totals_text({"new": 1, "changed": 1, "unchanged": 3}) in dialog.totals_label.text()
    assert dialog.banner.state == UNCONFIRMED and NOT_SIGNED in dialog.banner.text()
    assert "Internes Audit" in dialog.audits_label.text()
    assert _note(other, audit.id) == "erste Fassung" and _note(other, audit.id, "4.2") is None

    dialog.cancel_button.click()  # no
    qtbot.waitUntil(lambda: window.packages.dialog is None, timeout=WAIT)
    assert _note(other, audit.id) == "erste Fassung" and _note(other, audit.id, "4.2") is None
    assert not [p for p in staging.rglob("package-*")]  # the unpacked package is gone

    window.packages.import_package(package)  # yes
    dialog = _wait_for_dialog(qtbot, window, ImportSummaryDialog)
    dialog.import_button.click()
    task = window.packages.task
    qtbot.waitUntil(lambda: task.done, timeout=WAIT)
    assert task.error is None, task.error
    assert task.result["imported"] is True
    assert _note(other, audit.id) == "zweite Fassung" and _note(other, audit.id, "4.2") == "neu"
    assert _("Package imported: {new} new, {changed} changed, {unchanged} unchanged.").split(":")[0] in \
        window.statusBar().currentMessage()


def test_a_refused_package_is_reported_and_nothing_is_written(make_window, services, other, audit, tmp_path,  # type: ignore[no-untyped-def]
                                                              qtbot, prompts) -> None:
    services.packages.export([audit.id], tmp_path / "gut.oekoaudit")
    bad = _tamper(tmp_path / "gut.oekoaudit", tmp_path / "schlecht.oekoaudit")
    window = make_window(other)
    task = window.packages.import_package(bad)
    qtbot.waitUntil(lambda: task.done, timeout=WAIT)
    [message] = prompts.of("error")
    assert describe(verify_file(bad).problems[0]) in message
    assert other.audits.list() == []
    assert not isinstance(window.packages.dialog, ImportSummaryDialog)


# ---- review -------------------------------------------------------------------------------------


def test_review_window_is_sealed_and_leaves_the_users_data_alone(make_window, services, other, tmp_path,  # type: ignore[no-untyped-def]
                                                                qtbot, prompts) -> None:
    organisation = other.organisations.create("Prüfbetrieb AG")
    audit = other.audits.create(organisation.id, "iso14001-2015", kind="internal", title="Internes Audit")
    other.audits.answer(audit.id, "4.1", "conform", "Notiz aus dem Paket")
    photo = other.evidence.import_bytes(audit.id, photo_bytes((41, 128, 185)), "Lager.jpg")
    assert photo.status.value == "imported"
    package = tmp_path / "pruefen.oekoaudit"
    other.packages.export([audit.id], package)

    window = make_window()  # the user's own (empty) data
    assert services.organisations.list() == []
    window.packages.open_review(package)
    qtbot.waitUntil(lambda: bool(window.packages.review_windows), timeout=WAIT)
    [review] = window.packages.review_windows
    folder = review.review.folder
    try:
        qtbot.waitExposed(review)
        assert review.windowTitle() == _("Review – {file}").format(file="pruefen.oekoaudit")
        banner = review.verification_banner
        assert banner.isVisible() and banner.state == UNCONFIRMED
        assert NOT_SIGNED in banner.text() and REVIEW in banner.text()
        assert review.workspace.audit_id == audit.id  # the package's audit is shown
        assert review.workspace.detail.audit.read_only
        assert not [a.text() for a in review.writing_actions() if a.isEnabled()]
        assert not any(b.isVisible() for b in review.workspace.banner.buttons.values())
        # the checklist takes no answer
        review.workspace.show_view("checklist")
        checklist = review.workspace.checklist
        assert checklist.select_item("4.2")
        assert not checklist.detail.answer_bar.isEnabled() and checklist.detail.note_edit.isReadOnly()
        checklist.answer_current("conform")  # by key: refused by the sealed store, quietly
        review.flush()
        qtbot.waitUntil(lambda: review.worker.pending == 0, timeout=WAIT)
        assert REVIEW in review.statusBar().currentMessage()
        assert not prompts.of("error")
        with pytest.raises(ReadOnlyError):
            review.services.audits.answer(audit.id, "4.1", "minor_nc", "geändert")
        assert review.services.audits.detail(audit.id).answers["4.1"].note == "Notiz aus dem Paket"
        assert "4.2" not in review.services.audits.detail(audit.id).answers
        # the package's photos are there to look at
        assert [e.original_name for e in review.services.evidence.list(audit.id)] == ["Lager.jpg"]
        review.workspace.show_view("evidence")
        qtbot.waitUntil(lambda: review.workspace.gallery.model.rowCount() == 1, timeout=WAIT)
        assert folder.is_dir()
    finally:
        review.close()
    qtbot.waitUntil(lambda: not folder.exists(), timeout=WAIT)  # closing removed the copy
    assert services.organisations.list() == [] and services.audits.list() == []
    assert window.packages.review_windows == [] or not window.packages.review_windows[0].isVisible()


def test_cancelling_the_opening_shows_nothing(make_window, services, audit, tmp_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    package = tmp_path / "p.oekoaudit"
    services.packages.export([audit.id], package)
    window = make_window()
    started = threading.Event()
    real = window.packages.run_open

    def held(path, svc, progress, cancel):  # type: ignore[no-untyped-def]
        started.set()
        cancel.wait(10)
        return real(path, svc, progress=progress, cancel=cancel)

    window.packages.run_open = held
    task = window.packages.open_review(package)
    dialog = window.packages.dialog
    assert isinstance(dialog, ProgressDialog)
    qtbot.waitUntil(started.is_set, timeout=WAIT)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: task.done, timeout=WAIT)
    assert isinstance(task.error, PackageCancelled)
    assert window.packages.review_windows == []
    assert window.packages.dialog is None  # the progress window closed itself


# ---- conflicts ----------------------------------------------------------------------------------


def test_conflict_is_decided_side_by_side(make_window, services, other, audit, tmp_path, qtbot) -> None:  # type: ignore[no-untyped-def]
    services.audits.answer(audit.id, "4.1", "conform", "gemeinsam")
    services.packages.export([audit.id], tmp_path / "eins.oekoaudit")
    other.packages.import_package(tmp_path / "eins.oekoaudit")
    services.audits.answer(audit.id, "4.1", "conform", "Notiz von A")  # both change the same note
    other.audits.answer(audit.id, "4.1", "conform", "Notiz von B")
    package = tmp_path / "zwei.oekoaudit"
    services.packages.export([audit.id], package)

    window = make_window(other)
    window.packages.import_package(package)
    summary = _wait_for_dialog(qtbot, window, ImportSummaryDialog)
    assert summary.count("answer", "conflict") == 1 and summary.conflict_label.isVisibleTo(summary)
    summary.import_button.click()
    dialog = _wait_for_dialog(qtbot, window, ConflictsDialog)  # opened after the import
    assert _note(other, audit.id) == "Notiz von B"  # this computer's value stays until decided
    assert dialog.list.topLevelItemCount() == 1
    item = dialog.list.topLevelItem(0)
    assert "4.1" in item.text(0) and item.text(1) == _("Note")
    assert dialog.local_pane.value.toPlainText() == "Notiz von B"
    assert dialog.incoming_pane.value.toPlainText() == "Notiz von A"
    assert dialog.local_pane.button.text() == _("Keep this one")
    assert dialog.incoming_pane.button.text() == _("Take the package's value")

    dialog.incoming_pane.button.click()
    qtbot.waitUntil(lambda: not dialog.conflicts, timeout=WAIT)
    assert other.packages.conflicts() == []
    assert _note(other, audit.id) == "Notiz von A"
    assert dialog.stack.currentWidget() is dialog.empty_label
    # File → Conflicts shows the same (now empty) list
    dialog.close_button.click()
    again = window.packages.show_conflicts()
    assert again is not None and again.conflicts == []
    again.reject()


# ---- gui --open ---------------------------------------------------------------------------------


def _gui_args(data_dir: Path, package: Path) -> argparse.Namespace:
    return argparse.Namespace(command="gui", data_dir=str(data_dir), lang=None, audit=None,
                              open_package=str(package))


@pytest.fixture
def use_test_app(monkeypatch, qapp):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(app_module, "_make_application", lambda lang: qapp)
    return qapp


def test_gui_open_refuses_a_tampered_package(use_test_app, services, audit, tmp_path, prompts, capsys) -> None:  # type: ignore[no-untyped-def]
    services.packages.export([audit.id], tmp_path / "gut.oekoaudit")
    bad = _tamper(tmp_path / "gut.oekoaudit", tmp_path / "verändert.oekoaudit")
    first = describe(verify_file(bad).problems[0])
    user = tmp_path / "user-data"
    assert app_module.run(_gui_args(user, bad)) == 1
    [message] = prompts.of("error")
    assert first in message
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and first in err[0]
    assert not (user / "oekoaudit.sqlite").exists() and not any(user.glob("*.sqlite*"))  # never opened


def test_gui_open_shows_only_the_review_window(monkeypatch, use_test_app, services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    package = tmp_path / "ansehen.oekoaudit"
    services.packages.export([audit.id], package)
    user = tmp_path / "user-data"
    seen: list[Any] = []

    def fake_exec() -> int:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        [window] = windows
        seen.append((window.windowTitle(), window.workspace.audit_id, window.verification_banner.state,
                     window.review.folder))
        window.close()
        return 0

    monkeypatch.setattr(use_test_app, "exec", fake_exec)
    assert app_module.run(_gui_args(user, package)) == 0
    [(title, shown, state, folder)] = seen
    assert title == _("Review – {file}").format(file="ansehen.oekoaudit") and shown == audit.id and state == UNCONFIRMED
    assert not folder.exists()
    assert not any(user.glob("*.sqlite*"))


def test_package_argument_takes_a_bare_package_path() -> None:
    assert app_module.package_argument(argparse.Namespace(open_package="a.oekoaudit")) == Path("a.oekoaudit")
    assert app_module.package_argument(argparse.Namespace(open_package="")) is None
    # a bare path (a double click) reaches the window as ``gui --open``; other files do not
    assert app_module.package_argument(parse_args(["B.OEKOAUDIT"])) == Path("B.OEKOAUDIT")
    assert app_module.package_argument(parse_args(["--lang", "en", "/tmp/a b.oekoaudit"])) == Path("/tmp/a b.oekoaudit")
    assert app_module.package_argument(parse_args(["gui"])) is None
